"""Exports of the current list: same perimeter, filters and masking as the page, streamed."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from modules.personnel import exportation, journal_acces
from modules.personnel.tests.conftest import rib_valide

pytestmark = pytest.mark.django_db

ENTETE = (
    "PPR;Nom;Prénom;Nom (arabe);Prénom (arabe);CIN;Grade;Libellé du grade;Unité;"
    "Libellé de l'unité;Position;Statut;Poste budgétaire;Échelle;Échelon;Indice;"
    "Date de recrutement"
)


@pytest.fixture
def consultations(monkeypatch):
    appels: list[tuple[str, list[int]]] = []

    def enregistrer(*, acteur, nature, agent_ids, details=""):
        appels.append((nature, list(agent_ids)))

    monkeypatch.setattr(journal_acces, "consultation", enregistrer)
    return appels


@pytest.fixture
def agents(creer_agent):
    return [
        creer_agent(
            ppr="4000001",
            nom_fr="Alaoui",
            cin="AB123456",
            rib=rib_valide(1),
            situation={"position": "conge_maladie_moyenne"},
        ),
        creer_agent(ppr="4000002", nom_fr="=HYPERLINK(1)", unite="FES-RH", cin="C12345"),
        creer_agent(ppr="4000003", nom_fr="Zniber", prenom_fr="Hind", sexe="F", unite="PAIE"),
    ]


def _csv(reponse) -> list[str]:
    assert reponse.status_code == 200
    assert reponse.streaming
    brut = b"".join(reponse.streaming_content)
    assert brut.startswith("\ufeff".encode())
    return brut.decode("utf-8-sig").split("\r\n")[:-1]


def test_csv_of_a_reader_is_masked_and_in_the_pages_order(agents, client_a, consultations):
    reponse = client_a(("lecture", None)).get("/personnel/export.csv")
    assert reponse["Content-Disposition"] == 'attachment; filename="agents.csv"'
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert _csv(reponse) == [
        ENTETE,
        "4000002;'=HYPERLINK(1);Karim;العلوي;كريم;C1**45;ADM-2;Administrateur 2e grade;FES-RH;"
        "Unité FES-RH;Activité;Titulaire;P-ADM;;3;;2020-01-01",
        "4000001;Alaoui;Karim;العلوي;كريم;AB****56;ADM-2;Administrateur 2e grade;DRH;Unité DRH;"
        "Congé (détail réservé);Titulaire;P-ADM;;3;;2020-01-01",
        "4000003;Zniber;Hind;العلوي;كريم;;ADM-2;Administrateur 2e grade;PAIE;Unité PAIE;"
        "Activité;Titulaire;P-ADM;;3;;2020-01-01",
    ]
    assert consultations == [("export", [agents[1].id, agents[0].id, agents[2].id])]


def test_csv_of_a_gestionnaire_of_rabat_shows_his_branch_in_clear(agents, client_a):
    lignes = _csv(client_a(("gestionnaire", "RABAT")).get("/personnel/export.csv"))
    assert [ligne.split(";")[0] for ligne in lignes[1:]] == ["4000001", "4000003"]
    assert ";AB123456;" in lignes[1]
    assert "Congé de maladie de moyenne durée" in lignes[1]
    assert rib_valide(1) not in "".join(lignes)  # bank details are not in a list export


def test_filters_of_the_page_apply(agents, client_a):
    client = client_a(("lecture", None))
    assert [
        ligne.split(";")[0]
        for ligne in _csv(client.get("/personnel/export.csv", {"q": "zniber"}))[1:]
    ] == ["4000003"]
    assert _csv(client.get("/personnel/export.csv", {"unite": "DRH", "q": "zniber"})) == [ENTETE]


def test_xlsx_holds_the_same_rows_as_text(agents, client_a, consultations):
    reponse = client_a(("lecture", None)).get("/personnel/export.xlsx", {"unite": "FES-RH"})
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == exportation.TYPE_XLSX
    assert reponse["Content-Disposition"] == 'attachment; filename="agents.xlsx"'
    classeur = load_workbook(io.BytesIO(b"".join(reponse.streaming_content)))
    rangees = [list(r) for r in classeur["agents"].iter_rows(values_only=True)]
    assert rangees[0] == ENTETE.split(";")
    assert rangees[1][:6] == ["4000002", "=HYPERLINK(1)", "Karim", "العلوي", "كريم", "C1**45"]
    assert classeur["agents"]["B2"].data_type == "s"  # text, not a formula
    assert len(rangees) == 2
    assert consultations == [("export", [agents[1].id])]


def test_the_access_log_is_written_chunk_by_chunk(agents, client_a, consultations, monkeypatch):
    monkeypatch.setattr(exportation, "TAILLE_LOT", 2)
    _csv(client_a(("lecture", None)).get("/personnel/export.csv"))
    assert [len(ids) for _, ids in consultations] == [2, 1]


def test_an_empty_perimeter_exports_only_the_header(agents, client_a, consultations):
    client = client_a(("lecture", "INCONNUE"))
    assert _csv(client.get("/personnel/export.csv")) == [ENTETE]
    assert consultations == []
