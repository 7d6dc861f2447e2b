"""A month through the real ingestion (signed file, gateway, paie port), then the comparison job
on what was ingested: the agent the Treasury pays as the engine expects — with an opposition on
top — raises nothing; the Treasury-side divergence injected on another agent's traitement de base
is the one gap of nature « montant », with the exact amounts; the payslip page shows the line."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from exchange import cles
from exchange.depot import Depot
from exchange.models import Statut
from identity.permissions import SESSION_HABILITATIONS_KEY
from modules.paie import actors, echange
from modules.paie.models import EcartPaie, LignePaie
from modules.paie.tests.outils import indice_moteur
from modules.paie.tests.test_echange import TRESOR, recevoir
from modules.personnel import facade as personnel
from modules.personnel.models import Agent
from modules.unites.perimetres import TOUT
from remuneration import facade as remuneration

NOV = date(2026, 11, 1)


@pytest.fixture
def boite(tmp_path: Path, tenant_a) -> Depot:
    cles.cle_creer(partie=TRESOR, auteur="tests")
    return Depot(tmp_path)


@pytest.fixture
def comparaisons_lancees(monkeypatch) -> list[tuple[str, int]]:
    """What the ingestion queues, captured; the test then runs the job itself."""
    lances: list[tuple[str, int]] = []
    monkeypatch.setattr(
        actors,
        "ecarts_calculer_lancer",
        lambda *, schema_name, mois_id: lances.append((schema_name, mois_id)),
    )
    return lances


def _enregistrement(agent: Agent, *, tb_en_plus: int = 0, opposition: int = 0) -> dict[str, Any]:
    entree = personnel.situation_paie(perimetre=TOUT, agent_id=agent.id, mois=NOV)
    assert entree is not None
    bulletin = remuneration.bulletin_calculer(situation=entree)
    elements: list[dict[str, Any]] = [
        {"code": e.code, "libelle": e.libelle_fr, "libelle_ar": e.libelle_ar, "sens": e.nature,
         "montant": e.montant_centimes + (tb_en_plus if e.code == "TB" else 0),
         "origine": "engine"}
        for e in bulletin.elements if e.montant_centimes
    ]  # fmt: skip
    if opposition:
        elements.append({"code": "OPP", "libelle": "Opposition", "sens": "retenue",
                         "montant": opposition, "origine": "tresor"})  # fmt: skip
    brut = sum(e["montant"] for e in elements if e["sens"] == "gain")
    retenues = sum(e["montant"] for e in elements if e["sens"] == "retenue")
    return {
        "type": "agent", "ppr": agent.ppr, "nom": agent.nom_fr, "prenom": agent.prenom_fr,
        "administrative": {"grade": agent.grade_code, "echelle": agent.echelle,
                           "echelon": agent.echelon, "indice": indice_moteur(entree, NOV),
                           "position": agent.position, "statut": agent.statut},
        "imputation": "10.1.1.11",
        "elements": [dict(e, montant=echange._dh(e["montant"])) for e in elements],
        "brut": echange._dh(brut), "retenues": echange._dh(retenues),
        "net": echange._dh(brut - retenues),
    }  # fmt: skip


def _fichier(partie: str, agents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    totaux: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for a in agents:
        for e in a["elements"]:
            t = totaux[(a["imputation"], e["code"], e["sens"])]
            t[0] += echange.centimes(e["montant"])
            t[1] += 1
    brut = sum(echange.centimes(a["brut"]) for a in agents)
    retenues = sum(echange.centimes(a["retenues"]) for a in agents)
    entete = {
        "type": "entete", "mois": "2026-11", "ordonnateur": partie, "date_arret": "2026-11-20",
        "date_paiement": "2026-11-27", "agents": len(agents), "brut": echange._dh(brut),
        "retenues": echange._dh(retenues), "net": echange._dh(brut - retenues),
    }  # fmt: skip
    pied = [
        {"type": "total", "imputation": i, "rubrique": r, "libelle": f"Libellé {r}", "sens": s,
         "montant": echange._dh(m), "agents": n}
        for (i, r, s), (m, n) in sorted(totaux.items())
    ]  # fmt: skip
    return [entete, *agents, *pied]


def test_fichier_integre_puis_compare(
    boite,
    comparaisons_lancees,
    creer_agent,
    tenant_a,
    django_capture_on_commit_callbacks,
    login_client,
) -> None:
    juste = creer_agent(nom_fr="Bennani", commune_residence="04.421")
    diverge = creer_agent(nom_fr="Chraibi", unite="PAIE", commune_residence="04.421")
    partie = f"ORD:{tenant_a.code}"
    lignes = _fichier(
        partie,
        [_enregistrement(juste, opposition=25_000), _enregistrement(diverge, tb_en_plus=12_345)],
    )
    fichier = recevoir(boite, partie, django_capture_on_commit_callbacks, lignes)
    assert fichier.statut == Statut.INTEGRE, fichier.rapport
    ((schema, mois_id),) = comparaisons_lancees
    assert schema == tenant_a.schema_name

    actors.paie_ecarts_calculer(schema, mois_id)

    (ecart,) = EcartPaie.objects.filter(mois_id=mois_id)
    entree = personnel.situation_paie(perimetre=TOUT, agent_id=diverge.id, mois=NOV)
    assert entree is not None
    attendu = remuneration.bulletin_calculer(situation=entree).totaux["net"]
    assert (ecart.ppr, ecart.nature, ecart.attendu, ecart.paye, ecart.unite_code) == (
        diverge.ppr, "montant", attendu, attendu + 12_345, "PAIE",
    )  # fmt: skip

    client = login_client(tenant_a, roles=())
    session = client.session
    session[SESSION_HABILITATIONS_KEY] = [["paie", "DRH"]]
    session.save()
    ligne = LignePaie.objects.get(mois_id=mois_id, ppr=juste.ppr)
    page = client.get(reverse("paie:bulletin", args=[mois_id, ligne.id]))
    assert [e["code"] for e in page.context["retenues"]][-1] == "OPP"
    assert page.context["tresor"] is True
