"""Manifest parsing: every error names its line, its column and what to write instead."""

from pathlib import Path

import pytest

from onboarding.manifeste import (
    COLONNES_OBLIGATOIRES,
    ManifesteInvalideError,
    manifeste_analyser,
    manifeste_lire,
)

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "ordonnateurs.csv"
ENTETE = ",".join(COLONNES_OBLIGATOIRES)


def erreurs(texte: str, nom: str = "m.csv") -> list[tuple[int, str, str]]:
    with pytest.raises(ManifesteInvalideError) as caught:
        manifeste_analyser(texte, nom=nom)
    return [(e.ligne, e.colonne, e.message) for e in caught.value.erreurs]


def test_a_valid_csv_gives_one_line_per_ordonnateur_with_its_line_number():
    texte = (
        "# vague 1 : la région et sa province\n"
        f"{ENTETE}\n"
        "region-01,region,Région Tanger-Tétouan-Al Hoceïma,جهة طنجة تطوان الحسيمة,,dg@region.ma,1\n"
        "\n"
        'prov-051,prefecture_province,"Province de Larache, test",إقليم العرائش,region-01,,2\n'
    )
    lignes = manifeste_analyser(texte, nom="m.csv")
    assert [(x.ligne, x.code, x.parent, x.wave) for x in lignes] == [
        (3, "region-01", "", 1),
        (5, "prov-051", "region-01", 2),
    ]
    assert lignes[0].admin_email == "dg@region.ma"
    assert lignes[1].name_fr == "Province de Larache, test"


def test_each_bad_value_is_reported_with_line_column_and_fix():
    texte = (
        f"{ENTETE}\n"
        "Bad Code,region,Région,جهة,,x@y.ma,1\n"
        "ok-code,village,Nom,اسم,,pas-un-email,0\n"
        "autre-code,commune,,Latin only,,,deux\n"
    )
    found = erreurs(texte)
    assert [(ligne, colonne) for ligne, colonne, _m in found] == [
        (2, "code"),
        (3, "admin_email"),
        (3, "kind"),
        (3, "wave"),
        (4, "name_ar"),
        (4, "name_fr"),
        (4, "wave"),
    ]
    messages = {(ligne, colonne): m for ligne, colonne, m in found}
    assert "lettres minuscules" in messages[(2, "code")]
    assert "ministere" in messages[(3, "kind")]
    assert "commune" in messages[(3, "kind")]
    assert "caractères arabes" in messages[(4, "name_ar")]
    assert "« deux »" in messages[(4, "wave")]


def test_header_problems_stop_before_the_lines():
    found = erreurs("code,kind,name_fr,name_ar,parent,wave,couleur\nx,y,z,t,u,1,rouge\n")
    assert found == [
        (1, "admin_email", "Colonne manquante : ajoutez-la à l'en-tête."),
        (1, "couleur", found[1][2]),
    ]
    assert "admin_email" in found[1][2]


def test_cross_line_rules_duplicate_code_parent_kind_and_wave_order():
    texte = (
        f"{ENTETE}\n"
        "prov-a,prefecture_province,Province A,إقليم أ,reg-b,,1\n"
        "reg-b,region,Région B,جهة ب,,,2\n"
        "com-c,commune,Commune C,جماعة ج,reg-b,,2\n"
        "prov-a,prefecture_province,Doublon,مكرر,,,1\n"
    )
    found = erreurs(texte)
    assert [(ligne, colonne) for ligne, colonne, _m in found] == [
        (2, "wave"),
        (4, "parent"),
        (5, "code"),
    ]
    assert "avancez le parent" in found[0][2]
    assert "prefecture_province" in found[1][2]
    assert "ligne 2" in found[2][2]


def test_wrong_number_of_values_names_the_line():
    found = erreurs(f"{ENTETE}\nun,deux,trois\n")
    assert found[0][:2] == (2, "")
    assert "guillemets" in found[0][2]


def test_yaml_manifest_same_columns_and_exact_line_numbers():
    texte = (
        "ordonnateurs:\n"
        "  - code: region-02\n"
        "    kind: region\n"
        '    name_fr: "Région de l\'Oriental"\n'
        "    name_ar: جهة الشرق\n"
        "    parent:\n"
        "    admin_email: dg@oriental.ma  # contact\n"
        "    wave: 1\n"
        "  - code: prov-x\n"
        "    kind: prefecture_province\n"
        "    name_fr: Province X\n"
        "    name_ar: Latin\n"
        "    parent: region-02\n"
        "    admin_email: ''\n"
        "    wave: 1\n"
    )
    found = erreurs(texte, nom="m.yaml")
    assert [(ligne, colonne) for ligne, colonne, _m in found] == [(12, "name_ar")]
    lignes = manifeste_analyser(texte.replace("Latin", "إقليم"), nom="m.yml")
    assert [(x.ligne, x.code, x.name_fr, x.admin_email) for x in lignes] == [
        (2, "region-02", "Région de l'Oriental", "dg@oriental.ma"),
        (9, "prov-x", "Province X", ""),
    ]


def test_yaml_missing_key_and_unsupported_form_are_named():
    texte = (
        "- code: reg-z\n"
        "  kind: region\n"
        "  name_fr: {a: b}\n"
        "  name_ar: جهة\n"
        "  admin_email:\n"
        "  wave: 1\n"
    )
    found = erreurs(texte, nom="m.yaml")
    assert [(ligne, colonne) for ligne, colonne, _m in found] == [
        (1, "parent"),
        (3, "name_fr"),
    ]
    assert "Clé manquante" in found[0][2]
    assert "non prise en charge" in found[1][2]


def test_unknown_extension_is_refused():
    assert "csv" in erreurs("x", nom="m.xlsx")[0][2]


def test_the_sample_manifest_is_valid_and_covers_the_territory():
    lignes = manifeste_lire(SAMPLE)
    par_nature: dict[str, int] = {}
    for ligne in lignes:
        par_nature[ligne.kind] = par_nature.get(ligne.kind, 0) + 1
    assert par_nature["region"] == 12
    assert par_nature["prefecture_province"] == 75
    assert par_nature["ministere"] >= 25
    assert par_nature["commune"] >= 200
    assert par_nature["etablissement_public"] >= 5
    assert {x.wave for x in lignes} >= {1, 2, 3}
