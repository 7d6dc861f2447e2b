"""The protocol without a database: files built, then every check of §3 failing on purpose."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from exchange.protocole import signature
from exchange.protocole.fichiers import (
    FichierEchange,
    ResolveurCle,
    fichier_construire,
    fichier_verifier,
    structures_lire,
)
from exchange.protocole.manifeste import ErreurProtocole, manifeste_lire
from exchange.protocole.schemas import enregistrement_decoder, variante

EMETTEUR, DESTINATAIRE = "TGR:TM-TEST", "ORD:test-a"
CLE = signature.paire_generer()
AUTRE = signature.paire_generer()
REPONSE = {
    "acte_id": 1,
    "version": 1,
    "numero": "2026-000001",
    "etat": "vise",
    "le": "2026-11-28",
    "numero_visa": "V-1",
    "observations": [],
}


def resolveur(publique: bytes = CLE.publique) -> ResolveurCle:
    def resoudre(emetteur: str, cle_id: str, instant: datetime) -> bytes:
        if cle_id != "TGR:TM-TEST#1":
            raise ErreurProtocole("E-CLE", f"clé {cle_id} inconnue")
        return publique

    return resoudre


def construire(
    tmp_path: Path, enregistrements: list[object] | None = None, **kw: object
) -> FichierEchange:
    options: dict[str, object] = {
        "repertoire": tmp_path,
        "emetteur": EMETTEUR,
        "destinataire": DESTINATAIRE,
        "flux": "reponses",
        "sequence": 1,
        "enregistrements": [REPONSE, REPONSE | {"acte_id": 2}]
        if enregistrements is None
        else enregistrements,
        "cle_id": "TGR:TM-TEST#1",
        "cle_privee": CLE.privee,
        "cree_le": datetime(2026, 11, 28, 9, 30, tzinfo=UTC),
    } | kw
    fichier, _manifeste = fichier_construire(**options)  # type: ignore[arg-type]
    return fichier


def erreur(
    fichier: FichierEchange, *, destinataire: str = DESTINATAIRE, cle: ResolveurCle | None = None
) -> ErreurProtocole:
    with pytest.raises(ErreurProtocole) as info:
        fichier_verifier(fichier, destinataire=destinataire, cle_publique=cle or resolveur())
    return info.value


def test_un_fichier_construit_se_verifie(tmp_path):
    fichier = construire(tmp_path)
    manifeste = fichier_verifier(fichier, destinataire=DESTINATAIRE, cle_publique=resolveur())
    assert manifeste.sequence == 1
    assert manifeste.enregistrements == 2
    assert fichier.base.name == "reponses_TGR-TM-TEST_ORD-test-a_0000000001"
    assert fichier.signature.read_bytes().endswith(b"\n")


def test_un_octet_modifie_dans_la_charge(tmp_path):
    fichier = construire(tmp_path)
    octets = bytearray(fichier.charge.read_bytes())
    octets[10] ^= 0x01
    fichier.charge.write_bytes(bytes(octets))
    assert erreur(fichier).code == "E-EMPREINTE"


def test_un_octet_modifie_dans_le_manifeste(tmp_path):
    fichier = construire(tmp_path)
    fichier.manifeste.write_bytes(
        fichier.manifeste.read_bytes().replace(b'"sequence":1', b'"sequence":2')
    )
    assert erreur(fichier).code == "E-SIGNATURE"


def test_signe_avec_une_autre_cle(tmp_path):
    fichier = construire(tmp_path, cle_privee=AUTRE.privee)
    resultat = erreur(fichier)
    assert resultat.code == "E-SIGNATURE"
    assert "TGR:TM-TEST#1" in resultat.message


def test_cle_inconnue(tmp_path):
    fichier = construire(tmp_path, cle_id="TGR:TM-TEST#9")
    assert erreur(fichier).message == "clé TGR:TM-TEST#9 inconnue"


def test_fichier_tronque(tmp_path):
    fichier = construire(tmp_path)
    contenu = fichier.charge.read_bytes()
    fichier.charge.write_bytes(contenu[: len(contenu) // 2])
    assert erreur(fichier).code == "E-EMPREINTE"


def test_mauvais_destinataire(tmp_path):
    resultat = erreur(construire(tmp_path), destinataire="ORD:test-b")
    assert resultat.code == "E-DESTINATAIRE"
    assert resultat.message == "fichier adressé à ORD:test-a, reçu par ORD:test-b"


def test_ligne_non_conforme_nommee(tmp_path):
    fichier = construire(tmp_path, [REPONSE, REPONSE | {"version": "2"}])
    resultat = erreur(fichier)
    assert resultat.code == "E-SCHEMA"
    assert resultat.ligne == 2
    assert resultat.message == "ligne 2, champ « version » : entier attendu, reçu '2'"


def test_etat_inconnu_et_observation_incomplete(tmp_path):
    assert erreur(construire(tmp_path, [REPONSE | {"etat": "perdu"}])).code == "E-SCHEMA"
    sans_texte = REPONSE | {"etat": "rejete", "observations": [{"code": "OBS-POSTE"}]}
    message = erreur(construire(tmp_path / "b", [sans_texte])).message
    assert message == "ligne 1, champ « observations[0].texte » obligatoire absent"


def test_partie_manquante(tmp_path):
    fichier = construire(tmp_path)
    fichier.signature.unlink()
    assert erreur(fichier).code == "E-MANIFESTE"


def test_version_majeure_inconnue():
    donnees = {
        "protocole": "indimaj-wadef", "version": "2.0", "emetteur": EMETTEUR,
        "destinataire": DESTINATAIRE, "flux": "reponses", "type": "reponses", "schema": "1.0",
        "sequence": 1, "enregistrements": 0, "sha256": "0" * 64, "cle": "x",
        "cree_le": "2026-11-28T09:30:00+00:00", "complet": False, "reference": "",
    }  # fmt: skip
    with pytest.raises(ErreurProtocole) as info:
        manifeste_lire(json.dumps(donnees).encode())
    assert info.value.code == "E-VERSION"
    donnees["version"] = "1.3"  # a newer minor is accepted
    assert manifeste_lire(json.dumps(donnees).encode()).version == "1.3"


def test_compte_annonce_faux(tmp_path):
    fichier = construire(tmp_path)
    # a third line appended and the digest/count recomputed by a forger without the key
    manifeste = json.loads(fichier.manifeste.read_bytes())
    manifeste["enregistrements"] = 3
    fichier.manifeste.write_text(json.dumps(manifeste))
    assert erreur(fichier).code == "E-SIGNATURE"


def test_schema_laisse_au_recepteur_puis_verifie_ligne_par_ligne(tmp_path):
    """A stream in `schema_par` passes the file checks without its lines' schema; the receiver's
    one pass (`structures_lire`) then refuses the invalid line with the checker's words."""
    fichier = construire(tmp_path, [REPONSE, REPONSE | {"version": "2"}])
    manifeste = fichier_verifier(
        fichier, destinataire=DESTINATAIRE, cle_publique=resolveur(), schema_par={"reponses"}
    )
    assert manifeste.enregistrements == 2
    lues = structures_lire(fichier.charge, flux="reponses")
    numero, premiere = next(lues)
    assert (numero, premiere.acte_id, premiere.etat, premiere.observations) == (1, 1, "vise", [])
    with pytest.raises(ErreurProtocole) as info:
        next(lues)
    assert (info.value.code, info.value.ligne) == ("E-SCHEMA", 2)
    assert info.value.message == "ligne 2, champ « version » : entier attendu, reçu '2'"


