"""Reference data (public schema): nomenclatures and bitemporal pay parameters.

Parameters are insert-only. A value applies from `valide_du` (valid time) and was recorded at
`enregistre_le` (transaction time); a correction is a new row with the same code and `valide_du`
and a later `enregistre_le`. Nothing is updated or deleted, so a computation made last month can be
replayed exactly with the parameters as known then (`connu_au`), and each computation records the
row ids (`version`) it used.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Statut(models.TextChoices):
    VERIFIE = "verifie", _("vérifié (source citée)")
    NON_VERIFIE = "non_verifie", _("non vérifié")
    CONNAISSANCE_GENERALE = "connaissance_generale", _("connaissance générale")
    SYNTHETIQUE = "synthetique", _("synthétique")


class Parametre(models.Model):
    id = models.BigAutoField(primary_key=True)
    code = models.CharField(_("code"), max_length=120)
    valide_du = models.DateField(_("en vigueur à partir du"))
    enregistre_le = models.DateTimeField(_("enregistré le"))
    valeur = models.JSONField(_("valeur"))
    source = models.TextField(_("source"))
    statut = models.CharField(_("statut"), max_length=32, choices=Statut.choices)
    auteur = models.CharField(_("auteur"), max_length=255)
    motif = models.TextField(_("motif"), blank=True)
    fichier = models.CharField(_("fichier de référence"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("paramètre")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valide_du", "enregistre_le"], name="parametre_unique_version"
            ),
            models.CheckConstraint(condition=~models.Q(source=""), name="parametre_source_requise"),
        ]
        indexes = [models.Index(fields=["valide_du", "enregistre_le"], name="parametre_temps")]

    def __str__(self) -> str:
        return f"{self.code} @ {self.valide_du} (enregistré {self.enregistre_le:%Y-%m-%d %H:%M})"


class Corps(models.Model):
    id = models.BigAutoField(primary_key=True)
    code = models.CharField(_("code"), max_length=32, unique=True)
    libelle_fr = models.CharField(_("libellé (fr)"), max_length=255)
    libelle_ar = models.CharField(_("libellé (ar)"), max_length=255, blank=True)
    source = models.TextField(_("source"))

    class Meta:
        verbose_name = _("corps")
        verbose_name_plural = _("corps")

    def __str__(self) -> str:
        return self.code


class Grade(models.Model):
    """A grade of a corps. Its échelle and grid are parameters (`grade.<code>`), dated."""

    id = models.BigAutoField(primary_key=True)
    code = models.CharField(_("code"), max_length=32, unique=True)
    corps = models.ForeignKey(Corps, on_delete=models.PROTECT, related_name="grades")
    libelle_fr = models.CharField(_("libellé (fr)"), max_length=255)
    libelle_ar = models.CharField(_("libellé (ar)"), max_length=255, blank=True)
    source = models.TextField(_("source"))

    class Meta:
        verbose_name = _("grade")

    def __str__(self) -> str:
        return self.code


class Territoire(models.Model):
    """Région, préfecture/province or commune, by HCP geographic code (always text)."""

    id = models.BigAutoField(primary_key=True)
    niveau = models.CharField(_("niveau"), max_length=16)
    code = models.CharField(_("code HCP"), max_length=32, unique=True)
    nom_fr = models.CharField(_("nom (fr)"), max_length=255)
    nom_ar = models.CharField(_("nom (ar)"), max_length=255)
    parent_code = models.CharField(_("code parent"), max_length=32, blank=True)
    statut = models.CharField(_("statut"), max_length=32, choices=Statut.choices)
    source = models.TextField(_("source"))

    class Meta:
        verbose_name = _("territoire")

    def __str__(self) -> str:
        return f"{self.code} {self.nom_fr}"
