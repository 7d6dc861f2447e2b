"""The `paie` and `benchmark` commands (config layer).

They are imported dynamically: these tests sit with the engine they exercise, and the engine's
layer contract (the kernel never imports `config`) must keep holding for kernel code.
"""

import importlib
import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from referentiel import services as referentiel_services
from remuneration.arrondi import texte
from remuneration.moteur import calculer
from remuneration.situation import mois_lire, situation_lire
from remuneration.sources import parametres_fixtures

GOLDEN = json.loads((Path(__file__).parent / "donnees" / "cas_golden.json").read_text("utf-8"))
EXEMPLE = next(c for c in GOLDEN["bulletins"] if c["id"] == "exemple-issue")
CLES = (
    "traitement_base",
    "indemnite_residence",
    "allocations_familiales",
    "brut",
    "brut_imposable",
    "cmr",
    "amo",
    "ir",
    "net",
    "elements",
    "trace",
)


def commande(nom):
    return importlib.import_module(f"config.management.commands.{nom}").Command()


def lancer(nom, *args, capsys):
    call_command(commande(nom), *args)
    return capsys.readouterr().out


def derniere_ligne_json(sortie: str):
    return json.loads(sortie.strip().splitlines()[-1])


@pytest.fixture
def situation_json(tmp_path):
    chemin = tmp_path / "situation.json"
    chemin.write_text(json.dumps(EXEMPLE["entree"]), encoding="utf-8")
    return chemin


def test_calcul_json_prints_the_documented_keys_with_two_decimals(situation_json, capsys):
    sortie = derniere_ligne_json(
        lancer(
            "paie",
            "calcul",
            "--situation",
            str(situation_json),
            "--json",
            "--parametres",
            "fichiers",
            capsys=capsys,
        )
    )
    assert set(CLES) <= set(sortie)
    for cle, attendu in EXEMPLE["attendu"].items():
        assert sortie[cle] == attendu
    assert [e["code"] for e in sortie["elements"]] == ["TB", "RES", "SUJ", "AF", "CMR", "AMO", "IR"]
    assert all(
        {"code", "libelle_fr", "libelle_ar", "base", "taux", "montant"} <= set(e)
        for e in sortie["elements"]
    )
    sources = {t["parametre"]: t["source"] for t in sortie["trace"] if t["parametre"]}
    assert "LF 2025" in sources["ir.bareme"]


def test_calcul_text_output_explains_each_step(situation_json, capsys):
    sortie = lancer(
        "paie",
        "calcul",
        "--situation",
        str(situation_json),
        "--parametres",
        "fichiers",
        capsys=capsys,
    )
    assert "1944.76" in sortie
    assert "Explication" in sortie
    assert "3937.45" in sortie


def test_bad_input_is_a_command_error_naming_the_field(tmp_path):
    chemin = tmp_path / "s.json"
    chemin.write_text(json.dumps({**EXEMPLE["entree"], "enfants_a_charge": -2}), encoding="utf-8")
    with pytest.raises(CommandError, match="enfants_a_charge"):
        call_command(
            commande("paie"), "calcul", "--situation", str(chemin), "--parametres", "fichiers"
        )


@pytest.mark.django_db
def test_database_parameters_and_replay_at_an_earlier_instant(situation_json, capsys):
    referentiel_services.referentiel_charger(
        auteur="tests", instant=timezone.now() - timedelta(days=10)
    )
    avant = (timezone.now() - timedelta(days=1)).isoformat()
    referentiel_services.parametre_corriger(
        code="cmr.taux",
        valide_du=mois_lire("2025-01"),
        valeur={"salarie_bp": 1500, "employeur_bp": 1500},
        source="test",
        statut="non_verifie",
        motif="test",
        auteur="admin.test",
    )

    maintenant = derniere_ligne_json(
        lancer("paie", "calcul", "--situation", str(situation_json), "--json", capsys=capsys)
    )
    rejeu = derniere_ligne_json(
        lancer(
            "paie",
            "calcul",
            "--situation",
            str(situation_json),
            "--json",
            "--connu-au",
            avant,
            capsys=capsys,
        )
    )

    assert rejeu["cmr"] == EXEMPLE["attendu"]["cmr"] == "313.11"
    assert maintenant["cmr"] == "335.47"  # 2236.47 × 15 % = 335.4705
    assert rejeu["parametres"]["empreinte"] != maintenant["parametres"]["empreinte"]
    assert maintenant["parametres"]["utilises"]["cmr.taux"].isdigit()


