"""Reads of reference data. Parameters are resolved bitemporally (see `resolution`)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from referentiel.models import Grade, Parametre, Territoire
from referentiel.resolution import Enregistrement, JeuParametres, jeu_resoudre


def _enregistrement(row: Parametre) -> Enregistrement:
    return Enregistrement(
        code=row.code,
        valide_du=row.valide_du,
        enregistre_le=row.enregistre_le,
        valeur=row.valeur,
        source=row.source,
        statut=row.statut,
        version=str(row.id),
    )


def jeu_parametres(*, le: date, connu_au: datetime | None = None) -> JeuParametres:
    """Every parameter in force on `le`, as recorded at `connu_au` (default: now).

    Replaying a stored computation passes the instant it recorded, so later corrections do not
    change its result."""
    instant = connu_au or timezone.now()
    rows = Parametre.objects.filter(valide_du__lte=le, enregistre_le__lte=instant)
    return jeu_resoudre(
        enregistrements=(_enregistrement(row) for row in rows.iterator()), le=le, connu_au=instant
    )


def parametres_existent() -> bool:
    return Parametre.objects.exists()


def parametre_historique(*, code: str) -> list[Parametre]:
    """Every recording of one parameter, by valid date then recording instant."""
    return list(Parametre.objects.filter(code=code).order_by("valide_du", "enregistre_le", "id"))


def territoire_chaine(*, code: str) -> list[str]:
    """The territory's code followed by its parents' codes (commune → province → région);
    empty when the code is unknown."""
    chaine: list[str] = []
    courant: str | None = code
    while courant and courant not in chaine:
        territoire = Territoire.objects.filter(code=courant).only("code", "parent_code").first()
        if territoire is None:
            break
        chaine.append(territoire.code)
        courant = territoire.parent_code or None
    return chaine


def grade_codes() -> frozenset[str]:
    """Codes of every grade in the nomenclature (a few hundred rows at most)."""
    return frozenset(Grade.objects.values_list("code", flat=True))


def grade_corps(*, code: str) -> str | None:
    """The corps code of a grade, or None when the grade is unknown."""
    return Grade.objects.filter(code=code).values_list("corps__code", flat=True).first()


def territoire_codes() -> frozenset[str]:
    return frozenset(Territoire.objects.values_list("code", flat=True))


def grade_libelles() -> dict[str, tuple[str, str]]:
    """Grade code → (French, Arabic) label, for pages that name grades."""
    return {
        code: (fr, ar)
        for code, fr, ar in Grade.objects.order_by("code").values_list(
            "code", "libelle_fr", "libelle_ar"
        )
    }
