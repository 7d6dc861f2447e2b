"""The Django admin, for `plateforme-admin` only, on public-schema data only (issue 3, item 8).

It must never become a side door into a tenant's personal data, so:
- it is mounted in the apex URL conf only (a tenant host answers 404) and refuses any schema
  but public even if someone mounted it elsewhere;
- every one of its URLs goes through `platform_role_required("plateforme-admin")`, the same
  guard as the console, which also marks it for the permission-matrix test; its login page
  holds no password form and sends the visitor to Keycloak;
- it registers platform models only (organisations, domains, dead letters), never a model of
  an app in TENANT_APPS; the "view on site" shortcut, which resolves any content type, is gone;
- every write through it is also an event of the platform's audit chain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tenants.utils import get_public_schema_name

from audit import services as audit_services
from identity import permissions
from identity import views as identity_views
from referentiel.admin import ParametreAdminMixin
from referentiel.models import Parametre
from tenants.models import Domain, FailedJob, Organisation

ADMIN_ROLE = "plateforme-admin"
REMOVED_URLS = frozenset({"view_on_site"})

URLEntry = URLPattern | URLResolver

if TYPE_CHECKING:
    ModelAdminBase = admin.ModelAdmin[Any]
else:  # django-stubs' generic ModelAdmin is not subscriptable at run time
    ModelAdminBase = admin.ModelAdmin


class PlatformAdminSite(admin.AdminSite):
    site_header = gettext_lazy("INDIMAJ — administration de la plateforme")
    site_title = gettext_lazy("Administration INDIMAJ")
    index_title = gettext_lazy("Données de la plateforme (schéma public)")
    site_url = "/console/"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        roles = request.session.get(permissions.SESSION_ROLES_KEY, [])
        return bool(
            user.is_authenticated
            and user.is_active
            and ADMIN_ROLE in roles
            and connection.schema_name == get_public_schema_name()  # type: ignore[attr-defined]
        )

    def get_urls(self) -> list[URLEntry]:
        return _guarded(super().get_urls(), site=self)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """No password form: Keycloak signs people in, then they come back here."""
        index = reverse("admin:index", current_app=self.name)
        wanted = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
            wanted = index
        if self.has_permission(request):
            return HttpResponseRedirect(wanted)
        if request.user.is_authenticated:
            return _refused(request)
        login_url = reverse("identity:login")
        return HttpResponseRedirect(f"{login_url}?{urlencode({'next': wanted})}")

    def logout(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """Ends the Keycloak session too, as the rest of the platform does."""
        return identity_views.logout_view(request)

    def password_change(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> Any:
        """Passwords live in Keycloak: its account console changes them."""
        return HttpResponseRedirect(
            f"{settings.KEYCLOAK_URL}/realms/{settings.KEYCLOAK_REALM}/account/"
        )

    def password_change_done(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> Any:
        return HttpResponseRedirect(reverse("admin:index", current_app=self.name))


def _refused(request: HttpRequest) -> HttpResponse:
    reason = _("Cette page est réservée aux opérateurs de la plateforme.")
    return render(request, "identity/denied.html", {"reason": reason}, status=403)


def _guarded(entries: list[URLEntry], *, site: PlatformAdminSite) -> list[URLEntry]:
    """Every admin URL behind the platform-admin guard (the login entry point excepted)."""
    kept: list[URLEntry] = []
    for entry in entries:
        if isinstance(entry, URLResolver):
            entry.url_patterns[:] = _guarded(list(entry.url_patterns), site=site)
        elif entry.name in REMOVED_URLS:
            continue
        elif entry.name == "login":
            entry.callback = permissions.public(_login_entry(site))
        else:
            entry.callback = permissions.platform_role_required(ADMIN_ROLE)(entry.callback)
        kept.append(entry)
    return kept


def _login_entry(site: PlatformAdminSite) -> permissions.PageView:
    def login(request: HttpRequest) -> HttpResponse:
        response: HttpResponse = site.login(request)
        return response

    return login


class PublicSchemaModelAdmin(ModelAdminBase):
    """Read-only unless a subclass opens a verb; the site's guard is the only permission."""

    can_add = False
    can_change = False
    can_delete = False
    view_on_site = False

    def _allowed(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.can_add and self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.can_change and self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.can_delete and self._allowed(request)

    def save_model(
        self, request: HttpRequest, obj: Model, form: ModelForm[Any], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        # changeform_view runs in a transaction: the event commits with the change or not at all
        audit_services.audit_record(
            actor=request.user.get_username(),
            action="admin.changed" if change else "admin.added",
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            data={"fields": sorted(form.changed_data)},
        )


class OrganisationAdmin(PublicSchemaModelAdmin):
    """Read-mostly: provisioning, suspension and archiving go through the tenants services
    (schema, Keycloak, audit); here only a misspelt name may be corrected."""

    can_change = True
    list_display = ("code", "name_fr", "name_ar", "kind", "status", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("code", "name_fr", "name_ar")
    ordering = ("code",)
    fields = ("code", "schema_name", "kind", "status", "name_fr", "name_ar", "created_at")
    readonly_fields = ("code", "schema_name", "kind", "status", "created_at")


class DomainAdmin(PublicSchemaModelAdmin):
    can_add = True
    can_change = True
    list_display = ("domain", "tenant", "is_primary")
    list_filter = ("is_primary",)
    search_fields = ("domain", "tenant__code")
    autocomplete_fields = ("tenant",)
    ordering = ("domain",)


class FailedJobAdmin(PublicSchemaModelAdmin):
    """Dead letters are retried from the console (/console/jobs/), which re-sends the job."""

    list_display = ("failed_at", "actor_name", "tenant_schema", "status")
    list_filter = ("status", "queue_name")
    search_fields = ("actor_name", "tenant_schema", "message_id")
    date_hierarchy = "failed_at"


site = PlatformAdminSite(name="admin")
site.register(Organisation, OrganisationAdmin)
site.register(Domain, DomainAdmin)
site.register(FailedJob, FailedJobAdmin)
# Pay parameters: listed with their history, corrected only by adding a recording (referentiel).
site.register(Parametre, type("ParametreAdmin", (ParametreAdminMixin, PublicSchemaModelAdmin), {}))
