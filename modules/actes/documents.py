"""The arrêté/décision of an act as a bilingual PDF (French and Arabic side by side), from the
tenant's wording (ModeleDocument) or the built-in one (documents_textes), through the
documents kernel (WeasyPrint, local Noto fonts, Hijri dates, amounts in words).

The tenant admin's texts are plain text with `{placeholders}` from a whitelist: substitution
is a regular expression over `{name}`, nothing else is interpreted (no template language, no
attribute access, no format spec), and the result is escaped by the HTML template like any
other value. Reads only: the writes (a new wording version, a reset, the signatory) are in
services_documents.py.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tenants.utils import get_tenant_model

from documents import facade as documents
from modules.actes import documents_textes, services
from modules.actes.documents_textes import Redaction
from modules.actes.models import Acte, Etat, ModeleDocument, ParametresDocuments, VersionActe
from modules.actes.types import CATALOGUE, TypeActe, communs, type_get
from modules.personnel import facade as personnel
from modules.unites import facade as unites
from modules.unites.perimetres import TOUT, Perimetre
from referentiel import selectors as referentiel
from tenants import logos

# The placeholders any wording may use, with what they print (shown on the edit page and in
# docs/documents.md). Besides these, `champ_<field>` and `champ_<field>_ar` print the act's own
# fields (dates, choices and yes/no in each language) for the types the wording covers.
PLACEHOLDERS: dict[str, Any] = {
    "organisation": gettext_lazy("nom de l'organisme (français)"),
    "organisation_ar": gettext_lazy("nom de l'organisme (arabe)"),
    "acte_numero": gettext_lazy("numéro de l'acte"),
    "numero_visa": gettext_lazy("numéro de visa du Trésor (vide avant le visa)"),
    "acte_type": gettext_lazy("type d'acte, avec majuscule (français)"),
    "acte_objet": gettext_lazy("type d'acte, en minuscule en milieu de phrase (français)"),
    "acte_type_ar": gettext_lazy("type d'acte (arabe)"),
    "acte_resume": gettext_lazy("résumé de l'acte (une ligne)"),
    "acte_origine_numero": gettext_lazy("numéro de l'acte rectifié ou annulé"),
    "date_effet": gettext_lazy("date d'effet (français)"),
    "date_effet_ar": gettext_lazy("date d'effet (arabe)"),
    "agent_nom": gettext_lazy("prénom et nom de l'agent (français)"),
    "agent_nom_ar": gettext_lazy("prénom et nom de l'agent (arabe)"),
    "agent_ppr": gettext_lazy("PPR de l'agent"),
    "grade_avant": gettext_lazy("grade avant l'acte (français)"),
    "grade_avant_ar": gettext_lazy("grade avant l'acte (arabe)"),
    "grade_apres": gettext_lazy("grade après l'acte (français)"),
    "grade_apres_ar": gettext_lazy("grade après l'acte (arabe)"),
    "echelle_avant": gettext_lazy("échelle avant l'acte"),
    "echelle_apres": gettext_lazy("échelle après l'acte"),
    "echelon_avant": gettext_lazy("échelon avant l'acte"),
    "echelon_apres": gettext_lazy("échelon après l'acte"),
    "indice_avant": gettext_lazy("indice avant l'acte"),
    "indice_apres": gettext_lazy("indice après l'acte"),
    "unite_avant": gettext_lazy("unité d'affectation avant l'acte (français)"),
    "unite_avant_ar": gettext_lazy("unité d'affectation avant l'acte (arabe)"),
    "unite_apres": gettext_lazy("unité d'affectation après l'acte (français)"),
    "unite_apres_ar": gettext_lazy("unité d'affectation après l'acte (arabe)"),
    "variation_brut": gettext_lazy("variation mensuelle du brut, en chiffres"),
    "variation_net": gettext_lazy("variation mensuelle du net, en chiffres"),
    "variation_brut_lettres": gettext_lazy("variation mensuelle du brut, en lettres (français)"),
    "variation_brut_lettres_ar": gettext_lazy("variation mensuelle du brut, en lettres (arabe)"),
    "rappel_brut": gettext_lazy("rappel brut, en chiffres"),
    "rappel_net": gettext_lazy("rappel net, en chiffres"),
    "variation_brut_ar": gettext_lazy("variation mensuelle du brut, en chiffres (arabe : درهم)"),
    "variation_net_ar": gettext_lazy("variation mensuelle du net, en chiffres (arabe)"),
    "rappel_brut_ar": gettext_lazy("rappel brut, en chiffres (arabe)"),
    "rappel_net_ar": gettext_lazy("rappel net, en chiffres (arabe)"),
    "mois_rappel": gettext_lazy("nombre de mois de rappel"),
    "signataire": gettext_lazy("nom du signataire (français)"),
    "signataire_ar": gettext_lazy("nom du signataire (arabe)"),
    "signataire_titre": gettext_lazy("qualité du signataire (français)"),
    "signataire_titre_ar": gettext_lazy("qualité du signataire (arabe)"),
}

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
VIDE = "…"  # printed for a placeholder without a value (a field another type of the family has)

ORDINAUX_AR = (
    "الأولى", "الثانية", "الثالثة", "الرابعة", "الخامسة", "السادسة", "السابعة", "الثامنة",
    "التاسعة", "العاشرة",
)  # fmt: skip

# States where the act is not (or no longer) a validated decision: the PDF is watermarked.
FILIGRANES: dict[str, tuple[str, str]] = {
    Etat.BROUILLON: ("PROJET", "مشروع"),
    Etat.ANNULE: ("ANNULÉ", "ملغى"),
}


# ------------------------------------------------------------------------- which wording


def famille(type_code: str) -> str:
    """The family of a type (its module under types/), "" for an unknown type."""
    type_acte = type_get(type_code)
    return documents_textes.famille_de(type(type_acte).__module__) if type_acte else ""


def familles() -> dict[str, list[str]]:
    """Family → the type codes in it, for the templates page."""
    resultat: dict[str, list[str]] = {}
    for code in CATALOGUE:
        resultat.setdefault(famille(code), []).append(code)
    return resultat


def cle_valide(cle: str) -> bool:
    genre, _sep, nom = cle.partition(":")
    if genre == "type":
        return nom in CATALOGUE
    return genre == "famille" and nom in familles()


def types_de(cle: str) -> list[str]:
    genre, _sep, nom = cle.partition(":")
    if genre == "type":
        return [nom] if nom in CATALOGUE else []
    return familles().get(nom, []) if genre == "famille" else []


def redaction_integree(cle: str) -> Redaction:
    """The built-in wording a key starts from (and returns to on reset)."""
    genre, _sep, nom = cle.partition(":")
    if genre == "type":
        return documents_textes.par_defaut(type_code=nom, famille=famille(nom))
    return documents_textes.FAMILLES.get(nom, documents_textes.DEFAUT)


def modele_courant(cle: str) -> ModeleDocument | None:
    """The tenant's latest version for a key (None: never edited)."""
    return ModeleDocument.objects.filter(cle=cle).order_by("-version").first()


