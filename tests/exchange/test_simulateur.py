"""End to end with the Treasury simulator as a real separate process (its own SQLite storage
and keys, only the protocol between us): acts leave in a bordereau, come back visé or
rejected with observations; a corrected act is visé on resubmission; faults injected by the
simulator (gap, duplicate, truncation, bad signature) are held, ignored or quarantined."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from exchange import passerelle
from exchange.depot import Depot
from exchange.models import Fichier, Statut
from exchange.protocole.fichiers import FichierEchange
from modules.actes import echange, services
from modules.actes.models import Acte, Etat
from modules.actes.tests.conftest import joindre_pieces
from modules.personnel.models import Agent
from modules.unites.perimetres import TOUT
from tests.exchange.conftest import REPO, TRESOR, attendre


def simulateur(*args: str, etat: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": f"{REPO / 'infra'}:{REPO / 'platform'}"}
    return subprocess.run(
        [sys.executable, "-m", "simulateur", *args, "--etat", str(etat)],
        env=env, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip


def transmettre(actes: list[Acte]) -> None:
    for acte in actes:
        joindre_pieces(acte)
        services.acte_valider(auteur="valideur", acte=acte)
    services.bordereaux_constituer(auteur="valideur", actes=actes)


def envoyer_et_recevoir(depot: Depot, partie: str, capture, n: int = 1) -> list[Fichier]:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        echange.bordereaux_envoyer()
    attendre(lambda: len(depot.complets(partie)) >= n, "la réponse du Trésor")
    with capture(execute=True):
        return passerelle.boite_traiter(depot=depot, destinataire=partie)


def test_visa_puis_rejet_corrige_et_revise(
    tresor, creer_agent, rediger, tenant_a, django_capture_on_commit_callbacks
):
    depot, etat = tresor
    partie = f"ORD:{tenant_a.code}"
    bon = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rediger("avancement_echelon", agent=bon, date_effet=date(2026, 1, 1), echelon="4")
    transmettre([acte])
    (reponse,) = envoyer_et_recevoir(depot, partie, django_capture_on_commit_callbacks)
    assert reponse.statut == Statut.INTEGRE, reponse.rapport
    assert reponse.resultat["appliques"] == 2  # pris en charge, visé
    acte.refresh_from_db()
    assert acte.etat == Etat.VISE
    assert acte.numero_visa == f"TGR-{date.today().year}-000001"
    assert Agent.objects.get(id=bon.id).echelon == "4"

    # The Treasury rejects everything for a while: the act comes back with its observation.
    simulateur("config", "taux_rejet=1.0", etat=etat)
    autre = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    rejete = rediger("avancement_echelon", agent=autre, date_effet=date(2026, 1, 1), echelon="4")
    transmettre([rejete])
    envoyer_et_recevoir(depot, partie, django_capture_on_commit_callbacks)
    rejete.refresh_from_db()
    assert rejete.etat == Etat.REJETE
    assert list(rejete.observations.values_list("version", "code")) == [(1, "OBS-AUTRE")]
    assert Agent.objects.get(id=autre.id).echelon == "3"
    # Corrected into version 2, resubmitted, visé.
    simulateur("config", "taux_rejet=0", etat=etat)
    rejete = services.acte_corriger(auteur="redacteur", acte=rejete)
    rejete = services.acte_modifier(
        auteur="redacteur2", perimetre=TOUT, acte=rejete, date_effet=date(2026, 1, 1),
        brutes={"echelon": "4"},
    )  # fmt: skip
    transmettre([rejete])
    envoyer_et_recevoir(depot, partie, django_capture_on_commit_callbacks)
    rejete.refresh_from_db()
    assert (rejete.etat, rejete.version) == (Etat.VISE, 2)
    assert list(rejete.versions.values_list("numero", "issue")) == [(1, "rejete"), (2, "vise")]
    assert Agent.objects.get(id=autre.id).echelon == "4"


def test_pannes_du_tresor(
    tresor, creer_agent, rediger, tenant_a, django_capture_on_commit_callbacks
):
    depot, etat = tresor
    partie = f"ORD:{tenant_a.code}"
    capture = django_capture_on_commit_callbacks

    def un_acte() -> Acte:
        agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
        acte = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
        transmettre([acte])
        return acte

    # 1. Truncated in transit: quarantined, nothing applied; the intact file sent again applies.
    simulateur("panne", "tronquer", etat=etat)
    premier = un_acte()
    (tronque,) = envoyer_et_recevoir(depot, partie, capture)
    assert (tronque.statut, tronque.code_erreur) == (Statut.QUARANTAINE, "E-EMPREINTE")
    premier.refresh_from_db()
    assert premier.etat == Etat.TRANSMIS
    intact = FichierEchange(depot.racine / "TGR-WADEF" / "outbox" / tronque.nom)
    depot.deposer(intact, destinataire=partie)
    with capture(execute=True):
        (repris,) = passerelle.boite_traiter(depot=depot, destinataire=partie)
    assert repris.statut == Statut.INTEGRE
    premier.refresh_from_db()
    assert premier.etat == Etat.VISE

    # 2. Bad signature: quarantined with E-SIGNATURE.
    simulateur("panne", "signature", etat=etat)
    second = un_acte()
    (faux,) = envoyer_et_recevoir(depot, partie, capture)
    assert (faux.statut, faux.code_erreur) == (Statut.QUARANTAINE, "E-SIGNATURE")
    second.refresh_from_db()
    assert second.etat == Etat.TRANSMIS

    # 3. A gap (the Treasury skipped n° 3 after the bad n° 2): held until an operator decides.
    simulateur("panne", "trou", etat=etat)
    troisieme = un_acte()
    (retenu,) = envoyer_et_recevoir(depot, partie, capture)
    assert retenu.statut == Statut.RETENU
    assert "en attente du n° 2" in retenu.rapport
    passerelle.sequence_sauter(
        emetteur=TRESOR, destinataire=partie, flux="reponses", jusqu_a=3,
        motif="n° 2 falsifié, n° 3 jamais émis", auteur="operateur",
    )  # fmt: skip
    with capture(execute=True):
        issue = passerelle.fichier_relancer(depot=depot, ligne=retenu, auteur="operateur")
    assert issue.fichier.statut == Statut.INTEGRE
    troisieme.refresh_from_db()
    assert troisieme.etat == Etat.VISE

    # 4. A duplicate delivery: the second copy is a replay and changes nothing.
    simulateur("panne", "dupliquer", etat=etat)
    quatrieme = un_acte()
    (original,) = envoyer_et_recevoir(depot, partie, capture)
    assert original.statut == Statut.INTEGRE
    attendre(lambda: len(depot.complets(partie)) >= 1, "la copie en double")
    with capture(execute=True):
        (double,) = passerelle.boite_traiter(depot=depot, destinataire=partie)
    assert double.statut == Statut.REJOUE
    quatrieme.refresh_from_db()
    assert quatrieme.etat == Etat.VISE
    assert Fichier.objects.filter(statut=Statut.INTEGRE, sens="entrant").count() == 3


def test_situations_et_effectifs_du_tresor(
    tresor, creer_agent, rediger, tenant_a, django_capture_on_commit_callbacks
):
    """The simulator's own copy comes back as situations (a disagreement opens a review line,
    never a change of the file) and as the tableau des effectifs."""
    from django_tenants.utils import schema_context

    from modules.personnel.models import EcartTresor, EffectifTresor, SituationTresor

    depot, etat = tresor
    partie = f"ORD:{tenant_a.code}"
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
    transmettre([acte])
    envoyer_et_recevoir(depot, partie, django_capture_on_commit_callbacks)
    # The HR file moves on without an act the Treasury knows of: the copies now disagree.
    Agent.objects.filter(id=agent.id).update(echelon="6")
    ligne = {"ligne_budgetaire": "10.1.1.11", "grade": "ADM-2", "postes_budgetes": 4}
    simulateur("config", "effectifs=" + json.dumps({partie: [ligne]}), etat=etat)
    sortie = subprocess.run(
        [sys.executable, "-m", "simulateur", "cycle", "--racine", str(depot.racine),
         "--etat", str(etat), "--situations", "--effectifs"],
        env=os.environ | {"PYTHONPATH": f"{REPO / 'infra'}:{REPO / 'platform'}"},
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    assert "situations_TGR-WADEF" in sortie
    assert "effectifs_TGR-WADEF" in sortie
    with django_capture_on_commit_callbacks(execute=True):
        recus = passerelle.boite_traiter(depot=depot, destinataire=partie)
    assert sorted((f.flux, f.statut) for f in recus) == [
        ("effectifs", Statut.INTEGRE),
        ("situations", Statut.INTEGRE),
    ]
    with schema_context(tenant_a.schema_name):
        assert SituationTresor.objects.get(ppr=agent.ppr).administrative["echelon"] == "4"
        ecart = EcartTresor.objects.get(ppr=agent.ppr)
        assert (ecart.champ, ecart.valeur_rh, ecart.valeur_tresor) == ("echelon", "6", "4")
        assert Agent.objects.get(id=agent.id).echelon == "6"  # the file is not overwritten
        recue = EffectifTresor.objects.get()
        assert (recue.ligne_budgetaire, recue.postes_budgetes, recue.postes_occupes) == (
            "10.1.1.11",
            4,
            1,
        )


def test_fichiers_livres_dans_le_desordre(
    tresor, creer_agent, rediger, tenant_a, django_capture_on_commit_callbacks
):
    """The Treasury delivers n° 2 before n° 1 (a file held back, then sent after the next one):
    the gateway applies them in sequence order. (A n° 2 processed while n° 1 is still missing
    is held: test_passerelle.test_trou_retenu_puis_comble.)"""
    depot, etat = tresor
    partie = f"ORD:{tenant_a.code}"
    simulateur("panne", "inverser", etat=etat)
    sortie = depot.racine / "TGR-WADEF" / "outbox"
    actes = []
    for rang in (1, 2):
        acte = rediger(
            "avancement_echelon",
            agent=creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421"),
            date_effet=date(2026, 1, 1),
            echelon="4",
        )
        transmettre([acte])
        with django_capture_on_commit_callbacks(execute=True):
            echange.bordereaux_envoyer()

        def repondu(n: int = rang) -> bool:
            return len(list(sortie.glob("reponses_*.sig"))) >= n

        attendre(repondu, "la réponse")
        actes.append(acte)
    attendre(lambda: len(depot.complets(partie)) >= 2, "les deux réponses")
    inbox = depot.racine / f"ORD-{tenant_a.code}" / "inbox"
    (un,) = inbox.glob("*_0000000001.manifest.json.sig")
    (deux,) = inbox.glob("*_0000000002.manifest.json.sig")
    assert deux.stat().st_mtime_ns <= un.stat().st_mtime_ns  # n° 2 was delivered first
    with django_capture_on_commit_callbacks(execute=True):
        recus = passerelle.boite_traiter(depot=depot, destinataire=partie)
    assert [(f.sequence, f.statut) for f in recus] == [(1, Statut.INTEGRE), (2, Statut.INTEGRE)]
    for acte in actes:
        acte.refresh_from_db()
        assert acte.etat == Etat.VISE
