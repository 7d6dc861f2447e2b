"""URLs on a tenant's own host (<code>.<apex>)."""

from django.urls import include, path

from config import health
from config.api import api
from tenants import views as tenant_views

urlpatterns = [
    path("", tenant_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("identity.urls")),
    path("api/v1/", api.urls),
    path("unites/", include("modules.unites.urls")),
    path("habilitations/", include("modules.habilitations.urls")),
    path("personnel/", include("modules.personnel.urls")),
    path("actes/", include("modules.actes.urls")),
    path("notifications/", include("modules.notifications.urls")),
    path("echanges/", include("modules.echanges.urls")),
    path("paie/", include("modules.paie.urls")),
    path("demarrage/", include("onboarding.assistant.urls")),
]
