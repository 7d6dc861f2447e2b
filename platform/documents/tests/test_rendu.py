import subprocess

import pytest

from documents import facade

HTML = """<!doctype html><html><body>
<h1 lang="ar">قرار رقم 2026/12</h1>
<p>Arrêté n° 2026/12 — Madame Amina EL ALAOUI</p>
<p lang="ar">السيدة أمينة العلوي</p>
{extra}
</body></html>"""


def test_pdf_bilingue_lisible():
    pdf = facade.pdf_depuis_html(HTML.format(extra=""))
    assert pdf.startswith(b"%PDF-")
    texte = facade.normaliser_texte(facade.texte_depuis_pdf(pdf))
    assert "Amina EL ALAOUI" in texte
    assert "أمينة" in texte.split()
    assert "العلوي" in texte.split()
    assert "2026/12" in texte


def test_polices_embarquees_sont_les_noto_locales(tmp_path):
    fichier = tmp_path / "d.pdf"
    fichier.write_bytes(facade.pdf_depuis_html(HTML.format(extra="")))
    sortie = subprocess.run(["pdffonts", str(fichier)], capture_output=True, check=True, text=True)
    polices = {ligne.split()[0].split("+")[-1] for ligne in sortie.stdout.splitlines()[2:]}
    assert all(police.startswith(("Noto-Serif", "Noto-Naskh-Arabic")) for police in polices)
    assert {"Noto-Serif", "Noto-Naskh-Arabic"} <= polices


@pytest.mark.parametrize(
    "extra",
    [
        '<img src="http://example.com/logo.png" alt="">',
        '<link rel="stylesheet" href="https://cdn.example.com/x.css">',
        '<img src="file:///etc/passwd" alt="">',
        "<style>@import url(http://example.com/a.css);</style>",
    ],
)
def test_ressource_externe_refusee(extra):
    with pytest.raises(facade.DocumentInvalide, match="Ressource externe refusée"):
        facade.pdf_depuis_html(HTML.format(extra=extra))


def test_image_integree_acceptee():
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
        "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    )
    pdf = facade.pdf_depuis_html(HTML.format(extra=f'<img src="{pixel}" alt="logo">'))
    assert pdf.startswith(b"%PDF-")


def test_police_manquante_dit_quoi_installer(monkeypatch, tmp_path):
    monkeypatch.setenv("INDIMAJ_FONTS_DIR", str(tmp_path))
    with pytest.raises(facade.PoliceManquante, match="fonts-noto-core"):
        facade.pdf_depuis_html(HTML.format(extra=""))
