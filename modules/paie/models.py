"""Paie (tenant schema): the monthly payroll files the Treasury sends, as received.

The Treasury owns pay: these rows are what Wadef@ujour paid, never computed here. One
`MoisPaie` per pay month (a corrected file for the same month replaces the month whole), one
`LignePaie` per agent paid, its elements in `elements` (JSON, as in the file), the month's totals
per rubrique and budget imputation in `TotalPaie` (computed in SQL at ingestion). `EcartPaie` is
the work list of the HR ↔ pay comparison. Amounts are integer centimes. References to the HR
file are ids and PPRs: no foreign key leaves the module (ARCHITECTURE §3).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MoisPaie(models.Model):
    id = models.BigAutoField(primary_key=True)
    mois = models.DateField(_("mois de paie"), unique=True)  # first day of the month
    # The exchange file it came from (gateway identity: name, sequence, digest).
    fichier = models.CharField(max_length=200)
    sequence = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # The Treasury's calendar for the month, as stated in the file.
    date_arret = models.DateField(_("date d'arrêt"), null=True, blank=True)
    date_paiement = models.DateField(_("date de paiement"), null=True, blank=True)
    agents = models.PositiveIntegerField(_("agents payés"), default=0)
    brut = models.BigIntegerField(_("brut"), default=0)
    retenues = models.BigIntegerField(_("retenues"), default=0)
    net = models.BigIntegerField(_("net"), default=0)
    recu_le = models.DateTimeField(_("reçu le"), auto_now_add=True)
    # When the HR ↔ pay comparison last ran for this month.
    compare_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-mois"]
        verbose_name = _("mois de paie")

    def __str__(self) -> str:
        return f"{self.mois:%Y-%m}"


class LignePaie(models.Model):
    """One agent's pay for the month, as the Treasury paid it."""

    id = models.BigAutoField(primary_key=True)
    mois = models.ForeignKey(MoisPaie, on_delete=models.CASCADE, related_name="lignes")
    ppr = models.CharField(_("PPR"), max_length=20)
    # personnel's Agent id when the PPR is known in the HR file (resolved at ingestion).
    agent_id = models.BigIntegerField(null=True, blank=True)
    nom = models.CharField(_("nom"), max_length=210, blank=True)
    # The Treasury's administrative situation of the agent that month.
    grade = models.CharField(_("grade"), max_length=32, blank=True)
    echelon = models.CharField(_("échelon"), max_length=5, blank=True)
    indice = models.PositiveIntegerField(_("indice"), null=True, blank=True)
    position = models.CharField(_("position"), max_length=24, blank=True)
    # The HR unit (from the HR file at ingestion; perimeter scoping) and the budget imputation.
    unite_code = models.CharField(_("unité"), max_length=30, blank=True)
    imputation = models.CharField(_("imputation budgétaire"), max_length=60, blank=True)
    brut = models.BigIntegerField(_("brut"))
    retenues = models.BigIntegerField(_("retenues"))
    net = models.BigIntegerField(_("net"))
    # [{"code", "libelle", "sens": "gain"|"retenue", "montant": centimes, "origine":
    #   "engine"|"tresor" (précompte, opposition, correction the ordonnateur does not control)}]
    elements = models.JSONField(default=list)

    class Meta:
        ordering = ["mois", "nom", "ppr"]
        verbose_name = _("ligne de paie")
        indexes = [
            models.Index(fields=["mois", "unite_code", "nom"], name="lignepaie_mois_unite"),
            models.Index(fields=["agent_id", "mois"], name="lignepaie_agent_mois"),
            # The état's agents list: keyset pages on (nom, id) within a month.
            models.Index(fields=["mois", "nom", "id"], name="lignepaie_mois_nom"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["mois", "ppr"], name="lignepaie_mois_ppr_unique")
        ]

    def __str__(self) -> str:
        return f"{self.mois_id} {self.ppr}"


class TotalPaie(models.Model):
    """The month's total of one rubrique for one imputation (from the lines, in SQL)."""

    id = models.BigAutoField(primary_key=True)
    mois = models.ForeignKey(MoisPaie, on_delete=models.CASCADE, related_name="totaux")
    imputation = models.CharField(_("imputation budgétaire"), max_length=60, blank=True)
    rubrique = models.CharField(_("rubrique"), max_length=40)
    libelle = models.CharField(_("libellé"), max_length=200, blank=True)
    sens = models.CharField(max_length=8)  # gain | retenue
    montant = models.BigIntegerField(_("montant"))
    agents = models.PositiveIntegerField(_("agents"))

    class Meta:
        ordering = ["mois", "imputation", "sens", "rubrique"]
        constraints = [
            models.UniqueConstraint(
                fields=["mois", "imputation", "rubrique", "sens"], name="totalpaie_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mois_id} {self.imputation} {self.rubrique}"


class NatureEcartPaie(models.TextChoices):
    PAYE_INCONNU = "paye_inconnu", _("Payé, inconnu du dossier RH")
    PAYE_NON_PAYABLE = "paye_non_payable", _("Payé alors que le dossier RH ne le prévoit pas")
    NON_PAYE = "non_paye", _("Dans le dossier RH, non payé")
    SITUATION = "situation", _("Situation différente du dossier RH")
    MONTANT = "montant", _("Montant différent du calcul attendu")


class StatutEcartPaie(models.TextChoices):
    OUVERT = "ouvert", _("À examiner")
    EXPLIQUE = "explique", _("Expliqué")
    CORRIGE = "corrige", _("Corrigé")


class EcartPaie(models.Model):
    """A line of the HR ↔ pay work list for a month."""

    id = models.BigAutoField(primary_key=True)
    mois = models.ForeignKey(MoisPaie, on_delete=models.CASCADE, related_name="ecarts")
    ppr = models.CharField(_("PPR"), max_length=20)
    agent_id = models.BigIntegerField(null=True, blank=True)
    nom = models.CharField(_("nom"), max_length=210, blank=True)
    unite_code = models.CharField(_("unité"), max_length=30, blank=True)
    nature = models.CharField(_("nature"), max_length=20, choices=NatureEcartPaie.choices)
    # What differs, in words and values: {"champ", "rh", "paie"} or {"attendu", "paye"} (net).
    detail = models.JSONField(default=dict)
    attendu = models.BigIntegerField(_("net attendu"), null=True, blank=True)
    paye = models.BigIntegerField(_("net payé"), null=True, blank=True)
    statut = models.CharField(
        _("statut"), max_length=10, choices=StatutEcartPaie.choices, default=StatutEcartPaie.OUVERT
    )
    commentaire = models.TextField(_("commentaire"), blank=True)
    traite_par = models.CharField(max_length=255, blank=True)
    traite_le = models.DateTimeField(null=True, blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["mois", "nature", "nom", "ppr"]
        verbose_name = _("écart RH ↔ paie")
        indexes = [models.Index(fields=["mois", "statut", "unite_code"], name="ecartpaie_statut")]
        constraints = [
            models.UniqueConstraint(fields=["mois", "ppr", "nature"], name="ecartpaie_unique")
        ]

    def __str__(self) -> str:
        return f"{self.mois_id} {self.ppr} {self.nature}"