def modeles_derniers() -> dict[str, ModeleDocument]:
    """The latest version of every key the tenant edited (one query, DISTINCT ON)."""
    return {m.cle: m for m in ModeleDocument.objects.order_by("cle", "-version").distinct("cle")}


def _depuis_modele(modele: ModeleDocument) -> Redaction:
    return Redaction(
        titre_fr=modele.titre_fr,
        titre_ar=modele.titre_ar,
        visas_fr=modele.visas_fr,
        visas_ar=modele.visas_ar,
        articles_fr=modele.articles_fr,
        articles_ar=modele.articles_ar,
    )


def redaction_pour_cle(cle: str) -> Redaction:
    modele = modele_courant(cle)
    if modele is not None and not modele.par_defaut:
        return _depuis_modele(modele)
    return redaction_integree(cle)


def redaction_pour_type(type_code: str) -> Redaction:
    """The tenant's wording for the type, else the built-in wording specific to the type, else
    the tenant's wording for its family, else the built-in family wording, else the default."""
    modele = modele_courant(f"type:{type_code}")
    if modele is not None and not modele.par_defaut:
        return _depuis_modele(modele)
    if type_code in documents_textes.TYPES:
        return documents_textes.TYPES[type_code]
    return redaction_pour_cle(f"famille:{famille(type_code)}")


