"""Where each ordonnateur of a rollout manifest stands (public schema).

One row per organisation code, written by onboarding.rollout: it is what makes `rollout apply`
resumable (a run killed half-way leaves rows `en_cours` or `a_faire`, which the next run takes
up, step by step) and what the console's rollout dashboard reads.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EtatDeploiement(models.TextChoices):
    A_FAIRE = "a_faire", _("À faire")
    EN_COURS = "en_cours", _("En cours")
    TERMINE = "termine", _("Terminé")
    ECHEC = "echec", _("En échec")


class DeploiementOrganisation(models.Model):
    id = models.BigAutoField(primary_key=True)
    code = models.CharField(_("code"), max_length=40, unique=True)
    vague = models.PositiveSmallIntegerField(_("vague"))
    kind = models.CharField(_("nature"), max_length=32)
    name_fr = models.CharField(_("nom (français)"), max_length=255)
    name_ar = models.CharField(_("nom (arabe)"), max_length=255)
    parent = models.CharField(_("organisation parente"), max_length=40, blank=True)
    admin_email = models.CharField(_("e-mail de l'administrateur"), max_length=254, blank=True)
    admin_first_name = models.CharField(_("prénom de l'administrateur"), max_length=100, blank=True)
    admin_last_name = models.CharField(_("nom de l'administrateur"), max_length=100, blank=True)
    manifeste = models.CharField(_("manifeste"), max_length=255)
    # SHA-256 of the manifest line's values: a changed line is shown by `plan`
    empreinte = models.CharField(max_length=64)
    etat = models.CharField(
        _("état"), max_length=10, choices=EtatDeploiement.choices, default=EtatDeploiement.A_FAIRE
    )
    etapes = models.JSONField(_("étapes faites"), default=list)
    erreur = models.TextField(_("erreur"), blank=True)
    tentatives = models.PositiveIntegerField(_("tentatives"), default=0)
    debut = models.DateTimeField(_("début"), null=True, blank=True)
    fin = models.DateTimeField(_("fin"), null=True, blank=True)
    duree_s = models.FloatField(_("durée (s)"), null=True, blank=True)
    mis_a_jour = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("déploiement d'une organisation")
        verbose_name_plural = _("déploiements des organisations")
        ordering = ["vague", "code"]
        indexes = [models.Index(fields=["vague", "etat"], name="deploiement_vague_etat")]

    def __str__(self) -> str:
        return f"{self.code} (vague {self.vague}) {self.etat}"
