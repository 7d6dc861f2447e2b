"""`benchmark actes`: the pecuniary impact of N acts on a realistic tenant, against recomputing
both situations from scratch for every month of every act.

Everything happens in a throwaway tenant (`bench-actes`) provisioned for the run and dropped at
the end, whatever happens (schema, rows of the national PPR registry, domain, organisation).
Existing tenants are never read nor written, Keycloak is not touched.

Steps:
1. the demo unit tree and `agents` generated agents imported through the real (set-based)
   importer (`personnel.demo.demo_peupler`), then every agent's residence in a classified
   commune and the tenant's tables vacuumed and analysed (`vacuum_seconds`) — not timed;
2. N acts of six types on random agents in activity (avancement d'échelon, mutation to another
   residence commune, birth of a child, attribution of an indemnity, early retirement,
   titularisation when the agent is stagiaire — otherwise an échelon advancement), each dated
   0 to 24 months back (the 1st or the 15th: a 15th is paid from the next month), so 1 to 25
   months are computed per act. Each act's context and values are read as `acte_creer` reads
   them (`services.contexte`, `type.lire`) — not timed;
3. `impact_*_ms`: `impact.impact_calculer` per act, as `acte_creer` calls it (loads the agent's
   pay file once, reads the parameters' state once, computes every month before and after);
4. baseline on a sample of the same acts: for every month, the agent's file reloaded, the
   engine's inputs rebuilt, fresh parameters read from the database without cache, both
   situations computed; its deltas are checked equal to the fast path's to the centime (the
   run fails otherwise). `ratio_vs_baseline` = baseline time / fast time on that sample;
5. `bulk_advancement_seconds`: the yearly avancement d'échelon campaign (31/12 of this year)
   over the whole tenant, as the background job runs it (`lots.lot_executer`: eligibility,
   acts, versions with their impact, transitions, lot lines) — before it, not timed, every
   agent's residence is moved to a commune the referentiel classifies, so every impact is
   computed rather than refused. Baseline: `acte_creer` one by one for a sample of the same
   agents and dates (after the run: its acts carry one more warning, a duplicate under way);
   `bulk_ratio_vs_per_act_loop` = per-act time × acts / bulk time. The sample's impacts are
   checked equal to the run's (`bulk_mismatches`, 0 expected; the run fails otherwise).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import schema_context

from modules.actes import impact, lots, services
from modules.actes.models import LigneLot, VersionActe
from modules.actes.types import TypeActe, communs, type_get
from modules.actes.types.base import Contexte
from modules.personnel import demo
from modules.personnel import facade as personnel
from modules.personnel.models import Agent
from modules.unites.perimetres import TOUT
from referentiel import selectors as referentiel
from remuneration import facade as remuneration
from remuneration.difference import LigneMois
from remuneration.sources import ParametresBase
from tenants import services as tenants_services
from tenants.models import Domain, InscriptionPpr, Organisation, OrganisationKind

CODE = "bench-actes"
SPEC = tenants_services.OrganisationSpec(
    code=CODE,
    kind=OrganisationKind.MINISTERE,
    name_fr="Banc d'essai des actes (jetable)",
    name_ar="منصة اختبار القرارات الإدارية (مؤقتة)",
)
AUTEUR = "benchmark:actes"
TYPES = (
    "avancement_echelon",
    "mutation",
    "situation_familiale",
    "attribution_indemnite",
    "mise_retraite",
    "titularisation",
)
ECHANTILLON_BASE = 200
ECHANTILLON_MASSE = 100
AGENTS_PAR_DEFAUT = 300_000


@dataclass(frozen=True)
class Mesures:
    params: dict[str, Any]
    metrics: dict[str, Any]
    ratio_vs_baseline: float
    baseline: str


@dataclass(frozen=True)
class Cas:
    """One act to cost: its type, context and values, as `acte_creer` would hold them."""

    type_acte: TypeActe
    ctx: Contexte
    donnees: dict[str, Any]


def _supprimer() -> None:
    """Drop the throwaway tenant and everything the run left in the public schema."""
    connection.set_schema_to_public()  # type: ignore[attr-defined]
    organisation = Organisation.objects.filter(code=CODE).first()
    if organisation is None:
        return
    schema = organisation.schema_name
    if schema in ("public", settings.TENANT_BASE_SCHEMA) or not schema.startswith("t_bench_"):
        raise CommandError(f"refus de supprimer le schéma {schema!r}")
    with transaction.atomic():
        InscriptionPpr.objects.filter(organisation=organisation).delete()
        Domain.objects.filter(tenant=organisation).delete()
        with connection.cursor() as cursor:
            # inside a caller's transaction (the smoke test), deferred FK checks must fire
            # before their tables can go
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        organisation.delete()


@contextmanager
def _locataire() -> Iterator[Organisation]:
    _supprimer()  # leftovers of an interrupted run
    organisation = tenants_services.organisation_provision(
        spec=SPEC, actor=AUTEUR, sync_identity=False
    )
    try:
        yield organisation
    finally:
        _supprimer()


def _date_effet(rng: np.random.Generator, aujourd_hui: date) -> date:
    """0 to 24 months back, on the 1st or the 15th."""
    mois = int(rng.integers(0, 25))
    total = aujourd_hui.year * 12 + aujourd_hui.month - 1 - mois
    return date(total // 12, total % 12 + 1, 1 if rng.random() < 0.5 else 15)


def _brutes(
    code: str, ctx: Contexte, *, rang: int, unites: list[str], communes: list[str]
) -> dict[str, Any]:
    """What a clerk would type for this act."""
    situation = ctx.situation
    if code == "avancement_echelon":
        echelon = situation.echelon if situation else ""
        return {"echelon": communs.echelon_suivant(echelon) if echelon else "2"}
    if code == "mutation":
        actuelle = situation.unite_code if situation else ""
        return {
            "unite_code": next(u for u in unites[rang % len(unites) :] + unites if u != actuelle),
            "commune_residence": communes[rang % len(communes)],
        }
    if code == "situation_familiale":
        return {
            "evenement": "naissance",
            "enfant_prenom": "Yasmine",
            "enfant_date_naissance": ctx.date_effet.isoformat(),
        }
    if code == "attribution_indemnite":
        return {
            "code": "SUJ-BANC",
            "libelle": "Indemnité de sujétion",
            "montant": f"{500 + 50 * (rang % 10)}.00",
            "imposable": True,
        }
    if code == "mise_retraite":
        return {"motif": "anticipee"}
    return {}  # titularisation: keeps the échelon


def _zones_connues() -> list[str]:
    """The préfectures/provinces (or communes) the referentiel classifies in a residence zone.
    Only these agents' pay can be computed (the fixtures hold a handful of classified
    provinces; an agent elsewhere gets « aucune zone de résidence connue »)."""
    jeu = referentiel.jeu_parametres(le=timezone.localdate())
    return sorted(
        c.removeprefix("zone_residence.") for c in jeu.valeurs if c.startswith("zone_residence.")
    )


def _cas(*, actes: int, seed: int) -> tuple[list[Cas], int]:
    """N acts on random agents in activity (in the tenant's schema); (cases, refused reads)."""
    rng = np.random.default_rng(seed)
    aujourd_hui = timezone.localdate()
    zones = _zones_connues()
    classees = Q()
    for code in zones:
        classees |= Q(commune_residence__startswith=code)
    ids = list(
        Agent.objects.filter(classees, position="activite")
        .exclude(echelon="")
        .order_by("id")
        .values_list("id", "statut")
    )
    if not ids:
        raise CommandError("aucun agent en activité dans une zone de résidence classée")
    unites = sorted({u for u in Agent.objects.values_list("unite_code", flat=True).distinct() if u})
    communes = [c for c in sorted(referentiel.territoire_codes()) if c[:6] in zones]
    choisis = rng.choice(len(ids), size=actes, replace=actes > len(ids))
    cas: list[Cas] = []
    refuses = 0
    for rang, indice in enumerate(choisis.tolist()):
        agent_id, statut = ids[indice]
        code = TYPES[rang % len(TYPES)]
        if code == "titularisation" and statut != "stagiaire":
            code = "avancement_echelon"
        type_acte = type_get(code)
        assert type_acte is not None
        ctx = services.contexte(
            perimetre=TOUT,
            type_acte=type_acte,
            date_effet=_date_effet(rng, aujourd_hui),
            agent_id=agent_id,
        )
        donnees, erreurs = type_acte.lire(
            _brutes(code, ctx, rang=rang, unites=unites, communes=communes), ctx
        )
        if erreurs:
            refuses += 1
            continue
        cas.append(Cas(type_acte=type_acte, ctx=ctx, donnees=donnees))
    return cas, refuses


@contextmanager
def _compter_requetes() -> Iterator[list[int]]:
    compte = [0]

    def compter(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        compte[0] += 1
        return execute(sql, *args)

    with connection.execute_wrapper(compter):
        yield compte


def _de_zero(c: Cas, resultat: dict[str, Any]) -> list[LigneMois]:
    """The baseline for one act: every month from scratch (file reloaded, parameters read
    again without cache), months and payment month taken from the fast result."""
    du = date.fromisoformat(resultat["du"])
    paiement = date.fromisoformat(resultat["mois_paiement"])
    assert c.ctx.agent is not None
    lignes: list[LigneMois] = []
    mois = du
    while mois <= paiement:
        dossier = personnel.dossier_paie(perimetre=TOUT, agent_id=c.ctx.agent.id)
        assert dossier is not None
        projection = c.type_acte.projection(c.ctx, c.donnees)
        difference, _lu = remuneration.impact_mensuel(
            mois=[(mois, dossier.entree(mois), dossier.entree(mois, projection))],
            mois_paiement=paiement,
            source=ParametresBase(cache=False),
        )
        lignes.extend(difference.lignes)
        mois = date(mois.year + mois.month // 12, mois.month % 12 + 1, 1)
    return lignes


def _ecarts(resultat: dict[str, Any], lignes: list[LigneMois]) -> int:
    """Totals where the baseline and the fast path differ (0 expected)."""
    rappel = {
        k: sum(ligne.delta[k] for ligne in lignes if ligne.rappel) for k in resultat["rappel"]
    }
    courant = next(ligne for ligne in lignes if not ligne.rappel)
    ecarts = sum(1 for k, v in resultat["rappel"].items() if rappel[k] != v)
    ecarts += sum(1 for k, v in resultat["variation"].items() if courant.delta[k] != v)
    ecarts += sum(
        1
        for fait, refait in zip(resultat["lignes"], lignes, strict=True)
        if (fait["brut"], fait["net"]) != (refait.delta["brut"], refait.delta["net"])
    )
    return ecarts


def _residences_classees() -> None:
    """Every agent's residence in a commune the referentiel classifies (one UPDATE)."""
    zones = _zones_connues()
    communes = [c for c in sorted(referentiel.territoire_codes()) if c[:6] in zones]
    if not communes:
        raise CommandError("aucune commune classée dans une zone de résidence")
    with connection.cursor() as curseur:
        curseur.execute(
            f'UPDATE "{Agent._meta.db_table}" '  # noqa: S608 (the model's table)
            "SET commune_residence = (%s::text[])[1 + id %% %s]",
            [communes, len(communes)],
        )


def _etat_stable(schema: str) -> float:
    """VACUUM (ANALYZE) of the tenant's tables, as autovacuum leaves a tenant in use: measured
    right after generating 300,000 agents (and rewriting their residence), the impacts would
    share the 2 cores with autovacuum's first pass over those tables. Returns the seconds."""
    debut = time.perf_counter()
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema]
        )
        # VACUUM cannot run in a transaction (the test of this command runs in one): ANALYZE
        commande = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        for (table,) in curseur.fetchall():
            curseur.execute(f'{commande} "{schema}"."{table}"')
    return time.perf_counter() - debut


def _masse(*, rss_mb: Callable[[], float]) -> dict[str, Any]:
    """The yearly advancement over the tenant, then `acte_creer` on a sample of its acts."""
    campagne = date(timezone.localdate().year, 12, 31)
    debut = time.perf_counter()
    lot = lots.lot_lancer(auteur=AUTEUR, perimetre=TOUT, date_campagne=campagne)
    lot = lots.lot_executer(lot_id=lot.id, ecriture_parallele=True)
    secondes = time.perf_counter() - debut
    rss = rss_mb()
    lignes = list(
        LigneLot.objects.filter(lot=lot)
        .order_by("id")
        .values_list("agent_id", "acte__date_effet", "echelon_apres", "acte_id")
    )
    pas = max(1, len(lignes) // ECHANTILLON_MASSE)
    echantillon = lignes[::pas][:ECHANTILLON_MASSE]
    generes = {
        v.acte_id: v.impact
        for v in VersionActe.objects.filter(acte_id__in=[e[3] for e in echantillon])
    }
    ecarts = 0
    debut = time.perf_counter()
    for agent_id, date_effet, echelon, acte_id in echantillon:
        acte = services.acte_creer(
            auteur="benchmark:boucle",
            perimetre=TOUT,
            type_code="avancement_echelon",
            date_effet=date_effet,
            brutes={"echelon": echelon},
            agent_id=agent_id,
        )
        if services.version_courante(acte).impact != generes[acte_id]:
            ecarts += 1
    boucle = time.perf_counter() - debut
    if ecarts:
        raise CommandError(f"{ecarts} acte(s) où la campagne et acte_creer diffèrent")
    par_acte = boucle / len(echantillon) if echantillon else 0.0
    rapport = lot.rapport
    mois = [
        len(i.get("lignes", []))
        for i in VersionActe.objects.filter(acte__ligne_lot__lot=lot)
        .order_by("id")[:2000]
        .values_list("impact", flat=True)
    ]
    return {
        "bulk_advancement_seconds": round(secondes, 1),
        "bulk_candidates": rapport.get("candidats", 0),
        "bulk_acts_created": lot.crees,
        "bulk_acts_per_s": round(lot.crees / secondes) if secondes > 0 else 0,
        "bulk_blocking": rapport.get("bloquants", 0),
        "bulk_through_per_act_path": rapport.get("par_acte", 0),
        "bulk_months_per_act_mean": round(statistics.fmean(mois), 1) if mois else 0,
        "bulk_per_act_loop_ms": round(par_acte * 1000, 1),
        "bulk_per_act_loop_sample": len(echantillon),
        "bulk_ratio_vs_per_act_loop": round(par_acte * lot.crees / secondes, 1)
        if secondes > 0
        else 0,
        "bulk_mismatches": ecarts,
        "peak_rss_mb_after_bulk": rss,
    }


def _ms(valeurs: list[float], centile: float) -> float:
    return round(float(np.percentile(np.array(valeurs), centile)) * 1000, 2) if valeurs else 0.0


def mesurer(
    *,
    actes: int,
    agents: int = 0,
    rss_mb: Callable[[], float],
    echantillon: int = ECHANTILLON_BASE,
    seed: int = 2026,
) -> Mesures:
    """`agents`: the tenant's size, over which the yearly advancement runs (default: 300,000;
    the command passes it)."""
    if not referentiel.grade_codes():
        raise CommandError(
            "Le référentiel est vide : chargez-le d'abord (python manage.py referentiel charger)."
        )
    agents = agents or AGENTS_PAR_DEFAUT
    with _locataire() as organisation:
        debut = time.perf_counter()
        demo.demo_peupler(
            organisation=CODE,
            schema=organisation.schema_name,
            agents=agents,
            seed=seed,
            commune=False,
            auteur=AUTEUR,
        )
        peuplement = time.perf_counter() - debut
        with schema_context(organisation.schema_name):
            _residences_classees()
            vacuum = _etat_stable(organisation.schema_name)
            debut = time.perf_counter()
            cas, refuses = _cas(actes=actes, seed=seed)
            preparation = time.perf_counter() - debut

            durees: list[float] = []
            requetes: list[int] = []
            resultats: list[dict[str, Any]] = []
            par_type: dict[str, list[float]] = {}
            for c in cas:
                with _compter_requetes() as compte:
                    debut = time.perf_counter()
                    resultat, _lu = impact.impact_calculer(
                        type_acte=c.type_acte, ctx=c.ctx, donnees=c.donnees
                    )
                    duree = time.perf_counter() - debut
                durees.append(duree)
                requetes.append(compte[0])
                resultats.append(resultat)
                par_type.setdefault(c.type_acte.code, []).append(duree)
            rss = rss_mb()

            calcules = [i for i, r in enumerate(resultats) if not r.get("erreur")]
            if not calcules:
                raise CommandError("aucun impact calculable : voir les erreurs du moteur")
            base = calcules[: min(echantillon, len(calcules))]
            secondes_base: list[float] = []
            ecarts = 0
            for i in base:
                debut = time.perf_counter()
                lignes = _de_zero(cas[i], resultats[i])
                secondes_base.append(time.perf_counter() - debut)
                ecarts += _ecarts(resultats[i], lignes)
            if ecarts:
                raise CommandError(
                    f"{ecarts} total(aux) où le calcul de base et l'impact diffèrent"
                )
            masse = _masse(rss_mb=rss_mb)
        connection.set_schema_to_public()  # type: ignore[attr-defined]
    mois = [len(r["lignes"]) for r in resultats if not r.get("erreur")]
    rapides = [durees[i] for i in base]
    ratio = sum(secondes_base) / sum(rapides) if sum(rapides) > 0 else float("inf")
    return Mesures(
        params={
            "actes": actes,
            "agents": agents,
            "echantillon_baseline": len(base),
            "seed": seed,
            "types": list(TYPES),
        },
        metrics={
            "impact_p95_ms": _ms(durees, 95),
            "impact_median_ms": _ms(durees, 50),
            "impact_max_ms": _ms(durees, 100),
            **masse,
            "impact_p95_ms_by_type": {code: _ms(v, 95) for code, v in sorted(par_type.items())},
            "months_per_act_mean": round(statistics.fmean(mois), 1) if mois else 0,
            "months_per_act_max": max(mois, default=0),
            "queries_per_act_median": int(statistics.median(requetes)) if requetes else 0,
            "impact_errors": len(resultats) - len(calcules),
            "acts_refused_at_reading": refuses,
            "baseline_p95_ms": _ms(secondes_base, 95),
            "baseline_median_ms": _ms(secondes_base, 50),
            "mismatches": ecarts,
            "peak_rss_mb_after_impacts": rss,
            "tenant_seconds": round(peuplement, 1),
            "vacuum_seconds": round(vacuum, 1),
            "preparation_seconds": round(preparation, 1),
        },
        ratio_vs_baseline=round(ratio, 1),
        baseline=(
            f"both situations from scratch per month (file reloaded, parameters re-read "
            f"without cache) on {len(base):,} of the same acts"
        ),
    )
