"""Writes to the tenant's budget posts (postes budgétaires). Each is one transaction with its
audit row. Posts are whole-tenant data (Action.POSTES_GERER).

A post's code never changes once created: agents' situations and career events refer to it.
Occupancy is derived from agents' current situations (postes.py), and a write that would leave
a post holding more agents than it budgets, or an occupied post deactivated, is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit import services as audit_services
from modules.personnel.models import POSITIONS_OCCUPANT_POSTE, Agent, PosteBudgetaire
from referentiel import selectors as referentiel

CODE_POSTE = re.compile(r"^[A-Z0-9][A-Z0-9._/-]*$")
CHAMPS = ("libelle", "grade_code", "categorie", "ligne_budgetaire", "nombre")
CODE_MAX, LIBELLE_MAX, GRADE_MAX, CATEGORIE_MAX, LIGNE_MAX = 40, 200, 32, 20, 60


def _texte(valeur: Any) -> str:
    return "" if valeur is None else str(valeur).strip()


def code_erreur(code: str) -> str | None:
    if not code:
        return _("Le code du poste est obligatoire.")
    if len(code) > CODE_MAX or not CODE_POSTE.match(code):
        return _(
            "Code « %(code)s » invalide : 40 caractères au plus, lettres majuscules, chiffres, "
            "points, tirets, barres obliques (ex. P-ADM-2026)."
        ) % {"code": code}
    return None


def _normaliser(champs: Mapping[str, Any]) -> dict[str, Any]:
    propres: dict[str, Any] = {k: _texte(champs.get(k)) for k in CHAMPS if k != "nombre"}
    propres["grade_code"] = propres["grade_code"].upper()
    propres["nombre"] = champs.get("nombre")
    return propres


def poste_erreurs(champs: Mapping[str, Any]) -> dict[str, str]:
    """Every problem in a post's fields, by field name (nothing is written)."""
    erreurs: dict[str, str] = {}
    if not champs["libelle"]:
        erreurs["libelle"] = _("Le libellé est obligatoire.")
    elif len(champs["libelle"]) > LIBELLE_MAX:
        erreurs["libelle"] = _("Le libellé dépasse 200 caractères : raccourcissez-le.")
    if not champs["ligne_budgetaire"]:
        erreurs["ligne_budgetaire"] = _(
            "La ligne budgétaire est obligatoire (ex. 10.1.1.11 : chapitre, article, paragraphe, "
            "ligne)."
        )
    elif len(champs["ligne_budgetaire"]) > LIGNE_MAX:
        erreurs["ligne_budgetaire"] = _("La ligne budgétaire dépasse 60 caractères.")
    grade, categorie = champs["grade_code"], champs["categorie"]
    if not grade and not categorie:
        erreurs["grade_code"] = _("Indiquez le grade du poste, ou à défaut sa catégorie / échelle.")
    elif grade and grade not in referentiel.grade_codes():
        erreurs["grade_code"] = _(
            "Grade « %(code)s » inconnu du référentiel : choisissez un grade de la nomenclature."
        ) % {"code": grade}
    if len(categorie) > CATEGORIE_MAX:
        erreurs["categorie"] = _("La catégorie dépasse 20 caractères.")
    nombre = champs["nombre"]
    if not isinstance(nombre, int) or isinstance(nombre, bool) or nombre < 0:
        erreurs["nombre"] = _("Le nombre de postes budgétés doit être un entier positif ou nul.")
    return erreurs


def _occupes(code: str) -> int:
    return Agent.objects.filter(
        poste_code=code, position__in=list(POSITIONS_OCCUPANT_POSTE)
    ).count()


