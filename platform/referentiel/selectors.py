"""Reads of reference data. Parameters are resolved bitemporally (see `resolution`).

Parameter sets are cached in the process: an act's impact reads one set per month of arrears,
and every act of every tenant reads the same few (the referentiel is in the public schema,
shared by the tenants). The cache is keyed on the month and on the *state* of the recordings
known at the instant asked (`EtatParametres`: the latest recording instant, the number of
recordings and the greatest id). Recordings are insert-only and their ids only grow, so any
new recording — a correction, a reload, even one backdated — changes the state, and the next
computation reads the new set; a replay at an older instant keeps its own state and so its
own set. One aggregate query per computation decides the state; the sets themselves are read
once per process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection
from django.utils import timezone

from referentiel.models import Grade, Parametre, Territoire
from referentiel.resolution import Enregistrement, JeuParametres, ValeurEnVigueur, jeu_resoudre


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


@dataclass(frozen=True)
class EtatParametres:
    """The recordings known at an instant, in three numbers: equal states, equal recordings.

    `instant` is the latest recording instant at or before the instant asked (None: nothing
    recorded); resolving at `instant` gives the same set as resolving at any later instant of
    the same state, which is why a computation stores it as its `connu_au`."""

    instant: datetime | None
    nombre: int
    dernier_id: int


def parametres_etat(*, connu_au: datetime | None = None) -> EtatParametres:
    """The state of the recordings known at `connu_au` (default: now): one aggregate query,
    written in SQL because it runs for every computation (the ORM's compilation cost more than
    the query on a few hundred rows)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT max(enregistre_le), count(*), coalesce(max(id), 0) "  # noqa: S608
            f'FROM "{Parametre._meta.db_table}" WHERE enregistre_le <= %s',
            [connu_au or timezone.now()],
        )
        instant, nombre, dernier = cursor.fetchone()
    return EtatParametres(instant=instant, nombre=nombre, dernier_id=dernier)


_JEUX_MAX = 1024
_jeux: OrderedDict[tuple[date, EtatParametres], Mapping[str, ValeurEnVigueur]] = OrderedDict()
_jeux_verrou = threading.Lock()


def jeux_cache_vider() -> None:
    """Forget the cached sets (never needed for correctness: a new recording changes the key)."""
    with _jeux_verrou:
        _jeux.clear()


def jeux_cache_taille() -> int:
    return len(_jeux)


def _jeu_lire(*, le: date, instant: datetime, dernier_id: int) -> Mapping[str, ValeurEnVigueur]:
    """The set read from the database. `dernier_id` bounds the rows to those the state counted:
    a recording committed between the state's query and this one is not mixed in."""
    rows = Parametre.objects.filter(
        valide_du__lte=le, enregistre_le__lte=instant, id__lte=dernier_id
    )
    return jeu_resoudre(
        enregistrements=(_enregistrement(row) for row in rows.iterator()), le=le, connu_au=instant
    ).valeurs


def jeu_parametres(
    *,
    le: date,
    connu_au: datetime | None = None,
    etat: EtatParametres | None = None,
    cache: bool = True,
) -> JeuParametres:
    """Every parameter in force on `le`, as recorded at `connu_au` (default: now).

    Replaying a stored computation passes the instant it recorded, so later corrections do not
    change its result. `etat`: the state at `connu_au` when the caller already has it (one
    computation reads it once for all its months). `cache=False` reads the database (the
    benchmarks' baseline)."""
    instant = connu_au or timezone.now()
    if not cache:
        rows = Parametre.objects.filter(valide_du__lte=le, enregistre_le__lte=instant)
        return jeu_resoudre(
            enregistrements=(_enregistrement(row) for row in rows.iterator()),
            le=le,
            connu_au=instant,
        )
    etat = etat or parametres_etat(connu_au=instant)
    cle = (le, etat)
    with _jeux_verrou:
        valeurs = _jeux.get(cle)
        if valeurs is not None:
            _jeux.move_to_end(cle)
    if valeurs is None:
        valeurs = _jeu_lire(le=le, instant=instant, dernier_id=etat.dernier_id)
        with _jeux_verrou:
            _jeux[cle] = valeurs
            while len(_jeux) > _JEUX_MAX:
                _jeux.popitem(last=False)
    return JeuParametres(le=le, connu_au=instant, valeurs=valeurs)


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


def territoires_choix() -> list[tuple[str, str]]:
    """(code, "code — nom (fr) / nom (ar)") of the territories, for residence choice lists."""
    return [
        (code, f"{code} — {fr} / {ar}")
        for code, fr, ar in Territoire.objects.order_by("code").values_list(
            "code", "nom_fr", "nom_ar"
        )
    ]
