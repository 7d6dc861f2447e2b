"""Actes de gestion (tenant schema): the act, its versions, its journey and its bordereaux.

An act is drafted, validated, sent to the Treasury in a numbered bordereau, then visé or
rejected by the Trésorier Ministériel. Each sending carries one **version** of the act; every
response from the Treasury names the act and the version it concerns, and a rejected version
stays rejected forever: the clerk corrects the act into a new version and sends it again.

The state lives on `Acte` (`etat`), each change is a `Transition` row (who, when, why) plus an
audit row; `VersionActe` keeps what was drafted (`donnees`), the checks' findings
(`anomalies`) and the pecuniary impact computed by the engine with the parameters' instant
(`impact`, `connu_au`). References to other modules are ids and codes, no foreign key leaves
the module (ARCHITECTURE §3).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Etat(models.TextChoices):
    BROUILLON = "brouillon", _("Brouillon")
    VALIDE = "valide", _("Validé")
    TRANSMIS = "transmis", _("Transmis")
    PRIS_EN_CHARGE = "pris_en_charge", _("Pris en charge")
    VISE = "vise", _("Visé")
    REJETE = "rejete", _("Rejeté")
    EN_SUSPENS = "en_suspens", _("En suspens")
    INTEGRE_PAIE = "integre_paie", _("Intégré en paie")
    ANNULE = "annule", _("Annulé")


class Compteur(models.Model):
    """Numbering sequences of the tenant (acts per year, bordereaux per emitter and year),
    taken under a row lock so numbers are gapless and never given twice."""

    cle = models.CharField(max_length=80, primary_key=True)
    valeur = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.cle}={self.valeur}"


class Acte(models.Model):
    id = models.BigAutoField(primary_key=True)
    numero = models.CharField(_("numéro"), max_length=30, unique=True)
    type_code = models.CharField(_("type d'acte"), max_length=40)
    etat = models.CharField(_("état"), max_length=16, choices=Etat.choices, default=Etat.BROUILLON)
    version = models.PositiveIntegerField(_("version"), default=1)
    # Ready for validation (a draft the gestionnaire has submitted to the valideur).
    soumis = models.BooleanField(_("soumis à validation"), default=False)
    # The agent concerned (personnel's id; NULL for a recruitment until it is visé), with the
    # unit that scopes the act to perimeters and a snapshot for lists.
    agent_id = models.BigIntegerField(null=True, blank=True)
    agent_ppr = models.CharField(_("PPR"), max_length=20, blank=True)
    agent_nom = models.CharField(_("agent"), max_length=210, blank=True)
    unite_code = models.CharField(_("unité"), max_length=30)
    # The bordereau emitter: the sous-ordonnateur unit above the act's unit, or "" (the
    # ordonnateur itself).
    emetteur_code = models.CharField(_("émetteur"), max_length=30, blank=True)
    date_effet = models.DateField(_("date d'effet"))
    # Rectification and annulation acts name the visé act they change.
    acte_origine = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectifie_par",
        verbose_name=_("acte d'origine"),
    )
    bordereau = models.ForeignKey(
        "Bordereau", on_delete=models.PROTECT, null=True, blank=True, related_name="actes"
    )
    numero_visa = models.CharField(_("numéro de visa"), max_length=40, blank=True)
    vise_le = models.DateTimeField(_("visé le"), null=True, blank=True)
    # Ids of the career events the visa wrote in the file (to rectify or cancel them later).
    evenements = models.JSONField(default=list, blank=True)
    cree_par = models.CharField(_("rédigé par"), max_length=255)
    cree_le = models.DateTimeField(_("créé le"), auto_now_add=True)
    modifie_le = models.DateTimeField(_("modifié le"), auto_now=True)
    etat_depuis = models.DateTimeField(_("dans cet état depuis"), auto_now_add=True)

    class Meta:
        ordering = ["-modifie_le", "-id"]
        verbose_name = _("acte de gestion")
        verbose_name_plural = _("actes de gestion")
        indexes = [
            models.Index(fields=["etat", "unite_code", "-modifie_le"], name="acte_etat_unite"),
            models.Index(fields=["type_code", "-modifie_le"], name="acte_type"),
            models.Index(fields=["agent_id", "-modifie_le"], name="acte_agent"),
            models.Index(fields=["unite_code", "-modifie_le"], name="acte_unite"),
            models.Index(fields=["etat", "etat_depuis"], name="acte_age"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(etat="vise") | ~Q(numero_visa=""), name="acte_vise_a_un_visa"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.numero} ({self.type_code}, v{self.version})"


class VersionActe(models.Model):
    """One version of an act: what was drafted, what the checks found, what it costs."""

    id = models.BigAutoField(primary_key=True)
    acte = models.ForeignKey(Acte, on_delete=models.PROTECT, related_name="versions")
    numero = models.PositiveIntegerField(_("version"))
    donnees = models.JSONField(_("données"), default=dict)
    date_effet = models.DateField(_("date d'effet"))
    # [{"champ": …, "message": …, "bloquant": bool}]
    anomalies = models.JSONField(default=list, blank=True)
    # The engine's result (see impact.py) and the instant its parameters were read at.
    impact = models.JSONField(default=dict, blank=True)
    connu_au = models.DateTimeField(null=True, blank=True)
    # Outcome of this version at the Treasury: "" (not answered), vise, rejete, en_suspens.
    issue = models.CharField(max_length=16, blank=True)
    transmise_le = models.DateTimeField(null=True, blank=True)
    redigee_par = models.CharField(max_length=255)
    redigee_le = models.DateTimeField(auto_now_add=True)
    modifiee_le = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["acte", "numero"]
        verbose_name = _("version d'acte")
        constraints = [
            models.UniqueConstraint(fields=["acte", "numero"], name="version_acte_unique"),
            models.CheckConstraint(
                condition=Q(issue__in=["", "vise", "rejete", "en_suspens"]),
                name="version_issue_connue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.acte_id} v{self.numero}"


class Transition(models.Model):
    id = models.BigAutoField(primary_key=True)
    acte = models.ForeignKey(Acte, on_delete=models.PROTECT, related_name="transitions")
    version = models.PositiveIntegerField()
    de = models.CharField(max_length=16, choices=Etat.choices)
    vers = models.CharField(max_length=16, choices=Etat.choices)
    par = models.CharField(max_length=255)
    le = models.DateTimeField(auto_now_add=True)
    motif = models.TextField(blank=True)

    class Meta:
        ordering = ["le", "id"]
        verbose_name = _("transition d'acte")

    def __str__(self) -> str:
        return f"{self.acte_id} v{self.version} {self.de}→{self.vers}"


class Observation(models.Model):
    """A coded observation of the Trésorier Ministériel on one version of an act."""

    id = models.BigAutoField(primary_key=True)
    acte = models.ForeignKey(Acte, on_delete=models.PROTECT, related_name="observations")
    version = models.PositiveIntegerField()
    code = models.CharField(_("code"), max_length=20)
    champ = models.CharField(_("champ concerné"), max_length=60, blank=True)
    texte = models.TextField(_("observation"))
    recue_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "id"]
        verbose_name = _("observation")

    def __str__(self) -> str:
        return f"{self.code} {self.texte[:40]}"


class Bordereau(models.Model):
    """A numbered transmission slip: the validated acts of one emitter sent together."""

    id = models.BigAutoField(primary_key=True)
    numero = models.CharField(_("numéro"), max_length=40, unique=True)
    emetteur_code = models.CharField(_("émetteur"), max_length=30, blank=True)
    cree_par = models.CharField(max_length=255)
    cree_le = models.DateTimeField(auto_now_add=True)
    nombre_actes = models.PositiveIntegerField(default=0)
    # Set by the exchange when the file leaves (#8); until then the bordereau is "prêt".
    envoye_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-cree_le", "-id"]
        verbose_name = _("bordereau d'envoi")

    def __str__(self) -> str:
        return self.numero


class LigneBordereau(models.Model):
    """Which version of which act a bordereau carried (an act resent after a rejection is on
    two bordereaux, each with its own version)."""

    id = models.BigAutoField(primary_key=True)
    bordereau = models.ForeignKey(Bordereau, on_delete=models.PROTECT, related_name="lignes")
    acte = models.ForeignKey(Acte, on_delete=models.PROTECT, related_name="lignes_bordereau")
    version = models.PositiveIntegerField()

    class Meta:
        ordering = ["bordereau", "id"]
        constraints = [
            models.UniqueConstraint(fields=["acte", "version"], name="ligne_acte_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.bordereau_id}: {self.acte_id} v{self.version}"


class PieceActe(models.Model):
    """A supporting document attached to an act (bytes in the tenant's document store)."""

    id = models.BigAutoField(primary_key=True)
    acte = models.ForeignKey(Acte, on_delete=models.PROTECT, related_name="pieces")
    type_piece = models.CharField(_("type"), max_length=24)
    nom_fichier = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(max_length=100)
    taille = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    ajoute_par = models.CharField(max_length=255)
    ajoute_le = models.DateTimeField(auto_now_add=True)
    retire = models.BooleanField(default=False)

    class Meta:
        ordering = ["ajoute_le", "id"]
        verbose_name = _("pièce de l'acte")

    def __str__(self) -> str:
        return self.nom_fichier


# --- Bulk acts (issue 9): a campaign run ("lot") and the acts it generated ------------------


class StatutLot(models.TextChoices):
    EN_ATTENTE = "en_attente", _("En attente")
    EN_COURS = "en_cours", _("En cours")
    TERMINE = "termine", _("Terminé")
    ECHEC = "echec", _("Échec")


class LotActes(models.Model):
    """One run of a bulk campaign (the yearly avancement d'échelon): who asked, on which
    perimeter and date, how far the background job got, and what it found.

    `campagne` names the campaign (type and date): an agent gets at most one act per campaign,
    whatever the number of runs (`LigneLot`'s unique key), so running it again creates nothing
    new and a run interrupted by a crash is resumed by running it again."""

    id = models.BigAutoField(primary_key=True)
    type_code = models.CharField(_("type d'acte"), max_length=40, default="avancement_echelon")
    date_campagne = models.DateField(_("date de la campagne"))
    campagne = models.CharField(_("campagne"), max_length=80)
    # The unit whose subtree the run covers ("" : the author's whole perimeter), and the
    # author's perimeter when it was asked (the job has no session).
    unite_code = models.CharField(_("unité"), max_length=30, blank=True)
    perimetre_tout = models.BooleanField(default=False)
    perimetre_racines = models.JSONField(default=list)
    auteur = models.CharField(_("lancé par"), max_length=255)
    cree_le = models.DateTimeField(_("lancé le"), auto_now_add=True)
    statut = models.CharField(
        _("statut"), max_length=12, choices=StatutLot.choices, default=StatutLot.EN_ATTENTE
    )
    total = models.PositiveIntegerField(_("agents examinés"), default=0)
    faits = models.PositiveIntegerField(_("agents traités"), default=0)
    crees = models.PositiveIntegerField(_("actes créés"), default=0)
    rapport = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    termine_le = models.DateTimeField(null=True, blank=True)
    valide_par = models.CharField(max_length=255, blank=True)
    valide_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-cree_le", "-id"]
        verbose_name = _("lot d'actes")
        verbose_name_plural = _("lots d'actes")

    def __str__(self) -> str:
        return f"{self.campagne} #{self.id}"


class LigneLot(models.Model):
    """One act of a run, with what the review list filters and sums (kept here so a
    300,000-line lot is listed and totalled without reading every version's JSON)."""

    id = models.BigAutoField(primary_key=True)
    lot = models.ForeignKey(LotActes, on_delete=models.PROTECT, related_name="lignes")
    acte = models.OneToOneField(Acte, on_delete=models.PROTECT, related_name="ligne_lot")
    campagne = models.CharField(max_length=80)
    agent_id = models.BigIntegerField()
    unite_code = models.CharField(max_length=30)
    echelon_avant = models.CharField(max_length=5)
    echelon_apres = models.CharField(max_length=5)
    # Monthly variation of the gross pay and arrears (centimes); 0 when not computable.
    variation_brut = models.BigIntegerField(default=0)
    rappel_brut = models.BigIntegerField(default=0)
    bloquant = models.BooleanField(default=False)
    exclu = models.BooleanField(default=False)

    class Meta:
        ordering = ["lot", "id"]
        verbose_name = _("acte d'un lot")
        constraints = [
            models.UniqueConstraint(fields=["campagne", "agent_id"], name="lot_campagne_agent"),
        ]
        indexes = [
            models.Index(fields=["lot", "unite_code", "id"], name="ligne_lot_unite"),
            models.Index(fields=["lot", "bloquant", "id"], name="ligne_lot_bloquant"),
        ]

    def __str__(self) -> str:
        return f"{self.lot_id}: {self.acte_id}"


class OrdreRecette(models.Model):
    """An overpayment to recover (trop-perçu), established when an act that stops or reduces
    pay already paid is visé: the months paid on the old situation between the act's date
    d'effet and the visa, each with what was paid too much (recettes.py defines "already paid").
    Amounts are integer centimes, positive. Agent and unit are snapshots (the unit scopes the
    order to perimeters like its act)."""

    id = models.BigAutoField(primary_key=True)
    numero = models.CharField(_("numéro"), max_length=30, unique=True)
    acte = models.OneToOneField(
        Acte, on_delete=models.PROTECT, related_name="ordre_recette", verbose_name=_("acte")
    )
    agent_id = models.BigIntegerField(null=True, blank=True)
    agent_ppr = models.CharField(_("PPR"), max_length=20, blank=True)
    agent_nom = models.CharField(_("agent"), max_length=210, blank=True)
    unite_code = models.CharField(_("unité"), max_length=30)
    date_effet = models.DateField(_("date d'effet"))
    # The rule applied: a month is paid once its pay day (this day of the month) has passed.
    jour_paie = models.PositiveSmallIntegerField(_("jour de paie"))
    premier_mois = models.DateField(_("premier mois"))
    dernier_mois = models.DateField(_("dernier mois payé"))
    nombre_mois = models.PositiveSmallIntegerField(_("mois"))
    montant_brut = models.BigIntegerField(_("brut trop payé"))
    montant_net = models.BigIntegerField(_("net à reverser"))
    etabli_par = models.CharField(max_length=255)
    etabli_le = models.DateTimeField(_("établi le"), auto_now_add=True)

    class Meta:
        ordering = ["-etabli_le", "-id"]
        verbose_name = _("ordre de recette")
        verbose_name_plural = _("ordres de recette")
        indexes = [
            models.Index(fields=["unite_code", "-etabli_le"], name="ordre_recette_unite"),
            models.Index(fields=["agent_id"], name="ordre_recette_agent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(montant_net__gt=0) & Q(montant_brut__gte=0),
                name="ordre_recette_montants_positifs",
            ),
        ]

    def __str__(self) -> str:
        return self.numero


class LigneOrdreRecette(models.Model):
    """One month of an ordre de recette: what was paid, what the act says was due."""

    id = models.BigAutoField(primary_key=True)
    ordre = models.ForeignKey(OrdreRecette, on_delete=models.PROTECT, related_name="lignes")
    mois = models.DateField(_("mois"))  # first day
    brut = models.BigIntegerField(_("brut trop payé"))
    net = models.BigIntegerField(_("net à reverser"))
    net_paye = models.BigIntegerField(_("net payé"))
    net_du = models.BigIntegerField(_("net dû"))

    class Meta:
        ordering = ["ordre", "mois"]
        verbose_name = _("mois d'un ordre de recette")
        constraints = [
            models.UniqueConstraint(fields=["ordre", "mois"], name="ligne_ordre_recette_mois"),
            models.CheckConstraint(condition=Q(net__gt=0), name="ligne_ordre_recette_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.ordre_id} {self.mois:%Y-%m}"


# --- Official documents (issue 9): the tenant's wording of its arrêtés and its signatory ----


class ModeleDocument(models.Model):
    """One version of the wording a tenant admin gave the arrêté/décision of an act type
    (`cle` "type:<code>") or of a family of types ("famille:<famille>"): title, visas and
    articles, in French and Arabic, with `{placeholders}` from the documented whitelist
    (documents.py). Every change adds a version, never rewrites one; the latest applies. A
    reset is a version marked `par_defaut`: the built-in wording applies again."""

    id = models.BigAutoField(primary_key=True)
    cle = models.CharField(_("modèle"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    titre_fr = models.CharField(_("titre (français)"), max_length=300, blank=True)
    titre_ar = models.CharField(_("titre (arabe)"), max_length=300, blank=True)
    visas_fr = models.TextField(_("visas (français)"), blank=True)
    visas_ar = models.TextField(_("visas (arabe)"), blank=True)
    articles_fr = models.TextField(_("articles (français)"), blank=True)
    articles_ar = models.TextField(_("articles (arabe)"), blank=True)
    par_defaut = models.BooleanField(_("rédaction par défaut"), default=False)
    modifie_par = models.CharField(_("modifié par"), max_length=255)
    modifie_le = models.DateTimeField(_("modifié le"), auto_now_add=True)

    class Meta:
        ordering = ["cle", "-version"]
        verbose_name = _("modèle de document")
        verbose_name_plural = _("modèles de documents")
        constraints = [
            models.UniqueConstraint(fields=["cle", "version"], name="modele_document_version"),
        ]

    def __str__(self) -> str:
        return f"{self.cle} v{self.version}"


class ParametresDocuments(models.Model):
    """The tenant's signatory and place of signature printed on its documents, and the days
    added to the Umm al-Qura Hijri date to follow the Moroccan calendar (one row, id 1)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    signataire_nom_fr = models.CharField(_("signataire (français)"), max_length=200, blank=True)
    signataire_nom_ar = models.CharField(_("signataire (arabe)"), max_length=200, blank=True)
    signataire_titre_fr = models.CharField(_("qualité (français)"), max_length=200, blank=True)
    signataire_titre_ar = models.CharField(_("qualité (arabe)"), max_length=200, blank=True)
    lieu_fr = models.CharField(_("lieu de signature (français)"), max_length=100, blank=True)
    lieu_ar = models.CharField(_("lieu de signature (arabe)"), max_length=100, blank=True)
    decalage_hijri = models.SmallIntegerField(
        _("décalage de la date hégirienne (jours)"), default=0
    )
    modifie_par = models.CharField(max_length=255, blank=True)
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("paramètres des documents")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="parametres_documents_unique"),
            models.CheckConstraint(
                condition=Q(decalage_hijri__gte=-2) & Q(decalage_hijri__lte=2),
                name="parametres_documents_decalage",
            ),
        ]

    def __str__(self) -> str:
        return self.signataire_nom_fr or "paramètres des documents"
