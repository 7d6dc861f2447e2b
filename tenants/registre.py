"""The national PPR registry and the record of agents' moves between ordonnateurs: writes and
reads, always on public tables, from any schema.

Called by the personnel module inside its own transaction (the registry row and the tenant's
file commit together). Conflicts name the ordonnateur that already manages the PPR, so the clerk
knows whom to ask for a transfer. Nothing here holds personal data: PPRs, organisations, dates,
statuses and who acted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

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


def organisation_courante() -> Organisation:
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Organisation) and tenant.schema_name != "public":
        return tenant
    schema = getattr(connection, "schema_name", "public")
    organisation = cast(
        "Organisation | None", Organisation.objects.filter(schema_name=schema).first()
    )
    if organisation is None or schema == "public":
        raise RuntimeError("the PPR registry is written from a tenant's schema only")
    return organisation


def gestionnaires(*, pprs: Iterable[str]) -> dict[str, Organisation]:
    """For each PPR, the ordonnateur that manages it now (PPRs nobody manages are absent)."""
    rows = InscriptionPpr.objects.filter(
        ppr__in=list(pprs), active=True, role=RolePpr.GESTION
    ).select_related("organisation")
    return {row.ppr: row.organisation for row in rows}


def conflit_message(*, ppr: str, organisation: Organisation) -> str:
    return _(
        "Le PPR %(ppr)s est déjà géré par « %(org)s » (%(code)s) : demandez-lui un transfert "
        "de l'agent plutôt que de créer un second dossier."
    ) % {"ppr": ppr, "org": organisation.name_fr, "code": organisation.code}


def inscrire(*, ppr: str, role: str = RolePpr.GESTION) -> InscriptionPpr:
    """Register the current tenant for `ppr` (idempotent for the same tenant and role)."""
    ici = organisation_courante()
    existante = InscriptionPpr.objects.filter(ppr=ppr, organisation=ici, active=True).first()
    if existante is not None and existante.role == role:
        return existante
    if role == RolePpr.GESTION:
        autre = gestionnaires(pprs=[ppr]).get(ppr)
        if autre is not None and autre.pk != ici.pk:
            raise ValidationError({"ppr": conflit_message(ppr=ppr, organisation=autre)})
    if existante is not None:
        fermer(inscription=existante)
    return InscriptionPpr.objects.create(ppr=ppr, organisation=ici, role=role)


def inscrire_lot(*, pprs: Iterable[str]) -> int:
    """Register the current tenant as manager of many PPRs in one statement (imports).
    The caller has already checked `gestionnaires()` for conflicts; the partial unique index
    is the last guard. Returns how many rows were added."""
    ici = organisation_courante()
    # ON CONFLICT on the "one active row per PPR and organisation" index rather than an
    # anti-join: each row is one probe of that index whatever the planner believes about the
    # table (a NOT EXISTS of 300,000 PPRs ran for minutes after the table had been emptied).
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO public.tenants_inscriptionppr (ppr, organisation_id, role, active, depuis)
            SELECT p, %s, 'gestion', true, now() FROM unnest(%s::text[]) AS p
            ON CONFLICT (ppr, organisation_id) WHERE active DO NOTHING
            """,
            [ici.pk, list(pprs)],
        )
        return int(cursor.rowcount)


def fermer(*, inscription: InscriptionPpr) -> None:
    inscription.active = False
    inscription.jusqu_au = timezone.now()
    inscription.save(update_fields=["active", "jusqu_au"])


def historique(*, ppr: str) -> list[InscriptionPpr]:
    return list(
        InscriptionPpr.objects.filter(ppr=ppr).select_related("organisation").order_by("depuis")
    )


def inscription_active(*, ppr: str, organisation: Organisation) -> InscriptionPpr | None:
    return InscriptionPpr.objects.filter(ppr=ppr, organisation=organisation, active=True).first()


def accueils(*, ppr: str) -> list[Organisation]:
    """The ordonnateurs that host the agent now (détachement, mise à disposition)."""
    return [
        row.organisation
        for row in InscriptionPpr.objects.filter(
            ppr=ppr, active=True, role=RolePpr.ACCUEIL
        ).select_related("organisation")
    ]


def retirer(*, ppr: str, organisation: Organisation, role: str) -> None:
    """Close `organisation`'s active row of `role` for `ppr` (it no longer manages or hosts the
    agent). Fails when there is none: the caller's view of the registry was wrong."""
    ligne = (
        InscriptionPpr.objects.select_for_update()
        .filter(ppr=ppr, organisation=organisation, role=role, active=True)
        .first()
    )
    if ligne is None:
        raise ValidationError(
            _("Le registre national n'inscrit pas « %(org)s » pour le PPR %(ppr)s (%(role)s).")
            % {"org": organisation.name_fr, "ppr": ppr, "role": RolePpr(role).label}
        )
    fermer(inscription=ligne)


# --- Moves between ordonnateurs -----------------------------------------------------------------


def destinations() -> list[Organisation]:
    """Ordonnateurs an agent may be moved to: every active tenant."""
    return list(
        Organisation.objects.filter(status=OrganisationStatus.ACTIVE)
        .exclude(kind=OrganisationKind.PLATEFORME)
        .exclude(schema_name="public")
        .order_by("name_fr")
    )


def destination_get(*, code: str) -> Organisation | None:
    return cast(
        "Organisation | None",
        Organisation.objects.filter(code=code, status=OrganisationStatus.ACTIVE)
        .exclude(kind=OrganisationKind.PLATEFORME)
        .exclude(schema_name="public")
        .first(),
    )


def transfert_en_cours(*, ppr: str) -> TransfertAgent | None:
    return (
        TransfertAgent.objects.filter(ppr=ppr, statut=StatutTransfert.PROPOSE)
        .select_related("source", "destination")
        .first()
    )


def accueil_en_cours(*, ppr: str, hote: Organisation) -> TransfertAgent | None:
    """The accepted détachement or mise à disposition that `hote` hosts for `ppr` and that no
    accepted `fin_accueil` has ended yet."""
    return (
        TransfertAgent.objects.filter(
            ppr=ppr,
            destination=hote,
            statut=StatutTransfert.ACCEPTE,
            nature__in=[NatureTransfert.DETACHEMENT, NatureTransfert.MISE_A_DISPOSITION],
        )
        .exclude(fins__statut=StatutTransfert.ACCEPTE)
        .select_related("source")
        .order_by("-accepte_le", "-id")
        .first()
    )


def transfert_verrouiller(*, transfert_id: int) -> TransfertAgent:
    """The transfer's row, locked for the rest of the transaction (accept, refuse, cancel)."""
    return (
        TransfertAgent.objects.select_for_update(of=("self",))
        .select_related("source", "destination", "origine")
        .get(pk=transfert_id)
    )


def transferts_entrants(*, organisation: Organisation) -> QuerySet[TransfertAgent]:
    return TransfertAgent.objects.filter(destination=organisation).select_related(
        "source", "destination"
    )


def transferts_sortants(*, organisation: Organisation) -> QuerySet[TransfertAgent]:
    return TransfertAgent.objects.filter(source=organisation).select_related(
        "source", "destination"
    )
