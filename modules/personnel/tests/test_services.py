"""Writes to agents' files: validation, history append-and-correct, posts, registry, audit."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from modules.personnel import postes, registre, services
from modules.personnel.models import Agent, EvenementCarriere
from modules.personnel.tests.conftest import rib_valide
from modules.unites.perimetres import Perimetre
from tenants.models import InscriptionPpr

FES = Perimetre(racines=frozenset({"FES"}))


def compter():
    return (
        Agent.objects.count(),
        EvenementCarriere.objects.count(),
        InscriptionPpr.objects.count(),
        AuditEvent.objects.count(),
    )


def test_creating_an_agent_writes_file_event_registry_and_audit(dans_a, creer_agent):
    avant = compter()
    agent = creer_agent(ppr="2000001", cin="ab 123456", rib=rib_valide(7))
    assert compter() == tuple(n + 1 for n in avant)
    agent.refresh_from_db()
    assert (agent.cin, agent.grade_code, agent.unite_code, agent.position) == (
        "AB123456",
        "ADM-2",
        "DRH",
        "activite",
    )
    assert agent.date_recrutement == date(2020, 1, 1)
    assert agent.situation_du == date(2020, 1, 1)
    assert "alaoui karim" in agent.recherche
    assert "العلوي كريم" in agent.recherche
    inscription = InscriptionPpr.objects.get(ppr="2000001")
    assert (inscription.organisation, inscription.role, inscription.active) == (
        dans_a,
        "gestion",
        True,
    )
    audit = AuditEvent.objects.order_by("-seq").first()
    assert audit is not None
    assert (audit.action, audit.object_id) == ("personnel.agent_creer", str(agent.id))


def test_invalid_input_names_each_field_and_writes_nothing(dans_a, creer_agent):
    avant = compter()
    with pytest.raises(ValidationError) as erreur:
        creer_agent(ppr="12", cin="123", rib="1" * 24, nom_fr="", situation={"grade_code": "NOPE"})
    assert set(erreur.value.message_dict) == {"ppr", "cin", "rib", "nom_fr", "grade_code"}
    assert compter() == avant


def test_unit_outside_the_perimeter_is_refused(dans_a, postes_a):
    with pytest.raises(ValidationError) as erreur:
        services.agent_creer(
            auteur="tests",
            ppr="2000002",
            identite={"nom_fr": "A", "prenom_fr": "B", "sexe": "F"},
            recrutement={"unite_code": "DRH", "grade_code": "ADM-2", "position": "activite"},
            date_effet=date(2020, 1, 1),
            perimetre=FES,
        )
    assert "hors de votre périmètre" in erreur.value.message_dict["unite_code"][0]
    assert not Agent.objects.filter(ppr="2000002").exists()


def test_a_second_file_for_the_same_ppr_is_refused(dans_a, creer_agent):
    creer_agent(ppr="2000003")
    with pytest.raises(ValidationError, match="existe déjà"):
        creer_agent(ppr="2000003")
    assert Agent.objects.filter(ppr="2000003").count() == 1


def test_a_full_budget_post_refuses_one_more_and_rolls_back(dans_a, creer_agent):
    creer_agent(poste="P-TECH", situation={"grade_code": "ADM-2"})
    creer_agent(poste="P-TECH")
    avant = compter()
    with pytest.raises(ValidationError, match="complet"):
        creer_agent(poste="P-TECH")
    assert compter() == avant


def test_detachement_frees_the_post_and_return_to_activity_needs_it_again(dans_a, creer_agent):
    premier = creer_agent(poste="P-TECH")
    creer_agent(poste="P-TECH")
    services.evenement_ajouter(
        auteur="tests",
        agent=premier,
        nature="changement_position",
        date_effet=date(2021, 1, 1),
        valeurs={"position": "detachement"},
        perimetre=None,
    )
    troisieme = creer_agent(poste="P-TECH")  # the freed post
    assert troisieme.poste_code == "P-TECH"
    with pytest.raises(ValidationError, match="complet"):
        services.evenement_ajouter(
            auteur="tests",
            agent=premier,
            nature="changement_position",
            date_effet=date(2022, 1, 1),
            valeurs={"position": "activite"},
            perimetre=None,
        )
    premier.refresh_from_db()
    assert premier.position == "detachement"


def test_an_event_updates_the_current_situation(dans_a, creer_agent):
    agent = creer_agent()
    services.evenement_ajouter(
        auteur="tests",
        agent=agent,
        nature="avancement_echelon",
        date_effet=date(2022, 1, 1),
        valeurs={"echelon": "4"},
        perimetre=None,
        reference="Arrêté 12/2022",
    )
    agent.refresh_from_db()
    assert (agent.echelon, agent.situation_du) == ("4", date(2022, 1, 1))


def test_a_future_event_applies_only_once_its_date_has_come(dans_a, creer_agent):
    agent = creer_agent()
    demain = timezone.localdate().replace(year=timezone.localdate().year + 1)
    services.evenement_ajouter(
        auteur="tests",
        agent=agent,
        nature="affectation",
        date_effet=demain,
        valeurs={"unite_code": "FES-RH"},
        perimetre=None,
    )
    agent.refresh_from_db()
    assert agent.unite_code == "DRH"
    assert services.situations_echues_rafraichir() == 0
    assert services.situations_echues_rafraichir(le=demain) == 1
    agent.refresh_from_db()
    assert agent.unite_code == "FES-RH"
    assert services.situations_echues_rafraichir(le=demain) == 0


def test_correction_supersedes_with_who_when_why_and_nothing_is_overwritten(dans_a, creer_agent):
    agent = creer_agent()
    faux = services.evenement_ajouter(
        auteur="saisie",
        agent=agent,
        nature="avancement_echelon",
        date_effet=date(2022, 1, 1),
        valeurs={"echelon": "5"},
        perimetre=None,
    )
    with pytest.raises(ValidationError, match="motif"):
        services.evenement_corriger(
            auteur="chef",
            evenement=faux,
            date_effet=date(2022, 1, 1),
            valeurs={"echelon": "4"},
            motif=" ",
            perimetre=None,
        )
    correction = services.evenement_corriger(
        auteur="chef",
        evenement=faux,
        date_effet=date(2022, 1, 1),
        valeurs={"echelon": "4"},
        motif="Erreur de saisie : échelon 4 selon l'arrêté",
        perimetre=None,
    )
    faux.refresh_from_db()
    assert faux.echelon == "5"  # kept as it was recorded
    assert (correction.remplace_id, correction.auteur) == (faux.id, "chef")
    agent.refresh_from_db()
    assert agent.echelon == "4"
    with pytest.raises(ValidationError, match="déjà été corrigé"):
        services.evenement_annuler(auteur="chef", evenement=faux, motif="doublon")
    services.evenement_annuler(auteur="chef", evenement=correction, motif="aucun avancement")
    agent.refresh_from_db()
    assert agent.echelon == "3"
    actions = list(AuditEvent.objects.order_by("-seq").values_list("action", flat=True)[:2])
    assert actions == ["personnel.evenement_annulation", "personnel.evenement_correction"]


def test_an_event_that_changes_nothing_is_refused(dans_a, creer_agent):
    agent = creer_agent()
    with pytest.raises(ValidationError, match="ne change rien"):
        services.evenement_ajouter(
            auteur="tests",
            agent=agent,
            nature="affectation",
            date_effet=date(2022, 1, 1),
            valeurs={"unite_code": ""},
            perimetre=None,
        )


def test_sortie_sets_cessation(dans_a, creer_agent):
    agent = creer_agent()
    services.evenement_ajouter(
        auteur="tests",
        agent=agent,
        nature="sortie",
        date_effet=date(2023, 6, 30),
        valeurs={},
        perimetre=None,
        motif="Retraite",
    )
    agent.refresh_from_db()
    assert agent.position == "cessation"


def test_identity_change_keeps_sensitive_values_out_of_the_audit_chain(dans_a, creer_agent):
    agent = creer_agent()
    nouveau_rib = rib_valide(99)
    services.agent_modifier(
        auteur="tests",
        agent=agent,
        champs={"rib": nouveau_rib, "nom_fr": "Alaoui-Idrissi"},
        motif="Attestation de RIB du 2024-03-01",
    )
    agent.refresh_from_db()
    assert agent.rib == nouveau_rib
    assert "alaoui idrissi karim" in agent.recherche
    audit = AuditEvent.objects.order_by("-seq").first()
    assert audit is not None
    assert audit.data["champs"] == ["nom_fr", "rib"]
    assert nouveau_rib not in str(audit.data)
    assert audit.data["apres"] == {"nom_fr": "Alaoui-Idrissi"}


def test_identity_change_without_reason_or_with_bad_rib_writes_nothing(dans_a, creer_agent):
    agent = creer_agent()
    nombre = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.agent_modifier(auteur="t", agent=agent, champs={"nom_fr": "X"}, motif="")
    with pytest.raises(ValidationError):
        services.agent_modifier(auteur="t", agent=agent, champs={"rib": "1" * 24}, motif="RIB")
    agent.refresh_from_db()
    assert (agent.nom_fr, agent.rib, AuditEvent.objects.count()) == ("Alaoui", "", nombre)


def test_the_nightly_refresh_applies_an_act_even_onto_a_full_post(dans_a, creer_agent):
    creer_agent(poste="P-TECH")
    creer_agent(poste="P-TECH")
    agent = creer_agent(poste="P-ADM")
    demain = timezone.localdate().replace(year=timezone.localdate().year + 1)
    services.evenement_ajouter(
        auteur="tests",
        agent=agent,
        nature="affectation",
        date_effet=demain,
        valeurs={"poste_code": "P-TECH"},
        perimetre=None,
    )
    assert services.situations_echues_rafraichir(le=demain) == 1
    agent.refresh_from_db()
    assert agent.poste_code == "P-TECH"
    tech = next(o for o in postes.occupation_list() if o.code == "P-TECH")
    assert (tech.occupes, tech.vacants) == (3, -1)


def test_the_corps_follows_from_the_grade(dans_a, creer_agent):
    agent = creer_agent()
    assert agent.corps_code == "ADM"
    evenement = EvenementCarriere.objects.get(agent=agent)
    assert evenement.corps_code == "ADM"


def test_a_concurrent_registration_of_the_same_ppr_is_a_clear_error(
    dans_a, creer_agent, tenant_b, monkeypatch
):
    from tenants.models import RolePpr

    def course_perdue(*, ppr: str) -> None:
        # another ordonnateur registered it between our check and our insert
        InscriptionPpr.objects.create(ppr=ppr, organisation=tenant_b, role=RolePpr.GESTION)
        InscriptionPpr.objects.create(ppr=ppr, organisation=dans_a, role=RolePpr.GESTION)

    avant = Agent.objects.count()
    monkeypatch.setattr(registre, "ppr_inscrire", course_perdue)
    with pytest.raises(ValidationError) as erreur:
        creer_agent(ppr="2000099")
    assert "vient d'être enregistré" in erreur.value.message_dict["ppr"][0]
    assert Agent.objects.count() == avant
    assert not InscriptionPpr.objects.filter(ppr="2000099").exists()
