"""Bulk acts (« actes en masse »): the yearly avancement d'échelon of a perimeter.

A gestionnaire launches a run (`lot_lancer`) for a unit subtree and a campaign date; a
background job (`actors.lot_generer` → `lot_executer`) finds the eligible agents and writes
one ordinary act each — numbered, version 1 with its data, checks, impact and parameters'
instant, a creation transition — by blocks, each block one transaction written with COPY;
a valideur then validates the whole run in one action (`lot_valider`).

Audit: one audit row per run operation (launch, generation with its counts, each exclusion,
the validation with its counts), plus each act's transition rows; not one audit row per act
(300,000 rows of the hash chain for one person's click would say less than the run's row,
which names the campaign and its counts). See docs/actes.md « Actes en masse ».

Idempotent and resumable: an agent gets at most one act per campaign (LigneLot's unique key
on (campagne, agent)), and agents with an avancement d'échelon under way are not eligible; a
run stopped by a crash keeps its committed blocks and is resumed by running it again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from audit import services as audit_services
from modules.actes import copie, selectors_lots
from modules.actes.lots_calcul import TYPE_CODE, ActeCalcule, Calculateur
from modules.actes.models import (
    Acte,
    Compteur,
    Etat,
    LigneLot,
    LotActes,
    StatutLot,
    Transition,
    VersionActe,
)
from modules.personnel import facade as personnel
from modules.unites import facade as unites
from modules.unites.perimetres import Perimetre

logger = logging.getLogger(__name__)

TAILLE_BLOC = 5000
ETATS_FINIS = (Etat.VISE, Etat.INTEGRE_PAIE, Etat.ANNULE)


def campagne_cle(type_code: str, date_campagne: date) -> str:
    return f"{type_code}:{date_campagne.isoformat()}"


def _audit(lot: LotActes, action: str, auteur: str, **data: Any) -> None:
    audit_services.audit_record(
        actor=auteur,
        action=f"actes.lot_{action}",
        object_type="lot_actes",
        object_id=str(lot.id),
        data={"campagne": lot.campagne, **data},
    )


# --- launch -----------------------------------------------------------------------------------


def lot_lancer(
    *, auteur: str, perimetre: Perimetre, date_campagne: date, unite_code: str = ""
) -> LotActes:
    """Record a run of the yearly advancement for `unite_code`'s subtree (or the author's whole
    perimeter) and send its job after the commit."""
    if perimetre.vide:
        raise ValidationError(_("Vous n'avez aucune habilitation de rédaction d'actes."))
    if date_campagne > timezone.localdate() + timedelta(days=366):
        raise ValidationError(
            {"date_campagne": _("La date de la campagne est à plus d'un an : vérifiez l'année.")}
        )
    cible = perimetre
    if unite_code:
        codes = unites.unite_codes(perimeter=perimetre)
        if codes != "all" and unite_code not in codes:
            raise ValidationError(
                {"unite_code": _("Cette unité n'est pas dans votre périmètre : choisissez-en une.")}
            )
        if not unites.unite_exists(code=unite_code):
            raise ValidationError({"unite_code": _("Unité inconnue.")})
        cible = Perimetre(racines=frozenset({unite_code}))
    with transaction.atomic():
        lot = LotActes.objects.create(
            type_code=TYPE_CODE,
            date_campagne=date_campagne,
            campagne=campagne_cle(TYPE_CODE, date_campagne),
            unite_code=unite_code,
            perimetre_tout=cible.tout,
            perimetre_racines=sorted(cible.racines),
            auteur=auteur,
        )
        _audit(lot, "lancer", auteur, unite=unite_code, date=date_campagne.isoformat())
        transaction.on_commit(lambda: _envoyer(lot.id))
    return lot


def _envoyer(lot_id: int) -> None:
    from modules.actes import actors

    try:
        actors.lot_generer.send(lot_id)
    except Exception:
        logger.exception("lot %s: job not sent", lot_id)
        LotActes.objects.filter(id=lot_id).update(
            statut=StatutLot.ECHEC,
            message=_(
                "La file des tâches de fond est indisponible : relancez la campagne dans "
                "quelques minutes, ou prévenez l'administrateur."
            ),
        )


def lot_relancer(*, auteur: str, lot: LotActes) -> LotActes:
    """Resume a run that failed or was interrupted (what it committed stays)."""
    with transaction.atomic():
        lot = LotActes.objects.select_for_update().get(pk=lot.pk)
        if lot.statut == StatutLot.TERMINE:
            raise ValidationError(_("Ce lot est terminé : rien à reprendre."))
        lot.statut = StatutLot.EN_ATTENTE
        lot.message = ""
        lot.save(update_fields=["statut", "message"])
        _audit(lot, "relancer", auteur)
        transaction.on_commit(lambda: _envoyer(lot.id))
    return lot


# --- generation (the job) ---------------------------------------------------------------------


def _perimetre(lot: LotActes) -> Perimetre:
    return Perimetre(tout=lot.perimetre_tout, racines=frozenset(lot.perimetre_racines))


def _exclus(campagne: str) -> set[int]:
    """Agents with an advancement under way, or already given an act by this campaign."""
    en_cours = Acte.objects.filter(type_code=TYPE_CODE, agent_id__isnull=False).exclude(
        etat__in=ETATS_FINIS
    )
    return {int(i) for i in en_cours.values_list("agent_id", flat=True) if i is not None} | set(
        LigneLot.objects.filter(campagne=campagne).values_list("agent_id", flat=True)
    )


def lot_executer(
    *, lot_id: int, taille_bloc: int = TAILLE_BLOC, ecriture_parallele: bool = False
) -> LotActes:
    """Generate the run's acts, block after block (each block committed with its progress).

    `ecriture_parallele`: a block is written (COPY, on its own connection) while the next one
    is computed — the database's work and Python's overlap. Only where the rows read are
    committed (the job, the benchmark), not inside a test's transaction."""
    lot = LotActes.objects.get(id=lot_id)
    if lot.statut == StatutLot.TERMINE:
        return lot
    LotActes.objects.filter(id=lot.id).update(statut=StatutLot.EN_COURS, message="")
    exclus = _exclus(lot.campagne)
    candidats = [
        a
        for a in personnel.candidats_avancement(perimetre=_perimetre(lot), position="activite")
        if a.id not in exclus
    ]
    rapport: dict[str, int] = {
        "candidats": len(candidats),
        "deja_en_cours": len(exclus),
        "non_eligibles": 0,
        "actes": 0,
        "bloquants": 0,
        "par_acte": 0,
    }
    LotActes.objects.filter(id=lot.id).update(total=lot.faits + len(candidats))
    calcul = Calculateur(date_campagne=lot.date_campagne, aujourd_hui=timezone.localdate())
    emetteurs: dict[str, str] = {}
    schema = str(getattr(connection, "schema_name", ""))
    # inside a caller's transaction another connection would not see its rows
    parallele = ecriture_parallele and not connection.in_atomic_block
    ecrivain = ThreadPoolExecutor(max_workers=1) if parallele else None
    en_cours: Future[None] | None = None
    try:
        for debut in range(0, len(candidats), taille_bloc):
            bloc = calcul.bloc(candidats[debut : debut + taille_bloc])
            rapport["actes"] += len(bloc.actes)
            rapport["non_eligibles"] += bloc.non_eligibles
            rapport["par_acte"] += bloc.par_acte
            rapport["bloquants"] += sum(
                1 for a in bloc.actes if any(x.get("bloquant") for x in a.anomalies)
            )
            examines = len(candidats[debut : debut + taille_bloc])
            if ecrivain is None:
                _ecrire_bloc(lot, bloc.actes, emetteurs, examines)
                continue
            if en_cours is not None:
                en_cours.result()  # one block at a time in the database, errors raised here
            en_cours = ecrivain.submit(
                _ecrire_bloc_ailleurs, schema, lot, bloc.actes, emetteurs, examines
            )
        if en_cours is not None:
            en_cours.result()
    finally:
        if ecrivain is not None:
            ecrivain.shutdown(wait=True)
    with transaction.atomic():
        lot = LotActes.objects.select_for_update().get(id=lot.id)
        precedent = lot.rapport or {}
        cumul = {k: int(precedent.get(k, 0)) + v for k, v in rapport.items()}
        cumul["candidats"] = rapport["candidats"]
        cumul["deja_en_cours"] = rapport["deja_en_cours"]
        lot.rapport = cumul
        lot.statut = StatutLot.TERMINE
        lot.termine_le = timezone.now()
        lot.faits = lot.total
        lot.save()
        _audit(lot, "generer", "systeme", **rapport)
    return lot


