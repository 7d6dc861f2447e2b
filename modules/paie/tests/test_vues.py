"""Payroll pages: état totals exact against a hand-computed month (whole tenant and a unit's
subtree), perimeter (a unit-limited paie user sees only its subtree, other roles get 403, an
out-of-perimeter payslip is a 404), the access log, differences with the explaining act, the
work list's decisions with their audit, and the exports read back."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]

from audit.models import AccesDonnees, AuditEvent
from identity.permissions import SESSION_HABILITATIONS_KEY
from modules.actes.models import Acte, Etat
from modules.paie import actors, selectors
from modules.paie.models import EcartPaie, LignePaie, MoisPaie, StatutEcartPaie
from modules.paie.tests.outils import el, ligne, mois_creer
from modules.personnel.models import Agent
from modules.unites.perimetres import TOUT, Perimetre

OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)
IMP_A, IMP_B = "10.1.1.11", "20.2.2.22"


@pytest.fixture
def client_a(tenant_a, login_client):
    """A client on tenant A holding exactly these habilitations: ("paie", "DRH")…"""

    def login(*habilitations, username: str = "agent.test"):
        client = login_client(tenant_a, username=username, roles=())
        session = client.session
        session[SESSION_HABILITATIONS_KEY] = [list(h) for h in habilitations]
        session.save()
        return client

    return login


@pytest.fixture
def agents(creer_agent) -> dict[str, Agent]:
    return {
        "a": creer_agent(nom_fr="Amrani", commune_residence="04.421"),
        "b": creer_agent(nom_fr="Berrada", unite="PAIE", commune_residence="04.421"),
        "c": creer_agent(nom_fr="Cherkaoui", unite="FES-RH", commune_residence="04.421"),
    }


def _lignes(agents: dict[str, Agent], tb_a: int = 600_000) -> list[dict[str, object]]:
    a, b, c = agents["a"], agents["b"], agents["c"]
    return [
        ligne(a.ppr, [el("TB", "gain", tb_a), el("IR", "retenue", 50_000)], nom="Amrani Karim",
              agent_id=a.id, unite_code="DRH", imputation=IMP_A),
        ligne(b.ppr, [el("TB", "gain", 400_000), el("AF", "gain", 30_000),
                      el("CMR", "retenue", 40_000)], nom="Berrada Karim", agent_id=b.id,
              unite_code="PAIE", imputation=IMP_A),
        ligne(c.ppr, [el("TB", "gain", 500_000), el("OPP", "retenue", 20_000, "tresor")],
              nom="Cherkaoui Karim", agent_id=c.id, unite_code="FES-RH", imputation=IMP_B),
        ligne("9999999", [el("TB", "gain", 100_000)], nom="Inconnu Hamid", imputation=IMP_A),
    ]  # fmt: skip


@pytest.fixture
def novembre(agents) -> MoisPaie:
    return mois_creer(NOV, _lignes(agents))


def test_etat_tout_l_ordonnateur_exact(novembre) -> None:
    etat = selectors.etat_mois(perimetre=TOUT, mois=novembre)
    assert (etat.agents, etat.brut, etat.retenues, etat.net) == (4, 1_630_000, 110_000, 1_520_000)
    assert [(r.rubrique, r.sens, r.montant, r.agents) for r in etat.rubriques] == [
        ("AF", "gain", 30_000, 1),
        ("TB", "gain", 1_600_000, 4),
        ("CMR", "retenue", 40_000, 1),
        ("IR", "retenue", 50_000, 1),
        ("OPP", "retenue", 20_000, 1),
    ]
    assert [(g.cle, g.agents, g.brut, g.retenues, g.net) for g in etat.imputations] == [
        (IMP_A, 3, 1_130_000, 90_000, 1_040_000),
        (IMP_B, 1, 500_000, 20_000, 480_000),
    ]
    assert [(g.cle, g.agents, g.net) for g in etat.unites] == [
        ("", 1, 100_000),
        ("DRH", 1, 550_000),
        ("FES-RH", 1, 480_000),
        ("PAIE", 1, 390_000),
    ]


def test_etat_d_un_sous_arbre_exact(novembre) -> None:
    etat = selectors.etat_mois(perimetre=Perimetre(racines=frozenset({"DRH"})), mois=novembre)
    assert (etat.agents, etat.brut, etat.retenues, etat.net) == (2, 1_030_000, 90_000, 940_000)
    assert [(r.rubrique, r.montant, r.agents) for r in etat.rubriques] == [
        ("AF", 30_000, 1),
        ("TB", 1_000_000, 2),
        ("CMR", 40_000, 1),
        ("IR", 50_000, 1),
    ]
    assert [g.cle for g in etat.unites] == ["DRH", "PAIE"]


def test_pages_d_un_utilisateur_paie_limite_a_son_unite(client_a, agents, novembre) -> None:
    client = client_a(("paie", "DRH"))
    assert client.get(reverse("paie:mois")).status_code == 200
    page = client.get(reverse("paie:etat", args=[novembre.id]))
    assert page.status_code == 200
    assert [x.ppr for x in page.context["page"].lignes] == [agents["a"].ppr, agents["b"].ppr]
    assert page.context["etat"].net == 940_000
    # The list page is a read of their pay: logged for the two agents shown, no one else.
    assert set(AccesDonnees.objects.values_list("agent_id", "nature")) == {
        (agents["a"].id, "liste"),
        (agents["b"].id, "liste"),
    }
    hors = LignePaie.objects.get(mois=novembre, ppr=agents["c"].ppr)
    inconnu = LignePaie.objects.get(mois=novembre, ppr="9999999")
    for ligne_id in (hors.id, inconnu.id):
        assert client.get(reverse("paie:bulletin", args=[novembre.id, ligne_id])).status_code == 404
        url = reverse("paie:bulletin_pdf", args=[novembre.id, ligne_id])
        assert client.get(url).status_code == 404
    assert client.get(reverse("paie:etat", args=[novembre.id + 999])).status_code == 404


@pytest.mark.parametrize("role", ["gestionnaire", "valideur", "lecture", "admin", "budget"])
def test_autres_roles_refuses(client_a, novembre, role) -> None:
    client = client_a((role, None))
    ligne_id = LignePaie.objects.filter(mois=novembre).values_list("id", flat=True).first()
    for url in (
        reverse("paie:mois"),
        reverse("paie:etat", args=[novembre.id]),
        reverse("paie:bulletin", args=[novembre.id, ligne_id]),
        reverse("paie:differences", args=[novembre.id]),
        reverse("paie:ecarts", args=[novembre.id]),
        reverse("paie:etat_export", args=[novembre.id, "csv"]),
    ):
        assert client.get(url).status_code == 403, url
    assert not AccesDonnees.objects.exists()


def test_bulletin_journalise_et_affiche(client_a, agents, novembre) -> None:
    client = client_a(("paie", None))
    b = LignePaie.objects.get(mois=novembre, ppr=agents["b"].ppr)
    page = client.get(reverse("paie:bulletin", args=[novembre.id, b.id]))
    assert page.status_code == 200
    assert [e["code"] for e in page.context["gains"]] == ["TB", "AF"]
    assert "3 900,00" in page.content.decode().replace("\u202f", " ").replace("\xa0", " ")
    assert list(AccesDonnees.objects.values_list("agent_id", "nature")) == [
        (agents["b"].id, "paie")
    ]


def test_differences_et_acte_explicatif(client_a, agents) -> None:
    octobre = mois_creer(OCT, _lignes(agents, tb_a=550_000), sequence=1)
    nov_lignes = _lignes(agents)
    del nov_lignes[2]  # C is no longer paid in November
    novembre = mois_creer(NOV, nov_lignes, sequence=2)
    a = agents["a"]
    acte = Acte.objects.create(
        numero="2026-000042", type_code="avancement_echelon", etat=Etat.VISE, agent_id=a.id,
        agent_ppr=a.ppr, agent_nom="Amrani Karim", unite_code="DRH", date_effet=date(2026, 11, 1),
        cree_par="tests", numero_visa="V-77", vise_le=timezone.make_aware(datetime(2026, 11, 10)),
    )  # fmt: skip
    # An act of the same agent visé long ago and effective long ago explains nothing.
    Acte.objects.create(
        numero="2025-000001", type_code="mutation", etat=Etat.VISE, agent_id=a.id,
        agent_ppr=a.ppr, unite_code="DRH", date_effet=date(2025, 1, 1), cree_par="tests",
        numero_visa="V-1", vise_le=timezone.make_aware(datetime(2025, 1, 10)),
    )  # fmt: skip
    page = client_a(("paie", None)).get(reverse("paie:differences", args=[novembre.id]))
    assert page.context["precedent"] == octobre
    diffs = {d.ppr: d for d in page.context["differences"]}
    assert set(diffs) == {a.ppr, agents["c"].ppr}
    da = diffs[a.ppr]
    assert (da.genre, da.net_avant, da.net_apres, da.ecart) == (
        "variation",
        500_000,
        550_000,
        50_000,
    )
    assert [(e.code, e.avant, e.apres, e.ecart) for e in da.elements] == [
        ("TB", 550_000, 600_000, 50_000)
    ]
    assert [(x.numero, x.numero_visa) for x in da.actes] == [(acte.numero, "V-77")]
    dc = diffs[agents["c"].ppr]
    assert (dc.genre, dc.net_avant, dc.net_apres, dc.actes) == ("sortie", 480_000, 0, [])
    # A FES-limited reader sees only C's departure.
    fes = client_a(("paie", "FES"), username="fes.paie")
    page = fes.get(reverse("paie:differences", args=[novembre.id]))
    assert [d.ppr for d in page.context["differences"]] == [agents["c"].ppr]

    export = fes.get(reverse("paie:differences_export", args=[novembre.id, "xlsx"]))
    lignes = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert lignes[1][:4] == (agents["c"].ppr, "Cherkaoui Karim", "FES-RH", "sortie")
    assert Decimal(str(lignes[1][6])) == Decimal("4800.00")


def test_exports_etat_relus(client_a, novembre) -> None:
    client = client_a(("paie", "DRH"))
    reponse = client.get(reverse("paie:etat_export", args=[novembre.id, "xlsx"]))
    assert reponse["Content-Type"].startswith("application/vnd.openxmlformats")
    classeur = load_workbook(io.BytesIO(reponse.content))
    rubriques = list(classeur["Rubriques"].iter_rows(values_only=True))
    assert rubriques[1:] == [
        ("AF", "Libellé AF", "gain", 300, 1),
        ("TB", "Libellé TB", "gain", 10_000, 2),
        ("CMR", "Libellé CMR", "retenue", 400, 1),
        ("IR", "Libellé IR", "retenue", 500, 1),
    ]
    imputations = list(classeur["Imputations"].iter_rows(values_only=True))
    assert imputations[-1] == ("Total", 2, 10_300, 900, 9_400)

    brut = client.get(reverse("paie:etat_export", args=[novembre.id, "csv"])).content
    texte = brut.decode("utf-8-sig")
    lus = list(csv.reader(io.StringIO(texte), delimiter=";"))
    assert lus[0] == ["Rubriques"]
    assert ["TB", "Libellé TB", "gain", "10000.00", "2"] in lus
    assert ["Total", "2", "10300.00", "900.00", "9400.00"] in lus
    assert client.get(reverse("paie:etat_export", args=[novembre.id, "pdf"])).status_code == 404


@pytest.fixture
def ecarts(novembre) -> list[EcartPaie]:
    def ecart(ppr: str, unite: str, nature: str) -> EcartPaie:
        return EcartPaie.objects.create(
            mois=novembre, ppr=ppr, unite_code=unite, nature=nature, nom=f"Agent {ppr}",
            attendu=500_000, paye=550_000,
        )  # fmt: skip

    return [ecart("1", "DRH", "montant"), ecart("2", "FES-RH", "non_paye")]


def test_decision_sur_un_ecart_auditee(client_a, novembre, ecarts) -> None:
    client = client_a(("paie", "DRH"))
    url = reverse("paie:ecart_traiter", args=[ecarts[0].id])
    client.post(url, {"statut": "explique", "commentaire": ""})
    ecarts[0].refresh_from_db()
    assert ecarts[0].statut == StatutEcartPaie.OUVERT
    assert not AuditEvent.objects.filter(action="paie.ecart_traiter").exists()

    reponse = client.post(url, {"statut": "explique", "commentaire": "Avancement en cours"})
    assert reponse.status_code == 302
    ecarts[0].refresh_from_db()
    assert (ecarts[0].statut, ecarts[0].commentaire, ecarts[0].traite_par) == (
        "explique", "Avancement en cours", "agent.test",
    )  # fmt: skip
    audit = AuditEvent.objects.get(action="paie.ecart_traiter")
    assert (audit.object_id, audit.data["avant"], audit.data["statut"]) == (
        str(ecarts[0].id), "ouvert", "explique",
    )  # fmt: skip
    # Out of the perimeter: the same 404 as a missing gap, nothing written.
    hors = client.post(
        reverse("paie:ecart_traiter", args=[ecarts[1].id]),
        {"statut": "corrige", "commentaire": "x"},
    )
    assert hors.status_code == 404
    ecarts[1].refresh_from_db()
    assert ecarts[1].statut == StatutEcartPaie.OUVERT

    page = client.get(reverse("paie:ecarts", args=[novembre.id]), {"statut": ""})
    assert [e.ppr for e in page.context["page"].object_list] == ["1"]
    page = client.get(reverse("paie:ecarts", args=[novembre.id]), {"statut": "ouvert"})
    assert list(page.context["page"].object_list) == []


def test_liste_des_ecarts_filtree_et_exportee(client_a, novembre, ecarts) -> None:
    client = client_a(("paie", None))
    url = reverse("paie:ecarts", args=[novembre.id])
    assert [e.ppr for e in client.get(url).context["page"].object_list] == ["1", "2"]
    assert [e.ppr for e in client.get(url, {"unite": "FES"}).context["page"].object_list] == ["2"]
    filtre = {"nature": "montant"}
    assert [e.ppr for e in client.get(url, filtre).context["page"].object_list] == ["1"]
    export = client.get(reverse("paie:ecarts_export", args=[novembre.id, "xlsx"]), filtre)
    lignes = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert lignes[1:] == [
        ("1", "Agent 1", "DRH", "Montant différent du calcul attendu", 5000, 5500, "À examiner",
         None, None),
    ]  # fmt: skip


def test_relancer_la_comparaison(
    tenant_a, client_a, novembre, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    lances: list[tuple[str, int]] = []
    monkeypatch.setattr(
        actors,
        "ecarts_calculer_lancer",
        lambda **kw: lances.append((kw["schema_name"], kw["mois_id"])),
    )
    lecteur = client_a(("paie", None))
    with django_capture_on_commit_callbacks(execute=True):
        reponse = lecteur.post(reverse("paie:ecarts_relancer", args=[novembre.id]))
    assert reponse.status_code == 302
    assert lances == [(tenant_a.schema_name, novembre.id)]
    assert (
        AuditEvent.objects.filter(action="paie.ecarts_relancer", object_id=str(novembre.id)).count()
        == 1
    )


def test_bulletin_pdf_bilingue(client_a, agents, novembre) -> None:
    from documents import facade as documents

    client = client_a(("paie", "DRH"))
    b = LignePaie.objects.get(mois=novembre, ppr=agents["b"].ppr)
    reponse = client.get(reverse("paie:bulletin_pdf", args=[novembre.id, b.id]))
    assert reponse["Content-Type"] == "application/pdf"
    texte = documents.normaliser_texte(documents.texte_depuis_pdf(reponse.content))
    for attendu in (
        "Bulletin de paie",
        "Berrada Karim",
        agents["b"].ppr,
        "Libellé AF",
        "Net à payer",
        documents.normaliser_texte(documents.montant_lettres_fr(Decimal("3900.00"))),
        documents.normaliser_texte(documents.date_fr(date(2026, 11, 27))),
    ):
        assert attendu in texte, attendu
    assert "الصافي" in texte or "ﺍﻟﺼﺎﻓﻲ" in texte
    assert list(AccesDonnees.objects.values_list("agent_id", "nature", "details")) == [
        (agents["b"].id, "paie", "bulletin PDF 2026-11")
    ]


def test_differences_par_pages(client_a, agents, monkeypatch) -> None:
    from modules.paie import views

    mois_creer(OCT, _lignes(agents, tb_a=550_000)[:2], sequence=1)
    novembre = mois_creer(NOV, _lignes(agents), sequence=2)  # A changes; C and the PPR arrive
    monkeypatch.setattr(views, "TAILLE_DIFFERENCES", 2)
    client = client_a(("paie", None))
    url = reverse("paie:differences", args=[novembre.id])
    premiere = client.get(url)
    assert premiere.context["nombre"] == 3
    assert [d.nom for d in premiere.context["differences"]] == ["Amrani Karim", "Cherkaoui Karim"]
    seconde = client.get(url, {"apres": premiere.context["suivant"]})
    assert [(d.nom, d.genre) for d in seconde.context["differences"]] == [
        ("Inconnu Hamid", "entree")
    ]
    assert seconde.context["suivant"] is None


def test_pages_sans_requete_par_agent(client_a, agents, novembre) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_a(("paie", "DRH"))
    urls = [
        reverse("paie:mois"),
        reverse("paie:etat", args=[novembre.id]),
        reverse("paie:ecarts", args=[novembre.id]),
        reverse("paie:differences", args=[novembre.id]),
    ]

    def compter() -> list[int]:
        nombres = []
        for url in urls:
            with CaptureQueriesContext(connection) as requetes:
                assert client.get(url).status_code == 200
            nombres.append(len(requetes))
        return nombres

    EcartPaie.objects.create(mois=novembre, ppr=agents["a"].ppr, unite_code="DRH", nature="montant")
    avant = compter()
    LignePaie.objects.bulk_create(
        LignePaie(mois=novembre, **ligne(f"88000{i:02d}", [el("TB", "gain", 1000 + i)],
                                         unite_code="PAIE", imputation=IMP_A))
        for i in range(30)
    )  # fmt: skip
    EcartPaie.objects.bulk_create(
        EcartPaie(mois=novembre, ppr=f"88000{i:02d}", unite_code="PAIE", nature="montant")
        for i in range(30)
    )
    assert compter() == avant


def test_liste_des_mois_par_perimetre(agents, novembre) -> None:
    octobre = mois_creer(OCT, _lignes(agents)[:1], sequence=1)
    tout = selectors.mois_liste(perimetre=TOUT)
    assert [(m.id, m.agents, m.brut, m.retenues, m.net) for m in tout] == [
        (novembre.id, 4, 1_630_000, 110_000, 1_520_000),
        (octobre.id, 1, 600_000, 50_000, 550_000),
    ]
    fes = selectors.mois_liste(perimetre=Perimetre(racines=frozenset({"FES"})))
    assert [(m.id, m.agents, m.net) for m in fes] == [(novembre.id, 1, 480_000), (octobre.id, 0, 0)]


def test_position_de_sante_masquee_sans_le_droit(client_a, agents) -> None:
    """A health-related position (law 09-08) reads « Congé (détail réservé) » on the payslip
    and in the gaps' detail, unless the person also holds a role allowed sensitive data over
    the agent's unit; other positions read by their label, not their code."""
    a = agents["a"]
    mois = mois_creer(
        NOV,
        [
            ligne(a.ppr, [el("TB", "gain", 300_000)], nom="Amrani Karim", agent_id=a.id,
                  unite_code="DRH", position="conge_maladie_longue"),
            ligne(agents["b"].ppr, [el("TB", "gain", 400_000)], nom="Berrada Karim",
                  agent_id=agents["b"].id, unite_code="PAIE", position="mise_a_disposition"),
        ],
    )  # fmt: skip
    EcartPaie.objects.create(
        mois=mois, ppr=a.ppr, agent_id=a.id, unite_code="DRH", nature="situation",
        nom="Amrani Karim", attendu=600_000, paye=300_000,
        detail={"champs": [{"champ": "position", "rh": "activite",
                            "paie": "conge_maladie_longue"}]},
    )  # fmt: skip
    la = LignePaie.objects.get(mois=mois, ppr=a.ppr)
    lb = LignePaie.objects.get(mois=mois, ppr=agents["b"].ppr)
    bulletin = reverse("paie:bulletin", args=[mois.id, la.id])
    liste = reverse("paie:ecarts", args=[mois.id])

    paie_seul = client_a(("paie", None))
    page = paie_seul.get(bulletin)
    assert page.context["position"] == "Congé (détail réservé)"
    assert "conge_maladie_longue" not in page.content.decode()
    assert "longue durée" not in page.content.decode()
    assert (
        paie_seul.get(reverse("paie:bulletin", args=[mois.id, lb.id])).context["position"]
        == "Mise à disposition"
    )
    (ecart,) = paie_seul.get(liste).context["page"].object_list
    assert ecart.affiche["champs"] == [
        {"champ": "Position", "rh": "Activité", "paie": "Congé (détail réservé)"}
    ]
    assert "longue durée" not in paie_seul.get(liste).content.decode()

    # the same person with a role allowed sensitive data, but over another subtree: still masked
    ailleurs = client_a(("paie", None), ("gestionnaire", "FES"), username="autre.test")
    assert ailleurs.get(bulletin).context["position"] == "Congé (détail réservé)"
    # over the agent's unit: the label
    rh = client_a(("paie", None), ("gestionnaire", "DRH"), username="rh.test")
    assert rh.get(bulletin).context["position"] == "Congé de maladie de longue durée"
    (ecart,) = rh.get(liste).context["page"].object_list
    assert ecart.affiche["champs"][0]["paie"] == "Congé de maladie de longue durée"
