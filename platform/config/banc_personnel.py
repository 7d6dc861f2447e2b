"""`benchmark personnel`: import N agents through the real importer, then time the real list and
agent pages on that tenant; the naive row-by-row ORM import on a sample is the baseline.

Everything happens in a throwaway tenant (`bench-personnel`) provisioned for the run and dropped
at the end, whatever happens (schema, rows of the national PPR registry, domain, organisation,
the benchmark's user). Existing tenants are never read nor written, and Keycloak is not
touched (`sync_identity=False`: the pages are reached with a session made as the OIDC callback
makes it, like the test suite's `login_client`).

Steps, each timed on its own:
1. generate N + sample agents (generateur; posts sized for them) — not part of the import time;
2. baseline: read the sample's CSV row by row and call `services.agent_creer` per row (what a
   naive import does: one transaction, one audit row, a handful of queries per agent), then
   empty the tables again; its rate is extrapolated to N;
3. `import_seconds`: `importation.importer_fichier(simulation=False)` on the N-agent file;
4. `list_p95_ms`: GET /personnel/?q=<a family name>&<one filter> through Django's test client on
   the tenant's host, logged in as a whole-tenant `gestionnaire`; `agent_page_p95_ms`: GET
   /personnel/<id>/ for random agents. Two warm-up requests of each are not counted.
"""

from __future__ import annotations

import gc
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
import polars as pl
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django_tenants.utils import schema_context

from identity.models import User
from identity.permissions import SESSION_HABILITATIONS_KEY
from identity.sessions import SESSION_TENANT_KEY
from modules.personnel import demo, generateur, importation
from modules.personnel.models import Agent
from modules.unites import services as unites_services
from modules.unites.perimetres import TOUT
from referentiel import selectors as referentiel
from tenants import services as tenants_services
from tenants.models import Domain, InscriptionPpr, Organisation, OrganisationKind

CODE = "bench-personnel"
SPEC = tenants_services.OrganisationSpec(
    code=CODE,
    kind=OrganisationKind.MINISTERE,
    name_fr="Banc d'essai du personnel (jetable)",
    name_ar="منصة اختبار شؤون الموظفين (مؤقتة)",
)
UTILISATEUR = "bench.personnel"
AUTEUR = "benchmark:personnel"
ECHANTILLON = 1000


@dataclass(frozen=True)
class Mesures:
    params: dict[str, Any]
    metrics: dict[str, Any]
    ratio_vs_baseline: float
    baseline: str


def _supprimer() -> None:
    """Drop the throwaway tenant and everything the run left in the public schema."""
    connection.set_schema_to_public()  # type: ignore[attr-defined]
    organisation = Organisation.objects.filter(code=CODE).first()
    User.objects.filter(username=UTILISATEUR).delete()
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


def _vider(organisation: Organisation) -> None:
    """Empty the throwaway tenant's agents (after the baseline) and their registry rows."""
    if connection.schema_name != organisation.schema_name:  # type: ignore[attr-defined]
        raise CommandError("pas dans le schéma du banc d'essai")
    with transaction.atomic():
        with connection.cursor() as cursor:
            # deferred FK checks pending in this transaction must fire before a TRUNCATE
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE personnel_agent CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        InscriptionPpr.objects.filter(organisation=organisation).delete()


def _client(organisation: Organisation) -> Client:
    """A whole-tenant `gestionnaire` session on the tenant's host, as the OIDC callback makes."""
    connection.set_schema_to_public()  # type: ignore[attr-defined]
    user, _ = User.objects.get_or_create(
        username=UTILISATEUR, defaults={"keycloak_sub": f"sub-{UTILISATEUR}"}
    )
    client = Client(raise_request_exception=True)
    client.force_login(user)
    session = client.session
    session[SESSION_TENANT_KEY] = organisation.schema_name
    session[SESSION_HABILITATIONS_KEY] = [["gestionnaire", None]]
    session.save()
    client.defaults["HTTP_HOST"] = tenants_services.tenant_host(organisation.code)
    return client


def _p95(client: Client, urls: list[str], *, echauffement: int = 2) -> tuple[float, float]:
    """p95 and p50 in ms of GETs of `urls` (the first `echauffement` ones not counted)."""
    durees = []
    for rang, url in enumerate(urls):
        debut = time.perf_counter()
        reponse = client.get(url)
        duree = (time.perf_counter() - debut) * 1000
        if reponse.status_code != 200:
            raise CommandError(f"GET {url} : HTTP {reponse.status_code}")
        if rang >= echauffement:
            durees.append(duree)
    valeurs = np.array(durees)
    return round(float(np.percentile(valeurs, 95)), 1), round(float(np.percentile(valeurs, 50)), 1)


def _choisis(df: pl.DataFrame, *, requetes: int, seed: int) -> pl.DataFrame:
    """The random agents whose names, filters and pages the requests use (+2 for warm-up)."""
    rng = np.random.default_rng(seed)
    rangs = rng.choice(df.height, size=min(requetes + 2, df.height), replace=False)
    return df.select(pl.all().gather(rangs))


