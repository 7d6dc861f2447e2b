"""Writes to the unit tree. Each is one transaction with its audit row.

Tree-shaping writes (create, move, reactivate, import) take one advisory lock per tenant schema:
they are rare, and serialising them is what makes "no cycle" hold under concurrency (two moves
that are each fine alone could otherwise make a loop together).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from audit import services as audit_services
from modules.unites import importation
from modules.unites.models import CODE_MAX_LENGTH, CODE_PATTERN, Unite, UniteKind
from modules.unites.perimetres import TOUT, Perimetre

CHEMIN_MAX_LENGTH = Unite._meta.get_field("chemin").max_length or 2000
EDITABLE_FIELDS = ("kind", "nom_fr", "nom_ar", "imputation_budgetaire")


def _lock_tree() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':unites'))")


def code_error(code: str) -> str | None:
    """Why `code` cannot be a unit code, in words that say what to write instead."""
    if not code:
        return _("Le code est obligatoire.")
    if len(code) > CODE_MAX_LENGTH or not re.fullmatch(CODE_PATTERN, code):
        return _(
            "« %(code)s » n'est pas un code valide : utilisez des lettres majuscules sans accent, "
            "des chiffres et des tirets (par exemple « DR-FES »), %(max)d caractères au plus."
        ) % {"code": code, "max": CODE_MAX_LENGTH}
    return None


def _chemin_sous(parent: Unite | None, code: str) -> str:
    chemin = f"{parent.chemin if parent else '/'}{code}/"
    if len(chemin) > CHEMIN_MAX_LENGTH:
        raise ValidationError({"parent": _("L'arborescence serait trop profonde à cet endroit.")})
    return chemin


def _check_parent_active(parent: Unite | None) -> None:
    if parent is not None and not parent.active:
        raise ValidationError(
            {
                "parent": _(
                    "L'unité parente « %(code)s » est désactivée : réactivez-la ou choisissez-en "
                    "une autre."
                )
                % {"code": parent.code}
            }
        )


def _check_fields(*, kind: str, nom_fr: str) -> None:
    if kind not in UniteKind.values:
        raise ValidationError({"kind": _("Type d'unité inconnu.")})
    if not nom_fr.strip():
        raise ValidationError({"nom_fr": _("Le nom en français est obligatoire.")})


def unite_create(
    *,
    actor: str,
    code: str,
    parent: Unite | None,
    kind: str,
    nom_fr: str,
    nom_ar: str = "",
    imputation_budgetaire: str = "",
) -> Unite:
    problem = code_error(code)
    if problem:
        raise ValidationError({"code": problem})
    _check_fields(kind=kind, nom_fr=nom_fr)
    with transaction.atomic():
        _lock_tree()
        if parent is not None:
            parent.refresh_from_db()
        _check_parent_active(parent)
        if Unite.objects.filter(code=code).exists():
            raise ValidationError(
                {
                    "code": _("Le code « %(code)s » est déjà utilisé par une autre unité.")
                    % {"code": code}
                }
            )
        unite = Unite.objects.create(
            code=code,
            parent=parent,
            kind=kind,
            nom_fr=nom_fr.strip(),
            nom_ar=nom_ar.strip(),
            imputation_budgetaire=imputation_budgetaire.strip(),
            chemin=_chemin_sous(parent, code),
        )
        audit_services.audit_record(
            actor=actor,
            action="unite.creee",
            object_type="unite",
            object_id=str(unite.id),
            data={"code": code, "chemin": unite.chemin, "kind": kind, "nom_fr": unite.nom_fr},
        )
    return unite


def unite_update(
    *,
    actor: str,
    unite: Unite,
    kind: str,
    nom_fr: str,
    nom_ar: str = "",
    imputation_budgetaire: str = "",
) -> Unite:
    """Names, type and budget imputation. The code never changes: habilitations refer to it."""
    _check_fields(kind=kind, nom_fr=nom_fr)
    new = {
        "kind": kind,
        "nom_fr": nom_fr.strip(),
        "nom_ar": nom_ar.strip(),
        "imputation_budgetaire": imputation_budgetaire.strip(),
    }
    with transaction.atomic():
        current = Unite.objects.select_for_update().get(id=unite.id)
        changes: dict[str, Any] = {
            field: [getattr(current, field), value]
            for field, value in new.items()
            if getattr(current, field) != value
        }
        if not changes:
            return current
        Unite.objects.filter(id=current.id).update(**new)
        audit_services.audit_record(
            actor=actor,
            action="unite.modifiee",
            object_type="unite",
            object_id=str(current.id),
            data={"code": current.code, "changements": changes},
        )
        current.refresh_from_db()
    return current


def unite_move(*, actor: str, unite: Unite, parent: Unite | None) -> Unite:
    """Put `unite` and its subtree under `parent` (None: at the root), paths in one UPDATE."""
    with transaction.atomic():
        _lock_tree()
        unite.refresh_from_db()
        if parent is not None:
            parent.refresh_from_db()
            if parent.chemin.startswith(unite.chemin):
                raise ValidationError(
                    {
                        "parent": _(
                            "« %(unite)s » ne peut pas être placée sous « %(parent)s », qui est "
                            "elle-même ou l'une de ses sous-unités : choisissez une unité hors de "
                            "cette branche."
                        )
                        % {"unite": unite.code, "parent": parent.code}
                    }
                )
        if unite.parent_id == (parent.id if parent else None):
            return unite
        _check_parent_active(parent)
        old, new = unite.chemin, _chemin_sous(parent, unite.code)
        deepest = (
            Unite.objects.filter(chemin__startswith=old)
            .order_by("-chemin")
            .values_list("chemin", flat=True)
        )
        if any(len(new) + len(c) - len(old) > CHEMIN_MAX_LENGTH for c in deepest):
            raise ValidationError(
                {"parent": _("L'arborescence serait trop profonde à cet endroit.")}
            )
        moved = Unite.objects.filter(chemin__startswith=old).update(
            chemin=Concat(Value(new), Substr("chemin", len(old) + 1))
        )
        Unite.objects.filter(id=unite.id).update(parent=parent)
        audit_services.audit_record(
            actor=actor,
            action="unite.deplacee",
            object_type="unite",
            object_id=str(unite.id),
            data={"code": unite.code, "de": old, "vers": new, "unites_deplacees": moved},
        )
        unite.refresh_from_db()
    return unite


def unite_deactivate(*, actor: str, unite: Unite) -> Unite:
    """Refused while active sub-units remain: nothing is deactivated behind the admin's back."""
    with transaction.atomic():
        _lock_tree()
        unite.refresh_from_db()
        if not unite.active:
            return unite
        active_children = Unite.objects.filter(parent=unite, active=True).count()
        if active_children:
            raise ValidationError(
                _(
                    "L'unité « %(code)s » a encore %(n)d sous-unité(s) active(s) : "
                    "désactivez-les ou déplacez-les d'abord."
                )
                % {"code": unite.code, "n": active_children}
            )
        Unite.objects.filter(id=unite.id).update(active=False)
        audit_services.audit_record(
            actor=actor,
            action="unite.desactivee",
            object_type="unite",
            object_id=str(unite.id),
            data={"code": unite.code},
        )
        unite.refresh_from_db()
    return unite


