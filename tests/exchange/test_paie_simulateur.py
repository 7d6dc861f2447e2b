"""A pay month end to end with the Treasury simulator as its own process: the ordonnateur's
population is loaded as the Treasury's copy (reprise), an act visé changes that copy, the
Treasury injects an opposition, its calendar emits the month's payroll file, the gateway
verifies and ingests it in the right tenant: each line equals the engine's computation for the
HR situation plus the Treasury's items; a corrected file replaces the month."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django_tenants.utils import schema_context

from exchange import passerelle
from exchange.models import Statut
from exchange.protocole.fichiers import FichierEchange
from modules.paie import actors
from modules.paie.models import LignePaie, MoisPaie, TotalPaie
from modules.personnel import facade as personnel
from modules.unites.perimetres import TOUT
from remuneration import facade as remuneration
from remuneration.bulletin import GAIN
from tests.exchange.conftest import REPO, attendre
from tests.exchange.test_simulateur import envoyer_et_recevoir, transmettre


def simulateur(*args: str) -> str:
    env = os.environ | {"PYTHONPATH": f"{REPO / 'infra'}:{REPO / 'platform'}"}
    return subprocess.run(
        [sys.executable, "-m", "simulateur", *args],
        env=env, capture_output=True, text=True, check=True, timeout=120,
    ).stdout  # fmt: skip


def attendus(agent_id: int, mois: date, tresor: list[dict[str, Any]]) -> dict[str, Any]:
    """The line the Treasury should pay: the engine on the HR file's situation, computed
    here through the platform's own engine facade (parameters from the database), plus the
    Treasury's items."""
    entree = personnel.situation_paie(perimetre=TOUT, agent_id=agent_id, mois=mois)
    assert entree is not None
    bulletin = remuneration.bulletin_calculer(situation=entree)
    elements = [
        {"code": e.code, "sens": "gain" if e.nature == GAIN else "retenue",
         "montant": e.montant_centimes, "origine": "engine"}
        for e in bulletin.elements if e.montant_centimes
    ] + tresor  # fmt: skip
    brut = sum(e["montant"] for e in elements if e["sens"] == "gain")
    retenues = sum(e["montant"] for e in elements if e["sens"] == "retenue")
    return {"elements": elements, "brut": brut, "retenues": retenues, "net": brut - retenues}


def ligne_lue(ligne: LignePaie) -> dict[str, Any]:
    return {
        "elements": [
            {k: e[k] for k in ("code", "sens", "montant", "origine")} for e in ligne.elements
        ],
        "brut": ligne.brut,
        "retenues": ligne.retenues,
        "net": ligne.net,
    }


