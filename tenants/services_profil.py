"""Writes on an organisation's profile: the first step of the onboarding wizard.

The tenant's admin sets the names (French, Arabic), the sigle, the code the TGR gave the
ordonnateur and the logo. The nature (`kind`) is not here: the TGR sets it in the rollout
manifest, and it decides which parent an organisation may have (docs/onboarding/assistant.md).

One change is one transaction: the row (locked), an audit row in the tenant's chain (the tenant
sees who changed its profile) and one in the platform's (the TGR sees a changed TGR code). A
profile submitted unchanged writes nothing. Every field's problem is reported at once, in words
that say what to write instead.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from audit import services as audit_services
from identity import facade as identity_facade
from tenants import logos, services
from tenants.models import Organisation

logger = logging.getLogger(__name__)

NOM_MAX = 255
SIGLE_MAX = 20
CODE_ORDONNATEUR_MAX = 20
# The TGR's codes are not published (domain notes): a parameter, loose by default.
CODE_ORDONNATEUR_MOTIF_DEFAUT = r"^[0-9A-Z][0-9A-Z./-]{0,19}$"
_SIGLE = re.compile(r"^[^\W_][\w&.'’ -]*$")
CHAMPS_TEXTE = ("name_fr", "name_ar", "sigle", "code_ordonnateur")


@dataclass(frozen=True)
class ProfilModifie:
    organisation: Organisation
    champs: tuple[str, ...]  # what changed; empty when the submission changed nothing


def _a_des_lettres_arabes(texte: str) -> bool:
    return any(c.isalpha() and unicodedata.name(c, "").startswith("ARABIC") for c in texte)


def _code_ordonnateur_motif() -> str:
    return str(getattr(settings, "INDIMAJ_CODE_ORDONNATEUR_PATTERN", CODE_ORDONNATEUR_MOTIF_DEFAUT))


def nom_fr_erreur(valeur: str) -> str | None:
    if not valeur:
        return _("Indiquez le nom de l'organisation en français.")
    if len(valeur) > NOM_MAX:
        return _("Le nom en français fait au plus %(max)d caractères.") % {"max": NOM_MAX}
    return None


def nom_ar_erreur(valeur: str) -> str | None:
    if not valeur:
        return _("Indiquez le nom de l'organisation en arabe.")
    if len(valeur) > NOM_MAX:
        return _("Le nom en arabe fait au plus %(max)d caractères.") % {"max": NOM_MAX}
    if not _a_des_lettres_arabes(valeur):
        return _(
            "Le nom en arabe doit être écrit en lettres arabes (par exemple « جماعة فاس »), "
            "pas en caractères latins."
        )
    return None


def sigle_erreur(valeur: str) -> str | None:
    if valeur and (len(valeur) > SIGLE_MAX or not _SIGLE.match(valeur)):
        return _(
            "Le sigle fait au plus %(max)d caractères : lettres, chiffres, espaces, « & », "
            "« - », « . » et apostrophes (par exemple « MEF » ou « ONEE »). Laissez-le vide si "
            "l'organisation n'en a pas."
        ) % {"max": SIGLE_MAX}
    return None


def code_ordonnateur_erreur(valeur: str) -> str | None:
    if valeur and not re.fullmatch(_code_ordonnateur_motif(), valeur):
        return _(
            "« %(code)s » n'est pas un code ordonnateur valide : recopiez-le tel qu'il figure "
            "sur le courrier de la TGR (chiffres et lettres majuscules, « . », « / » et « - » "
            "permis, %(max)d caractères au plus)."
        ) % {"code": valeur, "max": CODE_ORDONNATEUR_MAX}
    return None


def logo_erreur(refus: logos.LogoRefuse) -> str:
    messages = {
        "vide": _("Le fichier du logo est vide : choisissez une image PNG ou JPEG."),
        "taille": _("Le logo dépasse 1 Mo : réduisez l'image (PNG ou JPEG) puis envoyez-la."),
        "svg": _(
            "Le logo doit être une image PNG ou JPEG : le SVG n'est pas accepté (il peut "
            "contenir du code). Exportez-le en PNG."
        ),
        "format": _(
            "Ce fichier n'est pas une image PNG ou JPEG : exportez le logo dans l'un de ces "
            "formats."
        ),
        "illisible": _(
            "Ce fichier commence comme une image mais elle est illisible : exportez le logo "
            "de nouveau en PNG ou JPEG."
        ),
    }
    if refus.code == "dimensions":
        return _(
            "Le logo mesure %(l)d × %(h)d pixels : réduisez-le à %(max)d pixels de côté au plus."
        ) % {"l": refus.largeur, "h": refus.hauteur, "max": logos.COTE_MAX}
    return messages[refus.code]


def _normaliser(valeur: str) -> str:
    return " ".join(valeur.split())


def _code_pris(code_ordonnateur: str) -> ValidationError:
    return ValidationError(
        {
            "code_ordonnateur": _(
                "Le code ordonnateur « %(code)s » est déjà déclaré par une autre organisation : "
                "vérifiez-le sur le courrier de la TGR, ou demandez à la TGR de corriger "
                "l'autre déclaration."
            )
            % {"code": code_ordonnateur}
        }
    )


def _auditer(organisation: Organisation, *, actor: str, data: dict[str, Any]) -> None:
    """The same row in the platform's chain and in the tenant's own."""
    for schema in ("public", organisation.schema_name):
        with schema_context(schema):
            audit_services.audit_record(
                actor=actor,
                action="organisation.profil_modifie",
                object_type="organisation",
                object_id=organisation.code,
                data=data,
            )


def _oublier(organisation: Organisation, logo: logos.Logo | None) -> None:
    """A logo stored for a change that did not commit: removed unless the row names it."""
    if logo is None:
        return
    with schema_context("public"):
        nomme = Organisation.objects.filter(pk=organisation.pk, logo_sha256=logo.sha256).exists()
    if not nomme:
        logos.chemin(
            schema=organisation.schema_name, sha256=logo.sha256, content_type=logo.content_type
        ).unlink(missing_ok=True)


def _nom_keycloak_suivre(organisation: Organisation) -> None:
    """Keycloak's copy of the name follows the database after commit; if Keycloak is
    unreachable, the periodic reconcile (tenants.actors.identity_reconcile_all) catches up."""

    def appliquer() -> None:
        try:
            services.organisation_sync_identity(organisation=organisation)
        except identity_facade.KeycloakUnavailableError:
            logger.exception("Keycloak name of %s deferred to the reconcile", organisation.code)

    transaction.on_commit(appliquer)


def organisation_profil_modifier(
    *,
    organisation: Organisation,
    actor: str,
    name_fr: str,
    name_ar: str,
    sigle: str,
    code_ordonnateur: str,
    logo: bytes | logos.Lisible | None = None,
    logo_retirer: bool = False,
) -> ProfilModifie:
    """Check everything, then write the changes in one transaction with their audit rows.

    Raises ValidationError with one message per field to fix; nothing is written then.
    """
    saisi = {
        "name_fr": _normaliser(name_fr),
        "name_ar": _normaliser(name_ar),
        "sigle": _normaliser(sigle),
        "code_ordonnateur": code_ordonnateur.strip().upper(),
    }
    erreurs: dict[str, str] = {}
    for champ, verifier in (
        ("name_fr", nom_fr_erreur),
        ("name_ar", nom_ar_erreur),
        ("sigle", sigle_erreur),
        ("code_ordonnateur", code_ordonnateur_erreur),
    ):
        if (probleme := verifier(saisi[champ])) is not None:
            erreurs[champ] = probleme
    octets: bytes | None = None
    if logo is not None:
        try:
            octets, _verifie = logos.verifier(logo)
        except logos.LogoRefuse as refus:
            erreurs["logo"] = logo_erreur(refus)
    if erreurs:
        raise ValidationError(erreurs)
    nouveau_logo = (
        logos.stocker(schema=organisation.schema_name, contenu=octets)
        if octets is not None
        else None
    )
    try:
        with schema_context("public"), transaction.atomic():
            courante = Organisation.objects.select_for_update().get(pk=organisation.pk)
            avant = {champ: getattr(courante, champ) for champ in CHAMPS_TEXTE}
            changes = [champ for champ in CHAMPS_TEXTE if saisi[champ] != avant[champ]]
            if (
                "code_ordonnateur" in changes
                and saisi["code_ordonnateur"]
                and Organisation.objects.filter(code_ordonnateur=saisi["code_ordonnateur"])
                .exclude(pk=courante.pk)
                .exists()
            ):
                raise _code_pris(saisi["code_ordonnateur"])
            data: dict[str, Any] = {
                "avant": {champ: avant[champ] for champ in changes},
                "apres": {champ: saisi[champ] for champ in changes},
            }
            ancien_logo = (courante.logo_sha256, courante.logo_type)
            if nouveau_logo is not None and nouveau_logo.sha256 != courante.logo_sha256:
                courante.logo_sha256 = nouveau_logo.sha256
                courante.logo_type = nouveau_logo.content_type
                data["logo"] = {
                    "sha256": nouveau_logo.sha256,
                    "type": nouveau_logo.content_type,
                    "taille": nouveau_logo.taille,
                    "largeur": nouveau_logo.largeur,
                    "hauteur": nouveau_logo.hauteur,
                }
            elif nouveau_logo is None and logo_retirer and courante.logo_sha256:
                courante.logo_sha256 = courante.logo_type = ""
                data["logo"] = None
            if "logo" in data:
                changes += ["logo_sha256", "logo_type"]
                logos.retirer_apres_commit(
                    schema=courante.schema_name, sha256=ancien_logo[0], content_type=ancien_logo[1]
                )
            if not changes:
                return ProfilModifie(organisation=courante, champs=())
            for champ in CHAMPS_TEXTE:
                setattr(courante, champ, saisi[champ])
            courante.save(update_fields=changes)
            _auditer(courante, actor=actor, data=data)
            if "name_fr" in changes:
                _nom_keycloak_suivre(courante)
    except IntegrityError as erreur:  # another tenant took the code between check and write
        if "organisation_code_ordonnateur_unique" not in str(erreur):
            raise
        _oublier(organisation, nouveau_logo)
        raise _code_pris(saisi["code_ordonnateur"]) from erreur
    except BaseException:
        _oublier(organisation, nouveau_logo)
        raise
    return ProfilModifie(organisation=courante, champs=tuple(changes))
