"""`benchmark exchange`: verify + ingest + dispatch a signed N-line monthly payroll file into a
throwaway tenant, against row-by-row ORM ingestion measured on a sample.

Everything happens in a throwaway tenant (`bench-echange`) provisioned for the run and dropped
at the end, whatever happens, with the run's gateway rows (files, sequences, the throwaway
Treasury party `TGR:BANC` and its key) and its directory drop. Existing tenants are never read
nor written, Keycloak is not touched, no job is queued (the HR ↔ pay comparison the ingestion
asks for is recorded, not sent).

Steps:
1. the tenant's HR file (not timed, `tenant_seconds`): the demo unit tree and 50 agents through
   the real importer, then multiplied in SQL up to N − N/1000 agents (one INSERT … SELECT over
   the template rows; PPRs 900000001…, units cycling over the tree);
2. the file (not timed, `generation_seconds`): N lines, pay computed by the engine's batch path
   on a synthetic population (TB, résidence, indemnities, family allowances, pension, AMO, IR,
   and a précompte on 5 % of the agents), N/1000 PPRs unknown to the HR file, budget
   imputations over 24 lines, the trailer's totals; streamed to disk and signed, in a forked
   child so that its memory (`generation_peak_rss_mb`) stays out of the ingestion's;
3. `ingest_dispatch_seconds`: the gateway's inbox processing of that file — signature, digest
   and count (`fichier_verifier`), sequence, then the `paie` port (one pass: every line decoded
   and checked against its schema, the PPRs resolved, COPY into the month's lines, the totals
   added up and checked against the trailer and the header), receipt, archive, notification of
   the paie role and the comparison's trigger; `verify_seconds` is, for reference, the generic
   full verification (every line through the Python checker), measured afterwards on the
   archived file; `ingest_peak_rss_mb` is this process's own peak right after (Django, the
   setup and the ingestion);
4. baseline: the first `echantillon` lines ingested row by row through the ORM (agent looked up
   per line, one INSERT per line, each total read and updated per element), rolled back;
   extrapolated to N. `ratio_vs_baseline` = extrapolated baseline / fast path.
"""

from __future__ import annotations

import os
import resource
import shutil
import tempfile
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django_tenants.utils import schema_context

from exchange import cles, passerelle
from exchange.depot import Depot
from exchange.models import Cle, Fichier, Sequence, Statut
from exchange.protocole.fichiers import (
    FichierEchange,
    enregistrements_lire,
    fichier_construire,
    fichier_verifier,
)
from exchange.protocole.manifeste import manifeste_lire
from modules.paie import actors
from modules.paie import echange as paie_echange
from modules.paie.models import LignePaie, MoisPaie, TotalPaie
from modules.personnel import demo
from modules.personnel.models import Agent
from referentiel import selectors as referentiel
from remuneration.lot import calculer_lot
from remuneration.population import population_synthetique
from remuneration.sources import parametres_fixtures
from tenants import services as tenants_services
from tenants.models import Domain, InscriptionPpr, Organisation, OrganisationKind

CODE = "bench-echange"
PARTIE = f"ORD:{CODE}"
TRESOR = "TGR:BANC"
AUTEUR = "benchmark:exchange"
SPEC = tenants_services.OrganisationSpec(
    code=CODE,
    kind=OrganisationKind.MINISTERE,
    name_fr="Banc d'essai des échanges (jetable)",
    name_ar="منصة اختبار التبادلات (مؤقتة)",
)
MOIS = date(2026, 10, 1)
MODELES = 50
IMPUTATIONS = [f"2026.{c:02d}.{a}" for c in range(1, 9) for a in (11, 12, 13)]
ECHANTILLON = 2000


@dataclass(frozen=True)
class Mesures:
    params: dict[str, Any]
    metrics: dict[str, Any]
    ratio_vs_baseline: float
    baseline: str


def _supprimer(racine: Path | None = None) -> None:
    """Drop the throwaway tenant and every row the run left in the public schema."""
    connection.set_schema_to_public()  # type: ignore[attr-defined]
    with transaction.atomic():
        Fichier.objects.filter(destinataire=PARTIE).delete()
        Fichier.objects.filter(emetteur=TRESOR).delete()
        Sequence.objects.filter(destinataire=PARTIE).delete()
        Cle.objects.filter(partie=TRESOR).delete()
    if racine is not None:
        shutil.rmtree(racine, ignore_errors=True)
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
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        organisation.delete()


