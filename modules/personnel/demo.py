"""Demo (and benchmark) population of a tenant: a small unit tree and budget posts when the
tenant has none, then N generated agents imported through the real importer.

Idempotent: the same tenant, N and seed give the same file (generateur.REFERENCE fixes the
careers' "today"; the PPRs avoid those other ordonnateurs manage, chosen in a way that does
not move when they add agents), and re-importing a file changes nothing. Posts are sized for
the file the first time; later runs count only the places not taken by other agents.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.db.models.expressions import RawSQL
from django_tenants.utils import schema_context

from modules.personnel import generateur, importation, services, services_postes
from modules.personnel.importation.bilan import BilanImport
from modules.personnel.models import (
    POSITIONS_OCCUPANT_POSTE,
    Agent,
    NatureEvenement,
    PosteBudgetaire,
    SourceEvenement,
)
from modules.unites import facade as unites
from modules.unites.perimetres import TOUT
from tenants import registre
from tenants.models import InscriptionPpr, Organisation, OrganisationKind, RolePpr

Progression = Callable[[int, int], None]

# (code, parent, type, nom_fr, nom_ar), parents first: the `unites import` file format.
ARBRE_MINISTERE = (
    ("DG", "", "direction", "Direction générale", "المديرية العامة"),
    ("DRH", "DG", "direction", "Direction des ressources humaines", "مديرية الموارد البشرية"),
    ("DRH-CARR", "DRH", "service", "Service de la gestion des carrières", "مصلحة تدبير المسارات"),
    ("DRH-PAIE", "DRH", "service", "Service de la paie", "مصلحة الأجور"),
    ("DAF", "DG", "direction", "Direction des affaires financières", "مديرية الشؤون المالية"),
    ("DAF-BUDGET", "DAF", "service", "Service du budget", "مصلحة الميزانية"),
    (
        "DR-RSK",
        "",
        "sous_ordonnateur",
        "Direction régionale de Rabat-Salé-Kénitra",
        "المديرية الجهوية للرباط سلا القنيطرة",
    ),
    (
        "DR-RSK-RH",
        "DR-RSK",
        "service",
        "Service régional des RH (Rabat)",
        "المصلحة الجهوية للموارد البشرية (الرباط)",
    ),
    (
        "DR-FM",
        "",
        "sous_ordonnateur",
        "Direction régionale de Fès-Meknès",
        "المديرية الجهوية لفاس مكناس",
    ),
    (
        "DR-FM-RH",
        "DR-FM",
        "service",
        "Service régional des RH (Fès)",
        "المصلحة الجهوية للموارد البشرية (فاس)",
    ),
    (
        "DR-CS",
        "",
        "sous_ordonnateur",
        "Direction régionale de Casablanca-Settat",
        "المديرية الجهوية للدار البيضاء سطات",
    ),
    (
        "DR-CS-RH",
        "DR-CS",
        "service",
        "Service régional des RH (Casablanca)",
        "المصلحة الجهوية للموارد البشرية (الدار البيضاء)",
    ),
)
ARBRE_COMMUNE = (
    ("DGS", "", "direction", "Direction générale des services", "المديرية العامة للمصالح"),
    ("DGS-RH", "DGS", "service", "Service des ressources humaines", "مصلحة الموارد البشرية"),
    ("DGS-FIN", "DGS", "service", "Service financier", "المصلحة المالية"),
    ("DGS-TECH", "DGS", "service", "Services techniques", "المصالح التقنية"),
    ("ETAT-CIVIL", "DGS", "service", "Bureau de l'état civil", "مكتب الحالة المدنية"),
    ("ARR-1", "", "autre", "Arrondissement 1", "المقاطعة 1"),
    ("ARR-2", "", "autre", "Arrondissement 2", "المقاطعة 2"),
)


@dataclass(frozen=True)
class Preparation:
    """What a tenant holds before the import: units and post places, and the generated file."""

    df: pl.DataFrame
    postes_crees: int


def arbre_csv(*, commune: bool) -> bytes:
    """The demo unit tree as a `unites import` file."""
    lignes = ["code;code_parent;type;nom_fr;nom_ar"]
    lignes += [";".join(u) for u in (ARBRE_COMMUNE if commune else ARBRE_MINISTERE)]
    return ("\n".join(lignes) + "\n").encode()


def unites_actives() -> list[str]:
    return sorted(u.code for u in unites.unite_list(perimeter=TOUT) if u.active)


def _pprs_pris_ailleurs(pprs: list[str]) -> set[str]:
    """Among `pprs`, those another ordonnateur manages (the registry would refuse them): one
    query with the list as a single array parameter (300,000 PPRs are not 300,000 params)."""
    ici = registre.organisation_courante()
    pris = InscriptionPpr.objects.filter(
        ppr__in=RawSQL("SELECT unnest(%s::text[])", [pprs]),
        active=True,
        role=RolePpr.GESTION,
    ).exclude(organisation=ici)
    return set(pris.values_list("ppr", flat=True))


def population_generer(*, agents: int, seed: int, profil: str) -> pl.DataFrame:
    """The tenant's demo file before posts: PPRs free nationally, units of the tenant.

    A PPR drawn in place of a taken one may be taken too: draw again until none is (each
    round asks the registry once; two rounds in practice)."""
    codes = unites_actives()
    exclus: set[str] = set()
    for _tour in range(10):
        df = generateur.population(
            agents=agents, seed=seed, unites=codes, profil=profil, pprs_exclus=exclus
        )
        pris = _pprs_pris_ailleurs(df["ppr"].to_list())
        if not pris:
            return df
        exclus |= pris
        del df  # before the next round builds another
    raise generateur.GenerationImpossible("trop de PPR déjà gérés par d'autres ordonnateurs")


def postes_creer(*, auteur: str, postes: list[generateur.PosteAPrevoir]) -> int:
    """Create the demo's budget posts through the posts service (a few dozen at most)."""
    for p in postes:
        services_postes.poste_creer(
            auteur=auteur,
            code=p.code,
            libelle=p.libelle,
            ligne_budgetaire=p.ligne_budgetaire,
            nombre=p.nombre,
            grade_code=p.grade_code,
            categorie=p.categorie,
        )
    return len(postes)


