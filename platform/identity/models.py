"""A person known to the platform. Keycloak owns credentials; this row mirrors identity."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    id = models.BigAutoField(primary_key=True)
    # The Keycloak subject: usernames may be renamed in Keycloak, the subject never changes.
    keycloak_sub = models.CharField(max_length=64, unique=True, null=True, blank=True)

    def display_name(self) -> str:
        return self.get_full_name() or self.username


class AssistedAccessStatus(models.TextChoices):
    DEMANDEE = "demandee", "Demandée"
    ACCORDEE = "accordee", "Accordée"
    REFUSEE = "refusee", "Refusée"
    TERMINEE = "terminee", "Terminée"


class AssistedAccess(models.Model):
    """A TGR operator's time-limited, read-only access to one tenant, granted by its admin.

    Public schema: the operator asks from the platform, the tenant's admin decides on the
    tenant's host; every page the operator sees is an audit event of the tenant's chain.
    """

    id = models.BigAutoField(primary_key=True)
    tenant_schema = models.CharField(max_length=63)
    tenant_code = models.CharField(max_length=40)
    operator_sub = models.CharField(max_length=64)
    operator_username = models.CharField(max_length=150)
    reason = models.TextField()
    minutes = models.PositiveIntegerField()
    status = models.CharField(
        max_length=16, choices=AssistedAccessStatus.choices, default=AssistedAccessStatus.DEMANDEE
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["tenant_schema", "status"])]

    def __str__(self) -> str:
        return f"{self.operator_username} → {self.tenant_code} ({self.status})"


class KeycloakEventCursor(models.Model):
    """How far the audit has read Keycloak's login events (one row)."""

    id = models.BigAutoField(primary_key=True)
    last_time_ms = models.BigIntegerField(default=0)
    ids_at_last_time = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"events read up to {self.last_time_ms}"


class HabilitationCopie(models.Model):
    """Django's copy of who holds which habilitation in which tenant, for background jobs
    (they carry no token). Keycloak stays the source of truth; a reconcile job rewrites a
    tenant's rows from it every few minutes and after each change made in INDIMAJ."""

    id = models.BigAutoField(primary_key=True)
    tenant_schema = models.CharField(max_length=63)
    user_sub = models.CharField(max_length=64)
    role = models.CharField(max_length=20)
    unit = models.CharField(max_length=40, blank=True)
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_schema", "user_sub", "role", "unit"], name="habilitation_unique"
            )
        ]
        indexes = [models.Index(fields=["tenant_schema", "user_sub"])]

    def __str__(self) -> str:
        return f"{self.user_sub} {self.role}@{self.unit or '*'} in {self.tenant_schema}"
