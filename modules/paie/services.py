"""Writes of the paie module: the work list's decisions and the comparison's re-run.

Each write is one transaction with its audit row. The payroll lines themselves are never
written here: they are what the Treasury paid (the ingestion, echange.py, owns them).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit_services
from modules.paie import actors
from modules.paie.models import EcartPaie, MoisPaie, StatutEcartPaie

DECISIONS = (StatutEcartPaie.EXPLIQUE, StatutEcartPaie.CORRIGE)


def ecart_traiter(*, auteur: str, ecart: EcartPaie, statut: str, commentaire: str) -> EcartPaie:
    """Mark a gap explained (the pay is right: an act in progress, a Treasury item…) or
    corrected (an act or a file correction was made), with a comment kept in the journal. A
    decided gap can be reopened (statut « ouvert ») with a comment too."""
    if statut not in StatutEcartPaie.values:
        raise ValidationError(_("Choisissez « expliqué », « corrigé » ou « à examiner »."))
    if not commentaire.strip():
        raise ValidationError(
            {"commentaire": _("Indiquez un commentaire : il reste au journal de l'écart.")}
        )
    with transaction.atomic():
        ecart = EcartPaie.objects.select_for_update().get(pk=ecart.pk)
        if ecart.statut == statut:
            raise ValidationError(_("Cet écart est déjà dans cet état."))
        avant = ecart.statut
        ecart.statut = statut
        ecart.commentaire = commentaire.strip()
        ecart.traite_par = auteur
        ecart.traite_le = timezone.now()
        ecart.save(update_fields=["statut", "commentaire", "traite_par", "traite_le"])
        audit_services.audit_record(
            actor=auteur,
            action="paie.ecart_traiter",
            object_type="ecart_paie",
            object_id=str(ecart.pk),
            data={
                "mois": f"{ecart.mois_id}",
                "ppr": ecart.ppr,
                "nature": ecart.nature,
                "avant": avant,
                "statut": statut,
                "commentaire": ecart.commentaire,
            },
        )
    return ecart


def ecarts_relancer(*, auteur: str, mois: MoisPaie) -> None:
    """Queue the month's comparison again (after HR corrections), audited; the job runs once
    the transaction commits."""
    schema = str(getattr(connection, "schema_name", ""))
    with transaction.atomic():
        audit_services.audit_record(
            actor=auteur,
            action="paie.ecarts_relancer",
            object_type="mois_paie",
            object_id=str(mois.pk),
            data={"mois": f"{mois.mois:%Y-%m}"},
        )
        transaction.on_commit(
            lambda: actors.ecarts_calculer_lancer(schema_name=schema, mois_id=mois.pk)
        )