def poste_creer(
    *,
    auteur: str,
    code: str,
    libelle: str,
    ligne_budgetaire: str,
    nombre: int,
    grade_code: str = "",
    categorie: str = "",
) -> PosteBudgetaire:
    code = _texte(code).upper()
    champs = _normaliser(
        {
            "libelle": libelle,
            "grade_code": grade_code,
            "categorie": categorie,
            "ligne_budgetaire": ligne_budgetaire,
            "nombre": nombre,
        }
    )
    erreurs = poste_erreurs(champs)
    if probleme := code_erreur(code):
        erreurs["code"] = probleme
    if erreurs:
        raise ValidationError(erreurs)
    with transaction.atomic():
        if PosteBudgetaire.objects.filter(code=code).exists():
            raise ValidationError(
                {"code": _("Le poste « %(code)s » existe déjà : modifiez-le.") % {"code": code}}
            )
        poste = PosteBudgetaire.objects.create(code=code, **champs)
        audit_services.audit_record(
            actor=auteur,
            action="personnel.poste_creer",
            object_type="poste_budgetaire",
            object_id=code,
            data={k: str(v) for k, v in champs.items()},
        )
    return poste


def poste_modifier(
    *,
    auteur: str,
    poste: PosteBudgetaire,
    libelle: str,
    ligne_budgetaire: str,
    nombre: int,
    grade_code: str = "",
    categorie: str = "",
) -> PosteBudgetaire:
    """Change a post's description or its number of budgeted posts (never below the agents
    who hold it now)."""
    champs = _normaliser(
        {
            "libelle": libelle,
            "grade_code": grade_code,
            "categorie": categorie,
            "ligne_budgetaire": ligne_budgetaire,
            "nombre": nombre,
        }
    )
    if erreurs := poste_erreurs(champs):
        raise ValidationError(erreurs)
    with transaction.atomic():
        # The same lock as postes.poste_verifier_capacite: a recruitment on this post waits.
        poste = PosteBudgetaire.objects.select_for_update().get(pk=poste.pk)
        occupes = _occupes(poste.code)
        if champs["nombre"] < occupes:
            raise ValidationError(
                {
                    "nombre": _(
                        "%(occupes)d agent(s) occupent aujourd'hui le poste « %(code)s » : le "
                        "nombre de postes budgétés ne peut pas descendre sous %(occupes)d. "
                        "Affectez d'abord des agents à un autre poste, ou gardez %(occupes)d."
                    )
                    % {"occupes": occupes, "code": poste.code}
                }
            )
        changes = {k: v for k, v in champs.items() if getattr(poste, k) != v}
        if not changes:
            return poste
        avant = {k: str(getattr(poste, k)) for k in changes}
        for champ, valeur in changes.items():
            setattr(poste, champ, valeur)
        poste.save(update_fields=list(changes))
        audit_services.audit_record(
            actor=auteur,
            action="personnel.poste_modifier",
            object_type="poste_budgetaire",
            object_id=poste.code,
            data={"avant": avant, "apres": {k: str(v) for k, v in changes.items()}},
        )
    return poste


def poste_desactiver(*, auteur: str, poste: PosteBudgetaire) -> PosteBudgetaire:
    """No new agent can be placed on a deactivated post; one still occupied cannot be."""
    with transaction.atomic():
        poste = PosteBudgetaire.objects.select_for_update().get(pk=poste.pk)
        if not poste.actif:
            return poste
        occupes = _occupes(poste.code)
        if occupes:
            raise ValidationError(
                _(
                    "%(occupes)d agent(s) occupent encore le poste « %(code)s » : affectez-les à "
                    "un autre poste avant de le désactiver."
                )
                % {"occupes": occupes, "code": poste.code}
            )
        poste.actif = False
        poste.save(update_fields=["actif"])
        audit_services.audit_record(
            actor=auteur,
            action="personnel.poste_desactiver",
            object_type="poste_budgetaire",
            object_id=poste.code,
        )
    return poste


def poste_reactiver(*, auteur: str, poste: PosteBudgetaire) -> PosteBudgetaire:
    with transaction.atomic():
        poste = PosteBudgetaire.objects.select_for_update().get(pk=poste.pk)
        if poste.actif:
            return poste
        poste.actif = True
        poste.save(update_fields=["actif"])
        audit_services.audit_record(
            actor=auteur,
            action="personnel.poste_reactiver",
            object_type="poste_budgetaire",
            object_id=poste.code,
        )
    return poste
