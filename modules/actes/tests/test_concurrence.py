"""Concurrency with real transactions: two valideurs validating the same act at the same moment,
two transmissions of overlapping acts, two of disjoint acts. Each thread has its own database
connection on tenant A's schema; the rows are committed (not rolled back with a test
transaction) and removed at the end.

The acts are written directly (a draft with its version, its checks' result and its documents):
what is under test is the locking of the transitions, not the drafting."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django_tenants.utils import schema_context

from audit.models import AuditEvent
from conftest import TENANT_A
from modules.actes import services
from modules.actes.etats import Partie
from modules.actes.models import (
    Acte,
    Bordereau,
    Compteur,
    Etat,
    LigneBordereau,
    PieceActe,
    Transition,
    VersionActe,
)
from tenants.models import Organisation

EMETTEUR = "CONCUR"  # an emitter code of its own: its numbering starts at 1 and is removed after


@pytest.fixture
def schema(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """Tenant A's schema, with committed writes; everything this test wrote is deleted after."""
    with django_db_blocker.unblock():
        nom = Organisation.objects.get(code=TENANT_A.code).schema_name
        with schema_context(nom):
            dernier_audit = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True)
            seq = dernier_audit.first() or 0
            try:
                yield nom
            finally:
                with schema_context(nom), transaction.atomic():
                    actes = Acte.objects.filter(numero__startswith="CONC-")
                    bordereaux = Bordereau.objects.filter(emetteur_code=EMETTEUR)
                    LigneBordereau.objects.filter(acte__in=actes).delete()
                    Transition.objects.filter(acte__in=actes).delete()
                    PieceActe.objects.filter(acte__in=actes).delete()
                    VersionActe.objects.filter(acte__in=actes).delete()
                    actes.delete()
                    bordereaux.delete()
                    Compteur.objects.filter(cle__startswith=f"bordereau:{EMETTEUR}:").delete()
                    AuditEvent.objects.filter(seq__gt=seq).delete()


def _acte(n: int, etat: Etat = Etat.BROUILLON) -> Acte:
    acte = Acte.objects.create(
        numero=f"CONC-{n:04d}",
        type_code="avancement_echelon",
        etat=etat,
        unite_code="DRH",
        emetteur_code=EMETTEUR,
        date_effet=date(2026, 1, 1),
        cree_par="redacteur",
        soumis=True,
    )
    VersionActe.objects.create(
        acte=acte,
        numero=1,
        donnees={"echelon": "4"},
        date_effet=date(2026, 1, 1),
        anomalies=[],
        impact={"erreur": "", "variation": {"brut": 100}},
        redigee_par="redacteur",
    )
    PieceActe.objects.create(
        acte=acte,
        type_piece="proces_verbal",
        nom_fichier="pv.pdf",
        content_type="application/pdf",
        taille=10,
        sha256="0" * 64,
        ajoute_par="redacteur",
    )
    return acte


def _en_parallele(schema: str, *appels: Callable[[], object]) -> list[object]:
    """Run the calls in threads released together; each result is the return value or the
    ValidationError raised."""
    depart = threading.Barrier(len(appels))
    resultats: list[object] = [None] * len(appels)

    def fil(i: int, appel: Callable[[], object]) -> None:
        try:
            with schema_context(schema):
                depart.wait(timeout=10)
                resultats[i] = appel()
        except ValidationError as erreur:
            resultats[i] = erreur
        finally:
            connection.close()

    fils = [threading.Thread(target=fil, args=(i, a)) for i, a in enumerate(appels)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=60)
    assert not any(f.is_alive() for f in fils)
    return resultats


