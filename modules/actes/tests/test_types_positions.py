"""Position acts end to end: mise à disposition, détachement / réintégration, disponibilité /
réintégration, congés de maladie (full then half pay) and their reprise, reclassement —
drafting, blocking checks, golden impact, effect on the file after the visa."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from identity.permissions import SESSION_HABILITATIONS_KEY
from modules.actes import services
from modules.actes.models import Acte, OrdreRecette
from modules.actes.tests.conftest import jusqu_au_visa
from modules.actes.tests.test_types_communs import (
    anomalies,
    attendu,
    bloquantes,
    entree,
    verifier_impact,
)
from modules.actes.types import CATALOGUE
from modules.actes.types.communs import ajouter_mois
from modules.personnel import facade as personnel
from modules.personnel.models import Agent, EvenementCarriere, PosteBudgetaire
from modules.unites.perimetres import TOUT
from remuneration import facade as remuneration

pytestmark = pytest.mark.django_db

Rediger = Callable[..., Acte]
Creer = Callable[..., Agent]


def _impact(acte: Acte) -> dict[str, Any]:
    return dict(services.version_courante(acte).impact)


def _evenements(agent: Agent) -> list[EvenementCarriere]:
    return list(agent.evenements.filter(source="acte").order_by("date_effet", "id"))


def _premier(mois_avant: int) -> date:
    """The first day of the month `mois_avant` months before the current one."""
    return ajouter_mois(timezone.localdate().replace(day=1), -mois_avant)


def test_catalogue_a_au_moins_dix_huit_types() -> None:
    assert len(CATALOGUE) >= 18
    for code in (
        "reclassement",
        "mise_a_disposition",
        "detachement",
        "reintegration_detachement",
        "disponibilite",
        "reintegration_disponibilite",
        "conge_maladie_moyenne",
        "conge_maladie_longue",
        "reprise_conge_maladie",
        "suspension_traitement",
        "reprise_traitement",
        "demission",
        "revocation",
        "deces",
        "transfert_sortie",
        "transfert_entree",
    ):
        assert code in CATALOGUE, code


# --- mise à disposition --------------------------------------------------------------------------


def test_mise_a_disposition_paie_inchangee(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(commune_residence="04.421")
    acte = rediger("mise_a_disposition", agent=agent, date_effet=_premier(1), organisme="Agence X")
    assert anomalies(acte) == []
    impact = _impact(acte)
    assert impact["erreur"] == ""
    assert set(impact["variation"].values()) == {0}
    assert set(impact["rappel"].values()) == {0}
    acte = jusqu_au_visa(acte)
    agent.refresh_from_db()
    assert agent.position == "mise_a_disposition"
    assert agent.grade_code == "ADM-2"  # the home keeps paying on its grade
    assert not OrdreRecette.objects.exists()


# --- détachement and réintégration -----------------------------------------------------------


def test_detachement_refuse_hors_activite_et_fin_avant_debut(
    creer_agent: Creer, rediger: Rediger
) -> None:
    agent = creer_agent(commune_residence="04.421", situation={"position": "disponibilite"})
    acte = rediger(
        "detachement",
        agent=agent,
        organisme="Office Y",
        date_fin="2025-12-01",
    )
    assert bloquantes(acte) == [
        (
            "L'agent n'est pas en activité à cette date (position : disponibilité) : mettez fin "
            "à sa position actuelle d'abord (réintégration, reprise).",
            "date_effet",
        ),
        ("La date de fin doit suivre la date d'effet.", "date_fin"),
    ]


def test_detachement_arrete_la_paie_puis_reintegration_la_reprend(
    creer_agent: Creer, rediger: Rediger
) -> None:
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    debut = date(2026, 1, 1)
    acte = rediger("detachement", agent=agent, date_effet=debut, organisme="Office Y")
    assert anomalies(acte) == []
    golden = attendu(debut, entree, lambda m: None)
    verifier_impact(_impact(acte), golden)
    assert (
        golden.variation["brut"]
        == -remuneration.bulletin_calculer(
            situation=entree(timezone.localdate().replace(day=1))
        ).totaux["brut"]
    )
    acte = jusqu_au_visa(acte)
    agent.refresh_from_db()
    assert agent.position == "detachement"
    (evenement,) = _evenements(agent)
    assert (evenement.nature, evenement.position, evenement.quotite) == (
        "changement_position",
        "detachement",
        None,
    )

    # a réintégration after a disponibilité is refused: the agent is in détachement
    faux = rediger("reintegration_disponibilite", agent=agent, date_effet=date(2026, 6, 1))
    assert bloquantes(faux) == [
        (
            "L'agent n'est pas en disponibilité (position actuelle : détachement) : cette "
            "réintégration ne s'applique pas.",
            "date_effet",
        )
    ]
    retour = rediger("reintegration_detachement", agent=agent, date_effet=date(2026, 6, 1))
    assert bloquantes(retour) == []
    golden_retour = attendu(
        date(2026, 6, 1), lambda m: None if m >= date(2026, 1, 1) else entree(m), entree
    )
    verifier_impact(_impact(retour), golden_retour)
    jusqu_au_visa(retour, visa="V-0002")
    agent.refresh_from_db()
    assert (agent.position, agent.poste_code) == ("activite", "P-ADM")


# --- disponibilité -----------------------------------------------------------------------------


def test_disponibilite_exige_activite_et_plus_de_trois_ans_avertit(
    creer_agent: Creer, rediger: Rediger
) -> None:
    agent = creer_agent(commune_residence="04.421", situation={"position": "detachement"})
    acte = rediger("disponibilite", agent=agent, motif="convenances", date_fin="2030-01-01")
    assert anomalies(acte) == [
        (
            "L'agent n'est pas en activité à cette date (position : détachement) : mettez fin "
            "à sa position actuelle d'abord (réintégration, reprise).",
            "date_effet",
            True,
        ),
        (
            "Période de plus de 36 mois : vérifiez la durée autorisée par le statut (un "
            "renouvellement est un nouvel acte).",
            "date_fin",
            False,
        ),
    ]


def test_reintegration_disponibilite(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    dispo = rediger(
        "disponibilite",
        agent=agent,
        date_effet=date(2025, 1, 1),
        motif="enfant",
        date_fin="2026-12-31",
    )
    jusqu_au_visa(dispo)
    retour = rediger("reintegration_disponibilite", agent=agent, date_effet=date(2026, 3, 1))
    assert bloquantes(retour) == []
    golden = attendu(date(2026, 3, 1), lambda m: None, entree)
    verifier_impact(_impact(retour), golden)
    jusqu_au_visa(retour, visa="V-0002")
    agent.refresh_from_db()
    assert agent.position == "activite"


# --- congés de maladie: full then half pay -------------------------------------------------------


def test_conge_longue_duree_plein_puis_demi_traitement(
    creer_agent: Creer, rediger: Rediger
) -> None:
    agent = creer_agent(date_effet=date(2015, 1, 1), commune_residence="04.421")
    debut = _premier(37)  # the 3 years of full pay end in the month before last
    demi = ajouter_mois(debut, 36)
    fin = ajouter_mois(debut, 48) - timedelta(days=1)
    acte = rediger("conge_maladie_longue", agent=agent, date_effet=debut, date_fin=fin.isoformat())
    assert anomalies(acte) == [
        (
            f"Demi-traitement à partir du {demi:%d/%m/%Y} (3 ans de plein traitement).",
            "date_fin",
            False,
        )
    ]
    assert services.version_courante(acte).donnees["demi_traitement_du"] == demi.isoformat()

    def apres(m: date) -> dict[str, Any]:
        return entree(m, quotite=50) if m >= demi else entree(m)

    golden = attendu(debut, entree, apres)
    verifier_impact(_impact(acte), golden)
    # half pay by the formula: TB × 50 %, rounded half up to the centime; the residence
    # indemnity (a share of the TB) follows; nothing else changes
    courant = timezone.localdate().replace(day=1)
    plein = remuneration.bulletin_calculer(situation=entree(courant))
    moitie = remuneration.bulletin_calculer(situation=entree(courant, quotite=50))
    tb = plein.totaux["traitement_base"]
    assert moitie.totaux["traitement_base"] == (tb * 50 + 50) // 100
    assert golden.variation["traitement_base"] == moitie.totaux["traitement_base"] - tb
    assert golden.variation["indemnite_residence"] < 0
    assert golden.variation["allocations_familiales"] == 0

    acte = jusqu_au_visa(acte)
    premier, second = _evenements(agent)
    assert (premier.date_effet, premier.position, premier.quotite) == (
        debut,
        "conge_maladie_longue",
        100,
    )
    assert (second.date_effet, second.position, second.quotite) == (demi, "", 50)
    assert acte.evenements == [premier.id, second.id]
    situation = personnel.situation_au(perimetre=TOUT, agent_id=agent.id, le=courant)
    assert situation is not None
    assert (situation.position, situation.quotite) == ("conge_maladie_longue", 50)
    entree_paie = personnel.situation_paie(perimetre=TOUT, agent_id=agent.id, mois=courant)
    assert entree_paie is not None
    assert entree_paie["quotite"] == 50
    agent.refresh_from_db()
    assert (agent.position, agent.quotite) == ("conge_maladie_longue", 50)  # the cache

    # the reprise brings full pay back
    reprise = rediger("reprise_conge_maladie", agent=agent, date_effet=courant)
    assert bloquantes(reprise) == []
    verifier_impact(_impact(reprise), attendu(courant, lambda m: entree(m, quotite=50), entree))
    jusqu_au_visa(reprise, visa="V-0002")
    situation = personnel.situation_au(perimetre=TOUT, agent_id=agent.id, le=courant)
    assert situation is not None
    assert (situation.position, situation.quotite) == ("activite", 100)
    agent.refresh_from_db()
    assert agent.quotite == 100


def test_conge_moyenne_duree_au_dela_de_trois_ans_bloque(
    creer_agent: Creer, rediger: Rediger
) -> None:
    agent = creer_agent(date_effet=date(2015, 1, 1), commune_residence="04.421")
    acte = rediger(
        "conge_maladie_moyenne",
        agent=agent,
        date_effet=date(2024, 1, 1),
        date_fin="2027-01-31",
    )
    assert bloquantes(acte) == [
        (
            "Le congé dépasse la durée légale de 3 ans : commencé le 01/01/2024, il doit finir "
            "au plus tard le 31/12/2026.",
            "date_fin",
        )
    ]


def test_conge_prolonge_compte_depuis_le_debut(creer_agent: Creer, rediger: Rediger) -> None:
    """A renewal counts the durations from the first day of the uninterrupted congé."""
    agent = creer_agent(date_effet=date(2015, 1, 1), commune_residence="04.421")
    jusqu_au_visa(
        rediger(
            "conge_maladie_moyenne",
            agent=agent,
            date_effet=date(2024, 1, 1),
            date_fin="2024-12-31",
        )
    )
    renouvellement = rediger(
        "conge_maladie_moyenne",
        agent=agent,
        date_effet=date(2025, 1, 1),
        date_fin="2027-01-31",
    )
    assert ("date_fin" in {c for _m, c in bloquantes(renouvellement)}) is True
    assert bloquantes(renouvellement)[0][0].startswith(
        "Le congé dépasse la durée légale de 3 ans : commencé le 01/01/2024"
    )


def test_reprise_sans_conge_refusee(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(commune_residence="04.421")
    acte = rediger("reprise_conge_maladie", agent=agent)
    assert bloquantes(acte) == [
        (
            "L'agent n'est pas en congé de maladie de moyenne ou de longue durée (position : "
            "activité) : pas de reprise à enregistrer.",
            "date_effet",
        )
    ]


# --- reclassement ----------------------------------------------------------------------------


def test_reclassement_change_le_grade(creer_agent: Creer, rediger: Rediger) -> None:
    PosteBudgetaire.objects.create(
        code="P-ADM1",
        libelle="Administrateurs 1er grade",
        grade_code="ADM-1",
        ligne_budgetaire="10.1.1.13",
        nombre=1,
    )
    agent = creer_agent(
        date_effet=date(2010, 1, 1), commune_residence="04.421", situation={"echelon": "10"}
    )
    meme = rediger("reclassement", agent=agent, grade_code="ADM-2", echelon="3", mode="diplome")
    assert bloquantes(meme) == [("L'agent est déjà dans ce grade.", "grade_code")]
    acte = rediger(
        "reclassement",
        agent=agent,
        grade_code="ADM-1",
        echelon="1",
        poste_code="P-ADM1",
        mode="diplome",
    )
    assert bloquantes(acte) == []
    golden = attendu(
        date(2026, 1, 1),
        lambda m: entree(m, echelon="10"),
        lambda m: entree(m, grade="ADM-1", echelon="1"),
    )
    verifier_impact(_impact(acte), golden)
    assert golden.variation["traitement_base"] > 0
    jusqu_au_visa(acte)
    agent.refresh_from_db()
    assert (agent.grade_code, agent.echelon, agent.poste_code) == ("ADM-1", "1", "P-ADM1")
    (evenement,) = _evenements(agent)
    assert evenement.nature == "reclassement"


# --- health data stays masked ------------------------------------------------------------------


@pytest.fixture
def connecter(tenant_a: Any, login_client: Any) -> Callable[..., Any]:
    def login(*habilitations: tuple[str, str | None]) -> Any:
        client = login_client(tenant_a, username="agent.test", roles=())
        session = client.session
        session[SESSION_HABILITATIONS_KEY] = [list(h) for h in habilitations]
        session.save()
        return client

    return login


def test_conge_de_maladie_invisible_sans_droit_aux_donnees_sensibles(
    creer_agent: Creer, rediger: Rediger, connecter: Callable[..., Any]
) -> None:
    agent = creer_agent(ppr="3000031", commune_residence="04.421")
    conge = rediger(
        "conge_maladie_moyenne", agent=agent, date_effet=_premier(1), date_fin="2027-12-31"
    )
    autre = rediger("mise_a_disposition", agent=agent, organisme="Agence X")
    lecteur = connecter(("paie", None))
    liste = lecteur.get("/actes/").text
    assert autre.numero in liste
    assert conge.numero not in liste
    assert lecteur.get(f"/actes/{conge.id}/").status_code == 404
    export = b"".join(lecteur.get("/actes/export.csv").streaming_content).decode("utf-8-sig")
    assert conge.numero not in export
    assert autre.numero in export
    gestionnaire = connecter(("gestionnaire", None))
    assert conge.numero in gestionnaire.get("/actes/").text
    assert gestionnaire.get(f"/actes/{conge.id}/").status_code == 200


def test_conge_a_demi_traitement_s_annule_mais_ne_se_rectifie_pas(
    creer_agent: Creer, rediger: Rediger
) -> None:
    agent = creer_agent(date_effet=date(2015, 1, 1), commune_residence="04.421")
    debut = date(2023, 1, 1)
    conge = jusqu_au_visa(
        rediger("conge_maladie_moyenne", agent=agent, date_effet=debut, date_fin="2025-12-31")
    )
    assert len(conge.evenements) == 2
    rectif = rediger("rectification", origine=conge, date_fin="2025-06-30", motif="erreur")
    assert bloquantes(rectif) == [
        (
            "Cet acte a inscrit plusieurs événements (congé avec demi-traitement) : annulez-le, "
            "puis rédigez l'acte correct.",
            "",
        )
    ]
    annulation = rediger("annulation", origine=conge, date_effet=debut, motif="erreur")
    assert bloquantes(annulation) == []
    jusqu_au_visa(annulation, visa="V-0002")
    agent.refresh_from_db()
    assert (agent.position, agent.quotite) == ("activite", 100)
