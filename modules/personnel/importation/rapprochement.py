"""Comparing the checked lines with the tenant's agents, the national registry and the budget
posts; then deciding, line by line, what applying would do (create, modify, leave unchanged).

Everything is read in a fixed number of queries whatever the file's size: the file's PPRs and
CINs go to a temporary table by COPY, the agents and children they match come back by COPY.

Rules (docs/personnel/import.md):
- a blank cell keeps what the agent's file holds (a new agent gets the model's default);
- an agent already here is "inchangé" when every value the file gives equals the file's, its
  situation included, and the file lists no child the agent does not have (children are added,
  never removed, by an import);
- a situation that differs becomes a new `reprise` event; it may not take effect before the
  agent's latest known situation (an import never rewrites history);
- a PPR that is new here must not be managed by another ordonnateur (national registry);
- an existing agent's current unit must be in the importer's perimeter;
- a budget post may not hold more agents than budgeted: new occupants take the vacancies in the
  order of the file's lines, the others are refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl
from django.db import connection
from django.utils.translation import gettext as _

from modules.personnel import normalisation
from modules.personnel.importation import sql
from modules.personnel.importation.controle import Reference, Verification
from modules.personnel.importation.erreurs import Erreurs
from modules.personnel.importation.lecture import LIGNE
from modules.personnel.importation.typage import IDX
from modules.personnel.models import POSITIONS_OCCUPANT_POSTE
from tenants import registre
from tenants.models import InscriptionPpr, Organisation

# File column → Agent field.
IDENTITE = {
    "cin": "cin",
    "nom": "nom_fr",
    "prenom": "prenom_fr",
    "nom_ar": "nom_ar",
    "prenom_ar": "prenom_ar",
    "date_naissance": "date_naissance",
    "lieu_naissance": "lieu_naissance",
    "sexe": "sexe",
    "situation_familiale": "situation_familiale",
    "conjoint_a_charge": "conjoint_a_charge",
    "rib": "rib",
    "banque": "banque",
    "adresse": "adresse",
    "commune_residence": "commune_residence",
    "telephone": "telephone",
    "email": "email",
    "date_recrutement": "date_recrutement",
    "regime_retraite": "regime_retraite",
}
SITUATION = {
    "statut": "statut",
    "corps": "corps_code",
    "grade": "grade_code",
    "echelle": "echelle",
    "echelon": "echelon",
    "indice": "indice",
    "position": "position",
    "unite": "unite_code",
    "poste_budgetaire": "poste_code",
}
CHAMPS_IDENTITE = tuple(IDENTITE.values())
CHAMPS_SITUATION = tuple(SITUATION.values())
DEFAUTS = {
    "situation_familiale": "celibataire",
    "conjoint_a_charge": False,
    "regime_retraite": "CMR",
}
OCCUPANTS = sorted(str(p) for p in POSITIONS_OCCUPANT_POSTE)
EX = "ex_"  # prefix of the existing agent's values in the joined frame
LOT_REGISTRE = 5_000

SCHEMA_AGENT: dict[str, type[pl.DataType]] = {
    "agent_id": pl.Int64,
    "ppr": pl.String,
    "cin": pl.String,
    "nom_fr": pl.String,
    "prenom_fr": pl.String,
    "nom_ar": pl.String,
    "prenom_ar": pl.String,
    "date_naissance": pl.Date,
    "lieu_naissance": pl.String,
    "sexe": pl.String,
    "situation_familiale": pl.String,
    "conjoint_a_charge": pl.Boolean,
    "rib": pl.String,
    "banque": pl.String,
    "adresse": pl.String,
    "commune_residence": pl.String,
    "telephone": pl.String,
    "email": pl.String,
    "date_recrutement": pl.Date,
    "regime_retraite": pl.String,
    "statut": pl.String,
    "corps_code": pl.String,
    "grade_code": pl.String,
    "echelle": pl.String,
    "echelon": pl.String,
    "indice": pl.Int64,
    "position": pl.String,
    "unite_code": pl.String,
    "poste_code": pl.String,
    "situation_du": pl.Date,
}
_SELECT_AGENTS = (
    "SELECT a.id, a.ppr, a.cin, a.nom_fr, a.prenom_fr, a.nom_ar, a.prenom_ar, a.date_naissance, "
    "a.lieu_naissance, a.sexe, a.situation_familiale, a.conjoint_a_charge::text, a.rib, a.banque, "
    "a.adresse, a.commune_residence, a.telephone, a.email, a.date_recrutement, "
    "a.regime_retraite, a.statut, a.corps_code, a.grade_code, a.echelle, a.echelon, a.indice, "
    "a.position, a.unite_code, a.poste_code, a.situation_du "
    "FROM personnel_agent a JOIN (SELECT DISTINCT ppr FROM _imp_cle) k ON k.ppr = a.ppr"
)
_SELECT_ENFANTS = (
    "SELECT a.ppr, e.prenom, e.date_naissance FROM personnel_enfant e "
    "JOIN personnel_agent a ON a.id = e.agent_id "
    "JOIN (SELECT DISTINCT ppr FROM _imp_cle) k ON k.ppr = a.ppr"
)
_SELECT_CIN = (
    "SELECT DISTINCT k.cin, a.ppr FROM personnel_agent a "
    "JOIN _imp_cle k ON k.cin = a.cin AND k.ppr <> a.ppr WHERE k.cin <> ''"
)
_SELECT_GERES_AILLEURS = (
    "SELECT DISTINCT k.ppr FROM _imp_cle k JOIN public.{table} i ON i.ppr = k.ppr "
    "WHERE i.active AND i.role = 'gestion' AND i.organisation_id <> %s"
)
_SELECT_OCCUPATION = (
    "SELECT poste_code, count(*) FROM personnel_agent "
    "WHERE poste_code <> '' AND position = ANY(%s) GROUP BY poste_code"
)


@dataclass(frozen=True)
class Plan:
    lignes: pl.DataFrame  # every line, typed and joined (see `rapprocher`), with `valide`
    enfants: pl.DataFrame  # the children to add: ppr, prenom, date_naissance
    erreurs: Erreurs
    comptes: Mapping[str, int]  # valid lines by action (creer, modifier, inchange)

    @property
    def valides(self) -> pl.DataFrame:
        return self.lignes.filter(pl.col("valide"))

    def compte(self, action: str) -> int:
        return int(self.comptes.get(action, 0))


def occupation_actuelle() -> dict[str, int]:
    """Agents holding each budget post now (one query)."""
    with connection.cursor() as curseur:
        curseur.execute(_SELECT_OCCUPATION, [OCCUPANTS])
        return {code: int(n) for code, n in curseur.fetchall()}


def _existants(t: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The agents, their children, and the CIN owners this file's lines match."""
    cles = t.select(pl.col("ppr"), pl.col("cin").fill_null("")).filter(pl.col("ppr").is_not_null())
    sql.table_temporaire("_imp_cle", "ppr text NOT NULL, cin text NOT NULL")
    sql.copier_vers("_imp_cle", cles)
    sql.executer("ANALYZE _imp_cle")  # a hash join, not nested loops over 300,000 rows
    agents = sql.lire(_SELECT_AGENTS, SCHEMA_AGENT)
    enfants = sql.lire(
        _SELECT_ENFANTS, {"ppr": pl.String, "prenom": pl.String, "date_naissance": pl.Date}
    )
    cins = sql.lire(_SELECT_CIN, {"cin": pl.String, "autre_ppr": pl.String})
    return agents, enfants, cins