def _urls(choisis: pl.DataFrame, ids: dict[str, int]) -> tuple[list[str], list[str]]:
    """List URLs (a family name in either script + one filter from the same row, so no page is
    empty) and agent-page URLs."""
    liste = reverse("personnel:liste")
    filtres = ("grade", "unite", "position")
    urls_liste = []
    for rang, ligne in enumerate(choisis.iter_rows(named=True)):
        nom = ligne["nom"] if rang % 2 == 0 else ligne["nom_ar"]
        champ = filtres[rang % len(filtres)]
        urls_liste.append(f"{liste}?{urlencode({'q': nom, champ: ligne[champ]})}")
    urls_agent = [
        reverse("personnel:agent", kwargs={"agent_id": ids[p]}) for p in choisis["ppr"].to_list()
    ]
    return urls_liste, urls_agent


def mesurer(
    *,
    agents: int,
    rss_mb: Callable[[], float],
    echantillon: int = 0,
    requetes: int = 50,
    seed: int = 2026,
) -> Mesures:
    """`rss_mb`: the peak resident memory so far (read right after the import). `echantillon`:
    the baseline's sample, by default 1,000 agents, or a sixth of `agents` when smaller."""
    if not referentiel.grade_codes():
        raise CommandError(
            "Le référentiel est vide : chargez-le d'abord (python manage.py referentiel charger)."
        )
    echantillon = echantillon or min(ECHANTILLON, max(1, agents // 6))
    with override_settings(DEBUG=False), _locataire() as organisation:
        with schema_context(organisation.schema_name):
            unites_services.unites_import(
                actor=AUTEUR, contenu=demo.arbre_csv(commune=False), nom_fichier="arbre.csv"
            )
            debut = time.perf_counter()
            preparation = demo.preparer(
                agents=agents + echantillon, seed=seed, profil="education", auteur=AUTEUR
            )
            generation = time.perf_counter() - debut
            dossier = Path(demo.fichier_ecrire(preparation.df.head(agents)).parent)
            choisis = _choisis(preparation.df.head(agents), requetes=requetes, seed=seed)
            try:
                chemin = dossier / "agents.csv"
                chemin_naif = dossier / "echantillon.csv"
                generateur.ecrire_csv(preparation.df.tail(echantillon), chemin_naif)
                del preparation  # the import's memory is measured, not the generator's

                debut = time.perf_counter()
                faits = demo.import_naif(chemin_naif, auteur=AUTEUR)
                secondes_naif = time.perf_counter() - debut
                _vider(organisation)

                gc.collect()
                debut = time.perf_counter()
                bilan = importation.importer_fichier(
                    chemin=chemin, auteur=AUTEUR, perimetre=TOUT, simulation=False
                )
                secondes_import = time.perf_counter() - debut
            finally:
                shutil.rmtree(dossier, ignore_errors=True)
            if bilan.erreurs or bilan.crees != agents:
                premieres = "; ".join(
                    f"ligne {e.ligne} {e.colonne}: {e.probleme}" for e in bilan.erreurs[:5]
                )
                raise CommandError(
                    f"import incomplet : {bilan.crees}/{agents} créés, "
                    f"{bilan.erreurs_total} erreur(s) — {premieres}"
                )
            ids = dict(
                Agent.objects.filter(ppr__in=choisis["ppr"].to_list()).values_list("ppr", "id")
            )
        rss_import = rss_mb()
        client = _client(organisation)
        urls_liste, urls_agent = _urls(choisis, ids)
        liste_p95, liste_p50 = _p95(client, urls_liste)
        agent_p95, agent_p50 = _p95(client, urls_agent)
        client.logout()
    par_s = agents / secondes_import
    naif_par_s = faits / secondes_naif
    return Mesures(
        params={
            "agents": agents,
            "echantillon_naif": faits,
            "requetes": requetes,
            "seed": seed,
        },
        metrics={
            "import_seconds": round(secondes_import, 2),
            "agents_per_s": round(par_s),
            "peak_rss_mb": rss_import,
            "list_p95_ms": liste_p95,
            "list_p50_ms": liste_p50,
            "agent_page_p95_ms": agent_p95,
            "agent_page_p50_ms": agent_p50,
            "baseline_sample_seconds": round(secondes_naif, 2),
            "baseline_agents_per_s": round(naif_par_s, 1),
            "baseline_extrapolated_seconds": round(agents / naif_par_s, 1),
            "generation_seconds": round(generation, 2),
            "import_phases_seconds": bilan.phases,
            "evenements": bilan.evenements,
            "enfants": bilan.enfants,
        },
        ratio_vs_baseline=round(par_s / naif_par_s, 1),
        baseline=f"row-by-row services.agent_creer on a {faits:,}-agent sample, extrapolated",
    )
