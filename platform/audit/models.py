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
