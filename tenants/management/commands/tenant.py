"""`python manage.py tenant ACTION CODE [...]`: a tenant's lifecycle from the command line.

    tenant suspendre   CODE --motif "…"        nobody logs in; data kept
    tenant reactiver   CODE --motif "…"
    tenant archiver    CODE --motif "…"        suspended for good, schema marked read-only
    tenant sauvegarder CODE [--vers FICHIER.tar.gz] [--sans-keycloak]
    tenant restaurer   FICHIER.tar.gz [--remplacer] [--sans-keycloak] [--verifier]
    tenant exporter    CODE --vers FICHIER.zip

Each step is printed as it starts; a refusal exits with status 1 and says what to fix.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from identity.keycloak_admin import KeycloakUnavailableError
from tenants import cycle_de_vie, export, sauvegarde
from tenants.models import Organisation

ACTIONS = ("suspendre", "reactiver", "archiver", "sauvegarder", "restaurer", "exporter")


class Command(BaseCommand):
    help = "Cycle de vie d'une organisation : " + ", ".join(ACTIONS) + "."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=ACTIONS)
        parser.add_argument("cible", help="code de l'organisation (ou l'archive pour restaurer)")
        parser.add_argument("--motif", default="", help="suspendre, reactiver, archiver")
        parser.add_argument("--vers", help="fichier à écrire (sauvegarder, exporter)")
        parser.add_argument("--remplacer", action="store_true", help="restaurer par-dessus")
        parser.add_argument("--sans-keycloak", action="store_true")
        parser.add_argument(
            "--verifier", action="store_true", help="restaurer : vérifier l'archive seulement"
        )
        parser.add_argument("--acteur", default="", help="nom inscrit au journal (défaut : login)")

    def _etape(self, message: str) -> None:
        self.stdout.write(f"  … {message}")
        self.stdout.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        action: str = options["action"]
        actor = options["acteur"] or f"cli:{getpass.getuser()}"
        try:
            getattr(self, f"_{action}")(options, actor)
        except (ValidationError, sauvegarde.SauvegardeError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError("; ".join(messages)) from error
        except KeycloakUnavailableError as error:
            raise CommandError(f"Keycloak ne répond pas : {error}") from error

    def _organisation(self, code: str) -> Organisation:
        organisation: Organisation | None = (
            Organisation.objects.exclude(schema_name="public").filter(code=code).first()
        )
        if organisation is None:
            raise CommandError(f"Organisation inconnue : {code}")
        return organisation

    def _changer(self, service: Any, options: dict[str, Any], actor: str) -> None:
        organisation = self._organisation(options["cible"])
        changement = service(organisation=organisation, actor=actor, motif=options["motif"])
        self.stdout.write(f"{organisation.code} : {changement.avant} → {changement.apres}")
        if changement.keycloak_a_jour is False:
            self.stdout.write(
                self.style.WARNING(
                    "Keycloak injoignable : l'accès est déjà coupé côté INDIMAJ ; relancez "
                    "la commande ou attendez la réconciliation pour mettre Keycloak à jour."
                )
            )

    def _suspendre(self, options: dict[str, Any], actor: str) -> None:
        self._changer(cycle_de_vie.organisation_suspendre, options, actor)

    def _reactiver(self, options: dict[str, Any], actor: str) -> None:
        self._changer(cycle_de_vie.organisation_reactiver, options, actor)

    def _archiver(self, options: dict[str, Any], actor: str) -> None:
        self._changer(cycle_de_vie.organisation_archiver, options, actor)

    def _sauvegarder(self, options: dict[str, Any], actor: str) -> None:
        organisation = self._organisation(options["cible"])
        self.stdout.write(f"Sauvegarde de {organisation.code} :")
        rapport = sauvegarde.organisation_sauvegarder(
            organisation=organisation,
            actor=actor,
            destination=Path(options["vers"]) if options["vers"] else None,
            avec_keycloak=not options["sans_keycloak"],
            progression=self._etape,
        )
        lignes = ", ".join(f"{t} {n}" for t, n in rapport.lignes_publiques.items())
        self.stdout.write(
            f"{rapport.chemin}\n  sha256 {rapport.sha256}\n  tables publiques : {lignes}\n"
            f"  documents : {rapport.documents} ; membres Keycloak : {rapport.membres_keycloak}"
        )

    def _restaurer(self, options: dict[str, Any], actor: str) -> None:
        chemin = Path(options["cible"])
        if options["verifier"]:
            manifest = sauvegarde.manifeste_lire(chemin)
            self.stdout.write(
                f"Archive intègre : {manifest['code']} ({manifest['schema']}), "
                f"du {manifest['cree_le']}, {len(manifest['sommes_sha256'])} fichiers"
            )
            return
        self.stdout.write(f"Restauration depuis {chemin} :")
        rapport = sauvegarde.organisation_restaurer(
            chemin=chemin,
            actor=actor,
            remplacer=options["remplacer"],
            avec_keycloak=not options["sans_keycloak"],
            progression=self._etape,
        )
        self.stdout.write(
            f"{rapport.code} restaurée dans {rapport.schema} ; documents : {rapport.documents}"
        )
        if rapport.comptes_recrees:
            self.stdout.write(
                self.style.WARNING(
                    "Comptes recréés sans mot de passe (à réinitialiser) : "
                    + ", ".join(rapport.comptes_recrees)
                )
            )

    def _exporter(self, options: dict[str, Any], actor: str) -> None:
        if not options["vers"]:
            raise CommandError("Indiquez le fichier à écrire : --vers export.zip")
        organisation = self._organisation(options["cible"])
        self.stdout.write(f"Export de {organisation.code} :")
        rapport = export.organisation_exporter(
            organisation=organisation,
            actor=actor,
            destination=Path(options["vers"]),
            progression=self._etape,
        )
        total = sum(rapport.lignes.values())
        self.stdout.write(
            f"{rapport.chemin} : {len(rapport.lignes)} tables, {total} lignes, "
            f"sha256 {rapport.sha256}"
        )
