"""What the personnel pages and exports show: rights per agent, masking, labels, the agent file.

Sensitive data (law 09-08) — CIN, RIB and health-related positions — is shown only to a person
holding `PERSONNEL_DONNEES_SENSIBLES` on the agent's unit; everyone else gets a masked value.
The same functions serve the pages and the exports, so both mask alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from identity import permissions
from identity.habilitations import Habilitation
from identity.permissions import Action
from modules.personnel import famille, paie, postes, selectors, services_pieces, validation
from modules.personnel.carriere import SituationAdministrative
from modules.personnel.models import (
    CHAMPS_SITUATION,
    POSITIONS_SANTE,
    Agent,
    EvenementCarriere,
    NatureEvenement,
    PieceJustificative,
    Position,
    Statut,
)
from modules.unites import facade as unites
from modules.unites.perimetres import Perimetre
from referentiel import selectors as referentiel
from remuneration.arrondi import texte
from remuneration.bulletin import GAIN

Codes = frozenset[str] | Literal["all"]
RIB_MASQUE = "••••"


def perimetre(habilitations: Iterable[Habilitation], action: Action) -> Perimetre:
    """The subtrees where these habilitations allow `action`."""
    return Perimetre.depuis(habilitations, roles=permissions.roles_for(action))


def _couvre(codes: Codes, unite_code: str) -> bool:
    return codes == "all" or unite_code in codes


@dataclass(frozen=True)
class Droits:
    """Which agents' sensitive data a person may read and whose file they may change, as unit
    codes (at most two small queries, whatever the number of agents shown)."""

    sensibles: Codes
    gerer: Codes

    @classmethod
    def depuis(cls, habilitations: Iterable[Habilitation]) -> Droits:
        held = list(habilitations)
        sensibles = perimetre(held, Action.PERSONNEL_DONNEES_SENSIBLES)
        gerer = perimetre(held, Action.PERSONNEL_GERER)
        codes_sensibles = unites.unite_codes(perimeter=sensibles)
        return cls(
            sensibles=codes_sensibles,
            # usually the same subtrees (the same roles): read them once
            gerer=codes_sensibles if gerer == sensibles else unites.unite_codes(perimeter=gerer),
        )

    def voit_sensible(self, agent: Agent) -> bool:
        return self.sensible_pour(agent.unite_code)

    def sensible_pour(self, unite_code: str) -> bool:
        """May read the sensitive data of the agents of this unit."""
        return _couvre(self.sensibles, unite_code)

    def peut_gerer(self, agent: Agent) -> bool:
        return _couvre(self.gerer, agent.unite_code)

    @property
    def sensible_quelque_part(self) -> bool:
        return bool(self.sensibles)


def cin_masque(cin: str) -> str:
    """ "AB123456" → "AB****56": enough to tell two files apart, not enough to reuse."""
    if not cin:
        return ""
    if len(cin) <= 4:
        return "*" * len(cin)
    return f"{cin[:2]}{'*' * (len(cin) - 4)}{cin[-2:]}"


def cin_affiche(cin: str, *, sensible: bool) -> str:
    return cin if sensible else cin_masque(cin)


def rib_affiche(rib: str, *, sensible: bool) -> str:
    if not rib:
        return ""
    return rib if sensible else RIB_MASQUE


def position_affichee(position: str, *, sensible: bool) -> str:
    if not position:
        return ""
    if position in POSITIONS_SANTE and not sensible:
        return _("Congé (détail réservé)")
    return str(Position(position).label) if position in Position.values else position


def statut_affiche(statut: str) -> str:
    return str(Statut(statut).label) if statut in Statut.values else statut


def lien(nom: str, *args: object) -> str | None:
    """The URL of a page another part of the module may not have published yet (None then)."""
    try:
        return reverse(nom, args=args)
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class Libelles:
    """Grade and unit names by code, read once per page."""

    grades: dict[str, tuple[str, str]]
    unites: dict[str, tuple[str, str]]

    @classmethod
    def lire(cls, *, perimetre_unites: Perimetre) -> Libelles:
        return cls(
            grades=referentiel.grade_libelles(),
            unites={
                u.code: (u.nom_fr, u.nom_ar) for u in unites.unite_list(perimeter=perimetre_unites)
            },
        )

    def grade(self, code: str) -> str:
        return self.grades.get(code, (code, ""))[0] if code else ""

    def unite(self, code: str) -> str:
        return self.unites.get(code, (code, ""))[0] if code else ""

    def grade_complet(self, code: str) -> str:
        """ "ADM-2 — Administrateur 2e grade", or the code alone when the name is unknown."""
        return f"{code} — {self.grades[code][0]}" if code in self.grades else code

    def unite_complete(self, code: str) -> str:
        return f"{code} — {self.unites[code][0]}" if code in self.unites else code


@dataclass(frozen=True)
class LigneAgent:
    """One agent as lists and exports show it (already masked)."""

    id: int
    ppr: str
    nom_fr: str
    prenom_fr: str
    nom_ar: str
    prenom_ar: str
    cin: str
    grade_code: str
    grade: str
    unite_code: str
    unite: str
    position: str
    statut: str
    poste_code: str
    echelle: str
    echelon: str
    indice: int | None
    date_recrutement: date | None


def ligne(agent: Agent, *, droits: Droits, libelles: Libelles) -> LigneAgent:
    sensible = droits.voit_sensible(agent)
    return LigneAgent(
        id=agent.id,
        ppr=agent.ppr,
        nom_fr=agent.nom_fr,
        prenom_fr=agent.prenom_fr,
        nom_ar=agent.nom_ar,
        prenom_ar=agent.prenom_ar,
        cin=cin_affiche(agent.cin, sensible=sensible),
        grade_code=agent.grade_code,
        grade=libelles.grade(agent.grade_code),
        unite_code=agent.unite_code,
        unite=libelles.unite(agent.unite_code),
        position=position_affichee(agent.position, sensible=sensible),
        statut=statut_affiche(agent.statut),
        poste_code=agent.poste_code,
        echelle=agent.echelle,
        echelon=agent.echelon,
        indice=agent.indice,
        date_recrutement=agent.date_recrutement,
    )


def perimetre_liste(
    *, habilitations: Iterable[Habilitation], filtres: selectors.Filtres
) -> Perimetre:
    """Where a list may look. A search that may hit a CIN (digits that are not a whole PPR) or a
    filter on a health position only looks where the person may read those: otherwise a
    masked column could still be probed through the search box."""
    held = list(habilitations)
    q = filtres.q.strip()
    sonde_cin = any(c.isdigit() for c in q) and not validation.ppr_pattern().fullmatch(q)
    if sonde_cin or filtres.position in POSITIONS_SANTE:
        return perimetre(held, Action.PERSONNEL_DONNEES_SENSIBLES)
    return perimetre(held, Action.PERSONNEL_VOIR)


# --- The agent file -------------------------------------------------------------------------


@dataclass(frozen=True)
class LigneEvenement:
    evenement: EvenementCarriere
    valeurs: list[tuple[str, str]]  # (label, value as shown)
    remplace_par: EvenementCarriere | None  # the correction or annulation that superseded it
    remplace: EvenementCarriere | None  # for a correction or an annulation: what it supersedes

    @property
    def supplante(self) -> bool:
        return self.remplace_par is not None

    @property
    def est_correction(self) -> bool:
        return self.evenement.nature == NatureEvenement.CORRECTION

    @property
    def est_annulation(self) -> bool:
        return self.evenement.nature == NatureEvenement.ANNULATION


LIBELLES_SITUATION = {
    "statut": gettext_lazy("Statut"),
    "corps_code": gettext_lazy("Corps"),
    "grade_code": gettext_lazy("Grade"),
    "echelle": gettext_lazy("Échelle"),
    "echelon": gettext_lazy("Échelon"),
    "indice": gettext_lazy("Indice"),
    "position": gettext_lazy("Position"),
    "unite_code": gettext_lazy("Unité d'affectation"),
    "poste_code": gettext_lazy("Poste budgétaire"),
}


def _valeurs(
    source: EvenementCarriere | SituationAdministrative, *, sensible: bool, libelles: Libelles
) -> list[tuple[str, str]]:
    valeurs: list[tuple[str, str]] = []
    for champ in CHAMPS_SITUATION:
        brut = getattr(source, champ)
        if brut in ("", None):
            continue
        if champ == "position":
            affiche = position_affichee(str(brut), sensible=sensible)
        elif champ == "statut":
            affiche = statut_affiche(str(brut))
        elif champ == "grade_code":
            affiche = libelles.grade_complet(str(brut))
        elif champ == "unite_code":
            affiche = libelles.unite_complete(str(brut))
        else:
            affiche = str(brut)
        valeurs.append((str(LIBELLES_SITUATION[champ]), affiche))
    return valeurs


def chronologie(
    evenements: Sequence[EvenementCarriere], *, sensible: bool, libelles: Libelles
) -> list[LigneEvenement]:
    """Every event, the most recent effect first, each superseded one with what replaced it."""
    par_id = {e.id: e for e in evenements}
    remplacant = {e.remplace_id: e for e in evenements if e.remplace_id is not None}
    ordre = sorted(evenements, key=lambda e: (e.date_effet, e.enregistre_le, e.id), reverse=True)
    return [
        LigneEvenement(
            evenement=e,
            valeurs=_valeurs(e, sensible=sensible, libelles=libelles),
            remplace_par=remplacant.get(e.id),
            remplace=par_id.get(e.remplace_id) if e.remplace_id is not None else None,
        )
        for e in ordre
    ]


@dataclass(frozen=True)
class LignePaie:
    code: str
    libelle_fr: str
    libelle_ar: str
    gain: bool
    base: str
    taux: str
    montant: str


TOTAUX_AFFICHES = (
    ("brut", gettext_lazy("Salaire brut")),
    ("brut_imposable", gettext_lazy("Brut imposable")),
    ("net_imposable", gettext_lazy("Net imposable")),
    ("ir", gettext_lazy("Impôt sur le revenu")),
    ("net", gettext_lazy("Net à payer")),
)


@dataclass(frozen=True)
class Paie:
    mois: date
    lignes: list[LignePaie]
    totaux: list[tuple[str, str]]
    motif: str


def paie_du_mois(*, agent: Agent, mois: date) -> Paie:
    situation = selectors.situation_au(agent=agent, le=mois)
    elements = paie.elements_paie(agent=agent, situation=situation, mois=mois)
    if elements.bulletin is None:
        return Paie(mois=mois, lignes=[], totaux=[], motif=elements.motif)
    lignes = [
        LignePaie(
            code=e.code,
            libelle_fr=e.libelle_fr,
            libelle_ar=e.libelle_ar,
            gain=e.nature == GAIN,
            base="" if e.base_centimes is None else texte(e.base_centimes),
            taux="" if e.taux_bp is None else f"{e.taux_bp / 100:.2f} %",
            montant=texte(e.montant_centimes),
        )
        for e in elements.bulletin.elements
    ]
    totaux = [
        (str(libelle), texte(elements.bulletin.totaux[cle]))
        for cle, libelle in TOTAUX_AFFICHES
        if cle in elements.bulletin.totaux
    ]
    return Paie(mois=mois, lignes=lignes, totaux=totaux, motif="")


@dataclass(frozen=True)
class PieceAffichee:
    piece: PieceJustificative
    reservee: bool  # neither its name nor its type is shown
    url: str | None


def piece_affichee(piece: PieceJustificative, *, sensible: bool) -> PieceAffichee:
    if piece.type_piece in services_pieces.TYPES_SENSIBLES and not sensible:
        return PieceAffichee(piece=piece, reservee=True, url=None)
    return PieceAffichee(
        piece=piece, reservee=False, url=lien("personnel:piece_telecharger", piece.id)
    )


@dataclass(frozen=True)
class Fiche:
    """Everything the agent page shows, masked for the person reading it."""

    agent: Agent
    sensible: bool
    gerer: bool
    cin: str
    rib: str
    le: date
    situation: list[tuple[str, str]]
    situation_connue: bool
    charges: famille.Charges
    evenements: list[LigneEvenement]
    paie: Paie
    pieces: list[PieceAffichee]
    liens: dict[str, str | None] = field(default_factory=dict)


def fiche(*, agent: Agent, droits: Droits, libelles: Libelles, le: date, mois: date) -> Fiche:
    """The agent file as shown (agent from `selectors.agent_dossier`, so no further query for
    children, events and documents; the pay engine reads its parameters)."""
    sensible = droits.voit_sensible(agent)
    situation = selectors.situation_au(agent=agent, le=le)
    return Fiche(
        agent=agent,
        sensible=sensible,
        gerer=droits.peut_gerer(agent),
        cin=cin_affiche(agent.cin, sensible=sensible),
        rib=rib_affiche(agent.rib, sensible=sensible),
        le=le,
        situation=_valeurs(situation, sensible=sensible, libelles=libelles),
        situation_connue=situation.connue,
        charges=famille.charges_au(
            enfants=list(agent.enfants.all()), conjoint_a_charge=agent.conjoint_a_charge, le=le
        ),
        evenements=chronologie(list(agent.evenements.all()), sensible=sensible, libelles=libelles),
        paie=paie_du_mois(agent=agent, mois=mois),
        pieces=[piece_affichee(p, sensible=sensible) for p in agent.pieces.all()],
        liens={
            "piece_ajouter": lien("personnel:piece_ajouter", agent.id),
            "transfert_proposer": lien("personnel:transfert_proposer", agent.id),
        },
    )


# --- Options of the forms' selects ----------------------------------------------------------


def grades_choix(libelles: Libelles) -> list[tuple[str, str]]:
    return [(code, f"{code} — {fr}") for code, (fr, _ar) in sorted(libelles.grades.items())]


def unites_choix(perimetre_unites: Perimetre, *, actives: bool = True) -> list[tuple[str, str]]:
    return [
        (u.code, f"{u.code} — {u.nom_fr}")
        for u in unites.unite_list(perimeter=perimetre_unites)
        if u.active or not actives
    ]


def postes_choix() -> list[tuple[str, str]]:
    return [(code, f"{code} — {libelle}") for code, libelle in postes.postes_actifs()]
