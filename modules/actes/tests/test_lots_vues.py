"""Bulk runs' pages: launching a campaign in one's perimeter, the review list (totals, filters,
CSV, exclusion), the progress fragment htmx polls, validating the whole run (four-eyes shown),
404 alike for a run out of perimeter."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from identity.permissions import SESSION_HABILITATIONS_KEY
from modules.actes import lots, presentation
from modules.actes.models import Acte, Etat, LigneLot, LotActes, StatutLot
from modules.personnel.models import Agent, PosteBudgetaire
from modules.unites.perimetres import Perimetre

pytestmark = pytest.mark.django_db

LOTS = "/actes/lots/"


def _texte(reponse: Any) -> str:
    return html.unescape(reponse.content.decode())


@pytest.fixture
def connecter(tenant_a: Any, login_client: Any) -> Callable[..., Any]:
    def login(*habilitations: tuple[str, str | None], username: str = "agent.test") -> Any:
        client = login_client(tenant_a, username=username, roles=())
        session = client.session
        session[SESSION_HABILITATIONS_KEY] = [list(h) for h in habilitations]
        session.save()
        return client

    return login


@pytest.fixture
def agents(creer_agent: Callable[..., Agent], postes_a: Any) -> dict[str, Agent]:
    PosteBudgetaire.objects.filter(code="P-ADM").update(nombre=100)
    return {
        "drh": creer_agent(date_effet=date(2022, 1, 1), commune_residence="04.421"),
        "paie": creer_agent(date_effet=date(2023, 1, 1), commune_residence="04.421", unite="PAIE"),
        "sans_zone": creer_agent(date_effet=date(2022, 1, 1), commune_residence=""),
        "fes": creer_agent(date_effet=date(2022, 1, 1), commune_residence="04.421", unite="FES-RH"),
    }


def _lancer(client: Any, unite: str) -> LotActes:
    reponse = client.post(LOTS, {"unite_code": unite, "date_campagne": "31/12/2026"})
    assert reponse.status_code == 302, _texte(reponse)
    lot = LotActes.objects.latest("id")
    assert reponse["Location"] == f"{LOTS}{lot.id}/"
    return lot


def test_lancer_puis_revoir_le_lot(agents: dict[str, Agent], connecter: Any) -> None:
    client = connecter(("gestionnaire", "RABAT"), username="gest.rabat")
    page = _texte(client.get(LOTS))
    assert "Aucune campagne pour l'instant" in page
    assert 'name="date_campagne"' in page
    assert 'value="31/12/' in page
    # FES is not in the gestionnaire's perimeter: refused on the field
    refus = client.post(LOTS, {"unite_code": "FES-RH", "date_campagne": "31/12/2026"})
    assert refus.status_code == 400
    assert not LotActes.objects.exists()

    lot = _lancer(client, "RABAT")
    assert (lot.unite_code, lot.auteur, lot.statut) == ("RABAT", "gest.rabat", "en_attente")
    attente = client.get(f"{LOTS}{lot.id}/?progression=1", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in attente.content.decode()
    lots.lot_executer(lot_id=lot.id)
    lot.refresh_from_db()
    assert lot.crees == 3

    page = _texte(client.get(f"{LOTS}{lot.id}/"))
    assert '<dd id="total-actes">3</dd>' in page
    assert '<dd id="total-bloquants">1</dd>' in page
    lignes = LigneLot.objects.filter(lot=lot)
    mensuel = sum(ligne.variation_brut for ligne in lignes)
    assert mensuel > 0
    assert f'<dd id="total-mensuel"><bdi dir="ltr">{presentation.montant(mensuel)}</bdi>' in page
    for agent in ("drh", "paie", "sans_zone"):
        assert agents[agent].ppr in page
    assert agents["fes"].ppr not in page
    termine = client.get(f"{LOTS}{lot.id}/?progression=1", HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in termine.content.decode()
    assert "Génération terminée : 3 acte(s) créé(s)" in _texte(termine)
    filtre = _texte(client.get(f"{LOTS}{lot.id}/", {"bloquant": "oui"}))
    assert '<dd id="total-actes">1</dd>' in filtre
    assert agents["sans_zone"].ppr in filtre

    export = client.get(f"{LOTS}{lot.id}/export.csv", {"unite_code": "PAIE"})
    rangees = list(
        csv.reader(io.StringIO(b"".join(export.streaming_content).decode()), delimiter=";")
    )  # type: ignore[attr-defined]
    assert rangees[0][0] == "\ufeffNuméro"
    assert [r[1] for r in rangees[1:]] == [agents["paie"].ppr]
    assert rangees[1][4:6] == ["3", "4"]


def test_exclure_et_valider_tout(agents: dict[str, Agent], connecter: Any) -> None:
    client = connecter(("gestionnaire", None), username="gest")
    lot = _lancer(client, "")
    lots.lot_executer(lot_id=lot.id)
    ligne = LigneLot.objects.get(lot=lot, agent_id=agents["fes"].id)
    assert client.post(f"{LOTS}{lot.id}/lignes/{ligne.id}/exclure/").status_code == 302
    ligne.refresh_from_db()
    assert ligne.exclu

    # the person who launched it cannot validate it, even holding the valideur role
    auteur = connecter(("valideur", None), username="gest")
    auteur.post(f"{LOTS}{lot.id}/valider/", follow=False)
    assert not Acte.objects.filter(ligne_lot__lot=lot, etat=Etat.VALIDE).exists()

    valideur = connecter(("valideur", None), username="val")
    reponse = valideur.post(f"{LOTS}{lot.id}/valider/", follow=True)

    assert "2 acte(s) validé(s) ; non validés : 1 avec une anomalie bloquante" in _texte(reponse)
    etats = dict(Acte.objects.filter(ligne_lot__lot=lot).values_list("agent_id", "etat"))
    assert etats == {
        agents["drh"].id: Etat.VALIDE,
        agents["paie"].id: Etat.VALIDE,
        agents["sans_zone"].id: Etat.BROUILLON,
        agents["fes"].id: Etat.BROUILLON,
    }


def test_un_lot_hors_perimetre_est_introuvable(agents: dict[str, Agent], connecter: Any) -> None:
    lot = lots.lot_lancer(
        auteur="gest.rabat",
        perimetre=Perimetre(racines=frozenset({"RABAT"})),
        date_campagne=date(2026, 12, 31),
        unite_code="RABAT",
    )
    lots.lot_executer(lot_id=lot.id)
    assert LotActes.objects.get(id=lot.id).statut == StatutLot.TERMINE
    fes = connecter(("gestionnaire", "FES"), username="gest.fes")
    assert fes.get(f"{LOTS}{lot.id}/").status_code == 404
    assert fes.get(f"{LOTS}{lot.id + 999}/").status_code == 404
    assert fes.get(f"{LOTS}{lot.id}/export.csv").status_code == 404
    assert lot.unite_code not in _texte(fes.get(LOTS)).split("Campagnes lancées")[1]
    ligne = LigneLot.objects.filter(lot=lot).first()
    assert ligne is not None
    assert fes.post(f"{LOTS}{lot.id}/lignes/{ligne.id}/exclure/").status_code == 404
    lecteur = connecter(("lecture", None), username="lecteur")
    assert lecteur.post(LOTS, {"unite_code": "", "date_campagne": "31/12/2026"}).status_code == 403
    assert lecteur.post(f"{LOTS}{lot.id}/valider/").status_code == 403
