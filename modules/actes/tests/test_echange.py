"""Acts through the exchange gateway: a bordereau leaves as a signed `actes` file that the
Treasury side can verify; the Treasury's `reponses` file comes back and moves the acts (visa
written into the file), all or nothing, replay-safe."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core import mail

from exchange import cles, passerelle
from exchange.depot import Depot
from exchange.models import Statut
from exchange.protocole.fichiers import enregistrements_lire, fichier_verifier
from modules.actes import echange, services
from modules.actes.models import Acte, Bordereau, Etat
from modules.actes.tests.conftest import joindre_pieces
from modules.notifications.models import Notification
from modules.personnel.models import Agent, EvenementCarriere

TRESOR = "TGR:WADEF"


@pytest.fixture
def depot(tmp_path: Path, settings, tenant_a) -> Depot:
    settings.INDIMAJ_EXCHANGE_DIR = tmp_path
    settings.INDIMAJ_EXCHANGE_TRESOR = TRESOR
    cles.cle_creer(partie=TRESOR, auteur="tests")
    cles.cle_creer(partie=f"ORD:{tenant_a.code}", auteur="tests")
    return Depot(tmp_path)


def transmis(creer_agent, rediger, n: int = 2) -> list[Acte]:  # type: ignore[no-untyped-def]
    actes = []
    for _ in range(n):
        agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
        acte = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
        joindre_pieces(acte)
        actes.append(services.acte_valider(auteur="valideur", acte=acte))
    services.bordereaux_constituer(auteur="valideur", actes=actes)
    return [Acte.objects.get(id=a.id) for a in actes]


def test_bordereau_emis_puis_reponses_appliquees(
    depot, creer_agent, rediger, tenant_a, django_capture_on_commit_callbacks
):
    premier, second = transmis(creer_agent, rediger)
    with django_capture_on_commit_callbacks(execute=True):
        (nom,) = echange.bordereaux_envoyer()
    assert Bordereau.objects.get().envoye_le is not None
    assert echange.bordereaux_envoyer() == []  # sent once
    # The Treasury side verifies the file with the ordonnateur's public key.
    (recu,) = depot.complets(TRESOR)
    assert recu.base.name == nom
    manifeste = fichier_verifier(recu, destinataire=TRESOR, cle_publique=cles.cle_publique)
    lignes = list(enregistrements_lire(recu, flux="actes"))
    assert manifeste.emetteur == f"ORD:{tenant_a.code}"
    assert [(r["acte_id"], r["version"], r["donnees"]) for r in lignes] == [
        (premier.id, 1, {"echelon": "4"}),
        (second.id, 1, {"echelon": "4"}),
    ]
    assert lignes[0]["agent"]["ppr"] == premier.agent_ppr
    assert lignes[0]["situation_avant"]["echelon"] == "3"
    # Responses: the first visé, the second rejected with an observation on a field.
    reponses = [
        {"acte_id": premier.id, "version": 1, "numero": premier.numero, "etat": "pris_en_charge",
         "le": "2026-11-28", "numero_visa": None, "observations": []},
        {"acte_id": premier.id, "version": 1, "numero": premier.numero, "etat": "vise",
         "le": "2026-11-28", "numero_visa": "VISA-77", "observations": []},
        {"acte_id": second.id, "version": 1, "numero": second.numero, "etat": "pris_en_charge",
         "le": "2026-11-28", "numero_visa": None, "observations": []},
        {"acte_id": second.id, "version": 1, "numero": second.numero, "etat": "rejete",
         "le": "2026-11-28", "numero_visa": None,
         "observations": [
             {"code": "OBS-DUREE", "champ": "date_effet", "texte": "Durée non atteinte"}
         ]},
        {"acte_id": 999999, "version": 1, "numero": "X", "etat": "vise", "le": "2026-11-28",
         "numero_visa": "V", "observations": []},
    ]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        passerelle.fichier_emettre(
            depot=depot, emetteur=TRESOR, destinataire=f"ORD:{tenant_a.code}", flux="reponses",
            enregistrements=reponses,
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        (fichier,) = passerelle.boite_traiter(depot=depot, destinataire=f"ORD:{tenant_a.code}")
    assert fichier.statut == Statut.INTEGRE
    assert fichier.resultat["appliques"] == 4
    assert fichier.resultat["ignores"] == 1
    assert "999999" in fichier.resultat["remarques"][0]
    premier.refresh_from_db()
    second.refresh_from_db()
    assert (premier.etat, premier.numero_visa) == (Etat.VISE, "VISA-77")
    assert second.etat == Etat.REJETE
    assert list(second.observations.values_list("code", "champ")) == [("OBS-DUREE", "date_effet")]
    assert Agent.objects.get(ppr=premier.agent_ppr).echelon == "4"
    assert Agent.objects.get(ppr=second.agent_ppr).echelon == "3"
    evenement = EvenementCarriere.objects.get(reference=premier.numero)
    assert evenement.source == "acte"
    # The people concerned are told, in the app and by e-mail when the address is known.
    notes = {n.destinataire: n for n in Notification.objects.all()}
    assert set(notes) == {"redacteur", "valideur"}
    assert notes["valideur"].titre == "Réponse du Trésor sur 2 acte(s)"
    assert f"{premier.numero} — Visé (VISA-77)" in notes["valideur"].texte
    assert f"{second.numero} — Rejeté" in notes["valideur"].texte
    assert mail.outbox == []  # these test users have no e-mail address


def test_reponse_sur_une_version_perimee_ignoree(
    depot, creer_agent, rediger, tenant_a, django_capture_on_commit_callbacks
):
    (acte,) = transmis(creer_agent, rediger, n=1)
    services.reponse_appliquer(acte_id=acte.id, version=1, etat=Etat.PRIS_EN_CHARGE)
    services.reponse_appliquer(
        acte_id=acte.id, version=1, etat=Etat.REJETE,
        observations=[services.ObservationRecue(code="OBS-POSTE", texte="Pas de poste")],
    )  # fmt: skip
    services.acte_corriger(auteur="redacteur", acte=acte)
    tardive = {"acte_id": acte.id, "version": 1, "numero": acte.numero, "etat": "vise",
               "le": "2026-11-28", "numero_visa": "V-TARD", "observations": []}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        passerelle.fichier_emettre(
            depot=depot, emetteur=TRESOR, destinataire=f"ORD:{tenant_a.code}", flux="reponses",
            enregistrements=[tardive],
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        (fichier,) = passerelle.boite_traiter(depot=depot, destinataire=f"ORD:{tenant_a.code}")
    assert fichier.statut == Statut.INTEGRE
    assert fichier.resultat["ignores"] == 1
    acte.refresh_from_db()
    assert (acte.etat, acte.version, acte.numero_visa) == (Etat.BROUILLON, 2, "")


def test_envoi_a_la_demande(
    depot, creer_agent, rediger, tenant_a, django_capture_on_commit_callbacks
):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    transmis(creer_agent, rediger, n=1)
    sortie = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("actes_envoyer", "--tenant", tenant_a.code, stdout=sortie)
    assert sortie.getvalue().splitlines()[-1] == "1 fichier(s) envoyé(s)."
    assert len(depot.complets(TRESOR)) == 1
    with pytest.raises(CommandError, match="inconnu-x"):
        call_command("actes_envoyer", "--tenant", "inconnu-x")
