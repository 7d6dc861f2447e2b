"""Reclassement / intégration: the agent is put in another grade (and échelle) outside the
promotion quotas — a new diploma, a statute's integration, a court decision. Same checks and
effect as an avancement de grade (new grade, échelon of equal or next higher indice, a budget
post of the grade), a `reclassement` career event; may give arrears [GK]."""

from __future__ import annotations

from typing import ClassVar

from django.utils.translation import gettext_lazy

from modules.actes.types.base import Champ, enregistrer
from modules.actes.types.carriere import AvancementGrade

MOTIFS_RECLASSEMENT = (
    ("diplome", gettext_lazy("Diplôme")),
    ("integration", gettext_lazy("Intégration (statut particulier)")),
    ("decision", gettext_lazy("Décision de justice ou administrative")),
)


@enregistrer
class Reclassement(AvancementGrade):
    code: ClassVar[str] = "reclassement"
    libelle = gettext_lazy("Reclassement / intégration")
    nature = "reclassement"
    champs = (
        *AvancementGrade.champs[:3],
        Champ("mode", gettext_lazy("Motif du reclassement"), "choix", choix=MOTIFS_RECLASSEMENT),
    )
    pieces_requises = ("arrete",)
