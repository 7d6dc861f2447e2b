"""The pecuniary impact of an act: what it changes in pay, month by month, computed by the
engine on the agent's file without and with the act's projection.

Months follow the payroll convention of the personnel module: a month is paid on the
situation in force on its first day, so an act effective on the 15th changes pay from the next
month. Months before the current one are arrears (rappels), each recomputed whole with its own
parameters; the current month (or the first month of an act dated in the future) gives the
monthly variation; the annual cost is twelve times the variation of the gross pay.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from modules.actes.types.base import Contexte, TypeActe
from modules.personnel import facade as personnel
from referentiel.resolution import ParametreIntrouvable
from remuneration import facade as remuneration
from remuneration.difference import mois_suivant
from remuneration.erreurs import DonneeInvalide

TOTAUX_AFFICHES = (
    "traitement_base",
    "indemnite_residence",
    "indemnites",
    "allocations_familiales",
    "brut",
    "cmr",
    "rcar",
    "amo",
    "ir",
    "net",
)


def premier_mois(date_effet: date) -> date:
    """The first month paid on the act's situation."""
    debut = date_effet.replace(day=1)
    return debut if date_effet.day == 1 else mois_suivant(debut)


def dossier(ctx: Contexte, type_acte: TypeActe, donnees: dict[str, Any]) -> Any:
    if not type_acte.concerne_agent:
        return personnel.dossier_paie_recrue(
            commune_residence=str(donnees.get("commune_residence", ""))
        )
    assert ctx.agent is not None
    return personnel.dossier_paie(perimetre=ctx.perimetre, agent_id=ctx.agent.id)


def impact_calculer(
    *,
    type_acte: TypeActe,
    ctx: Contexte,
    donnees: dict[str, Any],
    dossier_paie: Any | None = None,
    aujourd_hui: date | None = None,
    connu_au: datetime | None = None,
) -> tuple[dict[str, Any], datetime | None]:
    """(the impact as stored with the act version, the parameters' instant). An impact the
    engine cannot compute carries `erreur` (what to complete) and blocks validation."""
    # A rectification or an annulation changes pay from the earlier of its own date and the
    # date of the act it changes (a restated date moved later takes back the months between).
    debut = min(ctx.date_effet, ctx.origine_date_effet or ctx.date_effet)
    du = premier_mois(debut)
    courant = (aujourd_hui or timezone.localdate()).replace(day=1)
    paiement = max(courant, du)
    mois: list[date] = []
    m = du
    while m <= paiement:
        mois.append(m)
        m = mois_suivant(m)
    base = dossier_paie or dossier(ctx, type_acte, donnees)
    if base is None:
        return {"erreur": _("Le dossier de l'agent est introuvable.")}, None
    try:
        projection = type_acte.projection(ctx, donnees)
        lignes = [(m, base.entree(m), base.entree(m, projection)) for m in mois]
        difference, lu_au = remuneration.impact_mensuel(
            mois=lignes, mois_paiement=paiement, connu_au=connu_au
        )
    except (DonneeInvalide, ParametreIntrouvable, KeyError, ValueError) as erreur:
        return {
            "erreur": _("Impact non calculable — %(e)s. Complétez l'acte ou le dossier.")
            % {"e": erreur}
        }, None
    variation = difference.variation_mensuelle
    parametres: dict[str, str] = {}
    for ligne in difference.lignes:
        parametres.update(ligne.parametres)
    return {
        "du": du.isoformat(),
        "mois_paiement": paiement.isoformat(),
        "mois_rappel": difference.mois_rappel,
        "variation": {k: variation[k] for k in TOTAUX_AFFICHES},
        "variation_elements": difference.variation_elements,
        "rappel": {k: difference.rappel[k] for k in TOTAUX_AFFICHES},
        "rappel_elements": difference.rappel_elements,
        "cout_annuel": 12 * variation["brut"],
        "lignes": [
            {
                "mois": ligne.mois.isoformat(),
                "rappel": ligne.rappel,
                "brut": ligne.delta["brut"],
                "net": ligne.delta["net"],
                "avant_net": ligne.avant["net"],
                "apres_net": ligne.apres["net"],
                # the parameter versions this month was computed with (its own, not today's)
                "parametres": dict(ligne.parametres),
            }
            for ligne in difference.lignes
        ],
        "parametres": parametres,
        "erreur": "",
    }, lu_au
