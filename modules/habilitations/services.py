"""Writes on members and habilitations: Keycloak first (read back), then the audit row.

Keycloak cannot join our transaction: each call is idempotent, so a failed step can be
replayed; nothing is recorded as done before Keycloak confirmed it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit import services as audit_services
from identity import facade as identity_facade
from identity.habilitations import TENANT_ROLES, Habilitation
from identity.permissions import Action
from modules.unites import facade as unites_facade

UNIT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _recorded(
    *,
    tenant_code: str,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    data: dict[str, object] | None = None,
) -> None:
    """After Keycloak confirmed a change: refresh the jobs' copy, then write the audit row."""
    identity_facade.habilitation_copy_refresh(alias=tenant_code)
    with transaction.atomic():
        audit_services.audit_record(
            actor=actor, action=action, object_type=object_type, object_id=object_id, data=data
        )


def _unit_must_exist(habilitation: Habilitation) -> None:
    if habilitation.unit and not unites_facade.unite_exists(code=habilitation.unit):
        raise ValidationError(
            {
                "unite": _(
                    "Unité inconnue : %(u)s. Créez-la d'abord dans « Unités organisationnelles »."
                )
                % {"u": habilitation.unit}
            }
        )


def habilitation_parse(*, role: str, unit: str) -> Habilitation:
    """A habilitation from form input, or a ValidationError naming the field to fix."""
    if role not in TENANT_ROLES:
        raise ValidationError({"role": _("Rôle inconnu : %(r)s") % {"r": role}})
    unit = unit.strip().upper()
    if unit and not UNIT_CODE.match(unit):
        raise ValidationError(
            {"unite": _("Code d'unité invalide : lettres majuscules, chiffres et tirets.")}
        )
    return Habilitation(role=role, unit=unit or None)


def member_invite(
    *,
    tenant_code: str,
    email: str,
    first_name: str,
    last_name: str,
    habilitation: Habilitation,
    actor: str,
) -> str:
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise ValidationError({"email": _("Adresse électronique invalide.")})
    if not first_name.strip() or not last_name.strip():
        raise ValidationError({"nom": _("Le prénom et le nom sont obligatoires.")})
    _unit_must_exist(habilitation)
    user_id, created = identity_facade.tenant_member_invite(
        alias=tenant_code,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )
    identity_facade.tenant_habilitation_grant(
        alias=tenant_code, user_id=user_id, habilitation=habilitation
    )
    _recorded(
        tenant_code=tenant_code,
        actor=actor,
        action="membre.invite",
        object_type="utilisateur",
        object_id=user_id,
        data={"compte_cree": created, "habilitation": habilitation.group_name},
    )
    return user_id


def habilitation_grant(
    *,
    tenant_code: str,
    member: identity_facade.TenantMember,
    habilitation: Habilitation,
    actor: str,
) -> None:
    _unit_must_exist(habilitation)
    identity_facade.tenant_habilitation_grant(
        alias=tenant_code, user_id=member.user_id, habilitation=habilitation
    )
    _recorded(
        tenant_code=tenant_code,
        actor=actor,
        action="habilitation.accordee",
        object_type="utilisateur",
        object_id=member.user_id,
        data={"habilitation": habilitation.group_name},
    )


def habilitation_revoke(
    *,
    tenant_code: str,
    member: identity_facade.TenantMember,
    habilitation: Habilitation,
    actor_user_id: str,
    actor: str,
) -> None:
    if member.user_id == actor_user_id and habilitation == Habilitation("admin"):
        raise ValidationError(
            _("Vous ne pouvez pas retirer votre propre habilitation d'administrateur.")
        )
    identity_facade.tenant_habilitation_revoke(
        alias=tenant_code, user_id=member.user_id, habilitation=habilitation
    )
    _recorded(
        tenant_code=tenant_code,
        actor=actor,
        action="habilitation.retiree",
        object_type="utilisateur",
        object_id=member.user_id,
        data={"habilitation": habilitation.group_name},
    )


def member_deactivate(
    *, tenant_code: str, member: identity_facade.TenantMember, actor_user_id: str, actor: str
) -> bool:
    if member.user_id == actor_user_id:
        raise ValidationError(_("Vous ne pouvez pas désactiver votre propre compte."))
    disabled = identity_facade.tenant_member_remove(alias=tenant_code, user_id=member.user_id)
    _recorded(
        tenant_code=tenant_code,
        actor=actor,
        action="membre.desactive",
        object_type="utilisateur",
        object_id=member.user_id,
        data={"compte_desactive": disabled},
    )
    return disabled


def api_client_create(
    *, tenant_code: str, name: str, habilitation: Habilitation, actor: str
) -> tuple[str, str]:
    """A client-credentials client for an integration; returns (client_id, secret shown once)."""
    name = name.strip()
    if not name:
        raise ValidationError(
            {"nom": _("Donnez un nom à l'intégration (le logiciel qui appelle l'API).")}
        )
    _unit_must_exist(habilitation)
    client_id, secret = identity_facade.tenant_api_client_create(
        alias=tenant_code, name=name, habilitation=habilitation
    )
    _recorded(
        tenant_code=tenant_code,
        actor=actor,
        action="client_api.cree",
        object_type="client_api",
        object_id=client_id,
        data={"nom": name, "habilitation": habilitation.group_name},
    )
    return client_id, secret


def api_client_revoke(*, tenant_code: str, client_id: str, actor: str) -> bool:
    revoked = identity_facade.tenant_api_client_revoke(alias=tenant_code, client_id=client_id)
    if revoked:
        _recorded(
            tenant_code=tenant_code,
            actor=actor,
            action="client_api.revoque",
            object_type="client_api",
            object_id=client_id,
        )
    return revoked


# --- The admin's own perimeter: an admin of a unit manages habilitations inside it only -------


@dataclass(frozen=True)
class AdminScope:
    whole_tenant: bool
    codes: frozenset[str]


def admin_scope(*, habilitations: frozenset[Habilitation]) -> AdminScope:
    covered = unites_facade.codes_in_perimeter(
        habilitations=habilitations, action=Action.HABILITATIONS_GERER
    )
    if covered == "all":
        return AdminScope(whole_tenant=True, codes=frozenset())
    return AdminScope(whole_tenant=False, codes=frozenset(covered))


def member_in_scope(
    *, member: identity_facade.TenantMember, scope: AdminScope
) -> identity_facade.TenantMember | None:
    """The member as this admin may see them: only habilitations inside the admin's units
    (None when there is none: the person is then not this admin's business)."""
    if scope.whole_tenant:
        return member
    inside = frozenset(h for h in member.habilitations if h.unit in scope.codes)
    return dataclasses.replace(member, habilitations=inside) if inside else None


def habilitation_in_scope(*, habilitation: Habilitation, scope: AdminScope) -> None:
    if scope.whole_tenant or habilitation.unit in scope.codes:
        return
    raise ValidationError(
        {"unite": _("Votre habilitation d'administrateur ne couvre pas cette unité.")}
    )
