"""The Treasury's situations through the gateway: snapshots kept, differences with the HR file
opened as review lines (never written into the file), unknown PPRs flagged, older snapshots
ignored, the same file twice a no-op."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from exchange import cles, passerelle
from exchange.depot import Depot
from exchange.models import Statut
from modules.personnel import echange
from modules.personnel.models import Agent, EcartTresor, SituationTresor, StatutEcart

TRESOR = "TGR:WADEF"


@pytest.fixture
def depot(tmp_path: Path, tenant_a) -> Depot:
    cles.cle_creer(partie=TRESOR, auteur="tests")
    return Depot(tmp_path)


def situation(ppr: str, le: str = "2026-11-01", **administrative: Any) -> dict[str, Any]:
    return {
        "ppr": ppr,
        "le": le,
        "etat": "present",
        "administrative": {"grade": "ADM-2", "echelle": "11", "echelon": "3", "indice": None,
                           "position": "activite", "statut": "titulaire"} | administrative,
        "pecuniaire": {"elements": [{"code": "TB", "montant": "6012.40"}], "brut": "7213.64",
                       "net": "5911.02", "imputation": "10.1.1.11"},
    }  # fmt: skip


def recevoir(depot: Depot, tenant_a, capture, lignes: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
    partie = f"ORD:{tenant_a.code}"
    with capture(execute=True):
        passerelle.fichier_emettre(
            depot=depot, emetteur=TRESOR, destinataire=partie, flux="situations",
            enregistrements=lignes,
        )  # fmt: skip
    with capture(execute=True):
        (fichier,) = passerelle.boite_traiter(depot=depot, destinataire=partie)
    return fichier


def test_ecarts_ouverts_sans_toucher_au_dossier(
    depot, creer_agent, tenant_a, django_capture_on_commit_callbacks
):
    conforme = creer_agent()
    different = creer_agent()
    lignes = [
        situation(conforme.ppr),
        situation(different.ppr, echelon="5"),
        situation("9999999"),
    ]
    fichier = recevoir(depot, tenant_a, django_capture_on_commit_callbacks, lignes)
    assert fichier.statut == Statut.INTEGRE
    assert fichier.resultat | {"remarques": []} == {
        "appliques": 3, "ignores": 0, "signales": 2, "remarques": [],
    }  # fmt: skip
    assert SituationTresor.objects.get(ppr=different.ppr).pecuniaire["net"] == "5911.02"
    ecarts = list(
        EcartTresor.objects.order_by("ppr").values_list(
            "ppr", "champ", "valeur_rh", "valeur_tresor"
        )
    )
    assert ecarts == [(different.ppr, "echelon", "3", "5"), ("9999999", "agent", "", "payé")]
    assert Agent.objects.get(id=different.id).echelon == "3"  # never written into the file
    assert AuditEvent.objects.filter(action="personnel.situations_tresor").count() == 1
    # The same differences again (a later file) open nothing new while the line is open.
    lignes_bis = [situation(different.ppr, le="2026-12-01", echelon="5")]
    recevoir(depot, tenant_a, django_capture_on_commit_callbacks, lignes_bis)
    assert EcartTresor.objects.filter(ppr=different.ppr).count() == 1
    # An older snapshot is ignored.
    ancien = recevoir(
        depot,
        tenant_a,
        django_capture_on_commit_callbacks,
        [situation(different.ppr, le="2025-01-01")],
    )
    assert ancien.resultat["ignores"] == 1
    assert SituationTresor.objects.get(ppr=different.ppr).le == date(2026, 12, 1)


def test_decision_du_gestionnaire(depot, creer_agent, tenant_a, django_capture_on_commit_callbacks):
    agent = creer_agent()
    recevoir(
        depot, tenant_a, django_capture_on_commit_callbacks, [situation(agent.ppr, grade="ADM-1")]
    )
    ecart = EcartTresor.objects.get()
    with pytest.raises(ValidationError):
        echange.ecart_traiter(auteur="g", ecart=ecart, statut=StatutEcart.ECARTE, motif=" ")
    echange.ecart_traiter(
        auteur="g", ecart=ecart, statut=StatutEcart.ECARTE, motif="Trésor en retard"
    )
    ecart.refresh_from_db()
    assert (ecart.statut, ecart.traite_par) == (StatutEcart.ECARTE, "g")
    with pytest.raises(ValidationError, match="déjà été traité"):
        echange.ecart_traiter(auteur="g", ecart=ecart, statut=StatutEcart.PRIS_EN_COMPTE, motif="x")


def test_file_de_revue_dans_le_perimetre(
    depot, creer_agent, client_a, tenant_a, django_capture_on_commit_callbacks
):
    rabat = creer_agent(unite="DRH")
    fes = creer_agent(unite="FES-RH", poste="P-TECH", situation={"grade_code": "TECH-3"})
    lignes = [
        situation(rabat.ppr, echelon="9"),
        situation(fes.ppr, echelon="9"),
        situation("9999999"),
    ]
    recevoir(depot, tenant_a, django_capture_on_commit_callbacks, lignes)
    client = client_a(("gestionnaire", "RABAT"))
    reponse = client.get(reverse("personnel:ecarts"))
    assert reponse.status_code == 200
    assert [e.ppr for e in reponse.context["page"].object_list] == [rabat.ppr]
    hors = EcartTresor.objects.filter(ppr=fes.ppr).first()
    assert hors is not None
    refus = client.post(
        reverse("personnel:ecart_decider", args=[hors.id]), {"statut": "ecarte", "motif": "x"}
    )
    assert refus.status_code == 404
    tout = client_a(("gestionnaire", None), username="chef")
    vus = [e.ppr for e in tout.get(reverse("personnel:ecarts")).context["page"].object_list]
    assert sorted(set(vus)) == sorted([rabat.ppr, fes.ppr, "9999999"])
    ecart = EcartTresor.objects.get(ppr=rabat.ppr)
    client.post(
        reverse("personnel:ecart_decider", args=[ecart.id]),
        {"statut": "pris_en_compte", "motif": "acte en cours"},
    )
    ecart.refresh_from_db()
    assert ecart.statut == StatutEcart.PRIS_EN_COMPTE


def effectif(ligne: str, grade: str, budgetes: int, occupes: int) -> dict[str, Any]:
    return {"ligne_budgetaire": ligne, "grade": grade, "categorie": None,
            "postes_budgetes": budgetes, "postes_occupes": occupes, "annee": 2026}  # fmt: skip


def test_tableau_des_effectifs_remplace_et_compare(
    depot, creer_agent, client_a, tenant_a, django_capture_on_commit_callbacks
):
    from modules.personnel.models import EffectifTresor

    creer_agent()  # occupies P-ADM (ADM-2, line 10.1.1.11, 5 posts)
    capture = django_capture_on_commit_callbacks
    lignes = [effectif("10.1.1.11", "ADM-2", 5, 1), effectif("10.1.1.99", "ADM-1", 2, 2)]
    premier = recevoir_flux(depot, tenant_a, capture, "effectifs", lignes)
    assert premier.statut == Statut.INTEGRE
    assert EffectifTresor.objects.count() == 2
    # a later complete file for the year replaces its lines
    recevoir_flux(depot, tenant_a, django_capture_on_commit_callbacks, "effectifs",
                  [effectif("10.1.1.11", "ADM-2", 6, 1)])  # fmt: skip
    assert list(EffectifTresor.objects.values_list("ligne_budgetaire", "postes_budgetes")) == [
        ("10.1.1.11", 6)
    ]
    page = client_a(("budget", None), username="budget.test").get(reverse("personnel:postes"))
    comparaison = {
        (c.ligne_budgetaire, c.grade_ou_categorie): c for c in page.context["comparaison"]
    }
    assert (
        comparaison[("10.1.1.11", "ADM-2")].budgetes_ici,
        comparaison[("10.1.1.11", "ADM-2")].budgetes_tresor,
    ) == (5, 6)
    assert comparaison[("10.1.1.11", "ADM-2")].ecart
    assert page.context["annee_tresor"] == 2026
    # a line twice in one file: the whole file is refused, nothing replaced
    lignes = [effectif("L", "ADM-2", 1, 0), effectif("L", "ADM-2", 2, 0)]
    double = recevoir_flux(depot, tenant_a, capture, "effectifs", lignes)
    assert (double.statut, double.code_erreur) == (Statut.QUARANTAINE, "E-APPLICATION")
    assert EffectifTresor.objects.get().postes_budgetes == 6


def recevoir_flux(  # type: ignore[no-untyped-def]
    depot: Depot, tenant_a, capture, flux: str, lignes: list[dict[str, Any]]
):
    partie = f"ORD:{tenant_a.code}"
    with capture(execute=True):
        passerelle.fichier_emettre(
            depot=depot, emetteur=TRESOR, destinataire=partie, flux=flux, enregistrements=lignes
        )
    with capture(execute=True):
        (fichier,) = passerelle.boite_traiter(depot=depot, destinataire=partie)
    return fichier
