"""Template context shared by every page."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from identity.models import AssistedAccess
from identity.sessions import ASSISTED_KEY


def platform(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    is_tenant = tenant is not None and tenant.schema_name != "public"
    assisted_until = None
    if is_tenant and hasattr(request, "session") and request.session.get(ASSISTED_KEY):
        access = AssistedAccess.objects.filter(id=request.session[ASSISTED_KEY]).first()
        assisted_until = access.ends_at if access else None
    return {
        "assisted_until": assisted_until,
        "current_tenant": tenant if is_tenant else None,
        "apex_url": f"{settings.INDIMAJ_SCHEME}://{settings.INDIMAJ_APEX}:{settings.INDIMAJ_WEB_PORT}",
    }
