"""The Treasury's monthly payroll run (protocol v1 §5.5): each ordonnateur's pay computed from
the simulator's OWN copy of its agents with the remuneration engine, plus the items the
ordonnateur does not control (précomptes, oppositions, corrections), emitted as one `paie`
file per ordonnateur.

The engine's parameters come from the referentiel's fixture files (no database): the same
recordings `manage.py referentiel charger` puts in the platform's database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from referentiel import fixtures_io
from referentiel.resolution import ParametreIntrouvable, jeu_resoudre
from remuneration import moteur
from remuneration.bulletin import GAIN
from remuneration.erreurs import DonneeInvalide
from remuneration.parametres import ParametresPaie, parametres_depuis_jeu
from remuneration.situation import situation_lire
from simulateur.stockage import Stockage

POSITIONS_NON_PAYEES = ("detachement", "disponibilite", "cessation")
NATURES_TRESOR = ("precompte", "opposition", "correction")
# Fields of the copy that change the grid position: when an act moved them away from the
# initial copy's engine input, the explicit index and scale of that input no longer hold.
CHAMPS_GRILLE = ("grade", "echelon")


@lru_cache(maxsize=24)
def parametres(mois: date) -> ParametresPaie:
    jeu = jeu_resoudre(
        enregistrements=tuple(fixtures_io.enregistrements_fixtures()),
        le=mois,
        connu_au=fixtures_io.EPOQUE_FIXTURES,
    )
    return parametres_depuis_jeu(jeu)


def texte(centimes: int) -> str:
    signe = "-" if centimes < 0 else ""
    return f"{signe}{abs(centimes) // 100}.{abs(centimes) % 100:02d}"


def centimes(montant: str) -> int:
    valeur = Decimal(montant)
    if valeur != valeur.quantize(Decimal("0.01")):
        raise ValueError(f"montant au centime attendu : {montant}")
    return int(valeur * 100)


def entree_moteur(copie: dict[str, Any], *, mois: date, zone_defaut: str) -> dict[str, Any]:
    """The engine's input from the Treasury's copy: the initial copy's input (`paie`, from the
    ordonnateur's reprise) with what visé acts changed since laid over it."""
    base = dict(copie.get("paie") or {})
    entree: dict[str, Any] = {k: v for k, v in base.items() if k != "mois"}
    entree["mois"] = f"{mois:%Y-%m}"
    deplace = any(
        copie.get(champ) not in (None, "") and str(copie.get(champ)) != str(base.get(champ, ""))
        for champ in CHAMPS_GRILLE
    )
    if deplace or not base:
        entree.pop("indice", None)
        entree.pop("echelle", None)
        for champ in CHAMPS_GRILLE:
            if copie.get(champ):
                entree[champ] = str(copie[champ])
        if copie.get("indice") and not copie.get("grade"):
            entree["indice"] = int(copie["indice"])
            entree["echelle"] = str(copie.get("echelle") or "")
    if "zone" not in entree and "affectation" not in entree:
        entree["zone"] = zone_defaut
    # The share of the traitement an act left (suspension, congé at half pay), or half pay from
    # the day a congé de maladie reaches it (controles.appliquer keeps both in the copy).
    quotite = copie.get("quotite")
    demi = copie.get("demi_traitement_du")
    if quotite is None and demi and str(demi) <= f"{mois:%Y-%m}-01":
        quotite = 50
    if quotite is not None and int(quotite) < 100:
        entree["quotite"] = int(quotite)
    return entree


@dataclass(frozen=True)
class Calendrier:
    jour_arret: int
    jour_paiement: int

    def dates(self, mois: date) -> tuple[date, date]:
        return mois.replace(day=self.jour_arret), mois.replace(day=self.jour_paiement)


def elements_tresor(stockage: Stockage, ordonnateur: str, mois: date) -> dict[str, list[Any]]:
    """The Treasury-side items in force this month, per PPR."""
    cle = f"{mois:%Y-%m}"
    par_ppr: dict[str, list[Any]] = {}
    for row in stockage.tous(
        "SELECT * FROM element_tresor WHERE ordonnateur = ? AND du <= ? "
        "AND (au IS NULL OR au >= ?) ORDER BY ppr, id",
        ordonnateur,
        cle,
        cle,
    ):
        par_ppr.setdefault(str(row["ppr"]), []).append(row)
    return par_ppr


