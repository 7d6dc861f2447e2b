"""`python manage.py benchmark NAME [--agents N] [--json]`: the benchmark registry.

Each benchmark measures the fast path and, in the same run, a baseline (the naive or stock path),
and reports the ratio (ARCHITECTURE.md §8). With `--json` the last stdout line is one JSON object:
{"benchmark", "params", "metrics", "ratio_vs_baseline", "baseline", "peak_rss_mb"}. Benchmarks are
never timed assertions in the test suite; the suite only runs them small, to prove they work.

To add one: write `def _mon_bench(*, agents: int) -> Resultat` and register it in `BENCHMARKS`.
"""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from remuneration.bulletin import TOTAUX
from remuneration.lot import calculer_lot
from remuneration.moteur import calculer
from remuneration.population import population_synthetique, situation_de
from remuneration.sources import parametres_fixtures


@dataclass(frozen=True)
class Resultat:
    params: dict[str, Any]
    metrics: dict[str, Any]
    ratio_vs_baseline: float
    baseline: str


@dataclass(frozen=True)
class Benchmark:
    description: str
    agents_par_defaut: int
    executer: Callable[..., Resultat]
    # the size option's name: `--agents` for a population, `--unites` for a unit tree
    parametre: str = "agents"
    # other options passed through when given (`actes`: `--agents`, the tenant's size)
    options: tuple[str, ...] = ()


def peak_rss_mb() -> float:
    """Peak resident memory of this process and its waited-for children, in MB (Linux: KB)."""
    soi = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    enfants = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(soi, enfants) / 1024, 1)


def _onboarding(*, tenants: int) -> Resultat:
    """Provisioning of `tenants` tenants (warm pool, fresh connection each), with and without
    Keycloak, then a no-op upgrade; django-tenants' stock creation on 3 tenants as the baseline."""
    from onboarding import banc

    mesure = banc.mesurer(tenants=tenants)
    return Resultat(
        params=mesure.params,
        metrics=mesure.metrics,
        ratio_vs_baseline=mesure.ratio_vs_baseline,
        baseline=mesure.baseline,
    )


def _paie(*, agents: int, echantillon: int = 5000, mois: date = date(2025, 3, 1)) -> Resultat:
    """One month for a synthetic population with the batch path; the scalar path on a sample
    of the same population as the baseline, checked equal to the centime."""
    parametres = parametres_fixtures(mois)
    population = population_synthetique(agents=agents)
    debut = time.perf_counter()
    totaux = calculer_lot(population=population, parametres=parametres)
    secondes = time.perf_counter() - debut

    taille = min(echantillon, agents)
    indices = np.linspace(0, agents - 1, num=taille, dtype=np.int64)
    situations = [situation_de(population, int(i)) for i in indices]
    debut = time.perf_counter()
    scalaires = [calculer(situation=s, parametres=parametres).totaux for s in situations]
    secondes_scalaire = time.perf_counter() - debut
    ecarts = sum(
        1
        for i, scalaire in zip(indices.tolist(), scalaires, strict=True)
        if any(int(totaux[k][i]) != scalaire[k] for k in TOTAUX)
    )
    if ecarts:
        raise CommandError(f"{ecarts} agent(s) où les chemins vectoriel et scalaire diffèrent")
    par_s = agents / secondes if secondes > 0 else float("inf")
    scalaire_par_s = taille / secondes_scalaire if secondes_scalaire > 0 else float("inf")
    return Resultat(
        params={"agents": agents, "mois": mois.strftime("%Y-%m"), "echantillon_scalaire": taille},
        metrics={
            "seconds": round(secondes, 4),
            "agents_per_s": round(par_s),
            "scalar_agents_per_s": round(scalaire_par_s),
            "scalar_seconds": round(secondes_scalaire, 4),
            "mismatches": ecarts,
        },
        ratio_vs_baseline=round(par_s / scalaire_par_s, 1),
        baseline=f"scalar path on a {taille:,}-agent sample",
    )


def _jeton(*, unites: int) -> Resultat:
    """Access-token size with the habilitations of one person (our design) against the token
    of a person holding every unit of a `unites`-unit tree (the naive design)."""
    from django.conf import settings

    from identity import token_size

    base_url = f"{settings.INDIMAJ_SCHEME}://{token_size.BENCH_ORG}.{settings.INDIMAJ_APEX}"
    mesure = token_size.measure(units=unites, base_url=base_url)
    return Resultat(
        params={"unites": unites, "habilitations_personne": len(token_size.OWN_HABILITATIONS)},
        metrics={
            "token_bytes": mesure.ours_bytes,
            "baseline_token_bytes": mesure.baseline_bytes,
            "seconds_to_issue": round(mesure.seconds_to_issue, 4),
        },
        ratio_vs_baseline=round(mesure.baseline_bytes / mesure.ours_bytes, 1),
        baseline=f"token of a person holding all {unites:,} units",
    )


