"""HR ↔ pay comparison: each nature of gap on a crafted HR file and pay month; a Treasury-side
item alone (an opposition) raises nothing; a re-run keeps decisions and drops what no longer
applies; the run is audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from audit.models import AuditEvent
from modules.paie import ecarts
from modules.paie.models import EcartPaie, LignePaie, MoisPaie, StatutEcartPaie
from modules.paie.tests.outils import el, indice_moteur, ligne, ligne_agent, mois_creer
from modules.personnel import facade as personnel
from modules.personnel.models import Agent
from modules.unites.perimetres import TOUT
from remuneration import facade as remuneration

NOV = date(2026, 11, 1)


@pytest.fixture
def hr(creer_agent) -> dict[str, Agent]:
    def agent(nom: str, **kw: object) -> Agent:
        return creer_agent(nom_fr=nom, commune_residence="04.421", **kw)

    return {
        "juste": agent("Bennani"),
        "opposition": agent("Chraibi"),
        "situation": agent("Doukkali"),
        "montant": agent("Essaidi"),
        "non_paye": agent("Fassi", unite="PAIE"),
        "detache": agent("Ghali", situation={"position": "detachement"}),
    }


def _entree(agent: Agent) -> dict[str, Any]:
    entree = personnel.situation_paie(perimetre=TOUT, agent_id=agent.id, mois=NOV)
    assert entree is not None
    return entree


def _net(agent: Agent) -> int:
    return remuneration.bulletin_calculer(situation=_entree(agent)).totaux["net"]


@pytest.fixture
def novembre(hr) -> MoisPaie:
    opposition = ligne_agent(hr["opposition"], NOV)
    opposition["elements"].append(el("OPP", "retenue", 150_000, origine="tresor"))
    majore = ligne_agent(hr["montant"], NOV)
    for e in majore["elements"]:
        if e["code"] == "TB":
            e["montant"] += 50_000  # the Treasury pays 500 DH more of traitement de base
    detache = ligne_agent(hr["juste"], NOV)  # amounts of someone paid, PPR of the detached
    detache.update(ppr=hr["detache"].ppr, agent_id=hr["detache"].id, position="activite")
    return mois_creer(
        NOV,
        [
            ligne_agent(hr["juste"], NOV),
            ligne(opposition["ppr"], opposition["elements"], agent_id=hr["opposition"].id,
                  unite_code="DRH", indice=opposition["indice"]),
            ligne_agent(hr["situation"], NOV, echelon="4", indice=999),
            ligne(majore["ppr"], majore["elements"], agent_id=hr["montant"].id,
                  unite_code="DRH", indice=majore["indice"]),
            detache,
            ligne("9999999", [el("TB", "gain", 600_000)], nom="Inconnu Hamid"),
        ],
    )  # fmt: skip


def _ecarts(mois: MoisPaie) -> dict[tuple[str, str], EcartPaie]:
    return {(e.ppr, e.nature): e for e in EcartPaie.objects.filter(mois=mois)}


def test_chaque_nature_d_ecart(hr, novembre) -> None:
    # The HR file holds grade and échelon, the Treasury states the index: equal through the grid.
    assert hr["juste"].indice is None
    assert LignePaie.objects.get(ppr=hr["juste"].ppr).indice == indice_moteur(
        _entree(hr["juste"]), NOV
    )
    assert ecarts.ecarts_calculer(mois_id=novembre.id, auteur="tests") == 5
    trouves = _ecarts(novembre)
    assert set(trouves) == {
        ("9999999", "paye_inconnu"),
        (hr["detache"].ppr, "paye_non_payable"),
        (hr["non_paye"].ppr, "non_paye"),
        (hr["situation"].ppr, "situation"),
        (hr["montant"].ppr, "montant"),
    }
    # The opposition (origine « tresor ») alone raises nothing; nor does the exact payslip.
    assert not [k for k in trouves if k[0] in (hr["opposition"].ppr, hr["juste"].ppr)]

    montant = trouves[(hr["montant"].ppr, "montant")]
    attendu = _net(hr["montant"])
    assert (montant.attendu, montant.paye) == (attendu, attendu + 50_000)
    assert montant.detail == {"difference": 50_000, "tolerance": 100}
    assert (montant.unite_code, montant.agent_id) == ("DRH", hr["montant"].id)

    situation = trouves[(hr["situation"].ppr, "situation")]
    assert situation.detail == {
        "champs": [
            {"champ": "echelon", "rh": "3", "paie": "4"},
            {"champ": "indice", "rh": indice_moteur(_entree(hr["situation"]), NOV), "paie": 999},
        ]
    }
    non_paye = trouves[(hr["non_paye"].ppr, "non_paye")]
    assert (non_paye.unite_code, non_paye.attendu) == ("PAIE", _net(hr["non_paye"]))
    assert trouves[(hr["detache"].ppr, "paye_non_payable")].detail == {"position": "detachement"}
    inconnu = trouves[("9999999", "paye_inconnu")]
    assert (inconnu.agent_id, inconnu.unite_code, inconnu.paye) == (None, "", 600_000)
    assert all(e.statut == StatutEcartPaie.OUVERT for e in trouves.values())

    novembre.refresh_from_db()
    assert novembre.compare_le is not None
    audit = AuditEvent.objects.filter(action="paie.ecarts_calculer").get()
    assert audit.data["ecarts"] == {
        "paye_inconnu": 1, "paye_non_payable": 1, "non_paye": 1, "situation": 1, "montant": 1,
    }  # fmt: skip


def test_tolerance_un_dirham(hr, novembre, settings) -> None:
    settings.INDIMAJ_PAIE_TOLERANCE_CENTIMES = 50_000
    ecarts.ecarts_calculer(mois_id=novembre.id, auteur="tests")
    assert (hr["montant"].ppr, "montant") not in _ecarts(novembre)


def test_relance_garde_les_decisions_et_retire_ce_qui_ne_s_applique_plus(hr, novembre) -> None:
    ecarts.ecarts_calculer(mois_id=novembre.id, auteur="tests")
    trouves = _ecarts(novembre)
    explique = trouves[(hr["montant"].ppr, "montant")]
    explique.statut = StatutEcartPaie.EXPLIQUE
    explique.commentaire = "Rappel en cours"
    explique.save()
    # The HR file now agrees with the Treasury's echelon... by dropping the unknown PPR's line
    # and paying the unpaid agent, two open gaps no longer apply.
    from modules.paie.models import LignePaie

    LignePaie.objects.filter(mois=novembre, ppr="9999999").delete()
    LignePaie.objects.create(mois=novembre, **ligne_agent(hr["non_paye"], NOV))

    assert ecarts.ecarts_calculer(mois_id=novembre.id, auteur="tests") == 3
    apres = _ecarts(novembre)
    assert set(apres) == {
        (hr["detache"].ppr, "paye_non_payable"),
        (hr["situation"].ppr, "situation"),
        (hr["montant"].ppr, "montant"),
    }
    garde = apres[(hr["montant"].ppr, "montant")]
    assert (garde.id, garde.statut, garde.commentaire) == (
        explique.id,
        StatutEcartPaie.EXPLIQUE,
        "Rappel en cours",
    )


def test_mois_disparu(referentiel, dans_a) -> None:
    assert ecarts.ecarts_calculer(mois_id=987_654, auteur="tests") == 0
    assert not AuditEvent.objects.filter(action="paie.ecarts_calculer").exists()
