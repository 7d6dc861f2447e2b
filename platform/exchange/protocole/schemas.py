"""Record schemas of protocol v1 (§5) and their checker.

A schema maps each field to (kind, required). Kinds: entier, texte, date (AAAA-MM-JJ), mois
(AAAA-MM), montant (decimal text, 2 decimals), booleen, objet (any JSON object), `objet:<name>`
(a nested schema), `liste:<name>` (a list of nested records), `choix:<a|b|c>`. Unknown fields
are ignored (minor versions add optional fields); a missing required field or a wrong type is an
E-SCHEMA error naming the line and the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any, Literal, Union

import msgspec

from exchange.protocole.manifeste import ErreurProtocole

Schema = Mapping[str, tuple[str, bool]]
MONTANT = re.compile(r"^-?[0-9]{1,12}\.[0-9]{2}$")

IMBRIQUES: dict[str, Schema] = {
    "agent": {
        "ppr": ("texte", True),
        "cin": ("texte", False),
        "nom": ("texte", True),
        "prenom": ("texte", True),
        "nom_ar": ("texte", False),
        "prenom_ar": ("texte", False),
        "date_naissance": ("date", False),
    },
    "piece": {"type": ("texte", True), "sha256": ("texte", True), "taille": ("entier", False)},
    "observation": {"code": ("texte", True), "champ": ("texte", False), "texte": ("texte", True)},
    "administrative": {
        "grade": ("texte", False),
        "echelle": ("texte", False),
        "echelon": ("texte", False),
        "indice": ("entier", False),
        "position": ("texte", False),
        "statut": ("texte", False),
    },
    "element": {"code": ("texte", True), "montant": ("montant", True)},
    "pecuniaire": {
        "elements": ("liste:element", True),
        "brut": ("montant", True),
        "net": ("montant", True),
        "imputation": ("texte", False),
    },
    # actes (§5.1): the overpayment an act recovers, by month (ordre de recette).
    "ordre_recette": {
        "total_net": ("montant", True),
        "total_brut": ("montant", True),
        "mois": ("liste:mois_recette", True),
    },
    "mois_recette": {
        "mois": ("mois", True),
        "net": ("montant", True),
        "brut": ("montant", True),
    },
    # paie (§5.5): one pay element of an agent's month.
    "element_paie": {
        "code": ("texte", True),
        "libelle": ("texte", True),
        "libelle_ar": ("texte", False),
        "sens": ("choix:gain|retenue", True),
        "montant": ("montant", True),
        "origine": ("choix:engine|tresor", True),
    },
}

SCHEMAS: dict[str, Schema] = {
    "actes": {
        "acte_id": ("entier", True),
        "version": ("entier", True),
        "numero": ("texte", True),
        "type": ("texte", True),
        "date_effet": ("date", True),
        "bordereau": ("texte", True),
        "emetteur": ("texte", True),
        "agent": ("objet:agent", True),
        "situation_avant": ("objet", False),
        "donnees": ("objet", True),
        "pieces": ("liste:piece", True),
        "impact": ("objet", False),
        "ordre_recette": ("objet:ordre_recette", False),
    },
    "reponses": {
        "acte_id": ("entier", True),
        "version": ("entier", True),
        "numero": ("texte", True),
        "etat": ("choix:pris_en_charge|vise|rejete|en_suspens", True),
        "le": ("date", True),
        "numero_visa": ("texte", False),
        "observations": ("liste:observation", True),
    },
    "situations": {
        "ppr": ("texte", True),
        "le": ("date", True),
        "etat": ("choix:present|sorti", True),
        "administrative": ("objet:administrative", False),
        "pecuniaire": ("objet:pecuniaire", False),
    },
    "effectifs": {
        "ligne_budgetaire": ("texte", True),
        "grade": ("texte", False),
        "categorie": ("texte", False),
        "postes_budgetes": ("entier", True),
        "postes_occupes": ("entier", True),
        "annee": ("entier", True),
    },
    # paie: see VARIANTES (a header, one record per agent paid, the trailer's totals).
    # A round trip to check a new ordonnateur's keys and transport (the onboarding wizard).
    "essai": {"message": ("texte", True), "le": ("date", True), "accuse_de": ("entier", False)},
}


# Streams whose records come in several kinds, told apart by a field (§5.5): the field's value
# names the schema the record is checked against.
VARIANTES: dict[str, tuple[str, dict[str, Schema]]] = {
    "paie": (
        "type",
        {
            "entete": {
                "type": ("texte", True),
                "mois": ("mois", True),
                "ordonnateur": ("texte", True),
                "date_arret": ("date", True),
                "date_paiement": ("date", True),
                "agents": ("entier", True),
                "brut": ("montant", True),
                "retenues": ("montant", True),
                "net": ("montant", True),
            },
            "agent": {
                "type": ("texte", True),
                "ppr": ("texte", True),
                "nom": ("texte", True),
                "prenom": ("texte", True),
                "nom_ar": ("texte", False),
                "prenom_ar": ("texte", False),
                "administrative": ("objet:administrative", True),
                "imputation": ("texte", True),
                "elements": ("liste:element_paie", True),
                "brut": ("montant", True),
                "retenues": ("montant", True),
                "net": ("montant", True),
            },
            "total": {
                "type": ("texte", True),
                "imputation": ("texte", True),
                "rubrique": ("texte", True),
                "libelle": ("texte", True),
                "sens": ("choix:gain|retenue", True),
                "montant": ("montant", True),
                "agents": ("entier", True),
            },
        },
    ),
}
MOIS = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


def _type_ok(genre: str, valeur: Any) -> str | None:
    """None when `valeur` is of kind `genre`, else what was expected."""
    if genre == "entier":
        return None if isinstance(valeur, int) and not isinstance(valeur, bool) else "entier"
    if genre == "texte":
        return None if isinstance(valeur, str) else "texte"
    if genre == "booleen":
        return None if isinstance(valeur, bool) else "booléen"
    if genre == "objet":
        return None if isinstance(valeur, dict) else "objet"
    if genre == "date":
        if isinstance(valeur, str):
            try:
                date.fromisoformat(valeur)
                if len(valeur) == 10:
                    return None
            except ValueError:
                pass
        return "date AAAA-MM-JJ"
    if genre == "mois":
        return None if isinstance(valeur, str) and MOIS.fullmatch(valeur) else "mois AAAA-MM"
    if genre == "montant":
        return None if isinstance(valeur, str) and MONTANT.fullmatch(valeur) else "montant « 0.00 »"
    if genre.startswith("choix:"):
        permis = genre.removeprefix("choix:").split("|")
        return None if valeur in permis else "une valeur parmi " + ", ".join(permis)
    raise ValueError(f"genre de schéma inconnu : {genre}")


def _verifier(schema: Schema, valeur: Any, *, ligne: int, chemin: str) -> None:
    if not isinstance(valeur, dict):
        raise ErreurProtocole(
            "E-SCHEMA", f"ligne {ligne}{chemin} : objet JSON attendu", ligne=ligne
        )
    for champ, (genre, requis) in schema.items():
        nom = f"{chemin}.{champ}" if chemin else champ
        if champ not in valeur or valeur[champ] is None:
            if requis:
                raise ErreurProtocole(
                    "E-SCHEMA", f"ligne {ligne}, champ « {nom} » obligatoire absent", ligne=ligne
                )
            continue
        donnee = valeur[champ]
        if genre.startswith("objet:"):
            _verifier(
                IMBRIQUES[genre.removeprefix("objet:")], donnee, ligne=ligne, chemin=f" {nom}"
            )
        elif genre.startswith("liste:"):
            if not isinstance(donnee, list):
                raise ErreurProtocole(
                    "E-SCHEMA", f"ligne {ligne}, champ « {nom} » : liste attendue", ligne=ligne
                )
            for index, element in enumerate(donnee):
                _verifier(
                    IMBRIQUES[genre.removeprefix("liste:")],
                    element,
                    ligne=ligne,
                    chemin=f"{nom}[{index}]",
                )
        elif attendu := _type_ok(genre, donnee):
            raise ErreurProtocole(
                "E-SCHEMA",
                f"ligne {ligne}, champ « {nom} » : {attendu} attendu, reçu {donnee!r}",
                ligne=ligne,
            )


# --- the fast path ---------------------------------------------------------------------------
# A 300,000-line file is checked record by record: each schema is compiled once into plain
# predicates (no string parsing per field). A record the predicate accepts is valid; one it
# refuses goes through `_verifier` above, which finds and words the first error.

Predicat = Callable[[Any], bool]


def _date_ok(valeur: Any) -> bool:
    if type(valeur) is not str or len(valeur) != 10:
        return False
    try:
        date.fromisoformat(valeur)
    except ValueError:
        return False
    return True


def _predicat_genre(genre: str) -> Predicat:
    if genre == "entier":
        return lambda v: type(v) is int
    if genre == "texte":
        return lambda v: type(v) is str
    if genre == "booleen":
        return lambda v: type(v) is bool
    if genre == "objet":
        return lambda v: type(v) is dict
    if genre == "date":
        return _date_ok
    if genre == "mois":
        return lambda v: type(v) is str and MOIS.fullmatch(v) is not None
    if genre == "montant":
        return lambda v: type(v) is str and MONTANT.fullmatch(v) is not None
    if genre.startswith("choix:"):
        permis = tuple(genre.removeprefix("choix:").split("|"))
        return lambda v: type(v) is str and v in permis
    if genre.startswith("objet:"):
        return _predicat(IMBRIQUES[genre.removeprefix("objet:")])
    if genre.startswith("liste:"):
        element = _predicat(IMBRIQUES[genre.removeprefix("liste:")])
        return lambda v: type(v) is list and all(element(e) for e in v)
    raise ValueError(f"genre de schéma inconnu : {genre}")


_COMPILES: dict[int, Predicat] = {}


def _predicat(schema: Schema) -> Predicat:
    compile_ = _COMPILES.get(id(schema))
    if compile_ is not None:
        return compile_
    champs = tuple(
        (champ, requis, _predicat_genre(genre)) for champ, (genre, requis) in schema.items()
    )

    def verifie(valeur: Any) -> bool:
        if type(valeur) is not dict:
            return False
        for champ, requis, predicat in champs:
            donnee = valeur.get(champ)
            if donnee is None:
                if requis:
                    return False
            elif not predicat(donnee):
                return False
        return True

    _COMPILES[id(schema)] = verifie
    return verifie


def enregistrement_verifier(flux: str, enregistrement: Any, *, ligne: int) -> None:
    if flux in VARIANTES:
        champ, schemas = VARIANTES[flux]
        genre = enregistrement.get(champ) if isinstance(enregistrement, dict) else None
        if genre in schemas and _predicat(schemas[str(genre)])(enregistrement):
            return
        if genre not in schemas:
            raise ErreurProtocole(
                "E-SCHEMA",
                f"ligne {ligne}, champ « {champ} » : une valeur parmi "
                f"{', '.join(schemas)} attendue, reçu {genre!r}",
                ligne=ligne,
            )
        _verifier(schemas[str(genre)], enregistrement, ligne=ligne, chemin="")
        return
    if _predicat(SCHEMAS[flux])(enregistrement):
        return
    _verifier(SCHEMAS[flux], enregistrement, ligne=ligne, chemin="")


# --- typed decoding, for the streams loaded in bulk ---------------------------------------------
# The same schemas compiled into msgspec structures: decoding a line and checking it is then one
# pass in C, and the receiver reads typed attributes instead of dicts. A line the decoder
# refuses goes through the checker above, which words the first error in the protocol's terms.
# The structures are stricter than the checker in two corners: a date must be written exactly
# AAAA-MM-JJ, and integers fit in 64 bits.

_MOTIFS = {
    "mois": r"^[0-9]{4}-(0[1-9]|1[0-2])\Z",
    "montant": r"^-?[0-9]{1,12}\.[0-9]{2}\Z",
}
_STRUCTURES: dict[str, Any] = {}


def _type_structure(genre: str) -> Any:
    simples: dict[str, Any] = {
        "entier": int, "texte": str, "booleen": bool, "objet": dict[str, Any], "date": date
    }  # fmt: skip
    if genre in simples:
        return simples[genre]
    if genre in _MOTIFS:
        return Annotated[str, msgspec.Meta(pattern=_MOTIFS[genre])]
    if genre.startswith("choix:"):
        return Literal[tuple(genre.removeprefix("choix:").split("|"))]
    if genre.startswith("objet:"):
        return _structure(genre.removeprefix("objet:"), IMBRIQUES[genre.removeprefix("objet:")])
    if genre.startswith("liste:"):
        nom = genre.removeprefix("liste:")
        return list[_structure(nom, IMBRIQUES[nom])]  # type: ignore[misc]
    raise ValueError(f"genre de schéma inconnu : {genre}")


def _structure(nom: str, schema: Schema, *, etiquette: tuple[str, str] | None = None) -> Any:
    """A msgspec Struct for `schema`: required fields typed, optional ones `T | None = None`
    (null is absent), unknown fields ignored; `etiquette` (field, value) makes it one variant
    of a tagged union."""
    cle = f"{nom}:{etiquette}"
    if cle not in _STRUCTURES:
        champs: list[tuple[str, Any] | tuple[str, Any, Any]] = []
        for champ, (genre, requis) in schema.items():
            if etiquette is not None and champ == etiquette[0]:
                continue
            genre_py = _type_structure(genre)
            champs.append((champ, genre_py) if requis else (champ, genre_py | None, None))
        options: dict[str, Any] = {"kw_only": True, "frozen": True}
        if etiquette is not None:
            options |= {"tag_field": etiquette[0], "tag": etiquette[1]}
        _STRUCTURES[cle] = msgspec.defstruct(nom.capitalize(), champs, **options)
    return _STRUCTURES[cle]


def variante(structure: Any) -> str | None:
    """The variant (tag) of a decoded record of a stream with variants, e.g. "agent"."""
    tag = type(structure).__struct_config__.tag
    return tag if isinstance(tag, str) else None


_DECODEURS: dict[str, msgspec.json.Decoder[Any]] = {}


def decodeur(flux: str) -> msgspec.json.Decoder[Any]:
    """The flux's typed decoder (a tagged union of its variants when it has some)."""
    if flux not in _DECODEURS:
        if flux in VARIANTES:
            champ, variantes = VARIANTES[flux]
            types = tuple(
                _structure(f"{flux}_{nom}", schema, etiquette=(champ, nom))
                for nom, schema in variantes.items()
            )
            cible: Any = Union[types]  # noqa: UP007 (a runtime union of generated types)
        else:
            cible = _structure(flux, SCHEMAS[flux])
        _DECODEURS[flux] = msgspec.json.Decoder(cible)
    return _DECODEURS[flux]


def ligne_json_lire(ligne: bytes, *, numero: int) -> Any:
    """One payload line parsed as JSON; E-SCHEMA naming the line when it is not JSON."""
    try:
        return json.loads(ligne)
    except (UnicodeDecodeError, json.JSONDecodeError) as erreur:
        raise ErreurProtocole(
            "E-SCHEMA",
            f"ligne {numero} : JSON illisible ({getattr(erreur, 'msg', erreur)})",
            ligne=numero,
        ) from None


def enregistrement_decoder(flux: str, ligne: bytes, *, numero: int) -> Any:
    """One line of the payload as the flux's typed structure. Raises ErreurProtocole E-SCHEMA
    naming the line and the field when it is not valid."""
    try:
        return decodeur(flux).decode(ligne)
    except msgspec.DecodeError as refus:
        enregistrement_verifier(flux, ligne_json_lire(ligne, numero=numero), ligne=numero)
        # the checker accepts what the stricter decoder refused (a date not written AAAA-MM-JJ,
        # an integer beyond 64 bits): the decoder's own words, with the field's path
        raise ErreurProtocole(
            "E-SCHEMA", f"ligne {numero} : valeur refusée ({refus})", ligne=numero
        ) from None
