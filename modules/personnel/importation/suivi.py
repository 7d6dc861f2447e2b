"""An import as people drive it from the pages: deposit a file, let a background job check it,
read the report, ask to apply, let a second job apply it. Writes here are services (one
transaction, one audit row, jobs sent on commit); reads are scoped to the import's author.

Files stay in the tenant's own directory, `INDIMAJ_STATE_DIR/imports/<schema>/`, never served
across tenants (the id is resolved in the current schema, then by author). Progress lives in
the cache (keys are prefixed by tenant), read by the page every second or so.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit_services
from modules.personnel import importation
from modules.personnel.importation import rapport
from modules.personnel.importation.bilan import BilanImport
from modules.personnel.models import ImportPersonnel, StatutImport
from modules.unites.perimetres import Perimetre

logger = logging.getLogger(__name__)

TAILLE_MAX = 50 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")
ERREURS_PAGE = 100
DUREE_PROGRESSION = 6 * 3600


def dossier() -> Path:
    """The current tenant's import directory."""
    schema = str(cast(Any, connection).schema_name)
    if not schema or schema == "public":
        raise RuntimeError("imports are stored in a tenant's directory only")
    return Path(settings.INDIMAJ_STATE_DIR) / "imports" / schema


def chemin_fichier(imp: ImportPersonnel) -> Path:
    return dossier() / imp.fichier


def chemin_rapport(imp: ImportPersonnel) -> Path | None:
    return dossier() / imp.rapport if imp.rapport else None


# --- Reads ---------------------------------------------------------------------------------------


def import_list(*, auteur: str) -> QuerySet[ImportPersonnel]:
    return ImportPersonnel.objects.filter(auteur=auteur).order_by("-cree_le", "-id")


def import_get(*, auteur: str, import_id: int) -> ImportPersonnel | None:
    """The author's own import; None for another person's as for a missing one."""
    return ImportPersonnel.objects.filter(auteur=auteur, id=import_id).first()


def _cle_progression(import_id: int) -> str:
    return f"personnel-import:{import_id}:progression"


def progression_lire(*, import_id: int) -> int | None:
    """Percent done of the running job, None before it reports."""
    valeur = cache.get(_cle_progression(import_id))
    return int(valeur) if valeur is not None else None


