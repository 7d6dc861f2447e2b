"""The catalogue of act types. Importing this package registers every type."""

from modules.actes.types import (  # noqa: F401  (registration on import)
    base,
    carriere,
    famille,
    indemnites,
    maladie,
    positions,
    reclassement,
    recrutement,
    rectification,
    sorties,
)
from modules.actes.types.base import CATALOGUE, Anomalie, Champ, Contexte, Effet, TypeActe, type_get

__all__ = ["CATALOGUE", "Anomalie", "Champ", "Contexte", "Effet", "TypeActe", "type_get"]
