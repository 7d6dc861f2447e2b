"""Acts over the API: the perimeter of each action, roles, four-eyes, the state machine's refusals
as 400s with their messages, tenants apart; a real Keycloak bearer token too."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django_tenants.utils import schema_context

from identity.permissions import SESSION_HABILITATIONS_KEY
from identity.tests.test_api_auth import A_HOST, _token, api_person  # noqa: F401 (fixture)
from modules.actes import services
from modules.actes.models import Acte, Etat, Transition
from modules.actes.tests.conftest import rejeter
from modules.personnel.tests.conftest import client_a  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
URL = "/api/v1/actes/"


def _agent(creer_agent: Any, **champs: Any) -> Any:
    return creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421", **champs)


def _creer(client: Any, agent: Any, **champs: Any) -> Any:
    corps = {
        "type_code": "avancement_echelon",
        "date_effet": "2026-01-01",
        "agent_id": agent.id,
        "donnees": {"echelon": "4"},
    } | champs
    return client.post(URL, corps, content_type="application/json")


def _post(client: Any, chemin: str, **corps: Any) -> Any:
    return client.post(URL + chemin, corps, content_type="application/json")


def test_rediger_soumettre_valider_par_l_api(postes_a, creer_agent, client_a, tenant_a):  # noqa: F811
    agent = _agent(creer_agent)
    gestionnaire = client_a(("gestionnaire", "RABAT"), username="gest.api")
    reponse = _creer(gestionnaire, agent)
    assert reponse.status_code == 201, reponse.content
    corps = reponse.json()
    acte_id = corps["id"]
    with schema_context(tenant_a.schema_name):
        acte = Acte.objects.get(id=acte_id)
        version = services.version_courante(acte)
    assert (corps["etat"], corps["version"], corps["cree_par"]) == ("brouillon", 1, "gest.api")
    assert corps["version_courante"]["donnees"] == version.donnees
    assert corps["version_courante"]["impact"]["variation"] == version.impact["variation"]
    assert corps["version_courante"]["impact"]["variation"]["traitement_base"] > 0
    assert corps["obstacles"] == []
    assert [(t["de"], t["vers"], t["par"]) for t in corps["transitions"]] == [
        ("brouillon", "brouillon", "gest.api")
    ]

    reponse = _post(gestionnaire, f"{acte_id}/soumettre")
    assert (reponse.status_code, reponse.json()["soumis"]) == (200, True)
    # a gestionnaire cannot validate
    assert _post(gestionnaire, f"{acte_id}/valider").status_code == 403
    # four-eyes: the drafter holding the valideur role too is refused
    auteur_valideur = client_a(("valideur", "RABAT"), username="gest.api")
    reponse = _post(auteur_valideur, f"{acte_id}/valider")
    assert reponse.status_code == 400
    assert reponse.json()["detail"] == [
        "Vous avez rédigé cet acte : un autre valideur doit le valider (contrôle à quatre yeux)."
    ]
    valideur = client_a(("valideur", "RABAT"), username="chef.api")
    reponse = _post(valideur, f"{acte_id}/valider", motif="Conforme")
    assert (reponse.status_code, reponse.json()["etat"]) == (200, "valide"), reponse.content
    reponse = _post(valideur, f"{acte_id}/valider")
    assert reponse.status_code == 400
    assert reponse.json()["detail"] == [
        f"L'acte {corps['numero']} est déjà « Validé » : rechargez la page."
    ]
    reponse = _post(valideur, f"{acte_id}/renvoyer")
    assert reponse.status_code == 400
    assert reponse.json()["champs"] == {
        "motif": ["Indiquez pourquoi l'acte est renvoyé au rédacteur."]
    }
    reponse = _post(valideur, f"{acte_id}/renvoyer", motif="Date à revoir")
    assert (reponse.json()["etat"], reponse.json()["soumis"]) == ("brouillon", False)
    assert _post(valideur, f"{acte_id}/valider").json()["etat"] == "valide"
    reponse = _post(valideur, "bordereaux", actes=[acte_id])
    assert reponse.status_code == 201, reponse.content
    annee = date.today().year
    assert reponse.json() == [
        {
            "id": reponse.json()[0]["id"],
            "numero": f"BE-{annee}-ORD-00001",
            "emetteur_code": "",
            "actes": [corps["numero"]],
        }
    ]
    detail = valideur.get(f"{URL}{acte_id}").json()
    assert (detail["etat"], detail["bordereau"]) == ("transmis", f"BE-{annee}-ORD-00001")
    assert [(t["de"], t["vers"]) for t in detail["transitions"]] == [
        ("brouillon", "brouillon"),
        ("brouillon", "valide"),
        ("valide", "brouillon"),
        ("brouillon", "valide"),
        ("valide", "transmis"),
    ]
    with schema_context(tenant_a.schema_name):
        assert Transition.objects.filter(acte_id=acte_id).count() == 5


def test_erreurs_de_saisie_par_champ_et_rien_d_enregistre(
    postes_a,
    creer_agent,
    client_a,  # noqa: F811
    tenant_a,
):
    agent = _agent(creer_agent)
    gestionnaire = client_a(("gestionnaire", None))
    reponse = _creer(gestionnaire, agent, type_code="inconnu")
    assert reponse.status_code == 400
    assert reponse.json()["champs"] == {"type_code": ["Type d'acte inconnu : inconnu."]}
    reponse = _creer(gestionnaire, agent, agent_id=None)
    assert reponse.json()["champs"] == {"agent": ["Choisissez l'agent concerné."]}
    with schema_context(tenant_a.schema_name):
        assert Acte.objects.count() == 0


def test_perimetre_et_roles(postes_a, creer_agent, client_a, rediger):  # noqa: F811
    rabat = rediger("avancement_echelon", agent=_agent(creer_agent), echelon="4")
    agent_fes = _agent(creer_agent, unite="FES-RH", poste="", nom_fr="Fassi")
    fes = rediger("avancement_echelon", agent=agent_fes, echelon="4")
    lecteur = client_a(("lecture", "RABAT"), username="lecteur.api")
    page = lecteur.get(URL).json()
    assert ([a["id"] for a in page["actes"]], page["total"]) == ([rabat.id], 1)
    assert lecteur.get(f"{URL}{fes.id}").status_code == 404
    assert lecteur.get(f"{URL}999999").status_code == 404
    assert lecteur.get(f"{URL}{rabat.id}").status_code == 200
    # a reader may neither draft nor act on an act
    assert _creer(lecteur, rabat).status_code == 403
    assert _post(lecteur, f"{rabat.id}/soumettre").status_code == 403
    assert _post(lecteur, f"{rabat.id}/annuler", motif="x").status_code == 403
    assert _post(lecteur, f"{fes.id}/annuler", motif="x").status_code == 404
    # a gestionnaire of RABAT cannot submit FES's act: 404, as if it did not exist
    gestionnaire = client_a(("gestionnaire", "RABAT"), username="gest.rabat")
    assert _post(gestionnaire, f"{fes.id}/soumettre").status_code == 404
    # nor draft for an agent of FES
    reponse = _creer(gestionnaire, agent_fes)
    assert reponse.status_code == 400
    assert reponse.json()["champs"] == {"agent": ["Agent introuvable dans votre périmètre."]}
    # filters narrow inside the perimeter
    admin = client_a(("admin", None), username="admin.api")
    assert admin.get(URL, {"unite_code": "FES-RH"}).json()["total"] == 1
    gestionnaire = client_a(("gestionnaire", "RABAT"), username="gest.rabat")
    assert gestionnaire.get(URL, {"unite_code": "FES-RH"}).json()["total"] == 0
    admin = client_a(("admin", None), username="admin.api")
    assert {a["id"] for a in admin.get(URL, {"taille": 1}).json()["actes"]} <= {rabat.id, fes.id}
    assert admin.get(URL, {"taille": 1, "page": 2}).json()["pages"] == 2


def test_annuler_corriger_par_l_api(postes_a, creer_agent, client_a, rediger, tenant_a):  # noqa: F811
    agent = _agent(creer_agent)
    acte = services.acte_valider(
        auteur="valideur", acte=rediger("avancement_echelon", agent=agent, echelon="4")
    )
    gestionnaire = client_a(("gestionnaire", None), username="gest.api")
    reponse = _post(gestionnaire, f"{acte.id}/annuler", motif="Doublon")
    assert reponse.status_code == 400
    assert reponse.json()["detail"] == [
        "Votre rôle ne permet pas de faire passer un acte de « Validé » à « Annulé »."
    ]
    valideur = client_a(("valideur", None), username="chef.api")
    reponse = _post(valideur, f"{acte.id}/annuler", motif="Doublon")
    assert (reponse.status_code, reponse.json()["etat"]) == (200, "annule")

    with schema_context(tenant_a.schema_name):
        autre = rediger("avancement_echelon", agent=_agent(creer_agent), echelon="4")
        rejeter(autre, code="OBS-DUREE", champ="echelon", texte="Durée non atteinte")
    detail = valideur.get(f"{URL}{autre.id}").json()
    assert detail["observations"][0] | {"recue_le": None} == {
        "version": 1,
        "code": "OBS-DUREE",
        "champ": "echelon",
        "texte": "Durée non atteinte",
        "recue_le": None,
    }
    assert _post(valideur, f"{autre.id}/corriger").status_code == 403
    gestionnaire = client_a(("gestionnaire", None), username="gest.api")
    reponse = _post(gestionnaire, f"{autre.id}/corriger")
    assert reponse.status_code == 200, reponse.content
    assert (reponse.json()["etat"], reponse.json()["version"]) == ("brouillon", 2)
    reponse = gestionnaire.put(
        f"{URL}{autre.id}",
        {"date_effet": "2026-03-01", "donnees": {"echelon": "4"}},
        content_type="application/json",
    )
    assert reponse.json()["version_courante"]["date_effet"] == "2026-03-01"
    with schema_context(tenant_a.schema_name):
        assert Acte.objects.get(id=autre.id).versions.get(numero=1).date_effet == date(2026, 1, 1)


def test_le_tenant_b_ne_voit_pas_les_actes_de_a(
    postes_a, creer_agent, rediger, login_client, tenant_b
):
    acte = rediger("avancement_echelon", agent=_agent(creer_agent), echelon="4")
    client = login_client(tenant_b, username="admin.b", roles=())
    session = client.session
    session[SESSION_HABILITATIONS_KEY] = [["admin", None]]
    session.save()
    assert client.get(URL).json()["total"] == 0
    assert client.get(f"{URL}{acte.id}").status_code == 404
    assert client.post(f"{URL}{acte.id}/soumettre").status_code == 404


def test_un_jeton_bearer_du_tenant_redige_un_acte(
    postes_a,
    creer_agent,
    client,
    api_person,  # noqa: F811
    tenant_a,
):
    agent = _agent(creer_agent)
    jeton = {"HTTP_HOST": A_HOST, "HTTP_AUTHORIZATION": f"Bearer {_token(api_person)}"}
    reponse = client.post(
        URL,
        {
            "type_code": "avancement_echelon",
            "date_effet": "2026-01-01",
            "agent_id": agent.id,
            "donnees": {"echelon": "4"},
        },
        content_type="application/json",
        **jeton,
    )
    assert reponse.status_code == 201, reponse.content
    assert reponse.json()["cree_par"] == api_person
    page = client.get(URL, {"etat": Etat.BROUILLON}, **jeton).json()
    assert [a["id"] for a in page["actes"]] == [reponse.json()["id"]]
    # admin drafts but does not validate
    refus = client.post(
        f"{URL}{reponse.json()['id']}/valider", {}, content_type="application/json", **jeton
    )
    assert refus.status_code == 403, refus.content
