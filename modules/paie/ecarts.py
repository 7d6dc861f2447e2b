"""HR ↔ pay comparison of a month, set-based (docs/paie.md "Écarts RH ↔ paie").

The month's Treasury lines are read in one SQL statement (each line's net of engine-originated
elements summed in SQL from its JSON), the HR file's situations on the 1st of the month in four
queries through the personnel facade, and the expected pay of every paid HR agent is computed by
the remuneration engine's batch path (numpy) in one pass. Five natures of gap:

- `paye_inconnu`: a PPR paid that the HR file does not know;
- `paye_non_payable`: paid while the HR file puts the agent in a position this ordonnateur does
  not pay (détachement, disponibilité, cessation, traitement suspendu, mis à disposition here);
- `non_paye`: in the HR file in a paid position, and not paid;
- `situation`: grade, échelon, indice or position the Treasury holds differ from the HR file;
- `montant`: the net of the engine's elements paid differs from the engine's net for the HR
  situation by more than the tolerance. Treasury-side items (précomptes, oppositions,
  corrections: `origine` « tresor ») are left out of both sides: they never raise a gap.

A run replaces the month's open gaps; a gap already explained or corrected keeps its decision
(and is refreshed with the new values) while it still applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from audit import services as audit_services
from modules.paie.models import EcartPaie, MoisPaie, NatureEcartPaie, StatutEcartPaie
from modules.personnel import facade as personnel
from modules.unites.perimetres import TOUT
from referentiel.resolution import ParametreIntrouvable
from remuneration.erreurs import DonneeInvalide
from remuneration.lot import calculer_lot, population_depuis_situations
from remuneration.situation import Situation, situation_lire
from remuneration.sources import ParametresBase

AUTEUR_SYSTEME = "système (comparaison RH ↔ paie)"
# One dirham by default: the engine and the Treasury round alike, so any real gap is larger.
TOLERANCE_CENTIMES_DEFAUT = 100


def tolerance_centimes() -> int:
    return int(getattr(settings, "INDIMAJ_PAIE_TOLERANCE_CENTIMES", TOLERANCE_CENTIMES_DEFAUT))


@dataclass(frozen=True)
class LigneLue:
    ppr: str
    agent_id: int | None
    nom: str
    unite_code: str
    grade: str
    echelon: str
    indice: int | None
    position: str
    net_engine: int


@dataclass(frozen=True)
class Attendus:
    """The engine's view of the HR file for the month, for the agents it pays."""

    nets: dict[int, int]  # agent id → expected net, centimes
    indices: dict[int, int]  # agent id → index the engine uses (grid of grade + échelon)
    erreurs: dict[int, str]  # agent id → why the expected pay cannot be computed


@dataclass
class Constat:
    ppr: str
    agent_id: int | None
    nom: str
    unite_code: str
    nature: str
    detail: dict[str, Any] = field(default_factory=dict)
    attendu: int | None = None
    paye: int | None = None


SQL_LIGNES = """
SELECT l.ppr, l.agent_id, l.nom, l.unite_code, l.grade, l.echelon, l.indice, l.position,
       coalesce(sum(CASE WHEN e->>'sens' = 'gain' THEN (e->>'montant')::bigint
                         ELSE -(e->>'montant')::bigint END)
                FILTER (WHERE e->>'origine' = 'engine'), 0)::bigint
FROM paie_lignepaie l
LEFT JOIN LATERAL jsonb_array_elements(l.elements) e ON true
WHERE l.mois_id = %s
GROUP BY l.id
"""


def _lignes(mois_id: int) -> list[LigneLue]:
    with connection.cursor() as curseur:
        curseur.execute(SQL_LIGNES, [mois_id])
        return [LigneLue(*ligne) for ligne in curseur.fetchall()]


