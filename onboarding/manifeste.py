"""Rollout manifests: which ordonnateurs to provision, in which wave (docs/onboarding/rollout.md).

Two formats with the same columns: CSV (UTF-8, header line, `#` comment lines allowed) and YAML
(a list of flat mappings, optionally under `ordonnateurs:`). Every error names the line, the
column and what to write instead; all errors are collected, so one run lists them all.

The YAML reader handles the documented form only (block list of `key: value` mappings, plain or
quoted scalars, comments): it needs no extra dependency and keeps exact line numbers.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from tenants.models import CODE_VALIDATOR, OrganisationKind

COLONNES_OBLIGATOIRES = ("code", "kind", "name_fr", "name_ar", "parent", "admin_email", "wave")
COLONNES_FACULTATIVES = ("admin_first_name", "admin_last_name")
COLONNES = COLONNES_OBLIGATOIRES + COLONNES_FACULTATIVES
NATURES = tuple(k for k in OrganisationKind.values if k != OrganisationKind.PLATEFORME)
# The parent a kind must have when it names one (the territorial hierarchy).
PARENT_ATTENDU = {
    OrganisationKind.COMMUNE: OrganisationKind.PREFECTURE_PROVINCE,
    OrganisationKind.PREFECTURE_PROVINCE: OrganisationKind.REGION,
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ARABE = re.compile(r"[\u0600-\u06FF]")
CODE = re.compile(CODE_VALIDATOR.regex)
# The value of a key whose error was reported while reading: not checked a second time.
DEJA_SIGNALEE = "\x00"


@dataclass(frozen=True)
class LigneManifeste:
    ligne: int
    code: str
    kind: str
    name_fr: str
    name_ar: str
    parent: str
    admin_email: str
    wave: int
    admin_first_name: str = ""
    admin_last_name: str = ""

    @property
    def empreinte(self) -> str:
        valeurs = asdict(self)
        valeurs.pop("ligne")
        texte = "\x1f".join(f"{k}={valeurs[k]}" for k in sorted(valeurs))
        return hashlib.sha256(texte.encode()).hexdigest()


@dataclass(frozen=True)
class ErreurManifeste:
    ligne: int
    colonne: str
    message: str

    def __str__(self) -> str:
        if self.colonne:
            return _("ligne %(ligne)d, colonne « %(colonne)s » : %(message)s") % {
                "ligne": self.ligne,
                "colonne": self.colonne,
                "message": self.message,
            }
        return _("ligne %(ligne)d : %(message)s") % {"ligne": self.ligne, "message": self.message}


class ManifesteInvalideError(ValueError):
    def __init__(self, nom: str, erreurs: list[ErreurManifeste]) -> None:
        self.nom, self.erreurs = nom, erreurs
        lignes = "\n".join(f"  {e}" for e in erreurs)
        super().__init__(
            _("Le manifeste %(nom)s contient %(n)d erreur(s) ; rien n'a été fait :")
            % {"nom": nom, "n": len(erreurs)}
            + "\n"
            + lignes
        )


# --- reading -----------------------------------------------------------------------------------

Enregistrement = tuple[int, dict[str, tuple[int, str]]]  # (line, column → (line, value))


def _lire_csv(texte: str) -> tuple[list[str], int, list[Enregistrement], list[ErreurManifeste]]:
    lignes = texte.splitlines()
    debut = next((i for i, t in enumerate(lignes) if t.strip() and not t.startswith("#")), None)
    if debut is None:
        return [], 1, [], [ErreurManifeste(1, "", _("Le fichier est vide : ajoutez l'en-tête."))]
    entete = [c.strip() for c in next(csv.reader([lignes[debut]]))]
    enregistrements: list[Enregistrement] = []
    erreurs: list[ErreurManifeste] = []
    for index in range(debut + 1, len(lignes)):
        brute = lignes[index]
        if not brute.strip() or brute.lstrip().startswith("#"):
            continue
        valeurs = next(csv.reader(io.StringIO(brute)))
        numero = index + 1
        if len(valeurs) != len(entete):
            erreurs.append(
                ErreurManifeste(
                    numero,
                    "",
                    _(
                        "%(n)d valeurs pour %(m)d colonnes : vérifiez les virgules (mettez entre "
                        "guillemets une valeur qui en contient)."
                    )
                    % {"n": len(valeurs), "m": len(entete)},
                )
            )
            continue
        champs = {c: (numero, v.strip()) for c, v in zip(entete, valeurs, strict=True)}
        enregistrements.append((numero, champs))
    return entete, debut + 1, enregistrements, erreurs


def _scalaire(brut: str, numero: int) -> tuple[str, ErreurManifeste | None]:
    valeur = brut.strip()
    if valeur[:1] in ("'", '"'):
        guillemet = valeur[0]
        fin = valeur.rfind(guillemet)
        if fin <= 0:
            return "", ErreurManifeste(
                numero,
                "",
                _("Guillemet non fermé : fermez la valeur par %(g)s.") % {"g": guillemet},
            )
        contenu = valeur[1:fin]
        reste = valeur[fin + 1 :].strip()
        if reste and not reste.startswith("#"):
            return "", ErreurManifeste(
                numero, "", _("Texte après la valeur entre guillemets : retirez-le.")
            )
        if guillemet == "'":
            return contenu.replace("''", "'"), None
        return contenu.replace('\\"', '"').replace("\\\\", "\\"), None
    if " #" in valeur:
        valeur = valeur.split(" #", 1)[0].rstrip()
    if valeur[:1] in ("{", "[", "|", ">", "&", "*", "!"):
        return "", ErreurManifeste(
            numero,
            "",
            _(
                "Forme YAML non prise en charge ici : écrivez une valeur simple par clé "
                "(« cle: valeur »), entre guillemets si besoin."
            ),
        )
    return ("" if valeur in ("~", "null") else valeur), None


def _lire_yaml(texte: str) -> tuple[list[str], int, list[Enregistrement], list[ErreurManifeste]]:
    enregistrements: list[Enregistrement] = []
    erreurs: list[ErreurManifeste] = []
    colonnes: list[str] = []
    courant: dict[str, tuple[int, str]] | None = None
    indentation_cles: int | None = None
    for index, brute in enumerate(texte.splitlines()):
        numero = index + 1
        if not brute.strip() or brute.lstrip().startswith("#") or brute.strip() == "---":
            continue
        if brute.strip() == "ordonnateurs:" and not brute.startswith(" "):
            continue
        contenu = brute.lstrip(" ")
        retrait = len(brute) - len(contenu)
        if contenu.startswith("- ") or contenu == "-":
            courant = {}
            enregistrements.append((numero, courant))
            contenu = contenu[1:].lstrip(" ")
            retrait = len(brute) - len(contenu)
            indentation_cles = retrait
            if not contenu:
                continue
        if courant is None or ":" not in contenu or retrait != indentation_cles:
            erreurs.append(
                ErreurManifeste(
                    numero,
                    "",
                    _(
                        "Ligne YAML inattendue : chaque ordonnateur commence par « - » et chaque "
                        "ligne suivante est « cle: valeur », alignée sur la première clé."
                    ),
                )
            )
            continue
        cle, _sep, reste = contenu.partition(":")
        cle = cle.strip()
        valeur, erreur = _scalaire(reste, numero)
        if erreur is not None:
            erreurs.append(ErreurManifeste(numero, cle, erreur.message))
            valeur = DEJA_SIGNALEE
        if cle in courant:
            erreurs.append(ErreurManifeste(numero, cle, _("Clé répétée dans le même ordonnateur.")))
        courant[cle] = (numero, valeur)
        if cle not in colonnes:
            colonnes.append(cle)
    if not enregistrements and not erreurs:
        erreurs.append(ErreurManifeste(1, "", _("Aucun ordonnateur : le fichier est vide.")))
    # In YAML a key may be left out of one entry: missing keys are checked per entry.
    return colonnes or list(COLONNES_OBLIGATOIRES), 0, enregistrements, erreurs


# --- checking ----------------------------------------------------------------------------------


def _verifier(
    enregistrement: Enregistrement, erreurs: list[ErreurManifeste]
) -> LigneManifeste | None:
    numero, champs = enregistrement
    nombre = len(erreurs)

    def valeur(colonne: str) -> tuple[int, str]:
        return champs.get(colonne, (numero, ""))

    def erreur(colonne: str, message: str) -> None:
        if valeur(colonne)[1] != DEJA_SIGNALEE:
            erreurs.append(ErreurManifeste(valeur(colonne)[0], colonne, message))

    for colonne in COLONNES_OBLIGATOIRES:
        if colonne not in champs:
            erreur(
                colonne,
                _("Clé manquante : ajoutez « %(c)s: » (vide si sans objet).") % {"c": colonne},
            )
    code = valeur("code")[1]
    if not code:
        erreur("code", _("Le code est obligatoire."))
    elif not CODE.match(code):
        erreur(
            "code",
            _(
                "« %(v)s » n'est pas un code valide : 3 à 40 caractères, lettres minuscules sans "
                "accent, chiffres et tirets, en commençant par une lettre (ex. « commune-fes »)."
            )
            % {"v": code},
        )
    kind = valeur("kind")[1]
    if kind not in NATURES:
        erreur(
            "kind",
            _("Nature inconnue « %(v)s » : écrivez l'une de %(n)s.")
            % {"v": kind, "n": ", ".join(NATURES)},
        )
    if not valeur("name_fr")[1]:
        erreur("name_fr", _("Le nom en français est obligatoire."))
    name_ar = valeur("name_ar")[1]
    if not name_ar:
        erreur("name_ar", _("Le nom en arabe est obligatoire."))
    elif not ARABE.search(name_ar):
        erreur("name_ar", _("Le nom en arabe doit être écrit en caractères arabes."))
    email = valeur("admin_email")[1]
    if email and not EMAIL.match(email):
        erreur(
            "admin_email",
            _(
                "« %(v)s » n'est pas une adresse électronique : écrivez nom@domaine.ma ou "
                "laissez vide."
            )
            % {"v": email},
        )
    texte_vague = valeur("wave")[1]
    vague = int(texte_vague) if texte_vague.isdigit() else 0
    if vague < 1:
        erreur(
            "wave",
            _("La vague doit être un nombre entier à partir de 1 (lu : « %(v)s »).")
            % {"v": texte_vague},
        )
    if len(erreurs) > nombre:
        return None
    return LigneManifeste(
        ligne=numero,
        code=code,
        kind=kind,
        name_fr=valeur("name_fr")[1],
        name_ar=name_ar,
        parent=valeur("parent")[1],
        admin_email=email.lower(),
        wave=vague,
        admin_first_name=valeur("admin_first_name")[1],
        admin_last_name=valeur("admin_last_name")[1],
    )


def _verifier_ensemble(lignes: list[LigneManifeste], erreurs: list[ErreurManifeste]) -> None:
    """Rules across lines: unique codes; a parent in the manifest, of the right kind, in the
    same or an earlier wave. (A parent outside the manifest is checked by `plan`.)"""
    par_code: dict[str, LigneManifeste] = {}
    for ligne in lignes:
        premiere = par_code.get(ligne.code)
        if premiere is not None:
            erreurs.append(
                ErreurManifeste(
                    ligne.ligne,
                    "code",
                    _("Le code « %(c)s » figure déjà ligne %(l)d : un code par ordonnateur.")
                    % {"c": ligne.code, "l": premiere.ligne},
                )
            )
        else:
            par_code[ligne.code] = ligne
    for ligne in lignes:
        if not ligne.parent:
            continue
        parent = par_code.get(ligne.parent)
        if ligne.parent == ligne.code:
            erreurs.append(
                ErreurManifeste(
                    ligne.ligne, "parent", _("Un ordonnateur ne peut être son propre parent.")
                )
            )
        elif parent is not None:
            attendu = PARENT_ATTENDU.get(OrganisationKind(ligne.kind))
            if attendu is not None and parent.kind != attendu:
                erreurs.append(
                    ErreurManifeste(
                        ligne.ligne,
                        "parent",
                        _(
                            "Le parent d'une organisation « %(k)s » doit être de nature "
                            "« %(a)s » ; « %(p)s » est « %(pk)s »."
                        )
                        % {"k": ligne.kind, "a": attendu, "p": parent.code, "pk": parent.kind},
                    )
                )
            if parent.wave > ligne.wave:
                erreurs.append(
                    ErreurManifeste(
                        ligne.ligne,
                        "wave",
                        _(
                            "Le parent « %(p)s » est en vague %(pw)d, après celle-ci (%(w)d) : "
                            "avancez le parent ou reculez cette ligne."
                        )
                        % {"p": parent.code, "pw": parent.wave, "w": ligne.wave},
                    )
                )


def manifeste_analyser(texte: str, *, nom: str) -> list[LigneManifeste]:
    """Parse and check a manifest's text (format from the name's extension)."""
    suffixe = Path(nom).suffix.lower()
    if suffixe in (".yaml", ".yml"):
        colonnes, ligne_entete, enregistrements, erreurs = _lire_yaml(texte)
    elif suffixe == ".csv":
        colonnes, ligne_entete, enregistrements, erreurs = _lire_csv(texte)
    else:
        raise ManifesteInvalideError(
            nom,
            [
                ErreurManifeste(
                    1, "", _("Format inconnu : le fichier doit finir par .csv, .yaml ou .yml.")
                )
            ],
        )
    for colonne in colonnes:
        if colonne not in COLONNES:
            erreurs.append(
                ErreurManifeste(
                    ligne_entete or 1,
                    colonne,
                    _("Colonne inconnue : les colonnes sont %(c)s.") % {"c": ", ".join(COLONNES)},
                )
            )
    if ligne_entete:
        for colonne in COLONNES_OBLIGATOIRES:
            if colonne not in colonnes:
                erreurs.append(
                    ErreurManifeste(
                        ligne_entete, colonne, _("Colonne manquante : ajoutez-la à l'en-tête.")
                    )
                )
        if any(e.ligne == ligne_entete for e in erreurs):
            raise ManifesteInvalideError(nom, sorted(erreurs, key=lambda e: (e.ligne, e.colonne)))
    lignes = [x for e in enregistrements if (x := _verifier(e, erreurs)) is not None]
    _verifier_ensemble(lignes, erreurs)
    if erreurs:
        raise ManifesteInvalideError(nom, sorted(erreurs, key=lambda e: (e.ligne, e.colonne)))
    return lignes


def manifeste_lire(chemin: Path) -> list[LigneManifeste]:
    try:
        texte = chemin.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ManifesteInvalideError(
            chemin.name,
            [ErreurManifeste(1, "", _("Le fichier n'est pas en UTF-8 : enregistrez-le en UTF-8."))],
        ) from error
    return manifeste_analyser(texte, nom=chemin.name)
