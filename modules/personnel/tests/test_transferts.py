"""Agents moving between ordonnateurs: transfer, détachement, mise à disposition, end of hosting.

Tenant A (a commune) holds the agent; tenant B (a ministry) receives. Each test checks both
schemas and the public registry, including what must NOT have changed.
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from audit import services as audit_services
from audit.models import AccesDonnees, AuditEvent
from identity.permissions import SESSION_HABILITATIONS_KEY
from modules.personnel import postes, services, transferts
from modules.personnel.models import (
    Agent,
    NatureEvenement,
    Position,
    PosteBudgetaire,
    SourceEvenement,
)
from modules.personnel.validation import rib_cle
from modules.unites import services as unites_services
from modules.unites.models import Unite
from modules.unites.perimetres import TOUT, Perimetre
from referentiel.models import Corps, Grade
from tenants import registre
from tenants.models import (
    InscriptionPpr,
    NatureTransfert,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    RolePpr,
    StatutTransfert,
    TransfertAgent,
)

pytestmark = pytest.mark.django_db

PPR = "7000001"
EFFET = date(2024, 9, 1)
RIB = "007780" + "0" * 15 + "1"
RIB = RIB + rib_cle(RIB)


def _unites(arbre):
    for code, parent in arbre:
        unites_services.unite_create(
            actor="tests",
            code=code,
            parent=Unite.objects.get(code=parent) if parent else None,
            kind="service" if parent else "direction",
            nom_fr=f"Unité {code}",
            nom_ar=f"وحدة {code}",
        )


def _poste(code, nombre):
    PosteBudgetaire.objects.create(
        code=code,
        libelle=f"Poste {code}",
        grade_code="ADM-2",
        ligne_budgetaire="10.1",
        nombre=nombre,
    )


@pytest.fixture
def monde(tenant_a, tenant_b):
    """A: units A-DIR/A-RH and A-FES, post PA-1 (2), the agent in A-RH on PA-1 with a promotion
    and its correction. B: units B-DIR/B-ACC and B-AUTRE, posts PB-1 (1) and PB-PLEIN (1, held)."""
    corps, _ = Corps.objects.get_or_create(
        code="ADM", defaults={"libelle_fr": "Administrateurs", "source": "tests"}
    )
    Grade.objects.get_or_create(
        code="ADM-2", defaults={"corps": corps, "libelle_fr": "Adm. 2e grade", "source": "tests"}
    )
    with tenant_context(tenant_b):
        _unites([("B-DIR", None), ("B-ACC", "B-DIR"), ("B-AUTRE", None)])
        _poste("PB-1", 1)
        _poste("PB-PLEIN", 1)
        services.agent_creer(
            auteur="tests",
            ppr="7000099",
            identite={"nom_fr": "Bennani", "prenom_fr": "Omar", "sexe": "M"},
            recrutement={"unite_code": "B-DIR", "poste_code": "PB-PLEIN", "position": "activite"},
            date_effet=date(2015, 1, 1),
            perimetre=TOUT,
        )
    with tenant_context(tenant_a):
        _unites([("A-DIR", None), ("A-RH", "A-DIR"), ("A-FES", None)])
        _poste("PA-1", 2)
        agent = services.agent_creer(
            auteur="clerc.a",
            ppr=PPR,
            identite={
                "nom_fr": "Alaoui",
                "prenom_fr": "Fatima",
                "nom_ar": "العلوي",
                "prenom_ar": "فاطمة",
                "cin": "AB123456",
                "rib": RIB,
                "sexe": "F",
                "date_naissance": date(1985, 3, 2),
            },
            recrutement={
                "statut": "titulaire",
                "corps_code": "ADM",
                "grade_code": "ADM-2",
                "echelle": "11",
                "echelon": "3",
                "indice": 400,
                "position": "activite",
                "unite_code": "A-RH",
                "poste_code": "PA-1",
            },
            date_effet=date(2010, 1, 1),
            perimetre=TOUT,
            enfants=[{"prenom": "Yasmine", "date_naissance": date(2012, 5, 1)}],
        )
        avancement = services.evenement_ajouter(
            auteur="clerc.a",
            agent=agent,
            nature=NatureEvenement.AVANCEMENT_ECHELON,
            date_effet=date(2014, 1, 1),
            valeurs={"echelon": "4", "indice": 450},
            perimetre=None,
        )
        services.evenement_corriger(
            auteur="clerc.a",
            evenement=avancement,
            date_effet=date(2014, 1, 1),
            valeurs={"echelon": "4", "indice": 460},
            motif="Indice mal saisi",
            perimetre=None,
        )
    return SimpleNamespace(a=tenant_a, b=tenant_b, agent_id=agent.id)


def proposer(monde, *, nature="transfert", depuis=None, vers="test-b", perimetre=TOUT, **autres):
    depuis = depuis or monde.a
    with tenant_context(depuis):
        agent = Agent.objects.get(ppr=PPR)
        return transferts.transfert_proposer(
            auteur=f"clerc.{depuis.code[-1]}",
            agent=agent,
            perimetre=perimetre,
            destination_code=vers,
            nature=nature,
            date_effet=autres.pop("date_effet", EFFET),
            motif="Arrêté n° 12/2024",
            **autres,
        )


def accepter(transfert, *, unite="B-ACC", poste="", perimetre=TOUT):
    with tenant_context(transfert.destination):
        return transferts.transfert_accepter(
            auteur=f"clerc.{transfert.destination.code[-1]}",
            transfert=transfert,
            perimetre=perimetre,
            unite_code=unite,
            poste_code=poste,
        )


def dossier(organisation):
    with tenant_context(organisation):
        agent = Agent.objects.filter(ppr=PPR).first()
        if agent is None:
            return None
        return SimpleNamespace(
            agent=agent,
            evenements=list(agent.evenements.order_by("date_effet", "enregistre_le", "id")),
            enfants=list(agent.enfants.values_list("prenom", "date_naissance")),
        )


def occupes(organisation):
    with tenant_context(organisation):
        return {o.code: o.occupes for o in postes.occupation_list()}


def journal(organisation):
    with tenant_context(organisation):
        return list(AuditEvent.objects.order_by("seq").values_list("action", "object_id"))


def registre_de(ppr=PPR):
    return sorted(
        InscriptionPpr.objects.filter(ppr=ppr).values_list("organisation__code", "role", "active")
    )


# --- Inter-ministerial transfer -----------------------------------------------------------------


def test_a_transfer_moves_the_file_the_career_and_the_registry(monde):
    avant_a = dossier(monde.a)
    transfert = proposer(monde)
    assert (transfert.statut, transfert.source, transfert.destination) == (
        "propose",
        monde.a,
        monde.b,
    )
    assert dossier(monde.b) is None  # nothing moves before acceptance

    accepter(transfert, poste="PB-1")

    transfert.refresh_from_db()
    assert (transfert.statut, transfert.accepte_par) == ("accepte", "clerc.b")
    # A: a `sortie` (cessation), its post freed, the history kept
    a = dossier(monde.a)
    assert a.agent.position == Position.CESSATION
    assert [e.id for e in a.evenements[:-1]] == [e.id for e in avant_a.evenements]
    sortie = a.evenements[-1]
    assert (sortie.nature, sortie.date_effet, sortie.source, sortie.position) == (
        NatureEvenement.SORTIE,
        EFFET,
        SourceEvenement.TRANSFERT,
        Position.CESSATION,
    )
    assert occupes(monde.a)["PA-1"] == 0
    # B: the same person, children and the full history, then the entry
    b = dossier(monde.b)
    for champ in ("nom_fr", "prenom_fr", "nom_ar", "prenom_ar", "cin", "rib", "date_naissance"):
        assert getattr(b.agent, champ) == getattr(a.agent, champ), champ
    assert b.enfants == [("Yasmine", date(2012, 5, 1))]
    assert [(e.nature, e.date_effet) for e in b.evenements] == [
        (NatureEvenement.RECRUTEMENT, date(2010, 1, 1)),
        (NatureEvenement.AVANCEMENT_ECHELON, date(2014, 1, 1)),
        (NatureEvenement.CORRECTION, date(2014, 1, 1)),
        (NatureEvenement.ENTREE, EFFET),
    ]
    recrutement, avancement, correction, entree = b.evenements
    assert correction.remplace_id == avancement.id  # the correction still supersedes its copy
    assert {e.source for e in b.evenements} == {SourceEvenement.TRANSFERT}
    assert recrutement.auteur == "test-a:clerc.a"
    assert recrutement.enregistre_le == avant_a.evenements[0].enregistre_le
    assert (recrutement.unite_code, recrutement.poste_code) == ("", "")
    assert recrutement.motif == "[test-a unite=A-RH poste=PA-1]"
    assert correction.motif == "Indice mal saisi\n[test-a]"
    assert (entree.unite_code, entree.poste_code, entree.position) == ("B-ACC", "PB-1", "activite")
    assert (b.agent.grade_code, b.agent.echelon, b.agent.indice, b.agent.unite_code) == (
        "ADM-2",
        "4",
        460,
        "B-ACC",
    )
    assert occupes(monde.b)["PB-1"] == 1
    # the registry: B manages now, A's row closed
    assert registre_de() == [("test-a", "gestion", False), ("test-b", "gestion", True)]
    assert registre.gestionnaires(pprs=[PPR]) == {PPR: monde.b}


def test_after_a_transfer_the_source_cannot_open_a_new_file_for_the_ppr(monde):
    accepter(proposer(monde))
    with tenant_context(monde.a):
        with pytest.raises(ValidationError) as refus:
            services.agent_creer(
                auteur="clerc.a",
                ppr=PPR,
                identite={"nom_fr": "Alaoui", "prenom_fr": "Fatima", "sexe": "F"},
                recrutement={"unite_code": "A-RH"},
                date_effet=date(2025, 1, 1),
                perimetre=TOUT,
            )
        assert list(refus.value.message_dict) == ["ppr"]
        # and the registry itself names who manages the PPR now
        with pytest.raises(ValidationError, match=r"géré par « Ministère de test B » \(test-b\)"):
            registre.inscrire(ppr=PPR)
        assert Agent.objects.filter(ppr=PPR).count() == 1
    assert registre_de() == [("test-a", "gestion", False), ("test-b", "gestion", True)]


def test_each_step_is_in_both_audit_chains_and_the_chains_hold(monde):
    avant_a, avant_b = len(journal(monde.a)), len(journal(monde.b))
    transfert = proposer(monde)
    accepter(transfert)
    nouveaux_a = journal(monde.a)[avant_a:]
    nouveaux_b = journal(monde.b)[avant_b:]
    ident = str(transfert.id)
    assert [e for e in nouveaux_a if e[0].startswith("personnel.transfert")] == [
        ("personnel.transfert_proposer", ident),
        ("personnel.transfert_accepter", ident),
    ]
    assert [e for e in nouveaux_b if e[0].startswith("personnel.transfert")] == [
        ("personnel.transfert_proposer", ident),
        ("personnel.transfert_accepter", ident),
    ]
    assert [a for a, _ in nouveaux_a if not a.startswith("personnel.transfert")] == [
        "personnel.evenement_ajouter"
    ]
    assert [a for a, _ in nouveaux_b if not a.startswith("personnel.transfert")] == [
        "personnel.agent_creer",
        "personnel.evenement_ajouter",
    ]
    for organisation in (monde.a, monde.b):
        with tenant_context(organisation):
            assert audit_services.audit_verify() == []
            donnees = AuditEvent.objects.get(action="personnel.transfert_accepter").data
            assert "Alaoui" not in str(donnees)
            assert "AB123456" not in str(donnees)


def test_a_transfer_back_reopens_the_old_file(monde):
    accepter(proposer(monde))
    ancien_id = monde.agent_id
    retour = proposer(monde, depuis=monde.b, vers="test-a", date_effet=date(2025, 3, 1))
    accepter(retour, unite="A-FES", poste="PA-1")
    a = dossier(monde.a)
    assert a.agent.id == ancien_id
    assert (a.evenements[-1].nature, a.agent.position, a.agent.unite_code) == (
        NatureEvenement.ENTREE,
        Position.ACTIVITE,
        "A-FES",
    )
    assert (a.agent.echelon, a.agent.indice) == ("4", 460)
    assert a.enfants == [("Yasmine", date(2012, 5, 1))]  # not duplicated
    assert dossier(monde.b).agent.position == Position.CESSATION
    assert registre.gestionnaires(pprs=[PPR]) == {PPR: monde.a}


def test_a_transfer_dated_later_takes_effect_on_its_day(monde):
    jour = timezone.localdate() + timedelta(days=30)
    accepter(proposer(monde, date_effet=jour), poste="PB-1")
    # accepted today: the registry moves now, the files change on their day
    assert registre.gestionnaires(pprs=[PPR]) == {PPR: monde.b}
    assert (dossier(monde.a).agent.position, occupes(monde.a)["PA-1"]) == (Position.ACTIVITE, 1)
    b = dossier(monde.b).agent
    assert (b.grade_code, b.indice, b.unite_code, b.poste_code) == ("ADM-2", 460, "", "")
    assert occupes(monde.b)["PB-1"] == 0
    for organisation in (monde.a, monde.b):  # the periodic job, run on that day
        with tenant_context(organisation):
            assert services.situations_echues_rafraichir(le=jour) == 1
    assert (dossier(monde.a).agent.position, occupes(monde.a)["PA-1"]) == (Position.CESSATION, 0)
    b = dossier(monde.b).agent
    assert (b.unite_code, b.poste_code, b.position) == ("B-ACC", "PB-1", Position.ACTIVITE)


# --- Détachement, mise à disposition, end of hosting --------------------------------------------


def test_a_detachement_keeps_the_career_at_home_and_the_host_pays(monde):
    avant_a = dossier(monde.a)
    accepter(proposer(monde, nature="detachement"), poste="PB-1")
    a = dossier(monde.a)
    assert a.agent.position == Position.DETACHEMENT
    assert [e.id for e in a.evenements[:-1]] == [e.id for e in avant_a.evenements]
    assert a.evenements[-1].nature == NatureEvenement.CHANGEMENT_POSITION
    assert (a.agent.grade_code, a.agent.echelon, a.agent.indice) == ("ADM-2", "4", 460)
    assert occupes(monde.a)["PA-1"] == 0  # détachement frees the home post
    b = dossier(monde.b)
    assert [(e.nature, e.date_effet) for e in b.evenements] == [(NatureEvenement.ENTREE, EFFET)]
    assert (b.agent.grade_code, b.agent.echelon, b.agent.indice, b.agent.position) == (
        "ADM-2",
        "4",
        460,
        Position.ACTIVITE,
    )
    assert occupes(monde.b)["PB-1"] == 1
    assert registre_de() == [("test-a", "gestion", True), ("test-b", "accueil", True)]


def test_a_mise_a_disposition_keeps_the_home_post_and_the_host_holds_none(monde):
    transfert = proposer(monde, nature="mise_a_disposition")
    with pytest.raises(ValidationError) as refus:
        accepter(transfert, poste="PB-1")
    assert list(refus.value.message_dict) == ["poste_code"]
    accepter(transfert)
    assert dossier(monde.a).agent.position == Position.MISE_A_DISPOSITION
    assert occupes(monde.a)["PA-1"] == 1
    b = dossier(monde.b).agent
    assert (b.position, b.grade_code, b.poste_code, b.unite_code) == (
        Position.MISE_A_DISPOSITION,
        "",
        "",
        "B-ACC",
    )
    assert occupes(monde.b)["PB-1"] == 0


def test_the_end_of_a_detachement_brings_the_agent_home(monde):
    detachement = proposer(monde, nature="detachement")
    accepter(detachement)
    with tenant_context(monde.a), pytest.raises(ValidationError, match="pas d'accueil à terminer"):
        transferts.transfert_proposer(
            auteur="clerc.a",
            agent=Agent.objects.get(ppr=PPR),
            perimetre=TOUT,
            destination_code="test-b",
            nature="fin_accueil",
            date_effet=date(2025, 9, 1),
            motif="Retour",
        )
    fin = proposer(
        monde, nature="fin_accueil", depuis=monde.b, vers="test-a", date_effet=date(2025, 9, 1)
    )
    assert fin.origine == detachement
    accepter(fin, unite="A-RH", poste="PA-1")
    assert dossier(monde.b).agent.position == Position.CESSATION
    assert dossier(monde.b).evenements[-1].nature == NatureEvenement.SORTIE
    a = dossier(monde.a).agent
    assert (a.position, a.unite_code, a.poste_code) == (Position.ACTIVITE, "A-RH", "PA-1")
    assert occupes(monde.a)["PA-1"] == 1
    assert occupes(monde.b).get("PB-1") == 0
    assert registre_de() == [("test-a", "gestion", True), ("test-b", "accueil", False)]
    assert registre.accueil_en_cours(ppr=PPR, hote=monde.b) is None


def test_a_hosted_agent_cannot_be_moved_elsewhere_by_its_home(monde):
    accepter(proposer(monde, nature="mise_a_disposition"))
    with pytest.raises(ValidationError, match="accueilli par « Ministère de test B »"):
        proposer(monde, date_effet=date(2025, 1, 1))
    # and the host cannot transfer an agent whose career it does not hold
    with pytest.raises(
        ValidationError, match="n'inscrit pas votre organisation comme gestionnaire"
    ):
        proposer(monde, depuis=monde.b, vers="test-a", date_effet=date(2025, 1, 1))
    assert TransfertAgent.objects.filter(statut="propose").count() == 0


# --- All or nothing -----------------------------------------------------------------------------


def test_a_failure_at_the_destination_leaves_both_tenants_and_the_registry_unchanged(monde):
    transfert = proposer(monde)
    avant = (
        [e.id for e in dossier(monde.a).evenements],
        journal(monde.a),
        journal(monde.b),
        registre_de(),
        occupes(monde.a),
    )
    with pytest.raises(ValidationError) as refus:
        accepter(transfert, poste="PB-PLEIN")
    assert "PB-PLEIN" in refus.value.message_dict["poste_code"][0]
    assert "complet" in refus.value.message_dict["poste_code"][0]
    apres = (
        [e.id for e in dossier(monde.a).evenements],
        journal(monde.a),
        journal(monde.b),
        registre_de(),
        occupes(monde.a),
    )
    assert apres == avant
    assert dossier(monde.a).agent.position == Position.ACTIVITE
    assert dossier(monde.b) is None
    transfert.refresh_from_db()
    assert (transfert.statut, transfert.accepte_par, transfert.accepte_le) == ("propose", "", None)
    # and the same proposal can still be accepted once the clerk picks a vacant post
    accepter(transfert, poste="PB-1")
    assert registre.gestionnaires(pprs=[PPR]) == {PPR: monde.b}


def test_a_move_from_a_suspended_source_cannot_be_accepted(monde):
    transfert = proposer(monde)
    monde.a.status = OrganisationStatus.SUSPENDUE
    monde.a.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="n'est plus active sur la plateforme"):
        accepter(transfert)
    assert dossier(monde.b) is None
    assert dossier(monde.a).agent.position == Position.ACTIVITE
    assert registre_de() == [("test-a", "gestion", True)]


def test_an_existing_active_file_at_the_destination_stops_the_whole_move(monde):
    with tenant_context(monde.b):  # a legacy duplicate, loaded before the registry existed
        Agent.objects.create(
            ppr=PPR, nom_fr="Alaoui", prenom_fr="F.", sexe="F", position="activite"
        )
    transfert = proposer(monde)
    with pytest.raises(ValidationError, match="Un dossier en cours existe déjà ici"):
        accepter(transfert)
    assert dossier(monde.a).agent.position == Position.ACTIVITE
    assert registre_de() == [("test-a", "gestion", True)]


# --- Rules of proposal, refusal, cancellation ---------------------------------------------------


def test_one_pending_move_per_agent(monde):
    proposer(monde)
    with pytest.raises(ValidationError, match="Un mouvement est déjà en attente pour cet agent"):
        proposer(monde, nature="detachement")
    assert TransfertAgent.objects.count() == 1


def test_a_proposal_needs_a_reason_an_active_other_tenant_and_a_date_after_the_history(monde):
    with pytest.raises(ValidationError) as refus, tenant_context(monde.a):
        transferts.transfert_proposer(
            auteur="clerc.a",
            agent=Agent.objects.get(ppr=PPR),
            perimetre=TOUT,
            destination_code="test-a",
            nature="promotion",
            date_effet=EFFET,
            motif=" ",
        )
    assert sorted(refus.value.message_dict) == ["destination", "motif", "nature"]
    monde.b.status = OrganisationStatus.SUSPENDUE
    monde.b.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="ordonnateur actif"):
        proposer(monde)
    monde.b.status = OrganisationStatus.ACTIVE
    monde.b.save(update_fields=["status"])
    with pytest.raises(
        ValidationError, match=r"dernier événement de carrière de l'agent \(01/01/2014\)"
    ):
        proposer(monde, date_effet=date(2013, 12, 31))
    assert TransfertAgent.objects.count() == 0


def test_refusal_and_cancellation_are_reasoned_final_and_change_no_file(monde):
    transfert = proposer(monde)
    with tenant_context(monde.b):
        with pytest.raises(ValidationError) as refus:
            transferts.transfert_refuser(auteur="clerc.b", transfert=transfert, motif="")
        assert list(refus.value.message_dict) == ["motif"]
        transferts.transfert_refuser(auteur="clerc.b", transfert=transfert, motif="Pas de poste")
    transfert.refresh_from_db()
    assert (transfert.statut, transfert.refuse_par, transfert.motif_decision) == (
        "refuse",
        "clerc.b",
        "Pas de poste",
    )
    with pytest.raises(ValidationError, match="déjà refusé"):
        accepter(transfert)
    assert dossier(monde.b) is None
    assert dossier(monde.a).agent.position == Position.ACTIVITE
    # a new proposal is possible, and its proposer may cancel it
    second = proposer(monde)
    with tenant_context(monde.a):
        transferts.transfert_annuler(auteur="clerc.a", transfert=second, motif="Erreur")
    second.refresh_from_db()
    assert (second.statut, second.annule_par) == ("annule", "clerc.a")
    assert registre_de() == [("test-a", "gestion", True)]
    with tenant_context(monde.b):
        assert [a for a, _ in journal(monde.b) if a.startswith("personnel.transfert")] == [
            "personnel.transfert_proposer",
            "personnel.transfert_refuser",
            "personnel.transfert_proposer",
            "personnel.transfert_annuler",
        ]


def test_each_side_acts_only_on_its_own_part(monde):
    transfert = proposer(monde)
    with tenant_context(monde.a):
        with pytest.raises(ValidationError, match="n'est pas adressé à votre organisation"):
            transferts.transfert_accepter(
                auteur="clerc.a", transfert=transfert, perimetre=TOUT, unite_code="A-RH"
            )
        with pytest.raises(ValidationError, match="n'est pas adressé"):
            transferts.transfert_refuser(auteur="clerc.a", transfert=transfert, motif="x")
    with (
        tenant_context(monde.b),
        pytest.raises(ValidationError, match="Seul l'ordonnateur qui a proposé"),
    ):
        transferts.transfert_annuler(auteur="clerc.b", transfert=transfert, motif="x")
    transfert.refresh_from_db()
    assert transfert.statut == "propose"


# --- Perimeters ---------------------------------------------------------------------------------


def test_the_proposer_needs_the_agent_in_perimeter_and_the_accepter_the_unit(monde):
    fes = Perimetre(racines=frozenset({"A-FES"}))
    with pytest.raises(ValidationError, match="hors de votre périmètre"):
        proposer(monde, perimetre=fes)
    assert TransfertAgent.objects.count() == 0
    transfert = proposer(monde, perimetre=Perimetre(racines=frozenset({"A-DIR"})))
    with pytest.raises(ValidationError) as refus:
        accepter(transfert, unite="B-ACC", perimetre=Perimetre(racines=frozenset({"B-AUTRE"})))
    assert refus.value.message_dict == {
        "unite_code": ["L'unité « B-ACC » est hors de votre périmètre."]
    }
    assert dossier(monde.b) is None
    accepter(transfert, unite="B-ACC", perimetre=Perimetre(racines=frozenset({"B-DIR"})))
    assert dossier(monde.b).agent.unite_code == "B-ACC"


def vers_un_tiers(monde):
    """A move from A to a third organisation (a row without a schema: never entered)."""
    tierce = Organisation.objects.create(
        schema_name="test_c_sans_schema",
        code="test-c",
        kind=OrganisationKind.COMMUNE,
        name_fr="Commune C",
        name_ar="ج",
        status=OrganisationStatus.ACTIVE,
    )
    return TransfertAgent.objects.create(
        ppr=PPR,
        source=monde.a,
        destination=tierce,
        nature=NatureTransfert.TRANSFERT,
        date_effet=EFFET,
        motif="x",
        propose_par="clerc.a",
        propose_le=timezone.now(),
    )


def test_scoped_reads_answer_none_for_other_tenants_moves_and_out_of_perimeter(monde):
    vers_c = vers_un_tiers(monde)
    with tenant_context(monde.b):
        assert transferts.transfert_entrant_get(transfert_id=vers_c.id) is None
        assert transferts.transfert_sortant_get(perimetre=TOUT, transfert_id=vers_c.id) is None
        assert transferts.transferts_lister(voir=TOUT, gerer=TOUT) == ([], [])
    with tenant_context(monde.a):
        fes = Perimetre(racines=frozenset({"A-FES"}))
        assert transferts.transfert_sortant_get(perimetre=fes, transfert_id=vers_c.id) is None
        assert transferts.transfert_sortant_get(perimetre=TOUT, transfert_id=vers_c.id) == vers_c
        assert transferts.transferts_lister(voir=fes, gerer=fes) == ([], [])
        assert transferts.transferts_lister(voir=TOUT, gerer=TOUT) == ([], [vers_c])


# --- Pages --------------------------------------------------------------------------------------


@pytest.fixture
def clerc(login_client):
    def login(organisation, *habilitations, username=None):
        client = login_client(organisation, username=username or f"clerc.{organisation.code[-1]}")
        session = client.session
        session[SESSION_HABILITATIONS_KEY] = [list(h) for h in habilitations]
        session.save()
        return client

    return login


def test_pages_propose_list_and_accept(monde, clerc):
    a = clerc(monde.a, ("gestionnaire", None))
    page = a.get(f"/personnel/{monde.agent_id}/transfert/")
    assert page.status_code == 200
    assert 'name="destination"' in page.text
    assert '<option value="test-b">Ministère de test B</option>' in page.text
    assert '<option value="test-a">' not in page.text
    envoi = a.post(
        f"/personnel/{monde.agent_id}/transfert/",
        {
            "nature": "transfert",
            "destination": "test-b",
            "date_effet": "2024-09-01",
            "motif": "Arrêté n° 12/2024",
        },
    )
    assert (envoi.status_code, envoi["Location"]) == (302, "/personnel/transferts/")
    transfert = TransfertAgent.objects.get()
    liste_a = a.get("/personnel/transferts/").text
    assert f'id="transfert-{transfert.id}"' in liste_a
    assert "Alaoui Fatima" in liste_a
    assert f"/transferts/{transfert.id}/annuler/" in liste_a

    b = clerc(monde.b, ("gestionnaire", None))
    liste_b = b.get("/personnel/transferts/").text
    assert f"/personnel/transferts/{transfert.id}/accepter/" in liste_b
    assert "Alaoui" not in liste_b  # only the PPR until the file is here
    formulaire = b.get(f"/personnel/transferts/{transfert.id}/accepter/")
    assert formulaire.status_code == 200
    assert "Alaoui Fatima" in formulaire.text
    assert "AB123456" not in formulaire.text
    with tenant_context(monde.a):  # the source's access log says who looked, from where
        assert list(
            AccesDonnees.objects.filter(agent_id=monde.agent_id)
            .order_by("id")
            .values_list("acteur", "nature", "details")
        ) == [
            ("clerc.a", "liste", ""),  # A's own list page
            ("clerc.b@test-b", "fiche", f"mouvement n° {transfert.id}"),
        ]
    assert '<option value="PB-PLEIN"' not in formulaire.text  # full posts are not offered
    accepte = b.post(
        f"/personnel/transferts/{transfert.id}/accepter/", {"unite_code": "B-ACC", "poste_code": ""}
    )
    assert (accepte.status_code, accepte["Location"]) == (302, "/personnel/transferts/")
    assert dossier(monde.b).agent.unite_code == "B-ACC"
    assert b.get("/personnel/transferts/?statut=accepte").text.count("Alaoui Fatima") == 1


def test_the_accept_form_says_what_to_fix(monde, clerc):
    transfert = proposer(monde)
    b = clerc(monde.b, ("gestionnaire", "B-AUTRE"))
    page = b.post(f"/personnel/transferts/{transfert.id}/accepter/", {"unite_code": "B-ACC"})
    assert page.status_code == 400
    assert "Sélectionnez un choix valide" in page.text  # B-ACC is not even offered
    assert dossier(monde.b) is None


def test_pages_work_in_arabic(monde, clerc):
    proposer(monde)
    b = clerc(monde.b, ("gestionnaire", None))
    page = b.get("/personnel/transferts/", HTTP_ACCEPT_LANGUAGE="ar")
    assert page.status_code == 200
    assert 'dir="rtl"' in page.text
    assert '<span lang="ar">جماعة الاختبار أ</span>' in page.text


def test_refusal_by_htmx_returns_the_row(monde, clerc):
    transfert = proposer(monde)
    b = clerc(monde.b, ("gestionnaire", None))
    vide = b.post(
        f"/personnel/transferts/{transfert.id}/refuser/", {"motif": ""}, HTTP_HX_REQUEST="true"
    )
    assert vide.status_code == 200
    assert 'role="alert"' in vide.text
    ligne = b.post(
        f"/personnel/transferts/{transfert.id}/refuser/",
        {"motif": "Aucun poste"},
        HTTP_HX_REQUEST="true",
    )
    assert ligne.status_code == 200
    assert ligne.text.strip().startswith(f'<tr id="transfert-{transfert.id}">')
    assert "Refusé" in ligne.text
    assert "/accepter/" not in ligne.text
    transfert.refresh_from_db()
    assert transfert.statut == StatutTransfert.REFUSE


def test_a_tenant_b_user_cannot_reach_a_move_not_addressed_to_it(monde, clerc):
    vers_c = vers_un_tiers(monde)
    b = clerc(monde.b, ("admin", None))
    manquant = b.get(f"/personnel/transferts/{10**12}/accepter/")
    etranger = b.get(f"/personnel/transferts/{vers_c.id}/accepter/")
    assert (manquant.status_code, etranger.status_code) == (404, 404)
    assert etranger.content == manquant.content
    assert b.post(f"/personnel/transferts/{vers_c.id}/refuser/", {"motif": "x"}).status_code == 404
    assert b.post(f"/personnel/transferts/{vers_c.id}/annuler/", {"motif": "x"}).status_code == 404
    vers_c.refresh_from_db()
    assert vers_c.statut == "propose"


def test_each_tenant_reaches_only_its_side_of_a_move_in_the_pages(monde, clerc):
    transfert = proposer(monde)
    a = clerc(monde.a, ("admin", None))
    manquant = a.get(f"/personnel/transferts/{10**12}/accepter/")
    etranger = a.get(f"/personnel/transferts/{transfert.id}/accepter/")  # A's own outgoing
    assert (manquant.status_code, etranger.status_code) == (404, 404)
    assert etranger.content == manquant.content
    assert (
        a.post(f"/personnel/transferts/{transfert.id}/refuser/", {"motif": "x"}).status_code == 404
    )
    b = clerc(monde.b, ("admin", None))
    assert (
        b.post(f"/personnel/transferts/{transfert.id}/annuler/", {"motif": "x"}).status_code == 404
    )
    assert b.get(f"/personnel/{monde.agent_id}/transfert/").status_code == 404
    transfert.refresh_from_db()
    assert transfert.statut == "propose"


def test_page_permissions_and_perimeters(monde, clerc):
    lecteur = clerc(monde.a, ("lecture", None))
    assert lecteur.get(f"/personnel/{monde.agent_id}/transfert/").status_code == 403
    assert lecteur.get("/personnel/transferts/").status_code == 200
    transfert = proposer(monde)
    assert (
        lecteur.post(f"/personnel/transferts/{transfert.id}/annuler/", {"motif": "x"}).status_code
        == 403
    )
    fes = clerc(monde.a, ("gestionnaire", "A-FES"), username="clerc.fes")
    assert fes.get(f"/personnel/{monde.agent_id}/transfert/").status_code == 404
    assert f'id="transfert-{transfert.id}"' not in fes.get("/personnel/transferts/").text
    assert (
        fes.post(f"/personnel/transferts/{transfert.id}/annuler/", {"motif": "x"}).status_code
        == 404
    )
    rh = clerc(monde.a, ("gestionnaire", "A-RH"), username="clerc.rh")
    annule = rh.post(f"/personnel/transferts/{transfert.id}/annuler/", {"motif": "Erreur"})
    assert (annule.status_code, annule["Location"]) == (302, "/personnel/transferts/")
    transfert.refresh_from_db()
    assert (transfert.statut, transfert.annule_par) == ("annule", "clerc.rh")
    # nothing happened to either file
    assert dossier(monde.a).agent.position == Position.ACTIVITE
    assert registre_de() == [("test-a", "gestion", True)]
    assert dossier(monde.b) is None
    assert RolePpr.ACCUEIL not in {r for _, r, _ in registre_de()}
