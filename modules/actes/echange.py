"""The acts' side of the exchange (protocol v1, `docs/exchange/protocole-v1.md`): bordereaux
out as `actes` files, Treasury responses in through the gateway's `reponses` port.

The gateway (kernel) never imports this module: `apps.ActesConfig.ready` registers the
receiver, and the periodic job below calls the gateway to send.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_tenant_model

from exchange import facade as echange
from exchange.ports import RapportApplication
from exchange.protocole.manifeste import Manifeste
from modules.actes import recettes, services
from modules.actes.models import Acte, Bordereau, Etat, LigneBordereau, Transition
from modules.notifications import facade as notifications
from modules.personnel import facade as personnel
from modules.unites.perimetres import TOUT


def partie_ordonnateur(emetteur_code: str = "") -> str:
    """This tenant as a party: `ORD:<code>`, or `ORD:<code>/<unit>` for a sous-ordonnateur."""
    schema = connection.schema_name  # type: ignore[attr-defined]
    code = (
        get_tenant_model().objects.filter(schema_name=schema).values_list("code", flat=True).get()
    )
    return f"ORD:{code}/{emetteur_code}" if emetteur_code else f"ORD:{code}"


def partie_tresor() -> str:
    return str(getattr(settings, "INDIMAJ_EXCHANGE_TRESOR", "TGR:WADEF"))


def _agent(acte: Acte, donnees: dict[str, Any]) -> dict[str, Any]:
    if acte.agent_id is None:  # a recruitment: the identity is in the act
        return {
            "ppr": str(donnees.get("ppr", "")),
            "cin": donnees.get("cin") or None,
            "nom": str(donnees.get("nom_fr", "")),
            "prenom": str(donnees.get("prenom_fr", "")),
            "nom_ar": donnees.get("nom_ar") or None,
            "prenom_ar": donnees.get("prenom_ar") or None,
            "date_naissance": donnees.get("date_naissance") or None,
        }
    agent = personnel.agent_resume(perimetre=TOUT, agent_id=acte.agent_id)
    if agent is None:
        raise ValidationError(f"dossier de l'agent de l'acte {acte.numero} introuvable")
    return {
        "ppr": agent.ppr,
        "cin": None,
        "nom": agent.nom_fr,
        "prenom": agent.prenom_fr,
        "nom_ar": agent.nom_ar or None,
        "prenom_ar": agent.prenom_ar or None,
        "date_naissance": agent.date_naissance.isoformat() if agent.date_naissance else None,
    }


def enregistrements(bordereau: Bordereau) -> list[dict[str, Any]]:
    """The records of a bordereau's file: one per act version it carries."""
    lignes = (
        LigneBordereau.objects.filter(bordereau=bordereau).select_related("acte").order_by("id")
    )
    sortie = []
    for ligne in lignes:
        acte = ligne.acte
        version = acte.versions.get(numero=ligne.version)
        impact = version.impact or {}
        situation: dict[str, Any] | None = None
        if acte.agent_id is not None:
            resume = personnel.agent_resume(perimetre=TOUT, agent_id=acte.agent_id)
            if resume is not None:
                situation = {
                    "grade": resume.grade_code,
                    "echelle": resume.echelle,
                    "echelon": resume.echelon,
                    "indice": resume.indice,
                    "position": resume.position,
                    "unite": resume.unite_code,
                    "poste": resume.poste_code,
                }
        enregistrement: dict[str, Any] = {
            "acte_id": acte.id,
            "version": ligne.version,
            "numero": acte.numero,
            "type": acte.type_code,
            "date_effet": version.date_effet.isoformat(),
            "bordereau": bordereau.numero,
            "emetteur": partie_ordonnateur(bordereau.emetteur_code),
            "agent": _agent(acte, version.donnees),
            "situation_avant": situation,
            "donnees": version.donnees,
            "pieces": [
                {"type": p.type_piece, "sha256": p.sha256, "taille": p.taille}
                for p in acte.pieces.filter(retire=False).order_by("id")
            ],
            "impact": {
                "variation_brut": _dh(impact.get("variation", {}).get("brut", 0)),
                "rappel_brut": _dh(impact.get("rappel", {}).get("brut", 0)),
                "mois_rappel": impact.get("mois_rappel", 0),
            },
        }
        if ordre := recettes.annonce(version):
            enregistrement["ordre_recette"] = ordre
        sortie.append(enregistrement)
    return sortie