def nets_attendus(situations: list[personnel.SituationPaieAgent], mois: date) -> Attendus:
    """The expected net of every paid agent, by the batch path for the whole population at
    once, with the index the engine resolved (the HR file usually holds grade and échelon
    only, the Treasury states the index)."""
    source = ParametresBase()
    parametres = source(mois)
    lues: list[Situation] = []
    ids: list[int] = []
    erreurs: dict[int, str] = {}
    # Many agents share one situation (grade, échelon, residence, family): parse each once.
    deja: dict[str, Situation | str] = {}
    for s in situations:
        if s.entree is None:
            continue
        cle = repr(s.entree)  # built field by field in one fixed order: a faithful key
        lue = deja.get(cle)
        if lue is None:
            try:
                lue = situation_lire(s.entree, jeu=parametres.jeu)
            except (DonneeInvalide, ParametreIntrouvable) as erreur:
                lue = str(erreur)
            deja[cle] = lue
        if isinstance(lue, str):
            erreurs[s.agent_id] = lue
            continue
        lues.append(lue)
        ids.append(s.agent_id)
    indices = {ident: lue.indice for ident, lue in zip(ids, lues, strict=True)}
    if not lues:
        return Attendus(nets={}, indices={}, erreurs=erreurs)
    nets = calculer_lot(population=population_depuis_situations(lues), parametres=parametres)["net"]
    return Attendus(
        nets=dict(zip(ids, (int(n) for n in nets), strict=True)), indices=indices, erreurs=erreurs
    )


def _constat(
    ligne: LigneLue,
    agent: personnel.SituationPaieAgent | None,
    nature: str,
    agent_id: int | None = None,
    **valeurs: Any,
) -> Constat:
    return Constat(
        ppr=ligne.ppr,
        agent_id=agent_id,
        nom=ligne.nom,
        unite_code=agent.unite_code if agent else ligne.unite_code,
        nature=nature,
        **valeurs,
    )


def constats_etablir(
    *, lignes: list[LigneLue], situations: list[personnel.SituationPaieAgent], mois: date
) -> list[Constat]:
    """Every gap of the month, pure comparison (no write)."""
    rh = {s.ppr: s for s in situations}
    tolerance = tolerance_centimes()
    attendus = nets_attendus(situations, mois)
    constats: list[Constat] = []
    payes = set()
    for ligne in lignes:
        payes.add(ligne.ppr)
        agent = rh.get(ligne.ppr)

        if agent is None:
            constats.append(
                _constat(ligne, agent, NatureEcartPaie.PAYE_INCONNU, paye=ligne.net_engine)
            )
            continue
        if not agent.payee:
            constats.append(
                _constat(
                    ligne,
                    agent,
                    NatureEcartPaie.PAYE_NON_PAYABLE,
                    agent.agent_id,
                    detail={"position": agent.position},
                    paye=ligne.net_engine,
                )
            )
            continue
        rh_valeurs = {
            "grade": agent.grade_code,
            "echelon": agent.echelon,
            "indice": agent.indice or attendus.indices.get(agent.agent_id),
        }
        differences = [
            {"champ": champ, "rh": rh_valeurs[champ], "paie": getattr(ligne, champ)}
            for champ in ("grade", "echelon", "indice")
            if getattr(ligne, champ) not in ("", None)
            and str(getattr(ligne, champ)) != str(rh_valeurs[champ] or "")
        ]
        if ligne.position and agent.position and ligne.position != agent.position:
            differences.append({"champ": "position", "rh": agent.position, "paie": ligne.position})
        if differences:
            constats.append(
                _constat(
                    ligne,
                    agent,
                    NatureEcartPaie.SITUATION,
                    agent.agent_id,
                    detail={"champs": differences},
                )
            )
        attendu = attendus.nets.get(agent.agent_id)
        if attendu is None:
            constats.append(
                _constat(
                    ligne,
                    agent,
                    NatureEcartPaie.MONTANT,
                    agent.agent_id,
                    detail={"erreur": attendus.erreurs.get(agent.agent_id, "")},
                    paye=ligne.net_engine,
                )
            )
        elif abs(attendu - ligne.net_engine) > tolerance:
            constats.append(
                _constat(
                    ligne,
                    agent,
                    NatureEcartPaie.MONTANT,
                    agent.agent_id,
                    detail={"difference": ligne.net_engine - attendu, "tolerance": tolerance},
                    attendu=attendu,
                    paye=ligne.net_engine,
                )
            )
    for agent in situations:
        if agent.payee and agent.ppr not in payes:
            constats.append(
                Constat(
                    ppr=agent.ppr,
                    agent_id=agent.agent_id,
                    nom=agent.nom,
                    unite_code=agent.unite_code,
                    nature=NatureEcartPaie.NON_PAYE,
                    detail={"position": agent.position},
                    attendu=attendus.nets.get(agent.agent_id),
                )
            )
    return constats


