"""The arrêté/décision PDF of an act, read back with pdftotext.

How the text is compared: pdftotext's output is normalised (NFKC: Arabic presentation forms
back to letters, narrow no-break spaces to spaces; bidi control characters removed; whitespace
collapsed). pdftotext lays Arabic runs out in logical order but may reorder the words of a
line that mixes scripts, so Arabic is compared word by word (`in mots`), French and figures as
substrings. Amounts are golden: computed again by the engine on the before/after inputs
(test_types_communs.attendu), then formatted by the documents kernel."""

from __future__ import annotations

import base64
import re
import subprocess
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from audit.models import AccesDonnees, AuditEvent
from documents import facade as documents_noyau
from identity.permissions import SESSION_HABILITATIONS_KEY
from modules.actes import documents, services_documents
from modules.actes.documents_textes import Redaction
from modules.actes.models import Acte, ModeleDocument, ParametresDocuments
from modules.actes.tests.conftest import jusqu_au_visa
from modules.actes.tests.test_types_communs import attendu, entree
from modules.actes.tests.test_types_recrutement import recrue
from modules.actes.types import CATALOGUE
from modules.personnel.models import Agent
from tenants import logos
from tenants.models import Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("dans_a")]

Rediger = Callable[..., Acte]


def texte(pdf: bytes) -> str:
    return documents_noyau.normaliser_texte(documents_noyau.texte_depuis_pdf(pdf))


def arabe(contenu: str) -> set[str]:
    """The Arabic words of a text (punctuation such as the Arabic comma left out)."""
    return set(re.findall("[\u0621-\u064a]+", contenu))


def filigrane(contenu: str, mot: str) -> bool:
    """The rotated watermark comes out one letter per line, in either order."""
    serre = contenu.replace(" ", "")
    return mot in serre or mot[::-1] in serre


def dh(centimes: int) -> str:
    return documents_noyau.normaliser_texte(
        documents_noyau.montant_chiffres(Decimal(centimes) / 100)
    )


def hijri_du_jour(contenu: str) -> bool:
    """Today's Hijri date is printed in both columns: the French form whole, the Arabic one
    word by word (pdftotext may glue its figures to the neighbouring Arabic words)."""
    jour = timezone.localdate()
    francais = documents_noyau.date_hijri_fr(jour)
    arabe_ = documents_noyau.date_hijri(jour).split()
    chiffres = [mot for mot in arabe_ if mot.isdigit()]
    return (
        francais in contenu
        and arabe(" ".join(arabe_)) <= arabe(contenu)
        and all(nombre in contenu for nombre in chiffres)
    )


@pytest.fixture
def signataire() -> ParametresDocuments:
    return services_documents.parametres_documents_enregistrer(
        auteur="admin",
        valeurs={
            "signataire_nom_fr": "Youssef Tazi",
            "signataire_nom_ar": "يوسف التازي",
            "signataire_titre_fr": "Le Président du Conseil",
            "signataire_titre_ar": "رئيس المجلس",
            "lieu_fr": "Rabat",
            "lieu_ar": "الرباط",
        },
        decalage_hijri=0,
    )


@pytest.fixture
def connecter(tenant_a, login_client):
    def login(*habilitations: tuple[str, str | None], username: str = "agent.test") -> Any:
        client = login_client(tenant_a, username=username, roles=())
        session = client.session
        session[SESSION_HABILITATIONS_KEY] = [list(h) for h in habilitations]
        session.save()
        return client

    return login


# --- the document of each kind of act ------------------------------------------------------


