"""Budget posts: existence and occupancy, derived from agents' current situations."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from modules.personnel.models import POSITIONS_OCCUPANT_POSTE, Agent, PosteBudgetaire


@dataclass(frozen=True)
class Occupation:
    id: int
    actif: bool
    code: str
    libelle: str
    grade_code: str
    categorie: str
    ligne_budgetaire: str
    nombre: int
    occupes: int

    @property
    def vacants(self) -> int:
        return self.nombre - self.occupes


def _occupants() -> Q:
    return Q(position__in=list(POSITIONS_OCCUPANT_POSTE))


def poste_existe(*, code: str) -> bool:
    return PosteBudgetaire.objects.filter(code=code, actif=True).exists()


def occupation_list() -> list[Occupation]:
    """Every post with its occupancy, in two queries whatever the number of agents."""
    occupes = dict(
        Agent.objects.filter(_occupants())
        .exclude(poste_code="")
        .values("poste_code")
        .annotate(n=Count("id"))
        .values_list("poste_code", "n")
    )
    return [
        Occupation(
            id=p.id,
            actif=p.actif,
            code=p.code,
            libelle=p.libelle,
            grade_code=p.grade_code,
            categorie=p.categorie,
            ligne_budgetaire=p.ligne_budgetaire,
            nombre=p.nombre,
            occupes=occupes.get(p.code, 0),
        )
        for p in PosteBudgetaire.objects.all()
    ]


def poste_verifier_capacite(*, code: str) -> None:
    """Inside the write's transaction: the post must not hold more agents than budgeted.
    Locks the post's row so two recruitments on its last vacancy cannot both pass."""
    poste = PosteBudgetaire.objects.select_for_update().filter(code=code).first()
    if poste is None:
        raise ValidationError(
            {"poste_code": _("Le poste budgétaire « %(code)s » n'existe pas.") % {"code": code}}
        )
    occupes = Agent.objects.filter(_occupants(), poste_code=code).count()
    if occupes > poste.nombre:
        raise ValidationError(
            {
                "poste_code": _(
                    "Le poste budgétaire « %(code)s » est complet (%(nombre)d postes budgétés, "
                    "tous occupés) : choisissez un poste vacant ou libérez-en un."
                )
                % {"code": code, "nombre": poste.nombre}
            }
        )


def postes_actifs() -> list[tuple[str, str]]:
    """(code, label) of the active posts, for choice lists."""
    return list(
        PosteBudgetaire.objects.filter(actif=True).order_by("code").values_list("code", "libelle")
    )
