"""The paie side of the exchange: the Treasury's monthly payroll file (protocol v1 §5.6).

Set-based, in PostgreSQL (a ministry's file is 300,000 lines; Python never holds nor walks it):
the gateway has verified the file (signature, digest, every line's schema); its raw lines are
COPYed into a temporary table as jsonb, then every check and every write is one SQL statement:
the agents' lines with their amounts in centimes and their own sums, the PPR join that resolves
the HR agent and unit, the totals per rubrique and imputation over the lines' elements. Each
line's gross, deductions and net, the header's and the trailer's totals must equal what the
lines add up to, or the whole file is refused (the gateway's transaction rolls everything back
and quarantines the file). A file for a month already received replaces that month's lines and
totals whole (the Treasury's correction); the month keeps its id, and the HR ↔ pay comparison
runs again.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit_services
from exchange.ports import RapportApplication, RefusApplication
from exchange.protocole.fichiers import ligne_json
from exchange.protocole.manifeste import Manifeste
from identity import facade as identite
from modules.notifications import facade as notifications
from modules.paie.models import LignePaie, MoisPaie, TotalPaie

ROLE_PAIE = "paie"
# The HR file's table (personnel's Agent): read in the same schema by the one join that
# resolves PPRs, never through personnel's models (modules meet through facades and SQL
# contracts; a test pins this name against personnel's model).
TABLE_AGENTS = "personnel_agent"
# A raw JSON line loaded whole into one jsonb column: CSV with quote and delimiter characters
# that JSON never leaves unescaped.
COPY_BRUT = (
    "COPY paie_brut (ligne) FROM STDIN WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
)


def centimes(montant: str) -> int:
    """'1234.56' → 123456 (the schema already checked the form: digits, a dot, 2 decimals)."""
    return int(montant.replace(".", ""))


def _dh(valeur: int) -> str:
    valeur = int(valeur)
    signe = "-" if valeur < 0 else ""
    return f"{signe}{abs(valeur) // 100}.{abs(valeur) % 100:02d}"


def _un(sql: str, params: list[Any] | None = None) -> tuple[Any, ...] | None:
    with connection.cursor() as curseur:
        curseur.execute(sql, params or [])
        ligne: tuple[Any, ...] | None = curseur.fetchone()
        return ligne


def _executer(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as curseur:
        curseur.execute(sql, params or [])


def _charger(charge: Path) -> None:
    """The raw lines, numbered in file order (line 1 is the header)."""
    _executer("DROP TABLE IF EXISTS paie_brut")
    _executer(
        "CREATE TEMPORARY TABLE paie_brut (n bigserial PRIMARY KEY, ligne jsonb NOT NULL) "
        "ON COMMIT DROP"
    )
    with connection.cursor() as curseur, charge.open("rb") as fichier:
        curseur.cursor.copy_expert(COPY_BRUT, fichier, size=1 << 20)


def _entete(manifeste: Manifeste) -> dict[str, Any]:
    premiere = _un("SELECT ligne::text FROM paie_brut WHERE n = 1")
    entete: dict[str, Any] = json.loads(premiere[0]) if premiere else {}
    if entete.get("type") != "entete":
        raise RefusApplication(
            _("Fichier de paie sans en-tête : la ligne 1 doit être l'en-tête du mois.")
        )
    if entete["ordonnateur"].split("/")[0] != manifeste.destinataire.split("/")[0]:
        raise RefusApplication(
            _("Fichier de paie de %(o)s reçu par %(d)s.")
            % {"o": entete["ordonnateur"], "d": manifeste.destinataire}
        )
    hors_place = _un(
        "SELECT n, ligne->>'type' FROM paie_brut WHERE n > 1 AND (ligne->>'type' = 'entete' "
        "OR (ligne->>'type' = 'agent' AND n > (SELECT coalesce(min(n), 9223372036854775807) "
        "FROM paie_brut WHERE ligne->>'type' = 'total'))) ORDER BY n LIMIT 1"
    )
    if hors_place is not None:
        raise RefusApplication(
            _(
                "Ligne %(ligne)d : enregistrement « %(type)s » inattendu ici (ordre : en-tête, "
                "agents, totaux)."
            )
            % {"ligne": hors_place[0], "type": hors_place[1]}
        )
    return entete


def _mois_preparer(manifeste: Manifeste, entete: dict[str, Any]) -> tuple[MoisPaie, bool]:
    """The month's row, locked; an existing month is emptied (its lines and totals go in SQL,
    not through the ORM's cascade that would load 300,000 rows)."""
    annee, numero = str(entete["mois"]).split("-")
    mois = date(int(annee), int(numero), 1)
    champs = {
        "fichier": manifeste.nom_base()[:200],
        "sequence": manifeste.sequence,
        "sha256": manifeste.sha256,
        "date_arret": date.fromisoformat(entete["date_arret"]),
        "date_paiement": date.fromisoformat(entete["date_paiement"]),
        "recu_le": timezone.now(),
    }
    existant = MoisPaie.objects.select_for_update().filter(mois=mois).first()
    if existant is None:
        return MoisPaie.objects.create(mois=mois, **champs), False
    for modele in (LignePaie, TotalPaie):
        _executer(
            f"DELETE FROM {modele._meta.db_table} WHERE mois_id = %s",  # noqa: S608
            [existant.id],
        )
    MoisPaie.objects.filter(id=existant.id).update(**champs)
    existant.refresh_from_db()
    return existant, True


