"""The paie port through the gateway: a month's file becomes lines (agent and unit resolved by
PPR), totals computed in SQL equal to the trailer's; a corrected file replaces the month; a
replayed, tampered or inconsistent file changes nothing; the paie role is notified and the
HR ↔ pay comparison queued after the commit."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tenants.utils import schema_context

from audit.models import AuditEvent
from exchange import cles, passerelle
from exchange.depot import Depot
from exchange.models import Fichier, Statut
from exchange.protocole.fichiers import FichierEchange
from exchange.protocole.manifeste import Manifeste
from identity.models import HabilitationCopie
from modules.notifications.models import Notification
from modules.paie import actors, echange
from modules.paie.models import LignePaie, MoisPaie, TotalPaie
from modules.personnel.models import Agent

TRESOR = "TGR:WADEF"


@pytest.fixture
def depot(tmp_path: Path, tenant_a) -> Depot:
    cles.cle_creer(partie=TRESOR, auteur="tests")
    return Depot(tmp_path)


@pytest.fixture
def comparaisons(monkeypatch) -> list[tuple[str, int]]:
    """The HR ↔ pay comparisons queued (the job itself is the paie module's, tested there)."""
    lances: list[tuple[str, int]] = []

    def lancer(*, schema_name: str, mois_id: int) -> None:
        lances.append((schema_name, mois_id))

    monkeypatch.setattr(actors, "ecarts_calculer_lancer", lancer)
    return lances


def element(code: str, sens: str, montant: str, origine: str = "engine") -> dict[str, Any]:
    return {"code": code, "libelle": f"Libellé {code}", "sens": sens, "montant": montant,
            "origine": origine}  # fmt: skip


def agent(ppr: str, imputation: str, elements: list[dict[str, Any]]) -> dict[str, Any]:
    def somme(sens: str) -> int:
        return sum(int(e["montant"].replace(".", "")) for e in elements if e["sens"] == sens)

    brut, retenues = somme("gain"), somme("retenue")
    return {
        "type": "agent", "ppr": ppr, "nom": "Alaoui", "prenom": "Karim",
        "administrative": {"grade": "ADM-2", "echelle": "10", "echelon": "3", "indice": 403,
                           "position": "activite", "statut": "titulaire"},
        "imputation": imputation, "elements": elements,
        "brut": echange._dh(brut), "retenues": echange._dh(retenues),
        "net": echange._dh(brut - retenues),
    }  # fmt: skip


def fichier_paie(partie: str, agents: list[dict[str, Any]], mois: str = "2026-11") -> list[Any]:
    """Header, agents, trailer — the totals computed here independently of the receiver."""
    totaux: dict[tuple[str, str, str], list[int]] = {}
    for a in agents:
        for e in a["elements"]:
            t = totaux.setdefault((a["imputation"], e["code"], e["sens"]), [0, 0])
            t[0] += int(e["montant"].replace(".", ""))
            t[1] += 1
    brut = sum(int(a["brut"].replace(".", "")) for a in agents)
    retenues = sum(int(a["retenues"].replace(".", "")) for a in agents)
    entete = {
        "type": "entete", "mois": mois, "ordonnateur": partie, "date_arret": f"{mois}-20",
        "date_paiement": f"{mois}-27", "agents": len(agents), "brut": echange._dh(brut),
        "retenues": echange._dh(retenues), "net": echange._dh(brut - retenues),
    }  # fmt: skip
    pied = [
        {"type": "total", "imputation": i, "rubrique": r, "libelle": f"Libellé {r}", "sens": s,
         "montant": echange._dh(m), "agents": n}
        for (i, r, s), (m, n) in sorted(totaux.items())
    ]  # fmt: skip
    return [entete, *agents, *pied]


def recevoir(depot: Depot, partie: str, capture, lignes: list[Any]) -> Fichier:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        passerelle.fichier_emettre(
            depot=depot, emetteur=TRESOR, destinataire=partie, flux="paie", enregistrements=lignes
        )  # fmt: skip
    with capture(execute=True):
        (fichier,) = passerelle.boite_traiter(depot=depot, destinataire=partie)
    return fichier


def contenu() -> list[tuple[Any, ...]]:
    return list(
        LignePaie.objects.order_by("ppr").values_list(
            "mois__mois", "ppr", "agent_id", "unite_code", "imputation", "brut", "retenues", "net"
        )
    )


def test_nom_de_la_table_des_agents():
    assert Agent._meta.db_table == echange.TABLE_AGENTS


def test_mois_integre_resolu_totalise_notifie(
    depot, creer_agent, tenant_a, django_capture_on_commit_callbacks, comparaisons
):
    partie = f"ORD:{tenant_a.code}"
    drh = creer_agent(unite="DRH")
    paie = creer_agent(unite="PAIE")
    sub = "sub-gestionnaire-paie"
    get_user_model().objects.create(username="lecteur.paie", keycloak_sub=sub)
    HabilitationCopie.objects.create(
        tenant_schema=tenant_a.schema_name, user_sub=sub, role="paie", refreshed_at=timezone.now()
    )
    lignes = fichier_paie(
        partie,
        [
            agent(drh.ppr, "1.1", [element("TB", "gain", "2229.06"),
                                   element("CMR", "retenue", "390.09")]),
            agent(paie.ppr, "1.1", [element("TB", "gain", "1000.00"),
                                    element("PRET", "retenue", "350.00", "tresor")]),
            agent("9999999", "2.2", [element("TB", "gain", "500.50")]),
        ],
    )  # fmt: skip
    fichier = recevoir(depot, partie, django_capture_on_commit_callbacks, lignes)
    assert fichier.statut == Statut.INTEGRE, fichier.rapport
    assert fichier.resultat["appliques"] == 3
    assert fichier.resultat["signales"] == 1  # the unknown PPR
    mois = MoisPaie.objects.get()
    assert (mois.agents, mois.brut, mois.retenues, mois.net) == (3, 372956, 74009, 298947)
    assert (str(mois.date_arret), str(mois.date_paiement)) == ("2026-11-20", "2026-11-27")
    assert contenu() == sorted(
        [
            (mois.mois, drh.ppr, drh.id, "DRH", "1.1", 222906, 39009, 183897),
            (mois.mois, paie.ppr, paie.id, "PAIE", "1.1", 100000, 35000, 65000),
            (mois.mois, "9999999", None, "", "2.2", 50050, 0, 50050),
        ],
        key=lambda t: t[1],
    )
    ligne = LignePaie.objects.get(ppr=paie.ppr)
    assert ligne.elements[1] == {
        "code": "PRET", "libelle": "Libellé PRET", "libelle_ar": "", "sens": "retenue",
        "montant": 35000, "origine": "tresor",
    }  # fmt: skip
    assert (ligne.grade, ligne.echelon, ligne.indice, ligne.position) == (
        "ADM-2", "3", 403, "activite"
    )  # fmt: skip
    totaux = set(
        TotalPaie.objects.values_list("imputation", "rubrique", "sens", "montant", "agents")
    )
    assert totaux == {
        ("1.1", "TB", "gain", 322906, 2),
        ("1.1", "CMR", "retenue", 39009, 1),
        ("1.1", "PRET", "retenue", 35000, 1),
        ("2.2", "TB", "gain", 50050, 1),
    }
    assert comparaisons == [(tenant_a.schema_name, mois.id)]
    (note,) = Notification.objects.filter(destinataire="lecteur.paie")
    assert note.categorie == "paie.mois"
    assert "11/2026" in note.titre
    assert note.lien == f"/paie/{mois.id}/"
    assert AuditEvent.objects.filter(action="paie.mois_recevoir").count() == 1


def test_fichier_corrige_remplace_le_mois_rejeu_ne_change_rien(
    depot, creer_agent, tenant_a, django_capture_on_commit_callbacks, comparaisons
):
    partie = f"ORD:{tenant_a.code}"
    a, b = creer_agent(), creer_agent()
    premier = fichier_paie(
        partie, [agent(a.ppr, "1.1", [element("TB", "gain", "100.00")]),
                 agent(b.ppr, "1.1", [element("TB", "gain", "200.00")])],
    )  # fmt: skip
    recevoir(depot, partie, django_capture_on_commit_callbacks, premier)
    mois_id = MoisPaie.objects.get().id
    # The Treasury corrects the month: b's opposition, a no longer paid.
    corrige = fichier_paie(
        partie, [agent(b.ppr, "1.1", [element("TB", "gain", "200.00"),
                                      element("OPP", "retenue", "50.00", "tresor")])],
    )  # fmt: skip
    fichier = recevoir(depot, partie, django_capture_on_commit_callbacks, corrige)
    assert fichier.statut == Statut.INTEGRE, fichier.rapport
    mois = MoisPaie.objects.get()
    assert mois.id == mois_id
    assert (mois.agents, mois.brut, mois.retenues, mois.net, mois.sequence) == (
        1, 20000, 5000, 15000, 2
    )  # fmt: skip
    assert contenu() == [(mois.mois, b.ppr, b.id, "DRH", "1.1", 20000, 5000, 15000)]
    assert set(TotalPaie.objects.values_list("rubrique", "montant")) == {
        ("TB", 20000), ("OPP", 5000)
    }  # fmt: skip
    assert comparaisons == [(tenant_a.schema_name, mois_id)] * 2
    # The same file delivered again: a replay, nothing changes, no comparison, no notification.
    avant = (contenu(), list(TotalPaie.objects.values_list("id", "montant")))
    archive = FichierEchange(Path(fichier.chemin))
    depot.deposer(archive, destinataire=partie)
    with django_capture_on_commit_callbacks(execute=True):
        (rejeu,) = passerelle.boite_traiter(depot=depot, destinataire=partie)
    assert rejeu.statut == Statut.REJOUE
    assert (contenu(), list(TotalPaie.objects.values_list("id", "montant"))) == avant
    assert len(comparaisons) == 2


def _refuse(depot: Depot, partie: str, capture, lignes: list[Any]) -> Fichier:  # type: ignore[no-untyped-def]
    fichier = recevoir(depot, partie, capture, lignes)
    assert fichier.statut == Statut.QUARANTAINE
    assert not MoisPaie.objects.exists()
    assert not LignePaie.objects.exists()
    assert not TotalPaie.objects.exists()
    # the operator's decision: that number will never be applied (so the next file is not held)
    passerelle.sequence_sauter(
        emetteur=TRESOR, destinataire=partie, flux="paie", jusqu_a=fichier.sequence or 0,
        motif="fichier refusé, le Trésor renvoie", auteur="tests",
    )  # fmt: skip
    return fichier


def test_total_du_pied_faux_refuse_le_fichier_entier(
    depot, creer_agent, tenant_a, django_capture_on_commit_callbacks, comparaisons
):
    partie = f"ORD:{tenant_a.code}"
    a = creer_agent()
    elements = [element("TB", "gain", "100.00"), element("AMO", "retenue", "7.00")]
    lignes = fichier_paie(partie, [agent(a.ppr, "1.1", elements)])
    faux = copy.deepcopy(lignes)
    (amo,) = [ligne for ligne in faux if ligne.get("rubrique") == "AMO"]
    amo["montant"] = "7.01"
    fichier = _refuse(depot, partie, django_capture_on_commit_callbacks, faux)
    assert fichier.code_erreur == "E-APPLICATION"
    assert "annoncé 7.01 (1), somme des lignes 7.00 (1)" in fichier.rapport
    assert comparaisons == []


def test_total_manquant_ou_entete_faux_refuse(
    depot, creer_agent, tenant_a, django_capture_on_commit_callbacks, comparaisons
):
    partie = f"ORD:{tenant_a.code}"
    a = creer_agent()
    elements = [element("TB", "gain", "100.00"), element("AMO", "retenue", "7.00")]
    lignes = fichier_paie(partie, [agent(a.ppr, "1.1", elements)])
    sans_total = [ligne for ligne in lignes if ligne.get("rubrique") != "AMO"]
    fichier = _refuse(depot, partie, django_capture_on_commit_callbacks, sans_total)
    assert "annoncé absent, somme des lignes 7.00 (1)" in fichier.rapport
    entete_faux = copy.deepcopy(lignes)
    entete_faux[0]["net"] = "93.01"
    fichier = _refuse(depot, partie, django_capture_on_commit_callbacks, entete_faux)
    assert "net annoncé 93.01, somme des lignes 93.00" in fichier.rapport


def test_ligne_incoherente_ou_ppr_double_refuse(
    depot, creer_agent, tenant_a, django_capture_on_commit_callbacks
):
    partie = f"ORD:{tenant_a.code}"
    a = creer_agent()
    ligne = agent(a.ppr, "1.1", [element("TB", "gain", "100.00")])
    incoherente = copy.deepcopy(fichier_paie(partie, [ligne]))
    incoherente[1]["net"] = "90.00"
    fichier = _refuse(depot, partie, django_capture_on_commit_callbacks, incoherente)
    assert "Ligne 2" in fichier.rapport
    double = fichier_paie(partie, [ligne, ligne])
    fichier = _refuse(depot, partie, django_capture_on_commit_callbacks, double)
    assert f"Le PPR {a.ppr} figure plusieurs fois" in fichier.rapport


def test_ligne_hors_schema_refuse_le_fichier_entier(
    depot, creer_agent, tenant_a, django_capture_on_commit_callbacks, comparaisons
):
    """The schema of each line is checked in the receiver's one pass: an invalid line after
    valid ones (already sent to COPY) leaves nothing behind, and is named."""
    partie = f"ORD:{tenant_a.code}"
    a, b = creer_agent(), creer_agent()
    lignes = fichier_paie(
        partie,
        [
            agent(a.ppr, "1.1", [element("TB", "gain", "100.00")]),
            agent(b.ppr, "1.1", [element("TB", "gain", "100.00", origine="banque")]),
        ],
    )
    fichier = _refuse(depot, partie, django_capture_on_commit_callbacks, lignes)
    assert fichier.code_erreur == "E-SCHEMA"
    assert "ligne 3, champ « elements[0].origine » : une valeur parmi engine, tresor" in (
        fichier.rapport
    )
    assert comparaisons == []


def test_imputation_ou_rubrique_trop_longue_refusee_nommee(
    depot, creer_agent, tenant_a, django_capture_on_commit_callbacks
):
    """Wider than the month's tables: refused by name, not truncated (a truncated imputation
    would no longer match the trailer) nor left to a database error."""
    partie = f"ORD:{tenant_a.code}"
    a = creer_agent()
    longue = "2026." + "9" * 60
    lignes = fichier_paie(partie, [agent(a.ppr, longue, [element("TB", "gain", "100.00")])])
    fichier = _refuse(depot, partie, django_capture_on_commit_callbacks, lignes)
    assert (fichier.code_erreur, fichier.statut) == ("E-APPLICATION", Statut.QUARANTAINE)
    assert "Ligne 2 : imputation « 2026.999" in fichier.rapport
    assert "trop long (60 caractères au plus)" in fichier.rapport
    code = "R" * 41
    lignes = fichier_paie(partie, [agent(a.ppr, "1.1", [element(code, "gain", "100.00")])])
    fichier = _refuse(depot, partie, django_capture_on_commit_callbacks, lignes)
    assert f"Ligne 2 : elements.code « {code} » trop long (40 caractères au plus)" in (
        fichier.rapport
    )


def test_fichier_altere_ne_change_rien(
    depot, creer_agent, tenant_a, django_capture_on_commit_callbacks, comparaisons
):
    partie = f"ORD:{tenant_a.code}"
    a = creer_agent()
    lignes = fichier_paie(partie, [agent(a.ppr, "1.1", [element("TB", "gain", "100.00")])])
    with django_capture_on_commit_callbacks(execute=True):
        passerelle.fichier_emettre(
            depot=depot, emetteur=TRESOR, destinataire=partie, flux="paie", enregistrements=lignes
        )  # fmt: skip
    (recu,) = depot.complets(partie)
    recu.charge.write_bytes(recu.charge.read_bytes().replace(b'"100.00"', b'"900.00"'))
    with django_capture_on_commit_callbacks(execute=True):
        (fichier,) = passerelle.boite_traiter(depot=depot, destinataire=partie)
    assert (fichier.statut, fichier.code_erreur) == (Statut.QUARANTAINE, "E-EMPREINTE")
    assert not MoisPaie.objects.exists()
    assert not LignePaie.objects.exists()
    assert comparaisons == []


def test_ordre_des_enregistrements_impose(
    depot, creer_agent, tenant_a, django_capture_on_commit_callbacks
):
    partie = f"ORD:{tenant_a.code}"
    a, b = creer_agent(), creer_agent()
    lignes = fichier_paie(
        partie,
        [
            agent(a.ppr, "1.1", [element("TB", "gain", "100.00")]),
            agent(b.ppr, "1.1", [element("TB", "gain", "100.00")]),
        ],
    )
    desordre = [lignes[0], lignes[1], lignes[3], lignes[2]]  # a total before the last agent
    fichier = _refuse(depot, partie, django_capture_on_commit_callbacks, desordre)
    assert "Ligne 4 : enregistrement « agent » inattendu ici" in fichier.rapport


def test_sans_chemin_de_charge_les_enregistrements_sont_ecrits_puis_charges(
    creer_agent, tenant_a, comparaisons
):
    """A caller that has only the records (no verified payload on disk) gets the same result."""
    partie = f"ORD:{tenant_a.code}"
    a = creer_agent()
    lignes = fichier_paie(partie, [agent(a.ppr, "3.3", [element("TB", "gain", "321.09")])])
    manifeste = Manifeste(
        emetteur=TRESOR, destinataire=partie, flux="paie", sequence=7, enregistrements=3,
        sha256="0" * 64, cle="k", cree_le="2026-11-28T10:00:00+00:00",
    )  # fmt: skip
    with schema_context(tenant_a.schema_name):
        rapport = echange.paie_recevoir(manifeste=manifeste, enregistrements=iter(lignes))
        assert rapport.appliques == 1
        assert contenu() == [(date(2026, 11, 1), a.ppr, a.id, "DRH", "3.3", 32109, 0, 32109)]
        assert list(TotalPaie.objects.values_list("rubrique", "montant", "agents")) == [
            ("TB", 32109, 1)
        ]
