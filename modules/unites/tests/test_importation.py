"""Import of unit files: all or nothing, errors by line and column saying what to fix."""

from __future__ import annotations

import io

import pytest
from django_tenants.utils import schema_context
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from audit.models import AuditEvent
from modules.unites import exportation, services
from modules.unites.models import Unite
from modules.unites.perimetres import Perimetre
from modules.unites.tests.conftest import chemins

pytestmark = pytest.mark.django_db

EN_TETE = "code;code_parent;type;nom_fr;nom_ar;imputation_budgetaire\n"


def _importer(texte, *, nom="unites.csv", perimeter=None, appliquer=True):
    return services.unites_import(
        actor="admin.a",
        contenu=texte.encode("utf-8") if isinstance(texte, str) else texte,
        nom_fichier=nom,
        perimeter=perimeter or Perimetre(tout=True),
        appliquer=appliquer,
    )


def _erreurs(plan):
    return [str(erreur) for erreur in plan.erreurs]


def test_a_clean_file_creates_every_unit_parents_first(dans_a):
    plan = _importer(
        EN_TETE
        + "DRH-PAIE;DRH;service;Service de la paie;مصلحة الأجور;\n"
        + "DRH;MIN;direction;Direction des RH;مديرية الموارد البشرية;1.2.1\n"
        + "MIN;;autre;Ministère;الوزارة;\n"
        + ";;;;;\n"  # blank lines are skipped
        + "FES;MIN;Sous-ordonnateur;Délégation de Fès;;\n"
    )
    assert _erreurs(plan) == []
    assert plan.applique is True
    assert chemins() == {
        "MIN": "/MIN/",
        "DRH": "/MIN/DRH/",
        "DRH-PAIE": "/MIN/DRH/DRH-PAIE/",
        "FES": "/MIN/FES/",
    }
    drh = Unite.objects.select_related("parent").get(code="DRH")
    assert drh.parent is not None
    assert (drh.parent.code, drh.kind, drh.imputation_budgetaire) == ("MIN", "direction", "1.2.1")
    assert Unite.objects.get(code="FES").kind == "sous_ordonnateur"
    assert Unite.objects.get(code="MIN").nom_ar == "الوزارة"
    event = AuditEvent.objects.filter(action="unites.importees").get()
    assert event.data["nombre"] == 4
    assert event.data["codes"] == ["MIN", "DRH", "DRH-PAIE", "FES"]
    assert event.data["fichier"] == "unites.csv"


def test_parents_may_be_existing_units(arbre):
    plan = _importer("code,code_parent,nom_fr\nFES-RH-FORM,FES-RH,Formation\n")
    assert _erreurs(plan) == []
    assert Unite.objects.get(code="FES-RH-FORM").chemin == "/FES/FES-RH/FES-RH-FORM/"
    assert Unite.objects.get(code="FES-RH-FORM").kind == "autre"


def test_every_error_is_reported_and_nothing_is_created(arbre):
    before, audits = chemins(), AuditEvent.objects.count()
    plan = _importer(
        EN_TETE
        + "NOUVELLE;RABAT;service;Bonne ligne;;\n"  # 2: fine alone, not created either
        + "dr-fes;RABAT;service;Minuscules;;\n"  # 3
        + "TANGER;ORAN;service;Parent inconnu;;\n"  # 4
        + "NOUVELLE;RABAT;service;Doublon dans le fichier;;\n"  # 5
        + "FES;;direction;Déjà là;;\n"  # 6
        + "SANS-NOM;RABAT;service;;;\n"  # 7
        + "TYPE;RABAT;division;Type inconnu;;\n"  # 8
        + ";RABAT;service;Sans code;;\n"  # 9
        + "SOI;SOI;service;Son propre parent;;\n"  # 10
    )
    assert _erreurs(plan) == [
        "Ligne 3, colonne A (code) : « dr-fes » n'est pas un code valide : utilisez des lettres "
        "majuscules sans accent, des chiffres et des tirets (par exemple « DR-FES »), 30 "
        "caractères au plus.",
        "Ligne 4, colonne B (code_parent) : le code parent « ORAN » n'existe ni dans le fichier "
        "ni dans l'organisation : corrigez-le ou ajoutez une ligne pour cette unité.",
        "Ligne 5, colonne A (code) : le code « NOUVELLE » figure déjà ligne 2 : chaque code doit "
        "être unique.",
        "Ligne 6, colonne A (code) : le code « FES » existe déjà dans l'organisation : retirez "
        "cette ligne ou changez de code.",
        "Ligne 7, colonne D (nom_fr) : le nom en français est obligatoire.",
        "Ligne 8, colonne C (type) : type « division » inconnu : indiquez direction, service, "
        "sous_ordonnateur ou autre.",
        "Ligne 9, colonne A (code) : le code est vide : chaque unité doit avoir un code.",
        "Ligne 10, colonne B (code_parent) : cycle : l'unité « SOI » est indiquée comme son "
        "propre parent.",
    ]
    assert plan.applique is False
    assert plan.lignes == []
    assert chemins() == before
    assert AuditEvent.objects.count() == audits


