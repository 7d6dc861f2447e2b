"""What other modules (acts, payroll, budget) may ask of or tell the personnel module.

Frozen dataclasses out, no models; every read is scoped by the caller's perimeter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.personnel import (
    carriere,
    documents,
    journal_acces,
    paie,
    paie_population,
    postes,
    presentation,
    selectors,
    services,
    services_actes,
    transferts,
    validation,
)
from modules.personnel.carriere import SituationAdministrative
from modules.personnel.models import (
    CHAMPS_SITUATION,
    Agent,
    EvenementCarriere,
    NatureEvenement,
    PosteBudgetaire,
    SourceEvenement,
    TypePiece,
)
from modules.unites.perimetres import TOUT, Perimetre
from tenants import registre

__all__ = [
    "AgentResume",
    "SituationAdministrative",
    "agent_resume",
    "agents_nombre",
    "evenement_depuis_acte",
    "postes_actifs_nombre",
    "situation_au",
    "situation_paie",
]


@dataclass(frozen=True)
class AgentResume:
    id: int
    ppr: str
    nom_fr: str
    prenom_fr: str
    nom_ar: str
    prenom_ar: str
    statut: str
    grade_code: str
    echelle: str
    echelon: str
    indice: int | None
    position: str
    unite_code: str
    poste_code: str
    date_naissance: date | None = None
    situation_familiale: str = ""
    conjoint_a_charge: bool = False
    commune_residence: str = ""
    regime_retraite: str = "CMR"


def _resume(agent: Agent) -> AgentResume:
    return AgentResume(
        id=agent.id,
        ppr=agent.ppr,
        nom_fr=agent.nom_fr,
        prenom_fr=agent.prenom_fr,
        nom_ar=agent.nom_ar,
        prenom_ar=agent.prenom_ar,
        statut=agent.statut,
        grade_code=agent.grade_code,
        echelle=agent.echelle,
        echelon=agent.echelon,
        indice=agent.indice,
        position=agent.position,
        unite_code=agent.unite_code,
        poste_code=agent.poste_code,
        date_naissance=agent.date_naissance,
        situation_familiale=agent.situation_familiale,
        conjoint_a_charge=agent.conjoint_a_charge,
        commune_residence=agent.commune_residence,
        regime_retraite=agent.regime_retraite,
    )


def agent_resume(*, perimetre: Perimetre, agent_id: int) -> AgentResume | None:
    agent = selectors.agent_get(perimetre=perimetre, agent_id=agent_id)
    return _resume(agent) if agent else None


def agent_resume_par_ppr(*, perimetre: Perimetre, ppr: str) -> AgentResume | None:
    """The agent of this PPR in the perimeter (the acts pages' agent search)."""
    agent = selectors.agent_get_par_ppr(perimetre=perimetre, ppr=ppr.strip())
    return _resume(agent) if agent else None


def agents_chercher(*, perimetre: Perimetre, q: str, limite: int = 20) -> list[AgentResume]:
    """Agents of the perimeter found by PPR, CIN or name, in name order (the acts pages'
    agent search); nothing for an empty search."""
    if not q.strip():
        return []
    agents = selectors.agents_filtres(perimetre=perimetre, filtres=selectors.Filtres(q=q))
    return [_resume(agent) for agent in agents[:limite]]


def postes_actifs() -> list[tuple[str, str]]:
    """(code, label) of the active budget posts, for the acts' choice lists."""
    return postes.postes_actifs()


def situation_au(
    *, perimetre: Perimetre, agent_id: int, le: date
) -> SituationAdministrative | None:
    agent = selectors.agent_dossier(perimetre=perimetre, agent_id=agent_id)
    return selectors.situation_au(agent=agent, le=le) if agent else None


def situation_paie(
    *, perimetre: Perimetre, agent_id: int, mois: date, changements: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """The engine's input for the agent in `mois`, with `changements` (situation fields an act
    would set) applied: what an act's pecuniary impact compares."""
    agent = selectors.agent_dossier(perimetre=perimetre, agent_id=agent_id)
    if agent is None:
        return None
    situation = selectors.situation_au(agent=agent, le=mois)
    if changements:
        situation = replace(situation, **changements)
    return paie.situation_paie(agent=agent, situation=situation, mois=mois)


def reprise_tresor(*, mois: date) -> Iterator[dict[str, Any]]:
    """Every agent of the tenant with the engine's input for `mois` (None when this
    ordonnateur does not pay them), for the Treasury's initial copy of the population.
    Set-based: agents read by chunks of 2,000 with children and indemnities prefetched (three
    queries a chunk), the current situation taken from the file's denormalised columns."""
    imputations = dict(PosteBudgetaire.objects.values_list("code", "ligne_budgetaire"))
    agents = (
        Agent.objects.order_by("id")
        .prefetch_related("enfants", "indemnites")
        .iterator(chunk_size=2000)
    )
    for agent in agents:
        situation = SituationAdministrative(
            le=mois,
            **{champ: getattr(agent, champ) for champ in CHAMPS_SITUATION},
            depuis=agent.situation_du or (mois if agent.grade_code or agent.indice else None),
        )
        yield {
            "ppr": agent.ppr,
            "nom": agent.nom_fr,
            "prenom": agent.prenom_fr,
            "nom_ar": agent.nom_ar,
            "prenom_ar": agent.prenom_ar,
            "statut": agent.statut,
            "grade": agent.grade_code,
            "echelle": agent.echelle,
            "echelon": agent.echelon,
            "indice": agent.indice,
            "position": agent.position,
            "unite": agent.unite_code,
            "poste": agent.poste_code,
            "imputation": imputations.get(agent.poste_code, ""),
            "situation_paie": paie.situation_paie(agent=agent, situation=situation, mois=mois)
            if paie.payee(situation)
            else None,
        }


def evenement_depuis_acte(
    *,
    auteur: str,
    perimetre: Perimetre,
    agent_id: int,
    nature: str,
    date_effet: date,
    valeurs: dict[str, Any],
    reference: str,
    verifier_poste: bool = False,
) -> int | None:
    """Record in the career the event a visé act produces; returns the event id (None when
    the agent is not in the perimeter). Raises ValidationError like `evenement_ajouter`. The
    post's capacity was checked when the act was drafted; a visé act is law, so it is not
    refused here unless `verifier_poste`."""
    agent = selectors.agent_get(perimetre=perimetre, agent_id=agent_id)
    if agent is None:
        return None
    evenement = services.evenement_ajouter(
        auteur=auteur,
        agent=agent,
        nature=nature,
        date_effet=date_effet,
        valeurs=valeurs,
        perimetre=perimetre,
        reference=reference,
        source=SourceEvenement.ACTE,
        verifier_poste=verifier_poste,
    )
    return evenement.id


def donnees_sensibles_visibles(habilitations: Iterable[Any]) -> Callable[[str], bool]:
    """Whether these habilitations may read the health-related data (law 09-08) of agents of a
    unit, as a predicate on the unit's code (its units read once)."""
    return presentation.Droits.depuis(habilitations).sensible_pour


def position_libelle(position: str, *, sensible: bool) -> str:
    """A position code as people read it; a health-related one masked unless `sensible`."""
    return presentation.position_affichee(position, sensible=sensible)


def agents_nombre(*, perimetre: Perimetre) -> int:
    """How many agents' files the perimeter covers (one query)."""
    return selectors.agents_scopes(perimetre=perimetre).count()


def postes_actifs_nombre() -> int:
    """How many active budget-post lines the tenant has (they belong to the whole tenant)."""
    return PosteBudgetaire.objects.filter(actif=True).count()


# --- What the acts module reads and writes (ADR 0006) -------------------------------------


@dataclass(frozen=True)
class EvenementResume:
    id: int
    nature: str
    date_effet: date
    reference: str
    valeurs: dict[str, Any]


def evenements_en_vigueur(*, perimetre: Perimetre, agent_id: int) -> list[EvenementResume] | None:
    """The career events that still count, in the order they apply (None: not in perimeter)."""
    agent = selectors.agent_dossier(perimetre=perimetre, agent_id=agent_id)
    if agent is None:
        return None
    return [
        EvenementResume(
            id=e.id,
            nature=e.nature,
            date_effet=e.date_effet,
            reference=e.reference,
            valeurs={
                c: getattr(e, c)
                for c in (*CHAMPS_SITUATION, "quotite")
                if getattr(e, c) not in ("", None)
            },
        )
        for e in carriere.evenements_en_vigueur(agent.evenements.all())
    ]


@dataclass(frozen=True)
class EnfantProjete:
    prenom: str
    date_naissance: date
    handicape: bool = False
    scolarise: bool = False
    date_deces: date | None = None


@dataclass(frozen=True)
class EnfantResume:
    id: int
    prenom: str
    date_naissance: date
    handicape: bool
    scolarise: bool
    date_deces: date | None


@dataclass(frozen=True)
class IndemniteProjetee:
    code: str
    libelle: str
    montant: Decimal
    imposable: bool = True
    soumise_retraite: bool = False
    du: date = date.min
    au: date | None = None


@dataclass(frozen=True)
class Projection:
    """What an act would change: a career event it would add (at its date, with the situation
    values it sets), events it would take back (a rectification or an annulation), family,
    indemnities, residence. The caller gives it for the months the act covers."""

    evenement_date: date | None = None
    evenement_valeurs: dict[str, Any] = field(default_factory=dict)
    # Further events of the same act at later dates (a congé de maladie's half-pay period).
    evenements_suivants: tuple[tuple[date, dict[str, Any]], ...] = ()
    sans_evenements: tuple[int, ...] = ()
    conjoint_a_charge: bool | None = None
    enfants_ajoutes: tuple[EnfantProjete, ...] = ()
    enfants_deces: tuple[tuple[int, date], ...] = ()
    indemnites_ajoutees: tuple[IndemniteProjetee, ...] = ()
    indemnites_retirees: tuple[tuple[str, date], ...] = ()  # (code, last day paid)
    commune_residence: str | None = None


class DossierPaie:
    """One agent's file loaded once (events, children, indemnities), giving the engine's input
    month after month, with or without an act's projection — so an act's impact over two
    years of arrears costs a fixed number of queries."""

    def __init__(self, agent: Agent, evenements: list[Any] | None = None) -> None:
        self._agent = agent
        self._evenements = list(agent.evenements.all()) if evenements is None else evenements
        self._enfants = list(agent.enfants.all()) if agent.pk else []
        self._indemnites = list(agent.indemnites.all()) if agent.pk else []
        self._evenements_projetes: dict[int, tuple[Projection, list[Any]]] = {}

    def _evenements_avec(self, projection: Projection) -> list[Any]:
        cle = id(projection)  # a projection holds dicts: not hashable, and used as given
        if cle not in self._evenements_projetes:
            retires = set(projection.sans_evenements)
            evenements = [e for e in self._evenements if e.id not in retires]
            virtuels = list(projection.evenements_suivants)
            if projection.evenement_date is not None:
                virtuels.insert(0, (projection.evenement_date, projection.evenement_valeurs))
            for rang, (le, valeurs) in enumerate(virtuels, start=1):
                virtuel = EvenementCarriere(
                    id=-rang,
                    nature=NatureEvenement.CORRECTION,
                    date_effet=le,
                    enregistre_le=timezone.now(),
                    **valeurs,
                )
                evenements.append(virtuel)
            self._evenements_projetes[cle] = (projection, evenements)
        return self._evenements_projetes[cle][1]

    def situation(
        self, mois: date, projection: Projection | None = None
    ) -> SituationAdministrative:
        evenements = self._evenements if projection is None else self._evenements_avec(projection)
        return carriere.situation_plier(evenements, le=mois)

    def entree(self, mois: date, projection: Projection | None = None) -> dict[str, Any] | None:
        """The engine's input for `mois` (None: this ordonnateur does not pay the agent)."""
        situation = self.situation(mois, projection)
        enfants: list[Any] = list(self._enfants)
        indemnites: list[Any] = list(self._indemnites)
        conjoint = self._agent.conjoint_a_charge
        agent = self._agent
        if projection is not None:
            deces = dict(projection.enfants_deces)
            enfants = [
                replace_enfant(e, deces[e.id]) if e.id in deces else e for e in enfants
            ] + list(projection.enfants_ajoutes)
            if projection.conjoint_a_charge is not None:
                conjoint = projection.conjoint_a_charge
            retraits = dict(projection.indemnites_retirees)
            indemnites = [
                IndemniteProjetee(
                    code=i.code,
                    libelle=i.libelle,
                    montant=i.montant,
                    imposable=i.imposable,
                    soumise_retraite=i.soumise_retraite,
                    du=i.du,
                    au=retraits[i.code] if i.code in retraits and i.au is None else i.au,
                )
                for i in indemnites
            ] + list(projection.indemnites_ajoutees)
            if projection.commune_residence is not None:
                agent = Agent(
                    commune_residence=projection.commune_residence,
                    regime_retraite=agent.regime_retraite,
                )
        if not paie.payee(situation):
            return None
        return paie.situation_paie(
            agent=agent,
            situation=situation,
            mois=mois,
            enfants=enfants,
            conjoint_a_charge=conjoint,
            indemnites=indemnites,
        )


def replace_enfant(enfant: Any, deces: date) -> EnfantProjete:
    return EnfantProjete(
        prenom=enfant.prenom,
        date_naissance=enfant.date_naissance,
        handicape=enfant.handicape,
        scolarise=enfant.scolarise,
        date_deces=deces,
    )


def dossier_paie(*, perimetre: Perimetre, agent_id: int) -> DossierPaie | None:
    agent = selectors.agent_dossier_paie(perimetre=perimetre, agent_id=agent_id)
    return DossierPaie(agent) if agent else None


def dossier_paie_recrue(*, commune_residence: str, regime_retraite: str = "CMR") -> DossierPaie:
    """The pay file of someone not recruited yet: no event, no child, no indemnity."""
    return DossierPaie(
        Agent(commune_residence=commune_residence, regime_retraite=regime_retraite), evenements=[]
    )


def enfants(*, perimetre: Perimetre, agent_id: int) -> list[EnfantResume]:
    agent = selectors.agent_get(perimetre=perimetre, agent_id=agent_id)
    if agent is None:
        return []
    return [
        EnfantResume(
            id=e.id,
            prenom=e.prenom,
            date_naissance=e.date_naissance,
            handicape=e.handicape,
            scolarise=e.scolarise,
            date_deces=e.date_deces,
        )
        for e in agent.enfants.order_by("date_naissance", "id")
    ]


def indemnites_ouvertes(*, perimetre: Perimetre, agent_id: int) -> list[IndemniteProjetee]:
    """The indemnities the agent receives now (open periods)."""
    agent = selectors.agent_get(perimetre=perimetre, agent_id=agent_id)
    if agent is None:
        return []
    return [
        IndemniteProjetee(
            code=i.code,
            libelle=i.libelle,
            montant=i.montant,
            imposable=i.imposable,
            soumise_retraite=i.soumise_retraite,
            du=i.du,
        )
        for i in agent.indemnites.filter(au__isnull=True).order_by("code")
    ]


def ppr_erreur(ppr: str) -> str | None:
    """Why this PPR cannot be given to a new recruit here (format, or a file already open)."""
    if probleme := validation.ppr_erreur(ppr):
        return probleme
    if Agent.objects.filter(ppr=ppr).exists():
        return _("Un dossier existe déjà pour le PPR %(ppr)s dans cet ordonnateur.") % {"ppr": ppr}
    return None


def situation_erreurs(*, valeurs: dict[str, Any], perimetre: Perimetre | None) -> dict[str, str]:
    """The file's own checks on situation values (grade, échelon, unit, post exist…)."""
    return services.situation_erreurs(valeurs, perimetre=perimetre)


def identite_erreurs(*, identite: dict[str, Any]) -> dict[str, str]:
    return services.identite_erreurs({"nom_fr": "", "prenom_fr": "", **identite})


def poste_erreur(
    *, code: str, grade_code: str, echelle: str, agent_id: int | None = None
) -> str | None:
    return postes.poste_erreur(code=code, grade_code=grade_code, echelle=echelle, agent_id=agent_id)


def postes_libres(*, grade_code: str, echelle: str) -> list[str]:
    return postes.postes_libres(grade_code=grade_code, echelle=echelle)


def agent_recruter(
    *,
    auteur: str,
    ppr: str,
    identite: dict[str, Any],
    recrutement: dict[str, Any],
    date_effet: date,
    reference: str,
) -> int:
    """Open the file of a recruit whose act is visé; returns the agent id."""
    agent = services.agent_creer(
        auteur=auteur,
        ppr=ppr,
        identite=identite,
        recrutement=recrutement,
        date_effet=date_effet,
        perimetre=TOUT,
        source=SourceEvenement.ACTE,
        reference=reference,
    )
    return agent.id


def _agent(agent_id: int) -> Agent:
    agent = selectors.agent_get(perimetre=TOUT, agent_id=agent_id)
    if agent is None:
        raise ValidationError(_("Le dossier de l'agent n'existe plus."))
    return agent


def evenement_corriger_depuis_acte(
    *,
    auteur: str,
    evenement_id: int,
    date_effet: date,
    valeurs: dict[str, Any],
    motif: str,
    reference: str,
) -> int:
    evenement = selectors.evenement_get(perimetre=TOUT, evenement_id=evenement_id)
    if evenement is None:
        raise ValidationError(_("L'événement de carrière à rectifier n'existe plus."))
    nouveau = services.evenement_corriger(
        auteur=auteur,
        evenement=evenement,
        date_effet=date_effet,
        valeurs=valeurs,
        motif=motif,
        perimetre=None,
        source=SourceEvenement.ACTE,
        reference=reference,
        verifier_poste=False,
    )
    return nouveau.id


def evenement_annuler_depuis_acte(
    *, auteur: str, evenement_id: int, motif: str, reference: str
) -> int:
    evenement = selectors.evenement_get(perimetre=TOUT, evenement_id=evenement_id)
    if evenement is None:
        raise ValidationError(_("L'événement de carrière à annuler n'existe plus."))
    nouveau = services.evenement_annuler(
        auteur=auteur,
        evenement=evenement,
        motif=motif,
        source=SourceEvenement.ACTE,
        reference=reference,
    )
    return nouveau.id


def indemnite_attribuer(
    *, auteur: str, agent_id: int, indemnite: IndemniteProjetee, reference: str
) -> None:
    services_actes.indemnite_attribuer(
        auteur=auteur,
        agent=_agent(agent_id),
        code=indemnite.code,
        libelle=indemnite.libelle,
        montant=indemnite.montant,
        imposable=indemnite.imposable,
        soumise_retraite=indemnite.soumise_retraite,
        du=indemnite.du,
        reference=reference,
    )


def indemnite_retirer(
    *, auteur: str, agent_id: int, code: str, a_partir_du: date, reference: str
) -> None:
    services_actes.indemnite_retirer(
        auteur=auteur,
        agent=_agent(agent_id),
        code=code,
        a_partir_du=a_partir_du,
        reference=reference,
    )


def famille_changer(
    *,
    auteur: str,
    agent_id: int,
    reference: str,
    situation_familiale: str | None = None,
    conjoint_a_charge: bool | None = None,
    naissances: list[tuple[str, date, bool]] | None = None,
    deces: list[tuple[int, date]] | None = None,
) -> None:
    services_actes.famille_changer(
        auteur=auteur,
        agent=_agent(agent_id),
        reference=reference,
        situation_familiale=situation_familiale,
        conjoint_a_charge=conjoint_a_charge,
        naissances=naissances,
        deces=deces,
    )


def residence_changer(
    *, auteur: str, agent_id: int, commune_residence: str, reference: str
) -> None:
    services_actes.residence_changer(
        auteur=auteur,
        agent=_agent(agent_id),
        commune_residence=commune_residence,
        reference=reference,
    )


DocumentRefuse = documents.DocumentRefuse
StockeDocument = documents.Stocke


def document_stocker(*, contenu: documents.Contenu, nom_fichier: str) -> documents.Stocke:
    """Check and store a supporting document in the tenant's own directory (PDF, JPEG, PNG)."""
    return documents.stocker(contenu=contenu, nom_fichier=nom_fichier)


def document_ouvrir(sha256: str) -> IO[bytes]:
    return documents.ouvrir(sha256)


def types_pieces() -> dict[str, str]:
    """Supporting-document types (code → label)."""
    return {code: str(libelle) for code, libelle in TypePiece.choices}


# --- Inter-ordonnateur moves driven by acts (sortie / entrée, transferts.py) -----------------


@dataclass(frozen=True)
class TransfertEntrant:
    """A pending move addressed to this tenant, with who it is about (no CIN, no RIB)."""

    id: int
    ppr: str
    nature: str
    date_effet: date
    source_code: str
    nom_fr: str
    prenom_fr: str
    nom_ar: str
    prenom_ar: str
    grade_code: str
    echelon: str
    indice: int | None


def destination_erreur(*, code: str) -> str | None:
    """Why this tenant cannot send an agent to the ordonnateur `code`."""
    destination = registre.destination_get(code=code)
    if destination is None:
        return _("Choisissez un ordonnateur actif de la plateforme (code inconnu : %(c)s).") % {
            "c": code
        }
    if destination.pk == registre.organisation_courante().pk:
        return _("Choisissez un autre ordonnateur que le vôtre.")
    return None


def transfert_entrant(*, transfert_id: int, acteur: str) -> TransfertEntrant | None:
    """The pending move `transfert_id` addressed to this tenant (None: missing, decided, or
    someone else's); reading who it is about is logged in the source's access journal."""
    transfert = transferts.transfert_entrant_get(transfert_id=transfert_id)
    if transfert is None:
        return None
    apercu = transferts.transfert_apercu(transfert=transfert, acteur=acteur)
    if apercu is None:
        return None
    return TransfertEntrant(
        id=transfert.pk,
        ppr=transfert.ppr,
        nature=transfert.nature,
        date_effet=transfert.date_effet,
        source_code=transfert.source.code,
        nom_fr=apercu.nom_fr,
        prenom_fr=apercu.prenom_fr,
        nom_ar=apercu.nom_ar,
        prenom_ar=apercu.prenom_ar,
        grade_code=apercu.grade_code,
        echelon=apercu.echelon,
        indice=apercu.indice,
    )


def transfert_proposer_depuis_acte(
    *,
    auteur: str,
    perimetre: Perimetre,
    agent_id: int,
    destination_code: str,
    nature: str,
    date_effet: date,
    motif: str,
    reference: str,
) -> int:
    """A visé sortie act proposes the move to the destination (which accepts it by its own
    entrée act); returns the move's id. Raises ValidationError like `transfert_proposer`."""
    agent = _agent(agent_id)
    transfert = transferts.transfert_proposer(
        auteur=auteur,
        agent=agent,
        perimetre=perimetre,
        destination_code=destination_code,
        nature=nature,
        date_effet=date_effet,
        motif=motif,
        reference=reference,
    )
    return transfert.pk


def transfert_accepter_depuis_acte(
    *, auteur: str, transfert_id: int, unite_code: str, poste_code: str
) -> int:
    """A visé entrée act accepts the pending move: both files change in one transaction (see
    transferts.transfert_accepter); returns the agent's id in this tenant."""
    transfert = transferts.transfert_entrant_get(transfert_id=transfert_id)
    if transfert is None:
        raise ValidationError(
            _("Le mouvement n° %(id)s n'est plus en attente.") % {"id": transfert_id}
        )
    transferts.transfert_accepter(
        auteur=auteur,
        transfert=transfert,
        perimetre=TOUT,
        unite_code=unite_code,
        poste_code=poste_code,
    )
    return Agent.objects.values_list("id", flat=True).get(ppr=transfert.ppr)


# --- The HR ↔ pay comparison and payroll pages (paie module) -------------------------------

SituationPaieAgent = paie_population.SituationPaieAgent


def situations_paie_mois(*, perimetre: Perimetre, mois: date) -> list[SituationPaieAgent]:
    """Every agent of the perimeter's HR file in `mois`: situation on its 1st, paid or not,
    the engine's input — set-based (four queries), for a whole ministry's comparison."""
    return paie_population.situations_paie_mois(perimetre=perimetre, mois=mois)


def acces_consigner(
    *, acteur: str, nature: str, agent_ids: Iterable[int], details: str = ""
) -> None:
    """Record in the access log (law 09-08) that `acteur` read these agents' personal data
    (`nature`: paie for a payslip). Raises when it cannot be written: do not serve the read."""
    journal_acces.consultation(acteur=acteur, nature=nature, agent_ids=agent_ids, details=details)


# --- Bulk campaigns of the acts module (set-based reads, see campagnes.py) ----------------

from modules.personnel.campagnes import (  # noqa: E402
    AgentCampagne,
    EnfantCampagne,
    EvenementCampagne,
    IndemniteCampagne,
    candidats_avancement,
    charges_mensuelles,
    enfants_lot,
    evenements_en_vigueur_lot,
    indemnites_lot,
    indemnites_mensuelles,
)
from modules.personnel.carriere import situation_plier  # noqa: E402

__all__ += [
    "AgentCampagne",
    "EnfantCampagne",
    "EvenementCampagne",
    "IndemniteCampagne",
    "candidats_avancement",
    "charges_mensuelles",
    "enfants_lot",
    "evenements_en_vigueur_lot",
    "indemnites_lot",
    "indemnites_mensuelles",
    "situation_plier",
]
