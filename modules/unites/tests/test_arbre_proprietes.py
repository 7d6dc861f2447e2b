"""Whatever sequence of moves an admin makes, the tree stays a tree and every path is right."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modules.unites import services
from modules.unites.models import Unite
from modules.unites.tests.conftest import ARBRE, creer

pytestmark = pytest.mark.django_db
CODES = [code for code, _, _ in ARBRE] + ["MEKNES", "MEKNES-RH"]


def _expected_path(unite, by_id):
    codes = []
    node = unite
    for _ in range(len(by_id) + 1):  # more steps than units: a cycle
        codes.append(node.code)
        if node.parent_id is None:
            return "/" + "/".join(reversed(codes)) + "/"
        node = by_id[node.parent_id]
    raise AssertionError(f"cycle through {unite.code}")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    moves=st.lists(
        st.tuples(st.sampled_from(CODES), st.one_of(st.none(), st.sampled_from(CODES))),
        max_size=12,
    )
)
def test_moves_keep_paths_consistent_and_refuse_cycles(dans_a, moves):
    with transaction.atomic():
        for code, parent, kind in [
            *ARBRE,
            ("MEKNES", None, "direction"),
            ("MEKNES-RH", "MEKNES", "service"),
        ]:
            creer(code, parent, kind)
        for code, parent_code in moves:
            unite = Unite.objects.get(code=code)
            parent_unite = Unite.objects.get(code=parent_code) if parent_code else None
            inside = parent_unite is not None and parent_unite.chemin.startswith(unite.chemin)
            before = dict(Unite.objects.values_list("code", "chemin"))
            try:
                services.unite_move(actor="hypothesis", unite=unite, parent=parent_unite)
            except ValidationError:
                assert inside  # refused only because it would make a cycle
                assert dict(Unite.objects.values_list("code", "chemin")) == before
            else:
                assert not inside
        by_id = {u.id: u for u in Unite.objects.all()}
        assert len(by_id) == len(CODES)
        for unite in by_id.values():
            assert unite.chemin == _expected_path(unite, by_id)
        transaction.set_rollback(True)