def _joindre(t: pl.DataFrame, agents: pl.DataFrame) -> pl.DataFrame:
    renommer = {**IDENTITE, **SITUATION}
    fichier = t.rename({k: v for k, v in renommer.items() if k != v})
    existants = agents.rename({c: EX + c for c in agents.columns if c != "ppr"})
    lignes = fichier.join(existants, on="ppr", how="left", coalesce=True)
    lignes = lignes.with_columns(
        pl.col(EX + "agent_id").is_not_null().alias("existe"),
        pl.coalesce("date_effet_situation", "date_recrutement").alias("date_effet"),
    )
    identite = pl.any_horizontal(
        pl.col(c).is_not_null() & pl.col(c).ne_missing(pl.col(EX + c)) for c in CHAMPS_IDENTITE
    )
    situation = pl.any_horizontal(
        pl.col(c).is_not_null() & pl.col(c).ne_missing(pl.col(EX + c)) for c in CHAMPS_SITUATION
    )
    return lignes.with_columns(
        (pl.col("existe") & identite).alias("identite_changee"),
        (pl.col("existe") & situation).alias("situation_changee"),
    ).sort(IDX)


def _enfants_a_ajouter(
    verification: Verification, lignes: pl.DataFrame, existants: pl.DataFrame
) -> pl.DataFrame:
    """The file's children that the agent does not have yet (same normalised first name and
    birth date), once each."""
    enfants = verification.enfants.join(
        lignes.select(pl.col(IDX).cast(pl.UInt32), "ppr"), on=IDX, how="inner"
    )
    prenoms = set(enfants["prenom"].to_list()) | set(existants["prenom"].drop_nulls().to_list())
    cles = {p: normalisation.normaliser(p) for p in prenoms}
    cle = pl.col("prenom").replace_strict(cles, default="", return_dtype=pl.String).alias("cle")
    enfants = enfants.with_columns(cle).unique([IDX, "cle", "date_naissance"], maintain_order=True)
    connus = existants.with_columns(cle).select("ppr", "cle", "date_naissance")
    return enfants.join(connus, on=["ppr", "cle", "date_naissance"], how="anti")


