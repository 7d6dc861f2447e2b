"""The workflow services driven by hypothesis on one real act: random sequences of validations,
send-backs, transmissions, Treasury responses (on the current version or another one),
corrections, cancellations and pay integrations. Each call is predicted from the pure state
machine; a call that succeeds wrote exactly one transition row and one audit row on the act, a
refused one wrote nothing and changed nothing; the transition rows chain, `transmis` always
comes from `validé`, `visé` from `pris en charge`, and a rejected version is never visé."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from modules.actes import etats, services
from modules.actes.etats import Partie
from modules.actes.models import Acte, Etat, Observation, Transition, VersionActe
from modules.actes.services import ObservationRecue
from modules.actes.tests.conftest import joindre_pieces, jusqu_au_visa
from modules.personnel.models import Agent

pytestmark = pytest.mark.django_db

REPONSES = [Etat.PRIS_EN_CHARGE, Etat.VISE, Etat.REJETE, Etat.EN_SUSPENS]


@dataclass(frozen=True)
class Appel:
    nom: str
    partie: Partie = Partie.VALIDEUR
    cible: Etat = Etat.BROUILLON
    decalage: int = 0  # response on the current version (0) or another one
    visa: str = "V-1"
    auteur: str = "valideur"


PARTIES = list(Partie)
APPELS = (
    [Appel("soumettre", partie=p) for p in PARTIES]
    + [
        Appel("valider", partie=p, auteur=a)
        for p in PARTIES
        for a in ("valideur", "valideur.bis", "redacteur")
    ]
    + [
        Appel(nom, partie=p)
        for nom in ("renvoyer", "transmettre", "corriger", "annuler")
        for p in PARTIES
    ]
    + [
        Appel("reponse", cible=c, decalage=d, visa=v)
        for c in REPONSES
        for d in (-1, 0, 1)
        for v in ("V-1", "V-2")
    ]
    + [Appel("integrer")]
)


def _attendu(acte: Acte, appel: Appel) -> str:
    """What the call should do on this act: "ok", "rien" (an idempotent no-op) or "refus"."""
    etat = Etat(acte.etat)
    if appel.nom == "soumettre":
        ok = appel.partie == Partie.GESTIONNAIRE and etat == Etat.BROUILLON
    elif appel.nom == "valider":
        ok = (
            appel.partie == Partie.VALIDEUR
            and etat == Etat.BROUILLON
            and appel.auteur not in (acte.cree_par, services.version_courante(acte).redigee_par)
        )
    elif appel.nom == "renvoyer" or appel.nom == "transmettre":
        ok = appel.partie == Partie.VALIDEUR and etat == Etat.VALIDE
    elif appel.nom == "reponse":
        if appel.decalage:
            return "refus"
        if etat == appel.cible and (appel.cible != Etat.VISE or acte.numero_visa == appel.visa):
            return "rien"
        ok = etats.autorise(etat, appel.cible, Partie.TRESOR)
    elif appel.nom == "corriger":
        ok = appel.partie == Partie.GESTIONNAIRE and etat in (Etat.REJETE, Etat.EN_SUSPENS)
    elif appel.nom == "annuler":
        ok = etats.autorise(etat, Etat.ANNULE, appel.partie)
    else:
        if etat == Etat.INTEGRE_PAIE:
            return "rien"
        ok = etat == Etat.VISE
    return "ok" if ok else "refus"


def _appeler(acte: Acte, appel: Appel) -> None:
    if appel.nom == "soumettre":
        services.acte_soumettre(auteur="redacteur", acte=acte, partie=appel.partie)
    elif appel.nom == "valider":
        services.acte_valider(auteur=appel.auteur, acte=acte, partie=appel.partie)
    elif appel.nom == "renvoyer":
        services.acte_renvoyer(auteur="valideur", acte=acte, motif="À revoir", partie=appel.partie)
    elif appel.nom == "transmettre":
        services.bordereaux_constituer(auteur="valideur", actes=[acte], partie=appel.partie)
    elif appel.nom == "reponse":
        services.reponse_appliquer(
            acte_id=acte.id,
            version=acte.version + appel.decalage,
            etat=appel.cible,
            numero_visa=appel.visa if appel.cible == Etat.VISE else "",
            observations=[ObservationRecue(code="OBS-AUTRE", texte="Voir", champ="echelon")]
            if appel.cible in (Etat.REJETE, Etat.EN_SUSPENS)
            else (),
        )
    elif appel.nom == "corriger":
        services.acte_corriger(auteur="redacteur", acte=acte, partie=appel.partie)
    elif appel.nom == "annuler":
        services.acte_annuler(auteur="quelqu.un", acte=acte, motif="Erreur", partie=appel.partie)
    else:
        services.acte_integrer_paie(acte_id=acte.id)


def _compter(acte: Acte) -> tuple[int, int, int]:
    return (
        Transition.objects.filter(acte=acte).count(),
        AuditEvent.objects.filter(object_type="acte", object_id=str(acte.id)).count(),
        Observation.objects.filter(acte=acte).count(),
    )


def _photo(acte: Acte) -> tuple[Any, ...]:
    acte.refresh_from_db()
    return (
        acte.etat,
        acte.version,
        acte.soumis,
        acte.numero_visa,
        acte.bordereau_id,
        list(acte.versions.values_list("numero", "issue", "transmise_le")),
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(donnees=st.data())
def test_sequences_de_services_sur_un_acte(creer_agent, rediger, donnees: st.DataObject) -> None:
    """Each step draws any call one time in three, otherwise one the machine allows now (so the
    walks go deep: rejections, corrections, second versions, visas)."""
    with transaction.atomic():
        agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
        acte = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
        joindre_pieces(acte)
        for _pas in range(donnees.draw(st.integers(min_value=0, max_value=24), label="pas")):
            acte.refresh_from_db()
            # cancelling ends the walk: only drawn among all calls
            permis = [a for a in APPELS if a.nom != "annuler" and _attendu(acte, a) == "ok"]
            au_hasard = donnees.draw(st.integers(0, 2), label="hasard") == 0
            appel = donnees.draw(st.sampled_from(APPELS if au_hasard or not permis else permis))
            attendu = _attendu(acte, appel)
            avant = _photo(acte)
            transitions, audits, observations = _compter(acte)
            refus: ValidationError | None = None
            try:
                _appeler(acte, appel)
            except ValidationError as erreur:
                refus = erreur
            if refus is not None:
                assert attendu == "refus", (appel, avant, refus.messages)
                assert refus.messages
                assert all(m.strip() for m in refus.messages)
                assert _photo(acte) == avant
                assert _compter(acte) == (transitions, audits, observations)
                continue
            assert attendu != "refus", (appel, avant)
            event(f"{appel.nom} {appel.cible if appel.nom == 'reponse' else ''} accepté")
            apres = _photo(acte)
            if attendu == "rien":
                assert apres == avant
                assert _compter(acte) == (transitions, audits, observations)
                continue
            nouvelles = 1 if appel.cible in (Etat.REJETE, Etat.EN_SUSPENS) else 0
            if appel.nom != "reponse":
                nouvelles = 0
            transition = 0 if appel.nom == "soumettre" else 1
            assert _compter(acte) == (
                transitions + transition,
                audits + 1,
                observations + nouvelles,
            ), appel
            if appel.nom == "corriger":
                assert apres[1] == avant[1] + 1
                assert apres[0] == Etat.BROUILLON
            else:
                assert apres[1] == avant[1]
        _verifier_historique(acte, agent)
        event(f"état final {acte.etat}, version {acte.version}")
        transaction.set_rollback(True)


def _verifier_historique(acte: Acte, agent: Agent) -> None:
    acte.refresh_from_db()
    lignes = list(Transition.objects.filter(acte=acte).order_by("id"))
    assert (lignes[0].de, lignes[0].vers, lignes[0].version) == ("brouillon", "brouillon", 1)
    precedent = Etat.BROUILLON
    for ligne in lignes[1:]:
        assert ligne.de == precedent, [(t.de, t.vers) for t in lignes]
        assert etats.possible(ligne.de, ligne.vers)
        if ligne.vers == Etat.TRANSMIS:
            assert ligne.de == Etat.VALIDE
        if ligne.vers == Etat.VISE:
            assert ligne.de == Etat.PRIS_EN_CHARGE
        precedent = Etat(ligne.vers)
    assert precedent == acte.etat
    versions_rejetees = {t.version for t in lignes if t.vers == Etat.REJETE}
    versions_visees = {t.version for t in lignes if t.vers == Etat.VISE}
    assert not versions_rejetees & versions_visees
    assert (
        set(VersionActe.objects.filter(acte=acte, issue="rejete").values_list("numero", flat=True))
        == versions_rejetees
    )
    # the file changed only if, and exactly when, the act was visé
    agent.refresh_from_db()
    assert agent.echelon == ("4" if versions_visees else "3")
    assert bool(acte.evenements) == bool(versions_visees)


# --- each service refuses the wrong party, with a message that says who may --------------


def _valide(rediger: Any, creer_agent: Any) -> Acte:
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
    joindre_pieces(acte)
    return services.acte_valider(auteur="valideur", acte=acte)


def _messages(erreur: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return list(erreur.value.messages)


def test_chaque_service_refuse_la_mauvaise_partie(creer_agent, rediger):
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    brouillon = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
    joindre_pieces(brouillon)
    avant = _compter(brouillon)
    with pytest.raises(ValidationError) as erreur:
        services.acte_soumettre(auteur="valideur", acte=brouillon, partie=Partie.VALIDEUR)
    assert _messages(erreur) == [
        "Seul un gestionnaire (rédacteur) soumet un brouillon à validation."
    ]
    with pytest.raises(ValidationError) as erreur:
        services.acte_valider(auteur="chef", acte=brouillon, partie=Partie.GESTIONNAIRE)
    assert _messages(erreur) == ["Seul un valideur valide un acte."]
    with pytest.raises(ValidationError) as erreur:
        services.acte_valider(auteur="redacteur", acte=brouillon)
    assert _messages(erreur) == [
        "Vous avez rédigé cet acte : un autre valideur doit le valider (contrôle à quatre yeux)."
    ]
    assert _compter(brouillon) == avant
    acte = services.acte_valider(auteur="valideur", acte=brouillon)
    with pytest.raises(ValidationError) as erreur:
        services.acte_renvoyer(auteur="redacteur", acte=acte, motif="x", partie=Partie.GESTIONNAIRE)
    assert _messages(erreur) == ["Seul un valideur renvoie un acte validé au rédacteur."]
    with pytest.raises(ValidationError) as erreur:
        services.bordereaux_constituer(auteur="redacteur", actes=[acte], partie=Partie.GESTIONNAIRE)
    assert _messages(erreur) == ["Seul un valideur transmet des actes au Trésor."]
    with pytest.raises(ValidationError) as erreur:
        services.acte_annuler(
            auteur="redacteur", acte=acte, motif="Erreur", partie=Partie.GESTIONNAIRE
        )
    assert _messages(erreur) == [
        "Votre rôle ne permet pas de faire passer un acte de « Validé » à « Annulé »."
    ]
    acte.refresh_from_db()
    assert acte.etat == Etat.VALIDE
    assert Transition.objects.filter(acte=acte).count() == 2


def test_seul_le_gestionnaire_corrige_un_acte_rejete(creer_agent, rediger):
    from modules.actes.tests.conftest import rejeter

    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rejeter(
        rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
    )
    with pytest.raises(ValidationError) as erreur:
        services.acte_corriger(auteur="valideur", acte=acte, partie=Partie.VALIDEUR)
    assert _messages(erreur) == [
        "Votre rôle ne permet pas de faire passer un acte de « Rejeté » à « Brouillon »."
    ]
    acte.refresh_from_db()
    assert (acte.etat, acte.version, acte.versions.count()) == (Etat.REJETE, 1, 1)


def test_deux_validations_le_second_apprend_que_c_est_fait(creer_agent, rediger):
    acte = _valide(rediger, creer_agent)
    with pytest.raises(ValidationError) as erreur:
        services.acte_valider(auteur="valideur.bis", acte=acte)
    assert _messages(erreur) == [f"L'acte {acte.numero} est déjà « Validé » : rechargez la page."]


def test_reponses_du_tresor_mal_formees(creer_agent, rediger):
    acte = _valide(rediger, creer_agent)
    services.bordereaux_constituer(auteur="valideur", actes=[acte])
    acte.refresh_from_db()
    avant = (_compter(acte), _photo(acte))
    cas: list[tuple[dict[str, Any], str]] = [
        ({"etat": "approuve"}, "Réponse du Trésor inconnue : approuve."),
        ({"etat": Etat.ANNULE}, "« Annulé » n'est pas une réponse du Trésor sur un acte."),
        ({"etat": Etat.VISE}, "Un acte « Transmis » ne peut pas passer à « Visé »."),
        (
            {"etat": Etat.REJETE},
            "Un rejet ou une suspension doit porter des observations.",
        ),
        (
            {"etat": Etat.PRIS_EN_CHARGE, "version": 2},
            f"La réponse concerne la version 2 de l'acte {acte.numero}, dont la version en "
            "cours est 1 : réponse ignorée.",
        ),
    ]
    for arguments, message in cas:
        with pytest.raises(ValidationError) as erreur:
            services.reponse_appliquer(
                **{"acte_id": acte.id, "version": 1, "numero_visa": "V-1", **arguments}
            )
        assert _messages(erreur) == [message]
    with pytest.raises(ValidationError) as erreur:
        services.reponse_appliquer(acte_id=0, version=1, etat=Etat.PRIS_EN_CHARGE)
    assert _messages(erreur) == ["Acte 0 inconnu."]
    services.reponse_appliquer(acte_id=acte.id, version=1, etat=Etat.PRIS_EN_CHARGE)
    with pytest.raises(ValidationError) as erreur:
        services.reponse_appliquer(acte_id=acte.id, version=1, etat=Etat.VISE, numero_visa=" ")
    assert _messages(erreur) == ["Un visa sans numéro de visa est refusé."]
    with pytest.raises(ValidationError) as erreur:
        services.acte_integrer_paie(acte_id=acte.id)
    assert _messages(erreur) == [
        "Un acte « Pris en charge » ne peut pas passer à « Intégré en paie »."
    ]
    assert _compter(acte)[0] == avant[0][0] + 1


def test_un_visa_ecrit_une_transition_et_un_audit_avec_ses_evenements(creer_agent, rediger):
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
    acte = jusqu_au_visa(acte, visa="V-77")
    audit = AuditEvent.objects.filter(object_type="acte", object_id=str(acte.id)).order_by("-seq")[
        0
    ]
    assert audit.action == "actes.etat_vise"
    assert audit.data["visa"] == "V-77"
    assert audit.data["evenements"] == acte.evenements
    assert len(acte.evenements) == 1
    assert Transition.objects.filter(acte=acte, vers=Etat.VISE).count() == 1
    # the same visa again: nothing more
    services.reponse_appliquer(acte_id=acte.id, version=1, etat=Etat.VISE, numero_visa="V-77")
    assert Transition.objects.filter(acte=acte).count() == 5
    assert Agent.objects.get(id=agent.id).echelon == "4"
