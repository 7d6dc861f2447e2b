"""`python manage.py referentiel charger|corriger|historique`: reference data in the public schema.

- `charger`: load the versioned fixture files (idempotent; see services.referentiel_charger).
- `corriger --code C --valide-du AAAA-MM-JJ --valeur JSON --source S --motif M [--statut S]`:
  record a corrected value; earlier computations keep the value they used.
- `historique --code C`: every recording of one parameter.
"""

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from referentiel import selectors, services


class Command(BaseCommand):
    help = "Référentiel : charger les fichiers de référence, corriger un paramètre, historique."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["charger", "corriger", "historique"])
        parser.add_argument("--code")
        parser.add_argument("--valide-du", dest="valide_du")
        parser.add_argument("--valeur", help="valeur JSON (centimes, points de base)")
        parser.add_argument("--source", default="")
        parser.add_argument("--motif", default="")
        parser.add_argument("--statut", default="verifie")
        parser.add_argument("--auteur", default="cli")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "charger":
            bilan = services.referentiel_charger(auteur=options["auteur"])
            self.stdout.write(
                f"paramètres enregistrés : {bilan.parametres_enregistres}, inchangés : "
                f"{bilan.parametres_inchanges}; corps {bilan.corps}, grades {bilan.grades}, "
                f"territoires {bilan.territoires}"
            )
            return
        code = options["code"]
        if not code:
            raise CommandError("--code est obligatoire")
        if action == "historique":
            for row in selectors.parametre_historique(code=code):
                self.stdout.write(
                    f"#{row.id} valide du {row.valide_du} · enregistré le "
                    f"{row.enregistre_le.isoformat()} par {row.auteur} · {row.statut} · "
                    f"{json.dumps(row.valeur, ensure_ascii=False)} · {row.motif}"
                )
            return
        try:
            valide_du = date.fromisoformat(options["valide_du"] or "")
        except ValueError:
            raise CommandError("--valide-du : date AAAA-MM-JJ attendue") from None
        try:
            valeur = json.loads(options["valeur"] or "")
        except json.JSONDecodeError:
            raise CommandError("--valeur : JSON invalide") from None
        try:
            row = services.parametre_corriger(
                code=code,
                valide_du=valide_du,
                valeur=valeur,
                source=options["source"],
                statut=options["statut"],
                motif=options["motif"],
                auteur=options["auteur"],
            )
        except services.CorrectionInvalide as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"paramètre {code} corrigé : version {row.id}")
