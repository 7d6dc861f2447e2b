"""Career act types end to end: titularisation, avancement d'échelon, avancement de grade,
mutation, mise à la retraite — drafting, checks, golden impact, effect after the visa."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from modules.actes import services
from modules.actes.models import Acte, Etat
from modules.actes.tests.conftest import jusqu_au_visa
from modules.actes.tests.test_types_communs import (
    anomalies,
    attendu,
    bloquantes,
    entree,
    refuse,
    verifier_impact,
)
from modules.personnel.models import Agent, EvenementCarriere, PosteBudgetaire
from modules.unites.perimetres import TOUT
from referentiel.models import Parametre

pytestmark = pytest.mark.django_db

Rediger = Callable[..., Acte]
Creer = Callable[..., Agent]


def _version(acte: Acte) -> Any:
    return services.version_courante(acte)


def _evenements_acte(agent: Agent) -> list[EvenementCarriere]:
    return list(agent.evenements.filter(source="acte").order_by("id"))


# --- avancement d'échelon -----------------------------------------------------------------------


def test_echelon_champ_vide_refuse(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(commune_residence="04.421")
    erreurs = refuse(rediger, "avancement_echelon", agent=agent, echelon="")
    assert erreurs == {"echelon": ["Ce champ est obligatoire."]}


def test_echelon_duree_non_atteinte_donne_la_date_possible(
    creer_agent: Creer, rediger: Rediger
) -> None:
    # échelon 3 of E11 needs 24 months: from 01/03/2025, possible on 01/03/2027
    agent = creer_agent(date_effet=date(2025, 3, 1), commune_residence="04.421")
    acte = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
    assert bloquantes(acte) == [
        (
            "Durée d'échelon non atteinte : 24 mois requis à l'échelon 3, 10 accomplis depuis "
            "le 01/03/2025. Avancement possible à partir du 01/03/2027.",
            "date_effet",
        )
    ]


def test_echelon_saut_et_meme_echelon_refuses(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    saut = rediger("avancement_echelon", agent=agent, echelon="5")
    assert bloquantes(saut) == [("L'échelon suivant de l'échelon 3 est 4, pas 5.", "echelon")]
    meme = rediger("avancement_echelon", agent=agent, echelon="3")
    assert ("L'agent est déjà à l'échelon 3.", "echelon") in bloquantes(meme)
    inconnu = rediger("avancement_echelon", agent=agent, echelon="42")
    assert ("L'échelon 42 n'existe pas dans la grille du grade ADM-2.", "echelon") in bloquantes(
        inconnu
    )
    # three drafts of the same type for one agent: each later one warns of a duplicate
    assert (
        "Un autre acte du même type est déjà en cours pour cet agent : vérifiez qu'il ne s'agit "
        "pas d'un doublon.",
        "",
        False,
    ) in anomalies(inconnu)


def test_echelon_dernier_de_la_grille(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(
        date_effet=date(2010, 1, 1), commune_residence="04.421", situation={"echelon": "10"}
    )
    acte = rediger("avancement_echelon", agent=agent, echelon="11")
    assert (
        "L'échelon 10 est le dernier de la grille : pas d'avancement d'échelon.",
        "echelon",
    ) in bloquantes(acte)


def test_echelon_impact_golden_et_effet_apres_visa(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
    assert anomalies(acte) == []
    golden = attendu(date(2026, 1, 1), entree, lambda m: entree(m, echelon="4"))
    verifier_impact(_version(acte).impact, golden)
    assert golden.variation["traitement_base"] > 0
    assert golden.mois_rappel == len(_version(acte).impact["lignes"]) - 1
    # nothing written before the visa
    assert _evenements_acte(agent) == []
    acte = jusqu_au_visa(acte)
    agent.refresh_from_db()
    assert agent.echelon == "4"
    (evenement,) = _evenements_acte(agent)
    assert evenement.reference == acte.numero
    assert evenement.date_effet == date(2026, 1, 1)
    assert evenement.nature == "avancement_echelon"
    assert acte.evenements == [evenement.id]


# --- titularisation -----------------------------------------------------------------------------


def test_titularisation_refusee_a_un_titulaire(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(commune_residence="04.421")
    acte = rediger("titularisation", agent=agent, date_effet=date(2026, 1, 1))
    assert bloquantes(acte) == [
        ("Seul un agent stagiaire peut être titularisé (statut actuel : titulaire).", "")
    ]


def test_titularisation_stage_court_averti_puis_visee(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(
        date_effet=date(2025, 6, 1),
        commune_residence="04.421",
        situation={"statut": "stagiaire", "echelon": "1"},
    )
    acte = rediger("titularisation", agent=agent, date_effet=date(2026, 1, 1))
    assert anomalies(acte) == [
        (
            "Le stage a commencé le 01/06/2025 : moins d'un an avant la titularisation (durée "
            "à vérifier selon le statut particulier).",
            "date_effet",
            False,
        )
    ]
    # same échelon: pay unchanged, nothing to pay back
    impact = _version(acte).impact
    assert impact["erreur"] == ""
    assert set(impact["variation"].values()) == {0}
    assert set(impact["rappel"].values()) == {0}
    acte = jusqu_au_visa(acte)
    agent.refresh_from_db()
    assert agent.statut == "titulaire"
    (evenement,) = _evenements_acte(agent)
    assert (evenement.nature, evenement.reference, evenement.statut) == (
        "titularisation",
        acte.numero,
        "titulaire",
    )


def test_titularisation_echelon_hors_grille(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(
        date_effet=date(2024, 1, 1),
        commune_residence="04.421",
        situation={"statut": "stagiaire", "echelon": "1"},
    )
    acte = rediger("titularisation", agent=agent, date_effet=date(2025, 1, 1), echelon="99")
    # the check names the field; the engine cannot cost it either (a second, general anomaly)
    assert bloquantes(acte) == [
        ("L'échelon 99 n'existe pas dans la grille du grade ADM-2.", "echelon"),
        (
            "Impact non calculable — echelon : échelon « 99 » inconnu dans la grille E11 du "
            "grade ADM-2. Complétez l'acte ou le dossier.",
            "",
        ),
    ]


# --- avancement de grade ------------------------------------------------------------------------


def _poste_adm1(nombre: int = 1) -> PosteBudgetaire:
    return PosteBudgetaire.objects.create(
        code="P-ADM1",
        libelle="Administrateurs 1er grade",
        grade_code="ADM-1",
        ligne_budgetaire="10.1.1.13",
        nombre=nombre,
    )


def test_grade_champs_requis(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(commune_residence="04.421")
    erreurs = refuse(rediger, "avancement_grade", agent=agent, grade_code="ADM-1", mode="hasard")
    assert erreurs == {
        "echelon": ["Ce champ est obligatoire."],
        "mode": ["Choisissez une valeur de la liste."],
    }


def test_grade_sans_poste_libre_liste_les_postes_libres(
    creer_agent: Creer, rediger: Rediger
) -> None:
    agent = creer_agent(date_effet=date(2015, 1, 1), commune_residence="04.421")
    # the agent's ADM-2 post is not budgeted for ADM-1 and no ADM-1 post exists
    acte = rediger("avancement_grade", agent=agent, grade_code="ADM-1", echelon="1", mode="examen")
    (probleme,) = bloquantes(acte)
    assert probleme[1] == "poste_code"
    assert "Postes libres" not in probleme[0]
    # an ADM-1 post exists: it is listed as free
    _poste_adm1()
    acte = services.acte_reevaluer(perimetre=TOUT, acte=acte)
    (probleme,) = bloquantes(acte)
    assert probleme[1] == "poste_code"
    assert probleme[0].endswith(" Postes libres de ce grade : P-ADM1.")


def test_grade_indice_inferieur_et_meme_grade(creer_agent: Creer, rediger: Rediger) -> None:
    _poste_adm1()
    agent = creer_agent(
        date_effet=date(2010, 1, 1), commune_residence="04.421", situation={"echelon": "10"}
    )
    acte = rediger(
        "avancement_grade",
        agent=agent,
        grade_code="ADM-1",
        echelon="1",
        poste_code="P-ADM1",
        mode="choix",
    )
    # E11 échelon 10 = 639, HE échelon 1 = 704: higher, accepted
    assert bloquantes(acte) == []
    meme = rediger("avancement_grade", agent=agent, grade_code="ADM-2", echelon="4", mode="choix")
    assert bloquantes(meme) == [("L'agent est déjà dans ce grade.", "grade_code")]


def test_grade_impact_golden_et_effet(creer_agent: Creer, rediger: Rediger) -> None:
    _poste_adm1()
    agent = creer_agent(
        date_effet=date(2010, 1, 1), commune_residence="04.421", situation={"echelon": "10"}
    )
    acte = rediger(
        "avancement_grade",
        agent=agent,
        date_effet=date(2026, 2, 1),
        grade_code="ADM-1",
        echelon="1",
        poste_code="P-ADM1",
        mode="choix",
    )
    golden = attendu(
        date(2026, 2, 1),
        lambda m: entree(m, echelon="10"),
        lambda m: entree(m, grade="ADM-1", echelon="1"),
    )
    verifier_impact(_version(acte).impact, golden)
    assert golden.variation["traitement_base"] > 0
    acte = jusqu_au_visa(acte)
    agent.refresh_from_db()
    assert (agent.grade_code, agent.echelon, agent.poste_code) == ("ADM-1", "1", "P-ADM1")
    (evenement,) = _evenements_acte(agent)
    assert (evenement.nature, evenement.reference, evenement.echelle) == (
        "avancement_grade",
        acte.numero,
        "HE",
    )


# --- mutation ----------------------------------------------------------------------------------


def _zone_b(code: str = "01.511") -> None:
    """Tanger-Assilah in zone B (the loaded reference data only lists zone A communes)."""
    Parametre.objects.create(
        code=f"zone_residence.{code}",
        valide_du=date(2011, 6, 13),
        enregistre_le=timezone.now() - timedelta(seconds=1),
        valeur={"zone": "B"},
        source="test",
        statut="non_verifie",
        auteur="tests",
    )


def test_mutation_checks(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(commune_residence="04.421")
    inconnue = rediger("mutation", agent=agent, unite_code="NULLE", commune_residence="99.999")
    assert bloquantes(inconnue)[:2] == [
        ("Aucune unité active n'a le code « NULLE ».", "unite_code"),
        (
            "« 99.999 » n'est pas un code de commune du référentiel territorial.",
            "commune_residence",
        ),
    ]
    meme = rediger("mutation", agent=agent, unite_code="DRH")
    assert bloquantes(meme) == [("L'agent est déjà affecté à cette unité.", "unite_code")]


def test_mutation_changement_de_zone_ne_change_que_la_residence(
    creer_agent: Creer, rediger: Rediger
) -> None:
    _zone_b()
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rediger(
        "mutation",
        agent=agent,
        date_effet=date(2026, 3, 1),
        unite_code="FES-RH",
        commune_residence="01.511",
    )
    assert bloquantes(acte) == []
    golden = attendu(date(2026, 3, 1), entree, lambda m: entree(m, affectation="01.511"))
    impact = _version(acte).impact
    verifier_impact(impact, golden)
    # of the pay elements, only the residence allowance moves (and what is levied on it)
    assert set(impact["variation_elements"]) - {"CMR", "IR", "AMO"} == {"RES"}
    assert impact["variation"]["traitement_base"] == 0
    assert impact["variation"]["indemnite_residence"] < 0
    assert impact["variation"]["brut"] == impact["variation"]["indemnite_residence"]
    agent.refresh_from_db()
    assert (agent.unite_code, agent.commune_residence) == ("DRH", "04.421")
    acte = jusqu_au_visa(acte)
    agent.refresh_from_db()
    assert (agent.unite_code, agent.commune_residence) == ("FES-RH", "01.511")
    (evenement,) = _evenements_acte(agent)
    assert (evenement.nature, evenement.reference, evenement.unite_code) == (
        "affectation",
        acte.numero,
        "FES-RH",
    )


# --- mise à la retraite ------------------------------------------------------------------------


def test_retraite_limite_age_non_atteinte(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(commune_residence="04.421")  # born 17/05/1985: limit at 63 in 2048
    acte = rediger("mise_retraite", agent=agent, date_effet=date(2026, 1, 1), motif="limite_age")
    ((message, champ),) = bloquantes(acte)
    assert champ == "date_effet"
    assert message.startswith("L'agent n'atteint la limite d'âge que le ")
    assert message.endswith(
        " : choisissez cette date, ou un autre motif (retraite anticipée, invalidité)."
    )


def test_retraite_impact_moins_toute_la_paie_puis_deja_retraite(
    creer_agent: Creer, rediger: Rediger
) -> None:
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rediger("mise_retraite", agent=agent, date_effet=date(2026, 4, 1), motif="anticipee")
    assert bloquantes(acte) == []
    golden = attendu(date(2026, 4, 1), entree, lambda m: None)
    impact = _version(acte).impact
    verifier_impact(impact, golden)
    avant = attendu(date(2026, 4, 1), lambda m: None, entree)
    assert impact["variation"] == {k: -v for k, v in avant.variation.items()}
    assert impact["variation"]["net"] < 0
    acte = jusqu_au_visa(acte)
    agent.refresh_from_db()
    assert agent.position == "cessation"
    (evenement,) = _evenements_acte(agent)
    assert (evenement.nature, evenement.reference) == ("sortie", acte.numero)
    # already retired: a second act is refused on its date
    encore = rediger("mise_retraite", agent=agent, date_effet=date(2026, 6, 1), motif="anticipee")
    assert bloquantes(encore) == [
        ("L'agent est déjà retraité ou sorti des effectifs.", "date_effet")
    ]
    apres = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 6, 1), echelon="4")
    assert bloquantes(apres) == [
        (
            "L'agent a cessé ses fonctions (retraite, sortie) avant cette date : aucun acte de "
            "carrière ne peut plus le concerner.",
            "date_effet",
        )
    ]


def test_acte_anterieur_au_recrutement(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(date_effet=date(2024, 1, 1), commune_residence="04.421")
    acte = rediger("avancement_echelon", agent=agent, date_effet=date(2023, 1, 1), echelon="4")
    assert bloquantes(acte)[0] == (
        "L'agent n'a pas de situation connue avant le 01/01/2023 : vérifiez la date d'effet "
        "(antérieure à son recrutement ?).",
        "date_effet",
    )


def test_etat_vise_sans_rien_avant(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rediger("avancement_echelon", agent=agent, echelon="4")
    assert acte.etat == Etat.BROUILLON
    assert Agent.objects.get(id=agent.id).echelon == "3"


def test_echelon_d_un_dossier_a_indice_explicite(creer_agent: Creer, rediger: Rediger) -> None:
    """Imported files carry the indice: the act must set the new échelon's indice, or the old
    one would keep paying the agent as before (impact and file)."""
    agent = creer_agent(
        date_effet=date(2020, 1, 1), commune_residence="04.421", situation={"indice": 403}
    )
    acte = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
    golden = attendu(
        date(2026, 1, 1),
        lambda m: entree(m, indice=403),
        lambda m: entree(m, echelon="4", indice=436),
    )
    verifier_impact(_version(acte).impact, golden)
    assert golden.variation["traitement_base"] > 0
    jusqu_au_visa(acte)
    agent.refresh_from_db()
    assert (agent.echelon, agent.indice) == ("4", 436)


def test_retraite_a_la_limite_d_age_puis_paye_au_dela(creer_agent: Creer, rediger: Rediger) -> None:
    from modules.actes.types import communs
    from remuneration import retraite

    naissance = date(1963, 3, 10)
    agent = creer_agent(
        date_effet=date(2000, 1, 1), commune_residence="04.421", date_naissance=naissance
    )
    limite = retraite.date_limite_age(naissance=naissance, jeu=communs.jeu(date(2026, 1, 1)))
    assert date(2025, 1, 1) < limite < date(2027, 1, 1)
    a_temps = rediger("mise_retraite", agent=agent, date_effet=limite, motif="limite_age")
    assert anomalies(a_temps) == []
    tard = rediger(
        "mise_retraite", agent=agent, date_effet=limite + timedelta(days=61), motif="limite_age"
    )
    assert anomalies(tard)[0] == (
        f"La limite d'âge était atteinte le {limite:%d/%m/%Y} : l'agent a été payé au-delà "
        "(un ordre de recette peut être nécessaire).",
        "date_effet",
        False,
    )


def test_mutation_et_retraite_champs_invalides_refuses(
    creer_agent: Creer, rediger: Rediger
) -> None:
    agent = creer_agent(commune_residence="04.421")
    assert refuse(rediger, "mutation", agent=agent, unite_code=" ") == {
        "unite_code": ["Ce champ est obligatoire."]
    }
    assert refuse(rediger, "mise_retraite", agent=agent, motif="lassitude") == {
        "motif": ["Choisissez une valeur de la liste."]
    }
    assert refuse(rediger, "titularisation", agent=agent, date_effet=date(2099, 1, 1)) == {
        "date_effet": ["La date d'effet est à plus d'un an : vérifiez l'année."]
    }
