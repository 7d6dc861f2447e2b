"""How many members each tenant's Keycloak Organization has: a count, never who they are.

Keycloak has no bulk count: one admin call per organization. A page asks for its rows' counts
in one pass (cache first, the misses fetched concurrently) and keeps them a short while in the
shared cache, so paging, filtering and exporting do not call Keycloak again for every row.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakError, KeycloakGetError

from identity import keycloak_admin

logger = logging.getLogger(__name__)

CACHE_SECONDS = 60
WORKERS = 4


@dataclass(frozen=True)
class MemberCounts:
    by_alias: dict[str, int | None]  # None: the tenant has no Organization in Keycloak (yet)
    available: bool  # False when Keycloak did not answer: every count is then unknown


class _Unavailable(RuntimeError):
    pass


def _key(*parts: str) -> str:
    # The cache's key function adds the schema (public, on the apex); the realm keeps two
    # realms sharing one Redis apart, and the organization id (not the alias, which a deleted
    # and re-created organization would reuse) names the counted thing.
    return ":".join(("console", "kc", settings.KEYCLOAK_REALM, *parts))


def _organization_ids(admin: KeycloakAdmin) -> dict[str, str]:
    """Alias → organization id for the whole realm, listed once (paged by python-keycloak)."""
    organizations = admin.get_organizations({"briefRepresentation": "true"})
    ids = {str(org["alias"]): str(org["id"]) for org in organizations if org.get("alias")}
    cache.set(_key("org-ids"), ids, CACHE_SECONDS)
    return ids


def _fetch_counts(admin: KeycloakAdmin, org_ids: Sequence[str]) -> dict[str, int | None]:
    """One count call per organization, a few at a time on one client (one token)."""
    failed = threading.Event()

    def count(org_id: str) -> tuple[str, int | None]:
        if failed.is_set():
            return org_id, None
        try:
            return org_id, int(admin.get_organization_members_count(org_id))
        except KeycloakGetError as error:
            if error.response_code == 404:  # deleted since the organization list was read
                return org_id, None
            failed.set()
            raise _Unavailable(str(error)) from error
        except (KeycloakError, OSError) as error:
            failed.set()
            raise _Unavailable(str(error)) from error

    admin.connection.get_token()  # before the threads, so that they share it
    workers = max(1, min(WORKERS, len(org_ids)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kc-count") as pool:
        return dict(pool.map(count, org_ids))


class _LazyAdmin:
    """The admin client is made (and a token fetched) only when the cache cannot answer."""

    def __init__(self) -> None:
        self._admin: KeycloakAdmin | None = None

    def __call__(self) -> KeycloakAdmin:
        if self._admin is None:
            self._admin = keycloak_admin.admin_client()
        return self._admin


def member_counts(aliases: Sequence[str]) -> MemberCounts:
    """The member count of each tenant (by code = organization alias)."""
    if not aliases:
        return MemberCounts(by_alias={}, available=True)
    try:
        admin = _LazyAdmin()
        cached_ids = cache.get(_key("org-ids"))
        org_ids = cached_ids if isinstance(cached_ids, dict) else _organization_ids(admin())
        wanted = {alias: org_ids[alias] for alias in aliases if alias in org_ids}
        keys = {org_id: _key("members", org_id) for org_id in wanted.values()}
        cached = cache.get_many(list(keys.values()))
        counts = {org_id: cached[key] for org_id, key in keys.items() if key in cached}
        missing = [org_id for org_id in keys if org_id not in counts]
        if missing:
            fetched = _fetch_counts(admin(), missing)
            cache.set_many({keys[i]: n for i, n in fetched.items() if n is not None}, CACHE_SECONDS)
            counts.update(fetched)
    except (_Unavailable, KeycloakError, OSError) as error:
        logger.warning("Keycloak member counts unavailable: %s", error)
        return MemberCounts(by_alias=dict.fromkeys(aliases), available=False)
    return MemberCounts(
        by_alias={
            alias: counts.get(wanted[alias]) if alias in wanted else None for alias in aliases
        },
        available=True,
    )
