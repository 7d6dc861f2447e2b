"""Acts over the API, for ordonnateurs' own software: the same rules as the pages. Reads need
`actes.voir`, drafting `actes.rediger`, validating and transmitting `actes.valider`; each act
is looked up in the perimeter of the action (404 alike for a missing act and one outside it),
and the services refuse what the state machine or the four-eyes rule forbid (400 with the
messages, per field when they concern one)."""

from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import AuthorizationError

from identity import permissions
from identity.habilitations import Habilitation
from identity.permissions import Action, api_requires
from modules.actes import selectors, services
from modules.actes.etats import Partie
from modules.actes.models import Acte, Etat
from modules.unites.perimetres import Perimetre

router = Router(tags=["actes"])
TAILLE_MAX = 200


# --- schemas --------------------------------------------------------------------------------


class ActeOut(Schema):
    id: int
    numero: str
    type_code: str
    etat: str
    etat_libelle: str
    version: int
    soumis: bool
    agent_id: int | None
    agent_ppr: str
    agent_nom: str
    unite_code: str
    emetteur_code: str
    date_effet: date
    bordereau: str | None
    numero_visa: str
    cree_par: str
    cree_le: datetime
    etat_depuis: datetime


class PageOut(Schema):
    actes: list[ActeOut]
    total: int
    page: int
    pages: int


class VersionOut(Schema):
    numero: int
    donnees: dict[str, Any]
    date_effet: date
    anomalies: list[dict[str, Any]]
    impact: dict[str, Any]
    connu_au: datetime | None
    issue: str
    transmise_le: datetime | None
    redigee_par: str


class ObservationOut(Schema):
    version: int
    code: str
    champ: str
    texte: str
    recue_le: datetime


class TransitionOut(Schema):
    version: int
    de: str
    vers: str
    par: str
    le: datetime
    motif: str


class DetailOut(ActeOut):
    acte_origine: int | None
    version_courante: VersionOut
    obstacles: list[str]
    observations: list[ObservationOut]
    transitions: list[TransitionOut]


class ErreurOut(Schema):
    detail: list[str]
    champs: dict[str, list[str]]


class Filtres(Schema):
    etat: str = ""
    type_code: str = ""
    unite_code: str = ""
    bordereau: str = ""
    agent_id: int | None = None
    plus_de_jours: int | None = None
    q: str = ""
    page: int = 1
    taille: int = 50


class ActeIn(Schema):
    type_code: str
    date_effet: date
    agent_id: int | None = None
    origine_id: int | None = None
    donnees: dict[str, Any] = {}


class ModificationIn(Schema):
    date_effet: date
    donnees: dict[str, Any] = {}


class MotifIn(Schema):
    motif: str = ""


class TransmissionIn(Schema):
    actes: list[int]


class BordereauOut(Schema):
    id: int
    numero: str
    emetteur_code: str
    actes: list[str]


# --- helpers --------------------------------------------------------------------------------


def _held(request: HttpRequest) -> frozenset[Habilitation]:
    held: frozenset[Habilitation] | None = getattr(
        getattr(request, "auth", None), "habilitations", None
    )
    if held is None:
        held = permissions.from_session(request.session.get(permissions.SESSION_HABILITATIONS_KEY))
    return held


def _perimetre(request: HttpRequest, action: Action) -> Perimetre:
    return Perimetre.depuis(_held(request), roles=permissions.roles_for(action))


def _acteur(request: HttpRequest) -> str:
    auth = getattr(request, "auth", None)
    if auth is not None and hasattr(auth, "get_username"):
        return str(auth.get_username())
    return str(request.user.get_username())


def _acte(request: HttpRequest, action: Action, acte_id: int) -> Acte:
    acte = selectors.acte_get(perimetre=_perimetre(request, action), acte_id=acte_id)
    if acte is None:
        raise Http404("Acte introuvable.")
    return acte


def _erreurs(operation: Callable[..., Any]) -> Callable[..., Any]:
    """A refusal of the services is a 400 with its messages (per field when it has them)."""

    @wraps(operation)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return operation(request, *args, **kwargs)
        except ValidationError as erreur:
            champs = (
                {k: [str(m) for m in v] for k, v in erreur.message_dict.items()}
                if hasattr(erreur, "error_dict")
                else {}
            )
            return Status(400, ErreurOut(detail=[str(m) for m in erreur.messages], champs=champs))

    return wrapper