def _progression(import_id: int) -> importation.Progression:
    def ecrire(fait: int, total: int) -> None:
        cache.set(_cle_progression(import_id), 100 * fait // max(total, 1), DUREE_PROGRESSION)

    return ecrire


# --- Deposit -------------------------------------------------------------------------------------


def taille_erreur(taille: int) -> str | None:
    """The message for a file too big for the pages, or None."""
    if taille <= TAILLE_MAX:
        return None
    return _(
        "Le fichier pèse %(mo).1f Mo, plus que les %(max)d Mo admis : découpez-le (par unité "
        "par exemple) ou importez-le en ligne de commande."
    ) % {"mo": taille / 1024 / 1024, "max": TAILLE_MAX // 1024 // 1024}


def _verifier_depot(nom_fichier: str, taille: int, debut: bytes) -> str:
    extension = Path(nom_fichier).suffix.lower()
    if extension not in EXTENSIONS:
        raise ValidationError(
            {
                "fichier": _(
                    "« %(nom)s » n'est ni un CSV ni un XLSX : enregistrez la feuille au format "
                    "CSV UTF-8 ou Classeur Excel (.xlsx), puis déposez-la de nouveau."
                )
                % {"nom": nom_fichier}
            }
        )
    if message := taille_erreur(taille):
        raise ValidationError({"fichier": message})
    if taille == 0:
        raise ValidationError({"fichier": _("Le fichier est vide : choisissez un autre fichier.")})
    zip_ = debut.startswith(b"PK\x03\x04")
    if extension == ".xlsx" and not zip_:
        raise ValidationError(
            {
                "fichier": _(
                    "Ce fichier .xlsx n'est pas un classeur Excel : enregistrez-le de nouveau."
                )
            }
        )
    if extension == ".csv" and (zip_ or b"\x00" in debut):
        raise ValidationError(
            {
                "fichier": _(
                    "Ce fichier .csv n'est pas du texte : enregistrez-le au format CSV UTF-8."
                )
            }
        )
    return extension


def import_deposer(
    *,
    auteur: str,
    perimetre: Perimetre,
    nom_fichier: str,
    taille: int,
    morceaux: Iterable[bytes],
) -> ImportPersonnel:
    """Keep the uploaded file in the tenant's directory and send its dry run to a worker."""
    morceaux = iter(morceaux)
    premier = next(morceaux, b"")
    extension = _verifier_depot(nom_fichier, taille, premier[:4096])
    cible = dossier() / f"{uuid.uuid4().hex}{extension}"
    cible.parent.mkdir(parents=True, exist_ok=True)
    sha = hashlib.sha256()
    ecrit = 0
    try:
        with cible.open("xb") as sortie:
            for morceau in (premier, *morceaux):
                ecrit += len(morceau)
                if ecrit > TAILLE_MAX:
                    raise ValidationError({"fichier": _("Le fichier dépasse 50 Mo.")})
                sha.update(morceau)
                sortie.write(morceau)
        with transaction.atomic():
            imp = ImportPersonnel.objects.create(
                nom_fichier=Path(nom_fichier).name[:255],
                fichier=cible.name,
                taille=ecrit,
                sha256=sha.hexdigest(),
                auteur=auteur,
                perimetre_tout=perimetre.tout,
                perimetre_racines=sorted(perimetre.racines),
            )
            audit_services.audit_record(
                actor=auteur,
                action="personnel.import_depose",
                object_type="import",
                object_id=str(imp.id),
                data={"fichier": imp.nom_fichier, "sha256": imp.sha256, "taille": ecrit},
            )
            transaction.on_commit(lambda: _envoyer("import_verifier", imp.id))
    except BaseException:
        cible.unlink(missing_ok=True)
        raise
    return imp


def _envoyer(acteur: str, import_id: int) -> None:
    """Send the job (after the commit). If the queue is unreachable, the import says so
    instead of waiting forever."""
    from modules.personnel import actors

    try:
        getattr(actors, acteur).send(import_id)
    except Exception:
        logger.exception("import %s: job %s not sent", import_id, acteur)
        ImportPersonnel.objects.filter(id=import_id).update(
            statut=StatutImport.ECHEC,
            message=_(
                "La file des tâches de fond est indisponible : déposez le fichier de nouveau "
                "dans quelques minutes, ou prévenez l'administrateur."
            ),
        )


# --- Apply request -------------------------------------------------------------------------------


def import_application_demander(
    *, auteur: str, imp: ImportPersonnel, perimetre: Perimetre, partiel: bool
) -> ImportPersonnel:
    """Send the application job. With errors in the file, only `partiel` may go on (the
    valid lines only); the job checks everything again before writing."""
    with transaction.atomic():
        imp = ImportPersonnel.objects.select_for_update().get(pk=imp.pk)
        if imp.statut != StatutImport.VERIFIE:
            raise ValidationError(
                _("Cet import n'est pas prêt à être appliqué (statut : %(s)s).")
                % {"s": imp.get_statut_display()}
            )
        if imp.nb_erreurs and not partiel:
            raise ValidationError(
                _(
                    "Le fichier contient des erreurs : corrigez-le et déposez-le de nouveau, ou "
                    "appliquez seulement les lignes valides."
                )
            )
        if imp.crees + imp.modifies == 0:
            raise ValidationError(_("Rien à appliquer : aucune ligne valide ne change un dossier."))
        imp.statut = StatutImport.APPLICATION
        imp.partiel = partiel
        imp.perimetre_tout = perimetre.tout
        imp.perimetre_racines = sorted(perimetre.racines)
        imp.message = ""
        imp.save(
            update_fields=["statut", "partiel", "perimetre_tout", "perimetre_racines", "message"]
        )
        audit_services.audit_record(
            actor=auteur,
            action="personnel.import_application_demandee",
            object_type="import",
            object_id=str(imp.id),
            data={"sha256": imp.sha256, "partiel": partiel},
        )
        cache.delete(_cle_progression(imp.id))
        transaction.on_commit(lambda: _envoyer("import_appliquer", imp.id))
    return imp


# --- What the jobs run ---------------------------------------------------------------------------


def _perimetre(imp: ImportPersonnel) -> Perimetre:
    return Perimetre(tout=imp.perimetre_tout, racines=frozenset(imp.perimetre_racines))


def _consigner(imp: ImportPersonnel, bilan: BilanImport) -> None:
    """Counts, the first errors and the XLSX report of a run, on the import's row."""
    rapport_nom = f"{Path(imp.fichier).stem}-rapport.xlsx"
    rapport.rapport_ecrire(bilan, chemin=dossier() / rapport_nom, nom_fichier=imp.nom_fichier)
    imp.lignes, imp.crees, imp.modifies, imp.inchanges = (
        bilan.lignes,
        bilan.crees,
        bilan.modifies,
        bilan.inchanges,
    )
    imp.nb_erreurs = bilan.erreurs_total
    imp.lignes_en_erreur = bilan.lignes_en_erreur
    imp.erreurs = [list(e) for e in bilan.erreurs[:ERREURS_PAGE]]
    imp.rapport = rapport_nom


def _echec(imp: ImportPersonnel, erreur: BaseException) -> None:
    imp.statut = StatutImport.ECHEC
    imp.message = _("Échec technique : %(e)s. Prévenez l'administrateur.") % {
        "e": type(erreur).__name__
    }
    imp.save(update_fields=["statut", "message"])


def import_verification_executer(*, import_id: int) -> None:
    """The dry run (in a worker): nothing written but the import's row and its report."""
    imp = ImportPersonnel.objects.filter(id=import_id).first()
    if imp is None or imp.statut not in (StatutImport.DEPOSE, StatutImport.VERIFICATION):
        return  # already done (a redelivered message)
    imp.statut = StatutImport.VERIFICATION
    imp.save(update_fields=["statut"])
    try:
        bilan = importation.importer_fichier(
            chemin=chemin_fichier(imp),
            auteur=imp.auteur,
            perimetre=_perimetre(imp),
            simulation=True,
            tout_ou_rien=True,
            progression=_progression(imp.id),
        )
        _consigner(imp, bilan)
    except Exception as erreur:
        _echec(imp, erreur)
        raise
    imp.statut = StatutImport.VERIFIE
    imp.verifie_le = timezone.now()
    imp.save()


def import_application_executer(*, import_id: int) -> None:
    """The application (in a worker), checked again: the tenant may have changed since."""
    imp = ImportPersonnel.objects.filter(id=import_id).first()
    if imp is None or imp.statut != StatutImport.APPLICATION:
        return
    try:
        bilan = importation.importer_fichier(
            chemin=chemin_fichier(imp),
            auteur=imp.auteur,
            perimetre=_perimetre(imp),
            simulation=False,
            tout_ou_rien=not imp.partiel,
            progression=_progression(imp.id),
        )
        _consigner(imp, bilan)
    except Exception as erreur:
        _echec(imp, erreur)
        raise
    if bilan.applique:
        imp.statut = StatutImport.APPLIQUE
        imp.applique_le = timezone.now()
    else:
        imp.statut = StatutImport.VERIFIE
        imp.message = _(
            "Rien n'a été appliqué : de nouvelles erreurs sont apparues depuis la vérification "
            "(le personnel a changé entre-temps). Consultez le rapport."
        )
    imp.save()
