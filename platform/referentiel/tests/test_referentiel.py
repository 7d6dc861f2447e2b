"""Loader, bitemporal resolution in the database, corrections with history and audit."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from referentiel import fixtures_io, selectors, services
from referentiel.models import Corps, Grade, Parametre, Territoire
from referentiel.resolution import Enregistrement, jeu_resoudre

pytestmark = pytest.mark.django_db


def test_every_fixture_value_has_a_source_and_a_known_statut():
    parametres = fixtures_io.parametres_fixtures()
    assert parametres
    assert all(p.source.strip() and p.statut in fixtures_io.STATUTS for p in parametres)
    codes = {p.code for p in parametres}
    for attendu in (
        "tb.tranches",
        "residence.taux",
        "af.montants",
        "cmr.taux",
        "rcar.taux",
        "rcar.plafond",
        "amo.cotisation",
        "ir.bareme",
        "ir.frais_professionnels",
        "ir.reduction_famille",
        "retraite.age_limite",
        "hausses_generales",
    ):
        assert attendu in codes


def test_loader_is_idempotent_and_audited():
    premier = services.referentiel_charger(auteur="tests")
    audits = AuditEvent.objects.filter(action="referentiel.charger").count()
    second = services.referentiel_charger(auteur="tests")

    assert premier.parametres_enregistres == len(fixtures_io.parametres_fixtures())
    assert second.parametres_enregistres == 0
    assert second.parametres_inchanges == premier.parametres_enregistres
    assert Parametre.objects.count() == premier.parametres_enregistres
    assert AuditEvent.objects.filter(action="referentiel.charger").count() == audits + 1
    assert Corps.objects.count() == 7
    assert Grade.objects.get(code="ADM-2").corps.code == "ADM"
    assert Territoire.objects.get(code="03.271").nom_fr == "Ifrane"


def test_database_and_fixture_files_resolve_to_the_same_values():
    services.referentiel_charger(auteur="tests")
    le = date(2025, 3, 1)
    en_base = selectors.jeu_parametres(le=le)
    fichiers = jeu_resoudre(
        enregistrements=fixtures_io.enregistrements_fixtures(),
        le=le,
        connu_au=fixtures_io.EPOQUE_FIXTURES,
    )
    assert {c: v.valeur for c, v in en_base.valeurs.items()} == {
        c: v.valeur for c, v in fichiers.valeurs.items()
    }
    assert en_base.valeur("ir.reduction_famille").valeur["par_personne_annuelle_centimes"] == 50000


def test_a_correction_never_changes_what_was_known_before_it():
    services.referentiel_charger(auteur="tests", instant=timezone.now() - timedelta(days=30))
    avant_correction = timezone.now()
    ancien = selectors.jeu_parametres(le=date(2025, 3, 1), connu_au=avant_correction)

    row = services.parametre_corriger(
        code="amo.cotisation",
        valide_du=date(2016, 1, 1),
        valeur={"taux_bp": 250, "plancher_centimes": 7000, "plafond_centimes": 70000},
        source="test : plafond 700 DH",
        statut="non_verifie",
        motif="test de correction",
        auteur="admin.test",
    )

    replay = selectors.jeu_parametres(le=date(2025, 3, 1), connu_au=avant_correction)
    maintenant = selectors.jeu_parametres(le=date(2025, 3, 1))
    assert replay.valeur("amo.cotisation").valeur["plafond_centimes"] == 40000
    assert replay.empreinte() == ancien.empreinte()
    assert maintenant.valeur("amo.cotisation").valeur["plafond_centimes"] == 70000
    assert maintenant.valeur("amo.cotisation").version == str(row.id)
    assert maintenant.empreinte() != ancien.empreinte()
    assert len(selectors.parametre_historique(code="amo.cotisation")) == 2
    evenement = AuditEvent.objects.get(action="referentiel.parametre.corriger")
    assert evenement.data["valeur_remplacee"]["plafond_centimes"] == 40000
    assert evenement.actor == "admin.test"


def test_the_loader_does_not_undo_an_administrator_correction():
    services.referentiel_charger(auteur="tests", instant=timezone.now() - timedelta(days=1))
    services.parametre_corriger(
        code="cmr.taux",
        valide_du=date(2016, 9, 1),
        valeur={"salarie_bp": 1050, "employeur_bp": 1050},
        source="test",
        statut="non_verifie",
        motif="test",
        auteur="admin.test",
    )

    bilan = services.referentiel_charger(auteur="tests")

    assert bilan.parametres_enregistres == 0
    jeu = selectors.jeu_parametres(le=date(2016, 10, 1))
    assert jeu.valeur("cmr.taux").valeur["salarie_bp"] == 1050


@pytest.mark.parametrize(
    ("changes", "champ"),
    [
        ({"code": "inconnu"}, "code"),
        ({"source": " "}, "source"),
        ({"motif": ""}, "motif"),
        ({"statut": "peut-etre"}, "statut"),
        ({"valeur": {"salarie_bp": "14 %", "employeur_bp": 1400}}, "valeur"),
        ({"valeur": {"salarie_bp": 1400}}, "valeur"),
    ],
)
def test_an_invalid_correction_is_refused_and_nothing_is_written(changes, champ):
    services.referentiel_charger(auteur="tests")
    avant = Parametre.objects.count()
    arguments = {
        "code": "cmr.taux",
        "valide_du": date(2026, 1, 1),
        "valeur": {"salarie_bp": 1500, "employeur_bp": 1500},
        "source": "test",
        "statut": "verifie",
        "motif": "test",
        "auteur": "admin.test",
        **changes,
    }
    with pytest.raises(services.CorrectionInvalide) as info:
        services.parametre_corriger(**arguments)
    assert info.value.champ == champ
    assert Parametre.objects.count() == avant


def test_resolution_takes_the_latest_recording_known_at_the_instant():
    t0 = timezone.now()

    def rec(valide_du, decalage, valeur):
        return Enregistrement(
            code="x",
            valide_du=valide_du,
            enregistre_le=t0 + timedelta(days=decalage),
            valeur=valeur,
            source="s",
            statut="verifie",
            version=str(valeur),
        )

    recs = [rec(date(2024, 1, 1), 0, 1), rec(date(2025, 1, 1), 0, 2), rec(date(2025, 1, 1), 5, 3)]
    assert (
        jeu_resoudre(enregistrements=recs, le=date(2024, 6, 1), connu_au=t0).valeur("x").valeur == 1
    )
    assert (
        jeu_resoudre(enregistrements=recs, le=date(2025, 6, 1), connu_au=t0).valeur("x").valeur == 2
    )
    assert (
        jeu_resoudre(enregistrements=recs, le=date(2025, 6, 1), connu_au=t0 + timedelta(days=6))
        .valeur("x")
        .valeur
        == 3
    )
    assert "x" not in jeu_resoudre(enregistrements=recs, le=date(2023, 1, 1), connu_au=t0).valeurs


def test_cli_loads_corrects_and_lists_history(capsys):
    call_command("referentiel", "charger", "--auteur", "tests")
    call_command(
        "referentiel",
        "corriger",
        "--code",
        "af.montants",
        "--valide-du",
        "2023-01-01",
        "--valeur",
        '{"montants_par_rang_centimes": [30000, 30000, 30000, 10000, 10000]}',
        "--source",
        "test",
        "--motif",
        "test",
        "--statut",
        "non_verifie",
    )
    call_command("referentiel", "historique", "--code", "af.montants")
    sortie = capsys.readouterr().out
    assert "paramètres enregistrés" in sortie
    assert "corrigé" in sortie
    assert sortie.count("valide du 2023-01-01") == 2


@pytest.mark.parametrize(
    ("borne", "acceptee"), [(None, True), (99_900_000, True), ("infini", False)]
)
def test_the_open_last_bound_may_become_a_number_but_nothing_else(borne, acceptee):
    services.referentiel_charger(auteur="tests")
    tranches = selectors.jeu_parametres(le=date(2026, 1, 1)).valeur("ir.bareme").valeur["tranches"]
    valeur = {"tranches": [*tranches[:-1], {**tranches[-1], "jusqu_a_centimes": borne}]}

    def verifier():
        services.parametre_correction_verifier(
            code="ir.bareme", valeur=valeur, source="s", statut="verifie", motif="m"
        )

    if acceptee:
        verifier()
    else:
        with pytest.raises(services.CorrectionInvalide):
            verifier()