def _ecrire_bloc(
    lot: LotActes, actes: Sequence[ActeCalcule], emetteurs: dict[str, str], examines: int
) -> None:
    """One block in one transaction: its acts and the run's progress."""
    with transaction.atomic():
        _sans_attente_disque()
        ecrits = _ecrire(lot, actes, emetteurs)
        LotActes.objects.filter(id=lot.id).update(
            faits=models.F("faits") + examines, crees=models.F("crees") + ecrits
        )


def _ecrire_bloc_ailleurs(
    schema: str,
    lot: LotActes,
    actes: Sequence[ActeCalcule],
    emetteurs: dict[str, str],
    examines: int,
) -> None:
    """`_ecrire_bloc` on the writer thread's own connection, in the run's tenant schema."""
    try:
        with schema_context(schema):
            _ecrire_bloc(lot, actes, emetteurs, examines)
    finally:
        connection.close()


def _sans_attente_disque() -> None:
    """A block's commit does not wait for the WAL flush: a crash may lose the last blocks
    committed (never a part of one), which the next run generates again — the run is
    resumable by design, and nothing else is in the transaction."""
    with connection.cursor() as curseur:
        curseur.execute("SET LOCAL synchronous_commit TO OFF")


def lot_echec(*, lot_id: int, message: str) -> None:
    """Record that the job failed (what it committed stays; the run can be resumed)."""
    LotActes.objects.filter(id=lot_id).exclude(statut=StatutLot.TERMINE).update(
        statut=StatutLot.ECHEC, message=message[:2000]
    )


