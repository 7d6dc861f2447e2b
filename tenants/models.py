"""Each ordonnateur is an Organisation with its own PostgreSQL schema."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

CODE_VALIDATOR = RegexValidator(
    r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$",
    _(
        "Le code doit faire 3 à 40 caractères : lettres minuscules, chiffres et tirets, "
        "commençant par une lettre."
    ),
)


class OrganisationKind(models.TextChoices):
    PLATEFORME = "plateforme", _("Plateforme (schéma public)")
    MINISTERE = "ministere", _("Ministère")
    REGION = "region", _("Région")
    PREFECTURE_PROVINCE = "prefecture_province", _("Préfecture / province")
    COMMUNE = "commune", _("Commune")
    ETABLISSEMENT_PUBLIC = "etablissement_public", _("Établissement public")


class OrganisationStatus(models.TextChoices):
    EN_PREPARATION = "en_preparation", _("En préparation")
    ACTIVE = "active", _("Active")
    SUSPENDUE = "suspendue", _("Suspendue")
    ARCHIVEE = "archivee", _("Archivée")


class Organisation(TenantMixin):
    id = models.BigAutoField(primary_key=True)
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[CODE_VALIDATOR])
    kind = models.CharField(_("nature"), max_length=32, choices=OrganisationKind.choices)
    name_fr = models.CharField(_("nom (français)"), max_length=255)
    name_ar = models.CharField(_("nom (arabe)"), max_length=255)
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.EN_PREPARATION,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The profile the tenant's admin completes in the onboarding wizard (onboarding/assistant).
    # `db_default` too: rows written by code that predates these columns stay valid.
    sigle = models.CharField(_("sigle"), max_length=20, blank=True, default="", db_default="")
    code_ordonnateur = models.CharField(
        _("code ordonnateur (TGR)"), max_length=20, blank=True, default="", db_default=""
    )
    # The logo's bytes: INDIMAJ_STATE_DIR/logos/<schema>/<sha256>.<ext> (tenants/logos.py).
    logo_sha256 = models.CharField(max_length=64, blank=True, default="", db_default="")
    logo_type = models.CharField(max_length=16, blank=True, default="", db_default="")

    # Schemas are created by tenants.services.organisation_provision, never implicitly by save().
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = _("organisation")
        ordering = ["code"]
        constraints = [
            # The TGR gives each ordonnateur its own code: two tenants cannot claim the same one.
            models.UniqueConstraint(
                fields=["code_ordonnateur"],
                condition=~models.Q(code_ordonnateur=""),
                name="organisation_code_ordonnateur_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name_fr}"

    @property
    def is_active(self) -> bool:
        return bool(self.status == OrganisationStatus.ACTIVE)


class Domain(DomainMixin):
    id = models.BigAutoField(primary_key=True)


class FailedJobStatus(models.TextChoices):
    FAILED = "failed", _("En échec")
    RETRIED = "retried", _("Relancé")
    DISCARDED = "discarded", _("Abandonné")


class FailedJob(models.Model):
    """A dead letter: a background job that failed after its last retry (public schema)."""

    id = models.BigAutoField(primary_key=True)
    message_id = models.CharField(max_length=64, unique=True)
    queue_name = models.CharField(max_length=100)
    actor_name = models.CharField(max_length=200)
    tenant_schema = models.CharField(max_length=63, blank=True)
    message = models.JSONField()
    error = models.TextField()
    status = models.CharField(
        max_length=16, choices=FailedJobStatus.choices, default=FailedJobStatus.FAILED
    )
    failed_at = models.DateTimeField(auto_now_add=True)
    retried_at = models.DateTimeField(null=True, blank=True)
    retried_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-failed_at"]
        indexes = [models.Index(fields=["status", "-failed_at"])]

    def __str__(self) -> str:
        return f"{self.actor_name} [{self.tenant_schema or '-'}] {self.status}"


class RolePpr(models.TextChoices):
    GESTION = "gestion", _("Gestion (tient la carrière)")
    ACCUEIL = "accueil", _("Accueil (détachement, mise à disposition)")


class InscriptionPpr(models.Model):
    """The national registry (public schema): which ordonnateurs hold a file for a PPR.

    No personal data: the PPR and the organisation only. At most one ordonnateur manages a PPR's
    career at a time (`gestion`); others may host the agent (`accueil`). Rows are closed
    (`active=False`, `jusqu_au`), never deleted, so the registry keeps each PPR's path.
    """

    id = models.BigAutoField(primary_key=True)
    ppr = models.CharField(_("PPR"), max_length=20)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="inscriptions_ppr"
    )
    role = models.CharField(_("rôle"), max_length=8, choices=RolePpr.choices)
    active = models.BooleanField(default=True)
    depuis = models.DateTimeField(auto_now_add=True)
    jusqu_au = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inscription au registre des PPR")
        indexes = [models.Index(fields=["ppr"], name="inscription_ppr")]
        constraints = [
            models.UniqueConstraint(
                fields=["ppr"],
                condition=models.Q(active=True, role="gestion"),
                name="ppr_une_gestion_active",
            ),
            models.UniqueConstraint(
                fields=["ppr", "organisation"],
                condition=models.Q(active=True),
                name="ppr_une_inscription_active_par_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ppr} @ {self.organisation_id} ({self.role})"


class NatureTransfert(models.TextChoices):
    TRANSFERT = "transfert", _("Transfert (changement d'ordonnateur)")
    DETACHEMENT = "detachement", _("Détachement")
    MISE_A_DISPOSITION = "mise_a_disposition", _("Mise à disposition")
    FIN_ACCUEIL = "fin_accueil", _("Fin de détachement / de mise à disposition")


class StatutTransfert(models.TextChoices):
    PROPOSE = "propose", _("Proposé")
    ACCEPTE = "accepte", _("Accepté")
    REFUSE = "refuse", _("Refusé")
    ANNULE = "annule", _("Annulé")


class TransfertAgent(models.Model):
    """A move of an agent between two ordonnateurs (public schema), proposed by the source and
    accepted or refused by the destination.

    No personal data: the PPR, the two organisations, dates, statuses and who acted. The file
    itself is copied at acceptance from the source's schema to the destination's, inside one
    database transaction (modules/personnel/transferts.py), so it never transits through here.
    A `fin_accueil` ends the détachement or mise à disposition named by `origine`: its source
    is the host, its destination the home ordonnateur.
    """

    id = models.BigAutoField(primary_key=True)
    ppr = models.CharField(_("PPR"), max_length=20)
    source = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="transferts_sortants",
        verbose_name=_("ordonnateur d'origine"),
    )
    destination = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="transferts_entrants",
        verbose_name=_("ordonnateur de destination"),
    )
    nature = models.CharField(_("nature"), max_length=20, choices=NatureTransfert.choices)
    date_effet = models.DateField(_("date d'effet"))
    statut = models.CharField(
        _("statut"), max_length=8, choices=StatutTransfert.choices, default=StatutTransfert.PROPOSE
    )
    reference = models.CharField(_("référence (arrêté, décision)"), max_length=100, blank=True)
    motif = models.TextField(_("motif"))
    origine = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fins",
        verbose_name=_("détachement ou mise à disposition terminé"),
    )
    propose_par = models.CharField(_("proposé par"), max_length=255)
    propose_le = models.DateTimeField(_("proposé le"))
    accepte_par = models.CharField(_("accepté par"), max_length=255, blank=True)
    accepte_le = models.DateTimeField(_("accepté le"), null=True, blank=True)
    refuse_par = models.CharField(_("refusé par"), max_length=255, blank=True)
    refuse_le = models.DateTimeField(_("refusé le"), null=True, blank=True)
    annule_par = models.CharField(_("annulé par"), max_length=255, blank=True)
    annule_le = models.DateTimeField(_("annulé le"), null=True, blank=True)
    motif_decision = models.TextField(_("motif du refus ou de l'annulation"), blank=True)

    class Meta:
        verbose_name = _("transfert d'agent")
        verbose_name_plural = _("transferts d'agents")
        ordering = ["-propose_le", "-id"]
        indexes = [
            models.Index(fields=["destination", "statut", "-propose_le"], name="transfert_entrant"),
            models.Index(fields=["source", "statut", "-propose_le"], name="transfert_sortant"),
            models.Index(fields=["ppr"], name="transfert_ppr"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source=models.F("destination")),
                name="transfert_source_differente",
            ),
            # One pending move per PPR: two proposals could not both be accepted.
            models.UniqueConstraint(
                fields=["ppr"],
                condition=models.Q(statut="propose"),
                name="transfert_un_en_cours_par_ppr",
            ),
            models.CheckConstraint(
                condition=models.Q(nature="fin_accueil", origine__isnull=False)
                | (~models.Q(nature="fin_accueil") & models.Q(origine__isnull=True)),
                name="transfert_fin_accueil_origine",
            ),
            models.CheckConstraint(
                condition=~models.Q(statut="accepte")
                | (~models.Q(accepte_par="") & models.Q(accepte_le__isnull=False)),
                name="transfert_acceptation_signee",
            ),
            models.CheckConstraint(
                condition=~models.Q(statut__in=["refuse", "annule"]) | ~models.Q(motif_decision=""),
                name="transfert_refus_annulation_motives",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ppr} {self.nature} {self.source_id}→{self.destination_id} ({self.statut})"
