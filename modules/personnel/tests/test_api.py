"""Agents over the API: perimeter, masking, keyset, access log; a real Keycloak bearer too."""

from __future__ import annotations

from django_tenants.utils import schema_context

from audit.models import AccesDonnees
from identity.tests.test_api_auth import A_HOST, _token, api_person  # noqa: F401 (fixture)


def _page(client, **params):
    answer = client.get("/api/v1/personnel/agents", params)
    assert answer.status_code == 200, answer.content
    return answer.json()


def test_a_page_lists_the_perimeter_only_and_chains_with_suivant(unites_a, creer_agent, client_a):
    drh = [creer_agent(unite="DRH", nom_fr=nom, poste="") for nom in ("Amrani", "Bakkali", "Chami")]
    creer_agent(unite="FES-RH", nom_fr="Dahbi", poste="")
    client = client_a(("gestionnaire", "RABAT"))
    premiere = _page(client, taille=2)
    assert [a["ppr"] for a in premiere["agents"]] == [drh[0].ppr, drh[1].ppr]
    seconde = _page(client, taille=2, apres=premiere["suivant"])
    assert ([a["ppr"] for a in seconde["agents"]], seconde["suivant"]) == ([drh[2].ppr], None)


def test_sensitive_fields_are_masked_for_a_reader(unites_a, creer_agent, client_a):
    agent = creer_agent(cin="AB123456", situation={"position": "conge_maladie_longue"})
    lecteur = _page(client_a(("lecture", None), username="lecteur.api"), q=agent.ppr)["agents"][0]
    assert (lecteur["cin"], lecteur["position"], lecteur["position_masquee"]) == (
        "AB****56",
        None,
        True,
    )
    gestion = _page(client_a(("gestionnaire", None)), q=agent.ppr)["agents"][0]
    assert (gestion["cin"], gestion["position"]) == ("AB123456", "conge_maladie_longue")


def test_a_file_out_of_perimeter_is_404_like_a_missing_one(unites_a, creer_agent, client_a):
    agent = creer_agent(unite="FES-RH")
    client = client_a(("gestionnaire", "RABAT"))
    assert client.get(f"/api/v1/personnel/agents/{agent.ppr}").status_code == 404
    assert client.get("/api/v1/personnel/agents/9999999").status_code == 404
    dossier = client_a(("gestionnaire", "FES")).get(f"/api/v1/personnel/agents/{agent.ppr}")
    assert dossier.status_code == 200
    body = dossier.json()
    assert [(e["nature"], e["valeurs"]["grade_code"]) for e in body["evenements"]] == [
        ("recrutement", "ADM-2")
    ]


def test_reads_go_to_the_access_log(unites_a, creer_agent, client_a, tenant_a):
    agent = creer_agent()
    client = client_a(("admin", None), username="auditrice.api")
    client.get(f"/api/v1/personnel/agents/{agent.ppr}")
    with schema_context(tenant_a.schema_name):
        natures = set(
            AccesDonnees.objects.filter(acteur="auditrice.api", agent_id=agent.id).values_list(
                "nature", flat=True
            )
        )
    assert natures == {"fiche"}


def test_a_bearer_token_of_the_tenant_reads_its_agents(
    unites_a,
    creer_agent,
    client,
    api_person,  # noqa: F811
):
    agent = creer_agent()
    answer = client.get(
        "/api/v1/personnel/agents",
        {"q": agent.ppr},
        HTTP_HOST=A_HOST,
        HTTP_AUTHORIZATION=f"Bearer {_token(api_person)}",
    )
    assert answer.status_code == 200, answer.content
    assert [a["ppr"] for a in answer.json()["agents"]] == [agent.ppr]
