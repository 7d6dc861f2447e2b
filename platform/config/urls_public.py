"""URLs on the platform apex (no tenant): landing page, operators' console, health."""

from django.urls import include, path

from config import echange_https, health
from console.admin_site import site as admin_site
from tenants import views as tenant_views

urlpatterns = [
    path("", tenant_views.platform_home, name="platform-home"),
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("identity.urls")),
    path("console/", include("console.urls")),
    path("acces-assiste/", include("identity.urls_platform")),
    path("django-admin/", admin_site.urls),
    path("exchange/v1/fichiers", echange_https.fichier_deposer, name="echange-deposer"),
    path("exchange/v1/boite", echange_https.fichiers_lister, name="echange-lister"),
    path(
        "exchange/v1/boite/<str:nom>/<str:partie>",
        echange_https.fichier_lire,
        name="echange-lire",
    ),
]