def _reserver_numeros(nombre: int) -> list[str]:
    """A block of consecutive act numbers of the year (gapless: the counter's row stays
    locked until the block's commit, a rolled-back block gives its numbers back)."""
    annee = timezone.localdate().year
    cle = f"acte:{annee}"
    compteur, _cree = Compteur.objects.select_for_update().get_or_create(cle=cle)
    premier = compteur.valeur + 1
    compteur.valeur += nombre
    compteur.save(update_fields=["valeur"])
    return [f"{annee}-{n:06d}" for n in range(premier, premier + nombre)]


def _ids(modele: type[models.Model], nombre: int) -> list[int]:
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [modele._meta.db_table, nombre],
        )
        return [int(r[0]) for r in curseur.fetchall()]


def _ecrire(lot: LotActes, actes: Sequence[ActeCalcule], emetteurs: dict[str, str]) -> int:
    """COPY one block's acts, versions, transitions and lot lines (inside the caller's
    transaction)."""
    if not actes:
        return 0
    maintenant = timezone.now()
    numeros = _reserver_numeros(len(actes))
    ids = _ids(Acte, len(actes))
    auteur = lot.auteur
    for acte in actes:
        if acte.unite_code not in emetteurs:
            emetteurs[acte.unite_code] = unites.sous_ordonnateur_de(code=acte.unite_code)
    creation = _("Création")
    copie.copier(
        Acte,
        (
            {
                "id": ident,
                "numero": numero,
                "type_code": TYPE_CODE,
                "agent_id": a.agent.id,
                "agent_ppr": a.agent.ppr,
                "agent_nom": f"{a.agent.nom_fr} {a.agent.prenom_fr}"[:210],
                "unite_code": a.unite_code,
                "emetteur_code": emetteurs[a.unite_code],
                "date_effet": a.date_effet,
                "cree_par": auteur,
            }
            for ident, numero, a in zip(ids, numeros, actes, strict=True)
        ),
        maintenant,
    )
    copie.copier(
        VersionActe,
        (
            {
                "acte_id": ident,
                "numero": 1,
                "donnees": a.donnees,
                "date_effet": a.date_effet,
                "anomalies": a.anomalies,
                "impact": a.impact,
                "connu_au": a.connu_au,
                "redigee_par": auteur,
            }
            for ident, a in zip(ids, actes, strict=True)
        ),
        maintenant,
    )
    copie.copier(
        Transition,
        (
            {
                "acte_id": ident,
                "version": 1,
                "de": Etat.BROUILLON,
                "vers": Etat.BROUILLON,
                "par": auteur,
                "motif": creation,
            }
            for ident in ids
        ),
        maintenant,
    )
    copie.copier(
        LigneLot,
        (
            {
                "lot_id": lot.id,
                "acte_id": ident,
                "campagne": lot.campagne,
                "agent_id": a.agent.id,
                "unite_code": a.unite_code,
                "echelon_avant": a.echelon_avant,
                "echelon_apres": a.echelon_apres,
                "variation_brut": a.variation_brut,
                "rappel_brut": a.rappel_brut,
                "bloquant": any(x.get("bloquant") for x in a.anomalies),
            }
            for ident, a in zip(ids, actes, strict=True)
        ),
        maintenant,
    )
    return len(actes)


