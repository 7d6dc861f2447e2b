"""Personnel pages: perimeter, masking per role, search, keyset pages, pinned query counts,
the agent page (timeline, situation at a date, pay elements) and the forms."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django_tenants.utils import schema_context

from audit.models import AuditEvent
from modules.personnel import journal_acces, normalisation, services
from modules.personnel.models import Agent, Enfant, EvenementCarriere, PieceJustificative
from modules.personnel.tests.conftest import rib_valide
from tenants.models import InscriptionPpr

pytestmark = pytest.mark.django_db

LISTE = "/personnel/"


def _fiche(agent_id: int) -> str:
    return f"/personnel/{agent_id}/"


def _lignes(html: str) -> list[str]:
    """PPRs of the rows of a list page or fragment, in order."""
    return re.findall(r'<tr id="agent-\d+">\s*<td><code>(\d+)</code>', html)


@pytest.fixture
def consultations(monkeypatch):
    """What the pages record in the access log."""
    appels: list[tuple[str, str, list[int]]] = []

    def enregistrer(*, acteur, nature, agent_ids, details=""):
        appels.append((acteur, nature, list(agent_ids)))

    monkeypatch.setattr(journal_acces, "consultation", enregistrer)
    return appels


@pytest.fixture
def deux_branches(creer_agent):
    """An agent in RABAT/DRH and one in FES/FES-RH, both with CIN and RIB."""
    return {
        "rabat": creer_agent(
            ppr="2000001", unite="DRH", nom_fr="Alaoui", cin="AB123456", rib=rib_valide(1)
        ),
        "fes": creer_agent(
            ppr="2000002",
            unite="FES-RH",
            nom_fr="Berrada",
            prenom_fr="Salma",
            nom_ar="برادة",
            prenom_ar="سلمى",
            sexe="F",
            cin="C987654",
            rib=rib_valide(2),
        ),
    }


# --- Perimeter ------------------------------------------------------------------------------


def test_a_perimeter_lists_its_branch_only_and_the_other_is_404(deux_branches, client_a):
    client = client_a(("gestionnaire", "FES"))
    page = client.get(LISTE)
    assert page.status_code == 200
    assert _lignes(page.text) == ["2000002"]
    assert "Alaoui" not in page.text

    missing = client.get(_fiche(10**12))
    foreign = client.get(_fiche(deux_branches["rabat"].id))
    mine = client.get(_fiche(deux_branches["fes"].id))
    assert (missing.status_code, foreign.status_code, mine.status_code) == (404, 404, 200)
    assert foreign.content == missing.content
    for chemin in ("modifier/", "evenements/ajouter/", "enfants/ajouter/"):
        assert client.get(f"{_fiche(deux_branches['rabat'].id)}{chemin}").status_code == 404
    evenement = deux_branches["rabat"].evenements.get()
    assert client.get(f"/personnel/evenements/{evenement.id}/corriger/").status_code == 404
    assert (
        client.post(f"/personnel/evenements/{evenement.id}/annuler/", {"motif": "x"}).status_code
        == 404
    )
    assert EvenementCarriere.objects.count() == 2


def test_no_habilitation_on_personnel_is_refused(deux_branches, client_a):
    client = client_a()
    assert client.get(LISTE).status_code == 403
    assert client.get(_fiche(deux_branches["fes"].id)).status_code == 403


@pytest.mark.parametrize("role", ["lecture", "paie", "budget", "valideur"])
def test_only_admin_and_gestionnaire_reach_the_forms(deux_branches, client_a, role):
    client = client_a((role, None))
    agent = deux_branches["fes"]
    assert client.get(LISTE).status_code == 200
    page = client.get(_fiche(agent.id))
    assert page.status_code == 200
    assert "/modifier/" not in page.text
    assert "Nouvel agent" not in client.get(LISTE).text
    statuts = [
        client.get(url).status_code
        for url in (
            "/personnel/nouveau/",
            f"{_fiche(agent.id)}modifier/",
            f"{_fiche(agent.id)}evenements/ajouter/",
            f"{_fiche(agent.id)}enfants/ajouter/",
        )
    ]
    assert statuts == [403, 403, 403, 403]


# --- Masking --------------------------------------------------------------------------------


@pytest.fixture
def en_conge(creer_agent):
    return creer_agent(
        ppr="2000003",
        unite="DRH",
        nom_fr="Chraibi",
        cin="AB123456",
        rib=rib_valide(3),
        situation={"position": "conge_maladie_longue"},
    )


def test_lecture_sees_cin_rib_and_health_position_masked(en_conge, client_a):
    client = client_a(("lecture", None))
    liste = client.get(LISTE).text
    assert '<td class="cin">AB****56</td>' in liste
    assert '<td class="position">Congé (détail réservé)</td>' in liste
    assert "AB123456" not in liste
    assert "maladie" not in liste

    fiche = client.get(_fiche(en_conge.id)).text
    assert "AB****56" in fiche
    assert "••••" in fiche
    assert rib_valide(3) not in fiche
    assert "AB123456" not in fiche
    assert "maladie" not in fiche.lower()
    assert "Congé (détail réservé)" in fiche


def test_gestionnaire_sees_them(en_conge, client_a):
    client = client_a(("gestionnaire", None))
    liste = client.get(LISTE).text
    assert '<td class="cin">AB123456</td>' in liste
    assert '<td class="position">Congé de maladie de longue durée</td>' in liste
    fiche = client.get(_fiche(en_conge.id)).text
    assert "AB123456" in fiche
    assert rib_valide(3) in fiche
    assert "Congé (détail réservé)" not in fiche


def test_sensitive_rights_follow_the_agents_unit(deux_branches, client_a):
    """Gestionnaire of FES, reader elsewhere: FES agents in clear, the others masked."""
    client = client_a(("gestionnaire", "FES"), ("lecture", None))
    liste = client.get(LISTE).text
    assert _lignes(liste) == ["2000001", "2000002"]
    assert '<td class="cin">AB****56</td>' in liste
    assert '<td class="cin">C987654</td>' in liste


def test_a_reader_cannot_probe_masked_data_through_search_or_filters(en_conge, client_a):
    client = client_a(("lecture", None))
    assert _lignes(client.get(LISTE, {"q": "AB123456"}).text) == []
    assert _lignes(client.get(LISTE, {"q": "123456"}).text) == []
    # a health position is not offered; typed in the URL, it is ignored (the whole list)
    par_position = client.get(LISTE, {"position": "conge_maladie_longue"}).text
    assert 'value="conge_maladie_longue"' not in par_position
    assert "Valeur inconnue, filtre ignoré." in par_position
    assert "Congé de maladie" not in par_position
    # the PPR and the name still find the agent
    assert _lignes(client.get(LISTE, {"q": "2000003"}).text) == ["2000003"]
    assert _lignes(client.get(LISTE, {"q": "chraibi"}).text) == ["2000003"]
    gestion = client_a(("gestionnaire", None), username="gestion")
    assert _lignes(gestion.get(LISTE, {"q": "AB123456"}).text) == ["2000003"]
    assert _lignes(gestion.get(LISTE, {"position": "conge_maladie_longue"}).text) == ["2000003"]


# --- Search ---------------------------------------------------------------------------------


@pytest.fixture
def noms(creer_agent):
    creer_agent(
        ppr="2100001",
        nom_fr="Bennani",
        prenom_fr="Éloïse",
        nom_ar="بنّاني",
        prenom_ar="فاطمة الزهراء",
    )
    creer_agent(
        ppr="2100002", nom_fr="El Idrissi", prenom_fr="Ahmed", nom_ar="الإدريسي", prenom_ar="أحمد"
    )
    creer_agent(ppr="2100003", nom_fr="Tazi", prenom_fr="Omar", nom_ar="التازي", prenom_ar="عمر")


@pytest.mark.parametrize(
    ("q", "attendus"),
    [
        ("eloise", ["2100001"]),
        ("ÉLOÏSE bennani", ["2100001"]),
        ("فاطمه", ["2100001"]),  # ة typed as ه
        ("الزهراء بناني", ["2100001"]),  # without the shadda
        ("احمد", ["2100002"]),  # أ typed as ا
        ("الادريسي", ["2100002"]),
        ("idrissi", ["2100002"]),
        ("2100003", ["2100003"]),
        ("zzz", []),
    ],
)
def test_search_in_french_and_arabic(noms, client_a, q, attendus):
    page = client_a(("lecture", None)).get(LISTE, {"q": q})
    assert page.status_code == 200
    assert _lignes(page.text) == attendus


def test_filters_combine_and_are_kept_in_the_links(noms, creer_agent, client_a):
    creer_agent(ppr="2100004", unite="FES-RH", nom_fr="Bennani", prenom_fr="Yasmine")
    page = client_a(("gestionnaire", None)).get(LISTE, {"q": "bennani", "unite": "FES-RH"})
    assert _lignes(page.text) == ["2100004"]
    assert 'href="/personnel/export.csv?q=bennani&amp;unite=FES-RH"' in page.text
    assert '<option value="FES-RH" selected>' in page.text


def test_empty_states_say_what_to_do(dans_a, unites_a, client_a):
    client = client_a(("gestionnaire", None))
    vide = client.get(LISTE).text
    assert "Aucun agent dans votre périmètre pour l'instant." in vide
    assert 'href="/personnel/nouveau/"' in vide
    aucun = client.get(LISTE, {"q": "personne"}).text
    assert "Aucun agent ne correspond à cette recherche dans votre périmètre." in aucun
    assert "retirez un filtre" in aucun


def test_an_unknown_filter_value_is_ignored_and_said(noms, client_a):
    page = client_a(("lecture", None)).get(LISTE, {"grade": "INCONNU"})
    assert _lignes(page.text) == ["2100001", "2100002", "2100003"]
    assert "Valeur inconnue, filtre ignoré." in page.text


# --- Keyset pages ---------------------------------------------------------------------------


def _population(n: int, *, unite: str = "DRH", prefixe: str = "Agent") -> None:
    """`n` agents written in one statement (the list reads them; no career needed)."""
    agents = []
    for i in range(n):
        agent = Agent(
            ppr=f"{5000000 + i}",
            nom_fr=f"{prefixe} {i:03d}",
            prenom_fr="Test",
            sexe="M",
            unite_code=unite,
            grade_code="ADM-2",
            position="activite",
            statut="titulaire",
        )
        agent.recherche = normalisation.cle_recherche(
            ppr=agent.ppr, cin="", nom_fr=agent.nom_fr, prenom_fr="Test", nom_ar="", prenom_ar=""
        )
        agent.nom_tri = normalisation.cle_tri(nom_fr=agent.nom_fr, prenom_fr="Test")
        agents.append(agent)
    Agent.objects.bulk_create(agents)


def test_next_page_continues_without_duplicates(unites_a, client_a, consultations):
    _population(57)
    client = client_a(("lecture", None))
    premiere = client.get(LISTE)
    lignes = _lignes(premiere.text)
    assert len(lignes) == 50
    suivant = re.search(r'hx-get="(/personnel/\?apres=[^"]+)"', premiere.text)
    assert suivant is not None
    suite = client.get(suivant.group(1).replace("&amp;", "&"), HTTP_HX_REQUEST="true")
    assert suite.status_code == 200
    assert "<html" not in suite.text  # a fragment of rows, appended by htmx
    autres = _lignes(suite.text)
    assert len(autres) == 7
    assert not set(lignes) & set(autres)
    assert lignes + autres == [f"{5000000 + i}" for i in range(57)]
    assert "Fin de la liste." in suite.text
    assert [n for _, n, _ in consultations] == ["liste", "liste"]
    assert [len(ids) for _, _, ids in consultations] == [50, 7]


def test_the_cursor_keeps_the_filters(unites_a, client_a):
    _population(55, unite="DRH", prefixe="Drh")
    _population_fes = [f"{6000000 + i}" for i in range(3)]
    for i, ppr in enumerate(_population_fes):
        Agent.objects.create(
            ppr=ppr,
            nom_fr=f"Drh {i:03d}b",
            prenom_fr="Fes",
            sexe="M",
            unite_code="FES-RH",
            nom_tri=f"drh {i:03d}b fes",
        )
    client = client_a(("lecture", None))
    premiere = client.get(LISTE, {"unite": "DRH"})
    suivant = re.search(r'hx-get="(/personnel/\?[^"]+)"', premiere.text)
    assert suivant is not None
    assert "unite=DRH" in suivant.group(1)
    suite = client.get(suivant.group(1).replace("&amp;", "&"), HTTP_HX_REQUEST="true")
    assert len(_lignes(suite.text)) == 5
    assert not set(_lignes(suite.text)) & set(_population_fes)


# --- Query counts ---------------------------------------------------------------------------


def _compter(client, url, django_assert_num_queries, n):
    with django_assert_num_queries(n):
        assert client.get(url).status_code == 200


# django-tenants sets the search_path before each statement, so each read counts twice. The
# access log is left out (`consultations`): its own tests pin what it costs.
# List: tenant domain, session, user; sensitive/manage codes (2); grades; units to label (2);
# budget posts; perimeter of the list (2); the page.
REQUETES_LISTE = 24
# Agent page: tenant domain, session, user; perimeter (2); agent + children, events, documents,
# indemnities; sensitive/manage codes (2); grades; units to label (2); the pay parameters' state
# (one aggregate: the key of the process-wide cache) and, on a cache miss, the parameters (a
# server-side cursor).
REQUETES_FICHE = 33


@pytest.mark.parametrize("population", [2, 40])
def test_list_page_queries_do_not_grow_with_the_agents(
    unites_a, client_a, django_assert_num_queries, population, consultations
):
    _population(population)
    client = client_a(("gestionnaire", "RABAT"), ("lecture", "FES"))
    _compter(client, LISTE, django_assert_num_queries, REQUETES_LISTE)
    _compter(client, f"{LISTE}?q=agent&grade=ADM-2", django_assert_num_queries, REQUETES_LISTE)


@pytest.mark.parametrize("evenements", [0, 6])
def test_agent_page_queries_do_not_grow_with_the_history(
    creer_agent, client_a, django_assert_num_queries, evenements, consultations
):
    agent = creer_agent(rib=rib_valide(4), cin="AB123456")
    for i in range(evenements):
        evenement = services.evenement_ajouter(
            auteur="tests",
            agent=agent,
            nature="avancement_echelon",
            date_effet=date(2021 + i, 1, 1),
            valeurs={"echelon": str(4 + i)},
            perimetre=None,
        )
        if i % 2:
            services.evenement_corriger(
                auteur="tests",
                evenement=evenement,
                date_effet=evenement.date_effet,
                valeurs={"echelon": str(4 + i)},
                motif="arrêté rectificatif",
                perimetre=None,
            )
        Enfant.objects.create(agent=agent, prenom=f"E{i}", date_naissance=date(2010 + i, 1, 1))
    client = client_a(("gestionnaire", "RABAT"))
    _compter(client, _fiche(agent.id), django_assert_num_queries, REQUETES_FICHE)


# --- Agent page -----------------------------------------------------------------------------


def _corrige(creer_agent):
    agent = creer_agent(ppr="2200001", date_effet=date(2020, 1, 1))
    avancement = services.evenement_ajouter(
        auteur="rh.saisie",
        agent=agent,
        nature="avancement_echelon",
        date_effet=date(2022, 1, 1),
        valeurs={"echelon": "5"},
        perimetre=None,
        reference="Arrêté 12/2022",
    )
    correction = services.evenement_corriger(
        auteur="rh.controle",
        evenement=avancement,
        date_effet=date(2022, 1, 1),
        valeurs={"echelon": "4"},
        motif="L'arrêté porte l'échelon 4",
        perimetre=None,
    )
    return agent, avancement, correction


def test_agent_page_shows_the_timeline_with_the_correction(creer_agent, client_a, consultations):
    agent, avancement, correction = _corrige(creer_agent)
    page = client_a(("lecture", None), username="lecteur").get(_fiche(agent.id))
    assert page.status_code == 200
    html = page.text
    bloc = re.search(rf'<li id="evenement-{avancement.id}" class="([^"]+)">(.*?)</li>', html, re.S)
    assert bloc is not None
    assert bloc.group(1) == "evenement supplante"
    assert "Corrigé par rh.controle le" in bloc.group(2)
    assert "L&#x27;arrêté porte l&#x27;échelon 4" in bloc.group(2)
    assert "Arrêté 12/2022" in bloc.group(2)
    bloc_correction = re.search(
        rf'<li id="evenement-{correction.id}" class="([^"]+)">(.*?)</li>', html, re.S
    )
    assert bloc_correction is not None
    assert bloc_correction.group(1) == "evenement correction"
    assert f'href="#evenement-{avancement.id}">Avancement d&#x27;échelon du 01/01/2022' in (
        bloc_correction.group(2)
    )
    # newest effect first; the correction was recorded after the event it corrects
    ordre = re.findall(r'<li id="evenement-(\d+)"', html)
    assert ordre == [str(correction.id), str(avancement.id), str(agent.evenements.first().id)]
    assert consultations == [("lecteur", "fiche", [agent.id])]
    # a reader gets no link to change the history
    assert "/corriger/" not in html


def test_situation_at_a_chosen_date(creer_agent, client_a):
    agent, _avancement, _correction = _corrige(creer_agent)
    client = client_a(("lecture", None))
    avant = client.get(_fiche(agent.id), {"le": "2021-06-30"}).text
    apres = client.get(_fiche(agent.id), {"le": "2023-01-01"}).text
    situation = r'id="situation".*?<dt>Échelon</dt><dd>(\w+)</dd>'
    assert re.search(situation, avant, re.S).group(1) == "3"  # type: ignore[union-attr]
    assert re.search(situation, apres, re.S).group(1) == "4"  # type: ignore[union-attr]
    assert "Situation administrative au 30/06/2021" in avant
    jamais = client.get(_fiche(agent.id), {"le": "2019-12-31"}).text
    assert "Aucun événement de carrière n'a encore pris effet à cette date." in jamais
    mauvaise = client.get(_fiche(agent.id), {"le": "31/02/2021"})
    assert mauvaise.status_code == 200
    assert "La date du jour est utilisée." in mauvaise.text


def test_pay_elements_of_a_chosen_month(creer_agent, client_a):
    agent = creer_agent(ppr="2200002", date_effet=date(2020, 1, 1), commune_residence="04.421")
    services.evenement_ajouter(
        auteur="tests",
        agent=agent,
        nature="changement_position",
        date_effet=date(2024, 1, 1),
        valeurs={"position": "disponibilite"},
        perimetre=None,
    )
    client = client_a(("lecture", None))
    paye = client.get(_fiche(agent.id), {"mois": "2023-03"}).text
    assert "Éléments de paie de 03/2023" in paye
    assert 'Traitement de base <span class="muted">(TB)</span>' in paye
    assert re.search(r"<dt>Net à payer</dt><dd dir=\"ltr\">[\d.]+ DH</dd>", paye)
    sans = client.get(_fiche(agent.id), {"mois": "2024-03"}).text
    assert "Pas de bulletin pour ce mois : En disponibilité : ni traitement ni avancement." in sans
    faux = client.get(_fiche(agent.id), {"mois": "2024-13"}).text
    assert "Écrivez le mois sous la forme AAAA-MM, ex. 2025-03." in faux


# --- Forms ----------------------------------------------------------------------------------


def _nouvel_agent(**champs):
    return {
        "ppr": "2300001",
        "cin": "ab 123456",
        "nom_fr": "Filali",
        "prenom_fr": "Nadia",
        "nom_ar": "الفيلالي",
        "prenom_ar": "نادية",
        "date_naissance": "1990-04-02",
        "sexe": "F",
        "situation_familiale": "celibataire",
        "rib": rib_valide(7),
        "regime_retraite": "CMR",
        "statut": "stagiaire",
        "grade_code": "ADM-3",
        "echelon": "1",
        "position": "activite",
        "unite_code": "FES-RH",
        "poste_code": "P-TECH",
        "date_effet": "2025-09-01",
        "reference": "Décision 45/2025",
        **champs,
    }


def _audits(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_create_an_agent_with_its_recruitment(postes_a, client_a):
    client = client_a(("gestionnaire", "FES"), username="rh.fes")
    formulaire = client.get("/personnel/nouveau/")
    assert formulaire.status_code == 200
    assert '<option value="FES-RH">' in formulaire.text
    assert '<option value="DRH">' not in formulaire.text  # outside the perimeter
    reponse = client.post("/personnel/nouveau/", _nouvel_agent())
    agent = Agent.objects.get(ppr="2300001")
    assert reponse.status_code == 302
    assert reponse["Location"] == _fiche(agent.id)
    assert (agent.cin, agent.nom_ar, agent.unite_code, agent.grade_code, agent.statut) == (
        "AB123456",
        "الفيلالي",
        "FES-RH",
        "ADM-3",
        "stagiaire",
    )
    evenement = agent.evenements.get()
    assert (evenement.nature, evenement.date_effet, evenement.auteur, evenement.reference) == (
        "recrutement",
        date(2025, 9, 1),
        "rh.fes",
        "Décision 45/2025",
    )
    assert _audits("personnel.agent_creer") == 1
    assert "Dossier de l&#x27;agent 2300001 créé." in client.get(_fiche(agent.id)).text


def test_create_shows_what_to_fix_and_writes_nothing(postes_a, client_a):
    client = client_a(("gestionnaire", "FES"))
    mauvais_rib = rib_valide(7)[:-2] + "00"
    reponse = client.post(
        "/personnel/nouveau/",
        _nouvel_agent(ppr="12AB", cin="123", rib=mauvais_rib, unite_code="DRH", nom_fr=""),
    )
    assert reponse.status_code == 400
    html = reponse.text
    assert "Le formulaire contient des erreurs" in html
    assert "Sélectionnez un choix valide. DRH n’en fait pas partie." in html
    assert "Ce champ est obligatoire." in html  # nom_fr
    reponse = client.post(
        "/personnel/nouveau/", _nouvel_agent(ppr="12AB", cin="123", rib=mauvais_rib)
    )
    assert reponse.status_code == 400
    html = reponse.text
    assert "« 12AB » n&#x27;est pas un PPR valide" in html
    assert "« 123 » n&#x27;est pas une CIN valide" in html
    assert f"La clé du RIB « {mauvais_rib} » est fausse" in html
    assert Agent.objects.count() == 0
    assert EvenementCarriere.objects.count() == 0
    assert _audits("personnel.agent_creer") == 0
    with schema_context("public"):
        assert not InscriptionPpr.objects.filter(ppr="12AB").exists()


def test_create_on_a_full_post_writes_nothing(postes_a, creer_agent, client_a):
    creer_agent(poste="P-TECH")
    creer_agent(poste="P-TECH")
    client = client_a(("gestionnaire", None))
    reponse = client.post("/personnel/nouveau/", _nouvel_agent())
    assert reponse.status_code == 400
    assert "Le poste budgétaire « P-TECH » est complet" in reponse.text
    assert not Agent.objects.filter(ppr="2300001").exists()
    with schema_context("public"):
        assert not InscriptionPpr.objects.filter(ppr="2300001").exists()


def _identite(agent: Agent, **champs):
    valeurs = {champ: getattr(agent, champ) for champ in services.CHAMPS_IDENTITE}
    valeurs = {k: ("" if v is None else v) for k, v in valeurs.items()}
    valeurs["conjoint_a_charge"] = "on" if agent.conjoint_a_charge else ""
    valeurs["date_naissance"] = agent.date_naissance.isoformat() if agent.date_naissance else ""
    return {**valeurs, **champs}


def test_edit_identity_needs_a_reason(creer_agent, client_a):
    agent = creer_agent(cin="AB123456")
    client = client_a(("gestionnaire", None))
    page = client.get(f"{_fiche(agent.id)}modifier/")
    assert 'value="AB123456"' in page.text
    sans_motif = client.post(
        f"{_fiche(agent.id)}modifier/", _identite(agent, situation_familiale="marie", motif="")
    )
    assert sans_motif.status_code == 400
    agent.refresh_from_db()
    assert agent.situation_familiale == "celibataire"
    assert _audits("personnel.agent_modifier") == 0

    reponse = client.post(
        f"{_fiche(agent.id)}modifier/",
        _identite(
            agent,
            situation_familiale="marie",
            conjoint_a_charge="on",
            motif="Acte de mariage du 12/03/2025",
        ),
    )
    assert reponse.status_code == 302
    assert reponse["Location"] == f"{_fiche(agent.id)}#identite"
    agent.refresh_from_db()
    assert (agent.situation_familiale, agent.conjoint_a_charge, agent.cin) == (
        "marie",
        True,
        "AB123456",
    )
    audit = AuditEvent.objects.get(action="personnel.agent_modifier")
    assert audit.data["motif"] == "Acte de mariage du 12/03/2025"
    assert audit.data["champs"] == ["conjoint_a_charge", "situation_familiale"]


def test_edit_identity_reports_a_bad_rib_and_changes_nothing(creer_agent, client_a):
    agent = creer_agent(rib=rib_valide(1))
    client = client_a(("gestionnaire", None))
    reponse = client.post(
        f"{_fiche(agent.id)}modifier/",
        _identite(agent, rib="1234", telephone="0600000000", motif="Nouveau RIB"),
    )
    assert reponse.status_code == 400
    assert "« 1234 » n&#x27;est pas un RIB valide" in reponse.text
    agent.refresh_from_db()
    assert (agent.rib, agent.telephone) == (rib_valide(1), "")


def test_children_are_added_and_removed_with_a_reason(creer_agent, client_a):
    agent = creer_agent(date_naissance=date(1985, 5, 17))
    client = client_a(("gestionnaire", None), username="rh")
    url = f"{_fiche(agent.id)}enfants/ajouter/"
    trop_tot = client.post(url, {"prenom": "Adam", "date_naissance": "1980-01-01"})
    assert trop_tot.status_code == 400
    assert "L&#x27;enfant serait né avant l&#x27;agent (17/05/1985)" in trop_tot.text
    assert Enfant.objects.count() == 0

    ajout = client.post(url, {"prenom": "Adam", "date_naissance": "2015-06-01", "scolarise": "on"})
    assert ajout.status_code == 302
    enfant = Enfant.objects.get()
    assert (enfant.prenom, enfant.scolarise, enfant.handicape) == ("Adam", True, False)
    fiche = client.get(_fiche(agent.id), {"le": "2025-01-01"}).text
    assert "<td>Adam</td><td>01/06/2015</td>" in fiche
    assert re.search(r"Enfants ouvrant droit aux allocations au 01/01/2025</dt><dd>1</dd>", fiche)

    retrait = f"{_fiche(agent.id)}enfants/{enfant.id}/retirer/"
    assert client.post(retrait, {"motif": ""}).status_code == 400
    assert Enfant.objects.count() == 1
    assert client.post(retrait, {"motif": "Saisi sur le mauvais dossier"}).status_code == 302
    assert Enfant.objects.count() == 0
    audit = AuditEvent.objects.get(action="personnel.enfant_retirer")
    assert (audit.actor, audit.data["motif"]) == ("rh", "Saisi sur le mauvais dossier")
    assert "Adam" not in str(audit.data)
    autre = creer_agent()
    assert (
        client.post(f"{_fiche(autre.id)}enfants/{enfant.id}/retirer/", {"motif": "x"}).status_code
        == 404
    )


def test_add_correct_and_cancel_events(creer_agent, client_a):
    agent = creer_agent(date_effet=date(2020, 1, 1))
    client = client_a(("gestionnaire", None), username="rh")
    ajout = client.post(
        f"{_fiche(agent.id)}evenements/ajouter/",
        {
            "nature": "avancement_echelon",
            "date_effet": "2023-01-01",
            "echelon": "6",
            "reference": "Arrêté 7/2023",
        },
    )
    assert ajout.status_code == 302
    assert ajout["Location"] == f"{_fiche(agent.id)}#carriere"
    avancement = EvenementCarriere.objects.get(nature="avancement_echelon")
    agent.refresh_from_db()
    assert agent.echelon == "6"

    correction_url = f"/personnel/evenements/{avancement.id}/corriger/"
    formulaire = client.get(correction_url)
    assert 'value="6"' in formulaire.text
    assert (
        client.post(
            correction_url, {"date_effet": "2023-01-01", "echelon": "5", "motif": ""}
        ).status_code
        == 400
    )
    assert EvenementCarriere.objects.count() == 2
    corrige = client.post(
        correction_url, {"date_effet": "2023-01-01", "echelon": "5", "motif": "Erreur de saisie"}
    )
    assert corrige.status_code == 302
    agent.refresh_from_db()
    assert agent.echelon == "5"
    correction = EvenementCarriere.objects.get(nature="correction")
    assert (correction.remplace_id, correction.motif, correction.auteur) == (
        avancement.id,
        "Erreur de saisie",
        "rh",
    )

    encore = client.post(
        correction_url, {"date_effet": "2023-01-01", "echelon": "4", "motif": "encore"}
    )
    assert encore.status_code == 400
    assert "Cet événement a déjà été corrigé ou annulé : agissez sur le plus récent." in encore.text

    annulation = client.post(
        f"/personnel/evenements/{correction.id}/annuler/", {"motif": "Arrêté retiré"}
    )
    assert annulation.status_code == 302
    agent.refresh_from_db()
    assert agent.echelon == "3"
    assert EvenementCarriere.objects.count() == 4
    fiche = client.get(_fiche(agent.id)).text
    assert "Annulé par rh le" in fiche
    assert "Corrigé par rh le" in fiche


def test_an_event_that_changes_nothing_is_refused(creer_agent, client_a):
    agent = creer_agent()
    client = client_a(("gestionnaire", None))
    reponse = client.post(
        f"{_fiche(agent.id)}evenements/ajouter/",
        {"nature": "avancement_echelon", "date_effet": "2023-01-01"},
    )
    assert reponse.status_code == 400
    assert "L&#x27;événement ne change rien : indiquez au moins une valeur." in reponse.text
    assert EvenementCarriere.objects.count() == 1


def test_documents_of_sensitive_types_are_reserved(creer_agent, client_a):
    agent = creer_agent()
    for type_piece, nom in (("certificat_medical", "certif-cardio.pdf"), ("arrete", "arrete.pdf")):
        PieceJustificative.objects.create(
            agent=agent,
            type_piece=type_piece,
            nom_fichier=nom,
            content_type="application/pdf",
            taille=2048,
            sha256="0" * 64,
            ajoute_par="rh",
        )
    lecture = client_a(("lecture", None)).get(_fiche(agent.id)).text
    assert "arrete.pdf" in lecture
    assert "Pièce réservée (données sensibles)" in lecture
    assert "certif-cardio" not in lecture
    assert "Certificat médical" not in lecture
    gestion = client_a(("gestionnaire", None), username="rh").get(_fiche(agent.id)).text
    assert "certif-cardio.pdf" in gestion
    assert "Pièce réservée" not in gestion
    # the pages of the documents and transfers parts of the module are linked from here
    pieces = {p.nom_fichier: p.id for p in PieceJustificative.objects.all()}
    assert f'<a href="/personnel/pieces/{pieces["arrete.pdf"]}/" download>arrete.pdf</a>' in gestion
    assert f'href="/personnel/{agent.id}/pieces/ajouter/"' in gestion
    assert f'href="/personnel/{agent.id}/transfert/"' in gestion
    assert "/pieces/ajouter/" not in lecture
    assert "/transfert/" not in lecture
