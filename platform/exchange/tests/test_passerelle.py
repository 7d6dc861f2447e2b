"""The gateway against the real database: emission with sequence numbers, reception applied
all or nothing in the tenant's schema, replays, gaps held then filled, quarantine with a
report, a crash in the middle of a file, operators' decisions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import schema_context

from audit.models import AuditEvent
from exchange import cles, passerelle, ports
from exchange.depot import Depot
from exchange.models import Fichier, Sequence, Statut
from exchange.protocole.fichiers import FichierEchange
from exchange.protocole.manifeste import Manifeste

TGR, ORD_A, ORD_B = "TGR:TM-TEST", "ORD:test-a", "ORD:test-b"


def ligne(n: int, budget: str = "10.1.1.11") -> dict[str, Any]:
    return {
        "ligne_budgetaire": budget,
        "grade": "ADM-2",
        "categorie": None,
        "postes_budgetes": n,
        "postes_occupes": 0,
        "annee": 2026,
    }


class Recepteur:
    """Writes one audit row per record in the tenant's schema, so that what was applied can
    be counted; fails on demand in the middle of a file."""

    def __init__(self) -> None:
        self.echouer_sur: str = ""
        self.refuser_sur: str = ""

    def __call__(
        self, *, manifeste: Manifeste, enregistrements: Iterator[dict[str, Any]]
    ) -> ports.RapportApplication:
        rapport = ports.RapportApplication()
        for enregistrement in enregistrements:
            if enregistrement["ligne_budgetaire"] == self.echouer_sur:
                raise RuntimeError("panne au milieu du fichier")
            if enregistrement["ligne_budgetaire"] == self.refuser_sur:
                raise ports.RefusApplication("ligne budgétaire inconnue de l'ordonnateur")
            from audit import services as audit_services

            audit_services.audit_record(
                actor="test", action="test.effectif", data={"n": enregistrement["postes_budgetes"]}
            )
            rapport.appliques += 1
        return rapport


@pytest.fixture
def recepteur(monkeypatch):
    instance = Recepteur()
    monkeypatch.setitem(ports.RECEPTEURS, "effectifs", instance)
    return instance


@pytest.fixture
def depot(tmp_path: Path, tenant_a, tenant_b) -> Depot:
    cles.cle_creer(partie=TGR, auteur="tests")
    return Depot(tmp_path)


def appliques(schema: str) -> int:
    with schema_context(schema):
        return AuditEvent.objects.filter(action="test.effectif").count()


def emettre(depot: Depot, capture, enregistrements, destinataire: str = ORD_A) -> Fichier:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return passerelle.fichier_emettre(
            depot=depot, emetteur=TGR, destinataire=destinataire, flux="effectifs",
            enregistrements=enregistrements,
        )  # fmt: skip


def test_emission_numerote_et_depose(depot, django_capture_on_commit_callbacks):
    premier = emettre(depot, django_capture_on_commit_callbacks, [ligne(1)])
    second = emettre(depot, django_capture_on_commit_callbacks, [ligne(2), ligne(3)])
    assert (premier.sequence, second.sequence) == (1, 2)
    assert second.enregistrements == 2
    noms = sorted(p.name for p in (depot.racine / "ORD-test-a" / "inbox").iterdir())
    assert len(noms) == 6
    assert noms[0] == "effectifs_TGR-TM-TEST_ORD-test-a_0000000001.jsonl"


def test_reception_appliquee_archivee_puis_rejeu_ignore(
    depot, recepteur, tenant_a, django_capture_on_commit_callbacks
):
    emettre(depot, django_capture_on_commit_callbacks, [ligne(1), ligne(2)])
    with django_capture_on_commit_callbacks(execute=True):
        (recu,) = passerelle.boite_traiter(depot=depot, destinataire=ORD_A)
    assert recu.statut == Statut.INTEGRE
    assert recu.resultat["appliques"] == 2
    assert appliques(tenant_a.schema_name) == 2
    assert Sequence.objects.get(sens="entrant", emetteur=TGR, flux="effectifs").derniere == 1
    assert depot.complets(ORD_A) == []
    archive = Path(recu.chemin)
    assert archive.with_name(archive.name + ".jsonl").exists()
    # the same file delivered again changes nothing
    depot.deposer(
        FichierEchange(depot.racine / "TGR-TM-TEST" / "outbox" / archive.name),
        destinataire=ORD_A,
    )
    with django_capture_on_commit_callbacks(execute=True):
        (rejeu,) = passerelle.boite_traiter(depot=depot, destinataire=ORD_A)
    assert rejeu.statut == Statut.REJOUE
    assert appliques(tenant_a.schema_name) == 2


def test_trou_retenu_puis_comble(depot, recepteur, tenant_a, django_capture_on_commit_callbacks):
    for n in (1, 2, 3):
        emettre(depot, django_capture_on_commit_callbacks, [ligne(n)])
    inbox = depot.racine / "ORD-test-a" / "inbox"
    en_retard = inbox.parent / "en-retard"
    en_retard.mkdir()
    for partie in inbox.glob("*_0000000002*"):
        partie.rename(en_retard / partie.name)
    with django_capture_on_commit_callbacks(execute=True):
        traites = passerelle.boite_traiter(depot=depot, destinataire=ORD_A)
    assert [(f.sequence, f.statut) for f in traites] == [(1, Statut.INTEGRE), (3, Statut.RETENU)]
    assert "en attente du n° 2" in traites[1].rapport
    assert appliques(tenant_a.schema_name) == 1
    for partie in sorted(en_retard.iterdir(), key=lambda p: p.name.endswith(".sig")):
        partie.rename(inbox / partie.name)
    with django_capture_on_commit_callbacks(execute=True):
        traites = passerelle.boite_traiter(depot=depot, destinataire=ORD_A)
    assert [(f.sequence, f.statut) for f in traites] == [(2, Statut.INTEGRE), (3, Statut.INTEGRE)]
    assert appliques(tenant_a.schema_name) == 3
    with schema_context(tenant_a.schema_name):
        ordre = list(
            AuditEvent.objects.filter(action="test.effectif")
            .order_by("id")
            .values_list("data", flat=True)
        )
    assert [d["n"] for d in ordre] == [1, 2, 3]


def test_fichier_altere_en_quarantaine_sans_bloquer_les_autres(
    depot, recepteur, tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    emettre(depot, django_capture_on_commit_callbacks, [ligne(1)])
    emettre(depot, django_capture_on_commit_callbacks, [ligne(7)], destinataire=ORD_B)
    (charge,) = (depot.racine / "ORD-test-a" / "inbox").glob("*.jsonl")
    charge.write_bytes(charge.read_bytes().replace(b'"postes_budgetes":1', b'"postes_budgetes":9'))
    with django_capture_on_commit_callbacks(execute=True):
        (altere,) = passerelle.boite_traiter(depot=depot, destinataire=ORD_A)
        (sain,) = passerelle.boite_traiter(depot=depot, destinataire=ORD_B)
    assert altere.statut == Statut.QUARANTAINE
    assert altere.code_erreur == "E-EMPREINTE"
    assert "Rien n'a été appliqué" in altere.rapport
    rapport = Path(altere.chemin + ".rapport.txt")
    assert rapport.read_text(encoding="utf-8").startswith("E-EMPREINTE")
    assert appliques(tenant_a.schema_name) == 0
    assert Sequence.objects.filter(sens="entrant", destinataire=ORD_A).first() is None
    assert sain.statut == Statut.INTEGRE
    assert appliques(tenant_b.schema_name) == 1


def test_numero_reutilise_avec_un_autre_contenu(
    depot, recepteur, tenant_a, django_capture_on_commit_callbacks
):
    emettre(depot, django_capture_on_commit_callbacks, [ligne(1)])
    with django_capture_on_commit_callbacks(execute=True):
        passerelle.boite_traiter(depot=depot, destinataire=ORD_A)
    Sequence.objects.filter(sens="sortant").update(derniere=0)  # a sender that reuses n° 1
    Fichier.objects.filter(sens="sortant").delete()
    emettre(depot, django_capture_on_commit_callbacks, [ligne(5)])
    with django_capture_on_commit_callbacks(execute=True):
        (double,) = passerelle.boite_traiter(depot=depot, destinataire=ORD_A)
    assert double.statut == Statut.QUARANTAINE
    assert double.code_erreur == "E-SEQUENCE"
    assert appliques(tenant_a.schema_name) == 1


def test_refus_du_module_rien_d_applique(
    depot, recepteur, tenant_a, django_capture_on_commit_callbacks
):
    recepteur.refuser_sur = "REFUS"
    emettre(depot, django_capture_on_commit_callbacks, [ligne(1), ligne(2, "REFUS")])
    with django_capture_on_commit_callbacks(execute=True):
        (refuse,) = passerelle.boite_traiter(depot=depot, destinataire=ORD_A)
    assert refuse.statut == Statut.QUARANTAINE
    assert refuse.code_erreur == "E-APPLICATION"
    assert "ligne budgétaire inconnue" in refuse.rapport
    assert appliques(tenant_a.schema_name) == 0  # the first line's write was rolled back


def test_panne_au_milieu_puis_reprise(
    depot, recepteur, tenant_a, django_capture_on_commit_callbacks
):
    recepteur.echouer_sur = "PANNE"
    emettre(depot, django_capture_on_commit_callbacks, [ligne(1), ligne(2, "PANNE"), ligne(3)])
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        passerelle.boite_traiter(depot=depot, destinataire=ORD_A)
    assert appliques(tenant_a.schema_name) == 0
    assert len(depot.complets(ORD_A)) == 1  # still in the inbox
    assert not Fichier.objects.filter(sens="entrant").exists()
    recepteur.echouer_sur = ""
    with django_capture_on_commit_callbacks(execute=True):
        (repris,) = passerelle.boite_traiter(depot=depot, destinataire=ORD_A)
    assert repris.statut == Statut.INTEGRE
    assert appliques(tenant_a.schema_name) == 3


def test_cle_revoquee_puis_decision_operateur(
    depot, recepteur, tenant_a, django_capture_on_commit_callbacks
):
    for n in (1, 2):
        emettre(depot, django_capture_on_commit_callbacks, [ligne(n)])
    premier = sorted((depot.racine / "ORD-test-a" / "inbox").glob("*_0000000001*"))
    for partie in premier:
        partie.unlink()  # n° 1 is lost for good
    with django_capture_on_commit_callbacks(execute=True):
        (retenu,) = passerelle.boite_traiter(depot=depot, destinataire=ORD_A)
    assert retenu.statut == Statut.RETENU
    with pytest.raises(ValueError, match="motif"):
        passerelle.sequence_sauter(
            emetteur=TGR, destinataire=ORD_A, flux="effectifs", jusqu_a=1, motif=" ", auteur="op"
        )
    passerelle.sequence_sauter(
        emetteur=TGR,
        destinataire=ORD_A,
        flux="effectifs",
        jusqu_a=1,
        motif="perdu chez l'émetteur",
        auteur="op",
    )
    with django_capture_on_commit_callbacks(execute=True):
        issue = passerelle.fichier_relancer(depot=depot, ligne=retenu, auteur="op")
    assert issue.fichier.statut == Statut.INTEGRE
    assert appliques(tenant_a.schema_name) == 1
    # a key revoked before the file was signed
    (cle,) = cles.cles_publiques(TGR)
    cles.cle_revoquer(identifiant=cle.identifiant, auteur="op")
    emettre_apres = emettre  # the sender still signs with the revoked key
    with pytest.raises(LookupError):
        emettre_apres(depot, django_capture_on_commit_callbacks, [ligne(3)])