def places_libres(*, pprs: list[str]) -> list[generateur.PosteLibre]:
    """Each active post's places, less those held by agents who are not in the file."""
    occupes = dict(
        Agent.objects.filter(position__in=list(POSITIONS_OCCUPANT_POSTE))
        .exclude(poste_code="")
        .exclude(ppr__in=RawSQL("SELECT unnest(%s::text[])", [pprs]))
        .values("poste_code")
        .annotate(n=Count("id"))
        .values_list("poste_code", "n")
    )
    return [
        generateur.PosteLibre(
            code=p.code, grade_code=p.grade_code, places=p.nombre - occupes.get(p.code, 0)
        )
        for p in PosteBudgetaire.objects.filter(actif=True).exclude(grade_code="")
    ]


def preparer(*, agents: int, seed: int, profil: str, auteur: str) -> Preparation:
    """In the tenant's schema (units already there): the file's rows, with posts."""
    df = population_generer(agents=agents, seed=seed, profil=profil)
    crees = 0
    if not PosteBudgetaire.objects.exists():
        crees = postes_creer(auteur=auteur, postes=generateur.postes_a_prevoir(df))
    df = generateur.postes_affecter(df, places_libres(pprs=df["ppr"].to_list()))
    return Preparation(df=df, postes_crees=crees)


def fichier_ecrire(df: pl.DataFrame, *, dossier: Path | None = None) -> Path:
    """The file as the importer reads it, in a temporary directory (the caller removes it)."""
    racine = Path(tempfile.mkdtemp(prefix="personnel-demo-", dir=dossier))
    chemin = racine / "agents.csv"
    generateur.ecrire_csv(df, chemin)
    return chemin


@dataclass(frozen=True)
class BilanDemo:
    unites_creees: int
    postes_crees: int
    bilan: BilanImport


def unites_assurer(*, organisation: str, schema: str, commune: bool, auteur: str) -> int:
    """Create the demo unit tree when the tenant has no active unit (through the `unites import`
    command: units are the unites module's, which exposes no write to other modules)."""
    with schema_context(schema):
        if unites_actives():
            return 0
    arbre = ARBRE_COMMUNE if commune else ARBRE_MINISTERE
    dossier = Path(tempfile.mkdtemp(prefix="personnel-demo-"))
    try:
        chemin = dossier / "unites.csv"
        chemin.write_bytes(arbre_csv(commune=commune))
        call_command(
            "unites", "import", str(chemin), tenant=organisation, actor=auteur, stdout=io.StringIO()
        )
    finally:
        shutil.rmtree(dossier, ignore_errors=True)
    return len(arbre)