# ---------------------------------------------------------------------------- placeholders


def _champs(type_codes: list[str]) -> set[str]:
    noms: set[str] = set()
    for code in type_codes:
        type_acte = type_get(code)
        for champ in type_acte.champs if type_acte else ():
            noms.update({f"champ_{champ.nom}", f"champ_{champ.nom}_ar"})
    return noms


def placeholders_autorises(cle: str) -> frozenset[str]:
    return frozenset(PLACEHOLDERS) | frozenset(_champs(types_de(cle)))


def placeholders_verifier(texte: str, autorises: frozenset[str]) -> list[str]:
    """What is wrong with the placeholders of an admin's text (empty: nothing)."""
    erreurs = []
    inconnus = sorted({nom for nom in PLACEHOLDER.findall(texte) if nom not in autorises})
    if inconnus:
        erreurs.append(
            _(
                "Variables inconnues : %(noms)s. Utilisez uniquement les variables de la liste "
                "(par exemple {agent_nom}, {grade_apres})."
            )
            % {"noms": ", ".join(f"{{{nom}}}" for nom in inconnus)}
        )
    reste = PLACEHOLDER.sub("", texte)
    if "{" in reste or "}" in reste:
        erreurs.append(
            _(
                "Accolade isolée ou variable mal écrite : une variable s'écrit {nom}, en "
                "minuscules, sans espace ; retirez les autres accolades."
            )
        )
    return erreurs


ARABE = re.compile("[\u0600-\u06ff]")


def isoler(valeur: str) -> str:
    """A value without Arabic letters (act number « 2026-000012 », PPR, a French name) kept in
    left-to-right order inside Arabic text: Unicode isolates (LRI … PDI), which pango applies
    (WeasyPrint ignores the CSS unicode-bidi property)."""
    return valeur if not valeur or ARABE.search(valeur) else f"\u2066{valeur}\u2069"


def remplir(texte: str, valeurs: Mapping[str, str], *, arabe: bool = False) -> str:
    """Each {name} replaced by its value (plain text, escaped later by the HTML template)."""

    def valeur(m: re.Match[str]) -> str:
        trouvee = valeurs.get(m.group(1)) or VIDE
        return isoler(trouvee) if arabe else trouvee

    return PLACEHOLDER.sub(valeur, texte)


# --------------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Situations:
    avant: Any | None
    apres: Any | None


def _situations(acte: Acte, version: VersionActe, type_acte: TypeActe) -> Situations:
    """The agent's situation the day before the act and on its date with the act applied. Read
    over the whole tenant: the act was already resolved in the reader's perimeter, and the
    agent may have moved out of it since (a visé mutation)."""
    try:
        ctx = services.contexte(
            perimetre=TOUT,
            type_acte=type_acte,
            date_effet=version.date_effet,
            agent_id=acte.agent_id if type_acte.concerne_agent else None,
            origine=acte.acte_origine,
            sauf_acte=acte.id,
        )
        projection = type_acte.projection(ctx, version.donnees)
    except Exception:  # an act the checks flag still gets its (draft) document
        return Situations(avant=None, apres=None)
    if type_acte.concerne_agent and acte.agent_id is not None:
        dossier = personnel.dossier_paie(perimetre=TOUT, agent_id=acte.agent_id)
    else:
        dossier = personnel.dossier_paie_recrue(
            commune_residence=str(version.donnees.get("commune_residence", ""))
        )
    if dossier is None:
        return Situations(avant=ctx.situation, apres=None)
    return Situations(avant=ctx.situation, apres=dossier.situation(version.date_effet, projection))


