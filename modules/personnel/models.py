"""Agents' administrative files (tenant schema).

The career is a list of effective-dated events, appended and never edited: a correction is a new
event that supersedes another (`remplace`), with who, when and why. The columns of `Agent` named
`grade_code`, `unite_code`, … are the *current* situation, a cache rebuilt by `services` from the
events each time the history changes, so that lists filter and sort on indexed columns. Nothing in
`save()` or signals maintains them.

References to other modules or to the public schema (grade, unit, territory, budget post) are
codes, checked by services: no foreign key leaves the module (ARCHITECTURE §3, §7).
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Sexe(models.TextChoices):
    MASCULIN = "M", _("Masculin")
    FEMININ = "F", _("Féminin")


class SituationFamiliale(models.TextChoices):
    CELIBATAIRE = "celibataire", _("Célibataire")
    MARIE = "marie", _("Marié(e)")
    DIVORCE = "divorce", _("Divorcé(e)")
    VEUF = "veuf", _("Veuf / veuve")


class Statut(models.TextChoices):
    TITULAIRE = "titulaire", _("Titulaire")
    STAGIAIRE = "stagiaire", _("Stagiaire")
    CONTRACTUEL = "contractuel", _("Contractuel")


class Position(models.TextChoices):
    ACTIVITE = "activite", _("Activité")
    DETACHEMENT = "detachement", _("Détachement")
    DISPONIBILITE = "disponibilite", _("Disponibilité")
    MISE_A_DISPOSITION = "mise_a_disposition", _("Mise à disposition")
    CONGE_MALADIE_MOYENNE = "conge_maladie_moyenne", _("Congé de maladie de moyenne durée")
    CONGE_MALADIE_LONGUE = "conge_maladie_longue", _("Congé de maladie de longue durée")
    # Traitement suspended (disciplinary suspension, absence irrégulière, abandon de poste):
    # the agent keeps the post; the pay is the event's quotité (0 by default).
    SUSPENSION = "suspension", _("Suspension de traitement")
    CESSATION = "cessation", _("Cessation de fonctions")


# Health-related positions are sensitive data (law 09-08): masked unless the role allows.
POSITIONS_SANTE = frozenset({Position.CONGE_MALADIE_MOYENNE, Position.CONGE_MALADIE_LONGUE})
# Positions in which the agent holds (occupies) a budget post of this tenant. Détachement and
# disponibilité free it (the host pays, or nobody does); cessation ends the career here.
POSITIONS_OCCUPANT_POSTE = frozenset(
    {
        Position.ACTIVITE,
        Position.MISE_A_DISPOSITION,
        Position.CONGE_MALADIE_MOYENNE,
        Position.CONGE_MALADIE_LONGUE,
        Position.SUSPENSION,
    }
)


class NatureEvenement(models.TextChoices):
    RECRUTEMENT = "recrutement", _("Recrutement")
    REPRISE = "reprise", _("Reprise de l'existant (import)")
    TITULARISATION = "titularisation", _("Titularisation")
    AVANCEMENT_ECHELON = "avancement_echelon", _("Avancement d'échelon")
    AVANCEMENT_GRADE = "avancement_grade", _("Avancement de grade")
    RECLASSEMENT = "reclassement", _("Reclassement")
    CHANGEMENT_POSITION = "changement_position", _("Changement de position")
    AFFECTATION = "affectation", _("Affectation / mutation")
    ENTREE = "entree", _("Entrée (transfert depuis un autre ordonnateur)")
    SORTIE = "sortie", _("Sortie (transfert, retraite, décès, démission…)")
    CORRECTION = "correction", _("Correction")
    ANNULATION = "annulation", _("Annulation")


class SourceEvenement(models.TextChoices):
    SAISIE = "saisie", _("Saisie")
    IMPORT = "import", _("Import")
    ACTE = "acte", _("Acte de gestion")
    TRANSFERT = "transfert", _("Transfert entre ordonnateurs")


# The situation fields an event may set; blank/NULL means "unchanged by this event".
CHAMPS_SITUATION = (
    "statut",
    "corps_code",
    "grade_code",
    "echelle",
    "echelon",
    "indice",
    "position",
    "unite_code",
    "poste_code",
)


class Agent(models.Model):
    id = models.BigAutoField(primary_key=True)
    # Unique by a constraint, not `unique=True`: the latter adds a second (pattern) index that
    # no query uses and that the 300,000-agent import pays for.
    ppr = models.CharField(_("PPR"), max_length=20)
    cin = models.CharField(_("CIN"), max_length=12, blank=True)
    nom_fr = models.CharField(_("nom"), max_length=100)
    prenom_fr = models.CharField(_("prénom"), max_length=100)
    nom_ar = models.CharField(_("nom (arabe)"), max_length=100, blank=True)
    prenom_ar = models.CharField(_("prénom (arabe)"), max_length=100, blank=True)
    date_naissance = models.DateField(_("date de naissance"), null=True, blank=True)
    lieu_naissance = models.CharField(_("lieu de naissance"), max_length=100, blank=True)
    sexe = models.CharField(_("sexe"), max_length=1, choices=Sexe.choices)
    situation_familiale = models.CharField(
        _("situation familiale"),
        max_length=12,
        choices=SituationFamiliale.choices,
        default=SituationFamiliale.CELIBATAIRE,
    )
    conjoint_a_charge = models.BooleanField(_("conjoint à charge"), default=False)
    rib = models.CharField(_("RIB"), max_length=24, blank=True)
    banque = models.CharField(_("banque"), max_length=100, blank=True)
    adresse = models.TextField(_("adresse"), blank=True)
    commune_residence = models.CharField(
        _("commune de résidence (code HCP)"), max_length=32, blank=True
    )
    telephone = models.CharField(_("téléphone"), max_length=20, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    date_recrutement = models.DateField(_("date de recrutement"), null=True, blank=True)
    regime_retraite = models.CharField(_("régime de retraite"), max_length=5, default="CMR")

    # Current situation: a cache of the events, rebuilt by services.situation_rafraichir().
    statut = models.CharField(_("statut"), max_length=12, choices=Statut.choices, blank=True)
    corps_code = models.CharField(_("corps"), max_length=32, blank=True)
    grade_code = models.CharField(_("grade"), max_length=32, blank=True)
    echelle = models.CharField(_("échelle"), max_length=3, blank=True)
    echelon = models.CharField(_("échelon"), max_length=5, blank=True)
    indice = models.PositiveIntegerField(_("indice"), null=True, blank=True)
    position = models.CharField(_("position"), max_length=24, choices=Position.choices, blank=True)
    unite_code = models.CharField(_("unité d'affectation"), max_length=30, blank=True)
    poste_code = models.CharField(_("poste budgétaire"), max_length=40, blank=True)
    situation_du = models.DateField(_("situation au"), null=True, blank=True)
    # Share of the traitement paid today (percent; events' `quotite`, carriere.situation_plier),
    # for set-based pay computations. A database default: bulk COPY may leave it out.
    quotite = models.PositiveSmallIntegerField(
        _("quotité de traitement (%)"), default=100, db_default=100
    )

    # Search: names in both scripts, PPR and CIN, normalised by normalisation.cle_recherche();
    # `nom_tri` is the sort (and keyset) key of lists.
    recherche = models.TextField(editable=False, default="")
    nom_tri = models.CharField(max_length=210, editable=False, default="", db_collation="C")

    cree_le = models.DateTimeField(_("créé le"), auto_now_add=True)
    modifie_le = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        ordering = ["nom_tri", "id"]
        verbose_name = _("agent")
        indexes = [
            models.Index(fields=["nom_tri", "id"], name="agent_tri"),
            models.Index(fields=["cin"], name="agent_cin"),
            models.Index(fields=["grade_code", "nom_tri", "id"], name="agent_grade"),
            models.Index(fields=["unite_code", "nom_tri", "id"], name="agent_unite"),
            models.Index(fields=["position", "nom_tri", "id"], name="agent_position"),
            models.Index(fields=["poste_code"], name="agent_poste"),
            GinIndex(fields=["recherche"], opclasses=["gin_trgm_ops"], name="agent_recherche_trgm"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["ppr"], name="agent_ppr_unique"),
            models.CheckConstraint(
                condition=Q(rib="") | Q(rib__regex=r"^[0-9]{24}$"), name="agent_rib_24"
            ),
            models.CheckConstraint(condition=~Q(ppr=""), name="agent_ppr_requis"),
        ]

    def __str__(self) -> str:
        return f"{self.ppr} {self.nom_fr} {self.prenom_fr}"


class Enfant(models.Model):
    id = models.BigAutoField(primary_key=True)
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="enfants")
    prenom = models.CharField(_("prénom"), max_length=100)
    date_naissance = models.DateField(_("date de naissance"))
    handicape = models.BooleanField(_("en situation de handicap"), default=False)
    scolarise = models.BooleanField(_("poursuit des études"), default=False)
    date_deces = models.DateField(_("date de décès"), null=True, blank=True)

    class Meta:
        ordering = ["date_naissance", "id"]
        verbose_name = _("enfant")

    def __str__(self) -> str:
        return f"{self.prenom} ({self.date_naissance})"


class EvenementCarriere(models.Model):
    id = models.BigAutoField(primary_key=True)
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="evenements")
    nature = models.CharField(_("nature"), max_length=24, choices=NatureEvenement.choices)
    date_effet = models.DateField(_("date d'effet"))
    statut = models.CharField(_("statut"), max_length=12, choices=Statut.choices, blank=True)
    corps_code = models.CharField(_("corps"), max_length=32, blank=True)
    grade_code = models.CharField(_("grade"), max_length=32, blank=True)
    echelle = models.CharField(_("échelle"), max_length=3, blank=True)
    echelon = models.CharField(_("échelon"), max_length=5, blank=True)
    indice = models.PositiveIntegerField(_("indice"), null=True, blank=True)
    position = models.CharField(_("position"), max_length=24, choices=Position.choices, blank=True)
    unite_code = models.CharField(_("unité d'affectation"), max_length=30, blank=True)
    poste_code = models.CharField(_("poste budgétaire"), max_length=40, blank=True)
    # Share of the traitement paid from this event on, in percent (a congé de maladie's half
    # pay: 50; a suspension: 0). NULL: unchanged, except that an event setting a position
    # brings it back to 100 (carriere.situation_plier). Not a column of the current situation.
    quotite = models.PositiveSmallIntegerField(
        _("quotité de traitement (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    reference = models.CharField(_("référence (arrêté, décision)"), max_length=100, blank=True)
    motif = models.TextField(_("motif"), blank=True)
    # A correction or an annulation supersedes exactly one earlier event.
    remplace = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remplace_par",
        verbose_name=_("remplace l'événement"),
    )
    source = models.CharField(max_length=12, choices=SourceEvenement.choices)
    auteur = models.CharField(_("auteur"), max_length=255)
    enregistre_le = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        ordering = ["date_effet", "enregistre_le", "id"]
        verbose_name = _("événement de carrière")
        indexes = [models.Index(fields=["agent", "date_effet"], name="evenement_agent_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(nature__in=["correction", "annulation"], remplace__isnull=False)
                | (~Q(nature__in=["correction", "annulation"]) & Q(remplace__isnull=True)),
                name="evenement_correction_remplace",
            ),
            models.CheckConstraint(
                condition=~Q(nature__in=["correction", "annulation"]) | ~Q(motif=""),
                name="evenement_correction_motivee",
            ),
            models.CheckConstraint(
                condition=Q(quotite__isnull=True) | Q(quotite__lte=100),
                name="evenement_quotite_pourcentage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.nature} {self.date_effet}"


class IndemniteAgent(models.Model):
    """An indemnity granted to the agent (fonction, responsabilité, zone éloignée…), from `du`
    until `au` (inclusive; open when NULL). Granted and withdrawn by acts: a withdrawal closes
    the period, it never deletes it. Counted in a month when in force on its first day."""

    id = models.BigAutoField(primary_key=True)
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="indemnites")
    code = models.CharField(_("code"), max_length=20)
    libelle = models.CharField(_("libellé"), max_length=150)
    montant = models.DecimalField(_("montant mensuel (DH)"), max_digits=12, decimal_places=2)
    imposable = models.BooleanField(_("imposable"), default=True)
    soumise_retraite = models.BooleanField(_("soumise à retenue pour pension"), default=False)
    du = models.DateField(_("du"))
    au = models.DateField(_("au"), null=True, blank=True)
    reference = models.CharField(_("référence (acte)"), max_length=100, blank=True)
    auteur = models.CharField(_("auteur"), max_length=255)
    enregistre_le = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        ordering = ["du", "id"]
        verbose_name = _("indemnité de l'agent")
        indexes = [models.Index(fields=["agent", "code"], name="indemnite_agent_code")]
        constraints = [
            models.CheckConstraint(condition=Q(montant__gt=0), name="indemnite_montant_positif"),
            models.CheckConstraint(
                condition=Q(au__isnull=True) | Q(au__gte=models.F("du")), name="indemnite_periode"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.montant} ({self.du}–{self.au or '…'})"


class TypePiece(models.TextChoices):
    ARRETE = "arrete", _("Arrêté / décision")
    DIPLOME = "diplome", _("Diplôme")
    ACTE_NAISSANCE = "acte_naissance", _("Acte de naissance")
    ACTE_MARIAGE = "acte_mariage", _("Acte de mariage")
    CERTIFICAT_MEDICAL = "certificat_medical", _("Certificat médical")
    ATTESTATION_RIB = "attestation_rib", _("Attestation de RIB")
    CIN = "cin", _("Copie de la CIN")
    PROCES_VERBAL = "proces_verbal", _("Procès-verbal")
    AUTRE = "autre", _("Autre")


class PieceJustificative(models.Model):
    """A supporting document. The bytes live in the tenant's own directory (documents.py)."""

    id = models.BigAutoField(primary_key=True)
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="pieces")
    evenement = models.ForeignKey(
        EvenementCarriere, on_delete=models.PROTECT, null=True, blank=True, related_name="pieces"
    )
    type_piece = models.CharField(_("type"), max_length=24, choices=TypePiece.choices)
    nom_fichier = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(max_length=100)
    taille = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(max_length=64)
    ajoute_par = models.CharField(_("ajouté par"), max_length=255)
    ajoute_le = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    class Meta:
        ordering = ["ajoute_le", "id"]
        verbose_name = _("pièce justificative")

    def __str__(self) -> str:
        return self.nom_fichier


