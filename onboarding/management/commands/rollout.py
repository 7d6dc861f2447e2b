"""`python manage.py rollout plan|apply|status MANIFEST [--wave N] [--parallel N] [--dry-run]`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from onboarding import manifeste, rollout
from onboarding.models import EtatDeploiement
from tenants import pool

BARRE = 30


class Command(BaseCommand):
    help = (
        "Déploiement national à partir d'un manifeste (CSV ou YAML) : plan (ce qui sera fait), "
        "apply (provisionne, idempotent et reprenable), status (où en est chaque vague)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("plan", "apply", "status"))
        parser.add_argument("manifeste", type=Path, help="fichier .csv, .yaml ou .yml")
        parser.add_argument("--wave", type=int, help="seulement cette vague")
        parser.add_argument(
            "--parallel", type=int, default=1, help="processus de provisionnement (apply)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="apply : afficher le plan, ne rien faire"
        )
        parser.add_argument("--actor", default="rollout", help="nom inscrit au journal d'audit")

    def handle(self, *args: Any, **options: Any) -> None:
        chemin: Path = options["manifeste"]
        if not chemin.is_file():
            raise CommandError(_("Manifeste introuvable : %(c)s") % {"c": chemin})
        try:
            lignes = manifeste.manifeste_lire(chemin)
        except manifeste.ManifesteInvalideError as error:
            raise CommandError(str(error)) from error
        if options["parallel"] < 1:
            raise CommandError(_("--parallel doit valoir au moins 1."))
        action = options["action"]
        if action == "status":
            self._status(lignes, options["wave"])
        elif action == "plan" or options["dry_run"]:
            self._plan(lignes, options["wave"])
        else:
            self._apply(lignes, chemin.name, options)

    def _plan(self, lignes: list[manifeste.LigneManifeste], vague: int | None) -> None:
        plan = rollout.rollout_plan(lignes=lignes, vague=vague)
        for action in plan:
            etapes = ", ".join(action.etapes) or "-"
            self.stdout.write(f"{action.vague:>3}  {action.code:<40} {action.action:<14} {etapes}")
            for remarque in action.remarques:
                self.stdout.write(f"       ↳ {remarque}")
        compte: dict[str, int] = {}
        for action in plan:
            compte[action.action] = compte.get(action.action, 0) + 1
        resume = ", ".join(f"{k}: {v}" for k, v in sorted(compte.items())) or "rien"
        a_creer = compte.get(rollout.Action.CREER, 0)
        self.stdout.write(
            _(
                "Plan : %(n)d ligne(s) — %(r)s. Schémas prêts dans le pool : %(p)d pour "
                "%(c)d à créer."
            )
            % {"n": len(plan), "r": resume, "p": pool.pool_ready_count(), "c": a_creer}
        )

    def _apply(
        self, lignes: list[manifeste.LigneManifeste], nom: str, options: dict[str, Any]
    ) -> None:
        interactif = sys.stderr.isatty()

        def progression(rapport: rollout.RapportOrganisation, fait: int, total: int) -> None:
            if interactif and total:
                plein = BARRE * fait // total
                sys.stderr.write(
                    f"\r[{'#' * plein}{'.' * (BARRE - plein)}] {fait}/{total} {rapport.code:<40}"
                )
                sys.stderr.flush()
            else:
                self.stdout.write(f"[{fait}/{total}] {rapport.code} {rapport.etat}")

        rapports = rollout.rollout_apply(
            lignes=lignes,
            manifeste=nom,
            actor=options["actor"],
            vague=options["wave"],
            parallel=options["parallel"],
            progression=progression,
        )
        if interactif:
            sys.stderr.write("\n")
        self.stdout.write(_("Rapport par organisation :"))
        for r in rapports:
            etapes = ", ".join(r.etapes_faites) or "-"
            self.stdout.write(
                f"{r.vague:>3}  {r.code:<40} {r.etat:<9} {r.secondes:6.2f} s  {etapes}"
                + (f"\n       ↳ {r.erreur}" if r.erreur else "")
            )
        echecs = [r for r in rapports if r.etat != EtatDeploiement.TERMINE]
        self.stdout.write(
            _("%(ok)d organisation(s) déployée(s) dans cette exécution, %(ko)d en échec.")
            % {"ok": len(rapports) - len(echecs), "ko": len(echecs)}
        )
        if not rapports:
            self.stdout.write(_("Rien à faire : tout est déjà déployé."))
        if echecs:
            raise CommandError(
                _(
                    "%(n)d organisation(s) en échec (détail ci-dessus) : corrigez la cause puis "
                    "relancez la même commande ; ce qui est fait ne sera pas refait."
                )
                % {"n": len(echecs)}
            )

    def _status(self, lignes: list[manifeste.LigneManifeste], vague: int | None) -> None:
        vagues, erreurs = rollout.rollout_status(codes=[x.code for x in lignes], vague=vague)
        connus = sum(v.total for v in vagues)
        etats = [e.value for e in EtatDeploiement]
        self.stdout.write("vague  " + "  ".join(f"{e:>9}" for e in etats) + "      total")
        for v in vagues:
            cellules = "  ".join(f"{v.par_etat.get(e, 0):>9}" for e in etats)
            self.stdout.write(f"{v.vague:>5}  {cellules}  {v.total:>9}")
        dans_la_vague = [x for x in lignes if vague is None or x.wave == vague]
        self.stdout.write(
            _("%(c)d ligne(s) du manifeste, dont %(j)d jamais lancée(s).")
            % {"c": len(dans_la_vague), "j": len(dans_la_vague) - connus}
        )
        for e in erreurs:
            self.stdout.write(f"  {e.code} (vague {e.vague}) : {e.erreur}")
