"""`manage.py echange …` — keys, sending and receiving on demand, the state of the flows.

preparer [--tresor-cles FICHIER]   a signing key for every active ordonnateur that lacks one,
                                   their public keys published in the drop; the Treasury's
                                   public key list imported when given (or found in the drop)
recevoir [--partie ORD:code]       process inboxes now (all hosted ordonnateurs by default)
etat                               files per status and the sequences (no personal data)
reprise_tresor --tenant CODE --sortie FICHIER [--mois AAAA-MM]
                                   the ordonnateur's population with each agent's engine input,
                                   one JSON line per agent, for the Treasury's initial copy
                                   (`python -m simulateur reprise FICHIER`)
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils import timezone
from django_tenants.utils import get_tenant_model, schema_context

from exchange import cles, facade, passerelle, ports
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
        reprise = sous.add_parser("reprise_tresor")
        reprise.add_argument("--tenant", required=True)
        reprise.add_argument("--sortie", type=Path, required=True)
        reprise.add_argument("--mois", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "preparer":
            self._preparer(options)
        elif action == "reprise_tresor":
            self._reprise(options)
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

    def _reprise(self, options: dict[str, Any]) -> None:
        """Streamed to the file (a 300,000-agent ministry is never held in memory)."""
        code = options["tenant"]
        schema = (
            get_tenant_model()
            .objects.filter(code=code)
            .values_list("schema_name", flat=True)
            .first()
        )
        if schema is None:
            raise CommandError(f"Aucun ordonnateur hébergé n'a le code « {code} ».")
        if not ports.REPRISES:
            raise CommandError("Aucun module ne fournit la population (module paie absent ?).")
        if options["mois"]:
            annee, _tiret, numero = str(options["mois"]).partition("-")
            mois = date(int(annee), int(numero), 1)
        else:
            mois = timezone.localdate().replace(day=1)
        sortie: Path = options["sortie"]
        sortie.parent.mkdir(parents=True, exist_ok=True)
        temporaire = sortie.with_name(f".{sortie.name}.tmp")
        nombre = 0
        with schema_context(str(schema)), temporaire.open("w", encoding="utf-8") as fichier:
            for reprise in ports.REPRISES:
                for agent in reprise(mois=mois):
                    ligne = {"ordonnateur": f"ORD:{code}", **agent}
                    fichier.write(json.dumps(ligne, ensure_ascii=False, sort_keys=True) + "\n")
                    nombre += 1
        temporaire.replace(sortie)
        self.stdout.write(f"{nombre} agents de ORD:{code} écrits dans {sortie} ({mois:%Y-%m})")

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