# --- review and validation --------------------------------------------------------------------


def lot_ligne_exclure(*, auteur: str, perimetre: Perimetre, lot: LotActes, ligne_id: int) -> None:
    """Take one act out of the run's validation (it stays a draft, handled on its own)."""
    with transaction.atomic():
        ligne = selectors_lots.lignes_scopees(perimetre=perimetre, lot=lot).filter(id=ligne_id)
        ligne = ligne.select_for_update(of=("self",))
        trouvee = ligne.first()
        if trouvee is None:
            raise LigneLot.DoesNotExist
        if trouvee.exclu:
            return
        trouvee.exclu = True
        trouvee.save(update_fields=["exclu"])
        _audit(lot, "exclure", auteur, acte=trouvee.acte_id)


def lot_valider(*, auteur: str, perimetre: Perimetre, lot: LotActes) -> dict[str, int]:
    """Validate every draft of the run in the valideur's perimeter in one transaction, set-
    based: not excluded, still a draft, no blocking anomaly, an impact, not drafted by the
    valideur (four-eyes). What is skipped is counted and reported."""
    if auteur == lot.auteur:
        raise ValidationError(
            _(
                "Vous avez lancé ce lot : un autre valideur doit le valider "
                "(contrôle à quatre yeux)."
            )
        )
    if lot.statut != StatutLot.TERMINE:
        raise ValidationError(_("La génération du lot n'est pas terminée : attendez la fin."))
    with transaction.atomic():
        LotActes.objects.select_for_update().get(pk=lot.pk)
        lignes = selectors_lots.lignes_scopees(perimetre=perimetre, lot=lot).filter(exclu=False)
        brouillons = Acte.objects.filter(id__in=lignes.values("acte_id"), etat=Etat.BROUILLON)
        courantes = VersionActe.objects.filter(
            acte_id=models.OuterRef("id"), numero=models.OuterRef("version")
        )
        bloquees = courantes.filter(Q(anomalies__contains=[{"bloquant": True}]) | Q(impact={}))
        redigees = courantes.filter(redigee_par=auteur)
        ids = list(brouillons.select_for_update().order_by("id").values_list("id", flat=True))
        candidats = Acte.objects.filter(id__in=ids)
        quatre_yeux = candidats.filter(Q(cree_par=auteur) | Q(models.Exists(redigees))).count()
        bloques = (
            candidats.filter(models.Exists(bloquees))
            .exclude(cree_par=auteur)
            .exclude(models.Exists(redigees))
            .count()
        )
        valides = (
            candidats.exclude(cree_par=auteur)
            .exclude(models.Exists(redigees))
            .exclude(models.Exists(bloquees))
        )
        maintenant = timezone.now()
        motif = _("Validation du lot %(lot)s") % {"lot": lot.id}
        with connection.cursor() as curseur:
            sql, params = valides.values("id").query.sql_with_params()
            curseur.execute(
                f"""
                WITH v AS (
                    UPDATE "{Acte._meta.db_table}" a
                       SET etat = %s, etat_depuis = %s, modifie_le = %s
                     WHERE a.id IN ({sql})
                 RETURNING a.id, a.version
                )
                INSERT INTO "{Transition._meta.db_table}"
                       (acte_id, version, de, vers, par, le, motif)
                SELECT v.id, v.version, %s, %s, %s, %s, %s FROM v
                """,  # noqa: S608 (table names from the models, the subquery from the ORM)
                [
                    Etat.VALIDE,
                    maintenant,
                    maintenant,
                    *params,
                    Etat.BROUILLON,
                    Etat.VALIDE,
                    auteur,
                    maintenant,
                    motif,
                ],
            )
            nombre = curseur.rowcount
        resultat = {
            "valides": nombre,
            "bloques": bloques,
            "quatre_yeux": quatre_yeux,
            "exclus": lignes.model.objects.filter(lot=lot, exclu=True).count(),
            "hors_brouillon": lignes.count() - len(ids),
        }
        LotActes.objects.filter(id=lot.id).update(
            valide_par=auteur,
            valide_le=maintenant,
            rapport=_fusion(lot.rapport, {"validation": resultat}),
        )
        _audit(lot, "valider", auteur, **resultat)
    return resultat


def _fusion(rapport: Any, ajout: dict[str, Any]) -> dict[str, Any]:
    return {**(rapport or {}), **ajout}
