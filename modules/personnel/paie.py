"""An agent's pay elements for a month, computed by the remuneration engine from the file.

The situation given to the engine is the one in force on the 1st of the month. Positions
without pay from this ordonnateur (détachement: the host pays; disponibilité: no pay;
cessation) give no bulletin and say why. The situation's quotité (percent of the traitement,
set by the career events: a congé de maladie's half-pay period is 50, a suspension of
traitement 0) goes to the engine as `quotite`, which applies it to the traitement de base (the
indemnité de résidence, a share of it, follows); a quotité of 0 gives no bulletin. See
docs/actes.md "Quotité de traitement" for what is halved and what is [GK].
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.personnel import famille
from modules.personnel.carriere import SituationAdministrative
from modules.personnel.models import Agent, Position
from referentiel.resolution import ParametreIntrouvable
from remuneration import facade as remuneration
from remuneration.bulletin import Bulletin
from remuneration.erreurs import DonneeInvalide

POSITIONS_NON_PAYEES: dict[str, Promise] = {
    Position.DETACHEMENT: gettext_lazy("En détachement : l'organisme d'accueil paie l'agent."),
    Position.DISPONIBILITE: gettext_lazy("En disponibilité : ni traitement ni avancement."),
    Position.CESSATION: gettext_lazy("A cessé ses fonctions : plus de paie."),
}


MOTIF_TRAITEMENT_SUSPENDU = gettext_lazy("Traitement suspendu : aucune paie ce mois-ci.")

MOTIF_MAD_ACCUEILLI = gettext_lazy(
    "Mis à disposition par un autre ordonnateur : c'est l'ordonnateur d'origine qui le paie."
)


@dataclass(frozen=True)
class ElementsPaie:
    mois: date
    bulletin: Bulletin | None
    motif: str = ""  # why there is no bulletin, in words the clerk can act on


class IndemniteLue(Protocol):
    code: str
    libelle: str
    montant: Decimal
    imposable: bool
    soumise_retraite: bool
    du: date
    au: date | None


def payee(situation: SituationAdministrative) -> bool:
    """Whether this ordonnateur pays the agent in this situation (see `elements_paie`)."""
    if not situation.connue or situation.position in POSITIONS_NON_PAYEES:
        return False
    if situation.quotite == 0:
        return False
    return not (
        situation.position == Position.MISE_A_DISPOSITION
        and not (situation.grade_code or situation.indice)
    )


def indemnites_au(*, indemnites: Iterable[IndemniteLue], mois: date) -> list[dict[str, Any]]:
    """The agent's indemnities in force on the first day of `mois`, in the engine's format."""
    return [
        {
            "code": i.code,
            "libelle_fr": i.libelle,
            "montant": f"{i.montant:.2f}",
            "imposable": i.imposable,
            "soumise_retraite": i.soumise_retraite,
        }
        for i in indemnites
        if i.du <= mois and (i.au is None or i.au >= mois)
    ]


def situation_paie(
    *,
    agent: Agent,
    situation: SituationAdministrative,
    mois: date,
    enfants: Iterable[famille.EnfantLu] | None = None,
    conjoint_a_charge: bool | None = None,
    indemnites: Iterable[IndemniteLue] | None = None,
) -> dict[str, Any]:
    """The engine's documented input (docs/remuneration/format-entree.md) for this agent.
    `enfants`, `conjoint_a_charge` and `indemnites` replace the file's own (an act's projection)."""
    charges = famille.charges_au(
        enfants=list(agent.enfants.all()) if enfants is None else enfants,
        conjoint_a_charge=agent.conjoint_a_charge
        if conjoint_a_charge is None
        else conjoint_a_charge,
        le=mois,
    )
    entree: dict[str, Any] = {
        "mois": f"{mois:%Y-%m}",
        "regime_retraite": agent.regime_retraite,
        "enfants_allocations": charges.enfants_allocations,
        "personnes_a_charge_ir": charges.personnes_a_charge_ir,
    }
    if situation.grade_code:
        entree["grade"] = situation.grade_code
    if situation.echelon:
        entree["echelon"] = situation.echelon
    if situation.indice:
        entree["indice"] = situation.indice
    if situation.echelle:
        entree["echelle"] = situation.echelle
    if agent.commune_residence:
        entree["affectation"] = agent.commune_residence
    if situation.quotite != 100:
        entree["quotite"] = situation.quotite
    if versees := indemnites_au(
        indemnites=agent.indemnites.all() if indemnites is None else indemnites, mois=mois
    ):
        entree["indemnites"] = versees
    return entree


def elements_paie(*, agent: Agent, situation: SituationAdministrative, mois: date) -> ElementsPaie:
    if not situation.connue:
        return ElementsPaie(mois=mois, bulletin=None, motif=_("Aucune situation à cette date."))
    if situation.position == Position.MISE_A_DISPOSITION and not (
        situation.grade_code or situation.indice
    ):
        # The host's file of an agent put at its disposal carries no grade: the home pays.
        return ElementsPaie(mois=mois, bulletin=None, motif=str(MOTIF_MAD_ACCUEILLI))
    if situation.position in POSITIONS_NON_PAYEES:
        return ElementsPaie(
            mois=mois, bulletin=None, motif=str(POSITIONS_NON_PAYEES[situation.position])
        )
    if situation.quotite == 0:
        return ElementsPaie(mois=mois, bulletin=None, motif=str(MOTIF_TRAITEMENT_SUSPENDU))
    try:
        bulletin = remuneration.bulletin_calculer(
            situation=situation_paie(agent=agent, situation=situation, mois=mois)
        )
    except (DonneeInvalide, ParametreIntrouvable) as erreur:
        return ElementsPaie(
            mois=mois,
            bulletin=None,
            motif=_("Calcul impossible — %(erreur)s. Complétez le dossier.") % {"erreur": erreur},
        )
    return ElementsPaie(mois=mois, bulletin=bulletin)
