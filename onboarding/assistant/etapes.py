"""The wizard's six steps and their status, computed from the tenant's own data at every visit.

Nothing records that a step was "done": the status is read from the data each time (the
profile's fields, the units, Keycloak's members, the budget posts, the agents), so the wizard
can be left and resumed at any moment and never claims more than what is there. Module data are
read through their facades only. The one costly read, Keycloak's member list, is cached for a
minute per tenant, and the cache key carries the last sequence number of the tenant's audit
chain: an invitation or a grant made in INDIMAJ (each writes an audit row) shows at once; a
change made directly in Keycloak shows within the minute.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from keycloak.exceptions import KeycloakError

from audit import selectors as audit_selectors
from identity import facade as identity_facade
from modules.personnel import facade as personnel_facade
from modules.unites import facade as unites_facade
from onboarding.assistant import echange as essai
from tenants import services_profil
from tenants.models import Organisation

logger = logging.getLogger(__name__)

MEMBRES_CACHE_SECONDES = 60


class Statut(StrEnum):
    A_FAIRE = "a_faire"
    EN_COURS = "en_cours"
    FAIT = "fait"
    INCONNU = "inconnu"  # the data could not be read now (Keycloak unreachable)
    INDISPONIBLE = "indisponible"  # the step needs a module that does not exist yet


LIBELLES = {
    Statut.A_FAIRE: gettext_lazy("À faire"),
    Statut.EN_COURS: gettext_lazy("En cours"),
    Statut.FAIT: gettext_lazy("Fait"),
    Statut.INCONNU: gettext_lazy("État inconnu"),
    Statut.INDISPONIBLE: gettext_lazy("Pas encore disponible"),
}


@dataclass(frozen=True)
class Lien:
    libelle: str
    url: str


@dataclass(frozen=True)
class Etape:
    numero: int
    cle: str
    titre: str
    description: str
    statut: Statut
    detail: str
    liens: tuple[Lien, ...] = ()

    @property
    def statut_libelle(self) -> str:
        return str(LIBELLES[self.statut])


@dataclass(frozen=True)
class Avancement:
    etapes: tuple[Etape, ...]

    @property
    def faites(self) -> int:
        return sum(1 for etape in self.etapes if etape.statut == Statut.FAIT)

    @property
    def total(self) -> int:
        return len(self.etapes)

    @property
    def prochaine(self) -> Etape | None:
        """The first step still to do that can be done now."""
        return next(
            (
                e
                for e in self.etapes
                if e.statut not in (Statut.FAIT, Statut.INDISPONIBLE, Statut.INCONNU)
            ),
            None,
        )


def _lien(libelle: str, nom: str, *, repli: str | None = None) -> Lien:
    """A link to a page of a module; `repli` when the page does not exist (yet)."""
    try:
        return Lien(libelle, reverse(nom))
    except NoReverseMatch:
        if repli is None:
            raise
        return Lien(libelle, reverse(repli))


# --- 1. The organisation's profile -------------------------------------------------------------


def etape_profil(organisation: Organisation) -> Etape:
    requis = {
        _("nom en français"): services_profil.nom_fr_erreur(organisation.name_fr) is None,
        _("nom en arabe"): services_profil.nom_ar_erreur(organisation.name_ar) is None,
        _("nature"): bool(organisation.kind),
        _("code ordonnateur"): bool(organisation.code_ordonnateur),
    }
    facultatifs = {_("sigle"): bool(organisation.sigle), _("logo"): bool(organisation.logo_sha256)}
    manquants = [nom for nom, present in requis.items() if not present]
    absents = [nom for nom, present in facultatifs.items() if not present]
    if not manquants:
        statut = Statut.FAIT
        detail = _("Profil complet.")
    else:
        statut = Statut.EN_COURS if len(manquants) < len(requis) else Statut.A_FAIRE
        detail = _("À compléter : %(champs)s.") % {"champs": ", ".join(manquants)}
    if absents:
        detail += " " + _("Facultatif, non renseigné : %(champs)s.") % {
            "champs": ", ".join(absents)
        }
    return Etape(
        numero=1,
        cle="profil",
        titre=_("Profil de l'organisation"),
        description=_(
            "Noms en français et en arabe, nature, sigle, code ordonnateur attribué par la TGR "
            "et logo."
        ),
        statut=statut,
        detail=detail,
        liens=(_lien(_("Compléter le profil"), "demarrage:profil"),),
    )


# --- 2. Organisational units -------------------------------------------------------------------


def etape_unites(perimetre: unites_facade.Perimetre) -> Etape:
    actives, toutes = unites_facade.unites_actives_nombre(perimeter=perimetre)
    if actives:
        statut = Statut.FAIT
        detail = ngettext("%(n)d unité active.", "%(n)d unités actives.", actives) % {"n": actives}
    elif toutes:
        statut = Statut.EN_COURS
        detail = ngettext(
            "Aucune unité active : %(n)d unité est désactivée, réactivez-la ou créez-en une.",
            "Aucune unité active : %(n)d unités sont désactivées, réactivez-en une ou créez-en "
            "une.",
            toutes,
        ) % {"n": toutes}
    else:
        statut = Statut.A_FAIRE
        detail = _("Aucune unité pour l'instant : créez-les une à une ou importez un fichier.")
    return Etape(
        numero=2,
        cle="unites",
        titre=_("Unités organisationnelles"),
        description=_(
            "Directions, services et sous-ordonnateurs : l'arbre sur lequel reposent les "
            "habilitations et les affectations des agents."
        ),
        statut=statut,
        detail=detail,
        liens=(
            _lien(_("Voir les unités"), "unites:liste"),
            _lien(_("Créer une unité"), "unites:creer"),
            _lien(_("Importer un fichier CSV ou XLSX"), "unites:importer"),
        ),
    )


# --- 3. Users and habilitations ----------------------------------------------------------------


@dataclass(frozen=True)
class Membres:
    habilites: frozenset[str]  # Keycloak ids of members holding at least one habilitation
    sans_habilitation: frozenset[str]


def membres_lire(*, code: str) -> Membres | None:
    """The tenant's members from Keycloak, cached (see the module's docstring); None when
    Keycloak cannot answer now."""
    dernier = audit_selectors.audit_event_list_recent(limit=1).values_list("seq", flat=True)
    cle = f"demarrage:membres:{code}:{dernier.first() or 0}"
    en_cache = cache.get(cle)
    if en_cache is not None:
        return Membres(frozenset(en_cache[0]), frozenset(en_cache[1]))
    try:
        membres = identity_facade.tenant_members(alias=code)
    except (
        identity_facade.KeycloakUnavailableError,
        identity_facade.UnknownTenantError,
        KeycloakError,
        OSError,
    ):
        logger.warning("Keycloak members of %s unreadable for the wizard", code, exc_info=True)
        return None
    actifs = [m for m in membres if m.enabled]
    habilites = sorted(m.user_id for m in actifs if m.habilitations)
    sans = sorted(m.user_id for m in actifs if not m.habilitations)
    cache.set(cle, (habilites, sans), MEMBRES_CACHE_SECONDES)
    return Membres(frozenset(habilites), frozenset(sans))


def etape_utilisateurs(*, code: str, moi: str | None) -> Etape:
    """Done when someone other than the admin looking at the page holds a habilitation."""
    membres = membres_lire(code=code)
    if membres is None:
        statut = Statut.INCONNU
        detail = _(
            "L'annuaire (Keycloak) ne répond pas : l'état de cette étape est inconnu pour "
            "l'instant. Rechargez la page dans un moment."
        )
    else:
        autres = membres.habilites - {moi or ""}
        sans = membres.sans_habilitation - {moi or ""}
        if autres:
            statut = Statut.FAIT
            detail = ngettext(
                "%(n)d autre personne habilitée.", "%(n)d autres personnes habilitées.", len(autres)
            ) % {"n": len(autres)}
        elif sans:
            statut = Statut.EN_COURS
            detail = ngettext(
                "%(n)d membre sans habilitation : donnez-lui un rôle.",
                "%(n)d membres sans habilitation : donnez-leur un rôle.",
                len(sans),
            ) % {"n": len(sans)}
        else:
            statut = Statut.A_FAIRE
            detail = _("Personne d'autre que vous n'est encore habilitée : invitez vos collègues.")
    return Etape(
        numero=3,
        cle="utilisateurs",
        titre=_("Utilisateurs et habilitations"),
        description=_(
            "Invitez les gestionnaires, valideurs et autres personnes, et donnez à chacune un "
            "rôle sur toute l'organisation ou sur une unité."
        ),
        statut=statut,
        detail=detail,
        liens=(
            _lien(_("Membres et habilitations"), "habilitations:members"),
            _lien(_("Inviter une personne"), "habilitations:invite"),
        ),
    )


# --- 4. Budget structure and posts -------------------------------------------------------------


def etape_postes() -> Etape:
    postes = personnel_facade.postes_actifs_nombre()
    if postes:
        statut = Statut.FAIT
        detail = ngettext(
            "%(n)d ligne de postes budgétaires active.",
            "%(n)d lignes de postes budgétaires actives.",
            postes,
        ) % {"n": postes}
    else:
        statut = Statut.A_FAIRE
        detail = _("Aucun poste budgétaire actif : saisissez le tableau des effectifs.")
    return Etape(
        numero=4,
        cle="postes",
        titre=_("Structure budgétaire et postes"),
        description=_(
            "Les postes budgétaires ouverts par la loi de finances : grade ou catégorie, ligne "
            "budgétaire et nombre de postes."
        ),
        statut=statut,
        detail=detail,
        liens=(
            _lien(_("Postes budgétaires"), "personnel:postes"),
            _lien(_("Nouveau poste"), "personnel:poste_creer"),
        ),
    )


# --- 5. Agents ---------------------------------------------------------------------------------


def etape_agents(perimetre: unites_facade.Perimetre) -> Etape:
    agents = personnel_facade.agents_nombre(perimetre=perimetre)
    if agents:
        statut = Statut.FAIT
        detail = ngettext("%(n)d agent.", "%(n)d agents.", agents) % {"n": agents}
    else:
        statut = Statut.A_FAIRE
        detail = _("Aucun agent pour l'instant : importez le fichier de votre ancien logiciel.")
    return Etape(
        numero=5,
        cle="agents",
        titre=_("Import des agents"),
        description=_(
            "Les dossiers des agents, importés depuis un fichier : vérification à blanc d'abord, "
            "application ensuite."
        ),
        statut=statut,
        detail=detail,
        liens=(
            _lien(_("Importer les agents"), "personnel:importer", repli="personnel:liste"),
            _lien(_("Liste du personnel"), "personnel:liste"),
        ),
    )


# --- 6. Test exchange --------------------------------------------------------------------------


def etape_echange(code: str) -> Etape:
    etat = essai.essai_etat(code=code)
    if etat.reponse_le is not None:
        statut = Statut.FAIT
        detail = _("Accusé de réception du Trésor reçu le %(le)s : le raccordement fonctionne.") % {
            "le": timezone.localtime(etat.reponse_le).strftime("%d/%m/%Y %H:%M")
        }
    elif etat.probleme:
        statut = Statut.EN_COURS
        detail = _(
            "La réponse du Trésor a été mise en quarantaine (%(probleme)s) : relancez l'essai ; "
            "si l'erreur revient, signalez-la à l'opérateur TGR."
        ) % {"probleme": etat.probleme}
    elif etat.envoye_le is not None:
        statut = Statut.EN_COURS
        detail = _(
            "Essai envoyé le %(le)s ; la réponse arrive en général en moins d'une minute. "
            "Rechargez la page."
        ) % {"le": timezone.localtime(etat.envoye_le).strftime("%d/%m/%Y %H:%M")}
    else:
        statut = Statut.A_FAIRE
        detail = _("Aucun essai pour l'instant : lancez-le avec le bouton ci-dessous.")
    return Etape(
        numero=6,
        cle="echange",
        titre=_("Échange de test avec le Trésor"),
        description=_(
            "Un fichier d'essai signé part vers Wadef@ujour (le simulateur en démonstration) ; "
            "son accusé de réception prouve vos clés, celles du Trésor et le transport."
        ),
        statut=statut,
        detail=detail,
        liens=(_lien(_("Échanges avec le Trésor"), "echanges:fichiers"),),
    )


def avancement(
    *, organisation: Organisation, perimetre: unites_facade.Perimetre, moi: str | None
) -> Avancement:
    """The six steps, read now from the current tenant's data."""
    return Avancement(
        etapes=(
            etape_profil(organisation),
            etape_unites(perimetre),
            etape_utilisateurs(code=organisation.code, moi=moi),
            etape_postes(),
            etape_agents(perimetre),
            etape_echange(organisation.code),
        )
    )
