"""Reads on organisations and dead letters (public schema)."""

from django.db.models import QuerySet

from tenants.models import FailedJob, FailedJobStatus, Organisation, OrganisationStatus


def organisation_list_active() -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(status=OrganisationStatus.ACTIVE)
        .exclude(schema_name="public")
        .order_by("name_fr")
    )


def failed_job_list(*, status: str = FailedJobStatus.FAILED) -> QuerySet[FailedJob]:
    return FailedJob.objects.filter(status=status).order_by("-failed_at")


def failed_job_get(*, failed_job_id: int) -> FailedJob | None:
    return FailedJob.objects.filter(id=failed_job_id).first()
