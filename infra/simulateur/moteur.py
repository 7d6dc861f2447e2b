"""One cycle of the simulator: import peers' public keys, ingest the inbox (verify, order,
control, all or nothing per file), answer the acts, emit situations when due, misbehave when
told to. Everything it knows is in its own SQLite file and its own keys."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from exchange.depot import Depot, dossier_partie
from exchange.protocole import signature
from exchange.protocole.fichiers import (
    FichierEchange,
    enregistrements_lire,
    fichier_construire,
    fichier_verifier,
)
from exchange.protocole.manifeste import ErreurProtocole, Manifeste
from simulateur import controles, paie
from simulateur.stockage import Stockage

PANNES = ("dupliquer", "inverser", "trou", "tronquer", "signature", "retard")


@dataclass
class Config:
    partie: str = "TGR:WADEF"
    taux_rejet: float = 0.0
    graine: int = 42
    # Seconds between receiving an act and answering it (0: in the same cycle).
    delai_reponse: float = 0.0
    # Seconds between two automatic situations files (0: only on command).
    situations_toutes_les: float = 0.0
    postes: dict[str, dict[str, int]] = field(default_factory=dict)
    # The tableau des effectifs the Treasury holds per ordonnateur: [{"ligne_budgetaire",
    # "grade" or "categorie", "postes_budgetes"}]; occupancy is counted on its own copy.
    effectifs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    effectifs_toutes_les: float = 0.0
    pannes: list[dict[str, Any]] = field(default_factory=list)
    # The monthly payroll calendar: after the cut-off day of a month, its payroll file is
    # emitted once per ordonnateur (when `paie_calendrier`); the pay day is stated in the file.
    paie_calendrier: bool = False
    paie_jour_arret: int = 20
    paie_jour_paiement: int = 27
    # Residence zone for an agent the Treasury knows only from a recruitment act.
    zone_defaut: str = "A"

    @classmethod
    def lire(cls, chemin: Path) -> Config:
        if not chemin.exists():
            return cls()
        donnees = json.loads(chemin.read_text(encoding="utf-8"))
        return cls(**{k: v for k, v in donnees.items() if k in cls.__dataclass_fields__})


def maintenant() -> datetime:
    return datetime.now(UTC)


class Simulateur:
    def __init__(self, *, racine: Path, etat: Path) -> None:
        self.depot = Depot(racine)
        self.etat = etat
        self.config_chemin = etat / "config.json"
        self.stockage = Stockage(etat / "tresor.sqlite3")
        self.config = Config.lire(self.config_chemin)

    # --- keys -------------------------------------------------------------------------------

    def cle_assurer(self) -> None:
        """Our key pair (created once) and our public key list published in our box."""
        partie = self.config.partie
        if (
            self.stockage.un("SELECT 1 FROM cle WHERE partie = ? AND privee IS NOT NULL", partie)
            is None
        ):
            paire = signature.paire_generer()
            debut = maintenant() - timedelta(minutes=5)
            identifiant = f"{partie}#{debut:%Y%m%d}-1"
            self.stockage.executer(
                "INSERT INTO cle(identifiant, partie, publique, privee, valide_du) "
                "VALUES (?,?,?,?,?)",
                identifiant,
                partie,
                paire.publique,
                paire.privee,
                debut.isoformat(),
            )
        liste = [
            {
                "identifiant": r["identifiant"],
                "partie": r["partie"],
                "publique": signature.b64(r["publique"]),
                "valide_du": r["valide_du"],
            }
            for r in self.stockage.tous("SELECT * FROM cle WHERE partie = ?", partie)
        ]
        boite = self.depot.racine / dossier_partie(partie)
        boite.mkdir(parents=True, exist_ok=True)
        temporaire = boite / ".cles-publiques.json.tmp"
        temporaire.write_text(json.dumps(liste, indent=1), encoding="utf-8")
        temporaire.replace(boite / "cles-publiques.json")

    def cles_pairs_importer(self) -> None:
        """Public keys the ordonnateurs published (`<racine>/ORD-*/cles-publiques.json`)."""
        for fichier in sorted(self.depot.racine.glob("ORD-*/cles-publiques.json")):
            for cle in json.loads(fichier.read_text(encoding="utf-8")):
                self.stockage.executer(
                    "INSERT INTO cle(identifiant, partie, publique, valide_du) VALUES (?,?,?,?) "
                    "ON CONFLICT(identifiant) DO NOTHING",
                    cle["identifiant"],
                    cle["partie"],
                    signature.de_b64(cle["publique"]),
                    cle["valide_du"],
                )

    def _cle_publique(self, emetteur: str, identifiant: str, instant: datetime) -> bytes:
        row = self.stockage.un(
            "SELECT partie, publique, valide_du FROM cle WHERE identifiant = ?", identifiant
        )
        if row is None:
            raise ErreurProtocole("E-CLE", f"clé {identifiant} inconnue du Trésor")
        if row["partie"] != emetteur.split("/")[0]:
            raise ErreurProtocole("E-CLE", f"la clé {identifiant} n'appartient pas à {emetteur}")
        return bytes(row["publique"])

    def _cle_privee(self) -> tuple[str, bytes]:
        row = self.stockage.un(
            "SELECT identifiant, privee FROM cle WHERE partie = ? AND privee IS NOT NULL "
            "ORDER BY valide_du DESC",
            self.config.partie,
        )
        assert row is not None
        return str(row["identifiant"]), bytes(row["privee"])

    # --- reception ------------------------------------------------------------------------

    def recevoir(self) -> list[str]:
        """Process complete files of our inbox, in order. Returns what happened to each."""
        issues: list[str] = []
        for fichier in self.depot.complets(self.config.partie):
            issues.append(self._recevoir_un(fichier))
        return issues

    def _quarantaine(self, fichier: FichierEchange, erreur: ErreurProtocole) -> str:
        deplace = self.depot.deplacer(fichier, self.depot.boite(self.config.partie, "quarantaine"))
        deplace.base.with_name(deplace.base.name + ".rapport.txt").write_text(
            f"{erreur.code} — {erreur.message}\n", encoding="utf-8"
        )
        self.stockage.executer(
            "INSERT INTO fichier(nom, statut, rapport, recu_le) VALUES (?, 'quarantaine', ?, ?)",
            fichier.base.name,
            f"{erreur.code} — {erreur.message}",
            maintenant().isoformat(),
        )
        return f"{fichier.base.name}: quarantaine {erreur.code}"

    def _recevoir_un(self, fichier: FichierEchange) -> str:
        try:
            manifeste = fichier_verifier(
                fichier, destinataire=self.config.partie, cle_publique=self._cle_publique
            )
        except ErreurProtocole as erreur:
            return self._quarantaine(fichier, erreur)
        cle = (manifeste.emetteur, manifeste.destinataire, manifeste.flux)
        seq = self.stockage.un(
            "SELECT derniere FROM sequence WHERE sens='entrant' AND emetteur=? "
            "AND destinataire=? AND flux=?",
            *cle,
        )
        derniere = int(seq["derniere"]) if seq else 0
        if manifeste.sequence <= derniere:
            deja = self.stockage.un(
                "SELECT sha256 FROM fichier WHERE emetteur=? AND flux=? AND sequence=? "
                "AND statut='integre'",
                manifeste.emetteur,
                manifeste.flux,
                manifeste.sequence,
            )
            if deja is not None and deja["sha256"] == manifeste.sha256:
                self.depot.archiver(self.config.partie, fichier, le=date.today())
                return f"{fichier.base.name}: rejeu ignoré"
            return self._quarantaine(
                fichier,
                ErreurProtocole(
                    "E-SEQUENCE",
                    f"séquence {manifeste.sequence} déjà intégrée avec une autre empreinte",
                ),
            )
        if manifeste.sequence > derniere + 1:
            return f"{fichier.base.name}: retenu (attend le n° {derniere + 1})"
        if manifeste.flux not in ("actes", "essai"):
            return self._quarantaine(
                fichier,
                ErreurProtocole("E-MANIFESTE", f"le Trésor ne reçoit pas le flux {manifeste.flux}"),
            )

        with self.stockage.transaction():
            for enregistrement in enregistrements_lire(fichier, flux=manifeste.flux):
                if manifeste.flux == "actes":
                    self._acte_recevoir(manifeste, enregistrement)
            self.stockage.executer(
                "INSERT INTO sequence(sens, emetteur, destinataire, flux, derniere) "
                "VALUES ('entrant',?,?,?,?) ON CONFLICT(sens, emetteur, destinataire, flux) "
                "DO UPDATE SET derniere = excluded.derniere",
                *cle,
                manifeste.sequence,
            )
            self.stockage.executer(
                "INSERT INTO fichier(nom, emetteur, flux, sequence, sha256, statut, recu_le) "
                "VALUES (?,?,?,?,?,'integre',?)",
                fichier.base.name,
                manifeste.emetteur,
                manifeste.flux,
                manifeste.sequence,
                manifeste.sha256,
                maintenant().isoformat(),
            )
        self.depot.archiver(self.config.partie, fichier, le=date.today())
        if manifeste.flux == "essai":  # the round trip of a new ordonnateur: acknowledged
            accuse = {
                "message": f"Accusé de réception du Trésor ({self.config.partie})",
                "le": date.today().isoformat(),
                "accuse_de": manifeste.sequence,
            }
            reponse = self.emettre(
                destinataire=manifeste.emetteur.split("/")[0],
                flux="essai",
                enregistrements=[accuse],
            )
            return f"{fichier.base.name}: essai reçu, accusé {reponse}"
        return f"{fichier.base.name}: intégré ({manifeste.enregistrements} actes)"

    def _acte_recevoir(self, manifeste: Manifeste, enregistrement: dict[str, Any]) -> None:
        ordonnateur = manifeste.emetteur.split("/")[0]
        deja = self.stockage.un(
            "SELECT 1 FROM acte WHERE ordonnateur=? AND acte_id=? AND version=?",
            ordonnateur,
            enregistrement["acte_id"],
            enregistrement["version"],
        )
        statut = "doublon" if deja else "recu"
        if deja:
            # answered as a duplicate under a separate key so the original stays
            enregistrement = enregistrement | {"_doublon": True}
            self.stockage.executer(
                "INSERT INTO acte(ordonnateur, acte_id, version, numero, type, ppr, statut, "
                "enregistrement, recu_le) "
                "VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                ordonnateur + "#doublon",
                enregistrement["acte_id"],
                enregistrement["version"],
                enregistrement["numero"],
                enregistrement["type"],
                enregistrement["agent"]["ppr"],
                statut,
                json.dumps(enregistrement),
                maintenant().isoformat(),
            )
            return
        ppr = enregistrement["agent"]["ppr"]
        if (
            enregistrement["type"] != "recrutement"
            and self.stockage.situation(ordonnateur, ppr) is None
        ):
            # First sight of this agent: the Treasury's books are seeded from what is presented.
            avant = enregistrement.get("situation_avant") or {}
            self.stockage.situation_ecrire(
                ordonnateur, ppr, dict(avant), le=enregistrement["date_effet"]
            )
        self.stockage.executer(
            "INSERT INTO acte(ordonnateur, acte_id, version, numero, type, ppr, statut, "
            "enregistrement, recu_le) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            ordonnateur,
            enregistrement["acte_id"],
            enregistrement["version"],
            enregistrement["numero"],
            enregistrement["type"],
            ppr,
            statut,
            json.dumps(enregistrement),
            maintenant().isoformat(),
        )

    # --- answers --------------------------------------------------------------------------

    def repondre(self) -> list[str]:
        """Answer the acts received long enough ago: pris en charge, then visé or rejeté."""
        limite = (maintenant() - timedelta(seconds=self.config.delai_reponse)).isoformat()
        a_traiter = self.stockage.tous(
            "SELECT * FROM acte WHERE statut IN ('recu', 'doublon') AND recu_le <= ? "
            "ORDER BY recu_le, acte_id",
            limite,
        )
        par_ordonnateur: dict[str, list[dict[str, Any]]] = {}
        aujourd_hui = date.today()
        with self.stockage.transaction():
            for acte in a_traiter:
                enregistrement = json.loads(acte["enregistrement"])
                ordonnateur = str(acte["ordonnateur"]).removesuffix("#doublon")
                copie = self.stockage.situation(ordonnateur, acte["ppr"])
                poste = enregistrement["donnees"].get("poste_code")
                capacite = self.config.postes.get(ordonnateur, {}).get(poste) if poste else None
                occupants = None
                if capacite is not None:
                    occupants = sum(
                        1
                        for r in self.stockage.tous(
                            "SELECT situation, present FROM agent WHERE ordonnateur = ?",
                            ordonnateur,
                        )
                        if r["present"]
                        and json.loads(r["situation"]).get("poste") == poste
                        and json.loads(r["situation"]).get("ppr") != acte["ppr"]
                    )
                observations = controles.controler(
                    enregistrement,
                    copie=copie,
                    deja_recu=acte["statut"] == "doublon",
                    occupants=occupants,
                    capacite=capacite,
                    taux_rejet=self.config.taux_rejet,
                    graine=self.config.graine,
                    aujourd_hui=aujourd_hui,
                )
                base = {
                    "acte_id": acte["acte_id"],
                    "version": acte["version"],
                    "numero": acte["numero"],
                    "le": aujourd_hui.isoformat(),
                }
                lignes = par_ordonnateur.setdefault(ordonnateur, [])
                lignes.append(
                    base | {"etat": "pris_en_charge", "numero_visa": None, "observations": []}
                )
                if observations:
                    lignes.append(
                        base
                        | {
                            "etat": "rejete",
                            "numero_visa": None,
                            "observations": [o.en_dict() for o in observations],
                        }
                    )
                    statut, visa = "rejete", None
                else:
                    rang = self.stockage.suivant(f"visa:{aujourd_hui.year}")
                    visa = f"TGR-{aujourd_hui.year}-{rang:06d}"
                    lignes.append(base | {"etat": "vise", "numero_visa": visa, "observations": []})
                    statut = "vise"
                    nouvelle = controles.appliquer(enregistrement, copie)
                    self.stockage.situation_ecrire(
                        ordonnateur,
                        acte["ppr"],
                        nouvelle,
                        le=enregistrement["date_effet"],
                        present=nouvelle.get("position") != "cessation",
                    )
                self.stockage.executer(
                    "UPDATE acte SET statut=?, numero_visa=?, observations=?, repondu_le=? "
                    "WHERE ordonnateur=? AND acte_id=? AND version=?",
                    statut,
                    visa,
                    json.dumps([o.en_dict() for o in observations]),
                    maintenant().isoformat(),
                    acte["ordonnateur"],
                    acte["acte_id"],
                    acte["version"],
                )
        return [
            self.emettre(destinataire=o, flux="reponses", enregistrements=lignes)
            for o, lignes in sorted(par_ordonnateur.items())
        ]

    def situations_emettre(self, *, complet: bool = False) -> list[str]:
        """One `situations` file per ordonnateur: its agents changed since the last one (or all)."""
        noms = []
        ordonnateurs = [
            r["ordonnateur"]
            for r in self.stockage.tous(
                "SELECT DISTINCT ordonnateur FROM agent WHERE ordonnateur NOT LIKE '%#%'"
            )
        ]
        for ordonnateur in ordonnateurs:
            lignes = self.stockage.tous(
                "SELECT * FROM agent WHERE ordonnateur = ? AND (? OR modifie = 1) ORDER BY ppr",
                ordonnateur,
                int(complet),
            )
            if not lignes:
                continue
            enregistrements = [
                {
                    "ppr": r["ppr"],
                    "le": date.today().isoformat(),
                    "etat": "present" if r["present"] else "sorti",
                    "administrative": _administrative(json.loads(r["situation"]))
                    if r["present"]
                    else None,
                    "pecuniaire": None,
                }
                for r in lignes
            ]
            noms.append(
                self.emettre(
                    destinataire=ordonnateur,
                    flux="situations",
                    enregistrements=enregistrements,
                    complet=complet,
                )
            )
            self.stockage.executer(
                "UPDATE agent SET modifie = 0 WHERE ordonnateur = ?", ordonnateur
            )
        return noms

    def effectifs_emettre(self) -> list[str]:
        """One complete `effectifs` file per ordonnateur configured, for the current year."""
        noms = []
        annee = date.today().year
        for ordonnateur, lignes in sorted(self.config.effectifs.items()):
            agents = [
                json.loads(r["situation"])
                for r in self.stockage.tous(
                    "SELECT situation FROM agent WHERE ordonnateur = ? AND present = 1", ordonnateur
                )
            ]
            enregistrements = [
                {
                    "ligne_budgetaire": str(ligne["ligne_budgetaire"]),
                    "grade": ligne.get("grade"),
                    "categorie": ligne.get("categorie"),
                    "postes_budgetes": int(ligne["postes_budgetes"]),
                    "postes_occupes": sum(
                        1
                        for a in agents
                        if a.get("position", "activite") == "activite"
                        and (
                            (ligne.get("grade") and a.get("grade") == ligne.get("grade"))
                            or (
                                ligne.get("categorie")
                                and str(a.get("echelle")) == str(ligne.get("categorie"))
                            )
                        )
                    ),
                    "annee": annee,
                }
                for ligne in lignes
            ]
            noms.append(
                self.emettre(
                    destinataire=ordonnateur,
                    flux="effectifs",
                    enregistrements=enregistrements,
                    complet=True,
                )
            )
        return noms

    # --- emission (and misbehaviour) ------------------------------------------------------

    def _panne(self, flux: str) -> str:
        """The next configured fault for this flux, consumed (config.json is rewritten)."""
        for panne in self.config.pannes:
            if panne.get("flux", flux) == flux and int(panne.get("restant", 1)) > 0:
                panne["restant"] = int(panne.get("restant", 1)) - 1
                self.config_chemin.write_text(
                    json.dumps(self.config.__dict__, indent=1), encoding="utf-8"
                )
                return str(panne["type"])
        return ""

    def emettre(
        self,
        *,
        destinataire: str,
        flux: str,
        enregistrements: Iterable[dict[str, Any]],
        complet: bool = False,
    ) -> str:
        panne = self._panne(flux)
        cle_id, privee = self._cle_privee()
        if panne == "signature":
            privee = signature.paire_generer().privee
        with self.stockage.transaction():
            self.stockage.executer(
                "INSERT INTO sequence(sens, emetteur, destinataire, flux, derniere) "
                "VALUES ('sortant',?,?,?,0) "
                "ON CONFLICT DO NOTHING",
                self.config.partie,
                destinataire,
                flux,
            )
            self.stockage.executer(
                "UPDATE sequence SET derniere = derniere + 1 WHERE sens='sortant' "
                "AND emetteur=? AND destinataire=? AND flux=?",
                self.config.partie,
                destinataire,
                flux,
            )
            row = self.stockage.un(
                "SELECT derniere FROM sequence WHERE sens='sortant' AND emetteur=? "
                "AND destinataire=? AND flux=?",
                self.config.partie,
                destinataire,
                flux,
            )
            assert row is not None
            numero = int(row["derniere"])
            if panne == "trou":  # a number consumed and never sent: the receiver holds the next
                numero += 1
                self.stockage.executer(
                    "UPDATE sequence SET derniere = ? WHERE sens='sortant' AND emetteur=? "
                    "AND destinataire=? AND flux=?",
                    numero,
                    self.config.partie,
                    destinataire,
                    flux,
                )
            fichier, _manifeste = fichier_construire(
                repertoire=self.depot.boite(self.config.partie, "outbox"),
                emetteur=self.config.partie,
                destinataire=destinataire,
                flux=flux,
                sequence=numero,
                enregistrements=enregistrements,
                cle_id=cle_id,
                cle_privee=privee,
                cree_le=maintenant(),
                complet=complet,
            )
        if panne in ("retard", "inverser"):
            prefixe = "late:" if panne == "retard" else "inv:"
            self.stockage.executer(
                "INSERT INTO retard(nom, destinataire) VALUES (?, ?)",
                prefixe + fichier.base.name,
                destinataire,
            )
            return f"{fichier.base.name} (retardé)"
        if panne == "tronquer":  # damaged in transit: our outbox keeps the intact file
            self._deposer_tronque(fichier, destinataire)
        else:
            self.depot.deposer(fichier, destinataire=destinataire)
        if panne == "dupliquer":
            self._redeposer(fichier, destinataire)
        self._retards_livrer(("inv:",))  # a file held back to invert the order goes after this one
        return fichier.base.name

    def _deposer_tronque(self, fichier: FichierEchange, destinataire: str) -> None:
        inbox = self.depot.boite(destinataire, "inbox")
        copie = FichierEchange(inbox / fichier.base.name)
        for source, cible in zip(fichier.parties(), copie.parties(), strict=True):
            contenu = source.read_bytes()
            if source == fichier.charge:
                contenu = contenu[: max(1, len(contenu) // 2)]
            temporaire = cible.with_name(f".{cible.name}.tmp")
            temporaire.write_bytes(contenu)
            temporaire.replace(cible)

    def _redeposer(self, fichier: FichierEchange, destinataire: str) -> None:
        """The same file delivered a second time (after the receiver took the first)."""
        copie = self.depot.boite(self.config.partie, "a-redeposer")
        for partie in fichier.parties():
            shutil.copyfile(partie, copie / partie.name)
        self.stockage.executer(
            "INSERT OR REPLACE INTO retard(nom, destinataire) VALUES (?, ?)",
            "dup:" + fichier.base.name,
            destinataire,
        )

    def _retards_livrer(self, prefixes: tuple[str, ...]) -> None:
        for retard in self.stockage.tous("SELECT nom, destinataire FROM retard ORDER BY nom"):
            nom = str(retard["nom"])
            prefixe, _sep, base = nom.partition(":")
            if prefixe + ":" not in prefixes:
                continue
            dossier = "a-redeposer" if prefixe == "dup" else "outbox"
            fichier = FichierEchange(self.depot.boite(self.config.partie, dossier) / base)
            recu = FichierEchange(self.depot.boite(str(retard["destinataire"]), "inbox") / base)
            if prefixe == "dup" and recu.signature.exists():
                continue  # the second copy comes once the receiver has taken the first
            if fichier.signature.exists():
                self.depot.deposer(fichier, destinataire=str(retard["destinataire"]))
            self.stockage.executer("DELETE FROM retard WHERE nom = ?", nom)

    def paie_emettre(self, *, mois: date, ordonnateurs: Iterable[str] = ()) -> list[str]:
        """One `paie` file per ordonnateur for `mois` (all those with agents by default). A
        second run for the same month is a corrected file: the receiver replaces the month."""
        choisis = list(ordonnateurs) or [
            str(r["ordonnateur"])
            for r in self.stockage.tous(
                "SELECT DISTINCT ordonnateur FROM agent WHERE ordonnateur NOT LIKE '%#%' "
                "ORDER BY ordonnateur"
            )
        ]
        calendrier = paie.Calendrier(self.config.paie_jour_arret, self.config.paie_jour_paiement)
        issues: list[str] = []
        for ordonnateur in choisis:
            remarques: list[str] = []
            enregistrements = paie.fichier_paie(
                self.stockage,
                ordonnateur=ordonnateur,
                mois=mois,
                calendrier=calendrier,
                zone_defaut=self.config.zone_defaut,
                remarques=remarques,
            )
            nom = self.emettre(
                destinataire=ordonnateur, flux="paie", enregistrements=enregistrements
            )
            self.stockage.executer(
                "INSERT OR REPLACE INTO paie_emise(ordonnateur, mois, fichier, emis_le) "
                "VALUES (?,?,?,?)",
                ordonnateur,
                f"{mois:%Y-%m}",
                nom,
                maintenant().isoformat(),
            )
            issues.append(f"{nom}: paie {mois:%Y-%m} ({len(enregistrements) - 1} lignes)")
            issues.extend(remarques)
        return issues

    def paie_echue(self, *, aujourd_hui: date) -> list[str]:
        """The calendar: past the month's cut-off day, its payroll goes once to every
        ordonnateur that has not had it."""
        if not self.config.paie_calendrier or aujourd_hui.day < self.config.paie_jour_arret:
            return []
        mois = aujourd_hui.replace(day=1)
        servis = {
            str(r["ordonnateur"])
            for r in self.stockage.tous(
                "SELECT ordonnateur FROM paie_emise WHERE mois = ?", f"{mois:%Y-%m}"
            )
        }
        dus = [
            str(r["ordonnateur"])
            for r in self.stockage.tous(
                "SELECT DISTINCT ordonnateur FROM agent WHERE ordonnateur NOT LIKE '%#%' "
                "ORDER BY ordonnateur"
            )
            if str(r["ordonnateur"]) not in servis
        ]
        return self.paie_emettre(mois=mois, ordonnateurs=dus) if dus else []

    def cycle(self, *, situations: bool = False, effectifs: bool = False) -> list[str]:
        self.config = Config.lire(self.config_chemin)
        self.cle_assurer()
        self.cles_pairs_importer()
        self._retards_livrer(("late:", "dup:"))  # what was held back in the previous cycle
        issues = self.recevoir()
        issues += self.repondre()
        if situations:
            issues += self.situations_emettre()
        if effectifs:
            issues += self.effectifs_emettre()
        issues += self.paie_echue(aujourd_hui=date.today())
        return issues


def _administrative(situation: dict[str, Any]) -> dict[str, Any]:
    return {
        "grade": situation.get("grade"),
        "echelle": None if situation.get("echelle") is None else str(situation.get("echelle")),
        "echelon": None if situation.get("echelon") is None else str(situation.get("echelon")),
        "indice": situation.get("indice"),
        "position": situation.get("position"),
        "statut": situation.get("statut"),
    }