def _acte_out(acte: Acte) -> dict[str, Any]:
    return {
        "id": acte.id,
        "numero": acte.numero,
        "type_code": acte.type_code,
        "etat": acte.etat,
        "etat_libelle": str(Etat(acte.etat).label),
        "version": acte.version,
        "soumis": acte.soumis,
        "agent_id": acte.agent_id,
        "agent_ppr": acte.agent_ppr,
        "agent_nom": acte.agent_nom,
        "unite_code": acte.unite_code,
        "emetteur_code": acte.emetteur_code,
        "date_effet": acte.date_effet,
        "bordereau": acte.bordereau.numero if acte.bordereau else None,
        "numero_visa": acte.numero_visa,
        "cree_par": acte.cree_par,
        "cree_le": acte.cree_le,
        "etat_depuis": acte.etat_depuis,
    }


def _detail(acte: Acte) -> DetailOut:
    acte = Acte.objects.select_related("bordereau").get(pk=acte.pk)
    version = services.version_courante(acte)
    obstacles = services.validation_obstacles(acte) if acte.etat == Etat.BROUILLON else []
    return DetailOut(
        **_acte_out(acte),
        acte_origine=acte.acte_origine_id,
        version_courante=VersionOut(
            numero=version.numero,
            donnees=version.donnees,
            date_effet=version.date_effet,
            anomalies=version.anomalies,
            impact=version.impact,
            connu_au=version.connu_au,
            issue=version.issue,
            transmise_le=version.transmise_le,
            redigee_par=version.redigee_par,
        ),
        obstacles=[str(o) for o in obstacles],
        observations=[
            ObservationOut(
                version=o.version, code=o.code, champ=o.champ, texte=o.texte, recue_le=o.recue_le
            )
            for o in acte.observations.all()
        ],
        transitions=[
            TransitionOut(
                version=t.version, de=t.de, vers=t.vers, par=t.par, le=t.le, motif=t.motif
            )
            for t in acte.transitions.all()
        ],
    )


REPONSES: dict[int | str, Any] = {200: DetailOut, 400: ErreurOut}


# --- reads ----------------------------------------------------------------------------------


