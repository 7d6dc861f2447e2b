"""The paie side of the exchange: the Treasury's monthly payroll file (protocol v1 §5.5).

Set-based, streamed (a ministry's file is 300,000 lines; the file is never held whole):
records are checked line by line as they go into PostgreSQL's COPY (a temporary table), the
lines are inserted with the HR agent and unit resolved by one join on the PPR, the totals per
rubrique and imputation by one INSERT … SELECT over the lines' elements; the trailer's totals
and the header's must equal what the lines add up to, or the whole file is refused (the
gateway's transaction rolls everything back and quarantines the file). A file for a month
already received replaces that month's lines and totals whole (the Treasury's correction);
the month keeps its id, and the HR ↔ pay comparison runs again.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit_services
from exchange.ports import RapportApplication, RefusApplication
from exchange.protocole.manifeste import Manifeste
from identity import facade as identite
from modules.notifications import facade as notifications
from modules.paie.models import LignePaie, MoisPaie, TotalPaie

ROLE_PAIE = "paie"
# The HR file's table (personnel's Agent): read in the same schema by the one join that
# resolves PPRs, never through personnel's models (modules meet through facades and SQL
# contracts; tests pin this name against personnel's model).
TABLE_AGENTS = "personnel_agent"
COLONNES = (
    "ligne",
    "ppr",
    "nom",
    "grade",
    "echelon",
    "indice",
    "position",
    "imputation",
    "brut",
    "retenues",
    "net",
    "elements",
)


def centimes(montant: str) -> int:
    """'1234.56' → 123456 (the schema already checked the form: digits, a dot, 2 decimals)."""
    return int(montant.replace(".", ""))


def _dh(valeur: int) -> str:
    signe = "-" if valeur < 0 else ""
    return f"{signe}{abs(valeur) // 100}.{abs(valeur) % 100:02d}"


class _Flux(io.TextIOBase):
    """A read-only text stream over an iterator of chunks (what COPY FROM STDIN reads). A
    refusal raised while reading ends the stream and is kept in `erreur` (the driver would
    turn it into a cancelled COPY): the caller raises it once the COPY is over."""

    def __init__(self, morceaux: Iterator[str]) -> None:
        self._morceaux = morceaux
        self._reste = ""
        self.erreur: RefusApplication | None = None

    def _suivant(self) -> str | None:
        if self.erreur is not None:
            return None
        try:
            return next(self._morceaux, None)
        except RefusApplication as refus:
            self.erreur = refus
            return None

    def readable(self) -> bool:
        return True

    def read(self, taille: int | None = -1) -> str:
        if taille is None or taille < 0:
            taille = 1 << 62
        while len(self._reste) < taille:
            morceau = self._suivant()
            if morceau is None:
                break
            self._reste += morceau
        donne, self._reste = self._reste[:taille], self._reste[taille:]
        return donne


class _Lecture:
    """Walks the file's records once: header first, then agents (each checked and turned into a
    CSV row for COPY), then the trailer's totals (kept: a few hundred)."""

    def __init__(self, enregistrements: Iterator[dict[str, Any]]) -> None:
        self.enregistrements = enregistrements
        self.entete: dict[str, Any] = {}
        self.agents = 0
        self.brut = self.retenues = self.net = 0
        self.totaux: dict[tuple[str, str, str], tuple[int, int]] = {}
        self.ligne = 1

    def entete_lire(self) -> dict[str, Any]:
        premier = next(self.enregistrements, None)
        if premier is None or premier.get("type") != "entete":
            raise RefusApplication(
                _("Fichier de paie sans en-tête : la ligne 1 doit être l'en-tête du mois.")
            )
        self.entete = premier
        return premier

    def _agent(self, enregistrement: dict[str, Any]) -> list[Any]:
        gains = retenues = 0
        elements = enregistrement["elements"]
        for element in elements:  # the parsed record is ours: amounts become centimes in place
            montant = int(element["montant"].replace(".", ""))
            element["montant"] = montant
            if element["sens"] == "gain":
                gains += montant
            else:
                retenues += montant
            if not element.get("libelle_ar"):
                element["libelle_ar"] = ""
        brut = centimes(enregistrement["brut"])
        retenu = centimes(enregistrement["retenues"])
        net = centimes(enregistrement["net"])
        if brut != gains or retenu != retenues or net != brut - retenu:
            raise RefusApplication(
                _(
                    "Ligne %(ligne)d : brut %(brut)s, retenues %(ret)s et net %(net)s ne "
                    "correspondent pas à ses éléments (gains %(gains)s, retenues %(retenues)s)."
                )
                % {
                    "ligne": self.ligne,
                    "brut": enregistrement["brut"],
                    "ret": enregistrement["retenues"],
                    "net": enregistrement["net"],
                    "gains": _dh(gains),
                    "retenues": _dh(retenues),
                }
            )
        self.agents += 1
        self.brut += brut
        self.retenues += retenu
        self.net += net
        administrative = enregistrement["administrative"]
        nom = f"{enregistrement['nom']} {enregistrement['prenom']}".strip()
        return [
            self.ligne,
            enregistrement["ppr"],
            nom[:210],
            str(administrative.get("grade") or "")[:32],
            str(administrative.get("echelon") or "")[:5],
            administrative.get("indice"),
            str(administrative.get("position") or "")[:24],
            str(enregistrement["imputation"])[:60],
            brut,
            retenu,
            net,
            json.dumps(elements, ensure_ascii=False, separators=(",", ":")),
        ]

    def _total(self, enregistrement: dict[str, Any]) -> None:
        cle = (
            str(enregistrement["imputation"]),
            str(enregistrement["rubrique"]),
            str(enregistrement["sens"]),
        )
        if cle in self.totaux:
            raise RefusApplication(
                _("Ligne %(ligne)d : total %(cle)s en double.")
                % {"ligne": self.ligne, "cle": " / ".join(cle)}
            )
        self.totaux[cle] = (centimes(enregistrement["montant"]), int(enregistrement["agents"]))

    def csv(self, taille_bloc: int = 1000) -> Iterator[str]:
        """CSV blocks of agent rows; totals collected on the way."""
        tampon = io.StringIO()
        ecrivain = csv.writer(tampon, lineterminator="\n")
        en_pied = False
        for enregistrement in self.enregistrements:
            self.ligne += 1
            genre = enregistrement["type"]
            if genre == "agent" and not en_pied:
                ecrivain.writerow(self._agent(enregistrement))
                if self.agents % taille_bloc == 0:
                    yield tampon.getvalue()
                    tampon.seek(0)
                    tampon.truncate()
            elif genre == "total":
                en_pied = True
                self._total(enregistrement)
            else:
                raise RefusApplication(
                    _(
                        "Ligne %(ligne)d : enregistrement « %(type)s » inattendu ici (ordre : "
                        "en-tête, agents, totaux)."
                    )
                    % {"ligne": self.ligne, "type": genre}
                )
        yield tampon.getvalue()


