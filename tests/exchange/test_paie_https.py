"""The monthly payroll file over the HTTPS transport (the Treasury's client posts it, against
the real Keycloak): verified and ingested like a dropped one; the same file again is a replay
that changes nothing; a file whose totals disagree with its lines is refused whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone
from django_tenants.utils import schema_context

from exchange import cles
from exchange.models import Statut
from exchange.protocole.fichiers import FichierEchange, fichier_construire
from modules.paie.models import LignePaie, MoisPaie
from tests.exchange.test_https import TRESOR, jeton, poster  # noqa: F401  (fixture)


def paie(partie: str, *, total: str = "1000.00") -> list[dict[str, Any]]:
    return [
        {"type": "entete", "mois": "2026-10", "ordonnateur": partie, "date_arret": "2026-10-20",
         "date_paiement": "2026-10-27", "agents": 1, "brut": "1000.00", "retenues": "0.00",
         "net": "1000.00"},
        {"type": "agent", "ppr": "7777777", "nom": "Bennani", "prenom": "Salma",
         "administrative": {"grade": "ADM-2", "echelon": "3", "indice": 403},
         "imputation": "1.1", "elements": [{"code": "TB", "libelle": "Traitement de base",
                                            "sens": "gain", "montant": "1000.00",
                                            "origine": "engine"}],
         "brut": "1000.00", "retenues": "0.00", "net": "1000.00"},
        {"type": "total", "imputation": "1.1", "rubrique": "TB", "libelle": "Traitement de base",
         "sens": "gain", "montant": total, "agents": 1},
    ]  # fmt: skip


def construire(tmp_path: Path, tenant_a, sequence: int, **kw: Any) -> FichierEchange:
    cle_id, privee = cles.cle_signature(TRESOR)
    construit, _manifeste = fichier_construire(
        repertoire=tmp_path / f"envoi{sequence}", emetteur=TRESOR,
        destinataire=f"ORD:{tenant_a.code}", flux="paie", sequence=sequence,
        enregistrements=paie(f"ORD:{tenant_a.code}", **kw), cle_id=cle_id, cle_privee=privee,
        cree_le=timezone.now(),
    )  # fmt: skip
    return construit


def test_paie_par_https(client, jeton, tenant_a, tmp_path):  # noqa: F811
    faux = poster(client, jeton, construire(tmp_path, tenant_a, 1, total="1000.01"))
    assert faux.status_code == 202
    assert (faux.json()["statut"], faux.json()["code"]) == (Statut.QUARANTAINE, "E-APPLICATION")
    assert "annoncé 1000.01 (1), somme des lignes 1000.00 (1)" in faux.json()["rapport"]
    with schema_context(tenant_a.schema_name):
        assert not MoisPaie.objects.exists()
    # The Treasury sends the corrected file under the same number.
    bon = construire(tmp_path, tenant_a, 1)
    reponse = poster(client, jeton, bon)
    assert reponse.json()["statut"] == Statut.INTEGRE, reponse.json()
    assert reponse.json()["resultat"]["signales"] == 1  # a PPR unknown to the HR file
    with schema_context(tenant_a.schema_name):
        assert list(LignePaie.objects.values_list("ppr", "agent_id", "net")) == [
            ("7777777", None, 100000)
        ]
        avant = list(MoisPaie.objects.values_list("id", "sequence", "sha256", "net"))
    assert poster(client, jeton, bon).json()["statut"] == Statut.REJOUE
    with schema_context(tenant_a.schema_name):
        assert list(MoisPaie.objects.values_list("id", "sequence", "sha256", "net")) == avant
        assert LignePaie.objects.count() == 1