def demo_peupler(
    *,
    organisation: str,
    schema: str,
    agents: int,
    seed: int,
    commune: bool,
    auteur: str,
    progression: Progression | None = None,
) -> BilanDemo:
    """Units and posts if the tenant has none, then `agents` agents through the importer."""
    unites_creees = unites_assurer(
        organisation=organisation, schema=schema, commune=commune, auteur=auteur
    )
    with schema_context(schema):
        preparation = preparer(agents=agents, seed=seed, profil="administration", auteur=auteur)
        chemin = fichier_ecrire(preparation.df)
        try:
            bilan = importation.importer_fichier(
                chemin=chemin,
                auteur=auteur,
                perimetre=TOUT,
                simulation=False,
                progression=progression,
            )
        finally:
            shutil.rmtree(chemin.parent, ignore_errors=True)
    return BilanDemo(
        unites_creees=unites_creees, postes_crees=preparation.postes_crees, bilan=bilan
    )


def graine(code: str) -> int:
    """The default seed of a tenant: its own, so that two demo tenants get different people."""
    return zlib.crc32(code.encode())


def demo_tenant(
    *, code: str, agents: int, seed: int | None = None, progression: Progression | None = None
) -> BilanDemo:
    """`python manage.py personnel demo --tenant CODE --agents N [--seed S]`."""
    organisation = Organisation.objects.exclude(schema_name="public").filter(code=code).first()
    if organisation is None:
        raise ValueError(f"Organisation inconnue : {code}")
    try:
        return demo_peupler(
            organisation=code,
            schema=organisation.schema_name,
            agents=agents,
            seed=graine(code) if seed is None else seed,
            commune=organisation.kind == OrganisationKind.COMMUNE,
            auteur="commande:personnel-demo",
            progression=progression,
        )
    finally:
        connection.set_schema_to_public()  # type: ignore[attr-defined]


def resume(bilan: BilanDemo, *, code: str) -> str:
    b = bilan.bilan
    return (
        f"{code} : {bilan.unites_creees} unité(s) et {bilan.postes_crees} poste(s) budgétaire(s) "
        f"créés ; {b.lignes} agent(s) dans le fichier — {b.crees} créé(s), {b.modifies} "
        f"modifié(s), {b.inchanges} inchangé(s) en {b.secondes:.1f} s."
    )


def _jour(texte: str) -> date | None:
    return date.fromisoformat(texte) if texte else None


def import_naif(chemin: Path, *, auteur: str) -> int:
    """The benchmark's baseline: what a naive import does — csv.DictReader and one
    `services.agent_creer` per row (one transaction, one audit row, a few queries each)."""
    n = 0
    with chemin.open(encoding="utf-8-sig", newline="") as entree:
        for ligne in csv.DictReader(entree, delimiter=generateur.SEPARATEUR):
            enfants: list[Mapping[str, Any]] = [
                {"prenom": prenom, "date_naissance": date.fromisoformat(jour)}
                for prenom, jour in (e.split(":") for e in ligne["enfants"].split(";") if e)
            ]
            services.agent_creer(
                auteur=auteur,
                ppr=ligne["ppr"],
                identite={
                    "cin": ligne["cin"],
                    "nom_fr": ligne["nom"],
                    "prenom_fr": ligne["prenom"],
                    "nom_ar": ligne["nom_ar"],
                    "prenom_ar": ligne["prenom_ar"],
                    "date_naissance": _jour(ligne["date_naissance"]),
                    "lieu_naissance": ligne["lieu_naissance"],
                    "sexe": ligne["sexe"],
                    "situation_familiale": ligne["situation_familiale"],
                    "conjoint_a_charge": ligne["conjoint_a_charge"] == generateur.OUI,
                    "rib": ligne["rib"],
                    "banque": ligne["banque"],
                    "adresse": ligne["adresse"],
                    "commune_residence": ligne["commune_residence"],
                    "telephone": ligne["telephone"],
                    "email": ligne["email"],
                    "date_recrutement": _jour(ligne["date_recrutement"]),
                    "regime_retraite": ligne["regime_retraite"],
                },
                recrutement={
                    "statut": ligne["statut"],
                    "corps_code": ligne["corps"],
                    "grade_code": ligne["grade"],
                    "echelle": ligne["echelle"],
                    "echelon": ligne["echelon"],
                    "indice": int(ligne["indice"]) if ligne["indice"] else None,
                    "position": ligne["position"],
                    "unite_code": ligne["unite"],
                    "poste_code": ligne["poste_budgetaire"],
                },
                date_effet=date.fromisoformat(ligne["date_effet_situation"]),
                perimetre=TOUT,
                nature=NatureEvenement.REPRISE,
                source=SourceEvenement.IMPORT,
                enfants=enfants,
            )
            n += 1
    return n
