"""The yearly avancement d'échelon for thousands of agents at once: who is eligible at the
campaign's date, and each act's version (donnees, anomalies, impact, connu_au) exactly as
`services.acte_creer` would write it — computed on arrays.

For one block of candidate agents:
1. their in-force career events, children and indemnities are read in three queries;
2. each agent's situation is folded (`situation_plier`, the personnel rules); the échelon's
   duration in the grid gives the date the advancement is due (the act's date d'effet); an
   agent is eligible when that date is on or before the campaign's date;
3. the checks of `AvancementEchelon.verifier` are satisfied by construction for the "regular"
   agent (activity the day before, the grid's next échelon exists then, the duration is
   accomplished, no act under way); any agent outside that case — a career event inside the
   act's months, a grid that moved, an unknown regime — goes through the per-act path
   (`services.contexte`, the type's checks, `impact.impact_calculer`), so it is exact too;
4. the impact: every (agent, month) line before and after the act goes through the engine's
   batch path (`remuneration.lot.calculer_lot`), one call per month's parameter set; the
   grid, the residence zone and the parameters are resolved once per distinct value.
"""

from __future__ import annotations

import bisect
import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from django.utils.translation import gettext as _

from modules.actes import impact, services
from modules.actes.copie import JsonTexte
from modules.actes.types import communs, type_get
from modules.actes.types.base import Anomalie, TypeActe
from modules.personnel import facade as personnel
from modules.unites.perimetres import TOUT
from referentiel.models import Parametre
from referentiel.resolution import JeuParametres, ParametreIntrouvable
from remuneration.bulletin import TOTAUX
from remuneration.difference import mois_suivant
from remuneration.erreurs import DonneeInvalide
from remuneration.lot import ECHELLE_HE, Population, calculer_lot
from remuneration.moteur import calculer
from remuneration.parametres import ZONES, ParametresPaie
from remuneration.situation import REGIMES, Situation, situation_lire
from remuneration.sources import ParametresBase

TYPE_CODE = "avancement_echelon"
POSITION_ACTIVITE = "activite"
ERREURS_MOTEUR = (DonneeInvalide, ParametreIntrouvable, KeyError, ValueError)
# pay element codes of the totals an advancement can move (indemnities and allocations do
# not move: the same amounts before and after)
ELEMENTS = (
    ("TB", "traitement_base"),
    ("RES", "indemnite_residence"),
    ("CMR", "cmr"),
    ("RCAR", "rcar"),
    ("AMO", "amo"),
    ("IR", "ir"),
)


@dataclass
class ActeCalcule:
    """One act to write: what acte_creer would have stored."""

    agent: personnel.AgentCampagne
    date_effet: date
    unite_code: str
    echelon_avant: str
    echelon_apres: str
    donnees: dict[str, Any]
    anomalies: list[dict[str, Any]] = field(default_factory=list)
    impact: dict[str, Any] | JsonTexte = field(default_factory=dict)
    connu_au: datetime | None = None
    # the impact's monthly variation and arrears of the gross pay, for the lot's lines
    variation_brut: int = 0
    rappel_brut: int = 0


@dataclass
class Bloc:
    actes: list[ActeCalcule]
    non_eligibles: int = 0
    par_acte: int = 0  # acts that went through the per-act path


@dataclass
class _Regulier:
    acte: ActeCalcule
    grade: str
    indice: int | None  # the file's explicit indice (None: the grid decides)
    indice_apres: int | None
    echelle: str
    commune: str
    regime: str
    conjoint: bool
    mois: list[date]