def _unites(codes: set[str]) -> dict[str, tuple[str, str]]:
    noms: dict[str, tuple[str, str]] = {}
    for code in codes - {""}:
        trouvees = unites.unite_list(perimeter=Perimetre(racines=frozenset({code})))
        unite = next((u for u in trouvees if u.code == code), None)
        if unite is not None:
            noms[code] = (unite.nom_fr, unite.nom_ar or unite.nom_fr)
    return noms


def _echelle_indice(situation: Any, le: date) -> tuple[str, str]:
    """(échelle, indice) of a situation: the file's explicit indice when it has one (imported
    files), else the grade's grid at the act's date, as the engine pays it."""
    echelle, indice = str(situation.echelle or ""), situation.indice
    if situation.grade_code and (not echelle or not indice):
        classement = communs.classement(situation.grade_code, le)
        if classement is not None:
            echelle = echelle or str(classement.get("echelle", ""))
            ligne = communs.echelon_ligne(classement["grille"], str(situation.echelon), le)
            indice = indice or (ligne or {}).get("indice")
    return echelle, "" if not indice else str(indice)


def _dirhams(centimes: Any) -> Decimal:
    return (Decimal(int(centimes or 0)) / 100).quantize(Decimal("0.01"))


def _texte_champ(type_acte: TypeActe, nom: str, valeur: Any, langue: str) -> str:
    champ = next((c for c in type_acte.champs if c.nom == nom), None)
    if valeur in ("", None):
        return ""
    if champ is not None and champ.genre == "date":
        jour = date.fromisoformat(str(valeur))
        return documents.date_ar(jour) if langue == "ar" else documents.date_fr(jour)
    if champ is not None and champ.genre == "booleen":
        return ("نعم" if valeur else "لا") if langue == "ar" else ("oui" if valeur else "non")
    if champ is not None and champ.genre == "montant":
        return documents.montant_chiffres(Decimal(str(valeur)))
    if champ is not None and champ.choix:
        with translation.override(langue):
            return str(dict(champ.choix).get(str(valeur), valeur))
    return str(valeur)


def _libelle(type_acte: TypeActe | None, code: str, langue: str) -> str:
    with translation.override(langue):
        return str(type_acte.libelle) if type_acte else code


def _agent_noms(acte: Acte, version: VersionActe) -> tuple[str, str, str]:
    """(French name, Arabic name, PPR): the file's when the agent exists, else the act's."""
    donnees = version.donnees
    if acte.agent_id is not None:
        agent = personnel.agent_resume(perimetre=TOUT, agent_id=acte.agent_id)
        if agent is not None:
            return (
                f"{agent.prenom_fr} {agent.nom_fr}".strip(),
                f"{agent.prenom_ar} {agent.nom_ar}".strip(),
                agent.ppr,
            )
    return (
        f"{donnees.get('prenom_fr', '')} {donnees.get('nom_fr', '')}".strip() or acte.agent_nom,
        f"{donnees.get('prenom_ar', '')} {donnees.get('nom_ar', '')}".strip(),
        str(donnees.get("ppr", "")) or acte.agent_ppr,
    )


def parametres() -> ParametresDocuments:
    return ParametresDocuments.objects.filter(id=1).first() or ParametresDocuments(id=1)


def _profil() -> tuple[str, str, str, str]:
    """The tenant's profile: names (French, Arabic), logo's sha256 and type."""
    schema = connection.schema_name  # type: ignore[attr-defined]
    profil = (
        get_tenant_model()
        .objects.filter(schema_name=schema)
        .values_list("name_fr", "name_ar", "logo_sha256", "logo_type")
        .first()
    )
    return tuple(str(v or "") for v in profil) if profil else ("", "", "", "")  # type: ignore[return-value]


def _organisation() -> tuple[str, str]:
    nom_fr, nom_ar, _sha, _type = _profil()
    return nom_fr, nom_ar