def test_avancement_echelon_brouillon_puis_vise(
    creer_agent: Callable[..., Agent], rediger: Rediger, signataire: Any
) -> None:
    agent = creer_agent(ppr="4100001", date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
    golden = attendu(date(2026, 1, 1), entree, lambda m: entree(m, echelon="4"))
    assert golden.variation["brut"] > 0
    assert golden.rappel["brut"] > 0

    contenu = texte(documents.document_pdf(acte))
    mots = arabe(contenu)
    assert "Karim Alaoui" in contenu
    assert {"كريم", "العلوي"} <= mots
    assert "PPR 4100001" in contenu
    # the grade in both scripts (the referentiel's Arabic label, not the French one twice)
    assert "Administrateur 2e grade" in contenu
    assert {"متصرف", "الدرجة", "الثانية"} <= mots
    assert f"N° {acte.numero}" in contenu
    assert "Arrêté portant avancement d'échelon" in contenu
    assert "de l'échelon 3 (indice 403) à l'échelon 4 (indice 436)" in contenu
    assert f"mensuelle brute est de {dh(golden.variation['brut'])}" in contenu
    assert (
        f"le rappel brut s'élève à {dh(golden.rappel['brut'])} pour {golden.mois_rappel} mois"
        in contenu
    )
    assert f"Variation mensuelle nette {dh(golden.variation['net'])}" in contenu
    lettres = documents_noyau.montant_lettres_ar(Decimal(golden.variation["brut"]) / 100)
    assert set(lettres.split()) <= mots  # the Arabic amount in words
    assert hijri_du_jour(contenu)
    assert "Youssef Tazi" in contenu
    assert {"يوسف", "التازي"} <= mots
    assert filigrane(contenu, "PROJET")  # a draft is watermarked
    assert "Visa du Trésor" not in contenu

    acte = jusqu_au_visa(acte, visa="V-2026-0042")
    vise = texte(documents.document_pdf(acte))
    assert "Visa du Trésor n° V-2026-0042" in vise
    assert not filigrane(vise, "PROJET")
    assert f"mensuelle brute est de {dh(golden.variation['brut'])}" in vise


def test_recrutement_noms_du_projet_d_acte_et_paie_entiere(rediger: Rediger) -> None:
    acte = rediger(
        "recrutement",
        date_effet=date(2026, 2, 1),
        **recrue(nom_ar="بناني", prenom_ar="سلمى", cin="AB123456"),
    )
    golden = attendu(date(2026, 2, 1), lambda m: None, lambda m: entree(m, echelon="1"))
    contenu = texte(documents.document_pdf(acte))
    assert "Salma Bennani" in contenu
    assert {"سلمى", "بناني"} <= arabe(contenu)
    assert "Arrêté portant recrutement" in contenu
    assert "CIN AB123456" in contenu
    assert "né(e) le 12 avril 1998" in contenu
    assert "sous le PPR 1234567" in contenu
    assert f"traitement mensuel brut de {dh(golden.variation['brut'])}" in contenu
    assert "Rappel net" in contenu
    assert dh(golden.rappel["net"]) in contenu
    assert acte.numero in contenu
    assert hijri_du_jour(contenu)


def test_mutation_unites_avant_apres(creer_agent: Callable[..., Agent], rediger: Rediger) -> None:
    agent = creer_agent(
        ppr="4100002", date_effet=date(2020, 1, 1), commune_residence="04.421", nom_fr="Idrissi"
    )
    acte = rediger("mutation", agent=agent, date_effet=date(2026, 3, 1), unite_code="FES-RH")
    golden = attendu(date(2026, 3, 1), entree, entree)
    assert golden.variation["brut"] == 0  # same residence: no pay change
    contenu = texte(documents.document_pdf(acte))
    assert "Arrêté portant mutation" in contenu
    assert "Karim Idrissi, PPR 4100002" in contenu
    assert (
        "en fonction à Unité DRH, est muté(e) à Unité FES-RH à compter du 1er mars 2026" in contenu
    )
    assert f"mensuelle brute est de {dh(0)}" in contenu
    assert {"العلوي", "كريم"} <= arabe(contenu)


def test_situation_familiale_naissance(creer_agent: Callable[..., Agent], rediger: Rediger) -> None:
    agent = creer_agent(ppr="4100003", date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rediger(
        "situation_familiale",
        agent=agent,
        date_effet=date(2026, 2, 10),
        evenement="naissance",
        enfant_prenom="Adam",
        enfant_date_naissance="10/02/2026",
    )
    golden = attendu(
        date(2026, 2, 10),
        entree,
        lambda m: entree(m, enfants_allocations=1, personnes_a_charge_ir=1),
    )
    assert golden.variation["allocations_familiales"] > 0
    contenu = texte(documents.document_pdf(acte))
    assert "Décision portant modification de la situation familiale" in contenu
    assert "DÉCIDE :" in contenu
    assert "est modifiée à compter du 10 février 2026 : Naissance" in contenu
    assert f"rémunération est de {dh(golden.variation['brut'])}" in contenu
    assert f"{dh(golden.rappel['brut'])} pour {golden.mois_rappel} mois" in contenu
    assert "PPR 4100003" in contenu


def test_mise_retraite_montants_negatifs(
    creer_agent: Callable[..., Agent], rediger: Rediger
) -> None:
    agent = creer_agent(ppr="4100004", date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rediger("mise_retraite", agent=agent, date_effet=date(2026, 4, 1), motif="anticipee")
    golden = attendu(date(2026, 4, 1), entree, lambda m: None)
    assert golden.variation["brut"] < 0
    contenu = texte(documents.document_pdf(acte))
    assert "Arrêté portant mise à la retraite" in contenu
    assert "droits à la retraite (Retraite anticipée) à compter du 1er avril 2026" in contenu
    assert f"mensuelle brute est de {dh(golden.variation['brut'])}" in contenu
    assert dh(golden.variation["brut"]).startswith("-")
    assert "indice 403" in contenu


def test_chaque_type_du_catalogue_a_une_redaction_valide() -> None:
    """A type added to the catalogue gets its family's or the default wording, whose
    placeholders are all in the whitelist of that type."""
    for code in CATALOGUE:
        redaction = documents.redaction_pour_type(code)
        services_documents.redaction_verifier(cle=f"type:{code}", redaction=redaction)
        assert redaction.titre_fr
        assert redaction.titre_ar
        assert redaction.articles_ar


# --- the admin's wording --------------------------------------------------------------------

MODELE = "/actes/documents/modeles/type:avancement_echelon/"


def _formulaire(**champs: str) -> dict[str, str]:
    base = documents.redaction_pour_type("avancement_echelon").__dict__
    return {**base, **champs, "action": champs.pop("action", "enregistrer")}


def test_redaction_modifiee_par_l_admin_dans_le_pdf_suivant(
    connecter: Any, creer_agent: Callable[..., Agent], rediger: Rediger
) -> None:
    agent = creer_agent(ppr="4100005", date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
    client = connecter(("admin", None), username="admin.a")
    reponse = client.post(
        MODELE,
        _formulaire(
            titre_fr="Arrêté spécial d'avancement n° {acte_numero}",
            titre_ar="قرار خاص {acte_numero}",
            articles_fr="Promotion de {agent_nom} au {echelon_apres}e échelon <b>gras</b>.",
        ),
    )
    assert reponse.status_code == 302
    modele = ModeleDocument.objects.get(cle="type:avancement_echelon")
    assert (modele.version, modele.modifie_par, modele.par_defaut) == (1, "admin.a", False)
    assert AuditEvent.objects.filter(
        action="actes.modele_document.modifier", object_id="type:avancement_echelon"
    ).exists()

    pdf = client.get(f"/actes/{acte.id}/document.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    contenu = texte(pdf.content)
    assert f"Arrêté spécial d'avancement n° {acte.numero}" in contenu
    assert "Promotion de Karim Alaoui au 4e échelon <b>gras</b>." in contenu  # printed as text
    assert "est promu(e)" not in contenu

    # reset: a new version, the built-in wording applies again
    assert client.post(MODELE, {"action": "reinitialiser"}).status_code == 302
    assert list(
        ModeleDocument.objects.filter(cle="type:avancement_echelon").values_list(
            "version", "par_defaut"
        )
    ) == [(2, True), (1, False)]
    contenu = texte(client.get(f"/actes/{acte.id}/document.pdf").content)
    assert "est promu(e) de l'échelon 3" in contenu


def test_variable_hors_liste_refusee_avec_message(connecter: Any) -> None:
    client = connecter(("admin", None), username="admin.a")
    reponse = client.post(
        MODELE,
        _formulaire(
            articles_fr="Salaire de {agent_salaire} ; {agent_nom.__class__}",
            titre_ar="قرار {{ acte_numero }}",
        ),
    )
    assert reponse.status_code == 400
    page = reponse.content.decode()
    assert "Variables inconnues : {agent_salaire}. Utilisez uniquement" in page
    assert "Accolade isolée ou variable mal écrite" in page
    assert not ModeleDocument.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="actes.modele_document").exists()


def test_apercu_pdf_sans_enregistrer(connecter: Any) -> None:
    client = connecter(("admin", None), username="admin.a")
    reponse = client.post(MODELE, _formulaire(action="apercu", titre_fr="Titre d'essai"))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    contenu = texte(reponse.content)
    assert "Titre d'essai" in contenu
    assert filigrane(contenu, "APERÇU")
    assert not ModeleDocument.objects.exists()


def test_non_admin_ne_modifie_pas_les_modeles(connecter: Any) -> None:
    client = connecter(("gestionnaire", None), ("valideur", None), username="gest.a")
    assert client.get(MODELE).status_code == 403
    assert client.post(MODELE, _formulaire(titre_fr="Pirate")).status_code == 403
    assert client.get("/actes/documents/modeles/").status_code == 403
    assert client.post("/actes/documents/signataire/", {"decalage_hijri": "0"}).status_code == 403
    assert not ModeleDocument.objects.exists()
    assert not ParametresDocuments.objects.exists()


def test_pages_de_l_admin(connecter: Any) -> None:
    client = connecter(("admin", None), username="admin.a")
    liste = client.get("/actes/documents/modeles/")
    assert liste.status_code == 200
    assert "type:avancement_echelon" in liste.content.decode()
    assert "famille:positions" in liste.content.decode()
    page = client.get(MODELE)
    assert page.status_code == 200
    assert "{agent_nom}" in page.content.decode()
    assert client.get("/actes/documents/modeles/type:inconnu/").status_code == 404
    reponse = client.post(
        "/actes/documents/signataire/",
        {"signataire_nom_fr": "Nadia Fassi", "lieu_fr": "Fès", "decalage_hijri": "1"},
    )
    assert reponse.status_code == 302
    parametres = ParametresDocuments.objects.get()
    assert (parametres.signataire_nom_fr, parametres.decalage_hijri) == ("Nadia Fassi", 1)
    assert AuditEvent.objects.filter(action="actes.documents_parametres.modifier").exists()
    refus = client.post("/actes/documents/signataire/", {"decalage_hijri": "5"})
    assert refus.status_code == 400
    assert ParametresDocuments.objects.get().decalage_hijri == 1


def test_document_hors_perimetre_404_et_lecteur_autorise(
    connecter: Any, creer_agent: Callable[..., Agent], rediger: Rediger
) -> None:
    fes = creer_agent(ppr="4100006", unite="FES-RH", commune_residence="04.421")
    acte = rediger("avancement_echelon", agent=fes, date_effet=date(2026, 1, 1), echelon="4")
    rabat = connecter(("lecture", "RABAT"), username="lecteur.rabat")
    assert rabat.get(f"/actes/{acte.id}/document.pdf").status_code == 404
    assert rabat.get("/actes/999999999/document.pdf").status_code == 404
    assert not AccesDonnees.objects.filter(agent_id=fes.id).exists()
    lecteur_fes = connecter(("lecture", "FES"), username="lecteur.fes")
    reponse = lecteur_fes.get(f"/actes/{acte.id}/document.pdf")
    assert reponse.status_code == 200
    assert "PPR 4100006" in texte(reponse.content)
    # the read of the agent's data is in the access log (law 09-08)
    assert list(
        AccesDonnees.objects.filter(agent_id=fes.id).values_list("acteur", "nature", "details")
    ) == [("lecteur.fes", "export", f"arrêté {acte.numero} (PDF)")]


def test_page_de_l_acte_a_le_lien(
    connecter: Any, creer_agent: Callable[..., Agent], rediger: Rediger
) -> None:
    agent = creer_agent(ppr="4100007", commune_residence="04.421")
    acte = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
    page = connecter(("lecture", None)).get(f"/actes/{acte.id}/")
    assert f'href="/actes/{acte.id}/document.pdf"' in page.content.decode()


def test_substitution_ne_execute_rien() -> None:
    valeurs = {"agent_nom": "<script>alert(1)</script>", "acte_numero": "2026-000001"}
    assert documents.remplir("{agent_nom} / {acte_numero} / {inconnu}", valeurs) == (
        "<script>alert(1)</script> / 2026-000001 / …"
    )
    html = documents.html(
        redaction=Redaction("{agent_nom}", "", "", "", "", ""),
        valeurs=valeurs,
        le=date(2026, 3, 1),
        filigrane=None,
        montants=None,
    )
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "12 رمضان 1447 هـ" in html


def test_apercu_pour_chaque_modele_sans_variable_orpheline() -> None:
    """Every key's built-in wording renders with the sample values."""
    for cle in [f"type:{c}" for c in CATALOGUE] + [f"famille:{f}" for f in documents.familles()]:
        html = documents.html(
            redaction=documents.redaction_pour_cle(cle),
            valeurs=documents.valeurs_exemple(cle),
            le=date(2026, 3, 1),
            filigrane=None,
            montants=None,
        )
        assert "{" not in html.split("<body>")[1], cle


def test_conge_de_maladie_reserve_aux_donnees_sensibles(
    connecter: Any, creer_agent: Callable[..., Agent], rediger: Rediger
) -> None:
    agent = creer_agent(ppr="4100008", date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rediger(
        "conge_maladie_moyenne",
        agent=agent,
        date_effet=date(2026, 3, 1),
        date_fin="2026-08-31",
    )
    lecteur = connecter(("lecture", None), username="lecteur")
    assert lecteur.get(f"/actes/{acte.id}/document.pdf").status_code == 404
    assert not AccesDonnees.objects.filter(agent_id=agent.id).exists()
    gestionnaire = connecter(("gestionnaire", None), username="gest")
    reponse = gestionnaire.get(f"/actes/{acte.id}/document.pdf")
    assert reponse.status_code == 200
    contenu = texte(reponse.content)
    # the family's wording (maladie): a décision, the type named mid-sentence in lower case
    assert "Décision portant congé de maladie" in contenu
    assert "PPR 4100008" in contenu
    assert "DÉCIDE :" in contenu


@pytest.mark.parametrize(
    ("type_code", "champs", "titre"),
    [
        (
            "detachement",
            {"organisme": "Office Y"},
            "Arrêté portant détachement",
        ),
        (
            "suspension_traitement",
            {"motif": "abandon_poste"},
            "Arrêté portant suspension",
        ),
        (
            "attribution_indemnite",
            {"code": "PRIME", "libelle": "Prime de rendement", "montant": "600.00"},
            "Décision portant attribution",
        ),
    ],
)
def test_types_sans_redaction_propre_prennent_celle_de_leur_famille(
    creer_agent: Callable[..., Agent],
    rediger: Rediger,
    type_code: str,
    champs: dict[str, str],
    titre: str,
) -> None:
    agent = creer_agent(ppr="4100009", date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rediger(type_code, agent=agent, date_effet=date(2026, 3, 1), **champs)
    impact = acte.versions.get().impact
    assert impact["erreur"] == ""
    contenu = texte(documents.document_pdf(acte))
    assert titre in contenu
    assert "Karim Alaoui, PPR 4100009" in contenu
    assert f"mensuelle brute est de {dh(impact['variation']['brut'])}" in contenu
    assert {"كريم", "العلوي"} <= arabe(contenu)


PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def test_logo_du_tenant_dans_l_en_tete(
    tenant_a: Any, creer_agent: Callable[..., Agent], rediger: Rediger, tmp_path: Any, settings: Any
) -> None:
    settings.INDIMAJ_STATE_DIR = tmp_path  # the logo store of this test only
    agent = creer_agent(ppr="4100010", commune_residence="04.421")
    acte = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
    sans_logo = tmp_path / "sans.pdf"
    sans_logo.write_bytes(documents.document_pdf(acte))
    logo = logos.stocker(schema=tenant_a.schema_name, contenu=PIXEL_PNG)
    Organisation.objects.filter(id=tenant_a.id).update(
        logo_sha256=logo.sha256, logo_type=logo.content_type
    )
    avec_logo = tmp_path / "avec.pdf"
    avec_logo.write_bytes(documents.document_pdf(acte))

    def images(fichier: Any) -> list[str]:
        sortie = subprocess.run(
            ["pdfimages", "-list", str(fichier)], capture_output=True, check=True, text=True
        )
        # one row per image, plus its alpha mask ("smask") when it has one
        return [ligne for ligne in sortie.stdout.splitlines()[2:] if ligne.split()[2] == "image"]

    assert images(sans_logo) == []
    assert len(images(avec_logo)) == 1


# Types whose draft needs a prior state these generic values cannot give (each is drafted in
# its own module's tests; an annulation's document is tested below).
EXCLUS = {
    "retrait_indemnite": "an indemnity of the agent",
    "rectification": "a visé act",
    "annulation": "a visé act",
    "transfert_entree": "a pending transfer from another ordonnateur",
}
VALEURS_GENERIQUES = {
    "texte": "Office Y",
    "date": "31/12/2026",
    "entier": "0",
    "montant": "100.00",
    "grade": "ADM-2",
    "echelon": "4",
    "unite": "FES-RH",
    "poste": "P-ADM",
    "commune": "04.421",
    "ppr": "7777777",
}


@pytest.mark.parametrize("type_code", sorted(set(CATALOGUE) - set(EXCLUS)))
def test_chaque_type_a_son_document(
    creer_agent: Callable[..., Agent], rediger: Rediger, type_code: str
) -> None:
    """Every type of the catalogue, present and future, gets a document naming its agent."""
    type_acte = CATALOGUE[type_code]
    brutes = {
        champ.nom: champ.choix[0][0] if champ.genre == "choix" else VALEURS_GENERIQUES[champ.genre]
        for champ in type_acte.champs
        if champ.genre == "choix" or champ.genre in VALEURS_GENERIQUES
    }
    agent = creer_agent(ppr="4100011", date_effet=date(2015, 1, 1), commune_residence="04.421")
    acte = rediger(
        type_code,
        agent=agent if type_acte.concerne_agent else None,
        date_effet=date(2026, 3, 1),
        **brutes,
    )
    contenu = texte(documents.document_pdf(acte))
    assert f"N° {acte.numero}" in contenu
    if type_acte.concerne_agent:
        assert "PPR 4100011" in contenu
        assert "Karim Alaoui" in contenu
        assert {"كريم", "العلوي"} <= arabe(contenu)
    assert hijri_du_jour(contenu)


def test_annulation_nomme_l_acte_annule(
    creer_agent: Callable[..., Agent], rediger: Rediger
) -> None:
    agent = creer_agent(ppr="4100012", date_effet=date(2020, 1, 1), commune_residence="04.421")
    origine = jusqu_au_visa(
        rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
    )
    annulation = rediger("annulation", agent=agent, origine=origine, motif="Erreur de date")
    golden = attendu(date(2026, 1, 1), lambda m: entree(m, echelon="4"), entree)
    assert golden.variation["brut"] < 0
    contenu = texte(documents.document_pdf(annulation))
    assert f"Arrêté portant annulation de l'acte n° {origine.numero}" in contenu
    assert (
        f"L'acte n° {origine.numero} concernant Karim Alaoui, PPR 4100012, est annulé "
        "(Erreur de date)." in contenu
    )
    assert {"يلغى", "كريم", "العلوي"} <= arabe(contenu)
    assert f"mensuelle brute est de {dh(golden.variation['brut'])}" in contenu
