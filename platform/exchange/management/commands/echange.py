"""`manage.py echange …` — keys, sending and receiving on demand, the state of the flows.

preparer [--tresor-cles FICHIER]   a signing key for every active ordonnateur that lacks one,
                                   their public keys published in the drop; the Treasury's
                                   public key list imported when given (or found in the drop)
recevoir [--partie ORD:code]       process inboxes now (all hosted ordonnateurs by default)
etat                               files per status and the sequences (no personal data)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django_tenants.utils import get_tenant_model

from exchange import cles, facade, passerelle
from exchange.depot import dossier_partie
from exchange.models import Cle, Fichier, Sequence


class Command(BaseCommand):
    help = "Passerelle Wadef@ujour : clés, réception, état des flux."

    def add_arguments(self, parser: CommandParser) -> None:
        sous = parser.add_subparsers(dest="action", required=True)
        preparer = sous.add_parser("preparer")
        preparer.add_argument("--tresor", default="")
        preparer.add_argument("--tresor-cles", type=Path)
        recevoir = sous.add_parser("recevoir")
        recevoir.add_argument("--partie", default="")
        sous.add_parser("etat")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "preparer":
            self._preparer(options)
        elif action == "recevoir":
            parties = [options["partie"]] if options["partie"] else self._parties()
            for partie in parties:
                for fichier in passerelle.boite_traiter(
                    depot=facade.depot_plateforme(), destinataire=partie
                ):
                    self.stdout.write(f"{partie}  {fichier.nom}  {fichier.get_statut_display()}")
        else:
            for ligne in (
                Fichier.objects.values("sens", "statut")
                .annotate(n=Count("id"))
                .order_by("sens", "statut")
            ):
                self.stdout.write(f"{ligne['sens']:8} {ligne['statut']:12} {ligne['n']}")
            for sequence in Sequence.objects.order_by("sens", "emetteur", "destinataire", "flux"):
                self.stdout.write(str(sequence))

    def _parties(self) -> list[str]:
        codes = (
            get_tenant_model()
            .objects.filter(status="active")
            .exclude(schema_name="public")
            .values_list("code", flat=True)
        )
        return [f"ORD:{code}" for code in codes]

    def _preparer(self, options: dict[str, Any]) -> None:
        racine = facade.depot_plateforme().racine
        for partie in self._parties():
            if not Cle.objects.filter(partie=partie, privee_chiffree__isnull=False).exists():
                cles.cle_creer(partie=partie, auteur="echange preparer")
                self.stdout.write(f"clé créée pour {partie}")
            cles.cles_publier(racine=racine, partie=partie)
        liste = options["tresor_cles"]
        if liste is None and options["tresor"]:
            liste = racine / dossier_partie(options["tresor"]) / "cles-publiques.json"
        if liste is not None:
            if not liste.exists():
                raise CommandError(
                    f"Liste de clés du Trésor introuvable : {liste}. Démarrez le simulateur "
                    "(il la publie) ou donnez le fichier reçu du Trésor."
                )
            nombre = cles.cles_importer_liste(chemin=liste, auteur="echange preparer")
            self.stdout.write(f"{nombre} clé(s) du Trésor importée(s) depuis {liste}")
