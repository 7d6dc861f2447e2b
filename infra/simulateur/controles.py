"""The Treasury's controls on one act, against the simulator's own copy of the agent."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

PIECES = {
    "recrutement": ("diplome", "cin"),
    "titularisation": ("proces_verbal",),
    "avancement_grade": ("proces_verbal",),
    "attribution_indemnite": ("arrete",),
    "conge_maladie_moyenne": ("certificat_medical",),
    "conge_maladie_longue": ("certificat_medical",),
    "revocation": ("proces_verbal",),
}
PIECES_FAMILLE = {"mariage": ("acte_mariage",), "naissance": ("acte_naissance",)}


@dataclass(frozen=True)
class Observation:
    code: str
    texte: str
    champ: str = ""

    def en_dict(self) -> dict[str, str]:
        return {"code": self.code, "champ": self.champ, "texte": self.texte}


def pieces_requises(enregistrement: dict[str, Any]) -> tuple[str, ...]:
    if enregistrement["type"] == "situation_familiale":
        return PIECES_FAMILLE.get(str(enregistrement["donnees"].get("evenement")), ("autre",))
    return PIECES.get(enregistrement["type"], ())


def controler(
    enregistrement: dict[str, Any],
    *,
    copie: dict[str, Any] | None,
    deja_recu: bool,
    occupants: int | None,
    capacite: int | None,
    taux_rejet: float,
    graine: int,
    aujourd_hui: date,
) -> list[Observation]:
    """The observations that reject the act (empty: it is visé)."""
    observations: list[Observation] = []
    donnees = enregistrement["donnees"]
    if deja_recu:
        return [Observation("OBS-DOUBLON", "Acte déjà reçu dans un bordereau précédent.")]
    presentes = {p["type"] for p in enregistrement["pieces"]}
    for piece in pieces_requises(enregistrement):
        if piece not in presentes:
            observations.append(
                Observation("OBS-PIECE", f"Pièce justificative manquante : {piece}.", "pieces")
            )
    effet = date.fromisoformat(enregistrement["date_effet"])
    if effet > aujourd_hui + timedelta(days=366):
        observations.append(
            Observation("OBS-DATE", "Date d'effet à plus d'un an dans le futur.", "date_effet")
        )
    type_acte = enregistrement["type"]
    if type_acte != "recrutement":
        if copie is not None and not copie.get("present", True):
            observations.append(
                Observation("OBS-AGENT", "L'agent n'est plus dans les livres du Trésor.", "agent")
            )
        elif copie is not None and type_acte == "avancement_echelon":
            actuel = str(copie.get("echelon") or "")
            attendu = str(int(actuel) + 1) if actuel.isdigit() else ""
            if str(donnees.get("echelon")) != attendu:
                observations.append(
                    Observation(
                        "OBS-GRADE",
                        f"Échelon incohérent : le Trésor connaît l'échelon {actuel or '—'}, "
                        f"l'échelon suivant est {attendu or '—'}.",
                        "echelon",
                    )
                )
        elif (
            copie is not None
            and type_acte == "avancement_grade"
            and donnees.get("grade_code") == copie.get("grade")
        ):
            observations.append(Observation("OBS-GRADE", "L'agent a déjà ce grade.", "grade_code"))
    if capacite is not None and occupants is not None and occupants >= capacite:
        observations.append(
            Observation(
                "OBS-POSTE",
                f"Aucun poste budgétaire disponible ({capacite} budgétés, {occupants} occupés).",
                "poste_code",
            )
        )
    # Demo randomness, reproducible from the seed: not a security use.
    tirage = random.Random(  # noqa: S311
        f"{graine}:{enregistrement['acte_id']}:{enregistrement['version']}"
    )
    if not observations and taux_rejet and tirage.random() < taux_rejet:
        observations.append(
            Observation("OBS-AUTRE", "Rejet aléatoire de démonstration (taux configuré).")
        )
    return observations


CHAMPS_SITUATION = {
    "grade_code": "grade",
    "echelle": "echelle",
    "echelon": "echelon",
    "statut": "statut",
    "unite_code": "unite",
    "poste_code": "poste",
}


# The position each act of the catalogue (issue 9) leaves the agent in, on the Treasury's copy.
POSITIONS = {
    "mise_a_disposition": "mise_a_disposition",
    "detachement": "detachement",
    "reintegration_detachement": "activite",
    "disponibilite": "disponibilite",
    "reintegration_disponibilite": "activite",
    "conge_maladie_moyenne": "conge_maladie_moyenne",
    "conge_maladie_longue": "conge_maladie_longue",
    "reprise_conge_maladie": "activite",
    "suspension_traitement": "suspension",
    "reprise_traitement": "activite",
    "demission": "cessation",
    "revocation": "cessation",
    "deces": "cessation",
}
# An inter-ordonnateur sortie: the source stops paying, except in mise à disposition.
POSITIONS_SORTIE = {
    "transfert": "cessation",
    "detachement": "detachement",
    "mise_a_disposition": "mise_a_disposition",
}


def _quotite(type_acte: str, donnees: dict[str, Any], effet: str) -> int | None:
    """The share of the traitement (percent) the act leaves, None for full pay."""
    if type_acte == "suspension_traitement":
        return int(donnees.get("quotite") or 0)
    if type_acte in ("conge_maladie_moyenne", "conge_maladie_longue"):
        demi = donnees.get("demi_traitement_du")
        return 50 if demi and str(demi) <= effet else None
    return None


def appliquer(enregistrement: dict[str, Any], copie: dict[str, Any] | None) -> dict[str, Any]:
    """The Treasury's copy after the visa of the act."""
    situation = dict(copie or enregistrement.get("situation_avant") or {})
    situation.pop("present", None)
    donnees = enregistrement["donnees"]
    type_acte = enregistrement["type"]
    if type_acte == "recrutement":
        situation = {"position": "activite"}
    if type_acte == "titularisation":
        situation["statut"] = "titulaire"
    if type_acte == "mise_retraite":
        situation["position"] = "cessation"
    if type_acte == "transfert_entree":
        situation = {"position": "activite"}
        if donnees.get("nature_mouvement") == "mise_a_disposition":
            situation["position"] = "mise_a_disposition"
    if type_acte in POSITIONS or type_acte == "transfert_sortie":
        situation["position"] = (
            POSITIONS_SORTIE.get(str(donnees.get("nature_mouvement")), "cessation")
            if type_acte == "transfert_sortie"
            else POSITIONS[type_acte]
        )
        situation.pop("quotite", None)
        situation.pop("demi_traitement_du", None)
        quotite = _quotite(type_acte, donnees, str(enregistrement["date_effet"]))
        if quotite is not None:
            situation["quotite"] = quotite
        elif donnees.get("demi_traitement_du"):
            # half pay starts later in the congé: the monthly run applies it from that day
            situation["demi_traitement_du"] = str(donnees["demi_traitement_du"])
    for champ, cle in CHAMPS_SITUATION.items():
        if donnees.get(champ):
            situation[cle] = str(donnees[champ])
    return situation
