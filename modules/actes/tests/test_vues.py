"""Acts pages: perimeter (404 alike for missing and foreign), roles (403), drafting from the
agent page with field errors on the fields, the impact shown before validation (golden numbers
from the engine on the before/after inputs), four-eyes refusal shown, the whole journey through
the pages, observations and the version diff, bordereaux, exports, pinned query counts."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from identity.permissions import SESSION_HABILITATIONS_KEY
from modules.actes import services
from modules.actes.models import Acte, Bordereau, Etat, PieceActe, Transition
from modules.actes.tests.conftest import PDF, joindre_pieces, rejeter
from modules.personnel import facade as personnel
from modules.personnel.models import Agent
from modules.unites.perimetres import TOUT
from remuneration import facade as remuneration

pytestmark = pytest.mark.django_db

LISTE = "/actes/"


def _texte(reponse: Any) -> str:
    return html.unescape(reponse.text)


def _acte(acte_id: int, suite: str = "") -> str:
    return f"/actes/{acte_id}/{suite}"


def _numeros(html: str) -> list[str]:
    return re.findall(r'<tr id="acte-\d+">\s*<td><a href="/actes/\d+/"><code>([\d-]+)</code>', html)


@pytest.fixture
def connecter(tenant_a, login_client):
    """The test client on tenant A with explicit habilitations: ("gestionnaire", "FES")…
    (one client: logging in again replaces the previous person)."""

    def login(*habilitations: tuple[str, str | None], username: str = "agent.test") -> Any:
        client = login_client(tenant_a, username=username, roles=())
        session = client.session
        session[SESSION_HABILITATIONS_KEY] = [list(h) for h in habilitations]
        session.save()
        return client

    return login


@pytest.fixture
def agent(creer_agent) -> Agent:
    return creer_agent(ppr="3000001", date_effet=date(2020, 1, 1), commune_residence="04.421")


@pytest.fixture
def deux_actes(creer_agent, rediger) -> dict[str, Acte]:
    """An échelon advancement in RABAT/DRH and one in FES/FES-RH."""
    rabat = creer_agent(ppr="3000011", unite="DRH", commune_residence="04.421")
    fes = creer_agent(ppr="3000012", unite="FES-RH", nom_fr="Berrada", commune_residence="04.421")
    return {
        "rabat": rediger("avancement_echelon", agent=rabat, echelon="4"),
        "fes": rediger("avancement_echelon", agent=fes, echelon="4"),
    }


# --- perimeter and roles --------------------------------------------------------------------


def test_la_liste_et_la_page_ne_montrent_que_le_perimetre(deux_actes, connecter):
    client = connecter(("gestionnaire", "FES"))
    page = client.get(LISTE)
    assert page.status_code == 200
    assert _numeros(page.text) == [deux_actes["fes"].numero]
    assert deux_actes["rabat"].numero not in page.text

    manquant = client.get(_acte(10**12))
    etranger = client.get(_acte(deux_actes["rabat"].id))
    mien = client.get(_acte(deux_actes["fes"].id))
    assert (manquant.status_code, etranger.status_code, mien.status_code) == (404, 404, 200)
    assert etranger.content == manquant.content
    for suite in ("modifier/", "soumettre/", "annuler/", "pieces/ajouter/"):
        assert client.post(_acte(deux_actes["rabat"].id, suite)).status_code == 404, suite
    # nothing moved for the foreign act
    assert Acte.objects.get(id=deux_actes["rabat"].id).soumis is False


@pytest.mark.parametrize(
    ("role", "methode", "chemin", "attendu"),
    [
        ("lecture", "get", "nouveau/", 403),
        ("lecture", "post", "{id}/soumettre/", 403),
        ("lecture", "post", "{id}/valider/", 403),
        ("gestionnaire", "post", "{id}/valider/", 403),
        ("gestionnaire", "get", "transmission/", 403),
        ("valideur", "get", "nouveau/", 403),
        ("valideur", "post", "{id}/soumettre/", 403),
        ("lecture", "get", "{id}/", 200),
        ("lecture", "get", "", 200),
        ("valideur", "get", "transmission/", 200),
    ],
)
def test_roles(deux_actes, connecter, role, methode, chemin, attendu):
    acte = deux_actes["rabat"]
    client = connecter((role, None))
    reponse = getattr(client, methode)(LISTE + chemin.format(id=acte.id))
    assert reponse.status_code == attendu
    acte.refresh_from_db()
    assert (acte.etat, acte.soumis) == (Etat.BROUILLON, False)


def test_annuler_refuse_a_un_lecteur_et_permis_au_redacteur(deux_actes, connecter):
    acte = deux_actes["rabat"]
    refuse = connecter(("lecture", None)).post(_acte(acte.id, "annuler/"), {"motif": "x"})
    assert refuse.status_code == 403
    assert Acte.objects.get(id=acte.id).etat == Etat.BROUILLON
    client = connecter(("gestionnaire", None), username="samira")
    sans_motif = client.post(_acte(acte.id, "annuler/"), {"motif": ""})
    assert sans_motif.status_code == 400
    assert Acte.objects.get(id=acte.id).etat == Etat.BROUILLON
    fait = client.post(_acte(acte.id, "annuler/"), {"motif": "Doublon"})
    assert fait.status_code == 302
    acte.refresh_from_db()
    assert acte.etat == Etat.ANNULE
    assert acte.transitions.last().motif == "Doublon"
    assert acte.transitions.last().par == "samira"


# --- drafting -------------------------------------------------------------------------------


def _attendu_brut(agent: Agent, mois: date) -> str:
    """The brut change computed by the engine from the two situations (échelon 3 and 4)."""
    dossier = personnel.dossier_paie(perimetre=TOUT, agent_id=agent.id)
    assert dossier is not None
    avant = dossier.entree(mois)
    assert avant is not None
    apres = {**avant, "echelon": "4"}
    brut = (
        remuneration.bulletin_calculer(situation=apres).totaux["brut"]
        - remuneration.bulletin_calculer(situation=avant).totaux["brut"]
    )
    assert brut > 0
    return f"+{brut // 100}.{brut % 100:02d}"


def test_rediger_depuis_la_fiche_voir_l_impact_puis_soumettre(agent, connecter):
    client = connecter(("gestionnaire", None), username="samira")
    fiche = client.get(f"/personnel/{agent.id}/")
    assert f'href="/actes/nouveau/?agent={agent.id}"' in fiche.text

    choix = client.get(f"/actes/nouveau/?agent={agent.id}")
    assert choix.status_code == 200
    assert agent.ppr in choix.text
    formulaire = client.get(f"/actes/nouveau/?agent={agent.id}&type=avancement_echelon")
    assert formulaire.status_code == 200
    # prefilled with the next échelon
    assert re.search(r'name="echelon"[^>]*value="4"', formulaire.text)

    url = f"/actes/nouveau/?agent={agent.id}&type=avancement_echelon"
    reponse = client.post(url, {"date_effet": "2026-01-01", "echelon": "4"})
    assert reponse.status_code == 302
    acte = Acte.objects.get(agent_id=agent.id)
    assert reponse["Location"] == _acte(acte.id)
    assert (acte.cree_par, acte.etat, acte.version) == ("samira", Etat.BROUILLON, 1)

    page = client.get(_acte(acte.id))
    assert page.status_code == 200
    version = services.version_courante(acte)
    mois_paiement = date.fromisoformat(version.impact["mois_paiement"])
    brut = _attendu_brut(agent, mois_paiement)
    ligne = re.search(
        r'<th scope="row">Salaire brut</th><td class="montant"><bdi dir="ltr">([^<]+)<', page.text
    )
    assert ligne is not None
    assert ligne.group(1) == brut
    assert f"Rappel de {version.impact['mois_rappel']} mois : <bdi" in page.text
    assert "Soumettre à validation" in page.text
    agent.refresh_from_db()
    assert agent.echelon == "3"  # a draft changes nothing in the file

    assert client.post(_acte(acte.id, "soumettre/")).status_code == 302
    acte.refresh_from_db()
    assert acte.soumis is True
    assert "Soumettre à validation" not in client.get(_acte(acte.id)).text


def test_les_erreurs_de_saisie_restent_sur_leurs_champs(agent, connecter):
    client = connecter(("gestionnaire", None))
    url = f"/actes/nouveau/?agent={agent.id}&type=avancement_echelon"
    reponse = client.post(url, {"date_effet": "2026-01-01", "echelon": ""})
    assert reponse.status_code == 400
    assert re.search(
        r'id="champ-echelon">.*?<span role="alert" id="id_echelon_erreur">.*?'
        r"Ce champ est obligatoire",
        reponse.text,
        re.S,
    )
    loin = client.post(url, {"date_effet": "2031-01-01", "echelon": "4"})
    assert loin.status_code == 400
    assert "La date d&#x27;effet est à plus d&#x27;un an : vérifiez l&#x27;année." in loin.text
    assert re.search(r'id="champ-date_effet">.*?plus d&#x27;un an', loin.text, re.S)
    assert not Acte.objects.exists()


def test_un_ppr_inconnu_est_signale_sur_le_champ(agent, connecter):
    client = connecter(("gestionnaire", "FES"))
    reponse = client.get("/actes/nouveau/?type=avancement_echelon&ppr=3000001")
    assert reponse.status_code == 400
    assert "Aucun agent « 3000001 » dans votre périmètre : vérifiez le PPR ou le nom." in _texte(
        reponse
    )
    assert client.get(f"/actes/nouveau/?agent={agent.id}").status_code == 404


def test_les_anomalies_sont_a_cote_de_leur_champ(agent, rediger, connecter):
    acte = rediger("avancement_echelon", agent=agent, echelon="6")
    page = connecter(("gestionnaire", None)).get(_acte(acte.id))
    assert re.search(
        r'<tr id="donnee-echelon">.*?class="anomalie bloquante".*?'
        r"L&#x27;échelon suivant de l&#x27;échelon 3 est 4, pas 6",
        page.text,
        re.S,
    )


# --- validation -----------------------------------------------------------------------------


def test_le_redacteur_valideur_voit_le_refus_quatre_yeux(agent, connecter):
    acte = services.acte_creer(
        auteur="double",
        perimetre=TOUT,
        type_code="avancement_echelon",
        date_effet=date(2026, 1, 1),
        brutes={"echelon": "4"},
        agent_id=agent.id,
    )
    joindre_pieces(acte)
    client = connecter(("gestionnaire", None), ("valideur", None), username="double")
    assert "contrôle à quatre yeux" in client.get(_acte(acte.id)).text
    reponse = client.post(_acte(acte.id, "valider/"), follow=True)
    assert reponse.status_code == 200
    assert (
        "Vous avez rédigé cet acte : un autre valideur doit le valider (contrôle à quatre yeux)."
        in reponse.text
    )
    assert Acte.objects.get(id=acte.id).etat == Etat.BROUILLON
    assert not Transition.objects.filter(acte=acte, vers=Etat.VALIDE).exists()


def _televerser(client: Any, acte: Acte, type_piece: str, contenu: bytes, nom: str) -> Any:
    return client.post(
        _acte(acte.id, "pieces/ajouter/"),
        {"type_piece": type_piece, "fichier": SimpleUploadedFile(nom, contenu)},
    )


def test_pieces_ajouter_telecharger_retirer(agent, rediger, connecter):
    acte = rediger("avancement_grade", agent=agent, grade_code="ADM-1", echelon="1", mode="choix")
    gestionnaire = connecter(("gestionnaire", None), username="samira")
    manque = "Pièces requises manquantes : Procès-verbal"
    assert manque in _texte(gestionnaire.get(_acte(acte.id)))

    refuse = _televerser(gestionnaire, acte, "proces_verbal", b"MZ not a pdf", "pv.pdf")
    assert refuse.status_code == 400
    assert re.search(r'id_fichier.*?role="alert"', refuse.text, re.S)
    assert not PieceActe.objects.filter(acte=acte).exists()
    ok = _televerser(gestionnaire, acte, "proces_verbal", PDF, "pv.pdf")
    assert ok.status_code == 302
    piece = PieceActe.objects.get(acte=acte)
    assert (piece.nom_fichier, piece.ajoute_par, piece.taille) == ("pv.pdf", "samira", len(PDF))
    telecharge = gestionnaire.get(_acte(acte.id, f"pieces/{piece.id}/"))
    assert telecharge.status_code == 200
    assert b"".join(telecharge.streaming_content) == PDF
    assert manque not in _texte(gestionnaire.get(_acte(acte.id)))
    assert gestionnaire.post(_acte(acte.id, f"pieces/{piece.id}/retirer/")).status_code == 302
    piece.refresh_from_db()
    assert piece.retire is True
    assert manque in _texte(gestionnaire.get(_acte(acte.id)))
    assert gestionnaire.get(_acte(acte.id, f"pieces/{piece.id}/")).status_code == 404
    # another perimeter cannot even see the act's documents
    ailleurs = connecter(("lecture", "FES"))  # the same test client, logged in again
    assert ailleurs.get(_acte(acte.id, f"pieces/{piece.id}/")).status_code == 404


def test_une_anomalie_bloquante_empeche_la_validation_et_le_dit(agent, rediger, connecter):
    acte = rediger("avancement_echelon", agent=agent, echelon="6")
    valideur = connecter(("valideur", None), username="karim.valideur")
    page = _texte(valideur.get(_acte(acte.id)))
    assert "L'acte ne peut pas encore être validé" in page
    assert "L'échelon suivant de l'échelon 3 est 4, pas 6." in page
    suite = _texte(valideur.post(_acte(acte.id, "valider/"), follow=True))
    assert "L'échelon suivant de l'échelon 3 est 4, pas 6." in suite
    assert Acte.objects.get(id=acte.id).etat == Etat.BROUILLON


def test_validation_transmission_et_bordereau(agent, rediger, connecter):
    acte = rediger("avancement_echelon", agent=agent, echelon="4")
    joindre_pieces(acte)
    valideur = connecter(("valideur", None), username="karim.valideur")
    assert valideur.post(_acte(acte.id, "valider/")).status_code == 302
    acte.refresh_from_db()
    assert acte.etat == Etat.VALIDE
    assert acte.transitions.last().par == "karim.valideur"

    page = valideur.get("/actes/transmission/")
    assert f'value="{acte.id}"' in page.text
    reponse = valideur.post("/actes/transmission/", {"actes": [str(acte.id)]})
    bordereau = Bordereau.objects.get()
    assert reponse.status_code == 302
    assert reponse["Location"] == f"/actes/bordereaux/{bordereau.id}/"
    acte.refresh_from_db()
    assert (acte.etat, acte.bordereau_id) == (Etat.TRANSMIS, bordereau.id)

    detail = valideur.get(f"/actes/bordereaux/{bordereau.id}/")
    assert detail.status_code == 200
    assert acte.numero in detail.text
    export = valideur.get(f"/actes/bordereaux/{bordereau.id}/export.csv")
    lignes = list(
        csv.reader(
            io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert lignes[1][:3] == [bordereau.numero, acte.numero, "1"]
    assert len(lignes) == 2
    assert bordereau.numero in valideur.get("/actes/bordereaux/").text
    # a second sending of the same act is refused and nothing else is created
    encore = valideur.post("/actes/transmission/", {"actes": [str(acte.id)]})
    assert encore.status_code == 400
    assert Bordereau.objects.count() == 1
    # another perimeter does not see the bordereau
    assert (
        connecter(("valideur", "FES")).get(f"/actes/bordereaux/{bordereau.id}/").status_code == 404
    )


def test_rejet_observation_correction_et_changements(agent, rediger, connecter):
    acte = rediger("avancement_echelon", agent=agent, echelon="4")
    acte = rejeter(acte, code="OBS-12", champ="echelon", texte="Échelon non conforme à l'arrêté")
    client = connecter(("gestionnaire", None), username="samira")
    page = client.get(_acte(acte.id))
    assert re.search(
        r'<tr id="donnee-echelon">.*?Observation du Trésor OBS-12 \(version 1\).*?'
        r"Échelon non conforme",
        page.text,
        re.S,
    )
    assert "Corriger (nouvelle version)" in page.text
    reponse = client.post(_acte(acte.id, "corriger/"))
    assert reponse.status_code == 302
    assert reponse["Location"] == _acte(acte.id, "modifier/")
    acte.refresh_from_db()
    assert (acte.version, acte.etat) == (2, Etat.BROUILLON)
    modif = client.post(_acte(acte.id, "modifier/"), {"date_effet": "2026-02-01", "echelon": "4"})
    assert modif.status_code == 302
    services.acte_soumettre(auteur="samira", acte=acte)
    services.acte_valider(auteur="karim.valideur", acte=acte)
    fige = client.get(_acte(acte.id, "modifier/"), follow=True)
    assert "Cet acte est « Validé » : seul un brouillon se modifie." in _texte(fige)
    refuse = client.post(_acte(acte.id, "modifier/"), {"date_effet": "2026-03-01", "echelon": "4"})
    assert refuse.status_code == 302
    assert services.version_courante(acte).date_effet == date(2026, 2, 1)
    page = client.get(_acte(acte.id))
    changements = re.search(r'id="changements".*?</section>', page.text, re.S)
    assert changements is not None
    assert "Ce qui a changé depuis la version 1" in changements.group(0)
    assert "<del>01/01/2026</del></td><td><ins>01/02/2026</ins>" in changements.group(0)
    assert "Nouvel échelon" not in changements.group(0)  # unchanged field not listed


def test_rectification_proposee_sur_un_acte_vise(agent, rediger, connecter):
    from modules.actes.tests.conftest import jusqu_au_visa

    acte = jusqu_au_visa(rediger("avancement_echelon", agent=agent, echelon="4"))
    client = connecter(("gestionnaire", None))
    page = client.get(_acte(acte.id))
    assert f"/actes/nouveau/?type=rectification&amp;origine={acte.id}" in page.text
    assert "V-0001" in page.text
    formulaire = client.get(f"/actes/nouveau/?type=rectification&origine={acte.id}")
    assert formulaire.status_code == 200
    assert re.search(r'name="echelon"[^>]*value="4"', formulaire.text)
    assert 'name="motif"' in formulaire.text
    reponse = client.post(
        f"/actes/nouveau/?type=rectification&origine={acte.id}",
        {"date_effet": "2026-02-01", "echelon": "4", "motif": "Date de l'arrêté"},
    )
    assert reponse.status_code == 302
    rectification = Acte.objects.get(type_code="rectification")
    assert (rectification.acte_origine_id, rectification.agent_id) == (acte.id, agent.id)
    assert services.version_courante(rectification).donnees == {
        "echelon": "4",
        "motif": "Date de l'arrêté",
    }
    assert Acte.objects.get(id=acte.id).etat == Etat.VISE  # the visé act is untouched


# --- lists ----------------------------------------------------------------------------------


def test_filtres_recherche_et_export(deux_actes, connecter):
    client = connecter(("admin", None))
    fes = deux_actes["fes"]
    assert _numeros(client.get(LISTE, {"q": "Berrada"}).text) == [fes.numero]
    assert _numeros(client.get(LISTE, {"q": "3000012"}).text) == [fes.numero]
    assert _numeros(client.get(LISTE, {"unite_code": "FES-RH"}).text) == [fes.numero]
    assert _numeros(client.get(LISTE, {"etat": "valide"}).text) == []
    assert _numeros(client.get(LISTE, {"plus_de_jours": "3"}).text) == []
    vide = client.get(LISTE, {"etat": "vise"})
    assert "Aucun acte ne correspond à ces filtres dans votre périmètre." in vide.text
    fragment = client.get(LISTE, {"q": "Berrada"}, HTTP_HX_REQUEST="true")
    assert fragment.text.lstrip().startswith('<section class="card" id="resultats"')
    export = client.get("/actes/export.csv", {"unite_code": "FES-RH"})
    lignes = list(
        csv.reader(
            io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert [ligne[0] for ligne in lignes[1:]] == [fes.numero]
    assert lignes[1][2:4] == ["3000012", "Berrada Karim"]


def test_a_traiter_par_role_et_compte_de_l_accueil(deux_actes, connecter):
    rabat, fes = deux_actes["rabat"], deux_actes["fes"]
    services.acte_soumettre(auteur="redacteur", acte=fes)
    gestionnaire = connecter(("gestionnaire", None))
    page = gestionnaire.get("/actes/a-traiter/")
    brouillons = re.search(r'id="brouillons".*?</section>', page.text, re.S)
    assert brouillons is not None
    assert rabat.numero in brouillons.group(0)
    assert fes.numero not in brouillons.group(0)  # submitted: it waits for a valideur
    assert 'id="a_valider"' not in page.text
    valideur = connecter(("valideur", "FES"), username="karim.valideur")
    page = valideur.get("/actes/a-traiter/")
    a_valider = re.search(r'id="a_valider".*?</section>', page.text, re.S)
    assert a_valider is not None
    assert fes.numero in a_valider.group(0)
    assert rabat.numero not in page.text
    compte = valideur.get("/actes/a-traiter/compte/")
    assert "<strong>1</strong> acte attend votre action" in compte.text
    accueil = valideur.get("/")
    assert 'hx-get="/actes/a-traiter/compte/"' in accueil.text


def test_nombre_de_requetes_de_la_liste_fixe(creer_agent, rediger, connecter):
    agent = creer_agent(ppr="3000101", commune_residence="04.421")
    rediger("avancement_echelon", agent=agent, echelon="4")
    client = connecter(("gestionnaire", "RABAT"))
    client.get(LISTE)  # warm caches (session, referentiel)

    def compter() -> list[str]:
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(LISTE).status_code == 200
        # django-tenants sets the search path before each query: count the others
        return [q["sql"] for q in requetes.captured_queries if not q["sql"].startswith("SET ")]

    un = compter()
    for n in range(3):  # P-ADM has five posts
        autre = creer_agent(ppr=f"30002{n:02d}", commune_residence="04.421")
        rediger("mise_retraite", agent=autre, motif="anticipee")
    plusieurs = compter()
    assert len(plusieurs) == len(un)
    # tenant, session, user, the filter's units (2), the perimeter's codes (2), count, page
    assert len(un) == 9, "\n".join(q[:120] for q in un)


def test_chaque_transition_laisse_une_trace_d_audit(agent, rediger, connecter):
    acte = rediger("avancement_echelon", agent=agent, echelon="4")
    avant = AuditEvent.objects.count()
    connecter(("gestionnaire", None), username="samira").post(_acte(acte.id, "soumettre/"))
    assert AuditEvent.objects.count() == avant + 1
    dernier = AuditEvent.objects.order_by("-seq").first()
    assert dernier is not None
    assert (dernier.action, dernier.actor) == ("actes.soumettre", "samira")


@pytest.mark.parametrize(
    ("type_code", "attendus"),
    [
        (
            "recrutement",
            [
                r'<select name="grade_code"[^>]*>.*?<option value="ADM-2"',
                r'<select name="unite_code"[^>]*>.*?<option value="FES-RH"',
                r'<select name="poste_code"[^>]*>.*?<option value="P-ADM"',
                r'<input type="date" name="date_naissance"',
                r'<select name="commune_residence"[^>]*>.*?<option value="04.421">04.421 — ',
            ],
        ),
        (
            "avancement_grade",
            [
                r'<select name="mode"',
                r'name="echelon"[^>]*list="liste-echelons"',
                r'<datalist id="liste-echelons"><option value="1">',
            ],
        ),
        ("mutation", [r'<select name="unite_code"[^>]*>.*?<option value="DRH"']),
        (
            "situation_familiale",
            [r'<input type="checkbox" name="conjoint_a_charge"', r'<select name="enfant"'],
        ),
        ("attribution_indemnite", [r'name="montant"[^>]*inputmode="decimal"']),
        ("retrait_indemnite", [r'<select name="code"']),
        ("mise_retraite", [r'<option value="limite_age" selected>']),
    ],
)
def test_un_widget_par_genre_de_champ(agent, connecter, type_code, attendus):
    client = connecter(("gestionnaire", None))
    agent_param = "" if type_code == "recrutement" else f"&agent={agent.id}"
    page = client.get(f"/actes/nouveau/?type={type_code}{agent_param}")
    assert page.status_code == 200
    for motif in attendus:
        assert re.search(motif, page.text, re.S), motif
    assert 'name="date_effet"' in page.text


def test_la_page_de_l_acte_ne_fait_pas_plus_de_requetes_avec_son_histoire(
    agent, rediger, connecter
):
    acte = rediger("avancement_echelon", agent=agent, echelon="4")
    client = connecter(("gestionnaire", None), username="samira")
    client.get(_acte(acte.id))

    def compter() -> int:
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(_acte(acte.id)).status_code == 200
        return sum(1 for q in requetes.captured_queries if not q["sql"].startswith("SET "))

    avant = compter()
    for n in range(3):
        services.piece_ajouter(
            auteur="samira", acte=acte, type_piece="autre", contenu=PDF, nom_fichier=f"{n}.pdf"
        )
        services.acte_modifier(
            auteur="samira",
            perimetre=TOUT,
            acte=acte,
            date_effet=date(2026, 1, 1 + n),
            brutes={"echelon": "4"},
        )
    services.acte_soumettre(auteur="samira", acte=acte)
    assert compter() == avant


def test_renvoyer_un_acte_valide_au_redacteur_avec_un_motif(agent, rediger, connecter):
    acte = rediger("avancement_echelon", agent=agent, echelon="4")
    services.acte_soumettre(auteur="redacteur", acte=acte)
    services.acte_valider(auteur="karim.valideur", acte=acte)
    valideur = connecter(("valideur", None), username="karim.valideur")
    assert "Renvoyer au rédacteur" in valideur.get(_acte(acte.id)).text
    assert valideur.get(_acte(acte.id, "renvoyer/")).status_code == 200
    sans_motif = valideur.post(_acte(acte.id, "renvoyer/"), {"motif": "  "})
    assert sans_motif.status_code == 400
    assert Acte.objects.get(id=acte.id).etat == Etat.VALIDE
    fait = valideur.post(_acte(acte.id, "renvoyer/"), {"motif": "Date à revoir"})
    assert fait.status_code == 302
    acte.refresh_from_db()
    assert (acte.etat, acte.soumis) == (Etat.BROUILLON, False)
    derniere = acte.transitions.last()
    assert derniere is not None
    assert (derniere.de, derniere.vers, derniere.par, derniere.motif) == (
        Etat.VALIDE,
        Etat.BROUILLON,
        "karim.valideur",
        "Date à revoir",
    )
    assert "Date à revoir" in _texte(valideur.get(_acte(acte.id)))


def test_une_observation_sur_la_date_est_a_cote_de_la_date_une_seule_fois(
    agent, rediger, connecter
):
    acte = rejeter(
        rediger("avancement_echelon", agent=agent, echelon="4"),
        code="OBS-03",
        champ="date_effet",
        texte="Date postérieure à l'arrêté",
    )
    page = _texte(connecter(("lecture", None)).get(_acte(acte.id)))
    # once next to the date (the history also quotes it as the rejection's reason)
    assert page.count("Observation du Trésor OBS-03") == 1
    assert re.search(r'id="donnee-date_effet">01/01/2026.*?OBS-03', page, re.S)


def test_chercher_l_agent_par_son_nom(creer_agent, connecter):
    seul = creer_agent(ppr="3000301", nom_fr="Tazi", commune_residence="04.421")
    homonymes = [
        creer_agent(ppr=f"300031{n}", nom_fr="Alami", prenom_fr=prenom, commune_residence="04.421")
        for n, prenom in enumerate(("Nadia", "Omar"))
    ]
    client = connecter(("gestionnaire", None))
    direct = client.get("/actes/nouveau/?type=avancement_echelon&ppr=tazi")
    assert direct.status_code == 200
    assert re.search(r'name="echelon"[^>]*value="4"', direct.text)  # the form, for Tazi
    assert seul.ppr in direct.text
    choix = client.get("/actes/nouveau/?type=avancement_echelon&ppr=alami")
    assert choix.status_code == 200
    liens = re.findall(
        r'href="/actes/nouveau/\?type=avancement_echelon&amp;agent=(\d+)"', choix.text
    )
    assert sorted(int(i) for i in liens) == sorted(a.id for a in homonymes)
    assert 'name="echelon"' not in choix.text