ENTETE = {
    "type": "entete", "mois": "2026-11", "ordonnateur": DESTINATAIRE, "date_arret": "2026-11-20",
    "date_paiement": "2026-11-27", "agents": 1, "brut": "10.00", "retenues": "0.00",
    "net": "10.00", "inconnu": {"ignore": True},
}  # fmt: skip


@pytest.mark.parametrize(
    ("ligne", "attendu"),
    [
        (ENTETE | {"mois": "2026-13"}, "champ « mois » : mois AAAA-MM attendu"),
        (ENTETE | {"brut": "10.0"}, "champ « brut » : montant « 0.00 » attendu"),
        (ENTETE | {"brut": "10.00\n"}, "champ « brut » : montant « 0.00 » attendu"),
        (ENTETE | {"agents": True}, "champ « agents » : entier attendu"),
        (ENTETE | {"agents": None}, "champ « agents » obligatoire absent"),
        (ENTETE | {"type": "pied"}, "champ « type » : une valeur parmi entete, agent, total"),
        ([ENTETE], "une valeur parmi entete, agent, total"),
        # stricter than the checker: a date written exactly AAAA-MM-JJ
        (
            ENTETE | {"date_arret": "2026-W47-5"},
            "ligne 3 : valeur refusée (Invalid RFC3339 encoded date",
        ),
    ],
)
def test_decodage_type_refuse_avec_les_mots_du_protocole(ligne, attendu):
    with pytest.raises(ErreurProtocole) as info:
        enregistrement_decoder("paie", json.dumps(ligne).encode(), numero=3)
    assert info.value.code == "E-SCHEMA"
    assert attendu in info.value.message


def test_decodage_type_accepte_ce_que_le_verificateur_accepte():
    entete = enregistrement_decoder("paie", json.dumps(ENTETE).encode(), numero=1)
    assert variante(entete) == "entete"
    assert (entete.mois, entete.agents, entete.brut, str(entete.date_arret)) == (
        "2026-11", 1, "10.00", "2026-11-20"
    )  # fmt: skip
    with pytest.raises(ErreurProtocole, match="JSON illisible"):
        enregistrement_decoder("paie", b'{"type": "entete",', numero=1)
