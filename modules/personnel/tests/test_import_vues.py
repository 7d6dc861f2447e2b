"""The import pages: deposit, report, apply, template; rights, 404s, htmx polling, Arabic.

Jobs are not sent from these tests (the test's transaction never commits): each test runs the
job's function itself where the worker would. test_import_worker.py drives a real worker.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]

from audit.models import AuditEvent
from modules.personnel.importation import colonnes, suivi
from modules.personnel.models import Agent, ImportPersonnel, StatutImport

pytestmark = pytest.mark.django_db

FICHIERS = Path(__file__).parent / "fichiers"


@pytest.fixture
def etat_dir(settings, tmp_path):
    settings.INDIMAJ_STATE_DIR = tmp_path
    return tmp_path


@pytest.fixture
def gestionnaire(client_a, postes_a, etat_dir):
    return client_a(("gestionnaire", None), username="amina.rh")


def deposer(client, nom="agents_valides.csv", contenu=None):
    contenu = contenu if contenu is not None else (FICHIERS / nom).read_bytes()
    return client.post(reverse("personnel:importer"), {"fichier": SimpleUploadedFile(nom, contenu)})


def test_deposit_keeps_the_file_in_the_tenants_directory_and_shows_the_pending_dry_run(
    gestionnaire, etat_dir, tenant_a
):
    reponse = deposer(gestionnaire)

    imp = ImportPersonnel.objects.get()
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("personnel:import_detail", args=[imp.id])
    assert (imp.nom_fichier, imp.auteur, imp.statut) == (
        "agents_valides.csv",
        "amina.rh",
        StatutImport.DEPOSE,
    )
    assert (imp.perimetre_tout, imp.perimetre_racines) == (True, [])
    stocke = etat_dir / "imports" / tenant_a.schema_name / imp.fichier
    assert stocke.read_bytes() == (FICHIERS / "agents_valides.csv").read_bytes()
    assert AuditEvent.objects.filter(action="personnel.import_depose", object_id=str(imp.id))
    assert not Agent.objects.exists()

    page = gestionnaire.get(reponse["Location"])
    assert page.status_code == 200
    contenu = page.content.decode()
    assert 'hx-trigger="every 1s"' in contenu
    assert '<progress id="import-progression" max="100" value="0"' in contenu


def test_dry_run_report_then_apply_through_the_pages(gestionnaire):
    deposer(gestionnaire)
    imp = ImportPersonnel.objects.get()

    suivi.import_verification_executer(import_id=imp.id)  # what the worker runs

    imp.refresh_from_db()
    assert (imp.statut, imp.lignes, imp.crees, imp.nb_erreurs) == ("verifie", 5, 5, 0)
    assert not Agent.objects.exists()
    page = gestionnaire.get(reverse("personnel:import_detail", args=[imp.id])).content.decode()
    assert 'hx-trigger="every 1s"' not in page
    assert '<dd id="compte-crees">5</dd>' in page
    assert "Appliquer</button>" in page
    rapport = gestionnaire.get(reverse("personnel:import_rapport", args=[imp.id]))
    assert rapport.status_code == 200
    assert rapport["Content-Disposition"] == (
        f'attachment; filename="rapport-import-{imp.id}.xlsx"'
    )

    reponse = gestionnaire.post(reverse("personnel:import_appliquer", args=[imp.id]))

    assert reponse.status_code == 302
    imp.refresh_from_db()
    assert (imp.statut, imp.partiel) == (StatutImport.APPLICATION, False)
    suivi.import_application_executer(import_id=imp.id)
    imp.refresh_from_db()
    assert imp.statut == StatutImport.APPLIQUE
    assert Agent.objects.filter(ppr__startswith="200000").count() == 5
    page = gestionnaire.get(reverse("personnel:import_detail", args=[imp.id])).content.decode()
    assert "Import appliqué" in page
    assert '<dd id="compte-crees">5</dd>' in page


def test_a_file_with_errors_lists_them_and_offers_the_valid_lines_only(gestionnaire):
    deposer(gestionnaire, "agents_mixtes.csv")
    imp = ImportPersonnel.objects.get()
    suivi.import_verification_executer(import_id=imp.id)
    imp.refresh_from_db()

    page = html.unescape(
        gestionnaire.get(reverse("personnel:import_detail", args=[imp.id])).content.decode()
    )

    assert "2 erreurs" in page
    assert "La clé du RIB est fausse (clé attendue : 48)." in page
    assert "enfant n° 1 « Nour:2030-01-01 » : naissance dans le futur." in page
    assert 'name="partiel" value="1"' in page
    assert "appliquez seulement les 2 lignes valides" in page
    rapport = gestionnaire.get(reverse("personnel:import_rapport", args=[imp.id]))
    chemin = Path(suivi.dossier()) / imp.rapport
    lignes = list(load_workbook(chemin)["Erreurs"].iter_rows(values_only=True))
    assert rapport.status_code == 200
    assert [ligne[:3] for ligne in lignes[1:]] == [
        (4, "rib", "007780000000000000000549"),
        (5, "enfants", "Nour:2030-01-01"),
    ]

    # applying the whole file is refused; the valid lines only are applied
    gestionnaire.post(reverse("personnel:import_appliquer", args=[imp.id]))
    imp.refresh_from_db()
    assert imp.statut == StatutImport.VERIFIE
    gestionnaire.post(reverse("personnel:import_appliquer", args=[imp.id]), {"partiel": "1"})
    suivi.import_application_executer(import_id=imp.id)
    imp.refresh_from_db()
    assert (imp.statut, imp.crees, imp.lignes_en_erreur) == (StatutImport.APPLIQUE, 2, 2)
    assert set(Agent.objects.values_list("ppr", flat=True)) == {"4000001", "4000002"}


def test_the_state_block_alone_is_served_to_htmx_with_the_progress_from_the_cache(gestionnaire):
    deposer(gestionnaire)
    imp = ImportPersonnel.objects.get()
    ImportPersonnel.objects.filter(id=imp.id).update(statut=StatutImport.VERIFICATION)
    suivi._progression(imp.id)(37, 100)

    fragment = gestionnaire.get(
        reverse("personnel:import_detail", args=[imp.id]), HTTP_HX_REQUEST="true"
    ).content.decode()

    assert fragment.startswith('<div id="import-etat" hx-get=')
    assert "<html" not in fragment
    assert 'value="37"' in fragment
    assert 'role="status" aria-live="polite"' in fragment
    cache.delete(f"personnel-import:{imp.id}:progression")


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("agents.txt", b"ppr;nom\n", "n'est ni un CSV ni un XLSX"),
        ("agents.xlsx", b"ppr;nom\n", "n'est pas un classeur Excel"),
        ("agents.csv", b"PK\x03\x04binaire", "n'est pas du texte"),
        ("agents.csv", b"", "Le fichier soumis est vide"),
    ],
)
def test_a_file_that_is_not_csv_or_xlsx_is_refused_with_a_message(
    gestionnaire, etat_dir, nom, contenu, message
):
    reponse = deposer(gestionnaire, nom, contenu)

    assert reponse.status_code == 400
    assert message in html.unescape(reponse.content.decode())
    assert not ImportPersonnel.objects.exists()
    assert list(etat_dir.rglob("*.*")) == []  # nothing kept


def test_a_file_over_the_size_limit_is_refused(gestionnaire, monkeypatch):
    monkeypatch.setattr(suivi, "TAILLE_MAX", 100)

    reponse = deposer(gestionnaire)

    assert reponse.status_code == 400
    assert "plus que les 0 Mo admis" in html.unescape(reponse.content.decode())
    assert not ImportPersonnel.objects.exists()


def test_another_persons_import_is_not_found(gestionnaire, client_a):
    deposer(gestionnaire)
    imp = ImportPersonnel.objects.get()
    autre = client_a(("gestionnaire", None), username="karim.rh")

    for url in (
        reverse("personnel:import_detail", args=[imp.id]),
        reverse("personnel:import_rapport", args=[imp.id]),
    ):
        assert autre.get(url).status_code == 404
    assert autre.post(reverse("personnel:import_appliquer", args=[imp.id])).status_code == 404
    assert autre.get(reverse("personnel:import_detail", args=[imp.id + 1000])).status_code == 404
    imp.refresh_from_db()
    assert imp.statut == StatutImport.DEPOSE


def test_a_role_without_the_import_right_is_refused(client_a, postes_a, etat_dir):
    lecteur = client_a(("lecture", None))

    assert lecteur.get(reverse("personnel:importer")).status_code == 403
    assert deposer(lecteur).status_code == 403
    assert not ImportPersonnel.objects.exists()


def test_the_perimeter_of_a_unit_manager_goes_with_the_file(client_a, postes_a, etat_dir):
    fes = client_a(("gestionnaire", "FES"))

    deposer(fes)
    imp = ImportPersonnel.objects.get()
    suivi.import_verification_executer(import_id=imp.id)

    imp.refresh_from_db()
    assert (imp.perimetre_tout, imp.perimetre_racines) == (False, ["FES"])
    # DRH and PAIE lines are outside FES
    assert {(e[0], e[1]) for e in imp.erreurs} == {(2, "unite"), (3, "unite"), (6, "unite")}


def test_template_downloads(gestionnaire):
    xlsx = gestionnaire.get(reverse("personnel:import_modele_xlsx"))
    csv = gestionnaire.get(reverse("personnel:import_modele_csv"))

    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"] == 'attachment; filename="modele-agents.xlsx"'
    assert xlsx.content.startswith(b"PK\x03\x04")
    assert csv.content.decode("utf-8-sig").strip() == ";".join(colonnes.CODES)


def test_the_upload_page_in_arabic_is_right_to_left_and_labelled(gestionnaire):
    gestionnaire.cookies["django_language"] = "ar"

    page = gestionnaire.get(reverse("personnel:importer")).content.decode()

    assert '<html lang="ar" dir="rtl">' in page
    assert '<label for="id_fichier">' in page
    assert 'aria-describedby="id_fichier_aide"' in page
    assert '<td lang="ar" dir="rtl">رقم التأجير</td>' in page


def test_the_dry_run_job_is_sent_after_the_commit_and_a_queue_outage_is_shown(
    gestionnaire, monkeypatch, django_capture_on_commit_callbacks
):
    from modules.personnel import actors

    envoyes: list[int] = []
    monkeypatch.setattr(actors.import_verifier, "send", envoyes.append)
    with django_capture_on_commit_callbacks(execute=True):
        deposer(gestionnaire)
    imp = ImportPersonnel.objects.get()
    assert envoyes == [imp.id]

    def panne(_import_id: int) -> None:
        raise ConnectionError("redis")

    monkeypatch.setattr(actors.import_verifier, "send", panne)
    with django_capture_on_commit_callbacks(execute=True):
        deposer(gestionnaire)
    second = ImportPersonnel.objects.exclude(id=imp.id).get()
    assert second.statut == StatutImport.ECHEC
    page = html.unescape(
        gestionnaire.get(reverse("personnel:import_detail", args=[second.id])).content.decode()
    )
    assert "La file des tâches de fond est indisponible" in page
