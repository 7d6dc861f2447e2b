"""The tenant's organisational units: one tree per tenant schema.

Each row stores its materialised path (`chemin`, e.g. "/RABAT/DRH/") built from codes, so a
subtree is one indexed prefix query (`chemin LIKE '/RABAT/%'`, text_pattern_ops). Paths are
maintained only by `services` (create and move), never by `save()` or signals.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

# What a habilitation (`role@CODE`) references: no "@" nor "/" can occur in a code.
CODE_PATTERN = r"^[A-Z0-9]+(-[A-Z0-9]+)*$"
CODE_MAX_LENGTH = 30


class UniteKind(models.TextChoices):
    DIRECTION = "direction", _("Direction")
    SERVICE = "service", _("Service")
    SOUS_ORDONNATEUR = "sous_ordonnateur", _("Sous-ordonnateur")
    AUTRE = "autre", _("Autre")


class Unite(models.Model):
    id = models.BigAutoField(primary_key=True)
    code = models.CharField(_("code"), max_length=CODE_MAX_LENGTH, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enfants",
        verbose_name=_("unité parente"),
    )
    kind = models.CharField(_("type"), max_length=20, choices=UniteKind.choices)
    nom_fr = models.CharField(_("nom (français)"), max_length=200)
    nom_ar = models.CharField(_("nom (arabe)"), max_length=200, blank=True)
    imputation_budgetaire = models.CharField(_("imputation budgétaire"), max_length=50, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # "/" + codes of the ancestors and of the unit itself, each followed by "/". Byte order
    # (collation "C") keeps every subtree contiguous right after its root when sorting by path;
    # a linguistic collation ignores "-" and "/" and would interleave "/FES-A/" with "/FES/X/".
    chemin = models.CharField(max_length=2000, editable=False, db_collation="C")

    class Meta:
        ordering = ["chemin"]
        verbose_name = _("unité organisationnelle")
        verbose_name_plural = _("unités organisationnelles")
        indexes = [
            models.Index(
                fields=["chemin"], name="unites_chemin_prefix", opclasses=["text_pattern_ops"]
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=CODE_PATTERN), name="unites_code_format"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="unites_not_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(
                    chemin__endswith=Concat(
                        models.Value("/"),
                        "code",
                        models.Value("/"),
                        output_field=models.CharField(),
                    )
                ),
                name="unites_chemin_ends_with_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.nom_fr}"

    @property
    def profondeur(self) -> int:
        """0 for a root unit."""
        return self.chemin.count("/") - 2
