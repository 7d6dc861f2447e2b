"""Logging in on the platform apex as the OIDC callback would, with chosen realm roles."""

import uuid

import pytest
from django.core.cache import cache

from console.tests.support import APEX
from identity.middleware import SESSION_TENANT_KEY
from identity.models import User
from identity.permissions import SESSION_ROLES_KEY


@pytest.fixture
def apex_client(client):
    def login(roles):
        user = User.objects.create(username=f"u{uuid.uuid4().hex[:8]}")
        client.force_login(user)
        session = client.session
        session[SESSION_TENANT_KEY] = "public"
        session[SESSION_ROLES_KEY] = list(roles)
        session.save()
        client.defaults["HTTP_HOST"] = APEX
        return client

    return login


@pytest.fixture
def fresh_cache():
    """Member counts are cached for a minute; each test starts from Keycloak's own answer."""
    cache.clear()
    yield
    cache.clear()