CHAMPS_LIBELLES = {
    "grade": gettext_lazy("Grade"),
    "echelon": gettext_lazy("Échelon"),
    "indice": gettext_lazy("Indice"),
    "position": gettext_lazy("Position"),
}


def detail_affiche(detail: dict[str, Any] | None, *, sensible: bool) -> dict[str, Any]:
    """A gap's detail as people read it: fields and positions by their labels, a health-related
    position masked unless `sensible` (law 09-08). The stored detail keeps the codes."""
    affiche = dict(detail or {})

    def position(code: Any) -> str:
        return personnel.position_libelle(str(code or ""), sensible=sensible)

    if affiche.get("position"):
        affiche["position"] = position(affiche["position"])
    affiche["champs"] = [
        {
            "champ": CHAMPS_LIBELLES.get(c.get("champ"), c.get("champ")),
            "rh": position(c.get("rh")) if c.get("champ") == "position" else c.get("rh"),
            "paie": position(c.get("paie")) if c.get("champ") == "position" else c.get("paie"),
        }
        for c in affiche.get("champs") or []
    ]
    return affiche


SQL_PURGER = """
DELETE FROM paie_ecartpaie g
WHERE g.mois_id = %s AND g.statut = %s
  AND NOT EXISTS (SELECT 1 FROM unnest(%s::text[], %s::text[]) AS k(ppr, nature)
                  WHERE k.ppr = g.ppr AND k.nature = g.nature)
"""


def ecarts_calculer(*, mois_id: int, auteur: str) -> int:
    """Refresh the month's gap work list; returns the number of gaps found (0 when the month is
    gone: nothing to compare, and a job queued before a removal must not fail)."""
    mois = MoisPaie.objects.filter(pk=mois_id).first()
    if mois is None:
        return 0
    situations = personnel.situations_paie_mois(perimetre=TOUT, mois=mois.mois)
    constats = constats_etablir(lignes=_lignes(mois_id), situations=situations, mois=mois.mois)
    with transaction.atomic():
        # Concurrent runs of one month (an ingestion and a manual re-run) take turns.
        mois = MoisPaie.objects.select_for_update().get(pk=mois_id)
        EcartPaie.objects.bulk_create(
            [
                EcartPaie(
                    mois=mois,
                    ppr=c.ppr,
                    agent_id=c.agent_id,
                    nom=c.nom,
                    unite_code=c.unite_code,
                    nature=c.nature,
                    detail=c.detail,
                    attendu=c.attendu,
                    paye=c.paye,
                )
                for c in constats
            ],
            batch_size=5000,
            update_conflicts=True,
            unique_fields=["mois", "ppr", "nature"],
            update_fields=["agent_id", "nom", "unite_code", "detail", "attendu", "paye"],
        )
        with connection.cursor() as curseur:
            curseur.execute(
                SQL_PURGER,
                [
                    mois_id,
                    StatutEcartPaie.OUVERT,
                    [c.ppr for c in constats],
                    [str(c.nature) for c in constats],
                ],
            )
            retires = curseur.rowcount
        mois.compare_le = timezone.now()
        mois.save(update_fields=["compare_le"])
        par_nature: dict[str, int] = {}
        for c in constats:
            par_nature[str(c.nature)] = par_nature.get(str(c.nature), 0) + 1
        audit_services.audit_record(
            actor=auteur,
            action="paie.ecarts_calculer",
            object_type="mois_paie",
            object_id=str(mois_id),
            data={"mois": f"{mois.mois:%Y-%m}", "ecarts": par_nature, "retires": retires},
        )
    return len(constats)
