"""The synthetic population: valid identifiers, careers from the referentiel, stable per seed."""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta

import polars as pl
import pytest

from modules.personnel import generateur, validation
from referentiel import fixtures_io

UNITES = ("DRH", "FES", "RABAT")
ENFANT = re.compile(r"^[A-Za-z ]+:\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def df() -> pl.DataFrame:
    return generateur.population(agents=4000, seed=11, unites=UNITES)


def _lignes(df: pl.DataFrame) -> list[dict[str, str]]:
    return list(df.iter_rows(named=True))


def test_columns_are_the_template_columns_in_order_and_all_text(df):
    assert df.columns == list(generateur.COLONNES)
    assert set(df.dtypes) == {pl.Utf8}
    assert df.height == 4000


def test_same_seed_same_rows_other_seed_other_rows(df):
    assert generateur.population(agents=4000, seed=11, unites=UNITES).equals(df)
    autre = generateur.population(agents=4000, seed=12, unites=UNITES)
    assert not autre["ppr"].equals(df["ppr"])
    assert not autre["nom"].equals(df["nom"])


def test_pprs_are_unique_seven_digit_numbers(df):
    assert df["ppr"].n_unique() == df.height
    assert all(validation.ppr_erreur(p) is None for p in df["ppr"].to_list())
    assert df["ppr"].str.contains(r"^[1-9][0-9]{6}$").all()


def test_excluded_pprs_are_replaced_and_nothing_else_moves(df):
    exclus = set(df["ppr"].to_list()[:3])
    sans = generateur.population(agents=4000, seed=11, unites=UNITES, pprs_exclus=exclus)
    assert exclus.isdisjoint(sans["ppr"].to_list())
    assert sans["ppr"].n_unique() == 4000
    # the other agents keep their PPR, in the same order
    gardes = [p for p in df["ppr"].to_list() if p not in exclus]
    assert sans["ppr"].to_list()[:3997] == gardes
    assert sans.drop("ppr").equals(df.drop("ppr"))


def test_when_most_candidates_are_taken_further_ones_are_drawn():
    # 60 rounds of 20 exclude more than the first block of candidates (20 + 2 + 1000)
    exclus: set[str] = set()
    for _tour in range(60):
        pprs = [str(p) for p in generateur._pprs(9, 20, exclus)]
        assert len(set(pprs)) == 20
        assert exclus.isdisjoint(pprs)
        exclus |= set(pprs)
    assert len(exclus) == 1200


def test_cins_are_unique_and_well_formed(df):
    assert df["cin"].n_unique() == df.height
    assert all(validation.CIN_PATTERN.fullmatch(c) for c in df["cin"].to_list())


def test_ribs_have_24_digits_and_the_right_mod_97_key(df):
    ribs = df["rib"].to_list()
    assert all(validation.rib_erreur(r) is None for r in ribs)
    assert all(r[22:] == validation.rib_cle(r[:22]) for r in ribs)
    codes = dict(generateur.BANQUES)
    assert all(codes[r[:3]] == b for r, b in zip(ribs, df["banque"].to_list(), strict=True))


def test_latin_and_arabic_names_are_pairs_and_first_names_match_the_sex(df):
    noms = set(generateur.NOMS)
    feminins = set(generateur.PRENOMS_FEMININS)
    masculins = set(generateur.PRENOMS_MASCULINS)
    for ligne in _lignes(df):
        assert (ligne["nom"], ligne["nom_ar"]) in noms
        prenoms = feminins if ligne["sexe"] == "F" else masculins
        assert (ligne["prenom"], ligne["prenom_ar"]) in prenoms
    assert set(df["sexe"].to_list()) == {"F", "M"}
    assert 0.35 < (df["sexe"] == "F").mean() < 0.55  # type: ignore[operator]


def test_grades_echelons_and_indices_come_from_the_referentiel_grids(df):
    grades = {g.code: g.corps_code for g in fixtures_io.grades_fixtures()}
    parametres = {p.code: p.valeur for p in fixtures_io.parametres_fixtures()}
    for ligne in _lignes(df):
        assert grades[ligne["grade"]] == ligne["corps"]
        classement = parametres[f"grade.{ligne['grade']}"]
        assert ligne["echelle"] == classement["echelle"]
        grille = parametres[f"grille.{classement['grille']}.{ligne['echelon']}"]
        assert int(ligne["indice"]) == grille["indice"]
    assert df["grade"].n_unique() >= 15


def test_positions_are_mostly_activite_with_every_other_position_present(df):
    comptes = dict(df["position"].value_counts().iter_rows())
    assert set(comptes) == {p for p, _ in generateur.POSITIONS}
    assert comptes["activite"] / df.height > 0.88
    assert (df.filter(pl.col("statut") == "stagiaire")["position"] == "activite").all()


def test_dates_follow_each_other(df):
    for ligne in _lignes(df):
        naissance = date.fromisoformat(ligne["date_naissance"])
        recrutement = date.fromisoformat(ligne["date_recrutement"])
        effet = date.fromisoformat(ligne["date_effet_situation"])
        assert naissance + timedelta(days=20 * 365) <= recrutement <= effet
        assert effet <= generateur.REFERENCE


def test_children_are_listed_with_birth_dates_after_the_parents_twentieth_year(df):
    avec = 0
    for ligne in _lignes(df):
        if not ligne["enfants"]:
            continue
        avec += 1
        enfants = ligne["enfants"].split(";")
        assert len(enfants) <= generateur.ENFANTS_MAX
        assert ligne["situation_familiale"] != "celibataire"
        naissance = date.fromisoformat(ligne["date_naissance"])
        jours = [date.fromisoformat(e.split(":")[1]) for e in enfants]
        assert all(ENFANT.fullmatch(e) for e in enfants)
        assert jours == sorted(jours)
        assert all(naissance + timedelta(days=20 * 365) <= j <= generateur.REFERENCE for j in jours)
    assert avec > df.height // 3


def test_family_residence_and_retirement_are_consistent(df):
    communes = {t.code for t in fixtures_io.territoires_fixtures() if t.niveau == "commune"}
    assert set(df["commune_residence"].to_list()) <= communes
    assert set(df["situation_familiale"].to_list()) == {"celibataire", "marie", "divorce", "veuf"}
    conjoints = df.filter(pl.col("conjoint_a_charge") == generateur.OUI)
    assert conjoints.height > 0
    assert (conjoints["situation_familiale"] == "marie").all()
    assert set(df["conjoint_a_charge"].to_list()) == {generateur.OUI, generateur.NON}
    contractuels = df.filter(pl.col("statut") == "contractuel")
    assert (contractuels["regime_retraite"] == "RCAR").all()
    assert (df.filter(pl.col("statut") != "contractuel")["regime_retraite"] == "CMR").all()
    assert set(df["unite"].to_list()) == set(UNITES)
    assert df["telephone"].str.contains(r"^0[67][0-9]{8}$").all()
    courriels = df.filter(pl.col("email") != "")["email"]
    assert courriels.str.contains(r"^[a-z]+\.[a-z]+[0-9]+@courriel\.example$").all()


def test_education_profile_is_mostly_teachers():
    education = generateur.population(agents=2000, seed=5, unites=UNITES, profil="education")
    assert (education["corps"] == "ENS").mean() > 0.55  # type: ignore[operator]
    administration = generateur.population(agents=2000, seed=5, unites=UNITES)
    assert (administration["corps"] == "ENS").sum() == 0


def test_no_unit_or_unknown_profile_is_refused():
    with pytest.raises(generateur.GenerationImpossible, match="aucune unité"):
        generateur.population(agents=10, seed=1, unites=[])
    with pytest.raises(generateur.GenerationImpossible, match="profil inconnu"):
        generateur.population(agents=10, seed=1, unites=UNITES, profil="armee")


def test_planned_posts_hold_every_occupant_of_their_grade(df):
    postes = generateur.postes_a_prevoir(df)
    occupants = generateur.occupants_par_grade(df)
    assert {p.grade_code for p in postes} == set(occupants)
    assert all(p.nombre > occupants[p.grade_code] for p in postes)
    libres = [generateur.PosteLibre(p.code, p.grade_code, p.nombre) for p in postes]
    affecte = generateur.postes_affecter(df, libres)
    occupe = affecte["position"].is_in(list(generateur.POSITIONS_OCCUPANT_POSTE))
    assert (
        affecte.filter(occupe)["poste_budgetaire"] == "PB-" + affecte.filter(occupe)["grade"]
    ).all()
    assert (affecte.filter(~occupe)["poste_budgetaire"] == "").all()
    assert affecte.drop("poste_budgetaire").equals(df.drop("poste_budgetaire"))


def test_posts_are_never_filled_beyond_their_places(df):
    grade = df.filter(pl.col("position") == "activite")["grade"].mode()[0]
    occupants = generateur.occupants_par_grade(df)[grade]
    libres = [
        generateur.PosteLibre("P-1", grade, 3),
        generateur.PosteLibre("P-2", grade, 2),
        generateur.PosteLibre("P-0", grade, -4),  # already over-filled by others
        generateur.PosteLibre("P-X", "GRADE-INCONNU", 100),
    ]
    affecte = generateur.postes_affecter(df, libres)
    comptes = dict(affecte["poste_budgetaire"].value_counts().iter_rows())
    assert comptes.pop("P-1") == 3
    assert comptes.pop("P-2") == 2
    assert comptes == {"": df.height - 5}
    assert occupants > 5


def test_the_csv_has_a_bom_the_template_header_and_reads_back(tmp_path, df):
    chemin = tmp_path / "agents.csv"
    generateur.ecrire_csv(df.head(50), chemin)
    assert chemin.read_bytes().startswith(b"\xef\xbb\xbfppr;cin;nom;")
    with chemin.open(encoding="utf-8-sig", newline="") as entree:
        relu = list(csv.DictReader(entree, delimiter=";"))
    assert relu == _lignes(df.head(50))


# --- the demo's database side (modules/personnel/demo.py) ---------------------------------------


@pytest.mark.django_db
def test_demo_pprs_avoid_those_another_ordonnateur_manages(tenant_b, unites_a):
    from django_tenants.utils import schema_context

    from modules.personnel import demo
    from tenants import registre

    premier = demo.population_generer(agents=50, seed=4, profil="administration")
    # the first two PPRs, and the two that would replace them, are managed by tenant B
    pris = premier["ppr"].to_list()[:2]
    pris += generateur.population(agents=50, seed=4, unites=UNITES, pprs_exclus=pris)[
        "ppr"
    ].to_list()[-2:]
    with schema_context(tenant_b.schema_name):
        for ppr in pris:
            registre.inscrire(ppr=ppr)
    second = demo.population_generer(agents=50, seed=4, profil="administration")
    assert set(pris).isdisjoint(second["ppr"].to_list())
    assert second["ppr"].to_list()[:48] == premier["ppr"].to_list()[2:]
    assert second.drop("ppr").equals(premier.drop("ppr"))
    assert set(second["unite"].to_list()) == {"DRH", "FES", "FES-RH", "PAIE", "RABAT"}


@pytest.mark.django_db
def test_demo_posts_are_created_through_the_service_and_places_count_other_agents(
    creer_agent,
):
    from audit.models import AuditEvent
    from modules.personnel import demo
    from modules.personnel.models import PosteBudgetaire

    df = demo.population_generer(agents=200, seed=9, profil="administration")
    prevus = generateur.postes_a_prevoir(df)
    avant = AuditEvent.objects.count()
    assert demo.postes_creer(auteur="tests", postes=prevus) == len(prevus)
    assert AuditEvent.objects.count() == avant + len(prevus)
    dernier = AuditEvent.objects.order_by("-seq").first()
    assert dernier is not None
    assert dernier.action == "personnel.poste_creer"
    assert PosteBudgetaire.objects.filter(code__startswith="PB-").count() == len(prevus)

    # an agent outside the file holds one place of P-ADM (5 budgeted); the file's own agents
    # would not count (re-running the demo must give the same assignment)
    autre = creer_agent(poste="P-ADM")
    places = {p.code: p.places for p in demo.places_libres(pprs=df["ppr"].to_list())}
    assert places["P-ADM"] == 4
    sans_autre = {p.code: p.places for p in demo.places_libres(pprs=[autre.ppr])}
    assert sans_autre["P-ADM"] == 5
    assert places[f"PB-{prevus[0].grade_code}"] == prevus[0].nombre
    assert "P-TECH" not in places  # a post by category only: not for the generator


def _etat(schema):
    from django_tenants.utils import schema_context

    from audit.models import AuditEvent
    from modules.personnel.models import Agent, Enfant, EvenementCarriere, PosteBudgetaire
    from modules.unites.models import Unite

    with schema_context(schema):
        return {
            "unites": sorted(Unite.objects.values_list("code", flat=True)),
            "postes": sorted(PosteBudgetaire.objects.values_list("code", "nombre")),
            "agents": sorted(Agent.objects.values_list("ppr", "modifie_le")),
            "evenements": EvenementCarriere.objects.count(),
            "enfants": Enfant.objects.count(),
            "audit_agents": AuditEvent.objects.filter(action__startswith="personnel.agent").count(),
        }


@pytest.mark.django_db
def test_personnel_demo_fills_an_empty_ministry_once_and_a_second_run_changes_nothing(
    tenant_b, referentiel
):
    from io import StringIO

    from django.core.management import call_command

    from modules.personnel import demo
    from tenants.models import InscriptionPpr

    sortie = StringIO()
    call_command("personnel", "demo", "--tenant", "test-b", "--agents", "80", stdout=sortie)
    premier = _etat(tenant_b.schema_name)
    assert premier["unites"] == sorted(code for code, *_ in demo.ARBRE_MINISTERE)
    assert len(premier["agents"]) == 80
    assert premier["evenements"] == 80
    assert premier["enfants"] > 0
    assert premier["postes"]
    assert all(code.startswith("PB-") for code, _ in premier["postes"])
    pprs = [ppr for ppr, _ in premier["agents"]]
    assert (
        InscriptionPpr.objects.filter(ppr__in=pprs, organisation=tenant_b, active=True).count()
        == 80
    )
    assert "80 créé(s)" in sortie.getvalue()

    sortie = StringIO()
    call_command("personnel", "demo", "--tenant", "test-b", "--agents", "80", stdout=sortie)
    assert _etat(tenant_b.schema_name) == premier
    assert "0 créé(s), 0 modifié(s), 80 inchangé(s)" in sortie.getvalue()


@pytest.mark.django_db
def test_personnel_demo_gives_a_commune_its_own_tree_and_refuses_an_unknown_tenant(
    tenant_a, referentiel
):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from modules.personnel import demo

    call_command("personnel", "demo", "--tenant", "test-a", "--agents", "30", stdout=StringIO())
    etat = _etat(tenant_a.schema_name)
    assert etat["unites"] == sorted(code for code, *_ in demo.ARBRE_COMMUNE)
    assert len(etat["agents"]) == 30
    with pytest.raises(CommandError, match="Organisation inconnue : nulle-part"):
        call_command("personnel", "demo", "--tenant", "nulle-part", "--agents", "3")