def _hors_perimetre(lignes: pl.DataFrame, r: Reference, erreurs: Erreurs) -> None:
    if r.unites_perimetre is None:
        return
    unite = lignes[EX + "unite_code"]
    erreurs.ajouter(
        lignes["existe"] & ~unite.is_in(sorted(r.unites_perimetre)).fill_null(False),
        "ppr",
        lignes["ppr"],
        lambda _i: (
            _("Cet agent a déjà un dossier ici, dans une unité hors de votre périmètre."),
            _("Retirez cette ligne : un gestionnaire habilité sur son unité peut l'importer."),
        ),
    )


def _registre(lignes: pl.DataFrame, erreurs: Erreurs) -> None:
    """PPRs new here that another ordonnateur manages (national registry).

    `registre.gestionnaires` answers, for the PPRs that one join of the file's PPRs with the
    registry finds actively managed elsewhere: asking it about 300,000 PPRs would cost seconds
    of query building for the few that ever conflict."""
    ici = registre.organisation_courante()
    with connection.cursor() as curseur:
        curseur.execute(
            _SELECT_GERES_AILLEURS.format(table=InscriptionPpr._meta.db_table), [ici.pk]
        )
        candidats = {ppr for (ppr,) in curseur.fetchall()}
    nouveaux = sorted(
        candidats & set(lignes.filter(~pl.col("existe"))["ppr"].drop_nulls().to_list())
    )
    conflits: dict[str, Organisation] = {}
    for debut in range(0, len(nouveaux), LOT_REGISTRE):
        lot = registre.gestionnaires(pprs=nouveaux[debut : debut + LOT_REGISTRE])
        conflits |= {p: org for p, org in lot.items() if org.pk != ici.pk}
    if not conflits:
        return
    ppr = lignes["ppr"]
    erreurs.ajouter(
        ~lignes["existe"] & ppr.is_in(sorted(conflits)).fill_null(False),
        "ppr",
        ppr,
        lambda i: (
            registre.conflit_message(ppr=ppr[i], organisation=conflits[ppr[i]]),
            _("Retirez cette ligne ; l'agent arrivera par un transfert entre ordonnateurs."),
        ),
    )


def _cin_ailleurs(lignes: pl.DataFrame, cins: pl.DataFrame, erreurs: Erreurs) -> None:
    if cins.height == 0:
        return
    proprietaire = dict(zip(cins["cin"].to_list(), cins["autre_ppr"].to_list(), strict=False))
    cin = lignes["cin"]
    erreurs.ajouter(
        cin.is_in(sorted(proprietaire)).fill_null(False),
        "cin",
        cin,
        lambda i: (
            _("Cette CIN est déjà celle de l'agent de PPR %(ppr)s dans l'organisation.")
            % {"ppr": proprietaire[cin[i]]},
            _("Vérifiez la CIN et le PPR de cette ligne : une CIN appartient à une personne."),
        ),
    )


def _anteriorite(lignes: pl.DataFrame, erreurs: Erreurs) -> None:
    depuis = lignes[EX + "situation_du"]
    erreurs.ajouter(
        lignes["situation_changee"] & (lignes["date_effet"] < depuis).fill_null(False),
        "date_effet_situation",
        lignes["date_effet"].cast(pl.String),
        lambda i: (
            _("La situation connue de l'agent date du %(d)s, après cette date d'effet.")
            % {"d": depuis[i].strftime("%d/%m/%Y")},
            _(
                "Donnez la date d'effet de la situation du fichier (au plus tôt le %(d)s), ou "
                "saisissez ce changement dans le dossier de l'agent."
            )
            % {"d": depuis[i].strftime("%d/%m/%Y")},
        ),
    )