def unite_reactivate(*, actor: str, unite: Unite) -> Unite:
    with transaction.atomic():
        _lock_tree()
        unite.refresh_from_db()
        if unite.active:
            return unite
        _check_parent_active(unite.parent)
        Unite.objects.filter(id=unite.id).update(active=True)
        audit_services.audit_record(
            actor=actor,
            action="unite.reactivee",
            object_type="unite",
            object_id=str(unite.id),
            data={"code": unite.code},
        )
        unite.refresh_from_db()
    return unite


def unites_import(
    *,
    actor: str,
    contenu: bytes,
    nom_fichier: str,
    perimeter: Perimetre = TOUT,
    appliquer: bool = True,
    progression: importation.Progression | None = None,
) -> importation.Plan:
    """Validate a CSV/XLSX file of new units and, when it is clean and `appliquer`, create them
    all; on any error, nothing is created. Parents are created before their children."""
    lecture = importation.lire(contenu=contenu, nom_fichier=nom_fichier)
    with transaction.atomic():
        _lock_tree()
        plan = importation.planifier(lecture=lecture, perimeter=perimeter)
        if plan.erreurs or not appliquer:
            return plan
        importation.creer(plan=plan, progression=progression)
        audit_services.audit_record(
            actor=actor,
            action="unites.importees",
            object_type="unite",
            data={
                "fichier": nom_fichier,
                "sha256": plan.empreinte,
                "nombre": len(plan.lignes),
                "codes": [ligne.code for ligne in plan.lignes],
            },
        )
    plan.applique = True
    return plan
