"""Reads of the gateway's state for supervision: per party, files and counts, never records
(personal data stays in the files and the tenants' schemas)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from exchange.models import Fichier, Sequence, Statut


@dataclass(frozen=True)
class FluxPartie:
    partie: str
    dernier_recu: datetime | None
    dernier_emis: datetime | None
    retenus: int
    quarantaine: int
    fichiers_30j: int
    enregistrements_30j: int
    sequences: tuple[Sequence, ...]

    @property
    def retard(self) -> timedelta | None:
        """Time since the last file applied from the Treasury."""
        return timezone.now() - self.dernier_recu if self.dernier_recu else None

    @property
    def alerte(self) -> bool:
        return bool(self.retenus or self.quarantaine)


def _ordonnateur(partie: str) -> str:
    return partie.split("/")[0]


@dataclass
class _Cumul:
    recu: datetime | None = None
    emis: datetime | None = None
    retenus: int = 0
    quarantaine: int = 0
    fichiers: int = 0
    enregistrements: int = 0
    sequences: list[Sequence] = field(default_factory=list)


def _plus_recent(a: datetime | None, b: datetime | None) -> datetime | None:
    return max((d for d in (a, b) if d is not None), default=None)


def flux_par_partie(*, partie: str = "") -> list[FluxPartie]:
    """One line per ordonnateur party seen by the gateway, in two queries whatever their
    number."""
    depuis = timezone.now() - timedelta(days=30)
    lignes: dict[str, _Cumul] = {}
    agregats = (
        fichiers(partie=partie)
        .order_by()
        .values("sens", "emetteur", "destinataire")
        .annotate(
            recu=Max("traite_le", filter=Q(statut=Statut.INTEGRE)),
            emis=Max("traite_le", filter=Q(statut=Statut.EMIS)),
            retenus=Count("id", filter=Q(statut=Statut.RETENU)),
            quarantaine=Count("id", filter=Q(statut=Statut.QUARANTAINE)),
            n=Count("id", filter=Q(recu_le__gte=depuis)),
            e=Sum("enregistrements", filter=Q(recu_le__gte=depuis)),
        )
    )
    for a in agregats:
        nom = next(
            (str(p) for p in (a["destinataire"], a["emetteur"]) if str(p).startswith("ORD:")), ""
        )
        if not nom:
            continue  # a quarantined file whose manifest could not be read: listed with the files
        cumul = lignes.setdefault(_ordonnateur(nom), _Cumul())
        cumul.recu = _plus_recent(cumul.recu, a["recu"])
        cumul.emis = _plus_recent(cumul.emis, a["emis"])
        cumul.retenus += a["retenus"]
        cumul.quarantaine += a["quarantaine"]
        cumul.fichiers += a["n"]
        cumul.enregistrements += a["e"] or 0
    for sequence in Sequence.objects.order_by("flux", "sens"):
        nom = (
            sequence.destinataire if sequence.destinataire.startswith("ORD:") else sequence.emetteur
        )
        if nom.startswith("ORD:") and nom.startswith(partie):
            lignes.setdefault(_ordonnateur(nom), _Cumul()).sequences.append(sequence)
    return [
        FluxPartie(
            partie=nom,
            dernier_recu=c.recu,
            dernier_emis=c.emis,
            retenus=c.retenus,
            quarantaine=c.quarantaine,
            fichiers_30j=c.fichiers,
            enregistrements_30j=c.enregistrements,
            sequences=tuple(c.sequences),
        )
        for nom, c in sorted(lignes.items())
    ]


def fichiers(*, partie: str = "", statut: str = "") -> QuerySet[Fichier]:
    resultat = Fichier.objects.all()
    if partie:
        resultat = resultat.filter(
            Q(emetteur__startswith=partie) | Q(destinataire__startswith=partie)
        )
    if statut:
        resultat = resultat.filter(statut=statut)
    return resultat.order_by("-recu_le", "-id")


def fichier_get(*, fichier_id: int) -> Fichier | None:
    return Fichier.objects.filter(id=fichier_id).first()