@contextmanager
def _locataire(racine: Path) -> Iterator[Organisation]:
    _supprimer()  # leftovers of an interrupted run
    organisation = tenants_services.organisation_provision(
        spec=SPEC, actor=AUTEUR, sync_identity=False
    )
    try:
        yield organisation
    finally:
        _supprimer(racine)


def _agents_multiplier(total: int) -> list[str]:
    """Bring the tenant's HR file to `total` agents by copying the imported ones in SQL (what
    matters here is the size of the table the PPRs are joined with). Returns the PPRs."""
    table = Agent._meta.db_table
    with connection.cursor() as curseur:
        # the table's real columns (not the model's: a field added in a working copy but not yet
        # migrated must not break the benchmark)
        colonnes = [
            c.name
            for c in connection.introspection.get_table_description(curseur, table)
            if c.name not in ("id", "ppr", "cin", "unite_code")
        ]
    unites = sorted({u for u in Agent.objects.values_list("unite_code", flat=True) if u})
    manquants = total - Agent.objects.count()
    if manquants > 0:
        liste = ", ".join(f"t.{c}" for c in colonnes)
        with connection.cursor() as curseur:
            curseur.execute(
                f"INSERT INTO {table} (ppr, cin, unite_code, {', '.join(colonnes)}) "  # noqa: S608
                f"SELECT (900000000 + g)::text, '', (%s::text[])[1 + g %% %s], {liste} "
                "FROM generate_series(1, %s) g JOIN (SELECT *, row_number() OVER (ORDER BY id) "
                f"- 1 AS rang FROM {table}) t ON t.rang = g %% %s",
                [unites or [""], max(1, len(unites)), manquants, MODELES],
            )
    return list(Agent.objects.order_by("id").values_list("ppr", flat=True))


def _texte(centimes: int) -> str:
    return f"{centimes // 100}.{centimes % 100:02d}"


def _lignes(pprs: list[str], *, inconnus: int) -> Iterator[dict[str, Any]]:
    """Header, one line per agent (the engine's batch path on a synthetic population), the
    trailer's totals (accumulated on the way)."""
    n = len(pprs) + inconnus
    totaux = calculer_lot(
        population=population_synthetique(agents=n, graine=2026),
        parametres=parametres_fixtures(MOIS),
    )
    rng = np.random.default_rng(2026)
    pret = np.where(rng.random(n) < 0.05, rng.integers(100, 2000, n) * 100, 0)
    codes = (
        ("TB", "traitement_base", "gain", "Traitement de base"),
        ("RES", "indemnite_residence", "gain", "Indemnité de résidence"),
        ("IND", "indemnites", "gain", "Indemnités statutaires"),
        ("AF", "allocations_familiales", "gain", "Allocations familiales"),
        ("CMR", "cmr", "retenue", "Retenue pour pension CMR"),
        ("RCAR", "rcar", "retenue", "Retenue pour pension RCAR"),
        ("AMO", "amo", "retenue", "Assurance maladie obligatoire"),
        ("MUT", "mutuelle", "retenue", "Mutuelle (part salariale)"),
        ("IR", "ir", "retenue", "Impôt sur le revenu"),
        ("AUT", "autres_retenues", "retenue", "Autres retenues"),
    )
    colonnes = {code: totaux[cle].tolist() for code, cle, _s, _l in codes}
    prets = pret.tolist()
    tous = [*pprs, *(f"99{i:08d}" for i in range(inconnus))]
    pied: dict[tuple[str, str, str], list[Any]] = {}
    brut_total = retenues_total = 0

    def agent(i: int, *, compter: bool) -> dict[str, Any]:
        nonlocal brut_total, retenues_total
        imputation = IMPUTATIONS[i % len(IMPUTATIONS)]
        elements = [
            {"code": code, "libelle": libelle, "sens": sens,
             "montant": _texte(colonnes[code][i]), "origine": "engine"}
            for code, _cle, sens, libelle in codes if colonnes[code][i]
        ]  # fmt: skip
        if prets[i]:
            elements.append(
                {"code": "PRET", "libelle": "Précompte prêt logement", "sens": "retenue",
                 "montant": _texte(prets[i]), "origine": "tresor"}
            )  # fmt: skip
        brut = retenues = 0
        for e in elements:
            montant = int(e["montant"].replace(".", ""))
            if e["sens"] == "gain":
                brut += montant
            else:
                retenues += montant
            if compter:
                total = pied.setdefault((imputation, e["code"], e["sens"]), [e["libelle"], 0, 0])
                total[1] += montant
                total[2] += 1
        if compter:
            brut_total += brut
            retenues_total += retenues
        return {
            "type": "agent", "ppr": tous[i], "nom": f"AGENT{i}", "prenom": "Banc",
            "administrative": {"grade": "ADM-2", "echelle": "10", "echelon": "3",
                               "indice": 403, "position": "activite", "statut": "titulaire"},
            "imputation": imputation, "elements": elements, "brut": _texte(brut),
            "retenues": _texte(retenues), "net": _texte(brut - retenues),
        }  # fmt: skip

    # The header states the month's totals: a first pass over the amounts, without the lines.
    for i in range(n):
        agent(i, compter=True)
    entete = {
        "type": "entete", "mois": f"{MOIS:%Y-%m}", "ordonnateur": PARTIE,
        "date_arret": f"{MOIS:%Y-%m}-20", "date_paiement": f"{MOIS:%Y-%m}-27", "agents": n,
        "brut": _texte(brut_total), "retenues": _texte(retenues_total),
        "net": _texte(brut_total - retenues_total),
    }  # fmt: skip
    yield entete
    for i in range(n):
        yield agent(i, compter=False)
    for (imputation, rubrique, sens), (libelle, montant, nombre) in sorted(pied.items()):
        yield {
            "type": "total", "imputation": imputation, "rubrique": rubrique, "libelle": libelle,
            "sens": sens, "montant": _texte(montant), "agents": nombre,
        }  # fmt: skip


