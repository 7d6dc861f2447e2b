"""Writes of reference data: the fixture loader and the correction of a parameter.

Parameters are insert-only (see `models`). Each write is one transaction with its audit row in the
platform chain (public schema).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from referentiel import fixtures_io
from referentiel.models import Corps, Grade, Parametre, Statut, Territoire


class CorrectionInvalide(ValueError):
    """A correction that cannot be recorded; the message names the field to fix (French)."""

    def __init__(self, *, champ: str, message: str) -> None:
        self.champ = champ
        super().__init__(f"{champ} : {message}")


@dataclass(frozen=True)
class BilanChargement:
    parametres_enregistres: int
    parametres_inchanges: int
    corps: int
    grades: int
    territoires: int


@transaction.atomic
def referentiel_charger(*, auteur: str, instant: datetime | None = None) -> BilanChargement:
    """Load the fixture files. Idempotent: a fixture value is recorded only when it differs from
    the last value that fixture recorded, so re-running changes nothing and an administrator's
    correction stays in force until the fixture itself changes."""
    now = instant or timezone.now()
    enregistres = inchanges = 0
    # Set-based: the fixtures' last recorded values in one query, new rows in one insert.
    dernieres: dict[tuple[str, date], Parametre] = {}
    for row in Parametre.objects.exclude(fichier="").order_by("enregistre_le", "id"):
        dernieres[(row.code, row.valide_du)] = row
    nouveaux: list[Parametre] = []
    for item in fixtures_io.parametres_fixtures():
        last = dernieres.get((item.code, item.valide_du))
        if (
            last is not None
            and last.valeur == item.valeur
            and last.source == item.source
            and last.statut == item.statut
        ):
            inchanges += 1
            continue
        nouveaux.append(
            Parametre(
                code=item.code,
                valide_du=item.valide_du,
                enregistre_le=now,
                valeur=item.valeur,
                source=item.source,
                statut=item.statut,
                auteur=auteur,
                motif=f"chargement du fichier de référence {item.fichier}",
                fichier=item.fichier,
            )
        )
        enregistres += 1
    Parametre.objects.bulk_create(nouveaux)
    corps = {c.code: c for c in fixtures_io.corps_fixtures()}
    Corps.objects.bulk_create(
        [
            Corps(code=c.code, libelle_fr=c.libelle_fr, libelle_ar=c.libelle_ar, source=c.source)
            for c in corps.values()
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["libelle_fr", "libelle_ar", "source"],
    )
    grades = fixtures_io.grades_fixtures()
    corps_ids = dict(Corps.objects.values_list("code", "id"))
    Grade.objects.bulk_create(
        [
            Grade(
                code=g.code,
                corps_id=corps_ids[g.corps_code],
                libelle_fr=g.libelle_fr,
                libelle_ar=g.libelle_ar,
                source=g.source,
            )
            for g in grades
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["corps_id", "libelle_fr", "libelle_ar", "source"],
    )
    territoires = fixtures_io.territoires_fixtures()
    Territoire.objects.bulk_create(
        [
            Territoire(
                code=t.code,
                niveau=t.niveau,
                nom_fr=t.nom_fr,
                nom_ar=t.nom_ar,
                parent_code=t.parent_code,
                statut=t.statut,
                source=t.source,
            )
            for t in territoires
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["niveau", "nom_fr", "nom_ar", "parent_code", "statut", "source"],
    )
    bilan = BilanChargement(
        parametres_enregistres=enregistres,
        parametres_inchanges=inchanges,
        corps=len(corps),
        grades=len(grades),
        territoires=len(territoires),
    )
    audit_record(
        actor=auteur,
        action="referentiel.charger",
        object_type="referentiel",
        data={
            "parametres_enregistres": enregistres,
            "parametres_inchanges": inchanges,
            "corps": len(corps),
            "grades": len(grades),
            "territoires": len(territoires),
        },
    )
    return bilan


def _meme_forme(ancienne: Any, nouvelle: Any) -> bool:
    """Same JSON shape: same keys, same kinds (numbers, strings, booleans, lists, objects);
    a null may stand for an open bound where a number was, and the reverse."""
    if isinstance(ancienne, dict):
        return (
            isinstance(nouvelle, dict)
            and ancienne.keys() == nouvelle.keys()
            and all(_meme_forme(ancienne[k], nouvelle[k]) for k in ancienne)
        )
    if isinstance(ancienne, list):
        # Item i is compared with the old item i (or the first one, for a longer list).
        return isinstance(nouvelle, list) and (
            not ancienne
            or (
                len(nouvelle) > 0
                and all(
                    _meme_forme(ancienne[k] if k < len(ancienne) else ancienne[0], item)
                    for k, item in enumerate(nouvelle)
                )
            )
        )
    if ancienne is None or nouvelle is None:
        autre = nouvelle if ancienne is None else ancienne
        return autre is None or (isinstance(autre, int) and not isinstance(autre, bool))
    if isinstance(ancienne, bool):
        return isinstance(nouvelle, bool)
    if isinstance(ancienne, int):
        return isinstance(nouvelle, int) and not isinstance(nouvelle, bool)
    return type(ancienne) is type(nouvelle)


def parametre_correction_verifier(
    *, code: str, valeur: Any, source: str, statut: str, motif: str
) -> Parametre:
    """Check a correction without writing it (forms call it to show errors on their fields);
    returns the latest recording of the parameter, whose value shape the correction must keep."""
    if not source.strip():
        raise CorrectionInvalide(champ="source", message="la source de la valeur est obligatoire")
    if not motif.strip():
        raise CorrectionInvalide(champ="motif", message="le motif de la correction est obligatoire")
    if statut not in Statut.values:
        raise CorrectionInvalide(champ="statut", message=f"statut « {statut} » inconnu")
    reference = Parametre.objects.filter(code=code).order_by("-valide_du", "-enregistre_le").first()
    if reference is None:
        raise CorrectionInvalide(champ="code", message=f"paramètre « {code} » inconnu")
    if not _meme_forme(reference.valeur, valeur):
        raise CorrectionInvalide(
            champ="valeur",
            message=f"la valeur n'a pas la forme des valeurs existantes de « {code} »",
        )
    return reference


@transaction.atomic
def parametre_corriger(
    *,
    code: str,
    valide_du: date,
    valeur: Any,
    source: str,
    statut: str,
    motif: str,
    auteur: str,
) -> Parametre:
    """Record a corrected value (or a new dated value) of an existing parameter.

    Nothing is overwritten: the new row has a later `enregistre_le`, so computations replayed at an
    earlier instant still see the value they used."""
    parametre_correction_verifier(
        code=code, valeur=valeur, source=source, statut=statut, motif=motif
    )
    precedente = (
        Parametre.objects.filter(code=code, valide_du=valide_du)
        .order_by("-enregistre_le", "-id")
        .first()
    )
    row = Parametre.objects.create(
        code=code,
        valide_du=valide_du,
        enregistre_le=timezone.now(),
        valeur=valeur,
        source=source,
        statut=statut,
        auteur=auteur,
        motif=motif,
    )
    audit_record(
        actor=auteur,
        action="referentiel.parametre.corriger",
        object_type="referentiel.Parametre",
        object_id=str(row.id),
        data={
            "code": code,
            "valide_du": valide_du.isoformat(),
            "valeur": valeur,
            "valeur_remplacee": None if precedente is None else precedente.valeur,
            "version_remplacee": None if precedente is None else precedente.id,
            "motif": motif,
        },
    )
    return row
