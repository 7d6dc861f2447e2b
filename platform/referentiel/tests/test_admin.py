from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from audit.models import AuditEvent
from referentiel import selectors, services
from referentiel.admin import ParametreAdminMixin, ParametreCorrectionForm
from referentiel.models import Parametre

pytestmark = pytest.mark.django_db

VALIDE = {
    "code": "amo.cotisation",
    "valide_du": "2027-01-01",
    "valeur": '{"taux_bp": 250, "plancher_centimes": 7000, "plafond_centimes": 70000}',
    "source": "test : décret de relèvement",
    "statut": "verifie",
    "motif": "nouveau plafond",
}


class _Utilisateur(AnonymousUser):
    def get_username(self):
        return "admin.plateforme"


def test_the_form_shows_service_errors_on_the_field():
    services.referentiel_charger(auteur="tests")
    form = ParametreCorrectionForm(data={**VALIDE, "valeur": '{"taux_bp": 250}'})
    assert not form.is_valid()
    assert "valeur" in form.errors


def test_adding_through_the_admin_records_a_correction_with_its_audit_event():
    services.referentiel_charger(auteur="tests")
    form = ParametreCorrectionForm(data=VALIDE)
    assert form.is_valid(), form.errors
    request = RequestFactory().post("/")
    request.user = _Utilisateur()
    obj = form.save(commit=False)

    ParametreAdminMixin().save_model(request, obj, form, change=False)

    row = Parametre.objects.get(pk=obj.pk)
    assert (row.auteur, row.valide_du) == ("admin.plateforme", date(2027, 1, 1))
    assert AuditEvent.objects.filter(
        action="referentiel.parametre.corriger", object_id=str(row.pk)
    ).exists()
    assert selectors.jeu_parametres(le=date(2027, 2, 1)).valeur("amo.cotisation").version == str(
        row.pk
    )


def test_a_recording_is_never_changed_through_the_admin():
    services.referentiel_charger(auteur="tests")
    row = Parametre.objects.get(code="amo.cotisation")
    form = ParametreCorrectionForm(data=VALIDE, instance=row)
    assert form.is_valid()
    request = RequestFactory().post("/")
    request.user = _Utilisateur()
    with pytest.raises(PermissionError):
        ParametreAdminMixin().save_model(request, row, form, change=True)
    assert Parametre.objects.filter(code="amo.cotisation").count() == 1
