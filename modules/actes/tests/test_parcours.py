"""Smoke path of the core: an échelon advancement drafted, checked, costed, validated,
transmitted, visé, and written into the file; a rejection then a corrected resubmission."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from modules.actes import services
from modules.actes.models import Etat
from modules.actes.tests.conftest import jusqu_au_visa, rejeter
from modules.personnel.models import Agent


def test_avancement_echelon_du_brouillon_au_dossier(creer_agent, rediger):
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
    version = services.version_courante(acte)
    assert [a for a in version.anomalies if a["bloquant"]] == []
    assert version.impact["variation"]["traitement_base"] > 0
    assert version.impact["erreur"] == ""
    agent.refresh_from_db()
    assert agent.echelon == "3"  # nothing changes before the visa
    acte = jusqu_au_visa(acte)
    assert acte.etat == Etat.VISE
    assert acte.numero_visa == "V-0001"
    agent.refresh_from_db()
    assert agent.echelon == "4"


def test_rejet_puis_nouvelle_version(creer_agent, rediger):
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
    acte = rejeter(acte, champ="echelon")
    assert acte.etat == Etat.REJETE
    with pytest.raises(ValidationError):
        services.reponse_appliquer(acte_id=acte.id, version=1, etat=Etat.VISE, numero_visa="V-9")
    acte = services.acte_corriger(auteur="redacteur", acte=acte)
    assert acte.version == 2
    assert acte.etat == Etat.BROUILLON
    acte = jusqu_au_visa(acte, visa="V-0002")
    assert acte.etat == Etat.VISE
    assert Agent.objects.get(id=agent.id).echelon == "4"
