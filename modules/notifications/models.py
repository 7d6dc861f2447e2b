"""In-app notifications of a tenant's users (a copy goes by e-mail when the address is known)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    id = models.BigAutoField(primary_key=True)
    destinataire = models.CharField(_("destinataire"), max_length=255)
    categorie = models.CharField(_("catégorie"), max_length=40)
    titre = models.CharField(_("titre"), max_length=200)
    texte = models.TextField(_("texte"), blank=True)
    lien = models.CharField(_("lien"), max_length=500, blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)
    lue_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-cree_le", "-id"]
        verbose_name = _("notification")
        indexes = [models.Index(fields=["destinataire", "-cree_le"], name="notification_dest")]

    def __str__(self) -> str:
        return f"{self.destinataire}: {self.titre}"