def logo_data_uri() -> str:
    """The tenant's logo inlined as a data: URI (the renderer fetches nothing), "" without one
    or when its file is missing (the document is still produced, without logo)."""
    _fr, _ar, sha256, content_type = _profil()
    if not sha256 or content_type not in logos.EXTENSIONS:
        return ""
    try:
        with logos.ouvrir(
            schema=connection.schema_name,  # type: ignore[attr-defined]
            sha256=sha256,
            content_type=content_type,
        ) as fichier:
            octets = fichier.read()
    except OSError:
        return ""
    return f"data:{content_type};base64,{base64.b64encode(octets).decode('ascii')}"


def montants_valeurs(
    *,
    variation_brut: Decimal,
    variation_net: Decimal,
    rappel_brut: Decimal,
    rappel_net: Decimal,
    mois_rappel: int,
) -> dict[str, str]:
    """The amounts' placeholders: French figures (« 1 234,56 DH »), Arabic figures with the
    currency in Arabic (« 1 234,56 درهم », which the bidi algorithm keeps in order in a
    right-to-left line), and the monthly gross variation in words."""
    montants = {
        "variation_brut": variation_brut,
        "variation_net": variation_net,
        "rappel_brut": rappel_brut,
        "rappel_net": rappel_net,
    }
    valeurs = {nom: documents.montant_chiffres(m) for nom, m in montants.items()}
    valeurs.update(
        {f"{nom}_ar": documents.montant_chiffres(m, devise="درهم") for nom, m in montants.items()}
    )
    valeurs["variation_brut_lettres"] = documents.montant_lettres_fr(abs(variation_brut))
    valeurs["variation_brut_lettres_ar"] = documents.montant_lettres_ar(abs(variation_brut))
    valeurs["mois_rappel"] = str(mois_rappel)
    return valeurs


def valeurs_acte(acte: Acte, version: VersionActe) -> dict[str, str]:
    """Every placeholder's value for this act version."""
    type_acte = type_get(acte.type_code)
    assert type_acte is not None
    situations = _situations(acte, version, type_acte)
    avant, apres = situations.avant, situations.apres
    grades = referentiel.grade_libelles()
    unites_noms = _unites(
        {getattr(avant, "unite_code", "") or "", getattr(apres, "unite_code", "") or ""}
    )
    nom_fr, nom_ar, ppr = _agent_noms(acte, version)
    impact = version.impact if not version.impact.get("erreur") else {}
    variation, rappel = impact.get("variation", {}), impact.get("rappel", {})
    reglages = parametres()
    organisation_fr, organisation_ar = _organisation()

    def situation(s: Any, suffixe: str) -> dict[str, str]:
        if s is None:
            return {}
        grade = grades.get(s.grade_code, (s.grade_code, s.grade_code))
        unite = unites_noms.get(s.unite_code, (s.unite_code, s.unite_code))
        echelle, indice = _echelle_indice(s, version.date_effet)
        return {
            f"grade_{suffixe}": grade[0],
            f"grade_{suffixe}_ar": grade[1] or grade[0],
            f"echelle_{suffixe}": echelle,
            f"echelon_{suffixe}": str(s.echelon or ""),
            f"indice_{suffixe}": indice,
            f"unite_{suffixe}": unite[0],
            f"unite_{suffixe}_ar": unite[1],
        }

    libelle_fr = _libelle(type_acte, acte.type_code, "fr")
    valeurs = {
        "organisation": organisation_fr,
        "organisation_ar": organisation_ar,
        "acte_numero": acte.numero,
        "numero_visa": acte.numero_visa,
        "acte_type": libelle_fr,
        "acte_objet": libelle_fr[:1].lower() + libelle_fr[1:],
        "acte_type_ar": _libelle(type_acte, acte.type_code, "ar"),
        "acte_resume": str(type_acte.resume(version.donnees)),
        "acte_origine_numero": acte.acte_origine.numero if acte.acte_origine else "",
        "date_effet": documents.date_fr(version.date_effet),
        "date_effet_ar": documents.date_ar(version.date_effet),
        "agent_nom": nom_fr,
        "agent_nom_ar": nom_ar,
        "agent_ppr": ppr,
        **situation(avant, "avant"),
        **situation(apres, "apres"),
        "signataire": reglages.signataire_nom_fr,
        "signataire_ar": reglages.signataire_nom_ar,
        "signataire_titre": reglages.signataire_titre_fr,
        "signataire_titre_ar": reglages.signataire_titre_ar,
    }
    if impact:
        valeurs.update(
            montants_valeurs(
                variation_brut=_dirhams(variation.get("brut")),
                variation_net=_dirhams(variation.get("net")),
                rappel_brut=_dirhams(rappel.get("brut")),
                rappel_net=_dirhams(rappel.get("net")),
                mois_rappel=int(impact.get("mois_rappel", 0)),
            )
        )
    for champ in type_acte.champs:
        brute = version.donnees.get(champ.nom)
        valeurs[f"champ_{champ.nom}"] = _texte_champ(type_acte, champ.nom, brute, "fr")
        valeurs[f"champ_{champ.nom}_ar"] = _texte_champ(type_acte, champ.nom, brute, "ar")
    return valeurs


