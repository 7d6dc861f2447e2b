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


def poste_erreur(
    *, code: str, grade_code: str, echelle: str, agent_id: int | None = None
) -> str | None:
    """Why an act cannot put an agent of this grade (échelle) on the post `code`, or None:
    the post must be active, of that grade (or of that category) and have a vacancy, the
    agent itself not counted."""
    poste = PosteBudgetaire.objects.filter(code=code).first()
    if poste is None or not poste.actif:
        return _("Le poste budgétaire « %(code)s » n'existe pas ou n'est plus actif.") % {
            "code": code
        }
    if poste.grade_code and poste.grade_code != grade_code:
        return _(
            "Le poste « %(code)s » est budgété pour le grade %(poste)s, pas pour %(grade)s : "
            "choisissez un poste de ce grade."
        ) % {"code": code, "poste": poste.grade_code, "grade": grade_code or "—"}
    if not poste.grade_code and poste.categorie and poste.categorie != echelle:
        return _(
            "Le poste « %(code)s » est budgété pour l'échelle %(poste)s, pas pour %(echelle)s."
        ) % {"code": code, "poste": poste.categorie, "echelle": echelle or "—"}
    occupants = Agent.objects.filter(_occupants(), poste_code=code)
    if agent_id is not None:
        occupants = occupants.exclude(id=agent_id)
    occupes = occupants.count()
    if occupes >= poste.nombre:
        return _(
            "Aucun poste budgétaire libre sur « %(code)s » (%(nombre)d budgétés, tous occupés) : "
            "choisissez un poste vacant du grade ou libérez-en un."
        ) % {"code": code, "nombre": poste.nombre}
    return None


def postes_libres(*, grade_code: str, echelle: str) -> list[str]:
    """Codes of the active posts of this grade (or category) that still have a vacancy."""
    return [
        o.code
        for o in occupation_list()
        if o.actif
        and o.vacants > 0
        and (o.grade_code == grade_code or (not o.grade_code and o.categorie == echelle))
    ]
