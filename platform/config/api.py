"""The versioned REST API root (OpenAPI at /api/v1/docs)."""

from ninja import NinjaAPI
from ninja.security import django_auth

from identity.api_auth import bearer
from modules.actes.api import router as actes_router
from modules.personnel.api import router as personnel_router
from modules.unites.api import router as unites_router
from tenants.api import router as journal_router

# Every endpoint needs a caller: a bearer token (integrations, other software) or the browser
# session of a person logged in on this tenant's host.
api = NinjaAPI(
    title="INDIMAJ API",
    version="1.0.0",
    urls_namespace="api-v1",
    docs_url="/docs",
    auth=[bearer, django_auth],
)
api.add_router("/journal", journal_router)
api.add_router("/unites", unites_router)
api.add_router("/personnel", personnel_router)
api.add_router("/actes", actes_router)
