"""The national PPR registry and the record of moves (public schema): duplicates across tenants,
closing rows, history, the database's last guards, and no personal data."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

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

PPR = "8000001"


def inscrire(organisation: Organisation, ppr: str = PPR, role: str = RolePpr.GESTION):
    with tenant_context(organisation):
        return registre.inscrire(ppr=ppr, role=role)


def test_a_second_tenant_is_refused_with_a_message_naming_the_first(tenant_a, tenant_b):
    inscrire(tenant_a)
    with pytest.raises(ValidationError) as refus:
        inscrire(tenant_b)
    assert refus.value.message_dict == {
        "ppr": [
            "Le PPR 8000001 est déjà géré par « Commune de test A » (test-a) : demandez-lui un "
            "transfert de l'agent plutôt que de créer un second dossier."
        ]
    }
    assert list(InscriptionPpr.objects.values_list("organisation__code", "role", "active")) == [
        ("test-a", "gestion", True)
    ]


def test_registering_again_in_the_same_tenant_changes_nothing(tenant_a):
    premiere = inscrire(tenant_a)
    assert inscrire(tenant_a).pk == premiere.pk
    assert InscriptionPpr.objects.count() == 1


def test_closing_keeps_the_row_and_lets_another_tenant_manage_and_history_shows_the_path(
    tenant_a, tenant_b
):
    inscrire(tenant_a)
    registre.retirer(ppr=PPR, organisation=tenant_a, role=RolePpr.GESTION)
    fermee = InscriptionPpr.objects.get(organisation=tenant_a)
    assert (fermee.active, fermee.jusqu_au is not None) == (False, True)
    assert registre.gestionnaires(pprs=[PPR]) == {}

    inscrire(tenant_b)
    assert registre.gestionnaires(pprs=[PPR]) == {PPR: tenant_b}
    assert [(i.organisation.code, i.role, i.active) for i in registre.historique(ppr=PPR)] == [
        ("test-a", "gestion", False),
        ("test-b", "gestion", True),
    ]
    with pytest.raises(ValidationError, match="Ministère de test B"):
        inscrire(tenant_a)


def test_a_host_registers_beside_the_manager_but_cannot_take_over(tenant_a, tenant_b):
    inscrire(tenant_a)
    inscrire(tenant_b, role=RolePpr.ACCUEIL)
    assert registre.accueils(ppr=PPR) == [tenant_b]
    assert registre.gestionnaires(pprs=[PPR]) == {PPR: tenant_a}
    with pytest.raises(ValidationError, match="Commune de test A"):
        inscrire(tenant_b)
    # the failed attempt did not close the host's row
    hote = registre.inscription_active(ppr=PPR, organisation=tenant_b)
    assert hote is not None
    assert hote.role == RolePpr.ACCUEIL

    registre.retirer(ppr=PPR, organisation=tenant_b, role=RolePpr.ACCUEIL)
    assert registre.accueils(ppr=PPR) == []
    assert registre.inscription_active(ppr=PPR, organisation=tenant_b) is None


def test_closing_a_row_that_does_not_exist_says_so(tenant_a):
    with pytest.raises(ValidationError, match="n'inscrit pas « Commune de test A » pour le PPR"):
        registre.retirer(ppr=PPR, organisation=tenant_a, role=RolePpr.GESTION)


def test_the_registry_is_written_from_a_tenant_only(db):
    with pytest.raises(RuntimeError, match="tenant's schema only"):
        registre.inscrire(ppr=PPR)
    assert InscriptionPpr.objects.count() == 0


def test_a_batch_registers_once(tenant_a):
    with tenant_context(tenant_a):
        assert registre.inscrire_lot(pprs=["8000001", "8000002"]) == 2
        assert registre.inscrire_lot(pprs=["8000001", "8000002", "8000003"]) == 1
    assert sorted(registre.gestionnaires(pprs=["8000001", "8000002", "8000003"])) == [
        "8000001",
        "8000002",
        "8000003",
    ]


def test_a_batch_skips_what_this_tenant_holds_but_not_another_managers_ppr(tenant_a, tenant_b):
    """ON CONFLICT only skips this organisation's own active rows (a host row included); a PPR
    another organisation manages still hits the national unique index, and nothing is written."""
    inscrire(tenant_a, ppr="8000010", role=RolePpr.ACCUEIL)
    with tenant_context(tenant_a):
        assert registre.inscrire_lot(pprs=["8000010", "8000011", "8000011"]) == 1
    inscrire(tenant_b, ppr="8000020")
    avant = InscriptionPpr.objects.count()
    with tenant_context(tenant_a), pytest.raises(IntegrityError), transaction.atomic():
        registre.inscrire_lot(pprs=["8000021", "8000020"])
    assert InscriptionPpr.objects.count() == avant


def test_the_database_refuses_two_active_managers(tenant_a, tenant_b):
    inscrire(tenant_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        InscriptionPpr.objects.create(ppr=PPR, organisation=tenant_b, role=RolePpr.GESTION)


def _transfert(source, destination, **champs):
    valeurs = {
        "ppr": PPR,
        "nature": NatureTransfert.TRANSFERT,
        "date_effet": date(2024, 9, 1),
        "motif": "Arrêté",
        "propose_par": "tests",
        "propose_le": timezone.now(),
        **champs,
    }
    return TransfertAgent.objects.create(source=source, destination=destination, **valeurs)


def test_the_database_refuses_a_second_pending_move_and_a_move_to_oneself(tenant_a, tenant_b):
    _transfert(tenant_a, tenant_b)
    with pytest.raises(IntegrityError), transaction.atomic():
        _transfert(tenant_b, tenant_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        _transfert(tenant_a, tenant_a, ppr="8000002")
    with pytest.raises(IntegrityError), transaction.atomic():
        _transfert(tenant_b, tenant_a, ppr="8000003", nature=NatureTransfert.FIN_ACCUEIL)
    assert TransfertAgent.objects.count() == 1


def test_a_hosting_in_progress_is_the_last_accepted_one_not_yet_ended(tenant_a, tenant_b):
    accepte = {"statut": StatutTransfert.ACCEPTE, "accepte_par": "b", "accepte_le": timezone.now()}
    detachement = _transfert(tenant_a, tenant_b, nature=NatureTransfert.DETACHEMENT, **accepte)
    assert registre.accueil_en_cours(ppr=PPR, hote=tenant_b) == detachement
    assert registre.accueil_en_cours(ppr=PPR, hote=tenant_a) is None
    fin = _transfert(tenant_b, tenant_a, nature=NatureTransfert.FIN_ACCUEIL, origine=detachement)
    assert registre.accueil_en_cours(ppr=PPR, hote=tenant_b) == detachement  # only proposed
    fin.statut, fin.accepte_par, fin.accepte_le = StatutTransfert.ACCEPTE, "a", timezone.now()
    fin.save()
    assert registre.accueil_en_cours(ppr=PPR, hote=tenant_b) is None


def test_destinations_are_the_active_tenants(tenant_a, tenant_b):
    tenant_b.status = OrganisationStatus.SUSPENDUE
    tenant_b.save(update_fields=["status"])
    codes = [o.code for o in registre.destinations()]
    assert "test-a" in codes
    assert "test-b" not in codes
    assert registre.destination_get(code="test-b") is None
    assert all(o.kind != OrganisationKind.PLATEFORME for o in registre.destinations())


def test_public_tables_hold_no_personal_data():
    """Names, CIN, RIB, birth dates stay in tenant schemas: the public tables have no such
    column (the file is copied schema to schema at acceptance)."""
    personnelles = {"nom", "prenom", "cin", "rib", "naissance", "adresse", "telephone", "email"}
    for modele in (InscriptionPpr, TransfertAgent):
        colonnes = {f.column for f in modele._meta.concrete_fields}
        assert not {c for c in colonnes if any(p in c for p in personnelles)}, modele
