"""The demo platform: two organisations and their users (used by `make demo`)."""

from dataclasses import dataclass

from django.conf import settings

from identity import facade as identity_facade
from tenants import services
from tenants.models import OrganisationKind

# Demo accounts only, printed by `make demo`; real users set their own in Keycloak.
DEMO_PASSWORD = "Demo-2026!"  # noqa: S105

ORGANISATIONS = (
    services.OrganisationSpec(
        code="sante",
        kind=OrganisationKind.MINISTERE,
        name_fr="Ministère de la Santé et de la Protection sociale",
        name_ar="وزارة الصحة والحماية الاجتماعية",
    ),
    services.OrganisationSpec(
        code="commune-fes",
        kind=OrganisationKind.COMMUNE,
        name_fr="Commune de Fès",
        name_ar="جماعة فاس",
    ),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    organisations: tuple[str, ...] = ()
    realm_roles: tuple[str, ...] = ()
    habilitations: tuple[str, ...] = ()


USERS = (
    DemoUser("amina.sante", "Amina", "El Idrissi", ("sante",), habilitations=("admin",)),
    DemoUser("youssef.fes", "Youssef", "Benjelloun", ("commune-fes",), habilitations=("lecture",)),
    DemoUser("karim.tgr", "Karim", "Alaoui", realm_roles=("tgr-operateur",)),
)


def demo_provision() -> list[str]:
    lines = []
    apex = f"{settings.INDIMAJ_SCHEME}://{settings.INDIMAJ_APEX}:{settings.INDIMAJ_WEB_PORT}"
    identity_facade.platform_identity_ensure(base_url=apex)
    for spec in ORGANISATIONS:
        organisation = services.organisation_provision(spec=spec, actor="demo")
        services.organisation_sync_identity(organisation=organisation)
        lines.append(f"{spec.name_fr}: {services.tenant_base_url(spec.code)}/")
    for user in USERS:
        identity_facade.person_ensure(
            username=user.username,
            email=f"{user.username}@demo.indimaj.localhost",
            first_name=user.first_name,
            last_name=user.last_name,
            password=DEMO_PASSWORD,
            organization_aliases=user.organisations,
            realm_roles=user.realm_roles,
            habilitations=user.habilitations,
        )
        where = (
            f"{', '.join(user.organisations)}: {', '.join(user.habilitations)}"
            if user.organisations
            else f"console {apex}/console/jobs/"
        )
        lines.append(f"login {user.username} / {DEMO_PASSWORD}  ({where})")
    return lines
