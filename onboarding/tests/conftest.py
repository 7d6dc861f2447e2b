from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def committed(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Rollout workers are other processes and other connections: they see committed rows
    only, so these tests commit and clean up after themselves (support.tout_supprimer)."""
    with django_db_blocker.unblock():
        yield