def _mois(entete: dict[str, Any]) -> date:
    annee, mois = str(entete["mois"]).split("-")
    return date(int(annee), int(mois), 1)


def _mois_preparer(manifeste: Manifeste, entete: dict[str, Any]) -> tuple[MoisPaie, bool]:
    """The month's row, locked; an existing month is emptied (its lines and totals go in SQL,
    not through the ORM's cascade that would load 300,000 rows)."""
    mois = _mois(entete)
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
    with connection.cursor() as curseur:
        for modele in (LignePaie, TotalPaie):
            curseur.execute(
                f"DELETE FROM {modele._meta.db_table} WHERE mois_id = %s",  # noqa: S608
                [existant.id],
            )
    MoisPaie.objects.filter(id=existant.id).update(**champs)
    existant.refresh_from_db()
    return existant, True


def _totaux_verifier(lecture: _Lecture, mois: MoisPaie) -> None:
    entete = lecture.entete
    if lecture.agents != int(entete["agents"]):
        raise RefusApplication(
            _("L'en-tête annonce %(a)d agents, le fichier en contient %(n)d.")
            % {"a": int(entete["agents"]), "n": lecture.agents}
        )
    for champ, calcule in (
        ("brut", lecture.brut),
        ("retenues", lecture.retenues),
        ("net", lecture.net),
    ):
        if centimes(entete[champ]) != calcule:
            raise RefusApplication(
                _("En-tête : %(champ)s annoncé %(annonce)s, somme des lignes %(somme)s.")
                % {"champ": champ, "annonce": entete[champ], "somme": _dh(calcule)}
            )
    calcules = {
        (t.imputation, t.rubrique, t.sens): (t.montant, t.agents)
        for t in TotalPaie.objects.filter(mois=mois)
    }
    for cle in sorted(set(calcules) | set(lecture.totaux)):
        annonce, somme = lecture.totaux.get(cle), calcules.get(cle)
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


