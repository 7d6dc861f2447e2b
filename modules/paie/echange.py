"""The paie side of the exchange: the Treasury's monthly payroll file (protocol v1 §5.6).

Streamed and set-based (a ministry's file is 300,000 lines; it is never held whole): the gateway
has checked the file's signature, digest and count and hands us its path; one pass over its lines
decodes and checks each against the protocol's schema (typed structures), checks each agent line
(gross, deductions and net against its elements), resolves its PPR against the HR file (read once
into a dictionary), turns its amounts into centimes and feeds PostgreSQL's COPY straight into the
month's lines, while the month's sums and its totals per rubrique and imputation are added up on
the way. The header's and the trailer's totals must equal what the lines add up to, or the whole
file is refused (the gateway's transaction rolls everything back and quarantines the file; so
does an invalid line, E-SCHEMA). A file for a month already received replaces that month's lines
and totals whole (the Treasury's correction); the month keeps its id, and the HR ↔ pay comparison
runs again.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import msgspec
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit_services
from exchange.ports import RapportApplication, RefusApplication
from exchange.protocole.fichiers import ligne_json, structures_lire
from exchange.protocole.manifeste import ErreurProtocole, Manifeste
from exchange.protocole.schemas import variante
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


def _mois_preparer(manifeste: Manifeste, entete: Any) -> tuple[MoisPaie, bool]:
    """The month's row, locked; an existing month is emptied (its lines and totals go in SQL,
    not through the ORM's cascade that would load 300,000 rows)."""
    annee, numero = str(entete.mois).split("-")
    mois = date(int(annee), int(numero), 1)
    champs = {
        "fichier": manifeste.nom_base()[:200],
        "sequence": manifeste.sequence,
        "sha256": manifeste.sha256,
        "date_arret": entete.date_arret,
        "date_paiement": entete.date_paiement,
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


# The widths of the month's tables: a longer imputation or rubrique code is refused by name (a
# truncated one would no longer match the trailer's totals, and the database would refuse it
# with an error nobody can act on).
IMPUTATION_MAX = LignePaie._meta.get_field("imputation").max_length or 60
RUBRIQUE_MAX = TotalPaie._meta.get_field("rubrique").max_length or 40


def _longueur_verifier(n: int, champ: str, valeur: str, maximum: int) -> str:
    if len(valeur) > maximum:
        raise RefusApplication(
            _("Ligne %(ligne)d : %(champ)s « %(valeur)s » trop long (%(max)d caractères au plus).")
            % {"ligne": n, "champ": champ, "valeur": valeur[:80], "max": maximum}
        )
    return valeur


class _Lecture:
    """One pass over the payload: each line decoded and checked against the protocol's schema
    (typed structures, `structures_lire`), each agent line checked (gross, deductions and net
    against its elements), resolved to the HR agent and unit and turned into a COPY row (its
    amounts in centimes), while the month's sums and its totals by imputation and rubrique are
    added up; the trailer's totals are kept (a few hundred) for the check."""

    def __init__(self, charge: Path) -> None:
        self.charge = charge
        self.entete: Any = None
        self.annonces: dict[tuple[str, str, str], tuple[int, int]] = {}
        # (imputation, rubrique, sens) → [libellé, montant, éléments]
        self.calcules: dict[tuple[str, str, str], list[Any]] = {}
        self.agents = self.brut = self.retenues = self.net = self.inconnus = 0
        self._pprs: set[str] = set()
        self._dossier: dict[str, tuple[int, str]] = {}

    def entete_lire(self, manifeste: Manifeste) -> Any:
        entete = next((s for _n, s in structures_lire(self.charge, flux="paie")), None)
        if entete is None or variante(entete) != "entete":
            raise RefusApplication(
                _("Fichier de paie sans en-tête : la ligne 1 doit être l'en-tête du mois.")
            )
        if entete.ordonnateur.split("/")[0] != manifeste.destinataire.split("/")[0]:
            raise RefusApplication(
                _("Fichier de paie de %(o)s reçu par %(d)s.")
                % {"o": entete.ordonnateur, "d": manifeste.destinataire}
            )
        self.entete = entete
        return entete

    def dossier_charger(self) -> None:
        """The HR file's PPRs (PPR → agent id and unit), read once: the lines are resolved on
        the way instead of by a join over a second copy of them."""
        with connection.cursor() as curseur:
            curseur.execute(f"SELECT ppr, id, unite_code FROM {TABLE_AGENTS}")  # noqa: S608
            self._dossier = {ppr: (id_, unite or "") for ppr, id_, unite in curseur.fetchall()}

    def _agent(self, n: int, ligne: Any, mois_id: int) -> str:
        gains = retenues = 0
        imputation = _longueur_verifier(n, "imputation", ligne.imputation, IMPUTATION_MAX)
        calcules = self.calcules
        elements = []
        for element in ligne.elements:
            code, libelle, sens = element.code, element.libelle, element.sens
            if len(code) > RUBRIQUE_MAX:
                _longueur_verifier(n, "elements.code", code, RUBRIQUE_MAX)
            montant = int(element.montant.replace(".", ""))
            if sens == "gain":
                gains += montant
            else:
                retenues += montant
            total = calcules.get((imputation, code, sens))
            if total is None:
                calcules[(imputation, code, sens)] = [libelle, montant, 1]
            else:
                total[1] += montant
                total[2] += 1
                if libelle < total[0]:
                    total[0] = libelle
            elements.append(
                {"code": code, "libelle": libelle, "libelle_ar": element.libelle_ar or "",
                 "sens": sens, "montant": montant, "origine": element.origine}
            )  # fmt: skip
        brut = int(ligne.brut.replace(".", ""))
        retenu = int(ligne.retenues.replace(".", ""))
        net = int(ligne.net.replace(".", ""))
        if brut != gains or retenu != retenues or net != brut - retenu:
            raise RefusApplication(
                _(
                    "Ligne %(ligne)d : brut %(brut)s, retenues %(ret)s et net %(net)s ne "
                    "correspondent pas à ses éléments (gains %(gains)s, retenues %(retenues)s)."
                )
                % {
                    "ligne": n,
                    "brut": ligne.brut,
                    "ret": ligne.retenues,
                    "net": ligne.net,
                    "gains": _dh(gains),
                    "retenues": _dh(retenues),
                }
            )
        ppr = ligne.ppr
        if ppr in self._pprs:
            raise RefusApplication(
                _("Le PPR %(ppr)s figure plusieurs fois dans le fichier de paie.") % {"ppr": ppr}
            )
        if not ppr or len(ppr) > 20:
            raise RefusApplication(
                _("Ligne %(ligne)d : PPR « %(ppr)s » invalide (1 à 20 caractères).")
                % {"ligne": n, "ppr": ppr}
            )
        self._pprs.add(ppr)
        self.agents += 1
        self.brut += brut
        self.retenues += retenu
        self.net += net
        agent = self._dossier.get(ppr)
        if agent is None:
            self.inconnus += 1
        administrative = ligne.administrative
        nom = f"{ligne.nom} {ligne.prenom}".strip()
        return "\t".join(
            (
                str(mois_id),
                _texte_copy(ppr),
                "\\N" if agent is None else str(agent[0]),
                _texte_copy(nom[:210]),
                _texte_copy((administrative.grade or "")[:32]),
                _texte_copy((administrative.echelon or "")[:5]),
                _texte_copy(administrative.indice),
                _texte_copy((administrative.position or "")[:24]),
                _texte_copy("" if agent is None else agent[1]),
                _texte_copy(imputation),
                str(brut),
                str(retenu),
                str(net),
                msgspec.json.encode(elements).decode().replace("\\", "\\\\"),
            )
        )

    def _total(self, n: int, ligne: Any) -> None:
        _longueur_verifier(n, "imputation", ligne.imputation, IMPUTATION_MAX)
        _longueur_verifier(n, "rubrique", ligne.rubrique, RUBRIQUE_MAX)
        cle = (ligne.imputation, ligne.rubrique, ligne.sens)
        if cle in self.annonces:
            raise RefusApplication(
                _("Ligne %(ligne)d : total %(cle)s en double.")
                % {"ligne": n, "cle": " / ".join(cle)}
            )
        self.annonces[cle] = (int(ligne.montant.replace(".", "")), ligne.agents)

    def lignes_copy(self, mois_id: int, taille_bloc: int = 2000) -> Iterator[str]:
        """Blocks of COPY rows of the month's lines, one per agent line, in file order."""
        bloc: list[str] = []
        en_pied = False
        for n, ligne in structures_lire(self.charge, flux="paie", debut=2):
            genre = variante(ligne)
            if genre == "agent" and not en_pied:
                bloc.append(self._agent(n, ligne, mois_id))
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
        self.erreur: RefusApplication | ErreurProtocole | None = None

    def readable(self) -> bool:
        return True

    def read(self, taille: int | None = -1) -> str:
        limite = 1 << 62 if taille is None or taille < 0 else taille
        while len(self._reste) < limite and self.erreur is None:
            try:
                morceau = next(self._morceaux, None)
            except (RefusApplication, ErreurProtocole) as refus:
                self.erreur = refus
                break
            if morceau is None:
                break
            self._reste += morceau
        donne, self._reste = self._reste[:limite], self._reste[limite:]
        return donne


def _charger(lecture: _Lecture, mois: MoisPaie) -> None:
    """The month's lines straight into their table by COPY, then its totals (a few hundred
    rows, added up on the way)."""
    lecture.dossier_charger()
    flux = _Flux(lecture.lignes_copy(mois.id))
    with connection.cursor() as curseur:
        curseur.cursor.copy_expert(
            f"COPY {LignePaie._meta.db_table} (mois_id, ppr, agent_id, nom, grade, echelon, "
            "indice, position, unite_code, imputation, brut, retenues, net, elements) "
            "FROM STDIN",
            flux,
            size=1 << 20,
        )
    if flux.erreur is not None:
        raise flux.erreur
    TotalPaie.objects.bulk_create(
        TotalPaie(
            mois=mois,
            imputation=imputation,
            rubrique=rubrique,
            sens=sens,
            libelle=libelle[:200],
            montant=montant,
            agents=nombre,
        )
        for (imputation, rubrique, sens), (libelle, montant, nombre) in lecture.calcules.items()
    )


def _totaux_verifier(lecture: _Lecture) -> None:
    """The header's and the trailer's totals against what the lines add up to."""
    entete = lecture.entete
    if lecture.agents != entete.agents:
        raise RefusApplication(
            _("L'en-tête annonce %(a)d agents, le fichier en contient %(n)d.")
            % {"a": entete.agents, "n": lecture.agents}
        )
    for champ, calcule in (
        ("brut", lecture.brut),
        ("retenues", lecture.retenues),
        ("net", lecture.net),
    ):
        annonce = getattr(entete, champ)
        if centimes(annonce) != calcule:
            raise RefusApplication(
                _("En-tête : %(champ)s annoncé %(annonce)s, somme des lignes %(somme)s.")
                % {"champ": champ, "annonce": annonce, "somme": _dh(calcule)}
            )
    annonces = lecture.annonces
    calcules = {cle: (t[1], t[2]) for cle, t in lecture.calcules.items()}
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
        _charger(lecture, mois)
        _totaux_verifier(lecture)
        agents, net, inconnus = lecture.agents, lecture.net, lecture.inconnus
        MoisPaie.objects.filter(id=mois.id).update(
            agents=agents, brut=lecture.brut, retenues=lecture.retenues, net=net, compare_le=None
        )
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
