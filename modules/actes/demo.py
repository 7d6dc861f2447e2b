"""Demo acts (used by `make demo`, after the demo agents): a handful of acts in every state a
user meets, made through the real services by the demo users of each role.

In the ministry (`sante`): Rachid (gestionnaire) drafts, Salma (valideur) validates and
transmits, and the Treasury's answers are applied through the service API the exchange will
call (#8):
- an avancement d'échelon visé (with arrears, written into the agent's file);
- a mutation rejeté, with the TM's coded observations on the fields they concern;
- a birth transmis in a numbered bordereau, pris en charge;
- an indemnity attribution validé, waiting to be transmitted;
- an échelon advancement brouillon with anomalies (a skipped échelon);
- a clean mutation brouillon submitted to validation (Salma can validate it in the browser).
In the commune (`commune-fes`), whose only demo user is its administrator: the two drafts.

Agents are chosen among those whose pay the engine can compute (their residence is in a zone
the referentiel classifies) and for whom the act passes its checks, so the drafts' impact is
shown. Idempotent: when the demo drafter already has acts in the tenant, nothing is done. All
of a tenant's demo acts are made in one transaction (all or nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import schema_context

from modules.actes import impact, services
from modules.actes.models import Acte, Etat
from modules.actes.services import ObservationRecue
from modules.actes.types import communs, type_get
from modules.personnel.models import Agent
from modules.unites.perimetres import TOUT
from referentiel import selectors as referentiel
from tenants.models import Organisation

PDF = b"%PDF-1.4\n% INDIMAJ demo\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TRESOR = "tresor (démo)"


@dataclass(frozen=True)
class Equipe:
    """Who acts in the tenant's demo: the drafter and, when the tenant has one, the valideur."""

    redacteur: str
    valideur: str | None = None


EQUIPES: dict[str, Equipe] = {
    "sante": Equipe(redacteur="rachid.sante", valideur="salma.sante"),
    "commune-fes": Equipe(redacteur="youssef.fes"),
}


@dataclass
class BilanDemoActes:
    code: str
    deja_la: bool = False
    actes: dict[str, str] = field(default_factory=dict)  # act number → state

    def resume(self) -> str:
        if self.deja_la:
            return f"{self.code} : actes de démonstration déjà présents, rien à faire."
        lignes = [f"{self.code} : {len(self.actes)} acte(s) de démonstration créé(s)"]
        lignes += [f"  {numero} {etat}" for numero, etat in self.actes.items()]
        return "\n".join(lignes)


