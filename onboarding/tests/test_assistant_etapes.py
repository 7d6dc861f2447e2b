"""The wizard's statuses come from the tenant's data: each step turns "fait" when its data
appears and back when it goes; Keycloak's members are cached per tenant and audit sequence."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import transaction
from django_tenants.utils import schema_context

from audit import services as audit_services
from identity import facade as identity_facade
from identity import keycloak_admin
from identity.habilitations import Habilitation
from modules.personnel import services_postes
from modules.personnel.models import Agent
from modules.unites import services as unites_services
from modules.unites.perimetres import TOUT, Perimetre
from onboarding.assistant import etapes
from onboarding.assistant.etapes import Statut
from tenants.models import Organisation

pytestmark = pytest.mark.django_db
MOI = "kc-moi"


def _membre(user_id: str, *habilitations: Habilitation, enabled: bool = True):
    return identity_facade.TenantMember(
        user_id=user_id,
        username=user_id,
        email=f"{user_id}@example.ma",
        first_name="",
        last_name="",
        enabled=enabled,
        habilitations=frozenset(habilitations),
    )


ADMIN = Habilitation(role="admin", unit=None)
GESTION = Habilitation(role="gestionnaire", unit="FES")


@dataclass
class FauxKeycloak:
    membres: list[identity_facade.TenantMember]
    appels: int = 0
    erreur: Exception | None = None

    def tenant_members(self, *, alias: str) -> list[identity_facade.TenantMember]:
        self.appels += 1
        if self.erreur is not None:
            raise self.erreur
        return list(self.membres)


@pytest.fixture
def keycloak(monkeypatch):
    """Fake member lists for the status logic (the real Keycloak is used further down)."""
    cache.clear()
    faux = FauxKeycloak(membres=[_membre(MOI, ADMIN)])
    monkeypatch.setattr(identity_facade, "tenant_members", faux.tenant_members)
    return faux


@pytest.fixture
def dans_a(tenant_a):
    with schema_context(tenant_a.schema_name):
        yield Organisation.objects.get(pk=tenant_a.pk)


def _statuts(organisation, perimetre=TOUT, moi=MOI):
    avancement = etapes.avancement(organisation=organisation, perimetre=perimetre, moi=moi)
    return {etape.cle: etape.statut for etape in avancement.etapes}


def _etape(organisation, cle):
    avancement = etapes.avancement(organisation=organisation, perimetre=TOUT, moi=MOI)
    return next(e for e in avancement.etapes if e.cle == cle)


def test_a_tenant_just_provisioned_has_its_names_and_nothing_else(dans_a, keycloak):
    avancement = etapes.avancement(organisation=dans_a, perimetre=TOUT, moi=MOI)
    assert [(e.numero, e.cle, e.statut) for e in avancement.etapes] == [
        (1, "profil", Statut.EN_COURS),
        (2, "unites", Statut.A_FAIRE),
        (3, "utilisateurs", Statut.A_FAIRE),
        (4, "postes", Statut.A_FAIRE),
        (5, "agents", Statut.A_FAIRE),
        (6, "echange", Statut.A_FAIRE),
    ]
    assert (avancement.faites, avancement.total) == (0, 6)
    assert avancement.prochaine is not None
    assert avancement.prochaine.cle == "profil"
    assert avancement.etapes[0].detail == (
        "À compléter : code ordonnateur. Facultatif, non renseigné : sigle, logo."
    )


def test_the_profile_is_done_with_the_tgr_code_and_undone_without_it(dans_a, keycloak):
    Organisation.objects.filter(pk=dans_a.pk).update(code_ordonnateur="0712")
    dans_a.refresh_from_db()
    profil = _etape(dans_a, "profil")
    assert (profil.statut, profil.detail) == (
        Statut.FAIT,
        "Profil complet. Facultatif, non renseigné : sigle, logo.",
    )
    dans_a.name_ar = "Commune A"  # not Arabic: the profile is not complete any more
    assert _etape(dans_a, "profil").detail.startswith("À compléter : nom en arabe.")
    assert _etape(dans_a, "profil").statut == Statut.EN_COURS
    dans_a.name_ar, dans_a.code_ordonnateur = "جماعة", ""
    assert _etape(dans_a, "profil").statut == Statut.EN_COURS
    dans_a.name_fr = dans_a.name_ar = dans_a.kind = ""
    assert _etape(dans_a, "profil").statut == Statut.A_FAIRE


def test_units_step_follows_active_units(dans_a, keycloak):
    assert _statuts(dans_a)["unites"] == Statut.A_FAIRE
    unite = unites_services.unite_create(
        actor="tests", code="DEM-1", parent=None, kind="direction", nom_fr="Direction"
    )
    unites = _etape(dans_a, "unites")
    assert (unites.statut, unites.detail) == (Statut.FAIT, "1 unité active.")
    unites_services.unite_deactivate(actor="tests", unite=unite)
    unites = _etape(dans_a, "unites")
    assert unites.statut == Statut.EN_COURS
    assert unites.detail.startswith("Aucune unité active : 1 unité est désactivée")


def test_posts_step_follows_active_budget_posts(dans_a, keycloak):
    assert _statuts(dans_a)["postes"] == Statut.A_FAIRE
    poste = services_postes.poste_creer(
        auteur="tests",
        code="P-DEM",
        libelle="Techniciens",
        ligne_budgetaire="10.1",
        nombre=3,
        categorie="9",
    )
    postes = _etape(dans_a, "postes")
    assert (postes.statut, postes.detail) == (
        Statut.FAIT,
        "1 ligne de postes budgétaires active.",
    )
    services_postes.poste_desactiver(auteur="tests", poste=poste)
    assert _statuts(dans_a)["postes"] == Statut.A_FAIRE


def test_agents_step_follows_the_agents_files(dans_a, keycloak):
    assert _statuts(dans_a)["agents"] == Statut.A_FAIRE
    Agent.objects.create(ppr="7100001", nom_fr="Alaoui", prenom_fr="Karim", sexe="M")
    Agent.objects.create(ppr="7100002", nom_fr="Tazi", prenom_fr="Salma", sexe="F")
    agents = _etape(dans_a, "agents")
    assert (agents.statut, agents.detail) == (Statut.FAIT, "2 agents.")
    Agent.objects.all().delete()
    assert _statuts(dans_a)["agents"] == Statut.A_FAIRE


def test_agents_are_counted_in_the_perimeter_only(dans_a, keycloak):
    Agent.objects.create(ppr="7100003", nom_fr="Alaoui", prenom_fr="Karim", sexe="M")
    nulle_part = Perimetre(racines=frozenset({"INCONNUE"}))
    assert _statuts(dans_a, perimetre=nulle_part)["agents"] == Statut.A_FAIRE


def test_users_step_needs_someone_else_holding_a_habilitation(dans_a, keycloak):
    assert _etape(dans_a, "utilisateurs").detail == (
        "Personne d'autre que vous n'est encore habilitée : invitez vos collègues."
    )
    keycloak.membres.append(_membre("kc-invitee"))
    cache.clear()
    utilisateurs = _etape(dans_a, "utilisateurs")
    assert (utilisateurs.statut, utilisateurs.detail) == (
        Statut.EN_COURS,
        "1 membre sans habilitation : donnez-lui un rôle.",
    )
    keycloak.membres[1] = _membre("kc-invitee", GESTION)
    cache.clear()
    utilisateurs = _etape(dans_a, "utilisateurs")
    assert (utilisateurs.statut, utilisateurs.detail) == (
        Statut.FAIT,
        "1 autre personne habilitée.",
    )
    # the other person looks at the page: the admin is "someone else" for them
    assert _statuts(dans_a, moi="kc-invitee")["utilisateurs"] == Statut.FAIT
    keycloak.membres[1] = _membre("kc-invitee", GESTION, enabled=False)
    cache.clear()
    assert _statuts(dans_a)["utilisateurs"] == Statut.A_FAIRE


def test_keycloak_unreachable_makes_the_users_step_unknown_not_done(dans_a, keycloak):
    keycloak.erreur = identity_facade.KeycloakUnavailableError("down")
    avancement = etapes.avancement(organisation=dans_a, perimetre=TOUT, moi=MOI)
    utilisateurs = avancement.etapes[2]
    assert utilisateurs.statut == Statut.INCONNU
    assert utilisateurs.detail.startswith("L'annuaire (Keycloak) ne répond pas")
    assert avancement.faites == 0
    assert avancement.prochaine is not None
    assert avancement.prochaine.cle == "profil"
    keycloak.erreur = None  # back: the failure was not cached, Keycloak is asked again
    assert _statuts(dans_a)["utilisateurs"] == Statut.A_FAIRE
    assert keycloak.appels == 2


def test_members_are_read_once_per_minute_until_the_audit_chain_moves(
    dans_a, keycloak, monkeypatch
):
    ecrits: list[tuple[str, int]] = []

    class Espion:
        def get(self, cle: str) -> object:
            return cache.get(cle)

        def set(self, cle: str, valeur: object, duree: int) -> None:
            ecrits.append((cle, duree))
            cache.set(cle, valeur, duree)

    monkeypatch.setattr(etapes, "cache", Espion())
    for _ in range(3):
        etapes.avancement(organisation=dans_a, perimetre=TOUT, moi=MOI)
    assert keycloak.appels == 1
    keycloak.membres.append(_membre("kc-invitee", GESTION))
    with transaction.atomic():  # what an invitation made in INDIMAJ writes
        evenement = audit_services.audit_record(actor="tests", action="habilitation.accordee")
    assert _statuts(dans_a)["utilisateurs"] == Statut.FAIT
    assert keycloak.appels == 2
    assert ecrits[-1] == (f"demarrage:membres:test-a:{evenement.seq}", 60)
    assert len(ecrits) == 2


def test_the_exchange_step_follows_the_test_files(dans_a, keycloak):
    from exchange.models import Fichier, Sens
    from exchange.models import Statut as StatutFichier

    echange = _etape(dans_a, "echange")
    assert echange.statut == Statut.A_FAIRE
    assert echange.detail.startswith("Aucun essai pour l'instant")
    commun = {"flux": "essai", "sha256": "0" * 64, "nom": "essai"}
    Fichier.objects.create(sens=Sens.SORTANT, emetteur="ORD:test-a", destinataire="TGR:WADEF",
                           sequence=1, statut=StatutFichier.EMIS, **commun)  # fmt: skip
    assert _etape(dans_a, "echange").statut == Statut.EN_COURS
    Fichier.objects.create(sens=Sens.ENTRANT, emetteur="TGR:WADEF", destinataire="ORD:test-a",
                           sequence=1, statut=StatutFichier.QUARANTAINE, code_erreur="E-CLE",
                           rapport="E-CLE — clé inconnue", **commun)  # fmt: skip
    en_quarantaine = _etape(dans_a, "echange")
    assert en_quarantaine.statut == Statut.EN_COURS
    assert "E-CLE — E-CLE — clé inconnue" in en_quarantaine.detail
    Fichier.objects.create(sens=Sens.ENTRANT, emetteur="TGR:WADEF", destinataire="ORD:test-a",
                           sequence=2, statut=StatutFichier.INTEGRE, **commun)  # fmt: skip
    fait = _etape(dans_a, "echange")
    assert fait.statut == Statut.FAIT
    assert fait.detail.startswith("Accusé de réception du Trésor reçu le ")


def test_agents_import_links_to_the_import_page_when_it_exists(dans_a, keycloak):
    from django.urls import NoReverseMatch, reverse

    try:
        attendu = reverse("personnel:importer")
    except NoReverseMatch:
        attendu = reverse("personnel:liste")
    assert _etape(dans_a, "agents").liens[0].url == attendu


@pytest.fixture
def organisation_keycloak():
    """A Keycloak Organization of our own (the shared test-a one has other suites' members)."""
    alias = f"hh-dem-{uuid.uuid4().hex[:8]}"
    identity_facade.tenant_identity_ensure(
        alias=alias, name=f"Démarrage {alias}", base_url=f"http://{alias}.indimaj.localhost:8765"
    )
    personnes: list[str] = []
    yield alias, personnes
    admin = keycloak_admin.admin_client()
    for username in personnes:
        user = keycloak_admin.user_by_email(admin, f"{username}@example.ma")
        if user is not None:
            admin.delete_user(user["id"])
    org_id = keycloak_admin.organization_id_by_alias(admin, alias)
    if org_id is not None:
        admin.delete_organization(org_id)


def test_users_step_against_the_real_keycloak(dans_a, organisation_keycloak):
    alias, personnes = organisation_keycloak
    cache.clear()
    assert etapes.etape_utilisateurs(code=alias, moi=MOI).statut == Statut.A_FAIRE
    username = f"{alias}-gestion"
    personnes.append(username)
    sub = identity_facade.person_ensure(
        username=username,
        email=f"{username}@example.ma",
        first_name="Salma",
        last_name="Tazi",
        password="Test-Login-2026!",
        organization_aliases=(alias,),
        habilitations=("gestionnaire",),
    )
    # still the cached answer: nothing in INDIMAJ's audit chain moved
    assert etapes.etape_utilisateurs(code=alias, moi=MOI).statut == Statut.A_FAIRE
    with transaction.atomic():
        audit_services.audit_record(actor="tests", action="habilitation.accordee")
    assert etapes.etape_utilisateurs(code=alias, moi=MOI).statut == Statut.FAIT
    # for that person, nobody else is habilitated
    assert etapes.etape_utilisateurs(code=alias, moi=sub).statut == Statut.A_FAIRE


def test_an_unknown_keycloak_organization_is_unknown_not_done(dans_a):
    cache.clear()
    etape = etapes.etape_utilisateurs(code=f"hh-absente-{uuid.uuid4().hex[:6]}", moi=MOI)
    assert etape.statut == Statut.INCONNU
