"""Fixtures of the acts tests: the personnel fixtures (units, posts, agents in tenant A) and
helpers that drive an act through its workflow with the real services."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from modules.actes import services
from modules.actes.models import Acte, Etat
from modules.actes.services import ObservationRecue
from modules.personnel.tests.conftest import (  # noqa: F401  (fixtures)
    creer_agent,
    dans_a,
    referentiel,
    rib_valide,
    unites_a,
)
from modules.personnel.tests.conftest import (
    postes_a as postes_a,
)
from modules.unites.perimetres import TOUT

PDF = b"%PDF-1.4\n% test\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def rediger(postes_a):
    """Draft an act as "redacteur" over the whole tenant."""

    def rediger_(
        type_code: str,
        *,
        agent: Any = None,
        date_effet: date = date(2026, 1, 1),
        origine: Acte | None = None,
        **brutes: Any,
    ) -> Acte:
        return services.acte_creer(
            auteur="redacteur",
            perimetre=TOUT,
            type_code=type_code,
            date_effet=date_effet,
            brutes=brutes,
            agent_id=agent.id if agent is not None else None,
            origine=origine,
        )

    return rediger_


def joindre_pieces(acte: Acte) -> None:
    """Attach every document the act's type requires."""
    from modules.actes.types import type_get

    version = services.version_courante(acte)
    type_acte = type_get(acte.type_code)
    assert type_acte is not None
    for type_piece in type_acte.pieces(version.donnees):
        services.piece_ajouter(
            auteur="redacteur",
            acte=acte,
            type_piece=type_piece,
            contenu=PDF,
            nom_fichier=f"{type_piece}.pdf",
        )


def jusqu_au_visa(acte: Acte, *, visa: str = "V-0001") -> Acte:
    """Validate, transmit, take charge and visa an act (driving the Treasury side directly)."""
    joindre_pieces(acte)
    acte = services.acte_valider(auteur="valideur", acte=acte)
    services.bordereaux_constituer(auteur="valideur", actes=[acte])
    acte.refresh_from_db()
    services.reponse_appliquer(acte_id=acte.id, version=acte.version, etat=Etat.PRIS_EN_CHARGE)
    return services.reponse_appliquer(
        acte_id=acte.id, version=acte.version, etat=Etat.VISE, numero_visa=visa
    )


def rejeter(acte: Acte, *, code: str = "OBS-01", champ: str = "", texte: str = "Erreur") -> Acte:
    joindre_pieces(acte)
    acte = services.acte_valider(auteur="valideur", acte=acte)
    services.bordereaux_constituer(auteur="valideur", actes=[acte])
    acte.refresh_from_db()
    services.reponse_appliquer(acte_id=acte.id, version=acte.version, etat=Etat.PRIS_EN_CHARGE)
    return services.reponse_appliquer(
        acte_id=acte.id,
        version=acte.version,
        etat=Etat.REJETE,
        observations=[ObservationRecue(code=code, texte=texte, champ=champ)],
    )