def _lignes_preparer() -> None:
    """One row per agent line: its fields, its elements with amounts in centimes (file order
    kept), and what its elements add up to."""
    _executer("DROP TABLE IF EXISTS paie_import")
    _executer(
        "CREATE TEMPORARY TABLE paie_import ON COMMIT DROP AS "
        "SELECT b.n, b.ligne->>'ppr' AS ppr, "
        "left(concat_ws(' ', b.ligne->>'nom', b.ligne->>'prenom'), 210) AS nom, "
        "left(coalesce(b.ligne#>>'{administrative,grade}', ''), 32) AS grade, "
        "left(coalesce(b.ligne#>>'{administrative,echelon}', ''), 5) AS echelon, "
        "(b.ligne#>>'{administrative,indice}')::integer AS indice, "
        "left(coalesce(b.ligne#>>'{administrative,position}', ''), 24) AS position, "
        "left(b.ligne->>'imputation', 60) AS imputation, "
        "replace(b.ligne->>'brut', '.', '')::bigint AS brut, "
        "replace(b.ligne->>'retenues', '.', '')::bigint AS retenues, "
        "replace(b.ligne->>'net', '.', '')::bigint AS net, "
        "coalesce(e.gains, 0)::bigint AS gains, coalesce(e.deductions, 0)::bigint AS deductions, "
        "coalesce(e.elements, '[]'::jsonb) AS elements "
        "FROM paie_brut b LEFT JOIN LATERAL ("
        "  SELECT sum(c.montant) FILTER (WHERE c.el->>'sens' = 'gain') AS gains, "
        "  sum(c.montant) FILTER (WHERE c.el->>'sens' = 'retenue') AS deductions, "
        "  jsonb_agg(c.el || jsonb_build_object('montant', c.montant, 'libelle_ar', "
        "    coalesce(c.el->>'libelle_ar', '')) ORDER BY c.rang) AS elements "
        "  FROM (SELECT x.el, x.rang, replace(x.el->>'montant', '.', '')::bigint AS montant "
        "        FROM jsonb_array_elements(b.ligne->'elements') WITH ORDINALITY x(el, rang)) c"
        ") e ON true WHERE b.ligne->>'type' = 'agent'"
    )


def _lignes_verifier() -> None:
    fausse = _un(
        "SELECT n, brut, retenues, net, gains, deductions FROM paie_import "
        "WHERE brut <> gains OR retenues <> deductions OR net <> brut - retenues "
        "ORDER BY n LIMIT 1"
    )
    if fausse is not None:
        n, brut, retenues, net, gains, deductions = fausse
        raise RefusApplication(
            _(
                "Ligne %(ligne)d : brut %(brut)s, retenues %(ret)s et net %(net)s ne "
                "correspondent pas à ses éléments (gains %(gains)s, retenues %(retenues)s)."
            )
            % {
                "ligne": n,
                "brut": _dh(brut),
                "ret": _dh(retenues),
                "net": _dh(net),
                "gains": _dh(gains),
                "retenues": _dh(deductions),
            }
        )
    double = _un(
        "SELECT ppr FROM paie_import GROUP BY ppr HAVING count(*) > 1 ORDER BY ppr LIMIT 1"
    )
    if double is not None:
        raise RefusApplication(
            _("Le PPR %(ppr)s figure plusieurs fois dans le fichier de paie.") % {"ppr": double[0]}
        )