def _naif(depot_fichier: Any, *, echantillon: int) -> tuple[int, float]:
    """Row-by-row ORM ingestion of the first lines, rolled back: (lines, seconds)."""
    lignes = [
        r
        for r in islice(enregistrements_lire(depot_fichier, flux="paie"), echantillon + 1)
        if r["type"] == "agent"
    ]
    debut = time.perf_counter()
    with transaction.atomic():
        mois = MoisPaie.objects.create(
            mois=date(1999, 1, 1), fichier="naif", sequence=0, sha256="0" * 64
        )
        for r in lignes:
            agent = Agent.objects.filter(ppr=r["ppr"]).values("id", "unite_code").first()
            elements = [e | {"montant": paie_echange.centimes(e["montant"])} for e in r["elements"]]
            LignePaie.objects.create(
                mois=mois, ppr=r["ppr"], agent_id=agent["id"] if agent else None,
                nom=f"{r['nom']} {r['prenom']}", grade=r["administrative"].get("grade") or "",
                echelon=r["administrative"].get("echelon") or "",
                indice=r["administrative"].get("indice"),
                position=r["administrative"].get("position") or "",
                unite_code=agent["unite_code"] if agent else "", imputation=r["imputation"],
                brut=paie_echange.centimes(r["brut"]),
                retenues=paie_echange.centimes(r["retenues"]),
                net=paie_echange.centimes(r["net"]), elements=elements,
            )  # fmt: skip
            for e in elements:
                total, _cree = TotalPaie.objects.get_or_create(
                    mois=mois, imputation=r["imputation"], rubrique=e["code"], sens=e["sens"],
                    defaults={"libelle": e["libelle"], "montant": 0, "agents": 0},
                )  # fmt: skip
                TotalPaie.objects.filter(id=total.id).update(
                    montant=F("montant") + e["montant"], agents=F("agents") + 1
                )
        secondes = time.perf_counter() - debut
        transaction.set_rollback(True)
    return len(lignes), secondes


def _generer(
    *, depot: Depot, pprs: list[str], inconnus: int, cle_id: str, privee: bytes
) -> tuple[FichierEchange, float]:
    """Build and sign the file in a forked child (it touches no database), so that the memory
    of generating it never counts in the ingestion's peak. Returns the file and the child's
    peak RSS in MB."""
    cree_le = timezone.now()
    pid = os.fork()
    if pid == 0:  # the child: write the file, leave without running any clean-up of the parent
        code = 0
        try:
            fichier_construire(
                repertoire=depot.boite(PARTIE, "inbox"), emetteur=TRESOR, destinataire=PARTIE,
                flux="paie", sequence=1, enregistrements=_lignes(pprs, inconnus=inconnus),
                cle_id=cle_id, cle_privee=privee, cree_le=cree_le,
            )  # fmt: skip
        except BaseException:
            traceback.print_exc()
            code = 1
        os._exit(code)
    _pid, statut, usage = os.wait4(pid, 0)
    if statut != 0:
        raise CommandError("la génération du fichier de paie a échoué (voir l'erreur ci-dessus)")
    (fichier,) = depot.complets(PARTIE)
    return fichier, round(usage.ru_maxrss / 1024, 1)


