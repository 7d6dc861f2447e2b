"""Units over the API (read-only): the caller's perimeter only."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from identity import permissions
from identity.habilitations import Habilitation
from identity.permissions import Action, api_requires
from modules.unites import selectors
from modules.unites.models import Unite
from modules.unites.perimetres import Perimetre

router = Router(tags=["unites"])


class UniteOut(Schema):
    """`parent_code` is null for a root and for a unit whose parent is outside the perimeter:
    nothing above the caller's perimeter is named."""

    id: int
    code: str
    parent_code: str | None
    kind: str
    nom_fr: str
    nom_ar: str
    imputation_budgetaire: str
    active: bool


def _perimetre(request: HttpRequest) -> Perimetre:
    """Bearer principal's habilitations, or the browser session's (as api_requires reads them)."""
    held: frozenset[Habilitation] | None = getattr(
        getattr(request, "auth", None), "habilitations", None
    )
    if held is None:
        held = permissions.from_session(request.session.get(permissions.SESSION_HABILITATIONS_KEY))
    return Perimetre.depuis(held, roles=permissions.roles_for(Action.UNITES_VOIR))


def _out(unite: Unite, visibles: set[int] | None = None) -> UniteOut:
    parent_visible = unite.parent is not None and (visibles is None or unite.parent_id in visibles)
    return UniteOut(
        id=unite.id,
        code=unite.code,
        parent_code=unite.parent.code if unite.parent and parent_visible else None,
        kind=unite.kind,
        nom_fr=unite.nom_fr,
        nom_ar=unite.nom_ar,
        imputation_budgetaire=unite.imputation_budgetaire,
        active=unite.active,
    )


@router.get("/", response=list[UniteOut])
@api_requires(Action.UNITES_VOIR)
def unites_list(request: HttpRequest) -> list[UniteOut]:
    """Units of the caller's perimeter, in tree order (by path)."""
    unites = list(selectors.unite_list(perimeter=_perimetre(request)).select_related("parent"))
    visibles = {unite.id for unite in unites}
    return [_out(unite, visibles) for unite in unites]


@router.get("/{code}", response=UniteOut)
@api_requires(Action.UNITES_VOIR)
def unite_detail(request: HttpRequest, code: str) -> UniteOut:
    """One unit by code; 404 alike for a missing unit and one outside the perimeter."""
    perimeter = _perimetre(request)
    unite = selectors.unite_get_by_code(perimeter=perimeter, code=code)
    if unite is None:
        raise Http404("Unité introuvable.")
    parent_visible = unite.parent is not None and (
        selectors.unite_get(perimeter=perimeter, unite_id=unite.parent.id) is not None
    )
    return _out(unite, {unite.parent.id} if parent_visible and unite.parent else set())