def _inserer(mois: MoisPaie) -> None:
    lignes, totaux = LignePaie._meta.db_table, TotalPaie._meta.db_table
    _executer(
        f"INSERT INTO {lignes} (mois_id, ppr, agent_id, nom, grade, echelon, indice, "  # noqa: S608
        "position, unite_code, imputation, brut, retenues, net, elements) "
        "SELECT %s, i.ppr, a.id, i.nom, i.grade, i.echelon, i.indice, i.position, "
        "coalesce(a.unite_code, ''), i.imputation, i.brut, i.retenues, i.net, i.elements "
        f"FROM paie_import i LEFT JOIN {TABLE_AGENTS} a ON a.ppr = i.ppr ORDER BY i.n",
        [mois.id],
    )
    _executer(
        f"INSERT INTO {totaux} (mois_id, imputation, rubrique, libelle, sens, montant, "  # noqa: S608
        "agents) SELECT %s, l.imputation, e->>'code', min(e->>'libelle'), e->>'sens', "
        "sum((e->>'montant')::bigint), count(DISTINCT l.id) "
        f"FROM {lignes} l CROSS JOIN LATERAL jsonb_array_elements(l.elements) e "
        "WHERE l.mois_id = %s GROUP BY l.imputation, e->>'code', e->>'sens'",
        [mois.id, mois.id],
    )


def _totaux_verifier(entete: dict[str, Any], mois: MoisPaie) -> tuple[int, int, int, int]:
    """The header's and the trailer's totals against the lines. Returns (agents, gross,
    deductions, net) of the month."""
    sommes = _un(
        "SELECT count(*), coalesce(sum(brut), 0), coalesce(sum(retenues), 0), "
        "coalesce(sum(net), 0) FROM paie_import"
    )
    assert sommes is not None
    agents, brut, retenues, net = (int(v) for v in sommes)
    if agents != int(entete["agents"]):
        raise RefusApplication(
            _("L'en-tête annonce %(a)d agents, le fichier en contient %(n)d.")
            % {"a": int(entete["agents"]), "n": agents}
        )
    for champ, calcule in (("brut", brut), ("retenues", retenues), ("net", net)):
        if centimes(entete[champ]) != calcule:
            raise RefusApplication(
                _("En-tête : %(champ)s annoncé %(annonce)s, somme des lignes %(somme)s.")
                % {"champ": champ, "annonce": entete[champ], "somme": _dh(calcule)}
            )
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT n, ligne->>'imputation', ligne->>'rubrique', ligne->>'sens', "
            "replace(ligne->>'montant', '.', '')::bigint, (ligne->>'agents')::integer "
            "FROM paie_brut WHERE ligne->>'type' = 'total' ORDER BY n"
        )
        annonces: dict[tuple[str, str, str], tuple[int, int]] = {}
        for n, imputation, rubrique, sens, montant, nombre in curseur.fetchall():
            if (imputation, rubrique, sens) in annonces:
                raise RefusApplication(
                    _("Ligne %(ligne)d : total %(cle)s en double.")
                    % {"ligne": n, "cle": " / ".join((imputation, rubrique, sens))}
                )
            annonces[(imputation, rubrique, sens)] = (montant, nombre)
    calcules = {
        (t.imputation, t.rubrique, t.sens): (t.montant, t.agents)
        for t in TotalPaie.objects.filter(mois=mois)
    }
    for cle in sorted(set(calcules) | set(annonces)):
        annonce, somme = annonces.get(cle), calcules.get(cle)
        if annonce != somme:
            raise RefusApplication(
                _(
                    "Total %(cle)s : annoncé %(annonce)s, somme des lignes %(somme)s. Le "
                    "fichier est refusé entier : demandez au Trésor un fichier corrigé."
                )
                % {
                    "cle": " / ".join(c or "—" for c in cle),
                    "annonce": "absent" if annonce is None else f"{_dh(annonce[0])} ({annonce[1]})",
                    "somme": "aucune" if somme is None else f"{_dh(somme[0])} ({somme[1]})",
                }
            )
    return agents, brut, retenues, net


