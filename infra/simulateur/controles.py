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
    for champ, cle in CHAMPS_SITUATION.items():
        if donnees.get(champ):
            situation[cle] = str(donnees[champ])
    return situation
