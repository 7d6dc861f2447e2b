"""`manage.py unites import FILE --tenant CODE [--dry-run]`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context

from audit.models import AuditEvent
from modules.unites.models import Unite

pytestmark = pytest.mark.django_db

FICHIER = "code;code_parent;type;nom_fr\nMIN;;direction;Ministère\nFES;MIN;service;Fès\n"


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("unites", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _codes(tenant):
    with schema_context(tenant.schema_name):
        return dict(Unite.objects.values_list("code", "chemin"))


def test_import_creates_the_units_with_a_progress_bar(tenant_a, tenant_b, tmp_path):
    path = tmp_path / "organigramme.csv"
    path.write_text(FICHIER, encoding="utf-8")
    out, err = _run("import", str(path), "--tenant", "test-a")
    assert out == "organigramme.csv : 2 unité(s) créée(s) dans test-a.\n"
    assert err.endswith("] 2/2\n")
    assert _codes(tenant_a) == {"MIN": "/MIN/", "FES": "/MIN/FES/"}
    assert _codes(tenant_b) == {}
    with schema_context(tenant_a.schema_name):
        event = AuditEvent.objects.get(action="unites.importees")
        assert (event.actor, event.data["nombre"]) == ("commande:unites", 2)


def test_dry_run_checks_and_writes_nothing(tenant_a, tmp_path):
    path = tmp_path / "u.csv"
    path.write_text(FICHIER, encoding="utf-8")
    out, err = _run("import", str(path), "--tenant", "test-a", "--dry-run")
    assert out == "u.csv : 2 unité(s) à créer (vérification seule, rien enregistré).\n"
    assert err == ""
    assert _codes(tenant_a) == {}


def test_errors_are_listed_and_nothing_is_imported(tenant_a, tmp_path):
    path = tmp_path / "u.csv"
    path.write_text(FICHIER + "RH;NULLE;service;RH\nrh;MIN;service;\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("unites", "import", str(path), "--tenant", "test-a", stderr=err)
    assert str(raised.value) == "3 erreur(s) dans u.csv : rien n'a été importé."
    assert err.getvalue().splitlines() == [
        "Ligne 4, colonne B (code_parent) : le code parent « NULLE » n'existe ni dans le fichier "
        "ni dans l'organisation : corrigez-le ou ajoutez une ligne pour cette unité.",
        "Ligne 5, colonne A (code) : « rh » n'est pas un code valide : utilisez des lettres "
        "majuscules sans accent, des chiffres et des tirets (par exemple « DR-FES »), 30 "
        "caractères au plus.",
        "Ligne 5, colonne D (nom_fr) : le nom en français est obligatoire.",
    ]
    assert _codes(tenant_a) == {}


def test_unknown_tenant_or_file(tenant_a, tmp_path):
    path = tmp_path / "u.csv"
    path.write_text(FICHIER, encoding="utf-8")
    with pytest.raises(CommandError, match="Organisation inconnue : nulle-part"):
        _run("import", str(path), "--tenant", "nulle-part")
    with pytest.raises(CommandError, match="Fichier introuvable"):
        _run("import", str(tmp_path / "absent.csv"), "--tenant", "test-a")
    assert _codes(tenant_a) == {}
