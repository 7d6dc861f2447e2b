"""The paie side of the exchange: the Treasury's monthly payroll file (protocol v1 §5.6).

Streamed and set-based (a ministry's file is 300,000 lines; it is never held whole): the gateway
has verified the file (signature, digest, every line's schema) and hands us its path; one pass
over its lines checks each agent line (gross, deductions and net against its elements), turns its
amounts into centimes and feeds PostgreSQL's COPY (a temporary table); then the lines are
inserted with the HR agent and unit resolved by one join on the PPR, and the totals per rubrique
and imputation computed by one INSERT … SELECT over the lines' elements. The header's and the
trailer's totals must equal what the lines add up to, or the whole file is refused (the
gateway's transaction rolls everything back and quarantines the file). A file for a month
already received replaces that month's lines and totals whole (the Treasury's correction); the
month keeps its id, and the HR ↔ pay comparison runs again.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.urls import reverse
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


def _texte_copy(valeur: Any) -> str:
    """A value in COPY's text format (NULL as \\N; backslash, tab and line breaks escaped)."""
    if valeur is None:
        return "\\N"
    texte = str(valeur)
    if "\\" in texte or "\t" in texte or "\n" in texte or "\r" in texte:
        texte = (
            texte.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return texte


class _Lecture:
    """One pass over the verified payload: the header (line 1), each agent line checked and
    turned into a COPY row (its amounts in centimes), the trailer's totals kept (a few
    hundred)."""

    def __init__(self, charge: Path) -> None:
        self.charge = charge
        self.entete: dict[str, Any] = {}
        self.totaux: dict[tuple[str, str, str], tuple[int, int]] = {}

    def entete_lire(self, manifeste: Manifeste) -> dict[str, Any]:
        with self.charge.open("rb") as fichier:
            premiere = fichier.readline()
        entete: dict[str, Any] = json.loads(premiere) if premiere else {}
        if entete.get("type") != "entete":
            raise RefusApplication(
                _("Fichier de paie sans en-tête : la ligne 1 doit être l'en-tête du mois.")
            )
        if entete["ordonnateur"].split("/")[0] != manifeste.destinataire.split("/")[0]:
            raise RefusApplication(
                _("Fichier de paie de %(o)s reçu par %(d)s.")
                % {"o": entete["ordonnateur"], "d": manifeste.destinataire}
            )
        self.entete = entete
        return entete

    def _agent(self, n: int, ligne: dict[str, Any]) -> str:
        gains = retenues = 0
        elements = ligne["elements"]
        for element in elements:  # the parsed record is ours: amounts become centimes in place
            montant = int(element["montant"].replace(".", ""))
            element["montant"] = montant
            if element["sens"] == "gain":
                gains += montant
            else:
                retenues += montant
            if not element.get("libelle_ar"):
                element["libelle_ar"] = ""
        brut = int(ligne["brut"].replace(".", ""))
        retenu = int(ligne["retenues"].replace(".", ""))
        net = int(ligne["net"].replace(".", ""))
        if brut != gains or retenu != retenues or net != brut - retenu:
            raise RefusApplication(
                _(
                    "Ligne %(ligne)d : brut %(brut)s, retenues %(ret)s et net %(net)s ne "
                    "correspondent pas à ses éléments (gains %(gains)s, retenues %(retenues)s)."
                )
                % {
                    "ligne": n,
                    "brut": ligne["brut"],
                    "ret": ligne["retenues"],
                    "net": ligne["net"],
                    "gains": _dh(gains),
                    "retenues": _dh(retenues),
                }
            )
        administrative = ligne["administrative"]
        nom = f"{ligne['nom']} {ligne['prenom']}".strip()
        return "\t".join(
            (
                str(n),
                _texte_copy(ligne["ppr"]),
                _texte_copy(nom[:210]),
                _texte_copy(str(administrative.get("grade") or "")[:32]),
                _texte_copy(str(administrative.get("echelon") or "")[:5]),
                _texte_copy(administrative.get("indice")),
                _texte_copy(str(administrative.get("position") or "")[:24]),
                _texte_copy(str(ligne["imputation"])[:60]),
                str(brut),
                str(retenu),
                str(net),
                json.dumps(elements, ensure_ascii=False, separators=(",", ":")).replace(
                    "\\", "\\\\"
                ),
            )
        )

    def _total(self, n: int, ligne: dict[str, Any]) -> None:
        cle = (str(ligne["imputation"]), str(ligne["rubrique"]), str(ligne["sens"]))
        if cle in self.totaux:
            raise RefusApplication(
                _("Ligne %(ligne)d : total %(cle)s en double.")
                % {"ligne": n, "cle": " / ".join(cle)}
            )
        self.totaux[cle] = (int(ligne["montant"].replace(".", "")), int(ligne["agents"]))

    def lignes_copy(self, taille_bloc: int = 2000) -> Iterator[str]:
        """Blocks of COPY rows, one per agent line, in file order."""
        bloc: list[str] = []
        en_pied = False
        with self.charge.open("rb") as fichier:
            fichier.readline()  # the header, read apart
            for n, brute in enumerate(fichier, start=2):
                ligne = json.loads(brute)
                genre = ligne["type"]
                if genre == "agent" and not en_pied:
                    bloc.append(self._agent(n, ligne))
                    if len(bloc) >= taille_bloc:
                        yield "\n".join(bloc) + "\n"
                        bloc = []
                elif genre == "total":
                    en_pied = True
                    self._total(n, ligne)
                else:
                    raise RefusApplication(
                        _(
                            "Ligne %(ligne)d : enregistrement « %(type)s » inattendu ici "
                            "(ordre : en-tête, agents, totaux)."
                        )
                        % {"ligne": n, "type": genre}
                    )
        if bloc:
            yield "\n".join(bloc) + "\n"


class _Flux(io.TextIOBase):
    """A read-only text stream over an iterator of chunks (what COPY FROM STDIN reads). A
    refusal raised while reading ends the stream and is kept in `erreur` (the driver would
    turn it into a cancelled COPY): the caller raises it once the COPY is over."""

    def __init__(self, morceaux: Iterator[str]) -> None:
        self._morceaux = morceaux
        self._reste = ""
        self.erreur: RefusApplication | None = None

    def readable(self) -> bool:
        return True

    def read(self, taille: int | None = -1) -> str:
        limite = 1 << 62 if taille is None or taille < 0 else taille
        while len(self._reste) < limite and self.erreur is None:
            try:
                morceau = next(self._morceaux, None)
            except RefusApplication as refus:
                self.erreur = refus
                break
            if morceau is None:
                break
            self._reste += morceau
        donne, self._reste = self._reste[:limite], self._reste[limite:]
        return donne


def _charger(lecture: _Lecture) -> None:
    """The agent lines into a temporary table by COPY; then no PPR twice."""
    _executer("DROP TABLE IF EXISTS paie_import")
    _executer(
        "CREATE TEMPORARY TABLE paie_import (n bigint, ppr varchar(20), nom varchar(210), "
        "grade varchar(32), echelon varchar(5), indice integer, position varchar(24), "
        "imputation varchar(60), brut bigint, retenues bigint, net bigint, elements jsonb) "
        "ON COMMIT DROP"
    )
    flux = _Flux(lecture.lignes_copy())
    with connection.cursor() as curseur:
        curseur.cursor.copy_expert(
            "COPY paie_import (n, ppr, nom, grade, echelon, indice, position, imputation, "
            "brut, retenues, net, elements) FROM STDIN",
            flux,
            size=1 << 20,
        )
    if flux.erreur is not None:
        raise flux.erreur
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
        f"FROM paie_import i LEFT JOIN {TABLE_AGENTS} a ON a.ppr = i.ppr",
        [mois.id],
    )
    _executer(
        f"INSERT INTO {totaux} (mois_id, imputation, rubrique, libelle, sens, montant, "  # noqa: S608
        "agents) SELECT %s, l.imputation, e.code, min(e.libelle), e.sens, sum(e.montant), "
        f"count(*) FROM {lignes} l, jsonb_to_recordset(l.elements) "
        "e(code text, libelle text, sens text, montant bigint) "
        "WHERE l.mois_id = %s GROUP BY l.imputation, e.code, e.sens",
        [mois.id, mois.id],
    )


def _totaux_verifier(lecture: _Lecture, mois: MoisPaie) -> tuple[int, int, int, int]:
    """The header's and the trailer's totals against the lines. Returns (agents, gross,
    deductions, net) of the month."""
    entete = lecture.entete
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
    annonces = lecture.totaux
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
        lecture = _Lecture(charge)
        entete = lecture.entete_lire(manifeste)
        mois, remplace = _mois_preparer(manifeste, entete)
        _charger(lecture)
        _inserer(mois)
        agents, brut, retenues, net = _totaux_verifier(lecture, mois)
        _executer("DROP TABLE paie_import")
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
    lien = reverse("paie:etat", args=[mois.id])
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