class Calculateur:
    """Holds what a run resolves once: parameters (one instant for every act of the run,
    like one `acte_creer`), grids, zones."""

    def __init__(self, *, date_campagne: date, aujourd_hui: date) -> None:
        self.date_campagne = date_campagne
        self.courant = aujourd_hui.replace(day=1)
        self.source = ParametresBase()
        self._jeux: dict[date, JeuParametres] = {}
        self._parametres: dict[date, ParametresPaie | Exception] = {}
        self._grilles: dict[tuple[int, str, str, int | None, str], tuple[int, str] | str] = {}
        self._zones: dict[tuple[int, str], str] = {}
        self._traces: dict[tuple[date, str], dict[str, str] | None] = {}
        self._fragments: dict[tuple[date, str], str] = {}
        self._valeurs: dict[tuple[str, int], Mapping[str, Any] | None] = {}
        self._unions: dict[tuple[date, date, str], str | None] = {}
        # the dates a parameter takes effect: between two, every parameter stays the same
        self._bornes = sorted(set(Parametre.objects.values_list("valide_du", flat=True)))
        type_acte = type_get(TYPE_CODE)
        assert type_acte is not None
        self.type_acte: TypeActe = type_acte

    # --- reference lookups, each resolved once -------------------------------------------

    def jeu(self, le: date) -> JeuParametres:
        """The parameters in force on `le` (for grades and grids): the set in force since the
        latest date a parameter took effect on or before `le`, resolved once per such date."""
        position = bisect.bisect_right(self._bornes, le)
        borne = self._bornes[position - 1] if position else le
        if borne not in self._jeux:
            self._jeux[borne] = communs.jeu(borne)
        return self._jeux[borne]

    def _valeur(self, code: str, le: date) -> Mapping[str, Any] | None:
        """A parameter's value in force on `le`, looked up once per (code, parameter set);
        read-only (shared between the calls)."""
        jeu = self.jeu(le)
        cle = (code, id(jeu))
        if cle not in self._valeurs:
            trouve = jeu.valeurs.get(code)
            self._valeurs[cle] = dict(trouve.valeur) if trouve is not None else None
        return self._valeurs[cle]

    def classement(self, grade: str, le: date) -> Mapping[str, Any] | None:
        return self._valeur(f"grade.{grade}", le)

    def ligne(self, grille: str, echelon: str, le: date) -> Mapping[str, Any] | None:
        return self._valeur(f"grille.{grille}.{echelon}", le)

    def parametres(self, mois: date) -> ParametresPaie | Exception:
        if mois not in self._parametres:
            try:
                self._parametres[mois] = self.source(mois)
            except ERREURS_MOTEUR as erreur:
                self._parametres[mois] = erreur
        return self._parametres[mois]

    def grille(
        self, p: ParametresPaie, grade: str, echelon: str, indice: int | None, echelle: str
    ) -> tuple[int, str] | str:
        """(indice, échelle) as the engine reads them, or the engine's error message."""
        cle = (id(p.jeu), grade, echelon, indice, echelle)
        if cle not in self._grilles:
            entree: dict[str, Any] = {"grade": grade, "echelon": echelon, "zone": "A"}
            if indice:
                entree["indice"] = indice
            if echelle:
                entree["echelle"] = echelle
            try:
                s = situation_lire(entree, jeu=p.jeu)
                self._grilles[cle] = (s.indice, s.echelle)
            except ERREURS_MOTEUR as erreur:
                self._grilles[cle] = str(erreur)
        return self._grilles[cle]

    def zone(self, p: ParametresPaie, commune: str) -> str:
        """The zone's letter, or the engine's error message prefixed by '!'."""
        cle = (id(p.jeu), commune)
        if cle not in self._zones:
            entree: dict[str, Any] = {"indice": 100, "echelle": "10"}
            if commune:
                entree["affectation"] = commune
            try:
                self._zones[cle] = situation_lire(entree, jeu=p.jeu).zone
            except ERREURS_MOTEUR as erreur:
                self._zones[cle] = "!" + str(erreur)
        return self._zones[cle]

    def trace(self, mois: date, p: ParametresPaie, regime: str) -> dict[str, str] | None:
        """The parameter versions a payslip of this month and regime records (they do not
        depend on the amounts), or None when the engine refuses the regime that month."""
        cle = (mois, regime)
        if cle not in self._traces:
            try:
                bulletin = calculer(
                    situation=Situation(indice=300, echelle="10", zone="A", regime_retraite=regime),
                    parametres=p,
                )
                self._traces[cle] = dict(bulletin.parametres)
            except ERREURS_MOTEUR:
                self._traces[cle] = None
        return self._traces[cle]

    # --- eligibility ---------------------------------------------------------------------

    def echeance(self, grade: str, echelon: str, depuis: date) -> date | None:
        """The day the échelon's duration (grid at the campaign's date) is accomplished;
        None for the last échelon or an unknown grade."""
        classement = self.classement(grade, self.date_campagne)
        ligne = (
            self.ligne(classement["grille"], echelon, self.date_campagne) if classement else None
        )
        duree = ligne.get("duree_mois") if ligne else None
        if not duree:
            return None
        jour = communs.ajouter_mois(depuis, int(duree))
        while communs.mois_entre(depuis, jour) < int(duree):  # a 31st plus months
            jour += timedelta(days=1)
        return jour

    def bloc(self, agents: Sequence[personnel.AgentCampagne]) -> Bloc:
        """The acts of these candidates (agents not eligible are counted, not returned)."""
        ids = [a.id for a in agents]
        evenements = personnel.evenements_en_vigueur_lot(agent_ids=ids)
        reguliers: list[_Regulier] = []
        a_part: list[ActeCalcule] = []
        non_eligibles = 0
        for agent in agents:
            evs = evenements.get(agent.id, [])
            situation_d = personnel.situation_plier(evs, le=self.date_campagne)
            if not situation_d.grade_code or not situation_d.echelon.isdigit():
                non_eligibles += 1
                continue
            changements = [
                e.date_effet
                for e in evs
                if e.date_effet <= self.date_campagne and (e.echelon or e.grade_code)
            ]
            if not changements:
                non_eligibles += 1
                continue
            depuis = max(changements)
            date_effet = self.echeance(situation_d.grade_code, situation_d.echelon, depuis)
            if date_effet is None or date_effet > self.date_campagne:
                non_eligibles += 1
                continue
            veille = date_effet - timedelta(days=1)
            if all(e.date_effet <= veille for e in evs):
                # the same events apply the day before: the same situation (its date aside)
                situation = dataclasses.replace(situation_d, le=veille)
            else:
                situation = personnel.situation_plier(evs, le=veille)
            if situation.position != POSITION_ACTIVITE:
                non_eligibles += 1
                continue
            suivant = communs.echelon_suivant(situation.echelon)
            acte = ActeCalcule(
                agent=agent,
                date_effet=date_effet,
                unite_code=agent.unite_code or situation.unite_code,
                echelon_avant=situation.echelon,
                echelon_apres=suivant,
                donnees={"echelon": suivant},
            )
            regulier = self._regulier(acte, situation, evs, depuis)
            if regulier is None:
                a_part.append(acte)
            else:
                reguliers.append(regulier)
        self._impacts(reguliers)
        for acte in a_part:
            self._par_acte(acte)
        actes = [r.acte for r in reguliers] + a_part
        actes.sort(key=lambda a: a.agent.id)
        return Bloc(actes=actes, non_eligibles=non_eligibles, par_acte=len(a_part))

    def _regulier(
        self,
        acte: ActeCalcule,
        situation: personnel.SituationAdministrative,
        evenements: Sequence[personnel.EvenementCampagne],
        depuis: date,
    ) -> _Regulier | None:
        """The agent's inputs when the checks pass by construction and nothing moves inside
        the act's months; None sends the act through the per-act path."""
        date_effet = acte.date_effet
        veille = date_effet - timedelta(days=1)
        du = impact.premier_mois(date_effet)
        paiement = max(self.courant, du)
        if (
            not situation.connue
            or getattr(situation, "quotite", 100) != 100
            or situation.grade_code == ""
            or any(e.date_effet > veille for e in evenements)
            or acte.agent.regime_retraite not in REGIMES
        ):
            return None
        classement = self.classement(situation.grade_code, date_effet)
        if classement is None:
            return None
        actuelle = self.ligne(classement["grille"], situation.echelon, date_effet)
        nouvelle = self.ligne(classement["grille"], acte.echelon_apres, date_effet)
        duree = actuelle.get("duree_mois") if actuelle else None
        if nouvelle is None or not duree or communs.mois_entre(depuis, date_effet) < int(duree):
            return None
        indice_apres: int | None = None
        if situation.indice:
            if not nouvelle.get("indice"):
                return None
            indice_apres = int(nouvelle["indice"])
        mois = []
        m = du
        while m <= paiement:
            mois.append(m)
            m = mois_suivant(m)
        return _Regulier(
            acte=acte,
            grade=situation.grade_code,
            indice=situation.indice or None,
            indice_apres=indice_apres,
            echelle=situation.echelle,
            commune=acte.agent.commune_residence,
            regime=acte.agent.regime_retraite,
            conjoint=acte.agent.conjoint_a_charge,
            mois=mois,
        )

    def _par_acte(self, acte: ActeCalcule) -> None:
        """What acte_creer computes, the same way (a handful of queries for this agent)."""
        ctx = services.contexte(
            perimetre=TOUT,
            type_acte=self.type_acte,
            date_effet=acte.date_effet,
            agent_id=acte.agent.id,
        )
        anomalies = self.type_acte.verifier(ctx, acte.donnees)
        resultat, connu_au = impact.impact_calculer(
            type_acte=self.type_acte, ctx=ctx, donnees=acte.donnees
        )
        if resultat.get("erreur"):
            anomalies.append(Anomalie(str(resultat["erreur"])))
        acte.anomalies = [a.en_dict() for a in anomalies]
        acte.impact = resultat
        acte.connu_au = connu_au
        acte.variation_brut = int((resultat.get("variation") or {}).get("brut", 0))
        acte.rappel_brut = int((resultat.get("rappel") or {}).get("brut", 0))

    # --- the impact on arrays ----------------------------------------------------------------

    def _impacts(self, reguliers: list[_Regulier]) -> None:
        if not reguliers:
            return
        nombre = np.array([len(r.mois) for r in reguliers], dtype=np.int64)
        debut = np.concatenate([[0], np.cumsum(nombre)[:-1]]).astype(np.int64)
        mois_lignes = [m for r in reguliers for m in r.mois]
        total = len(mois_lignes)
        rang = {r.acte.agent.id: i for i, r in enumerate(reguliers)}
        ids = list(rang)
        allocations, enfants_ir = personnel.charges_mensuelles(
            enfants=personnel.enfants_lot(agent_ids=ids),
            rang_agent=rang,
            debut_lignes=debut,
            nombre_lignes=nombre,
            mois_lignes=mois_lignes,
        )
        sommes = personnel.indemnites_mensuelles(
            indemnites=personnel.indemnites_lot(agent_ids=ids),
            rang_agent=rang,
            debut_lignes=debut,
            nombre_lignes=nombre,
            mois_lignes=mois_lignes,
        )
        conjoint = np.repeat(np.array([r.conjoint for r in reguliers], dtype=np.int64), nombre)
        personnes_ir = enfants_ir + conjoint
        regime = np.repeat(
            np.array([REGIMES.index(r.regime) for r in reguliers], dtype=np.int64), nombre
        )
        entrees = self._entrees(reguliers, mois_lignes, nombre)
        premiere_erreur = np.minimum.reduceat(
            np.where(entrees.erreur > 0, np.arange(total), total), debut
        )
        en_erreur = premiere_erreur < total
        # the engine, one call per month (its parameter set), on the acts without error
        valides = ~np.repeat(en_erreur, nombre)
        avant = {k: np.zeros(total, np.int64) for k in TOTAUX}
        apres = {k: np.zeros(total, np.int64) for k in TOTAUX}
        a_refaire = np.zeros(len(reguliers), dtype=np.bool_)
        agent_de_ligne = np.repeat(np.arange(len(reguliers)), nombre)
        for position, m in enumerate(entrees.mois):
            lignes = np.flatnonzero(valides & (entrees.rang_mois == position))
            n = len(lignes)
            if not n:
                continue
            p = self._p(m)
            population = Population(
                indice=np.concatenate([entrees.indice[0, lignes], entrees.indice[1, lignes]]),
                echelle=np.concatenate([entrees.echelle[0, lignes], entrees.echelle[1, lignes]]),
                zone=np.concatenate([entrees.zone[0, lignes], entrees.zone[1, lignes]]),
                enfants_allocations=np.tile(allocations[lignes], 2),
                personnes_a_charge_ir=np.tile(personnes_ir[lignes], 2),
                regime=np.tile(regime[lignes], 2),
                ind_imposable_soumise=np.tile(sommes[(True, True)][lignes], 2),
                ind_imposable_non_soumise=np.tile(sommes[(True, False)][lignes], 2),
                ind_non_imposable_soumise=np.tile(sommes[(False, True)][lignes], 2),
                ind_non_imposable_non_soumise=np.tile(sommes[(False, False)][lignes], 2),
                mutuelle=np.zeros(2 * n, dtype=np.int64),
                autres_retenues=np.zeros(2 * n, dtype=np.int64),
                hausses_generales=np.zeros(2 * n, dtype=np.bool_),
            )
            try:
                totaux = calculer_lot(population=population, parametres=p)
            except ERREURS_MOTEUR:
                a_refaire[agent_de_ligne[lignes]] = True
                continue
            for k in TOTAUX:
                avant[k][lignes] = totaux[k][:n]
                apres[k][lignes] = totaux[k][n:]
        delta = {k: apres[k] - avant[k] for k in impact.TOTAUX_AFFICHES}
        # arrears: every line of an act but its last (the payment month)
        rappel_ligne = np.ones(total, dtype=np.int64)
        rappel_ligne[debut + nombre - 1] = 0
        rappels = {k: np.add.reduceat(v * rappel_ligne, debut).tolist() for k, v in delta.items()}
        derniere = debut + nombre - 1
        variations = {k: v[derniere].tolist() for k, v in delta.items()}
        colonnes = [delta["brut"].tolist(), delta["net"].tolist()]
        nets = [avant["net"].tolist(), apres["net"].tolist()]
        connu_au = self.source.connu_au
        for i, r in enumerate(reguliers):
            acte = r.acte
            if en_erreur[i]:
                x = int(premiere_erreur[i])
                message = _("Impact non calculable — %(e)s. Complétez l'acte ou le dossier.") % {
                    "e": entrees.messages[int(entrees.erreur[x])]
                }
                acte.impact = {"erreur": message}
                acte.anomalies = [Anomalie(message).en_dict()]
                acte.connu_au = None
                continue
            if a_refaire[i] or self._union(r) is None:
                self._par_acte(acte)
                continue
            variation = {k: variations[k][i] for k in impact.TOTAUX_AFFICHES}
            rappel = {k: rappels[k][i] for k in impact.TOTAUX_AFFICHES}
            acte.impact = JsonTexte(
                self._texte_impact(r, int(debut[i]), variation, rappel, colonnes, nets)
            )
            acte.variation_brut = variation["brut"]
            acte.rappel_brut = rappel["brut"]
            acte.anomalies = []
            acte.connu_au = connu_au

    def _p(self, m: date) -> ParametresPaie:
        p = self.parametres(m)
        assert not isinstance(p, Exception)
        return p

    def _entrees(
        self, reguliers: list[_Regulier], mois_lignes: list[date], nombre: npt.NDArray[np.int64]
    ) -> _Entrees:
        """Each line's indice, échelle and zone before and after, resolved once per distinct
        (month, grade and échelon) and (month, commune); or the engine's error, in the order
        the per-act path meets it (the month's parameters, then before: grid, zone; after:
        grid, zone)."""
        mois = sorted(set(mois_lignes))
        rang_m = {m: i for i, m in enumerate(mois)}
        rang_mois = np.fromiter((rang_m[m] for m in mois_lignes), dtype=np.int64)
        messages = [""]
        numeros: dict[str, int] = {}

        def numero(message: str) -> int:
            if message not in numeros:
                numeros[message] = len(messages)
                messages.append(message)
            return numeros[message]

        erreur_mois = np.zeros(len(mois), dtype=np.int64)
        for i, m in enumerate(mois):
            p = self.parametres(m)
            if isinstance(p, Exception):
                erreur_mois[i] = numero(str(p))
        cles: dict[tuple[str, str, int | None, str], int] = {}
        communes: dict[str, int] = {}
        cote_cle = np.zeros((2, len(reguliers)), dtype=np.int64)
        cle_commune = np.zeros(len(reguliers), dtype=np.int64)
        for j, r in enumerate(reguliers):
            for cote, echelon, explicite in (
                (0, r.acte.echelon_avant, r.indice),
                (1, r.acte.echelon_apres, r.indice_apres),
            ):
                cle = (r.grade, echelon, explicite, r.echelle)
                cote_cle[cote, j] = cles.setdefault(cle, len(cles))
            cle_commune[j] = communes.setdefault(r.commune, len(communes))
        liste_cles = list(cles)
        liste_communes = list(communes)
        total = len(mois_lignes)
        indice = np.zeros((2, total), dtype=np.int64)
        echelle = np.zeros((2, total), dtype=np.int64)
        zone = np.zeros((2, total), dtype=np.int64)
        erreurs = np.zeros((5, total), dtype=np.int64)  # month, grid/zone before, grid/zone after
        erreurs[0] = erreur_mois[rang_mois]
        commune_ligne = np.repeat(cle_commune, nombre)
        paire = rang_mois * len(liste_communes) + commune_ligne
        uniques, inverse = np.unique(paire, return_inverse=True)
        zones = np.zeros(len(uniques), dtype=np.int64)
        erreurs_zone = np.zeros(len(uniques), dtype=np.int64)
        for u, code in enumerate(uniques.tolist()):
            p = self.parametres(mois[code // len(liste_communes)])
            if isinstance(p, Exception):
                continue
            lettre = self.zone(p, liste_communes[code % len(liste_communes)])
            if lettre.startswith("!"):
                erreurs_zone[u] = numero(lettre[1:])
            else:
                zones[u] = ZONES.index(lettre)
        for cote in (0, 1):
            cle_ligne = np.repeat(cote_cle[cote], nombre)
            paire = rang_mois * len(liste_cles) + cle_ligne
            uniques_g, inverse_g = np.unique(paire, return_inverse=True)
            indices = np.zeros(len(uniques_g), dtype=np.int64)
            echelles = np.zeros(len(uniques_g), dtype=np.int64)
            erreurs_g = np.zeros(len(uniques_g), dtype=np.int64)
            for u, code in enumerate(uniques_g.tolist()):
                p = self.parametres(mois[code // len(liste_cles)])
                if isinstance(p, Exception):
                    continue
                grade, echelon, explicite, echelle_fixe = liste_cles[code % len(liste_cles)]
                grille = self.grille(p, grade, echelon, explicite, echelle_fixe)
                if isinstance(grille, str):
                    erreurs_g[u] = numero(grille)
                else:
                    indices[u] = grille[0]
                    echelles[u] = ECHELLE_HE if grille[1] == "HE" else int(grille[1])
            indice[cote] = indices[inverse_g]
            echelle[cote] = echelles[inverse_g]
            zone[cote] = zones[inverse]
            erreurs[1 + 2 * cote] = erreurs_g[inverse_g]
            erreurs[2 + 2 * cote] = erreurs_zone[inverse]
        # the first error of each line, in the per-act path's order
        premiere = np.argmax(erreurs > 0, axis=0)
        erreur = erreurs[premiere, np.arange(total)]
        return _Entrees(
            mois=mois,
            rang_mois=rang_mois,
            indice=indice,
            echelle=echelle,
            zone=zone,
            erreur=erreur,
            messages=messages,
        )

    def _fragment(self, m: date, regime: str) -> str:
        """The constant part of a line of the impact's JSON for this month and regime."""
        cle = (m, regime)
        if cle not in self._fragments:
            trace = self.trace(m, self._p(m), regime) or {}
            self._fragments[cle] = (
                f'{{"mois":"{m.isoformat()}","parametres":'
                f"{json.dumps(trace, ensure_ascii=False, separators=(',', ':'))},"
            )
        return self._fragments[cle]

    def _union(self, r: _Regulier) -> str | None:
        """The parameters of every month of the act, later months winning (as
        `impact_calculer` merges them), as JSON; None when the engine refuses a month."""
        cle = (r.mois[0], r.mois[-1], r.regime)
        if cle not in self._unions:
            parametres: dict[str, str] = {}
            union: str | None = None
            for m in r.mois:
                trace = self.trace(m, self._p(m), r.regime)
                if trace is None:
                    break
                parametres.update(trace)
            else:
                union = json.dumps(parametres, ensure_ascii=False, separators=(",", ":"))
            self._unions[cle] = union
        return self._unions[cle]

    def _texte_impact(
        self,
        r: _Regulier,
        debut: int,
        variation: dict[str, int],
        rappel: dict[str, int],
        colonnes: list[list[int]],
        nets: list[list[int]],
    ) -> str:
        """The impact's JSON text, the same document `impact.impact_calculer` stores (written
        as text: 300,000 acts of two years of months are too many dicts to build)."""
        brut, net = colonnes
        net_avant, net_apres = nets
        dernier = len(r.mois) - 1
        lignes = [
            f"{self._fragment(m, r.regime)}"
            f'"rappel":{"true" if j < dernier else "false"},"brut":{brut[debut + j]},'
            f'"net":{net[debut + j]},"avant_net":{net_avant[debut + j]},'
            f'"apres_net":{net_apres[debut + j]}}}'
            for j, m in enumerate(r.mois)
        ]
        rappel_elements = _elements(rappel)
        return (
            f'{{"du":"{r.mois[0].isoformat()}","mois_paiement":"{r.mois[-1].isoformat()}",'
            f'"mois_rappel":{dernier},"variation":{_objet(variation)},'
            f'"variation_elements":{_objet(_elements(variation))},'
            f'"rappel":{_objet(rappel)},"rappel_elements":{_objet(rappel_elements)},'
            f'"cout_annuel":{12 * variation["brut"]},"lignes":[{",".join(lignes)}],'
            f'"parametres":{self._union(r)},"erreur":""}}'
        )


@dataclass(frozen=True)
class _Entrees:
    mois: list[date]
    rang_mois: npt.NDArray[np.int64]
    indice: npt.NDArray[np.int64]
    echelle: npt.NDArray[np.int64]
    zone: npt.NDArray[np.int64]
    erreur: npt.NDArray[np.int64]  # 0, or the number of the line's first error message
    messages: list[str]


def _elements(totaux: dict[str, int]) -> dict[str, int]:
    """Pay element deltas from the totals' deltas, zeros left out (an advancement moves only
    these elements: indemnities and allocations are the same before and after)."""
    return {code: totaux[total] for code, total in ELEMENTS if totaux[total]}


def _objet(valeurs: dict[str, int]) -> str:
    return "{" + ",".join(f'"{k}":{v}' for k, v in valeurs.items()) + "}"