def test_population_csv_equals_the_sum_of_scalar_computations(tmp_path, capsys):
    lignes = [
        "matricule,indice,echelle,zone,enfants_a_charge,conjoint_a_charge,regime_retraite,"
        "indemnites_imposables,indemnites_non_imposables_soumises,mutuelle",
        "A1,336,11,B,3,true,CMR,1200.00,0,0",
        "A2,151,6,C,0,false,CMR,0,250.5,35.00",
        "A3,870,HE,A,7,true,RCAR,12000,0,0",
    ]
    fichier = tmp_path / "pop.csv"
    fichier.write_text("\n".join(lignes) + "\n", encoding="utf-8")
    sortie_parquet = tmp_path / "resultats.parquet"

    resume = derniere_ligne_json(
        lancer(
            "paie",
            "calcul",
            "--population",
            str(fichier),
            "--mois",
            "2025-03",
            "--json",
            "--parametres",
            "fichiers",
            "--sortie",
            str(sortie_parquet),
            capsys=capsys,
        )
    )

    parametres = parametres_fixtures(mois_lire("2025-03"))
    situations = [
        {
            "indice": 336,
            "echelle": 11,
            "zone": "B",
            "enfants_a_charge": 3,
            "conjoint_a_charge": True,
            "indemnites": [{"code": "X", "montant": "1200.00"}],
        },
        {
            "indice": 151,
            "echelle": 6,
            "zone": "C",
            "mutuelle": "35.00",
            "indemnites": [
                {"code": "X", "montant": "250.50", "imposable": False, "soumise_retraite": True}
            ],
        },
        {
            "indice": 870,
            "echelle": "HE",
            "zone": "A",
            "enfants_a_charge": 7,
            "conjoint_a_charge": True,
            "regime_retraite": "RCAR",
            "indemnites": [{"code": "X", "montant": "12000"}],
        },
    ]
    nets = [
        calculer(situation=situation_lire(s, jeu=parametres.jeu), parametres=parametres).totaux
        for s in situations
    ]
    assert resume["agents"] == 3
    assert resume["totaux"]["net"] == texte(sum(n["net"] for n in nets))
    assert resume["totaux"]["ir"] == texte(sum(n["ir"] for n in nets))
    par_agent = pl.read_parquet(sortie_parquet)
    assert par_agent["matricule"].to_list() == ["A1", "A2", "A3"]
    assert par_agent["net"].to_list() == [texte(n["net"]) for n in nets]
    assert Decimal(par_agent["net"][0]) == Decimal(EXEMPLE["attendu"]["net"])


@pytest.mark.parametrize(
    ("ligne", "colonne"),
    [
        ("A1,336,11,B,12.345", "indemnites_imposables"),
        ("A1,336,11,Z,0", "zone"),
        ("A1,-3,11,B,0", "indice"),
        ("A1,336,12,B,0", "echelle"),
    ],
)
def test_population_errors_name_the_column_and_line(tmp_path, ligne, colonne):
    fichier = tmp_path / "pop.csv"
    fichier.write_text(f"matricule,indice,echelle,zone,indemnites_imposables\n{ligne}\n", "utf-8")
    with pytest.raises(CommandError, match=colonne) as info:
        call_command(
            commande("paie"),
            "calcul",
            "--population",
            str(fichier),
            "--mois",
            "2025-03",
            "--parametres",
            "fichiers",
        )
    assert "ligne 2" in str(info.value)


def test_benchmark_paie_smoke_run_prints_the_documented_json(capsys):
    sortie = derniere_ligne_json(
        lancer("benchmark", "paie", "--agents", "2000", "--json", capsys=capsys)
    )
    assert sortie["benchmark"] == "paie"
    assert sortie["params"]["agents"] == 2000
    assert {"seconds", "agents_per_s", "scalar_agents_per_s"} <= set(sortie["metrics"])
    assert sortie["metrics"]["mismatches"] == 0
    assert sortie["ratio_vs_baseline"] > 0
    assert sortie["baseline"] == "scalar path on a 2,000-agent sample"
    assert sortie["peak_rss_mb"] > 0


@pytest.mark.django_db
def test_an_empty_reference_database_says_how_to_load_it(situation_json):
    with pytest.raises(CommandError, match="referentiel charger"):
        call_command(commande("paie"), "calcul", "--situation", str(situation_json))


def test_difference_prints_arrears_and_monthly_delta(tmp_path, capsys):
    cas = GOLDEN["rappels"][0]
    avant, apres = tmp_path / "avant.json", tmp_path / "apres.json"
    avant.write_text(json.dumps(cas["avant"]), encoding="utf-8")
    apres.write_text(json.dumps(cas["apres"]), encoding="utf-8")

    sortie = derniere_ligne_json(
        lancer(
            "paie",
            "difference",
            "--avant",
            str(avant),
            "--apres",
            str(apres),
            "--du",
            cas["du"],
            "--au",
            cas["au"],
            "--mois-paiement",
            cas["mois_paiement"],
            "--json",
            "--parametres",
            "fichiers",
            capsys=capsys,
        )
    )

    assert sortie["mois_rappel"] == 4
    assert {k: sortie["rappel"][k] for k in cas["rappel"]} == cas["rappel"]
    assert {k: sortie["variation_mensuelle"][k] for k in cas["variation_mensuelle"]} == cas[
        "variation_mensuelle"
    ]
    assert [ligne["rappel"] for ligne in sortie["lignes"]] == [True, True, True, True, False]


def test_difference_requires_its_period(tmp_path):
    with pytest.raises(CommandError, match="--du et --au"):
        call_command(commande("paie"), "difference", "--parametres", "fichiers")