def valeurs_exemple(cle: str) -> dict[str, str]:
    """Sample values for the preview on the templates page (no act needed)."""
    types = types_de(cle)
    type_acte = type_get(types[0]) if types else None
    libelle_fr = _libelle(type_acte, cle, "fr")
    organisation_fr, organisation_ar = _organisation()
    reglages = parametres()
    jour = timezone.localdate()
    valeurs = {
        "organisation": organisation_fr,
        "organisation_ar": organisation_ar,
        "acte_numero": f"{jour.year}-000123",
        "numero_visa": "",
        "acte_type": libelle_fr,
        "acte_objet": libelle_fr[:1].lower() + libelle_fr[1:],
        "acte_type_ar": _libelle(type_acte, cle, "ar"),
        "acte_resume": _("(résumé de l'acte)"),
        "acte_origine_numero": f"{jour.year}-000100",
        "date_effet": documents.date_fr(jour),
        "date_effet_ar": documents.date_ar(jour),
        "agent_nom": "Prénom NOM",
        "agent_nom_ar": "الاسم العائلي",
        "agent_ppr": "1234567",
        "grade_avant": "Administrateur de 2e grade",
        "grade_avant_ar": "متصرف من الدرجة الثانية",
        "grade_apres": "Administrateur de 2e grade",
        "grade_apres_ar": "متصرف من الدرجة الثانية",
        "echelle_avant": "10",
        "echelle_apres": "10",
        "echelon_avant": "3",
        "echelon_apres": "4",
        "indice_avant": "336",
        "indice_apres": "369",
        "unite_avant": "Direction des ressources humaines",
        "unite_avant_ar": "مديرية الموارد البشرية",
        "unite_apres": "Direction des ressources humaines",
        "unite_apres_ar": "مديرية الموارد البشرية",
        **montants_valeurs(
            variation_brut=Decimal("412.50"),
            variation_net=Decimal("350.12"),
            rappel_brut=Decimal("1237.50"),
            rappel_net=Decimal("1050.36"),
            mois_rappel=3,
        ),
        "signataire": reglages.signataire_nom_fr,
        "signataire_ar": reglages.signataire_nom_ar,
        "signataire_titre": reglages.signataire_titre_fr,
        "signataire_titre_ar": reglages.signataire_titre_ar,
    }
    for nom in sorted(_champs(types)):
        valeurs.setdefault(nom, f"[{nom}]")
    return valeurs


# ------------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class Article:
    numero_fr: str
    numero_ar: str
    texte_fr: str
    texte_ar: str


def _lignes(texte: str) -> list[str]:
    return [ligne.strip() for ligne in texte.splitlines() if ligne.strip()]


def _articles(fr: list[str], ar: list[str]) -> list[Article]:
    articles = []
    for rang in range(max(len(fr), len(ar))):
        articles.append(
            Article(
                numero_fr="Article premier" if rang == 0 else f"Article {rang + 1}",
                numero_ar=f"المادة {ORDINAUX_AR[rang]}"
                if rang < len(ORDINAUX_AR)
                else f"المادة {rang + 1}",
                texte_fr=fr[rang] if rang < len(fr) else "",
                texte_ar=ar[rang] if rang < len(ar) else "",
            )
        )
    return articles