def _rss_propre_mb() -> float:
    """Peak resident memory of this process alone (not of its children), in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def mesurer(*, agents: int, echantillon: int = ECHANTILLON) -> Mesures:
    if not referentiel.grade_codes():
        raise CommandError(
            "Le référentiel est vide : chargez-le d'abord (python manage.py referentiel charger)."
        )
    inconnus = max(1, agents // 1000)
    connus = max(1, agents - inconnus)
    racine = Path(tempfile.mkdtemp(prefix="banc-echange-"))
    depot = Depot(racine)
    with _locataire(racine) as organisation:
        debut = time.perf_counter()
        demo.demo_peupler(
            organisation=CODE,
            schema=organisation.schema_name,
            agents=min(MODELES, connus),
            seed=2026,
            commune=False,
            auteur=AUTEUR,
        )
        with schema_context(organisation.schema_name):
            pprs = _agents_multiplier(connus)[:connus]
        tenant_secondes = time.perf_counter() - debut

        debut = time.perf_counter()
        cles.cle_creer(partie=TRESOR, auteur=AUTEUR)
        cle_id, privee = cles.cle_signature(TRESOR)
        fichier, generation_rss = _generer(
            depot=depot, pprs=pprs, inconnus=inconnus, cle_id=cle_id, privee=privee
        )
        manifeste = manifeste_lire(fichier.manifeste.read_bytes())
        del pprs
        generation = time.perf_counter() - debut
        taille_mo = fichier.charge.stat().st_size / 1e6

        lances: list[int] = []
        original = actors.ecarts_calculer_lancer
        actors.ecarts_calculer_lancer = lambda *, schema_name, mois_id: lances.append(mois_id)
        try:
            debut = time.perf_counter()
            traites = passerelle.boite_traiter(depot=depot, destinataire=PARTIE)
            secondes = time.perf_counter() - debut
        finally:
            actors.ecarts_calculer_lancer = original
        rss_ingestion = _rss_propre_mb()
        if len(traites) != 1 or traites[0].statut != Statut.INTEGRE:
            raise CommandError(f"fichier non intégré : {[(f.statut, f.rapport) for f in traites]}")
        archive = FichierEchange(Path(traites[0].chemin))
        debut = time.perf_counter()
        fichier_verifier(archive, destinataire=PARTIE, cle_publique=cles.cle_publique)
        verification = time.perf_counter() - debut
        with schema_context(organisation.schema_name):
            mois = MoisPaie.objects.get()
            resolus = LignePaie.objects.filter(mois=mois, agent_id__isnull=False).count()
            nombre_totaux = TotalPaie.objects.filter(mois=mois).count()
            if mois.agents != connus + inconnus or resolus != connus:
                raise CommandError(
                    f"{mois.agents} lignes dont {resolus} rapprochées, attendu "
                    f"{connus + inconnus} dont {connus}"
                )
            taille_naif, secondes_naif = _naif(archive, echantillon=min(echantillon, connus))
    par_ligne_naif = secondes_naif / max(1, taille_naif)
    extrapole = par_ligne_naif * (connus + inconnus)
    return Mesures(
        params={
            "agents": connus + inconnus,
            "ppr_inconnus": inconnus,
            "echantillon": taille_naif,
            "mois": f"{MOIS:%Y-%m}",
        },
        metrics={
            "ingest_dispatch_seconds": round(secondes, 2),
            "lines_per_s": round((connus + inconnus) / secondes),
            "verify_seconds": round(verification, 2),
            "file_mb": round(taille_mo, 1),
            "records": manifeste.enregistrements,
            "totals": nombre_totaux,
            "agents_resolved": resolus,
            "comparison_triggered": lances == [mois.id],
            "ingest_peak_rss_mb": rss_ingestion,
            "generation_peak_rss_mb": generation_rss,
            "baseline_sample_seconds": round(secondes_naif, 2),
            "baseline_lines_per_s": round(taille_naif / secondes_naif) if secondes_naif else None,
            "baseline_extrapolated_seconds": round(extrapole, 1),
            "tenant_seconds": round(tenant_secondes, 1),
            "generation_seconds": round(generation, 1),
        },
        ratio_vs_baseline=round(extrapole / secondes, 1) if secondes else 0.0,
        baseline=f"row-by-row ORM ingestion on a {taille_naif:,}-line sample, extrapolated",
    )
