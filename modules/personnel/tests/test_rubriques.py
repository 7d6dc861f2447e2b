"""The personnel list links to the module's other pages the person may open, and only those."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("habilitation", "attendus", "absents"),
    [
        (
            ("admin", None),
            ["/personnel/postes/", "/personnel/transferts/", "/personnel/acces/"],
            [],
        ),
        (
            ("gestionnaire", "DRH"),
            ["/personnel/postes/", "/personnel/transferts/"],
            ["/personnel/acces/"],
        ),
        (
            ("lecture", None),
            ["/personnel/postes/"],
            ["/personnel/transferts/", "/personnel/acces/"],
        ),
    ],
)
def test_links_follow_the_permission_matrix(unites_a, client_a, habilitation, attendus, absents):
    page = client_a(habilitation).get("/personnel/").content.decode()
    for url in attendus:
        assert f'href="{url}"' in page, url
    for url in absents:
        assert f'href="{url}"' not in page, url
