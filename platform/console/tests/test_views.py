"""The dead-letter console: operators only, on the platform apex; retry re-sends the job."""

import uuid

import pytest
from django.urls import reverse

from console.tests.support import APEX, PUBLIC
from tenants.models import FailedJob, FailedJobStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_job():
    return FailedJob.objects.create(
        message_id=uuid.uuid4().hex,
        queue_name="default",
        actor_name="tenant_ping",
        tenant_schema="t_test_a",
        error="KeyError: 'boom'",
        message={
            "queue_name": "default",
            "actor_name": "tenant_ping",
            "args": ["x"],
            "kwargs": {},
            "options": {"tenant_schema": "t_test_a"},
        },
    )


def test_operator_sees_failed_jobs(apex_client, failed_job):
    response = apex_client(["tgr-operateur"]).get(reverse("console:failed-jobs", urlconf=PUBLIC))
    assert response.status_code == 200
    assert "KeyError: &#x27;boom&#x27;" in response.text
    assert "t_test_a" in response.text


def test_tenant_user_without_platform_role_is_refused(apex_client, failed_job):
    response = apex_client([]).get(reverse("console:failed-jobs", urlconf=PUBLIC))
    assert response.status_code == 403
    assert "boom" not in response.text


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("console:failed-jobs", urlconf=PUBLIC), HTTP_HOST=APEX)
    assert response.status_code == 302
    assert response["Location"].startswith("/oidc/login?next=")


def test_retry_marks_the_job_and_refuses_a_second_retry(apex_client, failed_job):
    client = apex_client(["plateforme-admin"])
    url = reverse("console:failed-job-retry", args=[failed_job.id], urlconf=PUBLIC)
    assert client.post(url).status_code == 302
    failed_job.refresh_from_db()
    assert failed_job.status == FailedJobStatus.RETRIED
    page = client.post(url, follow=True)
    assert "déjà été relancé" in page.text


def test_console_is_not_served_on_a_tenant_host(client):
    response = client.get("/console/jobs/", HTTP_HOST="test-a.indimaj.localhost:8765")
    assert response.status_code == 404
