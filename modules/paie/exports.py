"""The état de paie, the differences and the gaps as CSV or XLSX.

A table is a list of column titles and rows of values (text, integers, amounts as `Decimal`
dirhams). CSV is UTF-8 with a BOM (spreadsheets open it with the accents right), amounts with a
dot; XLSX cells are typed (amounts are numbers with two decimals). A text cell that a
spreadsheet would run as a formula is defused (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]

from modules.paie.differences import Difference
from modules.paie.models import EcartPaie, NatureEcartPaie, StatutEcartPaie
from modules.paie.selectors import EtatPaie

TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULE = ("=", "+", "-", "@", "\t", "\r")
Valeur = str | int | Decimal | None


def dh(centimes: int | None) -> Decimal | None:
    return None if centimes is None else (Decimal(centimes) / 100).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Feuille:
    titre: str
    colonnes: list[str]
    lignes: list[list[Valeur]]


def _desamorcer(valeur: Valeur) -> Valeur:
    if isinstance(valeur, str) and valeur.startswith(FORMULE):
        return f"'{valeur}"
    return valeur


def csv_octets(feuilles: Sequence[Feuille]) -> bytes:
    """The sheets one after the other, each under its title, separated by an empty line."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";")
    for rang, feuille in enumerate(feuilles):
        if rang:
            ecrivain.writerow([])
        if len(feuilles) > 1:
            ecrivain.writerow([feuille.titre])
        ecrivain.writerow(feuille.colonnes)
        for ligne in feuille.lignes:
            ecrivain.writerow(["" if v is None else _desamorcer(v) for v in ligne])
    return ("\ufeff" + tampon.getvalue()).encode("utf-8")


def xlsx_octets(feuilles: Sequence[Feuille]) -> bytes:
    classeur = Workbook(write_only=True)
    for feuille in feuilles:
        onglet = classeur.create_sheet(title=feuille.titre[:31])
        onglet.append(feuille.colonnes)
        for ligne in feuille.lignes:
            onglet.append([_desamorcer(v) for v in ligne])
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def reponse(feuilles: Sequence[Feuille], *, format: str, nom: str) -> HttpResponse:
    if format == "xlsx":
        contenu, type_mime = xlsx_octets(feuilles), TYPE_XLSX
    else:
        contenu, type_mime = csv_octets(feuilles), "text/csv; charset=utf-8"
    reponse = HttpResponse(contenu, content_type=type_mime)
    reponse["Content-Disposition"] = f'attachment; filename="{nom}.{format}"'
    return reponse


def _montants() -> list[str]:
    return [_("Agents"), _("Brut (DH)"), _("Retenues (DH)"), _("Net (DH)")]


def feuilles_etat(etat: EtatPaie) -> list[Feuille]:
    return [
        Feuille(
            titre=_("Rubriques"),
            colonnes=[_("Rubrique"), _("Libellé"), _("Sens"), _("Montant (DH)"), _("Agents")],
            lignes=[
                [r.rubrique, r.libelle, r.sens, dh(r.montant), r.agents] for r in etat.rubriques
            ],
        ),
        Feuille(
            titre=_("Imputations"),
            colonnes=[_("Imputation budgétaire"), *_montants()],
            lignes=[
                [g.cle, g.agents, dh(g.brut), dh(g.retenues), dh(g.net)] for g in etat.imputations
            ]
            + [[_("Total"), etat.agents, dh(etat.brut), dh(etat.retenues), dh(etat.net)]],
        ),
        Feuille(
            titre=_("Unités"),
            colonnes=[_("Unité"), *_montants()],
            lignes=[
                [g.cle or _("(hors dossier RH)"), g.agents, dh(g.brut), dh(g.retenues), dh(g.net)]
                for g in etat.unites
            ],
        ),
    ]


def feuilles_differences(differences: Iterable[Difference]) -> list[Feuille]:
    lignes: list[list[Valeur]] = []
    for d in differences:
        actes = ", ".join(f"{a.numero} ({a.libelle})" for a in d.actes)
        lignes.append(
            [d.ppr, d.nom, d.unite_code, d.genre, "", "", dh(d.net_avant), dh(d.net_apres),
             dh(d.ecart), actes]
        )  # fmt: skip
        lignes.extend(
            [d.ppr, d.nom, d.unite_code, d.genre, e.code, e.libelle, dh(e.avant), dh(e.apres),
             dh(e.ecart), ""]
            for e in d.elements
        )  # fmt: skip
    return [
        Feuille(
            titre=_("Différences"),
            colonnes=[
                _("PPR"), _("Agent"), _("Unité"), _("Nature"), _("Élément"), _("Libellé"),
                _("Avant (DH)"), _("Après (DH)"), _("Écart (DH)"), _("Actes explicatifs"),
            ],
            lignes=lignes,
        )
    ]  # fmt: skip


def feuilles_ecarts(ecarts: Iterable[EcartPaie]) -> list[Feuille]:
    natures = dict(NatureEcartPaie.choices)
    statuts = dict(StatutEcartPaie.choices)
    return [
        Feuille(
            titre=_("Écarts RH-paie"),
            colonnes=[
                _("PPR"), _("Agent"), _("Unité"), _("Nature"), _("Net attendu (DH)"),
                _("Net payé (DH)"), _("Statut"), _("Commentaire"), _("Traité par"),
            ],
            lignes=[
                [e.ppr, e.nom, e.unite_code, str(natures.get(e.nature, e.nature)), dh(e.attendu),
                 dh(e.paye), str(statuts.get(e.statut, e.statut)), e.commentaire, e.traite_par]
                for e in ecarts
            ],
        )
    ]  # fmt: skip
