"""The versioned REST API root (OpenAPI at /api/v1/docs)."""

from ninja import NinjaAPI

from audit.api import router as audit_router

api = NinjaAPI(
    title="INDIMAJ API",
    version="1.0.0",
    urls_namespace="api-v1",
    docs_url="/docs",
)
api.add_router("/journal", audit_router)
