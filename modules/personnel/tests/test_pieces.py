"""Supporting documents: storage per tenant, type and size checks, upload and download pages,
never across tenants or perimeters, every download in the access log."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from audit import services as audit_services
from audit.models import AccesDonnees, AuditEvent
from modules.personnel import documents, services, services_pieces, vues_pieces
from modules.personnel.models import EvenementCarriere, PieceJustificative
from modules.unites import services as unites_services
from modules.unites.perimetres import TOUT
from tenants import services as tenants_services

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.fixture(autouse=True)
def stockage(settings, tmp_path) -> Path:
    settings.INDIMAJ_DOCUMENTS_DIR = tmp_path
    return tmp_path


def fichiers(racine: Path) -> list[str]:
    """Every stored file, relative to the documents root (temporary files included)."""
    return sorted(str(p.relative_to(racine)) for p in racine.rglob("*") if p.is_file())


def compter() -> tuple[int, int]:
    return PieceJustificative.objects.count(), AuditEvent.objects.count()


def ajouter(agent, contenu=PDF, nom="arrete.pdf", type_piece="arrete", evenement=None):
    return services_pieces.piece_ajouter(
        auteur="tests",
        agent=agent,
        evenement=evenement,
        type_piece=type_piece,
        nom_fichier=nom,
        contenu=contenu,
    )


# --- The service and the storage --------------------------------------------------------------


def test_a_piece_is_stored_content_addressed_in_the_tenant_directory(dans_a, creer_agent, stockage):
    agent = creer_agent()
    evenement = agent.evenements.get()
    avant = compter()
    piece = ajouter(agent, evenement=evenement)
    empreinte = hashlib.sha256(PDF).hexdigest()
    assert compter() == (avant[0] + 1, avant[1] + 1)
    assert (piece.sha256, piece.taille, piece.content_type) == (
        empreinte,
        len(PDF),
        "application/pdf",
    )
    assert (piece.agent_id, piece.evenement_id, piece.ajoute_par) == (
        agent.id,
        evenement.id,
        "tests",
    )
    assert fichiers(stockage) == [f"{dans_a.schema_name}/{empreinte[:2]}/{empreinte}"]
    assert (stockage / dans_a.schema_name / empreinte[:2] / empreinte).read_bytes() == PDF
    audit = AuditEvent.objects.order_by("-seq")[0]
    assert (audit.action, audit.object_id) == ("personnel.piece_ajouter", str(agent.id))
    assert audit.data == {
        "piece": piece.id,
        "type": "arrete",
        "evenement": evenement.id,
        "sha256": empreinte,
        "taille": len(PDF),
        "content_type": "application/pdf",
    }
    assert "arrete.pdf" not in str(audit.data)  # file names stay out of the chain


@pytest.mark.parametrize(
    ("contenu", "nom", "content_type"),
    [
        (PNG, "cin.PNG", "image/png"),
        (JPEG, "photo.jpeg", "image/jpeg"),
        (JPEG, "a.jpg", "image/jpeg"),
    ],
)
def test_images_are_accepted_by_their_bytes(dans_a, creer_agent, contenu, nom, content_type):
    piece = ajouter(creer_agent(), contenu=contenu, nom=nom, type_piece="cin")
    assert piece.content_type == content_type


def test_the_same_bytes_are_stored_once(dans_a, creer_agent, stockage):
    agent = creer_agent()
    premiere, seconde = ajouter(agent), ajouter(agent, nom="copie.pdf", type_piece="autre")
    assert premiere.sha256 == seconde.sha256
    assert premiere.id != seconde.id
    assert len(fichiers(stockage)) == 1


def test_an_uploaded_file_is_streamed(dans_a, creer_agent, stockage):
    envoi = SimpleUploadedFile("scan.pdf", PDF, content_type="application/octet-stream")
    envoi.read(3)  # whatever was read before, the whole file is stored
    piece = ajouter(creer_agent(), contenu=envoi, nom=envoi.name)
    assert piece.taille == len(PDF)
    assert piece.content_type == "application/pdf"  # from the bytes, not from the browser


@pytest.mark.parametrize(
    ("contenu", "nom", "message"),
    [
        (b"", "vide.pdf", "Le fichier est vide"),
        (b"<html><script>alert(1)</script>", "faux.pdf", "Seuls les documents PDF, JPEG et PNG"),
        (b"MZ\x90\x00" + b"\x00" * 60, "programme.pdf", "Seuls les documents PDF, JPEG et PNG"),
        (PNG, "image.pdf", "L'extension du nom du fichier ne correspond pas"),
        (PDF, "arrete.exe", "L'extension du nom du fichier ne correspond pas"),
        (PDF + b"x" * 2000, "gros.pdf", "Le fichier dépasse la taille maximale (1000\u00a0octets)"),
    ],
)
def test_refused_files_leave_nothing_behind(
    dans_a, creer_agent, stockage, settings, contenu, nom, message
):
    settings.INDIMAJ_DOCUMENT_MAX_BYTES = 1000
    agent = creer_agent()
    avant = compter()
    with pytest.raises(ValidationError) as erreur:
        ajouter(agent, contenu=contenu, nom=nom)
    assert list(erreur.value.message_dict) == ["fichier"]
    assert erreur.value.message_dict["fichier"][0].startswith(message)
    assert compter() == avant
    assert fichiers(stockage) == []  # not even a temporary file


def test_the_size_limit_is_ten_megabytes_by_default(dans_a, creer_agent):
    assert documents.taille_max() == 10 * 1024 * 1024
    agent = creer_agent()
    exact = PDF + b"0" * (10 * 1024 * 1024 - len(PDF))
    assert ajouter(agent, contenu=exact).taille == 10 * 1024 * 1024
    with pytest.raises(ValidationError) as erreur:
        ajouter(agent, contenu=exact + b"0")
    assert "la taille maximale (10,0\u00a0Mio)" in erreur.value.message_dict["fichier"][0]


def test_unknown_type_and_foreign_event_are_refused(dans_a, creer_agent, stockage):
    agent, autre = creer_agent(), creer_agent()
    avant = compter()
    with pytest.raises(ValidationError) as erreur:
        ajouter(agent, type_piece="photo", evenement=autre.evenements.get())
    assert erreur.value.message_dict == {
        "type_piece": ["Type de pièce inconnu : choisissez-en un dans la liste."],
        "evenement": ["Cet événement n'appartient pas au dossier de cet agent."],
    }
    assert compter() == avant
    assert fichiers(stockage) == []


def test_a_failed_transaction_writes_no_row_and_only_a_harmless_orphan(
    dans_a, creer_agent, stockage, monkeypatch
):
    agent = creer_agent()
    avant = compter()

    def panne(**kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(audit_services, "audit_record", panne)
    with pytest.raises(RuntimeError, match="panne"):
        ajouter(agent)
    assert compter() == avant
    # The bytes stay, named by their hash only: no row points to them, nobody can ask for them,
    # and the next upload of the same document reuses them.
    empreinte = hashlib.sha256(PDF).hexdigest()
    assert fichiers(stockage) == [f"{dans_a.schema_name}/{empreinte[:2]}/{empreinte}"]


@pytest.mark.parametrize(
    ("brut", "propre"),
    [
        ("C:\\Users\\x\\Desktop\\arrêté 2020.pdf", "arrêté 2020.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("  scan\x00\n.pdf ", "scan.pdf"),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
        ("..", ""),
    ],
)
def test_file_names_are_cleaned(brut, propre):
    assert services_pieces.nom_fichier_propre(brut) == propre


def test_documents_are_never_stored_in_the_public_schema(db):
    with pytest.raises(RuntimeError, match="per tenant"):
        documents.stocker(contenu=PDF, nom_fichier="a.pdf")


# --- Upload page ------------------------------------------------------------------------------


def url_ajouter(agent_id: int) -> str:
    return f"/personnel/{agent_id}/pieces/ajouter/"


def test_a_gestionnaire_uploads_a_piece_for_an_event(dans_a, creer_agent, client_a, stockage):
    agent = creer_agent(unite="FES-RH")
    evenement = agent.evenements.get()
    client = client_a(("gestionnaire", "FES"))
    page = client.get(url_ajouter(agent.id))
    assert page.status_code == 200
    assert f'<option value="{evenement.id}">01/01/2020 — Recrutement</option>' in page.text
    reponse = client.post(
        url_ajouter(agent.id),
        {
            "type_piece": "arrete",
            "evenement": str(evenement.id),
            "fichier": SimpleUploadedFile("Arrêté recrutement.pdf", PDF, "application/pdf"),
        },
    )
    assert reponse.status_code == 302
    assert reponse["Location"] == vues_pieces._url_agent(agent)
    piece = PieceJustificative.objects.get()
    assert (piece.agent_id, piece.evenement_id, piece.nom_fichier, piece.ajoute_par) == (
        agent.id,
        evenement.id,
        "Arrêté recrutement.pdf",
        "agent.test",
    )


def test_a_bad_upload_says_what_to_fix_and_writes_nothing(dans_a, creer_agent, client_a, stockage):
    agent = creer_agent()
    reponse = client_a(("gestionnaire", None)).post(
        url_ajouter(agent.id),
        {
            "type_piece": "arrete",
            "fichier": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", "application/pdf"),
        },
    )
    assert reponse.status_code == 400
    assert "Seuls les documents PDF, JPEG et PNG sont acceptés" in reponse.text
    assert PieceJustificative.objects.count() == 0
    assert fichiers(stockage) == []


def test_uploading_needs_to_manage_files_in_the_agents_unit(dans_a, creer_agent, client_a):
    agent = creer_agent(unite="DRH")
    assert client_a(("lecture", None)).get(url_ajouter(agent.id)).status_code == 403
    fes = client_a(("gestionnaire", "FES"))
    manquant = fes.get(url_ajouter(10**12))
    hors_perimetre = fes.get(url_ajouter(agent.id))
    assert (manquant.status_code, hors_perimetre.status_code) == (404, 404)
    assert manquant.content == hors_perimetre.content
    envoi = fes.post(
        url_ajouter(agent.id),
        {"type_piece": "arrete", "fichier": SimpleUploadedFile("a.pdf", PDF, "application/pdf")},
    )
    assert envoi.status_code == 404
    assert PieceJustificative.objects.count() == 0


def test_the_upload_page_speaks_arabic(dans_a, creer_agent, client_a):
    agent = creer_agent()
    client = client_a(("admin", None))
    client.cookies["django_language"] = "ar"
    page = client.get(url_ajouter(agent.id))
    assert page.status_code == 200
    assert 'dir="rtl"' in page.text
    assert 'lang="ar"' in page.text


# --- Download -------------------------------------------------------------------------------


def url_piece(piece_id: int) -> str:
    return f"/personnel/pieces/{piece_id}/"


def acces() -> list[tuple[str, str, int, str]]:
    return list(
        AccesDonnees.objects.order_by("id").values_list("acteur", "nature", "agent_id", "details")
    )


def test_a_download_is_an_attachment_of_the_right_type_and_is_logged(dans_a, creer_agent, client_a):
    agent = creer_agent()
    piece = ajouter(agent, nom="Arrêté n°12.pdf")
    reponse = client_a(("lecture", None), username="k.lecteur").get(url_piece(piece.id))
    assert reponse.status_code == 200
    assert b"".join(reponse.streaming_content) == PDF
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Disposition"] == (
        "attachment; filename*=utf-8''Arr%C3%AAt%C3%A9%20n%C2%B012.pdf"
    )
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert reponse["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert reponse["Cache-Control"] == "private, no-store"
    assert acces() == [("k.lecteur", "piece", agent.id, f"pièce {piece.id} (arrete)")]


def test_a_piece_outside_the_perimeter_is_the_same_404_as_a_missing_one(
    dans_a, creer_agent, client_a
):
    piece = ajouter(creer_agent(unite="DRH"))
    client = client_a(("gestionnaire", "FES"))
    manquante, hors_perimetre = client.get(url_piece(10**12)), client.get(url_piece(piece.id))
    assert (manquante.status_code, hors_perimetre.status_code) == (404, 404)
    assert manquante.content == hors_perimetre.content
    assert acces() == []


def test_sensitive_pieces_need_the_sensitive_data_habilitation(dans_a, creer_agent, client_a):
    agent = creer_agent()
    certificat = ajouter(agent, type_piece="certificat_medical")
    refus = client_a(("lecture", None)).get(url_piece(certificat.id))
    assert refus.status_code == 403
    assert "données protégées" in refus.text
    assert acces() == []
    assert client_a(("valideur", None)).get(url_piece(certificat.id)).status_code == 200
    assert [a[1] for a in acces()] == ["piece"]


def test_a_missing_file_is_a_clear_404_and_not_logged(dans_a, creer_agent, client_a, stockage):
    piece = ajouter(creer_agent())
    documents.chemin(piece.sha256).unlink()
    reponse = client_a(("admin", None)).get(url_piece(piece.id))
    assert reponse.status_code == 404
    assert acces() == []


def test_a_download_that_cannot_be_logged_is_not_served(dans_a, creer_agent, client_a, monkeypatch):
    piece = ajouter(creer_agent())

    def panne(**kwargs):
        raise RuntimeError("journal indisponible")

    monkeypatch.setattr(audit_services, "acces_enregistrer", panne)
    client = client_a(("admin", None))
    client.raise_request_exception = True
    with pytest.raises(RuntimeError, match="journal indisponible"):
        client.get(url_piece(piece.id))


# --- Never across tenants --------------------------------------------------------------------


@pytest.fixture
def agent_b(tenant_b, referentiel):
    with schema_context(tenant_b.schema_name):
        unites_services.unite_create(
            actor="tests", code="SIEGE", parent=None, kind="direction", nom_fr="Siège"
        )
        return services.agent_creer(
            auteur="tests",
            ppr="7700001",
            identite={"nom_fr": "Bennani", "prenom_fr": "Salma", "sexe": "F"},
            recrutement={"statut": "titulaire", "grade_code": "ADM-2", "unite_code": "SIEGE"},
            date_effet=date(2021, 1, 1),
            perimetre=TOUT,
        )


def test_tenant_b_never_reads_tenant_a_s_bytes_even_with_the_same_piece_id(
    tenant_a, tenant_b, creer_agent, agent_b, login_client, stockage
):
    with schema_context(tenant_a.schema_name):
        piece_a = ajouter(creer_agent(), contenu=PDF, nom="a.pdf")
        chemin_a = documents.chemin(piece_a.sha256)
    contenu_b = PDF + b"% tenant B\n"
    with schema_context(tenant_b.schema_name):
        piece_b = ajouter(agent_b, contenu=contenu_b, nom="b.pdf")
        # The same numeric id in both schemas (each has its own sequence).
        PieceJustificative.objects.filter(pk=piece_b.pk).update(id=piece_a.id)
        chemin_b = documents.chemin(piece_b.sha256)
    assert chemin_a.parent.parent == stockage / tenant_a.schema_name
    assert chemin_b.parent.parent == stockage / tenant_b.schema_name
    assert chemin_a.read_bytes() == PDF

    client_b = login_client(tenant_b, username="b.gestionnaire", roles=("admin",))
    reponse = client_b.get(url_piece(piece_a.id))
    assert reponse.status_code == 200
    assert b"".join(reponse.streaming_content) == contenu_b  # B's own piece, never A's bytes
    with schema_context(tenant_a.schema_name):
        assert AccesDonnees.objects.count() == 0
    with schema_context(tenant_b.schema_name):
        assert list(AccesDonnees.objects.values_list("acteur", "agent_id")) == [
            ("b.gestionnaire", agent_b.id)
        ]


def test_tenant_b_gets_404_for_an_id_that_exists_only_in_tenant_a(
    tenant_a, tenant_b, creer_agent, agent_b, login_client
):
    with schema_context(tenant_a.schema_name):
        piece_a = ajouter(creer_agent())
    with schema_context(tenant_b.schema_name):
        assert not PieceJustificative.objects.filter(id=piece_a.id).exists()
    client_b = login_client(tenant_b, username="b.gestionnaire", roles=("admin",))
    assert client_b.get(url_piece(piece_a.id)).status_code == 404


def test_a_session_of_tenant_b_is_refused_on_tenant_a_s_host(
    tenant_a, tenant_b, creer_agent, login_client
):
    with schema_context(tenant_a.schema_name):
        piece_a = ajouter(creer_agent())
    client_b = login_client(tenant_b, username="b.gestionnaire", roles=("admin",))
    hote_a = f"{tenants_services.tenant_host(tenant_a.code)}:{settings.INDIMAJ_WEB_PORT}"
    reponse = client_b.get(url_piece(piece_a.id), HTTP_HOST=hote_a)
    assert reponse.status_code != 200
    assert not hasattr(reponse, "streaming_content")
    with schema_context(tenant_a.schema_name):
        assert AccesDonnees.objects.count() == 0


def test_the_event_list_of_the_form_is_the_agents_own(dans_a, creer_agent, client_a):
    agent, autre = creer_agent(), creer_agent()
    page = client_a(("admin", None)).get(url_ajouter(agent.id))
    ids = set(EvenementCarriere.objects.filter(agent=autre).values_list("id", flat=True))
    assert all(f'<option value="{i}">' not in page.text for i in ids)