def _dh(centimes: int) -> str:
    signe = "-" if centimes < 0 else ""
    return f"{signe}{abs(centimes) // 100}.{abs(centimes) % 100:02d}"


def bordereaux_envoyer(*, auteur: str = "echange") -> list[str]:
    """Send every bordereau not sent yet, one file each, in number order; the file and the
    bordereau's "sent" mark commit together. Returns the file names."""
    envoyes = []
    for bordereau in Bordereau.objects.filter(envoye_le__isnull=True).order_by("id"):
        with transaction.atomic():
            fichier = echange.fichier_emettre(
                emetteur=partie_ordonnateur(bordereau.emetteur_code),
                destinataire=partie_tresor(),
                flux="actes",
                enregistrements=enregistrements(bordereau),
                reference=bordereau.numero,
                auteur=auteur,
            )
            services.bordereau_marquer_envoye(
                bordereau_id=bordereau.id, envoye_le=timezone.now(), auteur=auteur
            )
        envoyes.append(fichier.nom)
    return envoyes


def reponses_recevoir(
    *, manifeste: Manifeste, enregistrements: Iterator[dict[str, Any]]
) -> RapportApplication:
    """The `reponses` port: each record moves one act version (services.reponse_appliquer). A
    response the act cannot take any more (another version, an unknown act) is ignored with a
    remark: it contradicts no data, so it does not block the file."""
    rapport = RapportApplication()
    touches: dict[int, str] = {}  # act id → state it was moved to
    for numero, enregistrement in enumerate(enregistrements, start=1):
        observations = [
            services.ObservationRecue(code=o["code"], texte=o["texte"], champ=o.get("champ") or "")
            for o in enregistrement["observations"]
        ]
        try:
            with transaction.atomic():
                services.reponse_appliquer(
                    acte_id=enregistrement["acte_id"],
                    version=enregistrement["version"],
                    etat=enregistrement["etat"],
                    numero_visa=enregistrement.get("numero_visa") or "",
                    observations=observations,
                    auteur=manifeste.emetteur,
                )
        except ValidationError as erreur:
            rapport.ignores += 1
            rapport.remarques.append(f"ligne {numero} : {' '.join(erreur.messages)}")
            continue
        rapport.appliques += 1
        touches[int(enregistrement["acte_id"])] = str(enregistrement["etat"])
    _notifier(touches)
    return rapport


def _notifier(touches: dict[int, str]) -> None:
    """One notification per person concerned (who drafted, who validated) summing up what the
    Treasury answered on their acts; sent with the file's transaction."""
    if not touches:
        return
    actes = {a.id: a for a in Acte.objects.filter(id__in=list(touches))}
    valideurs = dict(
        Transition.objects.filter(acte_id__in=list(touches), vers=Etat.VALIDE)
        .order_by("acte_id", "le")
        .values_list("acte_id", "par")
    )
    par_personne: dict[str, list[str]] = {}
    for acte_id, etat in sorted(touches.items()):
        acte = actes[acte_id]
        ligne = f"{acte.numero} — {Etat(etat).label}"
        if etat == Etat.VISE:
            ligne += f" ({acte.numero_visa})"
        for personne in {acte.cree_par, valideurs.get(acte_id, "")} - {""}:
            par_personne.setdefault(personne, []).append(ligne)
    lien = reverse("actes:liste")
    for personne, lignes in par_personne.items():
        notifications.notifier(
            destinataires=[personne],
            categorie="actes.reponse",
            titre=_("Réponse du Trésor sur %(n)d acte(s)") % {"n": len(lignes)},
            texte="\n".join(lignes),
            lien=lien,
        )