@router.get("/", response=PageOut)
@api_requires(Action.ACTES_VOIR)
def actes_page(request: HttpRequest, filtres: Query[Filtres]) -> PageOut:
    """Acts of the caller's perimeter, most recently changed first, by pages of `taille`."""
    actes = selectors.actes_filtres(
        perimetre=_perimetre(request, Action.ACTES_VOIR),
        filtres=selectors.FiltresActes(
            etat=filtres.etat,
            type_code=filtres.type_code,
            unite_code=filtres.unite_code,
            bordereau=filtres.bordereau,
            agent_id=filtres.agent_id,
            plus_de_jours=filtres.plus_de_jours,
            q=filtres.q,
        ),
    )
    taille = max(1, min(filtres.taille, TAILLE_MAX))
    total = actes.count()
    pages = max(1, -(-total // taille))
    page = max(1, min(filtres.page, pages))
    tranche = actes[(page - 1) * taille : page * taille]
    return PageOut(
        actes=[ActeOut(**_acte_out(a)) for a in tranche], total=total, page=page, pages=pages
    )


# Declared before the routes with an act id: its path would match them.
@router.post("/bordereaux", response={201: list[BordereauOut], 400: ErreurOut})
@api_requires(Action.ACTES_VALIDER)
@_erreurs
def bordereaux_constituer(
    request: HttpRequest, entree: TransmissionIn
) -> Status[list[BordereauOut]]:
    """Transmit validated acts: one numbered bordereau per emitter, all or nothing."""
    actes = [_acte(request, Action.ACTES_VALIDER, i) for i in dict.fromkeys(entree.actes)]
    bordereaux = services.bordereaux_constituer(
        auteur=_acteur(request), actes=actes, partie=Partie.VALIDEUR
    )
    return Status(
        201,
        [
            BordereauOut(
                id=b.id,
                numero=b.numero,
                emetteur_code=b.emetteur_code,
                actes=list(b.lignes.order_by("acte_id").values_list("acte__numero", flat=True)),
            )
            for b in bordereaux
        ],
    )


@router.get("/{acte_id}", response=DetailOut)
@api_requires(Action.ACTES_VOIR)
def acte_detail(request: HttpRequest, acte_id: int) -> DetailOut:
    """One act: its current version (values, checks, impact), what still blocks its validation,
    the Treasury's observations and its history."""
    return _detail(_acte(request, Action.ACTES_VOIR, acte_id))


# --- drafting -------------------------------------------------------------------------------


@router.post("/", response={201: DetailOut, 400: ErreurOut})
@api_requires(Action.ACTES_REDIGER)
@_erreurs
def acte_creer(request: HttpRequest, entree: ActeIn) -> Status[DetailOut]:
    """A new draft; `donnees` follows the type's fields. Field errors refuse it (400), business
    checks are kept as anomalies and block validation."""
    perimetre = _perimetre(request, Action.ACTES_REDIGER)
    origine = None
    if entree.origine_id is not None:
        origine = selectors.acte_get(perimetre=perimetre, acte_id=entree.origine_id)
        if origine is None:
            raise Http404("Acte d'origine introuvable.")
    acte = services.acte_creer(
        auteur=_acteur(request),
        perimetre=perimetre,
        type_code=entree.type_code,
        date_effet=entree.date_effet,
        brutes=entree.donnees,
        agent_id=entree.agent_id,
        origine=origine,
    )
    return Status(201, _detail(acte))


@router.put("/{acte_id}", response=REPONSES)
@api_requires(Action.ACTES_REDIGER)
@_erreurs
def acte_modifier(request: HttpRequest, acte_id: int, entree: ModificationIn) -> DetailOut:
    perimetre = _perimetre(request, Action.ACTES_REDIGER)
    acte = _acte(request, Action.ACTES_REDIGER, acte_id)
    acte = services.acte_modifier(
        auteur=_acteur(request),
        perimetre=perimetre,
        acte=acte,
        date_effet=entree.date_effet,
        brutes=entree.donnees,
    )
    return _detail(acte)


# --- transitions ----------------------------------------------------------------------------


@router.post("/{acte_id}/soumettre", response=REPONSES)
@api_requires(Action.ACTES_REDIGER)
@_erreurs
def acte_soumettre(request: HttpRequest, acte_id: int) -> DetailOut:
    acte = _acte(request, Action.ACTES_REDIGER, acte_id)
    return _detail(
        services.acte_soumettre(auteur=_acteur(request), acte=acte, partie=Partie.GESTIONNAIRE)
    )


@router.post("/{acte_id}/valider", response=REPONSES)
@api_requires(Action.ACTES_VALIDER)
@_erreurs
def acte_valider(request: HttpRequest, acte_id: int, entree: MotifIn) -> DetailOut:
    acte = _acte(request, Action.ACTES_VALIDER, acte_id)
    return _detail(
        services.acte_valider(
            auteur=_acteur(request), acte=acte, motif=entree.motif, partie=Partie.VALIDEUR
        )
    )


@router.post("/{acte_id}/renvoyer", response=REPONSES)
@api_requires(Action.ACTES_VALIDER)
@_erreurs
def acte_renvoyer(request: HttpRequest, acte_id: int, entree: MotifIn) -> DetailOut:
    acte = _acte(request, Action.ACTES_VALIDER, acte_id)
    return _detail(
        services.acte_renvoyer(
            auteur=_acteur(request), acte=acte, motif=entree.motif, partie=Partie.VALIDEUR
        )
    )


@router.post("/{acte_id}/corriger", response=REPONSES)
@api_requires(Action.ACTES_REDIGER)
@_erreurs
def acte_corriger(request: HttpRequest, acte_id: int) -> DetailOut:
    acte = _acte(request, Action.ACTES_REDIGER, acte_id)
    return _detail(
        services.acte_corriger(auteur=_acteur(request), acte=acte, partie=Partie.GESTIONNAIRE)
    )


@router.post("/{acte_id}/annuler", response=REPONSES)
@api_requires(Action.ACTES_VOIR)
@_erreurs
def acte_annuler(request: HttpRequest, acte_id: int, entree: MotifIn) -> DetailOut:
    """Cancel as a valideur where the caller validates the act's unit, else as its drafter; a
    reader who may do neither is refused (403)."""
    acte = selectors.acte_get(perimetre=_perimetre(request, Action.ACTES_VALIDER), acte_id=acte_id)
    partie = Partie.VALIDEUR
    if acte is None:
        acte = selectors.acte_get(
            perimetre=_perimetre(request, Action.ACTES_REDIGER), acte_id=acte_id
        )
        partie = Partie.GESTIONNAIRE
    if acte is None:
        _acte(request, Action.ACTES_VOIR, acte_id)  # 404 when not even visible
        raise AuthorizationError(
            403,
            _(
                "Votre habilitation ne permet pas d'annuler cet acte : il faut rédiger ou "
                "valider les actes de son unité."
            ),
        )
    return _detail(
        services.acte_annuler(auteur=_acteur(request), acte=acte, motif=entree.motif, partie=partie)
    )