def test_un_mois_de_paie_de_bout_en_bout(
    tresor, creer_agent, rediger, tenant_a, tenant_b, tmp_path: Path, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    depot, etat = tresor
    partie = f"ORD:{tenant_a.code}"
    comparaisons: list[tuple[str, int]] = []
    monkeypatch.setattr(
        actors, "ecarts_calculer_lancer",
        lambda *, schema_name, mois_id: comparaisons.append((schema_name, mois_id)),
    )  # fmt: skip
    promu = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    saisi = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421", unite="PAIE")
    mois = date.today().replace(day=1)

    # The Treasury's copy starts from the ordonnateur's population.
    reprise = tmp_path / "reprise.jsonl"
    call_command("echange", "reprise_tresor", "--tenant", tenant_a.code, "--sortie", str(reprise))
    assert len(reprise.read_text(encoding="utf-8").splitlines()) == 2
    assert simulateur("reprise", str(reprise), "--etat", str(etat)).strip() == "2 agents repris"

    # An act visé moves the Treasury's copy (and the HR file) to échelon 4.
    acte = rediger("avancement_echelon", agent=promu, date_effet=date(2026, 1, 1), echelon="4")
    transmettre([acte])
    (reponse,) = envoyer_et_recevoir(depot, partie, django_capture_on_commit_callbacks)
    assert reponse.statut == Statut.INTEGRE, reponse.rapport

    # An opposition the ordonnateur does not control, on the other agent.
    simulateur(
        "element", "--etat", str(etat), "--ordonnateur", partie, "--ppr", saisi.ppr,
        "--nature", "opposition", "--code", "OPP-PA", "--libelle", "Pension alimentaire",
        "--sens", "retenue", "--montant", "400.00", "--du", f"{mois:%Y-%m}",
    )  # fmt: skip

    # The calendar: past the cut-off day, the month's file goes out by itself.
    simulateur("config", "--etat", str(etat), "paie_calendrier=true", "paie_jour_arret=1",
               "paie_jour_paiement=27")  # fmt: skip
    attendre(lambda: len(depot.complets(partie)) >= 1, "le fichier de paie du Trésor")
    with django_capture_on_commit_callbacks(execute=True):
        (fichier,) = passerelle.boite_traiter(depot=depot, destinataire=partie)
    assert (fichier.flux, fichier.statut) == ("paie", Statut.INTEGRE), fichier.rapport
    assert fichier.resultat["appliques"] == 2
    assert fichier.resultat["signales"] == 0

    paye = MoisPaie.objects.get()
    assert paye.mois == mois
    assert paye.date_paiement == mois.replace(day=27)
    assert comparaisons == [(tenant_a.schema_name, paye.id)]
    lignes = {ligne.ppr: ligne for ligne in LignePaie.objects.filter(mois=paye)}
    assert set(lignes) == {promu.ppr, saisi.ppr}
    assert lignes[promu.ppr].echelon == "4"
    assert (lignes[promu.ppr].agent_id, lignes[promu.ppr].unite_code) == (promu.id, "DRH")
    assert (lignes[saisi.ppr].agent_id, lignes[saisi.ppr].unite_code) == (saisi.id, "PAIE")
    assert ligne_lue(lignes[promu.ppr]) == attendus(promu.id, mois, [])
    opposition = {"code": "OPP-PA", "sens": "retenue", "montant": 40000, "origine": "tresor"}
    assert ligne_lue(lignes[saisi.ppr]) == attendus(saisi.id, mois, [opposition])
    assert paye.net == lignes[promu.ppr].net + lignes[saisi.ppr].net
    opp = TotalPaie.objects.get(mois=paye, rubrique="OPP-PA")
    assert (opp.sens, opp.montant, opp.agents) == ("retenue", 40000, 1)

    # The calendar does not send the month twice; a correction on command replaces it.
    simulateur(
        "element", "--etat", str(etat), "--ordonnateur", partie, "--ppr", promu.ppr,
        "--nature", "correction", "--code", "RAPPEL", "--libelle", "Rappel",
        "--sens", "gain", "--montant", "120.50", "--du", f"{mois:%Y-%m}", "--au", f"{mois:%Y-%m}",
    )  # fmt: skip
    simulateur("paie", "--racine", str(depot.racine), "--etat", str(etat), "--mois",
               f"{mois:%Y-%m}")  # fmt: skip
    attendre(lambda: len(depot.complets(partie)) >= 1, "le fichier de paie corrigé")
    with django_capture_on_commit_callbacks(execute=True):
        (corrige,) = passerelle.boite_traiter(depot=depot, destinataire=partie)
    assert (corrige.sequence, corrige.statut) == (2, Statut.INTEGRE), corrige.rapport
    assert MoisPaie.objects.get().id == paye.id
    rappel = {"code": "RAPPEL", "sens": "gain", "montant": 12050, "origine": "tresor"}
    promu_corrige = LignePaie.objects.get(mois=paye, ppr=promu.ppr)
    assert ligne_lue(promu_corrige) == attendus(promu.id, mois, [rappel])
    assert LignePaie.objects.filter(mois=paye).count() == 2
    assert depot.complets(partie) == []  # nothing else came
    with schema_context(tenant_b.schema_name):
        assert not MoisPaie.objects.exists()  # the other tenant received nothing


def test_fichier_de_paie_altere_ou_livre_deux_fois(
    tresor, creer_agent, tenant_a, tmp_path: Path, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """Truncated in transit: quarantined, nothing applied, the intact copy then applies; a
    second delivery of the same file is a replay that changes nothing."""
    depot, etat = tresor
    partie = f"ORD:{tenant_a.code}"
    capture = django_capture_on_commit_callbacks
    monkeypatch.setattr(actors, "ecarts_calculer_lancer", lambda **_kw: None)
    creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    reprise = tmp_path / "reprise.jsonl"
    call_command("echange", "reprise_tresor", "--tenant", tenant_a.code, "--sortie", str(reprise))
    simulateur("reprise", str(reprise), "--etat", str(etat))
    racine = ("--racine", str(depot.racine), "--etat", str(etat))

    simulateur("panne", "tronquer", "--flux", "paie", "--etat", str(etat))
    simulateur("paie", *racine, "--mois", "2026-10")
    attendre(lambda: len(depot.complets(partie)) >= 1, "le fichier de paie tronqué")
    with capture(execute=True):
        (tronque,) = passerelle.boite_traiter(depot=depot, destinataire=partie)
    assert (tronque.statut, tronque.code_erreur) == (Statut.QUARANTAINE, "E-EMPREINTE")
    assert not MoisPaie.objects.exists()
    assert not LignePaie.objects.exists()
    intact = FichierEchange(depot.racine / "TGR-WADEF" / "outbox" / tronque.nom)
    depot.deposer(intact, destinataire=partie)
    with capture(execute=True):
        (repris,) = passerelle.boite_traiter(depot=depot, destinataire=partie)
    assert repris.statut == Statut.INTEGRE, repris.rapport
    avant = list(LignePaie.objects.values_list("id", "ppr", "net", "elements"))
    assert len(avant) == 1

    simulateur("panne", "dupliquer", "--flux", "paie", "--etat", str(etat))
    simulateur("paie", *racine, "--mois", "2026-09")
    attendre(lambda: len(depot.complets(partie)) >= 1, "le fichier de paie de septembre")
    with capture(execute=True):
        (septembre,) = passerelle.boite_traiter(depot=depot, destinataire=partie)
    assert septembre.statut == Statut.INTEGRE
    lignes = list(LignePaie.objects.values_list("id", "ppr", "net", "elements"))
    attendre(lambda: len(depot.complets(partie)) >= 1, "la copie en double")
    with capture(execute=True):
        (double,) = passerelle.boite_traiter(depot=depot, destinataire=partie)
    assert double.statut == Statut.REJOUE
    assert list(LignePaie.objects.values_list("id", "ppr", "net", "elements")) == lignes
    assert sorted(f"{m:%Y-%m}" for m in MoisPaie.objects.values_list("mois", flat=True)) == [
        "2026-09", "2026-10",
    ]  # fmt: skip