def paie_recevoir(
    *,
    manifeste: Manifeste,
    enregistrements: Iterator[dict[str, Any]],
    charge: Path | None = None,
) -> RapportApplication:
    """The `paie` port: one month of one ordonnateur's payroll, applied whole or not at all.
    The verified payload (`charge`, given by the gateway) is loaded by COPY; without it, the
    records are first written to a temporary file, streamed."""
    if charge is None:
        with tempfile.TemporaryDirectory(prefix="paie-") as dossier:
            copie = Path(dossier) / "charge.jsonl"
            with copie.open("wb") as sortie:
                for enregistrement in enregistrements:
                    sortie.write(ligne_json(enregistrement))
            return paie_recevoir(manifeste=manifeste, enregistrements=iter(()), charge=copie)
    with transaction.atomic():
        _charger(charge)
        entete = _entete(manifeste)
        mois, remplace = _mois_preparer(manifeste, entete)
        _lignes_preparer()
        _lignes_verifier()
        _inserer(mois)
        agents, brut, retenues, net = _totaux_verifier(entete, mois)
        _executer("DROP TABLE paie_import")
        _executer("DROP TABLE paie_brut")
        MoisPaie.objects.filter(id=mois.id).update(
            agents=agents, brut=brut, retenues=retenues, net=net, compare_le=None
        )
        inconnus = LignePaie.objects.filter(mois=mois, agent_id__isnull=True).count()
        rapport = RapportApplication(appliques=agents, signales=inconnus)
        if remplace:
            rapport.remarques.append(f"mois {mois.mois:%Y-%m} remplacé par le fichier corrigé")
        if inconnus:
            rapport.remarques.append(f"{inconnus} PPR inconnus du dossier RH")
        audit_services.audit_record(
            actor=manifeste.emetteur,
            action="paie.mois_recevoir",
            object_type="mois_paie",
            object_id=str(mois.id),
            data={
                "mois": f"{mois.mois:%Y-%m}",
                "fichier": manifeste.nom_base(),
                "remplace": remplace,
                **rapport.en_dict(),
            },
        )
        _notifier(mois=mois, remplace=remplace, agents=agents, net=net)
        schema = str(connection.schema_name)  # type: ignore[attr-defined]
        mois_id = mois.id
        transaction.on_commit(lambda: _comparaison_lancer(schema, mois_id))
    return rapport


def _notifier(*, mois: MoisPaie, remplace: bool, agents: int, net: int) -> None:
    """The paie role's holders learn the month arrived (with the file's transaction)."""
    destinataires = identite.usernames_with_role(
        tenant_schema=str(connection.schema_name),  # type: ignore[attr-defined]
        role=ROLE_PAIE,
    )
    if not destinataires:
        return
    titre = (
        _("Paie de %(mois)s corrigée par le Trésor")
        if remplace
        else _("Paie de %(mois)s reçue du Trésor")
    ) % {"mois": f"{mois.mois:%m/%Y}"}
    try:
        lien = reverse("paie:mois", args=[mois.id])
    except NoReverseMatch:
        lien = ""
    notifications.notifier(
        destinataires=destinataires,
        categorie="paie.mois",
        titre=titre,
        texte=_("%(n)d agents payés, net total %(net)s DH. Les écarts RH ↔ paie sont recalculés.")
        % {"n": agents, "net": _dh(net)},
        lien=lien,
    )


def _comparaison_lancer(schema: str, mois_id: int) -> None:
    """After the commit: the HR ↔ pay comparison of the month (the paie module's job)."""
    from modules.paie import actors

    actors.ecarts_calculer_lancer(schema_name=schema, mois_id=mois_id)
