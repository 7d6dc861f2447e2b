"""HR ↔ pay gaps end to end with the Treasury simulator as its own process: the Treasury's copy
is loaded from the HR file (reprise), then the HR file moves one agent to échelon 5 without the
Treasury knowing (a Treasury-side divergence: its copy stays at échelon 3), and the Treasury adds
an opposition on the other agent. The month it pays, ingested, then compared: the diverging
agent is a situation gap and an amount gap with the engine's exact figures; the agent with the
opposition alone raises nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management import call_command

from exchange import passerelle
from exchange.models import Statut
from modules.paie import actors
from modules.paie.models import EcartPaie, LignePaie, MoisPaie
from modules.personnel import facade as personnel
from modules.personnel.models import EvenementCarriere
from modules.unites.perimetres import TOUT
from remuneration import facade as remuneration
from tests.exchange.conftest import attendre
from tests.exchange.test_paie_simulateur import simulateur


def _net(agent_id: int, mois: date) -> int:
    entree = personnel.situation_paie(perimetre=TOUT, agent_id=agent_id, mois=mois)
    assert entree is not None
    return remuneration.bulletin_calculer(situation=entree).totaux["net"]


def test_divergence_du_tresor_devient_un_ecart(
    tresor, creer_agent, tenant_a, tmp_path: Path, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    depot, etat = tresor
    partie = f"ORD:{tenant_a.code}"
    lances: list[tuple[str, int]] = []
    monkeypatch.setattr(
        actors, "ecarts_calculer_lancer",
        lambda *, schema_name, mois_id: lances.append((schema_name, mois_id)),
    )  # fmt: skip
    oppose = creer_agent(nom_fr="Bennani", commune_residence="04.421")
    diverge = creer_agent(nom_fr="Chraibi", commune_residence="04.421", unite="PAIE")
    mois = date(2026, 10, 1)

    reprise = tmp_path / "reprise.jsonl"
    call_command("echange", "reprise_tresor", "--tenant", tenant_a.code, "--sortie", str(reprise))
    assert simulateur("reprise", str(reprise), "--etat", str(etat)).strip() == "2 agents repris"
    # The HR file changes after the Treasury's copy was taken, and no act tells the Treasury.
    EvenementCarriere.objects.create(
        agent=diverge, nature="avancement_echelon", date_effet=date(2025, 1, 1), echelon="5",
        source="saisie", auteur="tests",
    )  # fmt: skip
    simulateur(
        "element", "--etat", str(etat), "--ordonnateur", partie, "--ppr", oppose.ppr,
        "--nature", "opposition", "--code", "OPP-PA", "--libelle", "Pension alimentaire",
        "--sens", "retenue", "--montant", "400.00", "--du", f"{mois:%Y-%m}",
    )  # fmt: skip
    simulateur("paie", "--racine", str(depot.racine), "--etat", str(etat), "--mois",
               f"{mois:%Y-%m}")  # fmt: skip
    attendre(lambda: len(depot.complets(partie)) >= 1, "le fichier de paie du Trésor")
    with django_capture_on_commit_callbacks(execute=True):
        (fichier,) = passerelle.boite_traiter(depot=depot, destinataire=partie)
    assert (fichier.flux, fichier.statut) == ("paie", Statut.INTEGRE), fichier.rapport
    paye = MoisPaie.objects.get()
    assert lances == [(tenant_a.schema_name, paye.id)]

    actors.paie_ecarts_calculer(tenant_a.schema_name, paye.id)

    ecarts = {(e.ppr, e.nature): e for e in EcartPaie.objects.filter(mois=paye)}
    assert set(ecarts) == {(diverge.ppr, "situation"), (diverge.ppr, "montant")}
    ligne = LignePaie.objects.get(mois=paye, ppr=diverge.ppr)
    champs = {
        c["champ"]: (c["rh"], c["paie"])
        for c in ecarts[(diverge.ppr, "situation")].detail["champs"]
    }
    assert champs["echelon"] == ("5", "3")
    assert set(champs) == {"echelon", "indice"}
    montant = ecarts[(diverge.ppr, "montant")]
    assert (montant.attendu, montant.paye) == (_net(diverge.id, mois), ligne.net)
    assert montant.attendu is not None
    assert montant.paye is not None
    assert montant.attendu > montant.paye  # échelon 5 is paid more than échelon 3
    assert montant.unite_code == "PAIE"
