"""The profile service (tenants.services_profil) and the logo storage (tenants.logos): checks
that say what to fix, one transaction with audit rows in both chains, nothing written on error
or when nothing changed, logos checked on their bytes."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context
from hypothesis import given
from hypothesis import strategies as st

from audit.models import AuditEvent
from tenants import logos, services_profil
from tenants import services as tenants_services
from tenants.models import Organisation

pytestmark = pytest.mark.django_db


def _chunk(nature: bytes, donnees: bytes) -> bytes:
    crc = zlib.crc32(nature + donnees) & 0xFFFFFFFF
    return struct.pack(">I", len(donnees)) + nature + donnees + struct.pack(">I", crc)


def png(largeur: int = 4, hauteur: int = 2, *, couleur: bytes = b"\x0b\x5d\x3b") -> bytes:
    """A real, decodable RGB PNG of one colour."""
    ligne = b"\x00" + couleur * largeur
    return (
        logos.PNG_SIGNATURE
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", largeur, hauteur, 8, 2, 0, 0, 0))
        + _chunk(b"IDAT", zlib.compress(ligne * hauteur))
        + _chunk(b"IEND", b"")
    )


def jpeg_entete(largeur: int, hauteur: int) -> bytes:
    """The segments up to the start-of-frame: enough for the size check."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, hauteur, largeur, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)


@pytest.fixture
def etat(settings, tmp_path):
    settings.INDIMAJ_STATE_DIR = tmp_path
    return tmp_path


@pytest.fixture
def org_a(tenant_a) -> Organisation:
    return Organisation.objects.get(pk=tenant_a.pk)


def _modifier(organisation, **champs):
    valeurs = {
        "name_fr": organisation.name_fr,
        "name_ar": organisation.name_ar,
        "sigle": organisation.sigle,
        "code_ordonnateur": organisation.code_ordonnateur,
        **champs,
    }
    return services_profil.organisation_profil_modifier(
        organisation=organisation, actor="admin.test", **valeurs
    )


_DEPART: dict[str, int] = {}


@pytest.fixture(autouse=True)
def depart_des_journaux(db):
    """Where each chain stood when the test began: the helpers read only what the test wrote
    (committed rows of browser tests of the same session stay in the chains)."""
    for schema in ("public", "t_test_a", "t_test_b"):
        with schema_context(schema):
            _DEPART[schema] = (
                AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
            )


def _profils(schema: str) -> list[tuple[str, str, dict[str, object]]]:
    with schema_context(schema):
        return list(
            AuditEvent.objects.filter(action="organisation.profil_modifie", seq__gt=_DEPART[schema])
            .order_by("seq")
            .values_list("actor", "object_id", "data")
        )


# --- Logos ------------------------------------------------------------------------------------


def test_a_png_and_a_jpeg_are_recognised_with_their_size():
    octets, logo = logos.verifier(png(40, 20))
    assert (logo.content_type, logo.largeur, logo.hauteur, logo.taille) == (
        "image/png",
        40,
        20,
        len(octets),
    )
    _, logo = logos.verifier(jpeg_entete(300, 120))
    assert (logo.content_type, logo.largeur, logo.hauteur) == ("image/jpeg", 300, 120)