def _capacite(
    lignes: pl.DataFrame, r: Reference, occupation: Mapping[str, int], erreurs: Erreurs
) -> None:
    """New occupants of each post take its vacancies in the order of the lines."""
    apres = lignes.select(
        IDX,
        LIGNE,
        pl.coalesce("poste_code", EX + "poste_code").alias("poste_apres"),
        pl.coalesce("position", EX + "position").is_in(OCCUPANTS).alias("occupe_apres"),
        pl.when(pl.col(EX + "position").is_in(OCCUPANTS))
        .then(pl.col(EX + "poste_code"))
        .otherwise(None)
        .alias("poste_avant"),
    ).with_columns(
        (pl.col("occupe_apres") & pl.col("poste_apres").is_not_null()).alias("occupe_apres")
    )
    deja_refuses = np.zeros(lignes.height, dtype=bool)
    for _tour in range(5):  # a refused line no longer frees its former post: settle
        valides = apres.filter(pl.Series(~(erreurs.masque | deja_refuses)))
        partants = (
            valides.filter(
                pl.col("poste_avant").is_not_null()
                & (~pl.col("occupe_apres") | (pl.col("poste_apres") != pl.col("poste_avant")))
            )
            .group_by("poste_avant")
            .len()
        )
        liberes = dict(
            zip(partants["poste_avant"].to_list(), partants["len"].to_list(), strict=True)
        )
        nouveaux = valides.filter(
            pl.col("occupe_apres") & pl.col("poste_apres").ne_missing(pl.col("poste_avant"))
        )
        nouveaux = nouveaux.with_columns(
            pl.int_range(1, pl.len() + 1).over("poste_apres", order_by=LIGNE).alias("rang")
        )
        vacants = {
            code: nombre - occupation.get(code, 0) + liberes.get(code, 0)
            for code, nombre in r.postes.items()
        }
        vacances = nouveaux["poste_apres"].replace_strict(vacants, default=0, return_dtype=pl.Int64)
        refuses = nouveaux.filter(nouveaux["rang"] > vacances)
        if refuses.height == 0:
            break
        deja_refuses[refuses[IDX].to_numpy()] = True
    if not deja_refuses.any():
        return
    postes = apres["poste_apres"]
    erreurs.ajouter(
        deja_refuses,
        "poste_budgetaire",
        postes,
        lambda i: (
            _(
                "Le poste budgétaire %(p)s est complet (%(n)d budgétés) : pas de place pour cet "
                "agent."
            )
            % {"p": postes[i], "n": r.postes.get(postes[i], 0)},
            _(
                "Choisissez un poste vacant, libérez-en un, ou faites augmenter le nombre de "
                "postes budgétés avant l'import."
            ),
        ),
    )


def rapprocher(
    verification: Verification, reference: Reference, occupation: Mapping[str, int]
) -> Plan:
    t = verification.type
    erreurs = verification.erreurs
    agents, enfants_connus, cins = _existants(t)
    lignes = _joindre(t, agents)
    # Consumed: the joined lines hold everything now; free the typed table and the agents read.
    verification.type = t = agents = pl.DataFrame()
    _hors_perimetre(lignes, reference, erreurs)
    _registre(lignes, erreurs)
    _cin_ailleurs(lignes, cins, erreurs)
    _anteriorite(lignes, erreurs)
    _capacite(lignes, reference, occupation, erreurs)
    ajouts = _enfants_a_ajouter(verification, lignes, enfants_connus)
    ajouts_par_ligne = ajouts.group_by(IDX).len().rename({"len": "enfants_ajoutes"})
    lignes = (
        lignes.join(ajouts_par_ligne, on=IDX, how="left")
        .with_columns(pl.col("enfants_ajoutes").fill_null(0))
        .sort(IDX)
        .with_columns(pl.Series("valide", ~erreurs.masque))
    )
    lignes = lignes.with_columns(
        pl.when(~pl.col("existe"))
        .then(pl.lit("creer"))
        .when(
            pl.col("identite_changee")
            | pl.col("situation_changee")
            | (pl.col("enfants_ajoutes") > 0)
        )
        .then(pl.lit("modifier"))
        .otherwise(pl.lit("inchange"))
        .alias("action")
    )
    valides = lignes.filter(pl.col("valide")).select(IDX, "action")
    comptes = dict(valides.group_by("action").len().iter_rows())
    enfants = ajouts.join(valides, on=IDX, how="semi").select("ppr", "prenom", "date_naissance")
    return Plan(lignes=lignes, enfants=enfants, erreurs=erreurs, comptes=comptes)