def _date_signature(acte: Acte) -> date:
    """The day the act was validated (its current version), else today (a draft)."""
    transition = (
        acte.transitions.filter(version=acte.version, vers=Etat.VALIDE).order_by("-le").first()
    )
    return timezone.localdate(transition.le) if transition else timezone.localdate()


def html(
    *,
    redaction: Redaction,
    valeurs: Mapping[str, str],
    le: date,
    filigrane: tuple[str, str] | None,
    montants: Mapping[str, str] | None,
) -> str:
    """The document's HTML (escaped by the template) from a wording and its values."""
    reglages = parametres()
    remplie = replace(
        redaction,
        **{
            champ: remplir(getattr(redaction, champ), valeurs, arabe=champ.endswith("_ar"))
            for champ in _CHAMPS_REDACTION
        },
    )
    verbe_fr = "DÉCIDE :" if remplie.titre_fr.lower().startswith("décision") else "ARRÊTE :"
    return render_to_string(
        "actes/documents/arrete.html",
        {
            "v": valeurs,
            "numero_ar": isoler(valeurs.get("acte_numero", "")),
            "visa_ar": isoler(valeurs.get("numero_visa", "")),
            "redaction": remplie,
            "visas_fr": _lignes(remplie.visas_fr),
            "visas_ar": _lignes(remplie.visas_ar),
            "articles": _articles(_lignes(remplie.articles_fr), _lignes(remplie.articles_ar)),
            "verbe_fr": verbe_fr,
            "le_fr": documents.date_fr(le),
            "le_ar": documents.date_ar(le),
            "le_hijri": documents.date_hijri(le, decalage_jours=reglages.decalage_hijri),
            "le_hijri_fr": documents.date_hijri_fr(le, decalage_jours=reglages.decalage_hijri),
            "lieu_fr": reglages.lieu_fr,
            "lieu_ar": reglages.lieu_ar,
            "filigrane": filigrane,
            "montants": montants,
            "logo": logo_data_uri(),
        },
    )


_CHAMPS_REDACTION = ("titre_fr", "titre_ar", "visas_fr", "visas_ar", "articles_fr", "articles_ar")


def document_html(acte: Acte, *, redaction: Redaction | None = None) -> str:
    version = services.version_courante(acte)
    valeurs = valeurs_acte(acte, version)
    montants = valeurs if "variation_brut" in valeurs else None
    return html(
        redaction=redaction or redaction_pour_type(acte.type_code),
        valeurs=valeurs,
        le=_date_signature(acte),
        filigrane=FILIGRANES.get(acte.etat),
        montants=montants,
    )


def document_pdf(acte: Acte) -> bytes:
    """The act's arrêté/décision as PDF bytes (the reader's access to the act is checked by the
    caller, through the scoped selector)."""
    return documents.pdf_depuis_html(document_html(acte))


def document_pdf_consulte(*, acteur: str, acte: Acte) -> bytes:
    """The PDF for a reader, with the read recorded in the access log (law 09-08): the
    document carries the agent's identity and pay. A read that cannot be logged is not served."""
    contenu = document_pdf(acte)
    if acte.agent_id is not None:
        personnel.acces_consigner(
            acteur=acteur,
            nature="export",
            agent_ids=[acte.agent_id],
            details=f"arrêté {acte.numero} (PDF)",
        )
    return contenu


def apercu_pdf(cle: str, redaction: Redaction) -> bytes:
    """A wording rendered with sample values, watermarked as a preview."""
    return documents.pdf_depuis_html(
        html(
            redaction=redaction,
            valeurs=valeurs_exemple(cle),
            le=timezone.localdate(),
            filigrane=("APERÇU", "معاينة"),
            montants=None,
        )
    )


def nom_fichier(acte: Acte) -> str:
    return f"acte-{acte.numero}.pdf".replace("/", "-")