class PosteBudgetaire(models.Model):
    """A line of the tenant's budgeted posts: `nombre` posts of a grade on a budget line.

    Occupancy is derived (agents whose current situation holds the post in an occupying
    position), never stored.
    """

    id = models.BigAutoField(primary_key=True)
    code = models.CharField(_("code"), max_length=40, unique=True)
    libelle = models.CharField(_("libellé"), max_length=200)
    grade_code = models.CharField(_("grade"), max_length=32, blank=True)
    categorie = models.CharField(_("catégorie / échelle"), max_length=20, blank=True)
    ligne_budgetaire = models.CharField(_("ligne budgétaire"), max_length=60)
    nombre = models.PositiveIntegerField(_("postes budgétés"))
    actif = models.BooleanField(_("actif"), default=True)

    class Meta:
        ordering = ["ligne_budgetaire", "code"]
        verbose_name = _("poste budgétaire")
        verbose_name_plural = _("postes budgétaires")
        constraints = [
            models.CheckConstraint(
                condition=~Q(grade_code="") | ~Q(categorie=""), name="poste_grade_ou_categorie"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.libelle}"


class StatutImport(models.TextChoices):
    DEPOSE = "depose", _("Déposé, en attente de vérification")
    VERIFICATION = "verification", _("Vérification en cours")
    VERIFIE = "verifie", _("Vérifié")
    APPLICATION = "application", _("Application en cours")
    APPLIQUE = "applique", _("Appliqué")
    ECHEC = "echec", _("Échec technique")


class ImportPersonnel(models.Model):
    """One legacy file of agents: its dry run, then (maybe) its application, as background jobs.

    The file stays in the tenant's own directory (`fichier`, relative to it); so does the XLSX
    report of the dry run (`rapport`). The perimeter is the importer's, captured from the
    session when the job is sent (jobs carry no token): the job never widens it.
    """

    id = models.BigAutoField(primary_key=True)
    nom_fichier = models.CharField(_("fichier"), max_length=255)
    fichier = models.CharField(max_length=255)
    taille = models.PositiveBigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(max_length=64)
    auteur = models.CharField(_("auteur"), max_length=255)
    perimetre_tout = models.BooleanField(default=False)
    perimetre_racines = models.JSONField(default=list)
    partiel = models.BooleanField(_("application partielle"), default=False)
    statut = models.CharField(
        _("statut"), max_length=12, choices=StatutImport.choices, default=StatutImport.DEPOSE
    )
    lignes = models.PositiveIntegerField(default=0)
    crees = models.PositiveIntegerField(default=0)
    modifies = models.PositiveIntegerField(default=0)
    inchanges = models.PositiveIntegerField(default=0)
    nb_erreurs = models.PositiveIntegerField(default=0)
    lignes_en_erreur = models.PositiveIntegerField(default=0)
    # The first errors, for the page: [[ligne, colonne, valeur, probleme, correction], …].
    erreurs = models.JSONField(default=list)
    rapport = models.CharField(max_length=255, blank=True)
    message = models.TextField(blank=True)
    cree_le = models.DateTimeField(_("déposé le"), auto_now_add=True)
    verifie_le = models.DateTimeField(_("vérifié le"), null=True, blank=True)
    applique_le = models.DateTimeField(_("appliqué le"), null=True, blank=True)

    class Meta:
        ordering = ["-cree_le", "-id"]
        verbose_name = _("import d'agents")
        indexes = [models.Index(fields=["auteur", "-cree_le"], name="import_auteur")]

    def __str__(self) -> str:
        return f"{self.nom_fichier} ({self.statut})"


class SituationTresor(models.Model):
    """An agent's latest situation as the Treasury holds it (from a `situations` file of the
    exchange). The Treasury owns pay data: `pecuniaire` replaces the previous snapshot. The
    `administrative` part is compared with the HR file and never written into it: each
    difference opens an `EcartTresor` for the gestionnaires (ADR 0007 §8)."""

    id = models.BigAutoField(primary_key=True)
    ppr = models.CharField(_("PPR"), max_length=20, unique=True)
    agent = models.ForeignKey(
        Agent, on_delete=models.PROTECT, null=True, blank=True, related_name="situations_tresor"
    )
    le = models.DateField(_("situation au"))
    present = models.BooleanField(_("dans les livres du Trésor"), default=True)
    administrative = models.JSONField(default=dict, blank=True)
    pecuniaire = models.JSONField(default=dict, blank=True)
    fichier = models.CharField(max_length=200)
    recu_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("situation selon le Trésor")

    def __str__(self) -> str:
        return f"{self.ppr} au {self.le}"


class StatutEcart(models.TextChoices):
    OUVERT = "ouvert", _("À examiner")
    PRIS_EN_COMPTE = "pris_en_compte", _("Pris en compte")
    ECARTE = "ecarte", _("Écarté")


class EcartTresor(models.Model):
    """A difference between the HR file and the Treasury's situation, or a PPR the Treasury
    pays that the HR file does not know: a line of the gestionnaires' review queue."""

    id = models.BigAutoField(primary_key=True)
    agent = models.ForeignKey(
        Agent, on_delete=models.PROTECT, null=True, blank=True, related_name="ecarts_tresor"
    )
    ppr = models.CharField(_("PPR"), max_length=20)
    champ = models.CharField(_("champ"), max_length=20)
    valeur_rh = models.CharField(_("dossier RH"), max_length=100, blank=True)
    valeur_tresor = models.CharField(_("Trésor"), max_length=100, blank=True)
    le = models.DateField(_("situation du Trésor au"))
    fichier = models.CharField(max_length=200)
    statut = models.CharField(
        _("statut"), max_length=16, choices=StatutEcart.choices, default=StatutEcart.OUVERT
    )
    traite_par = models.CharField(max_length=255, blank=True)
    traite_le = models.DateTimeField(null=True, blank=True)
    motif = models.TextField(_("motif"), blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-cree_le", "id"]
        verbose_name = _("écart avec le Trésor")
        indexes = [models.Index(fields=["statut", "agent"], name="ecart_statut_agent")]
        constraints = [
            models.UniqueConstraint(
                fields=["ppr", "champ", "valeur_tresor"],
                condition=Q(statut="ouvert"),
                name="ecart_ouvert_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ppr} {self.champ}: {self.valeur_rh} ≠ {self.valeur_tresor}"


class EffectifTresor(models.Model):
    """A line of the Treasury's tableau des effectifs for a year (an `effectifs` file of the
    exchange replaces the year's lines whole). Compared with the tenant's own budget posts on the
    posts page; never written into them."""

    id = models.BigAutoField(primary_key=True)
    annee = models.PositiveSmallIntegerField(_("année"))
    ligne_budgetaire = models.CharField(_("ligne budgétaire"), max_length=60)
    grade_code = models.CharField(_("grade"), max_length=32, blank=True)
    categorie = models.CharField(_("catégorie / échelle"), max_length=20, blank=True)
    postes_budgetes = models.PositiveIntegerField(_("postes budgétés"))
    postes_occupes = models.PositiveIntegerField(_("postes occupés"))
    fichier = models.CharField(max_length=200)
    recu_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["annee", "ligne_budgetaire", "grade_code", "categorie"]
        verbose_name = _("ligne du tableau des effectifs (Trésor)")
        constraints = [
            models.UniqueConstraint(
                fields=["annee", "ligne_budgetaire", "grade_code", "categorie"],
                name="effectif_tresor_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.annee} {self.ligne_budgetaire} {self.grade_code or self.categorie}"
