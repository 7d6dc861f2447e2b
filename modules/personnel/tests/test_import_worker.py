"""Upload → dry run → apply through the pages and a real dramatiq worker process.

No django_db mark: the worker only sees committed rows, so this test commits and removes what it
made (the audit chain keeps its rows: it is append-only).
"""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tenants.utils import schema_context

from modules.personnel.importation import suivi
from modules.personnel.models import Agent, Enfant, EvenementCarriere, ImportPersonnel
from modules.unites import services as unites_services
from modules.unites.models import Unite
from tenants.models import InscriptionPpr, Organisation
from tests.support.processes import wait_until

PPRS = ("7700001", "7700002", "7700003")


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def tenant_a_committed(committed):
    """Tenant A with one unit, committed; everything the test adds is removed after it."""
    organisation = Organisation.objects.get(code="test-a")
    code = f"W-{uuid.uuid4().hex[:6].upper()}"
    with schema_context(organisation.schema_name):
        unites_services.unite_create(
            actor="tests", code=code, parent=None, kind="service", nom_fr="Unité du worker"
        )
    yield organisation, code
    with schema_context(organisation.schema_name):
        agents = Agent.objects.filter(ppr__in=PPRS)
        Enfant.objects.filter(agent__in=agents).delete()
        EvenementCarriere.objects.filter(agent__in=agents).delete()
        agents.delete()
        for imp in ImportPersonnel.objects.filter(auteur="worker.rh"):
            for chemin in (suivi.chemin_fichier(imp), suivi.chemin_rapport(imp)):
                if chemin is not None:
                    chemin.unlink(missing_ok=True)
            imp.delete()
        Unite.objects.filter(code=code).delete()
    InscriptionPpr.objects.filter(ppr__in=PPRS).delete()


def _statut(organisation: Organisation, import_id: int) -> str:
    with schema_context(organisation.schema_name):
        return str(ImportPersonnel.objects.get(id=import_id).statut)


def test_upload_dry_run_and_apply_in_a_real_worker(worker, tenant_a_committed, login_client):
    organisation, unite = tenant_a_committed
    client = login_client(organisation, username="worker.rh", roles=("gestionnaire",))
    contenu = "\n".join(
        [
            "ppr;nom;prenom;sexe;date_recrutement;statut;position;unite;enfants",
            f"7700001;Saidi;Hamza;M;01/09/2015;contractuel;activite;{unite};Ilyas:2016-05-05",
            f"7700002;Naciri;Imane;F;2016-09-01;contractuel;activite;{unite};",
            f"7700003;Ouazzani;Rachid;M;2017-09-01;contractuel;activite;{unite};",
        ]
    ).encode()

    depot = client.post(
        reverse("personnel:importer"), {"fichier": SimpleUploadedFile("agents.csv", contenu)}
    )

    assert depot.status_code == 302
    with schema_context(organisation.schema_name):
        imp = ImportPersonnel.objects.get(auteur="worker.rh")
    wait_until(lambda: _statut(organisation, imp.id) == "verifie", timeout=60, what="dry run")
    with schema_context(organisation.schema_name):
        imp.refresh_from_db()
        assert (imp.lignes, imp.crees, imp.nb_erreurs) == (3, 3, 0)
        assert not Agent.objects.filter(ppr__in=PPRS).exists()
        assert suivi.progression_lire(import_id=imp.id) == 100
    page = client.get(depot["Location"]).content.decode()
    assert '<dd id="compte-crees">3</dd>' in page
    assert client.get(reverse("personnel:import_rapport", args=[imp.id])).status_code == 200

    client.post(reverse("personnel:import_appliquer", args=[imp.id]))

    wait_until(lambda: _statut(organisation, imp.id) == "applique", timeout=60, what="apply")
    with schema_context(organisation.schema_name):
        agents = Agent.objects.filter(ppr__in=PPRS)
        assert sorted(agents.values_list("ppr", "unite_code", "statut")) == [
            ("7700001", unite, "contractuel"),
            ("7700002", unite, "contractuel"),
            ("7700003", unite, "contractuel"),
        ]
        assert EvenementCarriere.objects.filter(agent__in=agents, source="import").count() == 3
        assert Enfant.objects.filter(agent__ppr="7700001").count() == 1
    assert InscriptionPpr.objects.filter(ppr__in=PPRS, active=True).count() == 3
    page = client.get(depot["Location"]).content.decode()
    assert "Import appliqué" in page
    assert worker.alive()