def test_a_cycle_through_several_lines_is_named_once(dans_a):
    plan = _importer(
        EN_TETE
        + "RACINE;;direction;Racine;;\n"
        + "A;C;service;A;;\n"
        + "B;A;service;B;;\n"
        + "C;B;service;C;;\n"
        + "SOUS-A;A;service;Sous A;;\n"
    )
    assert _erreurs(plan) == [
        "Ligne 3, colonne B (code_parent) : cycle entre les lignes 3, 4, 5 (A → C → B → A) : "
        "l'une de ces unités doit avoir un parent hors de ce cycle."
    ]
    assert Unite.objects.count() == 0


def test_header_problems_are_reported_on_line_one(dans_a):
    plan = _importer("code;parent;nom_fr\nA;;A\n")
    assert _erreurs(plan) == [
        "Ligne 1, colonne B (parent) : colonne inconnue : les colonnes possibles sont code, "
        "code_parent, type, nom_fr, nom_ar, imputation_budgetaire.",
        "Ligne 1 : la colonne « code_parent » manque.",
    ]
    assert Unite.objects.count() == 0


@pytest.mark.parametrize(
    ("contenu", "nom", "message"),
    [
        (
            "code;code_parent;nom_fr\nFÈS;;Fès\n".encode("cp1252"),
            "unites.csv",
            "Fichier : le fichier n'est pas en UTF-8 : enregistrez-le au format « CSV UTF-8 ».",
        ),
        (
            b"not a zip",
            "unites.xlsx",
            "Fichier : le fichier est illisible : fournissez un fichier CSV ou XLSX valide.",
        ),
        (
            b"",
            "unites.csv",
            "Fichier : le fichier est vide : la première ligne doit nommer les colonnes code, "
            "code_parent, type, nom_fr, nom_ar, imputation_budgetaire.",
        ),
        (b"code;code_parent;nom_fr\n", "unites.csv", "Fichier : aucune unité dans le fichier."),
    ],
)
def test_unreadable_files_say_what_to_do(dans_a, contenu, nom, message):
    assert _erreurs(_importer(contenu, nom=nom)) == [message]
    assert Unite.objects.count() == 0


def test_a_dry_run_writes_nothing(dans_a):
    audits = AuditEvent.objects.count()
    plan = _importer(EN_TETE + "A;;direction;A;;\nB;A;service;B;;\n", appliquer=False)
    assert _erreurs(plan) == []
    assert [(ligne.code, ligne.chemin) for ligne in plan.lignes] == [("A", "/A/"), ("B", "/A/B/")]
    assert plan.applique is False
    assert Unite.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_a_scoped_admin_imports_only_inside_their_perimeter(arbre):
    plan = _importer(
        EN_TETE + "FES-X;FES;service;Dans le périmètre;;\n"
        "RABAT-X;RABAT;service;Hors périmètre;;\n"
        "RACINE;;direction;Racine;;\n",
        perimeter=Perimetre(racines=frozenset({"FES"})),
    )
    assert _erreurs(plan) == [
        "Ligne 3, colonne B (code_parent) : le code parent « RABAT » n'existe ni dans le fichier "
        "ni dans l'organisation : corrigez-le ou ajoutez une ligne pour cette unité.",
        "Ligne 4, colonne B (code_parent) : vous ne pouvez créer une unité qu'à l'intérieur de "
        "votre périmètre : indiquez un code parent.",
    ]
    assert not Unite.objects.filter(code__in=["FES-X", "RABAT-X", "RACINE"]).exists()


