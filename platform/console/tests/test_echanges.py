"""Exchange supervision in the console: operators only, flows per ordonnateur without personal
data, and their decisions on held and quarantined files (reasoned, audited)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from console.tests.support import PUBLIC
from exchange.models import Fichier, Sens, Sequence, Statut

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def depot(tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.INDIMAJ_EXCHANGE_DIR = tmp_path


def fichier(statut: str, sequence: int, **kw: object) -> Fichier:
    champs: dict[str, object] = {
        "sens": Sens.ENTRANT,
        "nom": f"reponses_TGR-WADEF_ORD-sante_{sequence:010d}",
        "emetteur": "TGR:WADEF",
        "destinataire": "ORD:sante",
        "flux": "reponses",
        "sequence": sequence,
        "sha256": "a" * 64,
        "enregistrements": 12,
        "statut": statut,
        "chemin": f"/nulle-part/{sequence}",
    } | kw
    return Fichier.objects.create(**champs)


def test_flux_par_ordonnateur(apex_client):
    fichier(Statut.INTEGRE, 1)
    fichier(Statut.RETENU, 3, rapport="en attente du n° 2")
    fichier(Statut.QUARANTAINE, 4, code_erreur="E-SIGNATURE", destinataire="ORD:commune-fes")
    Sequence.objects.create(
        sens=Sens.ENTRANT,
        emetteur="TGR:WADEF",
        destinataire="ORD:sante",
        flux="reponses",
        derniere=1,
    )
    reponse = apex_client(["tgr-operateur"]).get(reverse("console:echanges", urlconf=PUBLIC))
    assert reponse.status_code == 200
    lignes = {ligne.partie: ligne for ligne in reponse.context["lignes"]}
    assert set(lignes) == {"ORD:sante", "ORD:commune-fes"}
    assert (lignes["ORD:sante"].retenus, lignes["ORD:sante"].quarantaine) == (1, 0)
    assert lignes["ORD:sante"].fichiers_30j == 2
    assert lignes["ORD:sante"].enregistrements_30j == 24
    assert lignes["ORD:commune-fes"].quarantaine == 1
    assert reponse.context["alertes"] == 2
    assert "⇐ reponses n° 1" in reponse.text


def test_reserve_aux_operateurs(apex_client):
    reponse = apex_client([]).get(reverse("console:echanges", urlconf=PUBLIC))
    assert reponse.status_code == 403


def test_liste_filtree_et_rapport(apex_client):
    fichier(Statut.INTEGRE, 1)
    fichier(Statut.QUARANTAINE, 2, code_erreur="E-EMPREINTE", rapport="E-EMPREINTE — tronqué")
    url = reverse("console:echanges-fichiers", urlconf=PUBLIC)
    reponse = apex_client(["tgr-operateur"]).get(url, {"statut": "quarantaine"})
    assert [f.sequence for f in reponse.context["page"].object_list] == [2]
    assert "E-EMPREINTE — tronqué" in reponse.text


def test_abandon_motive_et_audite(apex_client):
    client = apex_client(["tgr-operateur"])
    quarantaine = fichier(Statut.QUARANTAINE, 2)
    url = reverse("console:echanges-decision", args=[quarantaine.id], urlconf=PUBLIC)
    client.post(url, {"decision": "abandonner", "motif": ""})
    quarantaine.refresh_from_db()
    assert quarantaine.statut == Statut.QUARANTAINE  # no reason, no decision
    client.post(url, {"decision": "abandonner", "motif": "doublon connu du Trésor"})
    quarantaine.refresh_from_db()
    assert quarantaine.statut == Statut.ABANDONNE
    evenement = AuditEvent.objects.filter(action="exchange.fichier_abandonner").get()
    assert evenement.data == {"motif": "doublon connu du Trésor"}


def test_ignorer_les_numeros_manquants(apex_client):
    client = apex_client(["tgr-operateur"])
    Sequence.objects.create(
        sens=Sens.ENTRANT,
        emetteur="TGR:WADEF",
        destinataire="ORD:sante",
        flux="reponses",
        derniere=1,
    )
    retenu = fichier(Statut.RETENU, 4)
    url = reverse("console:echanges-decision", args=[retenu.id], urlconf=PUBLIC)
    client.post(url, {"decision": "sauter", "motif": "n° 2 et 3 perdus"})
    sequence = Sequence.objects.get()
    assert sequence.derniere == 3
    retenu.refresh_from_db()
    # re-driven at once: its parts are not on disk here, so it is quarantined with the reason
    assert retenu.statut == Statut.QUARANTAINE
    assert "partie manquante" in retenu.rapport
