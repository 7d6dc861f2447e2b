"""Template context shared by every page."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    is_tenant = tenant is not None and tenant.schema_name != "public"
    return {
        "current_tenant": tenant if is_tenant else None,
        "apex_url": f"{settings.INDIMAJ_SCHEME}://{settings.INDIMAJ_APEX}:{settings.INDIMAJ_WEB_PORT}",
    }
