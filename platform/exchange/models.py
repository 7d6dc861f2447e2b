"""Gateway state (public schema): keys, sequences, and every file sent or received.

Nothing here holds personal data: records stay in the files (archived per party) and in the
tenants' schemas once applied; a `Fichier` row is what supervision shows (who, which stream,
which number, how many records, what happened).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Cle(models.Model):
    """An Ed25519 key of a party. The private half is kept only for the parties the platform
    signs for, encrypted with the platform's master key."""

    id = models.BigAutoField(primary_key=True)
    identifiant = models.CharField(_("identifiant"), max_length=80, unique=True)
    partie = models.CharField(_("partie"), max_length=80)
    publique = models.BinaryField()
    privee_chiffree = models.BinaryField(null=True, blank=True)
    valide_du = models.DateTimeField(_("valide du"))
    valide_au = models.DateTimeField(_("valide au"), null=True, blank=True)
    revoquee_le = models.DateTimeField(_("révoquée le"), null=True, blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partie", "valide_du"]
        indexes = [models.Index(fields=["partie", "valide_du"], name="cle_partie")]

    def __str__(self) -> str:
        return self.identifiant


class Sens(models.TextChoices):
    ENTRANT = "entrant", _("Reçu")
    SORTANT = "sortant", _("Émis")


class Sequence(models.Model):
    """Last number used (outgoing) or applied (incoming) per (sender, receiver, stream)."""

    id = models.BigAutoField(primary_key=True)
    sens = models.CharField(max_length=8, choices=Sens.choices)
    emetteur = models.CharField(max_length=80)
    destinataire = models.CharField(max_length=80)
    flux = models.CharField(max_length=20)
    derniere = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sens", "emetteur", "destinataire", "flux"], name="sequence_triplet"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sens} {self.emetteur}→{self.destinataire} {self.flux} #{self.derniere}"


class Statut(models.TextChoices):
    EMIS = "emis", _("Émis")
    INTEGRE = "integre", _("Intégré")
    REJOUE = "rejoue", _("Rejeu ignoré")
    RETENU = "retenu", _("Retenu (séquence manquante)")
    QUARANTAINE = "quarantaine", _("En quarantaine")
    ABANDONNE = "abandonne", _("Abandonné par un opérateur")


class Fichier(models.Model):
    id = models.BigAutoField(primary_key=True)
    sens = models.CharField(max_length=8, choices=Sens.choices)
    nom = models.CharField(_("fichier"), max_length=200)
    emetteur = models.CharField(_("émetteur"), max_length=80, blank=True)
    destinataire = models.CharField(_("destinataire"), max_length=80, blank=True)
    flux = models.CharField(_("flux"), max_length=20, blank=True)
    sequence = models.PositiveBigIntegerField(_("séquence"), null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    enregistrements = models.PositiveIntegerField(_("enregistrements"), default=0)
    reference = models.CharField(_("référence"), max_length=80, blank=True)
    statut = models.CharField(_("statut"), max_length=12, choices=Statut.choices)
    code_erreur = models.CharField(max_length=20, blank=True)
    rapport = models.TextField(_("rapport"), blank=True)
    # Counts of what the module's handler did (applied, ignored, flagged), no personal data.
    resultat = models.JSONField(default=dict, blank=True)
    chemin = models.CharField(max_length=500, blank=True)  # where the parts are now
    cree_le = models.DateTimeField(null=True, blank=True)  # the manifest's instant
    recu_le = models.DateTimeField(auto_now_add=True)
    traite_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recu_le", "-id"]
        indexes = [
            models.Index(
                fields=["emetteur", "destinataire", "flux", "sequence"], name="fichier_triplet"
            ),
            models.Index(fields=["statut", "-recu_le"], name="fichier_statut"),
        ]
        constraints = [
            # The receipt: one applied file per number of an incoming triple (idempotence).
            models.UniqueConstraint(
                fields=["emetteur", "destinataire", "flux", "sequence"],
                condition=Q(sens="entrant", statut="integre"),
                name="fichier_integre_unique",
            ),
            models.UniqueConstraint(
                fields=["emetteur", "destinataire", "flux", "sequence"],
                condition=Q(sens="sortant"),
                name="fichier_emis_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.nom
