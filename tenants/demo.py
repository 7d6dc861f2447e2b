"""The demo platform: two organisations and one user per role (used by `make demo`).

Accounts whose role needs a second factor (admin, valideur, TGR and platform roles) come with
a TOTP already enrolled: `python manage.py otp_code USERNAME` prints the current code, and the
authenticator key printed by `make demo` works in any authenticator app.
"""

from dataclasses import dataclass

from django.conf import settings

from identity import facade as identity_facade
from identity import otp
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
    habilitations: tuple[str, ...] = ()
    realm_roles: tuple[str, ...] = ()
    with_otp: bool = False


USERS = (
    DemoUser("amina.sante", "Amina", "El Idrissi", ("sante",), ("admin",), with_otp=True),
    DemoUser("rachid.sante", "Rachid", "Tazi", ("sante",), ("gestionnaire",)),
    DemoUser("salma.sante", "Salma", "Bennani", ("sante",), ("valideur",), with_otp=True),
    DemoUser("hassan.sante", "Hassan", "Ouazzani", ("sante",), ("budget",)),
    DemoUser("fatima.sante", "Fatima", "Chraibi", ("sante",), ("paie",)),
    DemoUser("omar.sante", "Omar", "Lahlou", ("sante",), ("lecture",)),
    DemoUser("youssef.fes", "Youssef", "Benjelloun", ("commune-fes",), ("admin",), with_otp=True),
    DemoUser("karim.tgr", "Karim", "Alaoui", realm_roles=("tgr-operateur",), with_otp=True),
    DemoUser(
        "nadia.plateforme", "Nadia", "Fassi", realm_roles=("plateforme-admin",), with_otp=True
    ),
)


def demo_otp_secret(username: str) -> str:
    """Deterministic, demo-only TOTP secret (never used for a real account)."""
    return f"indimaj-demo-otp-{username}"


def demo_provision() -> list[str]:
    lines = []
    apex = f"{settings.INDIMAJ_SCHEME}://{settings.INDIMAJ_APEX}:{settings.INDIMAJ_WEB_PORT}"
    identity_facade.platform_identity_ensure(base_url=apex)
    for spec in ORGANISATIONS:
        organisation = services.organisation_provision(spec=spec, actor="demo")
        services.organisation_sync_identity(organisation=organisation)
        lines.append(f"{spec.name_fr}: {services.tenant_base_url(spec.code)}/")
    lines.append(f"All demo passwords: {DEMO_PASSWORD}")
    for user in USERS:
        secret = demo_otp_secret(user.username) if user.with_otp else None
        identity_facade.person_ensure(
            username=user.username,
            email=f"{user.username}@demo.indimaj.localhost",
            first_name=user.first_name,
            last_name=user.last_name,
            password=DEMO_PASSWORD,
            organization_aliases=user.organisations,
            realm_roles=user.realm_roles,
            habilitations=user.habilitations,
            otp_secret=secret,
        )
        where = (
            f"{', '.join(user.organisations)}: {', '.join(user.habilitations)}"
            if user.organisations
            else f"{', '.join(user.realm_roles)} on {apex}/console/"
        )
        second = ""
        if secret:
            key = otp.authenticator_key(secret)
            second = f"  OTP: `make otp USER={user.username}` (authenticator key {key})"
        lines.append(f"login {user.username:<17} {where}{second}")
    return lines