@pytest.fixture
def verrou_lent(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whoever takes an act's row lock holds it a moment: the other thread surely arrives while
    it is held (without the lock, both would read "brouillon" and both validate)."""
    origine = services._verrouiller

    def lent(acte: Acte) -> Acte:
        verrouille = origine(acte)
        time.sleep(0.3)
        return verrouille

    monkeypatch.setattr(services, "_verrouiller", lent)


def test_deux_valideurs_un_seul_valide(schema: str, verrou_lent: None) -> None:
    acte = _acte(1)
    resultats = _en_parallele(
        schema,
        lambda: services.acte_valider(auteur="valideur.un", acte=acte),
        lambda: services.acte_valider(auteur="valideur.deux", acte=acte),
    )
    reussis = [r for r in resultats if isinstance(r, Acte)]
    refus = [r for r in resultats if isinstance(r, ValidationError)]
    assert len(reussis) == 1
    assert len(refus) == 1
    assert refus[0].messages == ["L'acte CONC-0001 est déjà « Validé » : rechargez la page."]
    lignes = list(Transition.objects.filter(acte=acte).values_list("de", "vers", "par"))
    gagnant = "valideur.un" if resultats[0] is reussis[0] else "valideur.deux"
    assert lignes == [("brouillon", "valide", gagnant)]
    assert AuditEvent.objects.filter(object_type="acte", object_id=str(acte.id)).count() == 1
    acte.refresh_from_db()
    assert acte.etat == Etat.VALIDE


def test_deux_transmissions_qui_se_recouvrent(schema: str) -> None:
    a1, a2, a3 = (_acte(n, Etat.VALIDE) for n in (11, 12, 13))
    resultats = _en_parallele(
        schema,
        lambda: services.bordereaux_constituer(auteur="valideur.un", actes=[a1, a2]),
        lambda: services.bordereaux_constituer(auteur="valideur.deux", actes=[a2, a3]),
    )
    reussis = [r for r in resultats if isinstance(r, list)]
    refus = [r for r in resultats if isinstance(r, ValidationError)]
    assert len(reussis) == 1
    assert len(refus) == 1
    assert refus[0].messages == ["L'acte CONC-0012 n'est pas (ou plus) validé : rechargez la page."]
    bordereaux = list(Bordereau.objects.filter(emetteur_code=EMETTEUR))
    assert [b.numero for b in bordereaux] == [f"BE-{date.today().year}-{EMETTEUR}-00001"]
    # no act on two bordereaux; the refused transmission left its other act validated
    lignes = list(
        LigneBordereau.objects.filter(bordereau__in=bordereaux)
        .order_by("acte__numero")
        .values_list("acte__numero", flat=True)
    )
    seul = a3 if resultats[0] is reussis[0] else a1
    assert lignes == sorted({"CONC-0011", "CONC-0012", "CONC-0013"} - {seul.numero})
    seul.refresh_from_db()
    assert (seul.etat, seul.bordereau_id) == (Etat.VALIDE, None)
    # numbers stay gapless: the refused transaction gave its number back
    suivant = services.bordereaux_constituer(auteur="valideur.un", actes=[seul])
    assert [b.numero for b in suivant] == [f"BE-{date.today().year}-{EMETTEUR}-00002"]
    assert LigneBordereau.objects.filter(acte__numero__startswith="CONC-").count() == 3


def test_transmissions_disjointes_simultanees_numeros_distincts(schema: str) -> None:
    actes = [_acte(n, Etat.VALIDE) for n in (21, 22, 23, 24)]
    resultats = _en_parallele(
        schema,
        lambda: services.bordereaux_constituer(auteur="valideur.un", actes=actes[:2]),
        lambda: services.bordereaux_constituer(auteur="valideur.deux", actes=actes[2:]),
    )
    assert all(isinstance(r, list) for r in resultats), resultats
    annee = date.today().year
    assert sorted(
        Bordereau.objects.filter(emetteur_code=EMETTEUR).values_list("numero", "nombre_actes")
    ) == [
        (f"BE-{annee}-{EMETTEUR}-00001", 2),
        (f"BE-{annee}-{EMETTEUR}-00002", 2),
    ]
    assert Compteur.objects.get(cle=f"bordereau:{EMETTEUR}:{annee}").valeur == 2


def test_la_meme_reponse_livree_deux_fois_en_meme_temps(schema: str) -> None:
    """The exchange may deliver a file twice: applied concurrently, one transition only."""
    acte = _acte(31, Etat.TRANSMIS)
    resultats = _en_parallele(
        schema,
        lambda: services.reponse_appliquer(acte_id=acte.id, version=1, etat="pris_en_charge"),
        lambda: services.reponse_appliquer(acte_id=acte.id, version=1, etat="pris_en_charge"),
    )
    assert all(isinstance(r, Acte) for r in resultats), resultats
    assert list(Transition.objects.filter(acte=acte).values_list("de", "vers")) == [
        ("transmis", "pris_en_charge")
    ]
    assert AuditEvent.objects.filter(object_type="acte", object_id=str(acte.id)).count() == 1


def test_annulation_et_validation_simultanees(schema: str, verrou_lent: None) -> None:
    """Whichever comes first wins; the other is refused and writes nothing."""
    acte = _acte(41)
    resultats = _en_parallele(
        schema,
        lambda: services.acte_valider(auteur="valideur.un", acte=acte),
        lambda: services.acte_annuler(
            auteur="redacteur", acte=acte, motif="Doublon", partie=Partie.GESTIONNAIRE
        ),
    )
    reussis = [r for r in resultats if isinstance(r, Acte)]
    refus = [r for r in resultats if isinstance(r, ValidationError)]
    assert (len(reussis), len(refus)) == (1, 1)
    acte.refresh_from_db()
    if acte.etat == Etat.VALIDE:
        assert refus[0].messages == [
            "Votre rôle ne permet pas de faire passer un acte de « Validé » à « Annulé »."
        ]
    else:
        assert acte.etat == Etat.ANNULE
        assert refus[0].messages == ["L'acte CONC-0041 est déjà « Annulé » : rechargez la page."]
    assert Transition.objects.filter(acte=acte).count() == 1
