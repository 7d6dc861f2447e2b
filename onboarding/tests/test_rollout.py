"""rollout plan/apply/status against the real database and the real Keycloak."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_exists

from audit.models import AuditEvent
from exchange import cles
from identity import keycloak_admin
from onboarding import rollout
from onboarding.manifeste import COLONNES_OBLIGATOIRES, manifeste_lire
from onboarding.models import DeploiementOrganisation, EtatDeploiement
from onboarding.tests.support import (
    keycloak_organization,
    keycloak_organizations_matching,
    tout_supprimer,
)
from tenants import services
from tenants.models import Domain, Organisation
from tests.support.processes import REPO, VENV_BIN, child_env

ENTETE = ",".join(COLONNES_OBLIGATOIRES)


def ecrire(tmp_path: Path, lignes: list[str], nom: str = "m.csv") -> Path:
    chemin = tmp_path / nom
    chemin.write_text(ENTETE + "\n" + "\n".join(lignes) + "\n", encoding="utf-8")
    return chemin


def lancer(*args: str) -> str:
    sortie = io.StringIO()
    call_command("rollout", *args, stdout=sortie)
    return sortie.getvalue()


def provisioned_events(codes: list[str]) -> int:
    return AuditEvent.objects.filter(action="organisation.provisioned", object_id__in=codes).count()


@pytest.mark.django_db
def test_plan_shows_what_would_be_created_and_the_conflicts(tmp_path):
    chemin = ecrire(
        tmp_path,
        [
            "plan-reg,region,Région Plan,جهة التخطيط,,,1",
            "plan-prov,prefecture_province,Province Plan,إقليم التخطيط,plan-reg,dg@plan.ma,2",
            "test-a,ministere,Commune de test A,جماعة الاختبار أ,,,1",
            "plan-com,commune,Commune orpheline,جماعة يتيمة,prov-inconnue,,2",
        ],
    )
    sortie = lancer("plan", str(chemin))
    lignes = sortie.splitlines()
    assert lignes[0].split() == ["1", "plan-reg", "creer", "organisation,", "identite,", "echange"]
    assert lignes[1].split()[:3] == ["1", "test-a", "conflit"]
    assert "existe déjà avec la nature « commune »" in lignes[2]
    assert lignes[3].split() == [
        "2",
        "plan-com",
        "conflit",
        "-",
    ]
    assert "parent « prov-inconnue » inconnu" in lignes[4]
    assert lignes[5].split() == [
        "2",
        "plan-prov",
        "creer",
        "organisation,",
        "identite,",
        "echange,",
        "administrateur",
    ]
    assert "creer: 2" in lignes[-1]
    assert "conflit: 2" in lignes[-1]
    # a plan writes nothing
    assert not DeploiementOrganisation.objects.exists()
    assert not Organisation.objects.filter(code__startswith="plan-").exists()
    only_wave_two = lancer("plan", str(chemin), "--wave", "2")
    assert "plan-reg" not in only_wave_two
    assert "plan-prov" in only_wave_two


def test_apply_provisions_all_steps_and_a_second_apply_changes_nothing(
    committed, tmp_path, settings
):
    settings.INDIMAJ_EXCHANGE_DIR = tmp_path / "echanges"
    codes = ["ro-reg", "ro-prov", "ro-com"]
    email = "admin.ro-reg@example.ma"
    chemin = tmp_path / "m.csv"
    chemin.write_text(
        ENTETE + ",admin_first_name,admin_last_name\n"
        f"ro-reg,region,Région Rollout,جهة التجريب,,{email},1,Samira,Bennani\n"
        "ro-prov,prefecture_province,Province Rollout,إقليم التجريب,ro-reg,,1,,\n"
        "ro-com,commune,Commune Rollout,جماعة التجريب,ro-prov,,2,,\n",
        encoding="utf-8",
    )
    try:
        premiere = lancer("apply", str(chemin))
        assert "3 organisation(s) déployée(s) dans cette exécution, 0 en échec." in premiere
        etats = {d.code: d for d in DeploiementOrganisation.objects.filter(code__in=codes)}
        assert {c: (e.etat, e.etapes, e.tentatives) for c, e in etats.items()} == {
            "ro-reg": ("termine", ["organisation", "identite", "echange", "administrateur"], 1),
            "ro-prov": ("termine", ["organisation", "identite", "echange"], 1),
            "ro-com": ("termine", ["organisation", "identite", "echange"], 1),
        }
        # default exchange settings: a signing key each, its public half published
        for code in codes:
            assert len(cles.cles_publiques(f"ORD:{code}")) == 1
            assert (settings.INDIMAJ_EXCHANGE_DIR / f"ORD-{code}" / "cles-publiques.json").exists()
        for code in codes:
            organisation = Organisation.objects.get(code=code)
            assert schema_exists(organisation.schema_name)
            assert Domain.objects.get(tenant=organisation).domain == services.tenant_host(code)
            org = keycloak_organization(code)
            assert org is not None, code
            assert org["redirectUrl"] == services.tenant_base_url(code) + "/"
            assert [d["name"] for d in org["domains"]] == [services.tenant_host(code)]
        # the initial admin: invited, member of the organization, in its `admin` group
        admin = keycloak_admin.admin_client()
        user = keycloak_admin.user_by_email(admin, email)
        assert user is not None
        assert "UPDATE_PASSWORD" in user["requiredActions"]
        assert (user["firstName"], user["lastName"]) == ("Samira", "Bennani")
        org_id = keycloak_admin.organization_id_by_alias(admin, "ro-reg")
        assert org_id is not None
        groups = keycloak_admin.organization_groups(admin, org_id=org_id)
        assert keycloak_admin.organization_group_members(
            admin, org_id=org_id, group_id=groups["admin"]
        ) == [user["id"]]

        audit_avant = AuditEvent.objects.count()
        maj_avant = {d.code: d.mis_a_jour for d in DeploiementOrganisation.objects.all()}
        seconde = lancer("apply", str(chemin))
        assert "Rien à faire : tout est déjà déployé." in seconde
        assert AuditEvent.objects.count() == audit_avant
        assert {d.code: d.mis_a_jour for d in DeploiementOrganisation.objects.all()} == maj_avant
        assert Organisation.objects.filter(code__in=codes).count() == 3
        assert all(keycloak_organizations_matching(code) == 1 for code in codes)
        assert "aucune" in lancer("plan", str(chemin)).splitlines()[0]
        status = lancer("status", str(chemin))
        assert status.splitlines()[1].split() == ["1", "0", "0", "2", "0", "2"]
        assert status.splitlines()[2].split() == ["2", "0", "0", "1", "0", "1"]
    finally:
        tout_supprimer(codes, emails=[email])


def test_one_failing_ordonnateur_is_reported_and_the_others_go_on(committed, tmp_path):
    codes = ["rf-un", "rf-deux", "rf-trois"]
    chemin = ecrire(
        tmp_path,
        [f"{c},etablissement_public,Office {c},مكتب {c},,,1" for c in codes],
    )
    bloquant = services.schema_name_for("rf-deux")
    try:
        with connection.cursor() as cursor:  # a schema left by hand blocks rf-deux only
            cursor.execute(f'CREATE SCHEMA "{bloquant}"')
        rapports = rollout.rollout_apply(
            lignes=manifeste_lire(chemin), manifeste="m.csv", actor="tests", parallel=2
        )
        assert [(r.code, r.etat) for r in rapports] == [
            ("rf-deux", "echec"),
            ("rf-trois", "termine"),
            ("rf-un", "termine"),
        ]
        assert rapports[0].erreur.startswith("étape « organisation » : ")
        assert not Organisation.objects.filter(code="rf-deux").exists()  # nothing half-made
        assert keycloak_organization("rf-deux") is None
        with pytest.raises(CommandError, match="1 organisation"):
            lancer("apply", str(chemin))
        assert DeploiementOrganisation.objects.get(code="rf-deux").tentatives == 2

        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{bloquant}"')
        reprise = lancer("apply", str(chemin))
        assert "1 organisation(s) déployée(s) dans cette exécution, 0 en échec." in reprise
        assert set(
            DeploiementOrganisation.objects.filter(code__in=codes).values_list("etat", flat=True)
        ) == {EtatDeploiement.TERMINE}
        assert provisioned_events(codes) == 3
    finally:
        tout_supprimer(codes)


def test_killed_apply_is_finished_by_the_next_run_without_duplicates(committed, tmp_path):
    codes = [f"rk-{i:02d}" for i in range(10)]
    chemin = ecrire(tmp_path, [f"{c},commune,Commune {c},جماعة {c},,,1" for c in codes])
    env = child_env()
    argv = [str(VENV_BIN / "python"), "manage.py", "rollout", "apply", str(chemin)]
    try:
        enfant = subprocess.Popen(
            argv,
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        limite = time.monotonic() + 90
        while time.monotonic() < limite:
            faits = DeploiementOrganisation.objects.filter(etat=EtatDeploiement.TERMINE).count()
            if faits >= 2 or enfant.poll() is not None:
                break
            time.sleep(0.05)
        os.killpg(enfant.pid, signal.SIGKILL)
        enfant.wait(10)
        assert enfant.returncode == -signal.SIGKILL, enfant.stderr.read() if enfant.stderr else ""
        termines = DeploiementOrganisation.objects.filter(etat=EtatDeploiement.TERMINE).count()
        assert 2 <= termines < len(codes)

        reprise = lancer("apply", str(chemin), "--parallel", "2")
        assert f"{len(codes) - termines} organisation(s) déployée(s)" in reprise
        assert (
            list(
                DeploiementOrganisation.objects.filter(code__in=codes)
                .exclude(etat=EtatDeploiement.TERMINE)
                .values_list("code", flat=True)
            )
            == []
        )
        assert Organisation.objects.filter(code__in=codes).count() == len(codes)
        assert Domain.objects.filter(tenant__code__in=codes).count() == len(codes)
        assert provisioned_events(codes) == len(codes)
        assert [keycloak_organizations_matching(c) for c in codes] == [1] * len(codes)
    finally:
        if "enfant" in locals() and enfant.poll() is None:
            os.killpg(enfant.pid, signal.SIGKILL)
        tout_supprimer(codes)
    assert sys.executable  # the child used this venv's interpreter
