"""The audit chain. Rows are only ever inserted (services.audit_record), never updated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    seq = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor = models.CharField(_("auteur"), max_length=255)
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("événement d'audit")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor}"


class NatureAcces(models.TextChoices):
    """What kind of read of personal data (law 09-08) an access-log row records."""

    FICHE = "fiche", _("Fiche d'un agent")
    LISTE = "liste", _("Liste d'agents")
    EXPORT = "export", _("Export")
    PIECE = "piece", _("Pièce justificative")
    PAIE = "paie", _("Éléments de paie")
    IMPORT = "import", _("Import")


class AccesDonnees(models.Model):
    """One read of one agent's personal data: the access log, kept apart from the audit chain.

    The table is range-partitioned by month on `instant` (migration 0002, PostgreSQL
    declarative partitioning), so Django does not manage it: partitions are created ahead and
    dropped after the retention period by `audit.partitions`. The primary key in the database
    is (instant, id), as PostgreSQL requires the partition key in it; `id` alone is unique
    (one identity sequence), which is what Django needs.
    """

    id = models.BigAutoField(primary_key=True)
    instant = models.DateTimeField(_("instant"))
    acteur = models.CharField(_("auteur"), max_length=255)
    nature = models.CharField(_("nature"), max_length=12, choices=NatureAcces.choices)
    agent_id = models.BigIntegerField(_("agent"))
    request_id = models.CharField(max_length=64, blank=True)
    details = models.TextField(_("détails"), blank=True)

    class Meta:
        managed = False
        db_table = "audit_acces"
        ordering = ["-instant", "-id"]
        verbose_name = _("accès à des données personnelles")

    def __str__(self) -> str:
        return f"{self.instant:%Y-%m-%d %H:%M} {self.acteur} {self.nature} {self.agent_id}"