@pytest.mark.parametrize(
    ("contenu", "code"),
    [
        (b"", "vide"),
        (SVG, "svg"),
        (b"  <svg xmlns='http://www.w3.org/2000/svg'/>", "svg"),
        (b"GIF89a\x01\x00\x01\x00", "format"),
        (b"%PDF-1.7 a document", "format"),
        (logos.PNG_SIGNATURE + b"garbage, no IHDR chunk here", "illisible"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 no frame", "illisible"),
        (png(2049, 10), "dimensions"),
        (jpeg_entete(100, 3000), "dimensions"),
        (png(0, 10), "dimensions"),
        (png() + b"\x00" * (logos.TAILLE_MAX + 1 - len(png())), "taille"),
    ],
)
def test_what_is_not_a_logo_is_refused_with_its_reason(contenu, code):
    with pytest.raises(logos.LogoRefuse) as refus:
        logos.verifier(contenu)
    assert refus.value.code == code


def test_exactly_one_megabyte_is_accepted():
    contenu = png() + b"\x00" * (logos.TAILLE_MAX - len(png()))
    assert logos.verifier(contenu)[1].taille == 1024 * 1024


def test_a_large_upload_is_not_read_past_the_limit():
    class Flux:
        lus = 0

        def read(self, size: int = -1) -> bytes:
            self.lus += size
            return b"\x00" * size

    flux = Flux()
    with pytest.raises(logos.LogoRefuse):
        logos.verifier(flux)
    assert flux.lus <= logos.TAILLE_MAX + 64 * 1024


def test_logos_are_stored_per_tenant_schema_by_their_digest(etat):
    logo = logos.stocker(schema="t_test_a", contenu=png())
    chemin = etat / "logos" / "t_test_a" / f"{logo.sha256}.png"
    assert chemin.read_bytes() == png()
    assert [p.name for p in (etat / "logos" / "t_test_a").iterdir()] == [chemin.name]
    with pytest.raises(ValueError, match="tenant schema"):
        logos.repertoire("public")
    with pytest.raises(ValueError, match="sha256"):
        logos.chemin(schema="t_test_a", sha256="../../etc/passwd", content_type="image/png")


def test_nothing_is_stored_when_the_bytes_are_refused(etat):
    with pytest.raises(logos.LogoRefuse):
        logos.stocker(schema="t_test_a", contenu=SVG)
    assert not (etat / "logos").exists()


# --- Checks of the fields ------------------------------------------------------------------------


@given(st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Zs"))))
def test_an_arabic_name_needs_an_arabic_letter(texte):
    texte = " ".join(texte.split())
    arabe = any(c.isalpha() and "\u0600" <= c <= "\u06ff" for c in texte)
    probleme = services_profil.nom_ar_erreur(texte)
    if not texte:
        assert probleme == "Indiquez le nom de l'organisation en arabe."
    elif arabe and len(texte) <= 255:
        assert probleme is None
    elif not arabe:
        assert probleme is not None
        assert "lettres arabes" in probleme


@pytest.mark.parametrize(
    ("code", "valide"),
    [
        ("0712", True),
        ("MEF-12/3", True),
        ("A", True),
        ("0712 34", False),
        ("é12", False),
        ("x" * 3, False),
        ("1" * 21, False),
    ],
)
def test_tgr_code_format(code, valide):
    assert (services_profil.code_ordonnateur_erreur(code) is None) is valide


def test_tgr_code_format_is_a_setting(settings):
    settings.INDIMAJ_CODE_ORDONNATEUR_PATTERN = r"^[0-9]{6}$"
    assert services_profil.code_ordonnateur_erreur("071234") is None
    assert services_profil.code_ordonnateur_erreur("0712") is not None


@pytest.mark.parametrize(
    ("sigle", "valide"),
    [
        ("MEF", True),
        ("O.N.E.E", True),
        ("Min. Santé & P.S", True),
        ("", True),
        ("-MEF", False),
        ("MEF<script>", False),
        ("M" * 21, False),
    ],
)
def test_sigle_format(sigle, valide):
    assert (services_profil.sigle_erreur(sigle) is None) is valide


# --- The service -------------------------------------------------------------------------------


def test_a_profile_change_is_one_write_with_an_audit_row_in_both_chains(org_a, etat):
    resultat = _modifier(
        org_a,
        name_fr="  Commune   de test A ",
        sigle="CTA",
        code_ordonnateur=" 0712-a ",
    )
    assert resultat.champs == ("sigle", "code_ordonnateur")
    org_a.refresh_from_db()
    assert (org_a.name_fr, org_a.sigle, org_a.code_ordonnateur) == (
        "Commune de test A",
        "CTA",
        "0712-A",
    )
    attendu = [
        (
            "admin.test",
            "test-a",
            {
                "avant": {"sigle": "", "code_ordonnateur": ""},
                "apres": {"sigle": "CTA", "code_ordonnateur": "0712-A"},
            },
        )
    ]
    assert _profils("t_test_a") == attendu
    assert _profils("public") == attendu
    assert _profils("t_test_b") == []


def test_the_same_profile_again_writes_nothing(org_a, etat):
    _modifier(org_a, sigle="CTA")
    org_a.refresh_from_db()
    assert _modifier(org_a).champs == ()
    assert len(_profils("t_test_a")) == 1
    assert len(_profils("public")) == 1


def test_every_problem_is_reported_at_once_and_nothing_is_written(org_a, etat):
    avant = Organisation.objects.values().get(pk=org_a.pk)
    with pytest.raises(ValidationError) as erreur:
        _modifier(
            org_a,
            name_fr=" ",
            name_ar="Commune A",
            sigle="<b>",
            code_ordonnateur="07 12",
            logo=SVG,
        )
    assert sorted(erreur.value.message_dict) == [
        "code_ordonnateur",
        "logo",
        "name_ar",
        "name_fr",
        "sigle",
    ]
    assert erreur.value.message_dict["logo"] == [
        "Le logo doit être une image PNG ou JPEG : le SVG n'est pas accepté (il peut contenir "
        "du code). Exportez-le en PNG."
    ]
    assert Organisation.objects.values().get(pk=org_a.pk) == avant
    assert _profils("t_test_a") == []
    assert not (etat / "logos").exists()


def test_a_tgr_code_already_declared_elsewhere_is_refused(org_a, tenant_b, etat):
    Organisation.objects.filter(pk=tenant_b.pk).update(code_ordonnateur="0712")
    with pytest.raises(ValidationError) as erreur:
        _modifier(org_a, code_ordonnateur="0712", logo=png())
    assert erreur.value.message_dict["code_ordonnateur"][0].startswith(
        "Le code ordonnateur « 0712 » est déjà déclaré par une autre organisation"
    )
    org_a.refresh_from_db()
    assert (org_a.code_ordonnateur, org_a.logo_sha256) == ("", "")
    assert _profils("t_test_a") == []
    # the logo stored for the refused change did not stay behind
    assert list((etat / "logos" / "t_test_a").iterdir()) == []


def test_a_new_logo_replaces_the_old_one_after_commit(
    org_a, etat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        premier = _modifier(org_a, logo=png(4, 2))
    org_a.refresh_from_db()
    ancien = etat / "logos" / "t_test_a" / f"{org_a.logo_sha256}.png"
    assert premier.champs == ("logo_sha256", "logo_type")
    assert ancien.exists()
    with django_capture_on_commit_callbacks(execute=True):
        _modifier(org_a, logo=png(8, 8, couleur=b"\xff\x00\x00"))
    org_a.refresh_from_db()
    nouveau = etat / "logos" / "t_test_a" / f"{org_a.logo_sha256}.png"
    assert sorted(p.name for p in nouveau.parent.iterdir()) == [nouveau.name]
    dernier = _profils("t_test_a")[-1][2]
    assert dernier == {
        "avant": {},
        "apres": {},
        "logo": {
            "sha256": org_a.logo_sha256,
            "type": "image/png",
            "taille": len(png(8, 8, couleur=b"\xff\x00\x00")),
            "largeur": 8,
            "hauteur": 8,
        },
    }
    with django_capture_on_commit_callbacks(execute=True):
        retrait = _modifier(org_a, logo_retirer=True)
    org_a.refresh_from_db()
    assert retrait.champs == ("logo_sha256", "logo_type")
    assert (org_a.logo_sha256, org_a.logo_type) == ("", "")
    assert list(nouveau.parent.iterdir()) == []
    assert _profils("t_test_a")[-1][2] == {"avant": {}, "apres": {}, "logo": None}


def test_the_same_logo_again_changes_nothing(org_a, etat):
    _modifier(org_a, logo=png())
    org_a.refresh_from_db()
    assert _modifier(org_a, logo=png()).champs == ()
    assert len(_profils("t_test_a")) == 1


def test_a_renamed_organisation_renames_its_keycloak_organization_after_commit(
    org_a, etat, monkeypatch, django_capture_on_commit_callbacks
):
    suivis: list[tuple[str, str]] = []
    monkeypatch.setattr(
        tenants_services,
        "organisation_sync_identity",
        lambda *, organisation: suivis.append((organisation.code, organisation.name_fr)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        _modifier(org_a, sigle="CTA")
    assert suivis == []
    with django_capture_on_commit_callbacks(execute=True):
        _modifier(org_a, name_fr="Commune de test A (nouveau nom)")
    assert suivis == [("test-a", "Commune de test A (nouveau nom)")]
