"""The acts' facade for the exchange (#8): bordereaux to send with their lines, marking them sent,
the Treasury's responses and the pay integration."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from modules.actes import facade, services
from modules.actes.models import Acte, Etat, Observation
from modules.actes.tests.conftest import PDF, joindre_pieces, rejeter
from modules.unites.perimetres import TOUT

pytestmark = pytest.mark.django_db
SHA_PDF = hashlib.sha256(PDF).hexdigest()


def _valide(rediger, creer_agent, **agent) -> Acte:
    personne = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421", **agent)
    acte = rediger("avancement_echelon", agent=personne, date_effet=date(2026, 1, 1), echelon="4")
    joindre_pieces(acte)
    for type_piece in ("arrete", "autre"):
        services.piece_ajouter(
            auteur="redacteur",
            acte=acte,
            type_piece=type_piece,
            contenu=PDF,
            nom_fichier=f"{type_piece}.pdf",
        )
    retiree = acte.pieces.get(type_piece="autre")
    services.piece_retirer(auteur="redacteur", acte=acte, piece_id=retiree.id)
    return services.acte_valider(auteur="valideur", acte=acte)


def test_bordereaux_a_envoyer_par_emetteur_avec_leurs_lignes(
    creer_agent, rediger, django_assert_num_queries
):
    rabat = _valide(rediger, creer_agent, nom_fr="Amrani")
    fes = _valide(rediger, creer_agent, nom_fr="Bennani", unite="FES-RH", poste="")
    brouillon = rediger(
        "avancement_echelon",
        agent=creer_agent(commune_residence="04.421"),
        date_effet=date(2026, 1, 1),
        echelon="4",
    )
    assert facade.bordereaux_a_envoyer() == []
    crees = services.bordereaux_constituer(auteur="valideur", actes=[fes, rabat])
    annee = timezone.localdate().year
    assert [b.numero for b in crees] == [f"BE-{annee}-ORD-00001", f"BE-{annee}-FES-00001"]
    with django_assert_num_queries(8):  # 4 SELECTs, each after its search_path SET
        envoyer = facade.bordereaux_a_envoyer()
    assert [(b.numero, b.emetteur_code, b.cree_par) for b in envoyer] == [
        (f"BE-{annee}-ORD-00001", "", "valideur"),
        (f"BE-{annee}-FES-00001", "FES", "valideur"),
    ]
    ligne = envoyer[0].lignes[0]
    assert len(envoyer[0].lignes) == 1
    assert ligne == facade.LigneAEnvoyer(
        acte_id=rabat.id,
        numero=rabat.numero,
        version=1,
        type_code="avancement_echelon",
        date_effet=date(2026, 1, 1),
        agent_id=rabat.agent_id,
        agent_ppr=rabat.agent_ppr,
        agent_nom=rabat.agent_nom,
        unite_code="DRH",
        donnees=services.version_courante(rabat).donnees,
        impact=services.version_courante(rabat).impact,
        pieces=(
            facade.PieceEnvoyee("arrete", "arrete.pdf", SHA_PDF, len(PDF)),
        ),  # not the removed one
    )
    assert ligne.donnees["echelon"] == "4"
    assert ligne.impact["variation"]["traitement_base"] > 0
    assert [lg.acte_id for lg in envoyer[1].lignes] == [fes.id]
    assert envoyer[1].lignes[0].unite_code == "FES-RH"
    assert brouillon.id not in {lg.acte_id for b in envoyer for lg in b.lignes}


def test_marquer_envoye_une_fois(creer_agent, rediger):
    acte = _valide(rediger, creer_agent)
    (bordereau,) = services.bordereaux_constituer(auteur="valideur", actes=[acte])
    quand = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)
    facade.bordereau_marquer_envoye(bordereau_id=bordereau.id, envoye_le=quand)
    assert facade.bordereaux_a_envoyer() == []
    facade.bordereau_marquer_envoye(bordereau_id=bordereau.id)  # a retried sending
    bordereau.refresh_from_db()
    assert bordereau.envoye_le == quand
    audits = AuditEvent.objects.filter(object_type="bordereau", object_id=str(bordereau.id))
    assert list(audits.values_list("action", flat=True).order_by("seq")) == [
        "actes.bordereau_constituer",
        "actes.bordereau_envoye",
    ]
    with pytest.raises(ValidationError) as erreur:
        facade.bordereau_marquer_envoye(bordereau_id=0)
    assert erreur.value.messages == ["Bordereau 0 inconnu."]


def test_un_acte_renvoye_apres_rejet_part_avec_sa_nouvelle_version(creer_agent, rediger):
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
    acte = rejeter(acte, code="OBS-DUREE", champ="echelon", texte="Durée non atteinte")
    (premier,) = facade.bordereaux_a_envoyer()
    facade.bordereau_marquer_envoye(bordereau_id=premier.id)
    acte = services.acte_corriger(auteur="redacteur", acte=acte)
    acte = services.acte_modifier(
        auteur="redacteur",
        perimetre=TOUT,
        acte=acte,
        date_effet=date(2026, 2, 1),
        brutes={"echelon": "4"},
    )
    acte = services.acte_valider(auteur="valideur", acte=acte)
    services.bordereaux_constituer(auteur="valideur", actes=[acte])
    (second,) = facade.bordereaux_a_envoyer()
    assert second.id != premier.id
    assert [(lg.acte_id, lg.version, lg.date_effet) for lg in second.lignes] == [
        (acte.id, 2, date(2026, 2, 1))
    ]
    assert [(lg.version, lg.date_effet) for lg in premier.lignes] == [(1, date(2026, 1, 1))]
    # a late response on the rejected version is refused through the facade too
    with pytest.raises(ValidationError):
        facade.reponse_appliquer(acte_id=acte.id, version=1, etat="pris_en_charge")


def test_reponses_et_integration_par_la_facade(creer_agent, rediger):
    acte = _valide(rediger, creer_agent)
    services.bordereaux_constituer(auteur="valideur", actes=[acte])
    facade.reponse_appliquer(acte_id=acte.id, version=1, etat="pris_en_charge")
    facade.reponse_appliquer(
        acte_id=acte.id,
        version=1,
        etat="en_suspens",
        observations=[facade.ObservationRecue(code="OBS-PIECE", texte="PV illisible")],
    )
    facade.reponse_appliquer(acte_id=acte.id, version=1, etat="pris_en_charge")
    facade.reponse_appliquer(acte_id=acte.id, version=1, etat="vise", numero_visa="TM-2026-9")
    facade.acte_integrer_paie(acte_id=acte.id)
    facade.acte_integrer_paie(acte_id=acte.id)  # delivered twice
    acte.refresh_from_db()
    assert (acte.etat, acte.numero_visa) == (Etat.INTEGRE_PAIE, "TM-2026-9")
    assert list(Observation.objects.filter(acte=acte).values_list("version", "code")) == [
        (1, "OBS-PIECE")
    ]
    assert list(acte.transitions.values_list("vers", flat=True)) == [
        "brouillon",
        "valide",
        "transmis",
        "pris_en_charge",
        "en_suspens",
        "pris_en_charge",
        "vise",
        "integre_paie",
    ]
    assert services.version_courante(acte).issue == "vise"
