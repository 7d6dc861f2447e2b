"""Writes to an agent's children. Each is one transaction with its audit row.

Children drive the allocations familiales and the IR dependants (famille.py), so every change
is audited with its reason; the child's first name (personal data) stays out of the chain.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit_services
from modules.personnel.models import Agent, Enfant


def enfant_erreurs(
    *, agent: Agent, prenom: str, date_naissance: date | None, date_deces: date | None
) -> dict[str, str]:
    erreurs: dict[str, str] = {}
    if not prenom.strip():
        erreurs["prenom"] = _("Indiquez le prénom de l'enfant.")
    if date_naissance is None:
        erreurs["date_naissance"] = _("Indiquez la date de naissance de l'enfant.")
    elif date_naissance > timezone.localdate():
        erreurs["date_naissance"] = _("La date de naissance est dans le futur.")
    elif agent.date_naissance is not None and date_naissance <= agent.date_naissance:
        erreurs["date_naissance"] = _(
            "L'enfant serait né avant l'agent (%(date)s) : vérifiez les deux dates."
        ) % {"date": agent.date_naissance.strftime("%d/%m/%Y")}
    if date_deces is not None and date_naissance is not None and date_deces < date_naissance:
        erreurs["date_deces"] = _("La date de décès précède la date de naissance.")
    return erreurs


def enfant_ajouter(
    *,
    auteur: str,
    agent: Agent,
    prenom: str,
    date_naissance: date | None,
    handicape: bool = False,
    scolarise: bool = False,
    date_deces: date | None = None,
    motif: str = "",
) -> Enfant:
    prenom = prenom.strip()
    erreurs = enfant_erreurs(
        agent=agent, prenom=prenom, date_naissance=date_naissance, date_deces=date_deces
    )
    if erreurs or date_naissance is None:  # a missing date is among the errors
        raise ValidationError(erreurs)
    with transaction.atomic():
        agent = Agent.objects.select_for_update().get(pk=agent.pk)
        enfant = Enfant.objects.create(
            agent=agent,
            prenom=prenom,
            date_naissance=date_naissance,
            handicape=handicape,
            scolarise=scolarise,
            date_deces=date_deces,
        )
        audit_services.audit_record(
            actor=auteur,
            action="personnel.enfant_ajouter",
            object_type="agent",
            object_id=str(agent.id),
            data={
                "enfant": enfant.id,
                "date_naissance": date_naissance.isoformat(),
                "handicape": handicape,
                "scolarise": scolarise,
                "motif": motif,
            },
        )
    return enfant


def enfant_retirer(*, auteur: str, agent: Agent, enfant_id: int, motif: str) -> None:
    """Remove a child entered by mistake (a death is a `date_deces`, not a removal).

    Raises Enfant.DoesNotExist when the child is not one of this agent's."""
    if not motif.strip():
        raise ValidationError({"motif": _("Indiquez le motif du retrait : il reste au journal.")})
    with transaction.atomic():
        agent = Agent.objects.select_for_update().get(pk=agent.pk)
        enfant = Enfant.objects.filter(agent=agent, id=enfant_id).first()
        if enfant is None:
            raise Enfant.DoesNotExist
        naissance = enfant.date_naissance
        enfant.delete()
        audit_services.audit_record(
            actor=auteur,
            action="personnel.enfant_retirer",
            object_type="agent",
            object_id=str(agent.id),
            data={"enfant": enfant_id, "date_naissance": naissance.isoformat(), "motif": motif},
        )
