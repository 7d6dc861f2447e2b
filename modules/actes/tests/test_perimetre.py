"""Perimeters and tenants: the selectors return only acts of units the perimeter covers (for
every filter, the "to do" lists and the bordereaux), an agent outside the perimeter cannot be
the subject of a draft, and tenant B sees none of tenant A's acts."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from identity.habilitations import Habilitation
from modules.actes import selectors, services
from modules.actes.models import Acte, Etat
from modules.actes.selectors import FiltresActes
from modules.actes.tests.conftest import joindre_pieces
from modules.unites.perimetres import TOUT, Perimetre

pytestmark = pytest.mark.django_db


def _perimetre(*unites: str) -> Perimetre:
    return Perimetre.depuis([Habilitation("gestionnaire", u) for u in unites])


@pytest.fixture
def actes(creer_agent, rediger) -> dict[str, Acte]:
    """One submitted draft per unit (DRH, PAIE under DRH, FES-RH under FES), and one validated
    act of DRH transmitted in a bordereau."""
    par_unite: dict[str, Acte] = {}
    for unite, nom in (("DRH", "Amrani"), ("PAIE", "Bakkali"), ("FES-RH", "Chami")):
        agent = creer_agent(
            unite=unite,
            poste="" if unite != "DRH" else "P-ADM",
            nom_fr=nom,
            date_effet=date(2020, 1, 1),
            commune_residence="04.421",
        )
        acte = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
        joindre_pieces(acte)
        par_unite[unite] = services.acte_soumettre(auteur="redacteur", acte=acte)
    envoye = rediger(
        "avancement_echelon",
        agent=creer_agent(unite="DRH", nom_fr="Dahbi", commune_residence="04.421"),
        date_effet=date(2026, 1, 1),
        echelon="4",
    )
    envoye = services.acte_valider(auteur="valideur", acte=envoye)
    services.bordereaux_constituer(auteur="valideur", actes=[envoye])
    par_unite["envoye"] = envoye
    return par_unite


def _ids(requete) -> set[int]:
    return set(requete.values_list("id", flat=True))


CAS = [
    (("RABAT",), {"DRH", "PAIE", "envoye"}),
    (("DRH",), {"DRH", "PAIE", "envoye"}),
    (("PAIE",), {"PAIE"}),
    (("FES",), {"FES-RH"}),
    (("FES-RH",), {"FES-RH"}),
    (("PAIE", "FES"), {"PAIE", "FES-RH"}),
    (("INCONNUE",), set()),
    ((), set()),
]


@pytest.mark.parametrize(("unites", "visibles"), CAS)
def test_les_selecteurs_restent_dans_le_perimetre(actes, unites, visibles):
    perimetre = _perimetre(*unites)
    attendus = {actes[k].id for k in visibles}
    assert _ids(selectors.actes_scopes(perimetre=perimetre)) == attendus
    for acte in actes.values():
        trouve = selectors.acte_get(perimetre=perimetre, acte_id=acte.id)
        assert (trouve is not None) == (acte.id in attendus)
    # every filter narrows inside the perimeter, never widens it
    annee = date.today().year
    for filtres in (
        FiltresActes(),
        FiltresActes(etat=Etat.BROUILLON),
        FiltresActes(type_code="avancement_echelon"),
        FiltresActes(unite_code="FES-RH"),
        FiltresActes(unite_code="DRH"),
        FiltresActes(bordereau=f"BE-{annee}-ORD-00001"),
        FiltresActes(q="a"),
        FiltresActes(q=actes["FES-RH"].agent_ppr),
        FiltresActes(agent_id=actes["FES-RH"].agent_id),
        FiltresActes(plus_de_jours=0),
    ):
        trouves = _ids(selectors.actes_filtres(perimetre=perimetre, filtres=filtres))
        assert trouves <= attendus, filtres
        assert trouves == _ids(
            selectors.actes_filtres(perimetre=TOUT, filtres=filtres).filter(id__in=attendus)
        ), filtres
    listes = selectors.a_traiter(
        perimetre_rediger=perimetre, perimetre_valider=perimetre, auteur="chef"
    )
    for liste in listes.values():
        assert _ids(liste) <= attendus
    bordereaux = _ids(selectors.bordereaux_scopes(perimetre=perimetre))
    assert bool(bordereaux) == ("envoye" in visibles)
    bordereau_id = actes["envoye"].lignes_bordereau.get().bordereau_id
    assert (
        selectors.bordereau_get(perimetre=perimetre, bordereau_id=bordereau_id) is not None
    ) == ("envoye" in visibles)


def test_a_traiter_par_role(actes):
    rabat = _perimetre("RABAT")
    listes = selectors.a_traiter(perimetre_rediger=None, perimetre_valider=rabat, auteur="chef")
    assert set(listes) == {"a_valider", "a_transmettre"}
    assert _ids(listes["a_valider"]) == {actes["DRH"].id, actes["PAIE"].id}
    assert _ids(listes["a_transmettre"]) == set()
    # the drafter's own submitted drafts are not in their "to validate" list
    listes = selectors.a_traiter(
        perimetre_rediger=rabat, perimetre_valider=rabat, auteur="redacteur"
    )
    assert _ids(listes["a_valider"]) == set()
    assert _ids(listes["brouillons"]) == set()  # all submitted
    assert (
        selectors.a_traiter(
            perimetre_rediger=Perimetre(), perimetre_valider=Perimetre(), auteur="x"
        )
        == {}
    )


def test_rediger_pour_un_agent_hors_perimetre_est_refuse(creer_agent, rediger):
    agent = creer_agent(unite="FES-RH", poste="", commune_residence="04.421")
    avant = Acte.objects.count()
    with pytest.raises(ValidationError) as erreur:
        services.acte_creer(
            auteur="redacteur.rabat",
            perimetre=_perimetre("RABAT"),
            type_code="avancement_echelon",
            date_effet=date(2026, 1, 1),
            brutes={"echelon": "4"},
            agent_id=agent.id,
        )
    assert erreur.value.message_dict == {"agent": ["Agent introuvable dans votre périmètre."]}
    assert Acte.objects.count() == avant
    acte = services.acte_creer(
        auteur="redacteur.fes",
        perimetre=_perimetre("FES"),
        type_code="avancement_echelon",
        date_effet=date(2026, 1, 1),
        brutes={"echelon": "4"},
        agent_id=agent.id,
    )
    assert (acte.unite_code, acte.emetteur_code) == ("FES-RH", "FES")


def test_le_tenant_b_ne_voit_pas_les_actes_du_tenant_a(actes, tenant_b):
    ids = {a.id for a in actes.values()}
    numeros = {a.numero for a in actes.values()}
    with schema_context(tenant_b.schema_name):
        assert not Acte.objects.filter(numero__in=numeros).exists()
        assert selectors.actes_scopes(perimetre=TOUT).count() == 0
        for acte_id in ids:
            assert selectors.acte_get(perimetre=TOUT, acte_id=acte_id) is None
        assert selectors.bordereaux_scopes(perimetre=TOUT).count() == 0
    # back in A, all of them are there
    assert _ids(selectors.actes_scopes(perimetre=TOUT)) == ids


def test_a_valider_exclut_ce_que_le_valideur_a_redige_ou_corrige(creer_agent, rediger):
    from modules.actes.tests.conftest import rejeter

    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rejeter(
        rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
    )
    # a valideur who also drafts corrects the rejected act: its version 2 is theirs
    acte = services.acte_corriger(auteur="chef", acte=acte)
    acte = services.acte_soumettre(auteur="chef", acte=acte)

    def a_valider(auteur: str) -> set[int]:
        listes = selectors.a_traiter(perimetre_rediger=None, perimetre_valider=TOUT, auteur=auteur)
        return _ids(listes["a_valider"])

    assert a_valider("chef") == set()
    assert a_valider("valideur") == {acte.id}
    with pytest.raises(ValidationError):
        services.acte_valider(auteur="chef", acte=acte)
    assert services.acte_valider(auteur="valideur", acte=acte).etat == Etat.VALIDE
