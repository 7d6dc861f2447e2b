"""Writes on users: the mirror of a Keycloak identity, refreshed at each login."""

from typing import Any

from django.db import transaction

from audit import services as audit_services
from identity.models import User


def user_sync_from_claims(*, claims: dict[str, Any]) -> User:
    """Create or refresh the user named by the token's subject, with an audit row."""
    sub = str(claims["sub"])
    username = str(claims.get("preferred_username") or sub)
    fields = {
        "username": username,
        "first_name": str(claims.get("given_name") or "")[:150],
        "last_name": str(claims.get("family_name") or "")[:150],
        "email": str(claims.get("email") or ""),
    }
    with transaction.atomic():
        user = User.objects.select_for_update().filter(keycloak_sub=sub).first()
        if user is None:
            # A renamed Keycloak user keeps its row; a new subject takes a free username.
            User.objects.filter(username=username).exclude(keycloak_sub=sub).update(
                username=f"{username}~{sub[:8]}"
            )
            user = User.objects.create(keycloak_sub=sub, **fields)
            audit_services.audit_record(
                actor=username, action="user.created", object_type="user", object_id=sub
            )
        else:
            changed = [name for name, value in fields.items() if getattr(user, name) != value]
            for name in changed:
                setattr(user, name, fields[name])
            if changed:
                user.save(update_fields=changed)
    return user
