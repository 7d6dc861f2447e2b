"""Session fixtures: the test database with its template schema and two tenants, and the
child processes (web server, worker) that integration tests talk to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
import requests
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from identity.middleware import SESSION_TENANT_KEY
from identity.permissions import SESSION_HABILITATIONS_KEY
from tenants import jobs, services
from tenants.models import Organisation, OrganisationKind
from tests.support.processes import VENV_BIN, Child, child_env

WEB_PORT = settings.INDIMAJ_WEB_PORT

TENANT_A = services.OrganisationSpec(
    code="test-a",
    kind=OrganisationKind.COMMUNE,
    name_fr="Commune de test A",
    name_ar="جماعة الاختبار أ",
)
TENANT_B = services.OrganisationSpec(
    code="test-b",
    kind=OrganisationKind.MINISTERE,
    name_fr="Ministère de test B",
    name_ar="وزارة الاختبار ب",
)


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    """The test database, always created (pytest-django's own fixture creates it only when a
    collected test carries a django_db mark; process-crossing tests do not)."""
    from django.test.utils import setup_databases, teardown_databases

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    with django_db_blocker.unblock():
        db_cfg = setup_databases(verbosity=0, interactive=False, aliases={"default": True})
        # Never provision test tenants into a real database.
        assert str(connection.settings_dict["NAME"]).startswith("test_"), "not a test database"
        call_command("migrate_platform", verbosity=0)
        for spec in (TENANT_A, TENANT_B):
            services.organisation_provision(spec=spec, actor="tests")
    yield
    with django_db_blocker.unblock():
        teardown_databases(db_cfg, verbosity=0)


@pytest.fixture(autouse=True)
def _back_to_public() -> Iterator[None]:
    yield
    connection.set_schema_to_public()  # type: ignore[attr-defined]


@pytest.fixture
def tenant_a(db) -> Organisation:
    return Organisation.objects.get(code=TENANT_A.code)


@pytest.fixture
def tenant_b(db) -> Organisation:
    return Organisation.objects.get(code=TENANT_B.code)


def host_of(organisation: Organisation) -> str:
    return f"{services.tenant_host(organisation.code)}:{WEB_PORT}"


@pytest.fixture
def login_client(client):
    """A Django test client logged in on one tenant's host, as the OIDC callback would do."""
    from identity.models import User

    def login(organisation: Organisation, username: str = "agent.test", roles=("admin",)):
        user, _ = User.objects.get_or_create(username=username, keycloak_sub=f"sub-{username}")
        client.force_login(user)
        session = client.session
        session[SESSION_TENANT_KEY] = organisation.schema_name
        session[SESSION_HABILITATIONS_KEY] = [[role, None] for role in roles]
        session.save()
        client.defaults["HTTP_HOST"] = host_of(organisation)
        return client

    return login


@pytest.fixture(scope="session")
def web_server(django_db_setup, django_db_blocker) -> Iterator[str]:
    """gunicorn on the fixed test port (Keycloak's redirect URIs name it)."""
    with django_db_blocker.unblock():
        # grants are re-read from Keycloak every 2 s, so revocation tests need not wait 5 min
        env = child_env(INDIMAJ_WEB_PORT=str(WEB_PORT), INDIMAJ_HABILITATION_REFRESH_SECONDS="2")
    child = Child(
        "web",
        [
            str(VENV_BIN / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{WEB_PORT}",
            "-b",
            f"[::1]:{WEB_PORT}",
            "--workers",
            "2",
            "--threads",
            "2",
        ],
        env,
    )
    apex = f"http://127.0.0.1:{WEB_PORT}/healthz"
    child.wait_for(
        lambda: (
            requests.get(apex, headers={"Host": settings.INDIMAJ_APEX}, timeout=2).status_code
            in (200, 503)
        ),
        timeout=30,
        what="HTTP answer",
    )
    yield f"http://{settings.INDIMAJ_APEX}:{WEB_PORT}"
    child.stop()


@pytest.fixture(scope="session")
def worker(django_db_setup, django_db_blocker) -> Iterator[Child]:
    """A real dramatiq worker process on the test Redis namespace and test database."""
    with django_db_blocker.unblock():
        env = child_env()
    child = Child(
        "worker",
        [str(VENV_BIN / "dramatiq"), "tenants.worker", "--processes", "1", "--threads", "2"],
        env,
    )
    child.wait_for(lambda: jobs.broker_consumer_count() > 0, timeout=30, what="worker heartbeat")
    yield child
    child.stop()