def _inserer(lecture: _Lecture, mois: MoisPaie) -> None:
    lignes, totaux = LignePaie._meta.db_table, TotalPaie._meta.db_table
    with connection.cursor() as curseur:
        curseur.execute("DROP TABLE IF EXISTS paie_import")
        curseur.execute(
            "CREATE TEMPORARY TABLE paie_import (ligne integer, ppr varchar(20), "
            "nom varchar(210), grade varchar(32), echelon varchar(5), indice integer, "
            "position varchar(24), imputation varchar(60), brut bigint, retenues bigint, "
            "net bigint, elements jsonb) ON COMMIT DROP"
        )
        flux = _Flux(lecture.csv())
        brut = curseur.cursor  # psycopg2's own cursor: COPY is not in the DB-API
        brut.copy_expert(
            f"COPY paie_import ({', '.join(COLONNES)}) FROM STDIN WITH (FORMAT csv, "
            "FORCE_NOT_NULL (ppr, nom, grade, echelon, position, imputation))",
            flux,
            size=1 << 16,
        )
        if flux.erreur is not None:
            raise flux.erreur
        curseur.execute(
            "SELECT ppr FROM paie_import GROUP BY ppr HAVING count(*) > 1 ORDER BY ppr LIMIT 1"
        )
        double = curseur.fetchone()
        if double is not None:
            raise RefusApplication(
                _("Le PPR %(ppr)s figure plusieurs fois dans le fichier de paie.")
                % {"ppr": double[0]}
            )
        curseur.execute(
            f"INSERT INTO {lignes} (mois_id, ppr, agent_id, nom, grade, echelon, indice, "  # noqa: S608
            "position, unite_code, imputation, brut, retenues, net, elements) "
            "SELECT %s, i.ppr, a.id, i.nom, i.grade, i.echelon, i.indice, i.position, "
            "coalesce(a.unite_code, ''), i.imputation, i.brut, i.retenues, i.net, i.elements "
            f"FROM paie_import i LEFT JOIN {TABLE_AGENTS} a ON a.ppr = i.ppr ORDER BY i.ligne",
            [mois.id],
        )
        curseur.execute(
            f"INSERT INTO {totaux} (mois_id, imputation, rubrique, libelle, sens, montant, "  # noqa: S608
            "agents) SELECT %s, l.imputation, e->>'code', min(e->>'libelle'), e->>'sens', "
            "sum((e->>'montant')::bigint), count(DISTINCT l.id) "
            f"FROM {lignes} l CROSS JOIN LATERAL jsonb_array_elements(l.elements) e "
            "WHERE l.mois_id = %s GROUP BY l.imputation, e->>'code', e->>'sens'",
            [mois.id, mois.id],
        )
        curseur.execute("DROP TABLE paie_import")


def paie_recevoir(
    *, manifeste: Manifeste, enregistrements: Iterator[dict[str, Any]]
) -> RapportApplication:
    """The `paie` port: one month of one ordonnateur's payroll, applied whole or not at all."""
    lecture = _Lecture(enregistrements)
    entete = lecture.entete_lire()
    if entete["ordonnateur"].split("/")[0] != manifeste.destinataire.split("/")[0]:
        raise RefusApplication(
            _("Fichier de paie de %(o)s reçu par %(d)s.")
            % {"o": entete["ordonnateur"], "d": manifeste.destinataire}
        )
    with transaction.atomic():
        mois, remplace = _mois_preparer(manifeste, entete)
        _inserer(lecture, mois)
        _totaux_verifier(lecture, mois)
        MoisPaie.objects.filter(id=mois.id).update(
            agents=lecture.agents,
            brut=lecture.brut,
            retenues=lecture.retenues,
            net=lecture.net,
            compare_le=None,
        )
        inconnus = LignePaie.objects.filter(mois=mois, agent_id__isnull=True).count()
        rapport = RapportApplication(appliques=lecture.agents, signales=inconnus)
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
        _notifier(mois=mois, remplace=remplace, agents=lecture.agents, net=lecture.net)
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
