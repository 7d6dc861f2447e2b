"""The gateway: emit signed files with their sequence numbers, receive files (verify, order,
apply all or nothing through the modules' receivers, hold, quarantine, ignore replays), and
the operators' decisions on held and quarantined files.

Crash safety: a received file is applied in one transaction that also writes its receipt
(`Fichier` with statut `integre`, unique per number) and moves the sequence; parts are moved
on disk only after the commit. A process killed mid-file leaves the file in the inbox and the
database as before; a process killed after the commit but before the move finds, on the next
run, a number already applied with the same digest: a replay, archived.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_tenant_model, schema_context

from audit import services as audit_services
from exchange import cles, ports
from exchange.depot import Depot
from exchange.models import Fichier, Sens, Sequence, Statut
from exchange.protocole.fichiers import (
    FichierEchange,
    enregistrements_lire,
    fichier_construire,
    fichier_verifier,
)
from exchange.protocole.manifeste import ErreurProtocole, Manifeste, manifeste_lire


def schema_de(partie: str) -> str:
    """The tenant schema of an `ORD:` party (E-DESTINATAIRE when no active tenant has it)."""
    code = partie.removeprefix("ORD:").split("/")[0]
    schema = (
        get_tenant_model().objects.filter(code=code).values_list("schema_name", flat=True).first()
    )
    if not partie.startswith("ORD:") or schema is None:
        raise ErreurProtocole("E-DESTINATAIRE", f"aucun ordonnateur hébergé ne répond à {partie}")
    return str(schema)


# --- emission -------------------------------------------------------------------------------


def fichier_emettre(
    *,
    depot: Depot,
    emetteur: str,
    destinataire: str,
    flux: str,
    enregistrements: Iterable[dict[str, Any]],
    reference: str = "",
    complet: bool = False,
    auteur: str = "passerelle",
) -> Fichier:
    """Build, sign and deposit the next file of (emetteur, destinataire, flux). The number is
    taken under the sequence's row lock and committed with the file's row: numbers are never
    given twice, and a failure gives the number back."""
    cle_id, privee = cles.cle_signature(emetteur)
    with transaction.atomic():
        sequence, _cree = Sequence.objects.select_for_update().get_or_create(
            sens=Sens.SORTANT, emetteur=emetteur, destinataire=destinataire, flux=flux
        )
        numero = sequence.derniere + 1
        fichier, manifeste = fichier_construire(
            repertoire=depot.boite(emetteur, "outbox"),
            emetteur=emetteur,
            destinataire=destinataire,
            flux=flux,
            sequence=numero,
            enregistrements=enregistrements,
            cle_id=cle_id,
            cle_privee=privee,
            cree_le=timezone.now(),
            complet=complet,
            reference=reference,
        )
        sequence.derniere = numero
        sequence.save(update_fields=["derniere"])
        ligne = Fichier.objects.create(
            sens=Sens.SORTANT,
            nom=fichier.base.name,
            emetteur=emetteur,
            destinataire=destinataire,
            flux=flux,
            sequence=numero,
            sha256=manifeste.sha256,
            enregistrements=manifeste.enregistrements,
            reference=reference,
            statut=Statut.EMIS,
            chemin=str(fichier.base),
            cree_le=datetime.fromisoformat(manifeste.cree_le),
            traite_le=timezone.now(),
        )
        audit_services.audit_record(
            actor=auteur,
            action="exchange.fichier_emettre",
            object_type="fichier",
            object_id=str(ligne.id),
            data={"nom": ligne.nom, "enregistrements": ligne.enregistrements},
        )
        transaction.on_commit(lambda: depot.deposer(fichier, destinataire=destinataire))
    return ligne


# --- reception ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    fichier: Fichier
    suivants: tuple[Fichier, ...] = ()  # held files applied after it


def _quarantaine(
    *,
    depot: Depot,
    partie: str,
    fichier: FichierEchange,
    erreur: ErreurProtocole,
    manifeste: Manifeste | None,
    ligne: Fichier | None = None,
) -> Fichier:
    boite = depot.boite(partie, "quarantaine")
    deplace = depot.deplacer(fichier, boite)
    rapport = (
        f"{erreur.code} — {erreur.message}\n"
        "Rien n'a été appliqué. Corrigez la cause chez l'émetteur et renvoyez le fichier, ou "
        "relancez-le depuis la supervision si la cause était de notre côté.\n"
    )
    deplace.base.with_name(deplace.base.name + ".rapport.txt").write_text(rapport, encoding="utf-8")
    champs: dict[str, Any] = {
        "sens": Sens.ENTRANT,
        "nom": fichier.base.name,
        "statut": Statut.QUARANTAINE,
        "code_erreur": erreur.code,
        "rapport": rapport,
        "chemin": str(deplace.base),
        "traite_le": timezone.now(),
    }
    if manifeste is not None:
        champs |= {
            "emetteur": manifeste.emetteur,
            "destinataire": manifeste.destinataire,
            "flux": manifeste.flux,
            "sequence": manifeste.sequence,
            "sha256": manifeste.sha256,
            "enregistrements": manifeste.enregistrements,
            "reference": manifeste.reference,
            "cree_le": datetime.fromisoformat(manifeste.cree_le),
        }
    with transaction.atomic():
        if ligne is None:
            ligne = Fichier.objects.create(**champs)
        else:
            for champ, valeur in champs.items():
                setattr(ligne, champ, valeur)
            ligne.save()
        audit_services.audit_record(
            actor="passerelle",
            action="exchange.fichier_quarantaine",
            object_type="fichier",
            object_id=str(ligne.id),
            data={"nom": ligne.nom, "code": erreur.code},
        )
    return ligne


def fichier_recevoir(
    *, depot: Depot, destinataire: str, fichier: FichierEchange, ligne: Fichier | None = None
) -> Issue:
    """Verify and apply one complete file of `destinataire`'s inbox (or a held/quarantined
    one re-driven by an operator: `ligne`)."""
    try:
        verifie = fichier_verifier(
            fichier,
            destinataire=destinataire,
            cle_publique=cles.cle_publique,
            schema_par=ports.RECEPTEURS_CHARGE,
        )
    except ErreurProtocole as erreur:
        manifeste: Manifeste | None = None
        with contextlib.suppress(ErreurProtocole, OSError):
            manifeste = manifeste_lire(fichier.manifeste.read_bytes())
        return Issue(
            _quarantaine(
                depot=depot,
                partie=destinataire,
                fichier=fichier,
                erreur=erreur,
                manifeste=manifeste,
                ligne=ligne,
            )
        )
    traite = _appliquer(
        depot=depot, destinataire=destinataire, fichier=fichier, manifeste=verifie, ligne=ligne
    )
    if traite.statut != Statut.INTEGRE:
        return Issue(traite)
    suivants = _retenus_suivants(depot=depot, destinataire=destinataire, manifeste=verifie)
    return Issue(traite, tuple(suivants))


def _retenus_suivants(*, depot: Depot, destinataire: str, manifeste: Manifeste) -> list[Fichier]:
    """Held files of the same triple that can now be applied, in order."""
    appliques: list[Fichier] = []
    numero = manifeste.sequence
    while True:
        suivant = Fichier.objects.filter(
            sens=Sens.ENTRANT,
            statut=Statut.RETENU,
            emetteur=manifeste.emetteur,
            destinataire=manifeste.destinataire,
            flux=manifeste.flux,
            sequence=numero + 1,
        ).first()
        if suivant is None:
            return appliques
        issue = fichier_recevoir(
            depot=depot,
            destinataire=destinataire,
            fichier=FichierEchange(Path(suivant.chemin)),
            ligne=suivant,
        )
        appliques.append(issue.fichier)
        if issue.fichier.statut != Statut.INTEGRE:
            return appliques
        appliques.extend(issue.suivants)
        numero += 1 + len(issue.suivants)


def _champs(manifeste: Manifeste, fichier: FichierEchange) -> dict[str, Any]:
    return {
        "sens": Sens.ENTRANT,
        "nom": fichier.base.name,
        "emetteur": manifeste.emetteur,
        "destinataire": manifeste.destinataire,
        "flux": manifeste.flux,
        "sequence": manifeste.sequence,
        "sha256": manifeste.sha256,
        "enregistrements": manifeste.enregistrements,
        "reference": manifeste.reference,
        "cree_le": datetime.fromisoformat(manifeste.cree_le),
    }


def _enregistrer(ligne: Fichier | None, champs: dict[str, Any]) -> Fichier:
    if ligne is None:
        return Fichier.objects.create(**champs)
    for champ, valeur in champs.items():
        setattr(ligne, champ, valeur)
    ligne.save()
    return ligne


def _appliquer(
    *,
    depot: Depot,
    destinataire: str,
    fichier: FichierEchange,
    manifeste: Manifeste,
    ligne: Fichier | None,
) -> Fichier:
    partie_ord = (
        manifeste.destinataire if manifeste.destinataire.startswith("ORD:") else manifeste.emetteur
    )
    recepteur = ports.RECEPTEURS.get(manifeste.flux)
    try:
        with transaction.atomic():
            sequence, _cree = Sequence.objects.select_for_update().get_or_create(
                sens=Sens.ENTRANT,
                emetteur=manifeste.emetteur,
                destinataire=manifeste.destinataire,
                flux=manifeste.flux,
            )
            champs = _champs(manifeste, fichier) | {"traite_le": timezone.now()}
            if manifeste.sequence <= sequence.derniere:
                deja = Fichier.objects.filter(
                    sens=Sens.ENTRANT,
                    statut=Statut.INTEGRE,
                    emetteur=manifeste.emetteur,
                    destinataire=manifeste.destinataire,
                    flux=manifeste.flux,
                    sequence=manifeste.sequence,
                ).first()
                if deja is None or deja.sha256 != manifeste.sha256:
                    raise ErreurProtocole(
                        "E-SEQUENCE",
                        f"séquence {manifeste.sequence} déjà intégrée avec une autre empreinte",
                    )
                destination = depot.boite(destinataire, f"archive/{timezone.localdate():%Y/%m}")
                ligne = _enregistrer(
                    ligne,
                    champs
                    | {
                        "statut": Statut.REJOUE,
                        "rapport": f"rejeu du fichier déjà intégré (n° {manifeste.sequence})",
                        "chemin": str(destination / fichier.base.name),
                    },
                )
                transaction.on_commit(lambda: depot.deplacer(fichier, destination))
                return ligne
            if manifeste.sequence > sequence.derniere + 1:
                if ligne is not None and ligne.statut == Statut.RETENU:
                    return ligne
                destination = depot.boite(destinataire, "retenus")
                if fichier.base.parent != destination:
                    transaction.on_commit(lambda: depot.deplacer(fichier, destination))
                return _enregistrer(
                    ligne,
                    champs
                    | {
                        "statut": Statut.RETENU,
                        "rapport": (
                            f"en attente du n° {sequence.derniere + 1} (reçu : n° "
                            f"{manifeste.sequence}) ; il sera appliqué dès l'arrivée des "
                            "manquants, ou sur décision d'un opérateur"
                        ),
                        "chemin": str(destination / fichier.base.name),
                    },
                )
            if recepteur is None:
                raise ErreurProtocole(
                    "E-MANIFESTE", f"aucun module ne reçoit le flux {manifeste.flux} ici"
                )
            brut: dict[str, Any] = (
                {"charge": fichier.charge} if manifeste.flux in ports.RECEPTEURS_CHARGE else {}
            )
            with schema_context(schema_de(partie_ord)):
                rapport = recepteur(
                    manifeste=manifeste,
                    # every line's schema was checked by `fichier_verifier` just before (a
                    # receiver taking the charge checks them itself, in its one pass)
                    enregistrements=enregistrements_lire(
                        fichier, flux=manifeste.flux, schema=False
                    ),
                    **brut,
                )
            sequence.derniere = manifeste.sequence
            sequence.save(update_fields=["derniere"])
            ligne = _enregistrer(
                ligne,
                champs
                | {
                    "statut": Statut.INTEGRE,
                    "resultat": rapport.en_dict(),
                    "rapport": "",
                    "code_erreur": "",
                },
            )
            audit_services.audit_record(
                actor="passerelle",
                action="exchange.fichier_integrer",
                object_type="fichier",
                object_id=str(ligne.id),
                data={"nom": ligne.nom, **rapport.en_dict()},
            )
    except ErreurProtocole as erreur:
        return _quarantaine(
            depot=depot,
            partie=destinataire,
            fichier=fichier,
            erreur=erreur,
            manifeste=manifeste,
            ligne=ligne,
        )
    except ports.RefusApplication as refus:
        return _quarantaine(
            depot=depot,
            partie=destinataire,
            fichier=fichier,
            erreur=ErreurProtocole("E-APPLICATION", str(refus)),
            manifeste=manifeste,
            ligne=ligne,
        )
    archive = depot.archiver(destinataire, fichier, le=timezone.localdate())
    Fichier.objects.filter(id=ligne.id).update(chemin=str(archive.base))
    ligne.chemin = str(archive.base)
    for rappel in ports.APRES_INTEGRATION:
        rappel(partie_ord, manifeste)
    return ligne


def boite_traiter(*, depot: Depot, destinataire: str) -> list[Fichier]:
    """Process every complete file of a party's inbox, in order; one bad file never stops the
    others (each is handled on its own)."""
    traites: list[Fichier] = []
    for fichier in depot.complets(destinataire):
        issue = fichier_recevoir(depot=depot, destinataire=destinataire, fichier=fichier)
        traites.append(issue.fichier)
        traites.extend(issue.suivants)
    return traites


# --- operators' decisions -------------------------------------------------------------------


def fichier_relancer(*, depot: Depot, ligne: Fichier, auteur: str) -> Issue:
    """Re-drive a held or quarantined file: every check again, from the start."""
    if ligne.statut not in (Statut.RETENU, Statut.QUARANTAINE):
        raise ValueError("seuls les fichiers retenus ou en quarantaine se relancent")
    with transaction.atomic():
        audit_services.audit_record(
            actor=auteur,
            action="exchange.fichier_relancer",
            object_type="fichier",
            object_id=str(ligne.id),
        )
    if ligne.statut == Statut.RETENU:
        ligne.statut = (
            Statut.QUARANTAINE
        )  # so that _appliquer re-decides instead of keeping it held
    return fichier_recevoir(
        depot=depot,
        destinataire=ligne.destinataire,
        fichier=FichierEchange(Path(ligne.chemin)),
        ligne=ligne,
    )


def sequence_sauter(
    *, emetteur: str, destinataire: str, flux: str, jusqu_a: int, motif: str, auteur: str
) -> None:
    """An operator decides that the numbers up to `jusqu_a` will never come (reason kept)."""
    if not motif.strip():
        raise ValueError("indiquez le motif de la décision")
    with transaction.atomic():
        sequence, _cree = Sequence.objects.select_for_update().get_or_create(
            sens=Sens.ENTRANT, emetteur=emetteur, destinataire=destinataire, flux=flux
        )
        if jusqu_a <= sequence.derniere:
            raise ValueError(f"la séquence est déjà au n° {sequence.derniere}")
        avant = sequence.derniere
        sequence.derniere = jusqu_a
        sequence.save(update_fields=["derniere"])
        audit_services.audit_record(
            actor=auteur,
            action="exchange.sequence_sauter",
            object_type="sequence",
            object_id=str(sequence.id),
            data={"de": avant, "a": jusqu_a, "motif": motif},
        )


def fichier_abandonner(*, ligne: Fichier, motif: str, auteur: str) -> None:
    """An operator closes a held or quarantined file for good (reason kept in the audit)."""
    if ligne.statut not in (Statut.RETENU, Statut.QUARANTAINE):
        raise ValueError("seuls les fichiers retenus ou en quarantaine s'abandonnent")
    if not motif.strip():
        raise ValueError("indiquez le motif de la décision")
    with transaction.atomic():
        ligne.statut = Statut.ABANDONNE
        ligne.rapport = f"{ligne.rapport}\nAbandonné par {auteur} : {motif}".strip()
        ligne.save(update_fields=["statut", "rapport"])
        audit_services.audit_record(
            actor=auteur,
            action="exchange.fichier_abandonner",
            object_type="fichier",
            object_id=str(ligne.id),
            data={"motif": motif},
        )
