"""Driver of the SIGKILL test (a child process; not collected by pytest).

    python tests/exchange/ingestion_interrompue.py preparer|recevoir|compter|nettoyer DIR SCHEMA
        [--lent]

`preparer` signs a 20-record `effectifs` file from a test Treasury party into ORD:test-a's
inbox; `recevoir` registers a receiver that writes each record into a scratch table of the
tenant's schema (printing its progress, slowly with --lent) and processes the inbox;
`compter` prints how many records the table holds (read by the child: the test's own
transaction must not lock the table); `nettoyer` drops what the test created.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from exchange import cles, passerelle, ports  # noqa: E402
from exchange.depot import Depot  # noqa: E402
from exchange.models import Cle, Fichier, Sequence  # noqa: E402
from exchange.protocole.manifeste import Manifeste  # noqa: E402

TRESOR, ORDONNATEUR, TABLE = "TGR:ESSAI", "ORD:test-a", "echange_essai"


def main() -> None:
    action, racine, schema = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    lent = "--lent" in sys.argv
    depot = Depot(racine)
    if action == "preparer":
        with connection.cursor() as curseur:
            curseur.execute(f'CREATE TABLE IF NOT EXISTS "{schema}".{TABLE} (n integer NOT NULL)')
        if not Cle.objects.filter(partie=TRESOR).exists():
            cles.cle_creer(partie=TRESOR, auteur="essai")
        with transaction.atomic():
            passerelle.fichier_emettre(
                depot=depot,
                emetteur=TRESOR,
                destinataire=ORDONNATEUR,
                flux="effectifs",
                enregistrements=[
                    {"ligne_budgetaire": f"L{n}", "grade": None, "categorie": None,
                     "postes_budgetes": n, "postes_occupes": 0, "annee": 2026}
                    for n in range(1, 21)
                ],
            )  # fmt: skip
    elif action == "recevoir":

        def recepteur(
            *, manifeste: Manifeste, enregistrements: Iterator[dict[str, Any]]
        ) -> ports.RapportApplication:
            rapport = ports.RapportApplication()
            for enregistrement in enregistrements:
                with connection.cursor() as curseur:
                    curseur.execute(
                        f'INSERT INTO "{schema}".{TABLE} (n) VALUES (%s)',  # noqa: S608
                        [enregistrement["postes_budgetes"]],
                    )
                rapport.appliques += 1
                print(f"ligne {rapport.appliques} {timezone.now():%H:%M:%S.%f}", flush=True)
                if lent:
                    time.sleep(0.3)
            return rapport

        ports.RECEPTEURS["effectifs"] = recepteur
        for fichier in passerelle.boite_traiter(depot=depot, destinataire=ORDONNATEUR):
            print(f"{fichier.nom} {fichier.statut}", flush=True)
    elif action == "compter":
        with connection.cursor() as curseur:
            curseur.execute(f'SELECT count(*) FROM "{schema}".{TABLE}')  # noqa: S608
            print(curseur.fetchone()[0])
    elif action == "nettoyer":
        with connection.cursor() as curseur:
            curseur.execute(f'DROP TABLE IF EXISTS "{schema}".{TABLE}')
        Fichier.objects.filter(emetteur=TRESOR).delete()
        Sequence.objects.filter(emetteur=TRESOR).delete()
        Cle.objects.filter(partie=TRESOR).delete()


if __name__ == "__main__":
    main()