def _mois(decalage: int) -> date:
    """The first day of the month `decalage` months before the current one."""
    aujourd_hui = timezone.localdate()
    total = aujourd_hui.year * 12 + aujourd_hui.month - 1 - decalage
    return date(total // 12, total % 12 + 1, 1)


def zones_classees() -> list[str]:
    """Codes the referentiel classifies in a residence zone (province or commune)."""
    jeu = referentiel.jeu_parametres(le=timezone.localdate())
    return sorted(
        c.removeprefix("zone_residence.") for c in jeu.valeurs if c.startswith("zone_residence.")
    )


def _candidats() -> Iterator[Agent]:
    """Agents in activity whose pay the engine can compute, in a stable order."""
    classees = Q()
    for code in zones_classees():
        classees |= Q(commune_residence__startswith=code)
    yield from (
        Agent.objects.filter(classees, position="activite")
        .exclude(echelon="")
        .order_by("ppr")
        .iterator()
    )


Brutes = Callable[[Any], Mapping[str, Any] | None]


def _trouver(
    type_code: str, date_effet: date, brutes: Brutes, *, pris: set[int], propre: bool = True
) -> tuple[int, Mapping[str, Any]]:
    """The first agent (not already used) for whom the act reads, costs and — when `propre` —
    passes its checks: (agent id, the values to draft with)."""
    type_acte = type_get(type_code)
    assert type_acte is not None
    for agent in _candidats():
        if agent.id in pris:
            continue
        ctx = services.contexte(
            perimetre=TOUT, type_acte=type_acte, date_effet=date_effet, agent_id=agent.id
        )
        valeurs = brutes(ctx)
        if valeurs is None:
            continue
        donnees, erreurs = type_acte.lire(valeurs, ctx)
        if erreurs:
            continue
        if propre and any(a.bloquant for a in type_acte.verifier(ctx, donnees)):
            continue
        resultat, _lu = impact.impact_calculer(type_acte=type_acte, ctx=ctx, donnees=donnees)
        if resultat.get("erreur"):
            continue
        pris.add(agent.id)
        return agent.id, valeurs
    raise RuntimeError(f"aucun agent de démonstration ne convient pour « {type_code} »")


def _rediger(
    equipe: Equipe,
    type_code: str,
    date_effet: date,
    brutes: Brutes,
    *,
    pris: set[int],
    propre: bool = True,
    pieces: bool = True,
) -> Acte:
    agent_id, valeurs = _trouver(type_code, date_effet, brutes, pris=pris, propre=propre)
    acte = services.acte_creer(
        auteur=equipe.redacteur,
        perimetre=TOUT,
        type_code=type_code,
        date_effet=date_effet,
        brutes=valeurs,
        agent_id=agent_id,
    )
    if pieces:
        type_acte = type_get(type_code)
        assert type_acte is not None
        for type_piece in type_acte.pieces(services.version_courante(acte).donnees):
            services.piece_ajouter(
                auteur=equipe.redacteur,
                acte=acte,
                type_piece=type_piece,
                contenu=PDF,
                nom_fichier=f"{type_piece}-demo.pdf",
            )
    return acte


def _echelon_suivant(ctx: Any) -> Mapping[str, Any] | None:
    s = ctx.situation
    return {"echelon": communs.echelon_suivant(s.echelon)} if s and s.echelon else None


def _echelon_saute(ctx: Any) -> Mapping[str, Any] | None:
    """Two échelons up: the check names the échelon expected."""
    s = ctx.situation
    if not s or not s.echelon or not s.echelon.isdigit():
        return None
    return {"echelon": str(int(s.echelon) + 2)}


def _mutation(unites: list[str], communes: list[str]) -> Brutes:
    def brutes(ctx: Any) -> Mapping[str, Any] | None:
        s = ctx.situation
        autres = [u for u in unites if s is None or u != s.unite_code]
        ailleurs = [
            c for c in communes if ctx.agent and not ctx.agent.commune_residence.startswith(c)
        ]
        if not autres or not ailleurs:
            return None
        return {"unite_code": autres[0], "commune_residence": ailleurs[0]}

    return brutes


def _naissance(ctx: Any) -> Mapping[str, Any]:
    return {
        "evenement": "naissance",
        "enfant_prenom": "Yasmine",
        "enfant_date_naissance": ctx.date_effet.isoformat(),
    }


def _indemnite(ctx: Any) -> Mapping[str, Any]:
    return {
        "code": "SUJ-DEMO",
        "libelle": "Indemnité de sujétion (démo)",
        "montant": "800.00",
        "imposable": True,
    }


def _valider(equipe: Equipe, actes: list[Acte]) -> list[Acte]:
    assert equipe.valideur is not None
    return [services.acte_valider(auteur=equipe.valideur, acte=a) for a in actes]


def demo_actes(*, equipe: Equipe, code: str) -> BilanDemoActes:
    """In the tenant's schema: the demo acts (see the module docstring)."""
    bilan = BilanDemoActes(code=code)
    if Acte.objects.filter(cree_par=equipe.redacteur).exists():
        bilan.deja_la = True
        return bilan
    unites = sorted({u for u in Agent.objects.values_list("unite_code", flat=True) if u})
    communes = [c for c in zones_classees() if referentiel.territoire_chaine(code=c)]
    pris: set[int] = set()
    with transaction.atomic():
        faits: list[Acte] = []
        if equipe.valideur is not None:
            vise = _rediger(equipe, "avancement_echelon", _mois(4), _echelon_suivant, pris=pris)
            rejete = _rediger(equipe, "mutation", _mois(1), _mutation(unites, communes), pris=pris)
            transmis = _rediger(equipe, "situation_familiale", _mois(2), _naissance, pris=pris)
            valide = _rediger(equipe, "attribution_indemnite", _mois(0), _indemnite, pris=pris)
            for acte in (vise, rejete, transmis, valide):
                services.acte_soumettre(auteur=equipe.redacteur, acte=acte)
            vise, rejete, transmis, valide = _valider(equipe, [vise, rejete, transmis, valide])
            services.bordereaux_constituer(auteur=equipe.valideur, actes=[vise, rejete, transmis])
            for acte in (vise, rejete, transmis):
                services.reponse_appliquer(
                    acte_id=acte.id,
                    version=acte.version,
                    etat=Etat.PRIS_EN_CHARGE,
                    auteur=TRESOR,
                )
            services.reponse_appliquer(
                acte_id=vise.id,
                version=vise.version,
                etat=Etat.VISE,
                numero_visa=f"VISA-DEMO-{vise.numero}",
                auteur=TRESOR,
            )
            services.reponse_appliquer(
                acte_id=rejete.id,
                version=rejete.version,
                etat=Etat.REJETE,
                observations=[
                    ObservationRecue(
                        code="OBS-RES",
                        champ="commune_residence",
                        texte="Changement de résidence sans attestation de l'autorité locale.",
                    ),
                    ObservationRecue(
                        code="OBS-DATE",
                        champ="date_effet",
                        texte="Date d'effet antérieure à l'arrêté de mutation : à justifier.",
                    ),
                ],
                auteur=TRESOR,
            )
            faits += [vise, rejete, transmis, valide]
        anomalies = _rediger(
            equipe, "avancement_echelon", _mois(0), _echelon_saute, pris=pris, propre=False
        )
        soumis = _rediger(equipe, "mutation", _mois(0), _mutation(unites, communes), pris=pris)
        services.acte_soumettre(auteur=equipe.redacteur, acte=soumis)
        faits += [anomalies, soumis]
    for acte in faits:
        acte.refresh_from_db()
        a_valider = acte.soumis and acte.etat == Etat.BROUILLON
        bilan.actes[acte.numero] = f"{acte.type_code} — {Etat(acte.etat).label}" + (
            " (soumis à validation)" if a_valider else ""
        )
    return bilan


def demo_tenant(*, code: str) -> BilanDemoActes:
    """`python manage.py actes_demo --tenant CODE`."""
    equipe = EQUIPES.get(code)
    if equipe is None:
        raise ValueError(f"Pas de scénario d'actes de démonstration pour « {code} ».")
    organisation = Organisation.objects.exclude(schema_name="public").filter(code=code).first()
    if organisation is None:
        raise ValueError(f"Organisation inconnue : {code}")
    try:
        with schema_context(organisation.schema_name):
            return demo_actes(equipe=equipe, code=code)
    finally:
        connection.set_schema_to_public()  # type: ignore[attr-defined]