def lignes_agents(
    stockage: Stockage, *, ordonnateur: str, mois: date, zone_defaut: str, remarques: list[str]
) -> Iterator[dict[str, Any]]:
    """One `agent` record per agent the Treasury pays this month, in PPR order."""
    p = parametres(mois)
    tresor = elements_tresor(stockage, ordonnateur, mois)
    for row in stockage.tous(
        "SELECT ppr, situation, present FROM agent WHERE ordonnateur = ? ORDER BY ppr", ordonnateur
    ):
        copie: dict[str, Any] = json.loads(row["situation"])
        if not row["present"] or copie.get("position") in POSITIONS_NON_PAYEES:
            continue
        if copie.get("quotite") is not None and int(copie["quotite"]) == 0:
            continue  # traitement suspended whole: nothing paid
        if copie.get("paie") is None and not copie.get("grade") and not copie.get("indice"):
            continue  # a copy without grade nor index: nothing to pay on (seeded from an act)
        ppr = str(row["ppr"])
        try:
            situation = situation_lire(
                entree_moteur(copie, mois=mois, zone_defaut=zone_defaut), jeu=p.jeu
            )
            bulletin = moteur.calculer(situation=situation, parametres=p)
        except (DonneeInvalide, ParametreIntrouvable) as erreur:
            remarques.append(f"{ppr} non payé : calcul impossible ({erreur})")
            continue
        elements = [
            {
                "code": e.code,
                "libelle": e.libelle_fr,
                "libelle_ar": e.libelle_ar,
                "sens": "gain" if e.nature == GAIN else "retenue",
                "montant": texte(e.montant_centimes),
                "origine": "engine",
            }
            for e in bulletin.elements
            if e.montant_centimes
        ]
        for item in tresor.get(ppr, []):
            elements.append(
                {
                    "code": str(item["code"]),
                    "libelle": str(item["libelle"]),
                    "sens": str(item["sens"]),
                    "montant": texte(int(item["montant"])),
                    "origine": "tresor",
                }
            )
        brut = sum(centimes(e["montant"]) for e in elements if e["sens"] == "gain")
        retenues = sum(centimes(e["montant"]) for e in elements if e["sens"] == "retenue")
        administrative = {
            "grade": copie.get("grade") or None,
            "echelle": None if not copie.get("echelle") else str(copie["echelle"]),
            "echelon": None if not copie.get("echelon") else str(copie["echelon"]),
            "indice": situation.indice,
            "position": copie.get("position") or "activite",
            "statut": copie.get("statut") or None,
        }
        yield {
            "type": "agent",
            "ppr": ppr,
            "nom": str(copie.get("nom") or ""),
            "prenom": str(copie.get("prenom") or ""),
            "nom_ar": copie.get("nom_ar") or None,
            "prenom_ar": copie.get("prenom_ar") or None,
            "administrative": administrative,
            "imputation": str(copie.get("imputation") or ""),
            "elements": elements,
            "brut": texte(brut),
            "retenues": texte(retenues),
            "net": texte(brut - retenues),
        }


def fichier_paie(
    stockage: Stockage,
    *,
    ordonnateur: str,
    mois: date,
    calendrier: Calendrier,
    zone_defaut: str,
    remarques: list[str],
) -> list[dict[str, Any]]:
    """Header, agents, trailer totals per (imputation, rubrique, sens)."""
    agents = list(
        lignes_agents(
            stockage,
            ordonnateur=ordonnateur,
            mois=mois,
            zone_defaut=zone_defaut,
            remarques=remarques,
        )
    )
    totaux: dict[tuple[str, str, str], list[Any]] = {}
    for agent in agents:
        for e in agent["elements"]:
            cle = (agent["imputation"], e["code"], e["sens"])
            total = totaux.setdefault(cle, [e["libelle"], 0, 0])
            total[1] += centimes(e["montant"])
            total[2] += 1
    arret, paiement = calendrier.dates(mois)
    brut = sum(centimes(a["brut"]) for a in agents)
    retenues = sum(centimes(a["retenues"]) for a in agents)
    entete = {
        "type": "entete",
        "mois": f"{mois:%Y-%m}",
        "ordonnateur": ordonnateur,
        "date_arret": arret.isoformat(),
        "date_paiement": paiement.isoformat(),
        "agents": len(agents),
        "brut": texte(brut),
        "retenues": texte(retenues),
        "net": texte(brut - retenues),
    }
    pied = [
        {
            "type": "total",
            "imputation": imputation,
            "rubrique": rubrique,
            "libelle": libelle,
            "sens": sens,
            "montant": texte(montant),
            "agents": nombre,
        }
        for (imputation, rubrique, sens), (libelle, montant, nombre) in sorted(totaux.items())
    ]
    return [entete, *agents, *pied]


def reprise_charger(stockage: Stockage, lignes: Iterator[dict[str, Any]], *, le: str) -> int:
    """The ordonnateur's population as the Treasury's own copy (one transaction): each line of
    `manage.py echange reprise_tresor`. Returns the number of agents loaded."""
    nombre = 0
    with stockage.transaction():
        for ligne in lignes:
            copie = {
                "nom": ligne.get("nom"),
                "prenom": ligne.get("prenom"),
                "nom_ar": ligne.get("nom_ar"),
                "prenom_ar": ligne.get("prenom_ar"),
                "grade": ligne.get("grade") or None,
                "echelle": ligne.get("echelle") or None,
                "echelon": ligne.get("echelon") or None,
                "indice": ligne.get("indice"),
                "position": ligne.get("position") or "activite",
                "statut": ligne.get("statut") or None,
                "unite": ligne.get("unite") or None,
                "poste": ligne.get("poste") or None,
                "imputation": ligne.get("imputation") or "",
                "paie": ligne.get("situation_paie"),
            }
            stockage.situation_ecrire(
                str(ligne["ordonnateur"]),
                str(ligne["ppr"]),
                {k: v for k, v in copie.items() if v is not None},
                le=le,
                present=copie["position"] != "cessation",
            )
            nombre += 1
    return nombre


def element_ajouter(
    stockage: Stockage,
    *,
    ordonnateur: str,
    ppr: str,
    nature: str,
    code: str,
    libelle: str,
    sens: str,
    montant: str,
    du: str,
    au: str | None,
) -> None:
    """A Treasury-side item on an agent's pay, from month `du` to `au` (inclusive, open when
    None): a précompte (loan), an opposition (saisie-arrêt, pension alimentaire) or a
    correction."""
    if nature not in NATURES_TRESOR:
        raise ValueError(f"nature inconnue : {nature} ({', '.join(NATURES_TRESOR)})")
    if sens not in ("gain", "retenue"):
        raise ValueError("sens : gain ou retenue")
    stockage.executer(
        "INSERT INTO element_tresor(ordonnateur, ppr, nature, code, libelle, sens, montant, du, au)"
        " VALUES (?,?,?,?,?,?,?,?,?)",
        ordonnateur,
        ppr,
        nature,
        code,
        libelle,
        sens,
        centimes(montant),
        du,
        au,
    )
