"""Ordres de recette: an act visé after pay was made on the old situation recovers, month by
month, the net paid too much (months whose pay day has passed at the visa); an act that
lowers no paid month establishes none. The expected amounts are computed here with the engine
(`bulletin_calculer`) on the documented inputs, not with impact.py."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from exchange.protocole import schemas
from identity.permissions import SESSION_HABILITATIONS_KEY
from modules.actes import echange, recettes, services
from modules.actes.models import Acte, LigneOrdreRecette, OrdreRecette, Transition
from modules.actes.tests.conftest import joindre_pieces, jusqu_au_visa
from modules.actes.tests.test_types_communs import entree, mois_de
from modules.actes.types.communs import ajouter_mois
from modules.personnel.models import Agent
from remuneration import facade as remuneration

pytestmark = pytest.mark.django_db

Rediger = Callable[..., Acte]
Creer = Callable[..., Agent]


def _net(situation: dict[str, Any] | None) -> int:
    if situation is None:
        return 0
    return int(remuneration.bulletin_calculer(situation=situation).totaux["net"])


def _brut(situation: dict[str, Any] | None) -> int:
    if situation is None:
        return 0
    return int(remuneration.bulletin_calculer(situation=situation).totaux["brut"])


def _payes(date_effet: date, jour: int) -> list[date]:
    """The months of the act already paid today when pay is made on day `jour`."""
    aujourd_hui = timezone.localdate()
    mois, _paiement = mois_de(date_effet)
    return [m for m in mois if date(m.year, m.month, jour) <= aujourd_hui]


def _premier(mois_avant: int) -> date:
    return ajouter_mois(timezone.localdate().replace(day=1), -mois_avant)


def test_mois_paye_selon_le_jour_de_paie() -> None:
    assert recettes.mois_paye(date(2026, 3, 1), le=date(2026, 3, 24), jour=25) is False
    assert recettes.mois_paye(date(2026, 3, 1), le=date(2026, 3, 25), jour=25) is True
    assert recettes.mois_paye(date(2026, 2, 1), le=date(2026, 3, 1), jour=25) is True
    assert recettes.mois_paye(date(2026, 4, 1), le=date(2026, 3, 31), jour=25) is False


def test_trop_percu_ne_garde_que_les_mois_payes_en_baisse() -> None:
    impact = {
        "erreur": "",
        "lignes": [
            {"mois": "2026-01-01", "brut": -1000, "net": -800, "avant_net": 800, "apres_net": 0},
            {"mois": "2026-02-01", "brut": 500, "net": 400, "avant_net": 0, "apres_net": 400},
            {"mois": "2026-03-01", "brut": -1000, "net": -800, "avant_net": 800, "apres_net": 0},
        ],
    }
    mois = recettes.trop_percu(impact, le=date(2026, 3, 10), jour=25)
    assert mois == [
        recettes.MoisTropPercu(mois=date(2026, 1, 1), brut=1000, net=800, net_paye=800, net_du=0)
    ]
    assert recettes.trop_percu({"erreur": "Impact non calculable"}, le=date(2026, 3, 10)) == []


@pytest.mark.parametrize("jour", [25, 28])
def test_disponibilite_passee_etablit_l_ordre_par_mois(
    creer_agent: Creer, rediger: Rediger, settings: Any, jour: int
) -> None:
    settings.INDIMAJ_JOUR_PAIE = jour
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    effet = _premier(3) + timedelta(days=9)  # the 10th: pay changes from the next month
    acte = rediger(
        "disponibilite",
        agent=agent,
        date_effet=effet,
        motif="convenances",
        date_fin=ajouter_mois(effet, 12).isoformat(),
    )
    # the record to the Treasury announces it before the visa
    annonce = recettes.annonce(services.version_courante(acte))
    payes = _payes(effet, jour)
    assert payes
    assert payes[0] == _premier(2)
    attendus = {m: _net(entree(m)) for m in payes}
    assert annonce == {
        "total_net": recettes.dh(sum(attendus.values())),
        "total_brut": recettes.dh(sum(_brut(entree(m)) for m in payes)),
        "mois": [
            {"mois": f"{m:%Y-%m}", "net": recettes.dh(n), "brut": recettes.dh(_brut(entree(m)))}
            for m, n in attendus.items()
        ],
    }

    acte = jusqu_au_visa(acte)
    ordre = OrdreRecette.objects.get(acte=acte)
    assert ordre.numero == f"OR-{timezone.localdate().year}-000001"
    assert (ordre.agent_id, ordre.agent_ppr, ordre.unite_code) == (agent.id, agent.ppr, "DRH")
    assert (ordre.premier_mois, ordre.dernier_mois, ordre.nombre_mois, ordre.jour_paie) == (
        payes[0],
        payes[-1],
        len(payes),
        jour,
    )
    assert ordre.montant_net == sum(attendus.values())
    assert [
        (ligne.mois, ligne.net, ligne.net_paye, ligne.net_du) for ligne in ordre.lignes.all()
    ] == [(m, n, n, 0) for m, n in attendus.items()]
    audit = AuditEvent.objects.get(action="actes.ordre_recette_etablir")
    assert audit.object_id == str(ordre.id)
    assert audit.data["montant_net"] == ordre.montant_net
    # the visa's transition row names the order
    visa = Transition.objects.filter(acte=acte, vers="vise").get()
    assert visa.acte_id == acte.id
    assert AuditEvent.objects.filter(
        action="actes.etat_vise", data__ordre_recette=ordre.numero
    ).exists()


def test_demi_traitement_deja_paye_recouvre_la_difference(
    creer_agent: Creer, rediger: Rediger, settings: Any
) -> None:
    settings.INDIMAJ_JOUR_PAIE = 25
    agent = creer_agent(date_effet=date(2015, 1, 1), commune_residence="04.421")
    debut = _premier(26)  # moyenne durée: half pay from the month before last
    demi = ajouter_mois(debut, 24)
    acte = rediger(
        "conge_maladie_moyenne",
        agent=agent,
        date_effet=debut,
        date_fin=(ajouter_mois(debut, 36) - timedelta(days=1)).isoformat(),
    )
    acte = jusqu_au_visa(acte)
    payes = [m for m in _payes(debut, 25) if m >= demi]
    attendus = {m: _net(entree(m)) - _net(entree(m, quotite=50)) for m in payes}
    assert all(v > 0 for v in attendus.values())
    ordre = OrdreRecette.objects.get(acte=acte)
    assert [(ligne.mois, ligne.net) for ligne in ordre.lignes.all()] == list(attendus.items())
    assert ordre.montant_net == sum(attendus.values())


def test_acte_sans_trop_percu_n_etablit_rien(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    # an advancement raises pay: arrears, no recovery
    jusqu_au_visa(
        rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
    )
    # a disponibilité starting next month: nothing paid yet
    futur = ajouter_mois(timezone.localdate().replace(day=1), 1)
    acte = rediger(
        "disponibilite",
        agent=agent,
        date_effet=futur,
        motif="convenances",
        date_fin=ajouter_mois(futur, 6).isoformat(),
    )
    assert recettes.annonce(services.version_courante(acte)) is None
    jusqu_au_visa(acte, visa="V-0002")
    assert not OrdreRecette.objects.exists()
    assert not LigneOrdreRecette.objects.exists()
    assert not AuditEvent.objects.filter(action="actes.ordre_recette_etablir").exists()


@pytest.fixture
def connecter(tenant_a: Any, login_client: Any) -> Callable[..., Any]:
    def login(*habilitations: tuple[str, str | None]) -> Any:
        client = login_client(tenant_a, username="agent.test", roles=())
        session = client.session
        session[SESSION_HABILITATIONS_KEY] = [list(h) for h in habilitations]
        session.save()
        return client

    return login


def test_pages_ordres_recette_perimetre_filtres_csv_et_page_de_l_acte(
    creer_agent: Creer, rediger: Rediger, connecter: Callable[..., Any]
) -> None:
    effet = _premier(2)
    ordres = {}
    for ppr, unite, nom in (("3000021", "DRH", "Alaoui"), ("3000022", "FES-RH", "Berrada")):
        agent = creer_agent(ppr=ppr, unite=unite, nom_fr=nom, commune_residence="04.421")
        acte = jusqu_au_visa(
            rediger("demission", agent=agent, date_effet=effet, date_demande="2025-01-02"),
            visa=f"V-{ppr}",
        )
        ordres[unite] = OrdreRecette.objects.get(acte=acte)

    fes = connecter(("gestionnaire", "FES"))
    page = fes.get("/actes/ordres-recette/")
    assert page.status_code == 200
    assert ordres["FES-RH"].numero in page.text
    assert ordres["DRH"].numero not in page.text  # out of the perimeter
    export = fes.get("/actes/ordres-recette/export.csv")
    lignes = list(
        csv.reader(
            io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert len(lignes) == 2
    assert lignes[1][0] == ordres["FES-RH"].numero
    assert lignes[1][3:6] == ["3000022", "Berrada Karim", "FES-RH"]
    assert lignes[1][11] == recettes.dh(ordres["FES-RH"].montant_net)

    # the act page shows the order month by month with its total
    acte_page = html.unescape(fes.get(f"/actes/{ordres['FES-RH'].acte_id}/").text)
    assert f"Ordre de recette {ordres['FES-RH'].numero}" in acte_page
    for ligne in ordres["FES-RH"].lignes.all():
        assert f"{ligne.mois:%m/%Y}" in acte_page
        assert recettes.dh(ligne.net) in acte_page
    assert recettes.dh(ordres["FES-RH"].montant_net) in acte_page
    # and the act of the other branch is a 404, like a missing one
    assert fes.get(f"/actes/{ordres['DRH'].acte_id}/").status_code == 404

    tout = connecter(("gestionnaire", None))
    assert ordres["DRH"].numero in tout.get("/actes/ordres-recette/").text
    filtre = tout.get("/actes/ordres-recette/", {"q": "Alaoui"}).text
    assert ordres["DRH"].numero in filtre
    assert ordres["FES-RH"].numero not in filtre
    vide = tout.get("/actes/ordres-recette/", {"type_code": "deces"}).text
    assert "Aucun ordre de recette pour ces critères" in vide


def test_enregistrement_au_tresor_annonce_l_ordre_et_respecte_le_schema(
    creer_agent: Creer, rediger: Rediger, settings: Any
) -> None:
    settings.INDIMAJ_JOUR_PAIE = 25
    agent = creer_agent(commune_residence="04.421")
    effet = _premier(2)
    acte = rediger("deces", agent=agent, date_effet=effet, lieu="Rabat")
    joindre_pieces(acte)
    acte = services.acte_valider(auteur="valideur", acte=acte)
    (bordereau,) = services.bordereaux_constituer(auteur="valideur", actes=[acte])
    (enregistrement,) = echange.enregistrements(bordereau)
    payes = _payes(effet, 25)
    assert enregistrement["ordre_recette"] == {
        "total_net": recettes.dh(sum(_net(entree(m)) for m in payes)),
        "total_brut": recettes.dh(sum(_brut(entree(m)) for m in payes)),
        "mois": [
            {
                "mois": f"{m:%Y-%m}",
                "net": recettes.dh(_net(entree(m))),
                "brut": recettes.dh(_brut(entree(m))),
            }
            for m in payes
        ],
    }
    schemas.enregistrement_verifier("actes", enregistrement, ligne=1)
    # an act that recovers nothing carries no ordre_recette
    autre = creer_agent(commune_residence="04.421")
    avancement = rediger(
        "avancement_echelon", agent=autre, date_effet=date(2026, 1, 1), echelon="4"
    )
    joindre_pieces(avancement)
    avancement = services.acte_valider(auteur="valideur", acte=avancement)
    (bordereau,) = services.bordereaux_constituer(auteur="valideur", actes=[avancement])
    (enregistrement,) = echange.enregistrements(bordereau)
    assert "ordre_recette" not in enregistrement
    schemas.enregistrement_verifier("actes", enregistrement, ligne=1)
