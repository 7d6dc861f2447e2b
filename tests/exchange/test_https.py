"""The HTTPS transport against the real Keycloak: the Treasury's client posts a signed file (it
is verified and applied like a dropped one), lists and fetches the files addressed to it; no
token, another party's client or a tampered file get a clear answer and change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context

from exchange import cles, passerelle
from exchange.depot import Depot
from exchange.models import Fichier, Statut
from exchange.protocole.fichiers import FichierEchange, fichier_construire
from identity import facade as identity
from identity import oidc
from modules.personnel.models import EcartTresor

APEX = "indimaj.localhost:8765"
TRESOR = "TGR:WADEF"
SITUATION = {"ppr": "8888888", "le": "2026-11-01", "etat": "present",
             "administrative": None, "pecuniaire": None}  # fmt: skip


@pytest.fixture
def jeton(tenant_a, tmp_path: Path, settings) -> Iterator[str]:
    settings.INDIMAJ_EXCHANGE_DIR = tmp_path / "depot"
    cles.cle_creer(partie=TRESOR, auteur="tests")
    client_id, secret = identity.echange_client_ensure(partie=TRESOR)
    reponse = requests.post(
        f"{oidc.issuer()}/protocol/openid-connect/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
        timeout=10,
    )
    assert reponse.status_code == 200, reponse.text
    yield str(reponse.json()["access_token"])
    identity.echange_client_delete(partie=TRESOR)


def fichier(
    tmp_path: Path, tenant_a, *, emetteur: str = TRESOR, sequence: int = 1
) -> FichierEchange:
    cle_id, privee = cles.cle_signature(TRESOR)
    construit, _manifeste = fichier_construire(
        repertoire=tmp_path / "envoi", emetteur=emetteur, destinataire=f"ORD:{tenant_a.code}",
        flux="situations", sequence=sequence, enregistrements=[SITUATION], cle_id=cle_id,
        cle_privee=privee, cree_le=timezone.now(),
    )  # fmt: skip
    return construit


def poster(
    client, jeton: str | None, construit: FichierEchange, charge: bytes | None = None
) -> Any:  # type: ignore[no-untyped-def]
    entetes = {"HTTP_AUTHORIZATION": f"Bearer {jeton}"} if jeton else {}
    return client.post(
        "/exchange/v1/fichiers",
        {
            "charge": SimpleUploadedFile(
                "c", charge if charge is not None else construit.charge.read_bytes()
            ),
            "manifeste": SimpleUploadedFile("m", construit.manifeste.read_bytes()),
            "signature": SimpleUploadedFile("s", construit.signature.read_bytes()),
        },
        HTTP_HOST=APEX,
        **entetes,
    )


def test_depot_https_applique_comme_un_fichier_depose(client, jeton, tenant_a, tmp_path):
    reponse = poster(client, jeton, fichier(tmp_path, tenant_a))
    assert reponse.status_code == 202, reponse.content
    assert reponse.json()["statut"] == Statut.INTEGRE
    assert reponse.json()["resultat"]["signales"] == 1
    with schema_context(tenant_a.schema_name):
        assert EcartTresor.objects.filter(ppr="8888888", champ="agent").count() == 1
    # the same file again: a replay
    assert poster(client, jeton, fichier(tmp_path, tenant_a)).json()["statut"] == Statut.REJOUE


def test_refus_clairs(client, jeton, tenant_a, tmp_path):
    construit = fichier(tmp_path, tenant_a)
    assert poster(client, None, construit).status_code == 401
    autre = fichier(tmp_path / "autre", tenant_a, emetteur="TGR:AUTRE")
    refus = poster(client, jeton, autre)
    assert refus.status_code == 403
    assert "ne peut pas émettre pour TGR:AUTRE" in refus.json()["erreur"]
    altere = poster(client, jeton, construit, charge=construit.charge.read_bytes()[:-3] + b"}}\n")
    assert altere.status_code == 202
    assert (altere.json()["statut"], altere.json()["code"]) == (Statut.QUARANTAINE, "E-EMPREINTE")
    assert not Fichier.objects.filter(statut=Statut.INTEGRE).exists()


def test_le_tresor_releve_sa_boite(
    client, jeton, tenant_a, settings, django_capture_on_commit_callbacks
):
    cles.cle_creer(partie=f"ORD:{tenant_a.code}", auteur="tests")
    depot = Depot(settings.INDIMAJ_EXCHANGE_DIR)
    ligne = {
        "acte_id": 1, "version": 1, "numero": "N", "type": "titularisation",
        "date_effet": "2026-01-01", "bordereau": "B", "emetteur": f"ORD:{tenant_a.code}",
        "agent": {"ppr": "1", "nom": "A", "prenom": "B"}, "donnees": {}, "pieces": [],
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        emis = passerelle.fichier_emettre(
            depot=depot,
            emetteur=f"ORD:{tenant_a.code}",
            destinataire=TRESOR,
            flux="actes",
            enregistrements=[ligne],
        )
    entetes = {"HTTP_AUTHORIZATION": f"Bearer {jeton}", "HTTP_HOST": APEX}
    liste = client.get("/exchange/v1/boite", **entetes).json()
    assert liste == {"partie": TRESOR, "fichiers": [emis.nom]}
    charge = client.get(f"/exchange/v1/boite/{emis.nom}/charge", **entetes)
    assert b'"numero":"N"' in b"".join(charge.streaming_content)
    assert client.get("/exchange/v1/boite/../../etc/charge", **entetes).status_code == 404
