"""Services and selectors of the unit tree: paths, cycles, activation, perimeters."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from identity.habilitations import Habilitation
from modules.unites import selectors, services
from modules.unites.models import Unite
from modules.unites.perimetres import Perimetre
from modules.unites.tests.conftest import chemins, creer

pytestmark = pytest.mark.django_db

AVANT = {
    "RABAT": "/RABAT/",
    "DRH": "/RABAT/DRH/",
    "PAIE": "/RABAT/DRH/PAIE/",
    "FES": "/FES/",
    "FES-RH": "/FES/FES-RH/",
    "FES-BUDGET": "/FES/FES-BUDGET/",
}


def _audit_count():
    return AuditEvent.objects.filter(object_type="unite").count()


def test_create_builds_the_path_and_audits(dans_a):
    rabat = creer("RABAT", kind="direction")
    drh = services.unite_create(
        actor="admin.a",
        code="DRH",
        parent=rabat,
        kind="service",
        nom_fr=" Direction des ressources humaines ",
        nom_ar="مديرية الموارد البشرية",
        imputation_budgetaire="1.2.1.1.0.13",
    )
    assert (drh.chemin, drh.parent_id, drh.profondeur) == ("/RABAT/DRH/", rabat.id, 1)
    assert drh.nom_fr == "Direction des ressources humaines"
    event = AuditEvent.objects.filter(action="unite.creee").order_by("-seq")[0]
    assert (event.actor, event.object_id) == ("admin.a", str(drh.id))
    assert event.data == {
        "code": "DRH",
        "chemin": "/RABAT/DRH/",
        "kind": "service",
        "nom_fr": "Direction des ressources humaines",
    }


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "fes",
            "« fes » n'est pas un code valide : utilisez des lettres majuscules sans accent, des "
            "chiffres et des tirets (par exemple « DR-FES »), 30 caractères au plus.",
        ),
        (
            "A@B",
            "« A@B » n'est pas un code valide : utilisez des lettres majuscules sans accent, des "
            "chiffres et des tirets (par exemple « DR-FES »), 30 caractères au plus.",
        ),
        ("FES", "Le code « FES » est déjà utilisé par une autre unité."),
        ("", "Le code est obligatoire."),
    ],
)
def test_create_refuses_bad_or_taken_codes(arbre, code, message):
    before, audits = chemins(), _audit_count()
    with pytest.raises(ValidationError) as raised:
        creer(code, parent="RABAT")
    assert raised.value.message_dict == {"code": [message]}
    assert chemins() == before
    assert _audit_count() == audits


def test_create_refuses_a_missing_french_name(dans_a):
    with pytest.raises(ValidationError) as raised:
        services.unite_create(actor="t", code="X", parent=None, kind="service", nom_fr="  ")
    assert raised.value.message_dict == {"nom_fr": ["Le nom en français est obligatoire."]}
    assert Unite.objects.count() == 0


def test_move_rewrites_the_whole_subtree_and_nothing_else(arbre):
    audits = _audit_count()
    moved = services.unite_move(actor="admin.a", unite=arbre["DRH"], parent=arbre["FES"])
    assert moved.chemin == "/FES/DRH/"
    assert chemins() == AVANT | {"DRH": "/FES/DRH/", "PAIE": "/FES/DRH/PAIE/"}
    assert Unite.objects.get(code="DRH").parent_id == arbre["FES"].id
    assert Unite.objects.get(code="PAIE").parent_id == arbre["DRH"].id  # unchanged link
    event = AuditEvent.objects.filter(action="unite.deplacee").get()
    assert event.data == {
        "code": "DRH",
        "de": "/RABAT/DRH/",
        "vers": "/FES/DRH/",
        "unites_deplacees": 2,
    }
    assert _audit_count() == audits + 1


def test_move_to_the_root(arbre):
    services.unite_move(actor="t", unite=arbre["DRH"], parent=None)
    assert chemins() == AVANT | {"DRH": "/DRH/", "PAIE": "/DRH/PAIE/"}
    assert Unite.objects.get(code="DRH").parent_id is None


def test_move_to_a_prefix_sharing_sibling_does_not_touch_the_sibling(dans_a):
    # "FES" is a string prefix of "FES2": the trailing "/" in paths keeps their subtrees apart.
    creer("FES", kind="direction")
    creer("FES2", kind="direction")
    creer("X", parent="FES2")
    services.unite_move(actor="t", unite=Unite.objects.get(code="FES"), parent=None)
    services.unite_move(
        actor="t", unite=Unite.objects.get(code="FES"), parent=Unite.objects.get(code="X")
    )
    assert chemins() == {"FES": "/FES2/X/FES/", "FES2": "/FES2/", "X": "/FES2/X/"}


@pytest.mark.parametrize(
    ("unite", "parent"), [("RABAT", "PAIE"), ("DRH", "DRH"), ("FES", "FES-RH")]
)
def test_move_under_its_own_subtree_is_refused(arbre, unite, parent):
    audits = _audit_count()
    with pytest.raises(ValidationError) as raised:
        services.unite_move(actor="t", unite=arbre[unite], parent=arbre[parent])
    assert raised.value.message_dict == {
        "parent": [
            f"« {unite} » ne peut pas être placée sous « {parent} », qui est elle-même ou l'une "
            "de ses sous-unités : choisissez une unité hors de cette branche."
        ]
    }
    assert chemins() == AVANT
    assert _audit_count() == audits


def test_move_to_the_same_parent_changes_nothing(arbre):
    audits = _audit_count()
    services.unite_move(actor="t", unite=arbre["DRH"], parent=arbre["RABAT"])
    assert chemins() == AVANT
    assert _audit_count() == audits


def test_deactivate_waits_for_active_children(arbre):
    with pytest.raises(ValidationError) as raised:
        services.unite_deactivate(actor="t", unite=arbre["RABAT"])
    assert raised.value.messages == [
        "L'unité « RABAT » a encore 1 sous-unité(s) active(s) : désactivez-les ou déplacez-les "
        "d'abord."
    ]
    assert Unite.objects.filter(active=False).count() == 0
    services.unite_deactivate(actor="t", unite=arbre["PAIE"])
    services.unite_deactivate(actor="t", unite=arbre["DRH"])
    assert set(Unite.objects.filter(active=False).values_list("code", flat=True)) == {
        "PAIE",
        "DRH",
    }
    assert AuditEvent.objects.filter(action="unite.desactivee").count() == 2


def test_inactive_parent_refuses_children_and_reactivation_below_it(arbre):
    services.unite_deactivate(actor="t", unite=arbre["PAIE"])
    services.unite_deactivate(actor="t", unite=arbre["DRH"])
    message = {
        "parent": [
            "L'unité parente « DRH » est désactivée : réactivez-la ou choisissez-en une autre."
        ]
    }
    with pytest.raises(ValidationError) as raised:
        creer("NOUVEAU", parent="DRH")
    assert raised.value.message_dict == message
    with pytest.raises(ValidationError) as raised:
        services.unite_reactivate(actor="t", unite=arbre["PAIE"])
    assert raised.value.message_dict == message
    with pytest.raises(ValidationError):
        services.unite_move(actor="t", unite=arbre["FES-RH"], parent=arbre["DRH"])
    assert not Unite.objects.filter(code="NOUVEAU").exists()
    assert chemins() == AVANT
    services.unite_reactivate(actor="t", unite=arbre["DRH"])
    assert Unite.objects.get(code="DRH").active is True
    assert Unite.objects.get(code="PAIE").active is False


def test_update_records_only_what_changed(arbre):
    services.unite_update(
        actor="t",
        unite=arbre["FES"],
        kind="sous_ordonnateur",
        nom_fr="Sous-ordonnateur de Fès",
        nom_ar="وحدة FES",
        imputation_budgetaire="",
    )
    event = AuditEvent.objects.filter(action="unite.modifiee").get()
    assert event.data == {
        "code": "FES",
        "changements": {"nom_fr": ["Unité FES", "Sous-ordonnateur de Fès"]},
    }
    services.unite_update(
        actor="t",
        unite=arbre["FES"],
        kind="sous_ordonnateur",
        nom_fr="Sous-ordonnateur de Fès",
        nom_ar="وحدة FES",
    )
    assert AuditEvent.objects.filter(action="unite.modifiee").count() == 1
    assert Unite.objects.get(code="FES").code == "FES"


def test_a_gestionnaire_of_fes_covers_the_fes_subtree_only(arbre):
    habilitations = [Habilitation("gestionnaire", "FES")]
    assert selectors.codes_in_perimeter(habilitations=habilitations) == frozenset(
        {"FES", "FES-RH", "FES-BUDGET"}
    )
    perimeter = Perimetre.depuis(habilitations)
    assert [u.code for u in selectors.unite_list(perimeter=perimeter)] == [
        "FES",
        "FES-BUDGET",
        "FES-RH",
    ]
    assert selectors.unite_get(perimeter=perimeter, unite_id=arbre["FES-RH"].id) is not None
    assert selectors.unite_get(perimeter=perimeter, unite_id=arbre["RABAT"].id) is None
    assert selectors.unite_get(perimeter=perimeter, unite_id=arbre["PAIE"].id) is None


def test_perimeters_union_nested_and_unknown_codes(arbre):
    def codes(*habilitations):
        return selectors.codes_in_perimeter(habilitations=[Habilitation(*h) for h in habilitations])

    assert codes(("admin", None)) == "all"
    assert codes(("lecture", "DRH"), ("admin", None)) == "all"
    assert codes(("lecture", "DRH"), ("paie", "RABAT")) == frozenset({"RABAT", "DRH", "PAIE"})
    assert codes(("lecture", "DRH"), ("paie", "FES-RH")) == frozenset({"DRH", "PAIE", "FES-RH"})
    assert codes(("lecture", "INCONNU")) == frozenset()
    assert codes() == frozenset()


def test_perimeter_keeps_only_the_roles_asked_for():
    held = [Habilitation("admin", "FES"), Habilitation("lecture", None)]
    assert Perimetre.depuis(held) == Perimetre(tout=True)
    assert Perimetre.depuis(held, roles={"admin"}) == Perimetre(racines=frozenset({"FES"}))
    assert Perimetre.depuis(held, roles={"paie"}).vide


def test_tree_counts_and_depths_follow_the_visible_units(arbre):
    noeuds = selectors.unite_arbre(perimeter=Perimetre(tout=True))
    assert [
        (n.unite.code, n.profondeur, n.descendants, n.a_enfants, n.fermetures) for n in noeuds
    ] == [
        ("FES", 0, 2, True, 0),
        ("FES-BUDGET", 1, 0, False, 0),
        ("FES-RH", 1, 0, False, 1),
        ("RABAT", 0, 2, True, 0),
        ("DRH", 1, 1, True, 0),
        ("PAIE", 2, 0, False, 2),
    ]
    forest = selectors.unite_arbre(perimeter=Perimetre(racines=frozenset({"PAIE", "FES"})))
    assert [(n.unite.code, n.profondeur, n.descendants) for n in forest] == [
        ("FES", 0, 2),
        ("FES-BUDGET", 1, 0),
        ("FES-RH", 1, 0),
        ("PAIE", 0, 0),
    ]


def test_tree_order_keeps_subtrees_contiguous_whatever_the_punctuation(dans_a):
    creer("FES", kind="direction")
    creer("FES-A", kind="direction")
    creer("ZZZ", parent="FES")
    creer("A", parent="FES-A")
    noeuds = selectors.unite_arbre(perimeter=Perimetre(tout=True))
    assert [(n.unite.code, n.profondeur) for n in noeuds] == [
        ("FES-A", 0),
        ("A", 1),
        ("FES", 0),
        ("ZZZ", 1),
    ]


def test_a_subtree_is_one_indexed_prefix_query(arbre):
    from django.db import connection

    queryset = selectors.unite_list(perimeter=Perimetre(racines=frozenset({"FES"})))
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "unites_chemin_prefix" in plan