def test_xlsx_files_are_read_like_csv(dans_a):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Code", "Code parent", "Nom FR", "Nom AR", "Imputation budgétaire"][:3])
    sheet.append([101, None, "Direction 101"])
    sheet.append(["101-A", 101, "Service A"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = _importer(buffer.getvalue(), nom="Organigramme.XLSX")
    assert _erreurs(plan) == []
    assert chemins() == {"101": "/101/", "101-A": "/101/101-A/"}


def test_xlsx_errors_name_the_column_letter(dans_a):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["nom_fr", "code", "code_parent"])
    sheet.append(["Sans parent connu", "X", "NULLE-PART"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _erreurs(_importer(buffer.getvalue(), nom="u.xlsx")) == [
        "Ligne 2, colonne C (code_parent) : le code parent « NULLE-PART » n'existe ni dans le "
        "fichier ni dans l'organisation : corrigez-le ou ajoutez une ligne pour cette unité."
    ]


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_an_export_imports_back_into_another_tenant(arbre, tenant_b, format):
    Unite.objects.filter(code="DRH").update(nom_fr='=HYPERLINK("x")', imputation_budgetaire="+1")
    unites = list(Unite.objects.select_related("parent").order_by("chemin"))
    fichier = exportation.en_csv(unites) if format == "csv" else exportation.en_xlsx(unites)
    original = {
        u.code: (u.chemin, u.kind, u.nom_fr, u.nom_ar, u.imputation_budgetaire) for u in unites
    }
    with schema_context(tenant_b.schema_name):
        plan = _importer(fichier, nom=f"export.{format}")
        assert _erreurs(plan) == []
        copie = {
            u.code: (u.chemin, u.kind, u.nom_fr, u.nom_ar, u.imputation_budgetaire)
            for u in Unite.objects.all()
        }
    assert copie == original


def test_xlsx_export_writes_formulas_as_text(arbre):
    Unite.objects.filter(code="DRH").update(nom_fr="=1+1")
    unites = list(Unite.objects.select_related("parent").order_by("chemin"))
    sheet = load_workbook(io.BytesIO(exportation.en_xlsx(unites))).worksheets[0]
    cells = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    assert cells["DRH"][3] == "=1+1"
    assert [c.data_type for row in sheet.iter_rows() for c in row if c.value == "=1+1"] == ["s"]


def test_a_large_file_is_created_in_batches_parents_first(dans_a):
    lines = ["code;code_parent;nom_fr", "MIN;;Ministère"]
    lines += [f"D{d};MIN;Direction {d}" for d in range(30)]
    lines += [f"D{d}-S{s};D{d};Service {s}" for d in range(30) for s in range(40)]
    progress = []
    plan = services.unites_import(
        actor="t",
        contenu="\n".join(reversed(lines[1:])).join([lines[0] + "\n", ""]).encode(),
        nom_fichier="grand.csv",
        progression=lambda done, total: progress.append((done, total)),
    )
    assert _erreurs(plan) == []
    assert Unite.objects.count() == 1 + 30 + 1200
    assert progress == [(1, 1231), (31, 1231), (1031, 1231), (1231, 1231)]
    assert Unite.objects.get(code="D29-S39").chemin == "/MIN/D29/D29-S39/"
    assert Unite.objects.filter(parent__code="D7").count() == 40


def test_line_numbers_are_the_files_own_when_a_cell_spans_lines(dans_a):
    plan = _importer('code;code_parent;nom_fr\nA;;"Direction\nsur deux lignes"\nB;X;B\n')
    assert _erreurs(plan) == [
        "Ligne 4, colonne B (code_parent) : le code parent « X » n'existe ni dans le fichier "
        "ni dans l'organisation : corrigez-le ou ajoutez une ligne pour cette unité."
    ]