def _personnel(*, agents: int) -> Resultat:
    """Import of `agents` agents through the real importer into a throwaway tenant, then p95 of
    the real list and agent pages; row-by-row `agent_creer` on a sample as the baseline."""
    from config import banc_personnel

    mesures = banc_personnel.mesurer(agents=agents, rss_mb=peak_rss_mb)
    return Resultat(
        params=mesures.params,
        metrics=mesures.metrics,
        ratio_vs_baseline=mesures.ratio_vs_baseline,
        baseline=mesures.baseline,
    )


def _actes(*, actes: int, agents: int | None = None) -> Resultat:
    """The pecuniary impact of `actes` acts (six types, 0–24 months of arrears) on a throwaway
    tenant of generated agents; both situations recomputed from scratch per month (file
    reloaded, parameters re-read without cache) on a sample of the same acts as the baseline."""
    from config import banc_actes

    mesures = banc_actes.mesurer(actes=actes, agents=agents or 0, rss_mb=peak_rss_mb)
    return Resultat(
        params=mesures.params,
        metrics=mesures.metrics,
        ratio_vs_baseline=mesures.ratio_vs_baseline,
        baseline=mesures.baseline,
    )


def _exchange(*, agents: int) -> Resultat:
    """Verify + ingest + dispatch a signed `agents`-line payroll file into a throwaway tenant;
    row-by-row ORM ingestion on a sample as the baseline (see config/banc_echange.py)."""
    from config import banc_echange

    mesures = banc_echange.mesurer(agents=agents)
    return Resultat(
        params=mesures.params,
        metrics=mesures.metrics,
        ratio_vs_baseline=mesures.ratio_vs_baseline,
        baseline=mesures.baseline,
    )


BENCHMARKS: dict[str, Benchmark] = {
    "onboarding": Benchmark(
        description="provisionnement de N organisations (pool de schémas) et mise à jour à vide, "
        "contre la création standard de django-tenants",
        agents_par_defaut=200,
        executer=_onboarding,
        parametre="tenants",
    ),
    "paie": Benchmark(
        description="paie d'un mois : chemin vectoriel (numpy) contre chemin scalaire",
        agents_par_defaut=300_000,
        executer=_paie,
    ),
    "jeton": Benchmark(
        description="taille du jeton d'accès : habilitations de la personne contre arbre entier",
        agents_par_defaut=1000,
        executer=_jeton,
        parametre="unites",
    ),
    "personnel": Benchmark(
        description="import de N agents (importeur réel) puis p95 des pages liste et agent, "
        "contre agent_creer ligne à ligne sur un échantillon",
        agents_par_defaut=300_000,
        executer=_personnel,
    ),
    "actes": Benchmark(
        description="impact pécuniaire de N actes (moteur, paramètres en cache) contre le "
        "recalcul des deux situations de zéro pour chaque mois",
        agents_par_defaut=1000,
        executer=_actes,
        parametre="actes",
        options=("agents",),
    ),
    "exchange": Benchmark(
        description="vérification, intégration et distribution d'un fichier de paie de N lignes "
        "(COPY, jointure PPR, totaux SQL) contre l'intégration ORM ligne à ligne",
        agents_par_defaut=300_000,
        executer=_exchange,
    ),
}


class Command(BaseCommand):
    help = "Benchmarks (ARCHITECTURE.md §8) : " + ", ".join(BENCHMARKS)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", choices=sorted(BENCHMARKS))
        parser.add_argument("--agents", type=int, help="taille de la population")
        parser.add_argument("--unites", type=int, help="taille de l'arbre d'unités (jeton)")
        parser.add_argument("--tenants", type=int, help="nombre d'organisations (onboarding)")
        parser.add_argument("--actes", type=int, help="nombre d'actes dont l'impact est calculé")
        parser.add_argument("--json", action="store_true", help="une ligne JSON en dernier")

    def handle(self, *args: Any, **options: Any) -> None:
        bench = BENCHMARKS[options["name"]]
        taille = options[bench.parametre] or bench.agents_par_defaut
        if taille <= 0:
            raise CommandError(f"--{bench.parametre} doit être positif")
        extras = {nom: options[nom] for nom in bench.options if options.get(nom)}
        resultat = bench.executer(**{bench.parametre: taille}, **extras)
        sortie = {
            "benchmark": options["name"],
            "params": resultat.params,
            "metrics": resultat.metrics,
            "ratio_vs_baseline": resultat.ratio_vs_baseline,
            "baseline": resultat.baseline,
            "peak_rss_mb": peak_rss_mb(),
        }
        if not options["json"]:
            self.stdout.write(f"{options['name']} — {bench.description}")
            for cle, valeur in {**resultat.metrics, "peak_rss_mb": sortie["peak_rss_mb"]}.items():
                self.stdout.write(f"  {cle:<22} {valeur}")
            self.stdout.write(
                f"  ratio vs baseline      {resultat.ratio_vs_baseline} ({resultat.baseline})"
            )
            return
        self.stdout.write(json.dumps(sortie, ensure_ascii=False))
