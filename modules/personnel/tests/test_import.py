"""The legacy import, through its public function: what it writes, what it refuses, and that a
refused file leaves nothing behind.

Files: tests/fichiers/agents_valides.csv (5 agents), agents_invalides.csv, agents_mixtes.csv;
others are written by the tests. Units and posts come from the module's conftest (RABAT/DRH/PAIE,
FES/FES-RH; P-ADM 5 posts, P-TECH 2 posts).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from modules.personnel import importation, normalisation
from modules.personnel.models import Agent, Enfant, EvenementCarriere
from modules.unites.perimetres import TOUT, Perimetre
from tenants import registre
from tenants.models import InscriptionPpr

pytestmark = pytest.mark.django_db

FICHIERS = Path(__file__).parent / "fichiers"
ENTETE = (
    "ppr;cin;nom;prenom;sexe;date_naissance;date_recrutement;statut;grade;position;unite;"
    "poste_budgetaire;rib;enfants;date_effet_situation;echelon;email"
)


def fichier(tmp_path: Path, *lignes: str, entete: str = ENTETE, nom: str = "f.csv") -> Path:
    chemin = tmp_path / nom
    chemin.write_text("\n".join((entete, *lignes)) + "\n", encoding="utf-8")
    return chemin


def importer(chemin: Path, **options) -> importation.BilanImport:
    options.setdefault("simulation", False)
    options.setdefault("perimetre", TOUT)
    return importation.importer_fichier(chemin=chemin, auteur="tests", **options)


def etat(schema: str | None = None) -> tuple[int, int, int, int, int]:
    """(agents, events, children, active registry rows, audit rows) of the current schema."""
    return (
        Agent.objects.count(),
        EvenementCarriere.objects.count(),
        Enfant.objects.count(),
        InscriptionPpr.objects.filter(active=True).count(),
        AuditEvent.objects.count(),
    )


def ou(bilan: importation.BilanImport) -> set[tuple[int, str]]:
    return {(e.ligne, e.colonne) for e in bilan.erreurs}


@pytest.fixture
def pret(postes_a):
    """Tenant A with its units, posts and the reference data, current schema A."""
    return postes_a


# --- A valid file -------------------------------------------------------------------------------


def test_valid_file_creates_agents_events_children_and_registry_rows_with_one_audit_row(pret):
    avant = etat()

    bilan = importer(FICHIERS / "agents_valides.csv")

    assert bilan.erreurs == []
    assert (bilan.lignes, bilan.crees, bilan.modifies, bilan.inchanges) == (5, 5, 0, 0)
    assert bilan.applique is True
    assert (bilan.evenements, bilan.enfants) == (5, 4)
    assert etat() == (avant[0] + 5, avant[1] + 5, avant[2] + 4, avant[3] + 5, avant[4] + 1)

    fatima = Agent.objects.get(ppr="2000001")
    assert (fatima.cin, fatima.nom_fr, fatima.prenom_fr, fatima.nom_ar, fatima.prenom_ar) == (
        "AB123456",
        "El Amrani",
        "Fatima",
        "العمراني",
        "فاطمة",
    )
    assert (fatima.date_naissance, fatima.date_recrutement) == (date(1985, 2, 14), date(2010, 9, 1))
    assert (fatima.sexe, fatima.situation_familiale, fatima.conjoint_a_charge) == (
        "F",
        "marie",
        True,
    )
    assert (fatima.rib, fatima.banque, fatima.telephone) == (
        "007780000000000000000160",
        "Banque Populaire",
        "0612345678",
    )
    assert fatima.adresse == "12, rue Ibn Khaldoun; Rabat"
    assert fatima.commune_residence == "04.421.01.0"
    assert (fatima.statut, fatima.corps_code, fatima.grade_code, fatima.echelle) == (
        "titulaire",
        "ADM",
        "ADM-2",
        "11",
    )
    assert (fatima.echelon, fatima.indice, fatima.position) == ("3", 509, "activite")
    assert (fatima.unite_code, fatima.poste_code, fatima.situation_du) == (
        "DRH",
        "P-ADM",
        date(2024, 1, 1),
    )
    assert fatima.recherche == normalisation.cle_recherche(
        ppr="2000001",
        cin="AB123456",
        nom_fr="El Amrani",
        prenom_fr="Fatima",
        nom_ar="العمراني",
        prenom_ar="فاطمة",
    )
    assert fatima.nom_tri == normalisation.cle_tri(nom_fr="El Amrani", prenom_fr="Fatima")
    assert [(e.prenom, e.date_naissance) for e in fatima.enfants.all()] == [
        ("Yassine", date(2012, 4, 3)),
        ("Salma", date(2015, 9, 21)),
    ]
    (evenement,) = fatima.evenements.all()
    assert (evenement.nature, evenement.source, evenement.auteur, evenement.date_effet) == (
        "reprise",
        "import",
        "tests",
        date(2024, 1, 1),
    )
    assert (evenement.grade_code, evenement.unite_code, evenement.poste_code) == (
        "ADM-2",
        "DRH",
        "P-ADM",
    )
    assert evenement.reference == f"import {bilan.empreinte[:16]}"

    youssef = Agent.objects.get(ppr="2000002")
    # corps from the grade; the situation takes effect at recruitment when no date is given
    assert (youssef.corps_code, youssef.situation_du, youssef.regime_retraite) == (
        "TECH",
        date(2015, 3, 1),
        "RCAR",
    )
    khadija = Agent.objects.get(ppr="2000003")
    assert (khadija.position, khadija.situation_familiale, khadija.regime_retraite) == (
        "detachement",
        "divorce",
        "CMR",
    )
    mehdi = Agent.objects.get(ppr="2000004")
    assert (mehdi.statut, mehdi.grade_code, mehdi.cin, mehdi.situation_familiale) == (
        "contractuel",
        "",
        "",
        "celibataire",
    )

    audit = AuditEvent.objects.get(action="personnel.import")
    assert audit.object_id == bilan.empreinte
    assert audit.data["sha256"] == bilan.empreinte
    assert (audit.data["crees"], audit.data["modifies"], audit.data["evenements"]) == (5, 0, 5)
    assert "AB123456" not in str(audit.data)  # no personal data in the chain
    inscrits = InscriptionPpr.objects.filter(ppr__in=["2000001", "2000005"], active=True)
    assert {(i.ppr, i.organisation.code, i.role) for i in inscrits} == {
        ("2000001", "test-a", "gestion"),
        ("2000005", "test-a", "gestion"),
    }


def test_dry_run_counts_what_it_would_do_and_writes_nothing(pret):
    avant = etat()

    bilan = importer(FICHIERS / "agents_valides.csv", simulation=True)

    assert (bilan.lignes, bilan.crees, bilan.modifies, bilan.inchanges) == (5, 5, 0, 0)
    assert (bilan.erreurs, bilan.applique) == ([], False)
    assert etat() == avant
    # no scratch table outlives the dry run's transaction
    with connection.cursor() as curseur:
        curseur.execute("SELECT count(*) FROM pg_class WHERE relname LIKE '\\_imp\\_%%'")
        assert curseur.fetchone() == (0,)


def test_xlsx_with_typed_cells_gives_the_same_agents_as_the_csv(pret, tmp_path):
    from openpyxl import Workbook  # type: ignore[import-untyped]

    with (FICHIERS / "agents_valides.csv").open(encoding="utf-8") as source:
        rangees = list(csv.reader(source, delimiter=";"))
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "agents"
    entete = rangees[0]
    feuille.append(entete)
    for rangee in rangees[1:]:
        cellules: list[object] = []
        for code, valeur in zip(entete, rangee, strict=True):
            if code == "ppr":
                cellules.append(int(valeur))  # a number cell, as spreadsheets make them
            elif code == "date_naissance" and "/" in valeur:
                jour, mois, annee = map(int, valeur.split("/"))
                cellules.append(date(annee, mois, jour))  # a date cell
            elif code == "indice" and valeur:
                cellules.append(float(valeur))
            else:
                cellules.append(valeur or None)
        feuille.append(cellules)
    chemin = tmp_path / "agents.xlsx"
    classeur.save(chemin)

    bilan = importer(chemin)

    assert (bilan.erreurs, bilan.crees) == ([], 5)
    fatima = Agent.objects.get(ppr="2000001")
    assert (fatima.date_naissance, fatima.indice, fatima.enfants.count()) == (
        date(1985, 2, 14),
        509,
        2,
    )


# --- Invalid and mixed files: nothing partially applied ---------------------------------------


def test_invalid_file_reports_every_problem_by_line_and_column_and_writes_nothing(pret):
    avant = etat()

    bilan = importer(FICHIERS / "agents_invalides.csv")

    assert bilan.applique is False
    assert etat() == avant
    assert ou(bilan) == {
        (2, "ppr"),  # 12AB
        (3, "cin"),  # 123
        (3, "date_naissance"),  # 31/02
        (4, "sexe"),  # X
        (4, "grade"),  # ADM-9
        (4, "unite"),  # NULLEPART
        (4, "rib"),  # wrong key
        (4, "ppr"),  # same PPR as line 5
        (5, "ppr"),
        (5, "nom"),  # blank
        (5, "position"),  # inconnue
        (5, "poste_budgetaire"),  # PB-INEXISTANT
        (5, "enfants"),  # "Rim" without date
    }
    assert (bilan.lignes, bilan.lignes_en_erreur, bilan.erreurs_total) == (4, 4, 13)
    par_cle = {(e.ligne, e.colonne): e for e in bilan.erreurs}
    assert par_cle[(2, "ppr")].valeur == "12AB"
    assert par_cle[(2, "ppr")].probleme == "Ce n'est pas un PPR valide."
    assert "chiffres seulement" in par_cle[(2, "ppr")].correction
    assert par_cle[(4, "rib")].probleme == "La clé du RIB est fausse (clé attendue : 60)."
    assert par_cle[(4, "ppr")].probleme == "Ce PPR figure aussi ligne(s) 5."
    assert par_cle[(5, "ppr")].probleme == "Ce PPR figure aussi ligne(s) 4."
    assert par_cle[(4, "unite")].probleme == "Cette unité n'existe pas ou est désactivée."
    assert par_cle[(5, "enfants")].probleme == "enfant n° 1 « Rim » : écrivez prénom:date."
    # listed in the order of the file
    assert [e.ligne for e in bilan.erreurs] == sorted(e.ligne for e in bilan.erreurs)


def test_mixed_file_is_refused_whole_by_default(pret):
    avant = etat()

    bilan = importer(FICHIERS / "agents_mixtes.csv")

    assert ou(bilan) == {(4, "rib"), (5, "enfants")}
    assert bilan.applique is False
    # what applying the valid lines would do, once the file is corrected
    assert (bilan.crees, bilan.lignes_en_erreur) == (2, 2)
    assert etat() == avant
    assert not Agent.objects.filter(ppr__in=["4000001", "4000002"]).exists()
    assert not InscriptionPpr.objects.filter(ppr__startswith="40000").exists()


def test_mixed_file_with_partial_option_applies_the_valid_lines_only(pret):
    avant = etat()

    bilan = importer(FICHIERS / "agents_mixtes.csv", tout_ou_rien=False)

    assert bilan.applique is True
    assert (bilan.crees, bilan.modifies, bilan.lignes_en_erreur) == (2, 0, 2)
    assert set(Agent.objects.filter(ppr__startswith="40000").values_list("ppr", flat=True)) == {
        "4000001",
        "4000002",
    }
    assert etat() == (avant[0] + 2, avant[1] + 2, avant[2] + 1, avant[3] + 2, avant[4] + 1)
    assert AuditEvent.objects.get(action="personnel.import").data["lignes_refusees"] == 2


# --- Re-imports ---------------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(pret):
    importer(FICHIERS / "agents_valides.csv")
    avant = etat()
    modifies_le = dict(Agent.objects.values_list("ppr", "modifie_le"))

    bilan = importer(FICHIERS / "agents_valides.csv")

    assert (bilan.crees, bilan.modifies, bilan.inchanges, bilan.erreurs) == (0, 0, 5, [])
    assert etat() == avant  # not even an audit row: nothing was written
    assert dict(Agent.objects.values_list("ppr", "modifie_le")) == modifies_le


def test_reimport_with_changes_updates_identity_adds_events_and_children_only_where_needed(
    pret, tmp_path
):
    premier = fichier(
        tmp_path,
        "5000001;AA1;Amrani;Hind;F;1980-01-01;2005-01-01;titulaire;ADM-2;activite;DRH;P-ADM;;"
        "Lina:2010-01-01;;3;hind@example.ma",
        "5000002;AA2;Bekkali;Adil;M;1981-01-01;2006-01-01;titulaire;ADM-2;activite;DRH;P-ADM;;;;4;",
        "5000003;AA3;Cherkaoui;Aya;F;1982-01-01;2007-01-01;titulaire;TECH-3;activite;FES-RH;;;;;2;",
        nom="v1.csv",
    )
    importer(premier)
    avant = etat()
    hind_recherche = Agent.objects.get(ppr="5000001").recherche
    second = fichier(
        tmp_path,
        # Hind: new RIB (identity), same situation, email left blank (kept)
        "5000001;AA1;Amrani;Hind;F;1980-01-01;2005-01-01;titulaire;ADM-2;activite;DRH;P-ADM;"
        "007780000000000000000645;Lina:2010-01-01;;3;",
        # Adil: promoted to échelon 5 on 2024-06-01 (situation), a new child
        "5000002;AA2;Bekkali;Adil;M;1981-01-01;2006-01-01;titulaire;ADM-2;activite;DRH;P-ADM;;"
        "Sami:2019-03-03;2024-06-01;5;",
        # Aya: unchanged
        "5000003;AA3;Cherkaoui;Aya;F;1982-01-01;2007-01-01;titulaire;TECH-3;activite;FES-RH;;;;;2;",
        nom="v2.csv",
    )

    bilan = importer(second)

    assert (bilan.crees, bilan.modifies, bilan.inchanges, bilan.erreurs) == (0, 2, 1, [])
    assert (bilan.evenements, bilan.enfants) == (1, 1)
    assert etat() == (avant[0], avant[1] + 1, avant[2] + 1, avant[3], avant[4] + 1)
    hind = Agent.objects.get(ppr="5000001")
    assert (hind.rib, hind.email, hind.recherche) == (
        "007780000000000000000645",
        "hind@example.ma",
        hind_recherche,
    )
    assert hind.evenements.count() == 1
    adil = Agent.objects.get(ppr="5000002")
    assert (adil.echelon, adil.situation_du) == ("5", date(2024, 6, 1))
    assert [(e.nature, e.date_effet, e.echelon) for e in adil.evenements.all()] == [
        ("reprise", date(2006, 1, 1), "4"),
        ("reprise", date(2024, 6, 1), "5"),
    ]
    assert sorted(adil.enfants.values_list("prenom", flat=True)) == ["Sami"]
    assert Agent.objects.get(ppr="5000003").evenements.count() == 1


def test_a_changed_situation_rebuilds_the_current_situation_like_the_services_fold(
    pret, creer_agent, tmp_path
):
    from modules.personnel import carriere, services

    agent = creer_agent(ppr="6000001", date_effet=date(2018, 1, 1))
    promotion = services.evenement_ajouter(
        auteur="tests",
        agent=agent,
        nature="avancement_echelon",
        date_effet=date(2020, 1, 1),
        valeurs={"echelon": "4", "indice": 600},
        perimetre=TOUT,
    )
    services.evenement_corriger(
        auteur="tests",
        evenement=promotion,
        date_effet=date(2020, 1, 1),
        valeurs={"echelon": "5", "indice": 650},
        motif="erreur de saisie",
        perimetre=TOUT,
    )
    chemin = fichier(
        tmp_path,
        "6000001;;Alaoui;Karim;M;1985-05-17;2018-01-01;titulaire;ADM-2;activite;PAIE;;;;"
        "2023-01-01;6;",
    )

    bilan = importer(chemin)

    assert (bilan.modifies, bilan.erreurs) == (1, [])
    agent.refresh_from_db()
    attendu = carriere.situation_plier(list(agent.evenements.all()), le=date.today())
    assert {c: getattr(agent, c) for c in attendu.valeurs()} == attendu.valeurs()
    assert (agent.echelon, agent.indice, agent.unite_code, agent.situation_du) == (
        "6",
        650,
        "PAIE",
        date(2023, 1, 1),
    )


def test_a_situation_older_than_the_known_one_is_refused(pret, creer_agent, tmp_path):
    creer_agent(ppr="6000002", date_effet=date(2022, 1, 1))
    avant = etat()
    chemin = fichier(
        tmp_path,
        "6000002;;Alaoui;Karim;M;1985-05-17;2018-01-01;titulaire;ADM-2;activite;PAIE;;;;"
        "2021-01-01;3;",
    )

    bilan = importer(chemin)

    assert ou(bilan) == {(2, "date_effet_situation")}
    assert "01/01/2022" in bilan.erreurs[0].probleme
    assert etat() == avant


# --- Perimeter, registry, budget posts, duplicates ---------------------------------------------


def test_units_and_agents_outside_the_importers_perimeter_are_refused(pret, creer_agent, tmp_path):
    creer_agent(ppr="7000001", unite="DRH")
    avant = etat()
    chemin = fichier(
        tmp_path,
        "7000002;;Fassi;Nora;F;1990-01-01;2015-01-01;titulaire;TECH-3;activite;FES-RH;;;;;1;",
        "7000003;;Rami;Ali;M;1990-01-01;2015-01-01;titulaire;TECH-3;activite;PAIE;;;;;1;",
        # an agent of this tenant, in a unit outside FES, "moved" to FES-RH by the file
        "7000001;;Alaoui;Karim;M;1985-05-17;2018-01-01;titulaire;ADM-2;activite;FES-RH;;;;"
        "2024-01-01;3;",
    )

    bilan = importer(chemin, perimetre=Perimetre(racines=frozenset({"FES"})))

    assert ou(bilan) == {(3, "unite"), (4, "ppr")}
    par_ligne = {e.ligne: e for e in bilan.erreurs}
    assert par_ligne[3].probleme == "Cette unité est hors de votre périmètre."
    assert par_ligne[4].probleme == (
        "Cet agent a déjà un dossier ici, dans une unité hors de votre périmètre."
    )
    assert etat() == avant
    assert bilan.crees == 1  # the FES-RH line, once the others are fixed


def test_a_ppr_managed_by_another_ordonnateur_is_refused_with_its_name(pret, tenant_b, tmp_path):
    with schema_context(tenant_b.schema_name):
        registre.inscrire(ppr="8000001")
    avant = etat()
    chemin = fichier(
        tmp_path,
        "8000001;;Lahlou;Meryem;F;1990-01-01;2015-01-01;titulaire;TECH-3;activite;FES-RH;;;;;1;",
        "8000002;;Lahlou;Driss;M;1990-01-01;2015-01-01;titulaire;TECH-3;activite;FES-RH;;;;;1;",
    )

    bilan = importer(chemin)

    assert ou(bilan) == {(2, "ppr")}
    assert bilan.erreurs[0].probleme == (
        "Le PPR 8000001 est déjà géré par « Ministère de test B » (test-b) : demandez-lui un "
        "transfert de l'agent plutôt que de créer un second dossier."
    )
    assert etat() == avant
    assert InscriptionPpr.objects.filter(ppr="8000001", active=True).count() == 1


def test_budget_post_capacity_is_checked_after_the_import_in_the_order_of_the_lines(
    pret, creer_agent, tmp_path
):
    creer_agent(ppr="9000001", poste="P-TECH", situation={"grade_code": "TECH-3"})
    avant = etat()
    lignes = (
        "9000002;;Amine;Reda;M;1990-01-01;2015-01-01;titulaire;TECH-3;activite;FES-RH;P-TECH;;;;1;",
        "9000003;;Amine;Rita;F;1990-01-01;2015-01-01;titulaire;TECH-3;activite;FES-RH;P-TECH;;;;1;",
        # détachée: does not occupy the post
        "9000004;;Amine;Rim;F;1990-01-01;2015-01-01;titulaire;TECH-3;detachement;FES-RH;P-TECH;;"
        ";;1;",
    )

    bilan = importer(fichier(tmp_path, *lignes))

    assert ou(bilan) == {(3, "poste_budgetaire")}
    assert bilan.erreurs[0].probleme == (
        "Le poste budgétaire P-TECH est complet (2 budgétés) : pas de place pour cet agent."
    )
    assert etat() == avant

    # the agent holding a post leaves it in the same file: its place is free for line 3
    depart = (
        "9000001;;Alaoui;Karim;M;1985-05-17;2018-01-01;titulaire;TECH-3;disponibilite;DRH;P-TECH;"
        ";;2024-01-01;3;"
    )
    bilan = importer(fichier(tmp_path, *lignes, depart, nom="g.csv"))

    assert bilan.erreurs == []
    assert (bilan.crees, bilan.modifies) == (3, 1)
    assert Agent.objects.filter(poste_code="P-TECH", position="activite").count() == 2


def test_duplicate_ppr_and_cin_inside_the_file_flag_every_occurrence(pret, tmp_path):
    chemin = fichier(
        tmp_path,
        "9100001;ZZ1;Ait;Ali;M;1990-01-01;2015-01-01;titulaire;TECH-3;activite;FES-RH;;;;;1;",
        "9100002;zz 1;Ait;Bader;M;1990-01-01;2015-01-01;titulaire;TECH-3;activite;FES-RH;;;;;1;",
        "9100001;ZZ3;Ait;Chama;F;1990-01-01;2015-01-01;titulaire;TECH-3;activite;FES-RH;;;;;1;",
    )

    bilan = importer(chemin)

    assert ou(bilan) == {(2, "ppr"), (4, "ppr"), (2, "cin"), (3, "cin")}
    messages = {(e.ligne, e.colonne): e.probleme for e in bilan.erreurs}
    assert messages[(2, "ppr")] == "Ce PPR figure aussi ligne(s) 4."
    assert messages[(3, "cin")] == "Ce CIN figure aussi ligne(s) 2."


def test_a_cin_already_held_by_another_agent_of_the_tenant_is_refused(pret, creer_agent, tmp_path):
    creer_agent(ppr="9200001", cin="QQ123")
    chemin = fichier(
        tmp_path,
        "9200002;QQ123;Ait;Ali;M;1990-01-01;2015-01-01;titulaire;TECH-3;activite;FES-RH;;;;;1;",
    )

    bilan = importer(chemin)

    assert ou(bilan) == {(2, "cin")}
    assert bilan.erreurs[0].probleme == (
        "Cette CIN est déjà celle de l'agent de PPR 9200001 dans l'organisation."
    )


# --- The file's form ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contenu", "attendu"),
    [
        (b"ppr;nom;prenom;sexe;date_recrutement;statut;position;unite;salaire\n", (1, "I")),
        (b"ppr;nom;prenom;sexe;date_recrutement;statut;position\n", (1, "unite")),
        (b"ppr;nom;nom;prenom;sexe;date_recrutement;statut;position;unite\n", (1, "C")),
        (
            "ppr;nom;prenom;sexe;date_recrutement;statut;position;unite\n1;é".encode("latin-1"),
            (0, ""),
        ),
        (b"ppr;nom;prenom;sexe;date_recrutement;statut;position;unite\n", (0, "")),
        (
            b"ppr;nom;prenom;sexe;date_recrutement;statut;position;unite\n1;2;3;4;5;6;7;8;9\n",
            (0, ""),
        ),
    ],
    ids=[
        "colonne inconnue",
        "colonne manquante",
        "colonne en double",
        "latin-1",
        "vide",
        "cellules",
    ],
)
def test_a_file_whose_form_is_wrong_is_refused_before_any_check(pret, tmp_path, contenu, attendu):
    chemin = tmp_path / "f.csv"
    chemin.write_bytes(contenu)

    bilan = importer(chemin)

    assert [(e.ligne, e.colonne) for e in bilan.erreurs] == [attendu]
    assert bilan.applique is False


def test_headers_are_matched_without_case_accents_or_spaces(pret, tmp_path):
    chemin = fichier(
        tmp_path,
        "9300001;Ait;Ali;m;1990-01-01;01/01/2015;Titulaire;TECH-3;En activité;FES-RH",
        entete="PPR;Nom;Prénom;Sexe;Date de naissance;Date recrutement;Statut;Grade;Position;Unité",
    )

    bilan = importer(chemin, simulation=True)

    assert (bilan.erreurs, bilan.crees) == ([], 1)


def test_the_import_refuses_to_run_in_the_public_schema(db, tmp_path):
    connection.set_schema_to_public()  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError, match="tenant"):
        importer(FICHIERS / "agents_valides.csv")


# --- Search keys: the column-wise computation equals the module's functions --------------------

_LETTRES = st.sampled_from(
    list("abcdeéèàçïôÉÀ ZzYy-'’.,")
    + list("أإآٱاىيةهؤوئبتثـ")
    + ["\u064e", "\u0650", "\u0651", "\u00a0", "ß", "ﷺ", "\t"]
)
_NOMS = st.text(_LETTRES, max_size=12)


@given(
    noms=st.lists(st.tuples(_NOMS, _NOMS, _NOMS, _NOMS), min_size=1, max_size=20),
    cin=st.sampled_from(["", "AB123", "Z9"]),
)
@settings(max_examples=200, deadline=None)
def test_search_keys_of_the_import_equal_normalisation_cle_recherche_and_cle_tri(noms, cin):
    import polars as pl

    from modules.personnel.importation.ecriture import Cles

    donnees = pl.DataFrame(
        {
            "ppr": [str(1000000 + i) for i in range(len(noms))],
            "cin": [cin] * len(noms),
            "nom_fr": [n[0] for n in noms],
            "prenom_fr": [n[1] for n in noms],
            "nom_ar": [n[2] for n in noms],
            "prenom_ar": [n[3] for n in noms],
        }
    )

    cles = Cles().calculer(donnees)

    for ligne, (recherche, tri) in zip(
        donnees.iter_rows(named=True), cles.iter_rows(), strict=True
    ):
        assert recherche == normalisation.cle_recherche(**ligne)
        assert tri == normalisation.cle_tri(nom_fr=ligne["nom_fr"], prenom_fr=ligne["prenom_fr"])


def test_the_report_lists_every_problem_under_bilingual_headers(pret, tmp_path):
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    from modules.personnel.importation import rapport

    bilan = importer(FICHIERS / "agents_mixtes.csv", simulation=True)

    chemin = rapport.rapport_ecrire(bilan, chemin=tmp_path / "r.xlsx", nom_fichier="mixte.csv")

    classeur = load_workbook(chemin)
    synthese = {a: b for a, b, *_ in classeur["Synthèse"].iter_rows(values_only=True)}
    assert synthese["Fichier"] == "mixte.csv"
    assert (synthese["Lignes lues"], synthese["Agents à créer"], synthese["Erreurs"]) == (4, 2, 2)
    lignes = list(classeur["Erreurs"].iter_rows(values_only=True))
    assert lignes[0] == (
        "Ligne / السطر",
        "Colonne / العمود",
        "Valeur lue / القيمة",
        "Problème / المشكل",
        "Correction / التصحيح",
    )
    assert lignes[1] == tuple(bilan.erreurs[0])
    assert len(lignes) == 3
