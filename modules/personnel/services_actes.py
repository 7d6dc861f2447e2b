"""Writes that a visé act makes to an agent's file, beyond career events: indemnities granted
or withdrawn, family changes, a new residence. Each is one transaction with its audit row and
the act's reference; the acts module reaches them only through the facade.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit import services as audit_services
from modules.personnel import services_famille
from modules.personnel.models import Agent, Enfant, IndemniteAgent


def indemnite_attribuer(
    *,
    auteur: str,
    agent: Agent,
    code: str,
    libelle: str,
    montant: Decimal,
    imposable: bool,
    soumise_retraite: bool,
    du: date,
    reference: str,
) -> IndemniteAgent:
    if montant <= 0:
        raise ValidationError({"montant": _("Le montant doit être positif.")})
    with transaction.atomic():
        agent = Agent.objects.select_for_update().get(pk=agent.pk)
        if IndemniteAgent.objects.filter(agent=agent, code=code, au__isnull=True).exists():
            raise ValidationError(
                {
                    "code": _(
                        "L'indemnité %(code)s est déjà attribuée à cet agent : retirez-la "
                        "d'abord ou rectifiez l'acte qui l'a attribuée."
                    )
                    % {"code": code}
                }
            )
        indemnite = IndemniteAgent.objects.create(
            agent=agent,
            code=code,
            libelle=libelle,
            montant=montant,
            imposable=imposable,
            soumise_retraite=soumise_retraite,
            du=du,
            reference=reference,
            auteur=auteur,
        )
        audit_services.audit_record(
            actor=auteur,
            action="personnel.indemnite_attribuer",
            object_type="agent",
            object_id=str(agent.id),
            data={
                "indemnite": indemnite.id,
                "code": code,
                "montant": f"{montant:.2f}",
                "du": du.isoformat(),
                "reference": reference,
            },
        )
    return indemnite


def indemnite_retirer(
    *, auteur: str, agent: Agent, code: str, a_partir_du: date, reference: str
) -> IndemniteAgent:
    """Close the open period of the indemnity `code` the day before `a_partir_du`."""
    with transaction.atomic():
        agent = Agent.objects.select_for_update().get(pk=agent.pk)
        indemnite = (
            IndemniteAgent.objects.select_for_update()
            .filter(agent=agent, code=code, au__isnull=True)
            .first()
        )
        if indemnite is None:
            raise ValidationError(
                {"code": _("L'agent ne perçoit pas l'indemnité %(code)s.") % {"code": code}}
            )
        fin = a_partir_du - timedelta(days=1)
        if fin < indemnite.du:
            raise ValidationError(
                {
                    "date_effet": _(
                        "Le retrait (%(date)s) précède l'attribution (%(du)s) : annulez plutôt "
                        "l'acte d'attribution."
                    )
                    % {
                        "date": a_partir_du.strftime("%d/%m/%Y"),
                        "du": indemnite.du.strftime("%d/%m/%Y"),
                    }
                }
            )
        indemnite.au = fin
        indemnite.save(update_fields=["au"])
        audit_services.audit_record(
            actor=auteur,
            action="personnel.indemnite_retirer",
            object_type="agent",
            object_id=str(agent.id),
            data={"indemnite": indemnite.id, "au": fin.isoformat(), "reference": reference},
        )
    return indemnite


def famille_changer(
    *,
    auteur: str,
    agent: Agent,
    reference: str,
    situation_familiale: str | None = None,
    conjoint_a_charge: bool | None = None,
    naissances: list[tuple[str, date, bool]] | None = None,
    deces: list[tuple[int, date]] | None = None,
) -> None:
    """Apply a family change in one transaction: new marital status, dependent spouse, children
    born (first name, birth date, disabled) and children deceased (child id, date)."""
    with transaction.atomic():
        agent = Agent.objects.select_for_update().get(pk=agent.pk)
        champs: dict[str, object] = {}
        if situation_familiale is not None and situation_familiale != agent.situation_familiale:
            champs["situation_familiale"] = situation_familiale
        if conjoint_a_charge is not None and conjoint_a_charge != agent.conjoint_a_charge:
            champs["conjoint_a_charge"] = conjoint_a_charge
        if champs:
            for champ, valeur in champs.items():
                setattr(agent, champ, valeur)
            agent.save(update_fields=[*champs, "modifie_le"])
        for prenom, naissance, handicape in naissances or []:
            services_famille.enfant_ajouter(
                auteur=auteur,
                agent=agent,
                prenom=prenom,
                date_naissance=naissance,
                handicape=handicape,
                motif=reference,
            )
        for enfant_id, le in deces or []:
            enfant = Enfant.objects.select_for_update().filter(agent=agent, id=enfant_id).first()
            if enfant is None:
                raise ValidationError({"enfant": _("Cet enfant n'est pas dans le dossier.")})
            enfant.date_deces = le
            enfant.save(update_fields=["date_deces"])
        audit_services.audit_record(
            actor=auteur,
            action="personnel.famille_changer",
            object_type="agent",
            object_id=str(agent.id),
            data={
                "champs": sorted(champs),
                "naissances": len(naissances or []),
                "deces": [e for e, _le in deces or []],
                "reference": reference,
            },
        )


def residence_changer(*, auteur: str, agent: Agent, commune_residence: str, reference: str) -> None:
    with transaction.atomic():
        agent = Agent.objects.select_for_update().get(pk=agent.pk)
        if agent.commune_residence == commune_residence:
            return
        avant = agent.commune_residence
        agent.commune_residence = commune_residence
        agent.save(update_fields=["commune_residence", "modifie_le"])
        audit_services.audit_record(
            actor=auteur,
            action="personnel.residence_changer",
            object_type="agent",
            object_id=str(agent.id),
            data={"avant": avant, "apres": commune_residence, "reference": reference},
        )
