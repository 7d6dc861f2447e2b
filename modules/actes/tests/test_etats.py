"""The pure state machine, walked at random by hypothesis: whatever the path from a draft, an
act reaches `transmis` only from `validé`, `visé` only from `pris en charge`, nothing leaves
`annulé` or `intégré en paie`, and a version the Treasury rejected is never visé."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from modules.actes import etats
from modules.actes.etats import Partie
from modules.actes.models import Etat

PARTIES = list(Partie)


@st.composite
def chemins(draw: st.DrawFn) -> list[tuple[Etat, Etat, Partie]]:
    """A random walk from `brouillon` over the allowed (state, state, party) steps."""
    etat = Etat.BROUILLON
    pas: list[tuple[Etat, Etat, Partie]] = []
    for _ in range(draw(st.integers(min_value=0, max_value=40))):
        partie = draw(st.sampled_from(PARTIES))
        suivants = etats.suivants(etat, partie)
        if not suivants:
            if etat in etats.FINAUX:
                break
            continue
        vers = draw(st.sampled_from(suivants))
        pas.append((etat, vers, partie))
        etat = vers
    return pas


@given(chemins())
def test_tout_chemin_respecte_les_invariants(chemin: list[tuple[Etat, Etat, Partie]]) -> None:
    passe_par_valide = False
    version = 1
    rejetees: set[int] = set()
    visees: set[int] = set()
    for de, vers, partie in chemin:
        assert etats.possible(de, vers)
        assert etats.autorise(de, vers, partie)
        assert de not in etats.FINAUX
        if vers == Etat.VALIDE:
            passe_par_valide = True
        if vers == Etat.TRANSMIS:
            assert de == Etat.VALIDE
            assert passe_par_valide
            assert partie == Partie.VALIDEUR
        if vers == Etat.VISE:
            assert de == Etat.PRIS_EN_CHARGE
            visees.add(version)
        if vers == Etat.REJETE:
            rejetees.add(version)
        if de in (Etat.TRANSMIS, Etat.PRIS_EN_CHARGE, Etat.VISE) or vers in (
            Etat.PRIS_EN_CHARGE,
            Etat.VISE,
            Etat.REJETE,
            Etat.EN_SUSPENS,
            Etat.INTEGRE_PAIE,
        ):
            assert partie == Partie.TRESOR
        if de in (Etat.REJETE, Etat.EN_SUSPENS) and vers == Etat.BROUILLON:
            version += 1  # a correction is a new version
            passe_par_valide = False
        if vers == Etat.BROUILLON:
            passe_par_valide = False
    assert not rejetees & visees


@given(st.sampled_from(list(Etat)), st.sampled_from(list(Etat)), st.sampled_from(PARTIES))
def test_autorise_implique_possible(de: Etat, vers: Etat, partie: Partie) -> None:
    if etats.autorise(de, vers, partie):
        assert etats.possible(de, vers)
        assert vers in etats.suivants(de, partie)
    else:
        assert vers not in etats.suivants(de, partie)


def test_les_predecesseurs_exacts() -> None:
    def predecesseurs(vers: Etat) -> set[Etat]:
        return {de for (de, v) in etats.TRANSITIONS if v == vers}

    assert predecesseurs(Etat.TRANSMIS) == {Etat.VALIDE}
    assert predecesseurs(Etat.VALIDE) == {Etat.BROUILLON}
    assert predecesseurs(Etat.VISE) == {Etat.PRIS_EN_CHARGE}
    assert predecesseurs(Etat.INTEGRE_PAIE) == {Etat.VISE}
    assert etats.suivants(Etat.REJETE) == [Etat.BROUILLON, Etat.ANNULE]
    for final in (Etat.ANNULE, Etat.INTEGRE_PAIE):
        assert etats.suivants(final) == []
    # once transmitted, only the Treasury moves the act (no cancelling behind its back)
    for etat in (Etat.TRANSMIS, Etat.PRIS_EN_CHARGE, Etat.VISE):
        assert etats.suivants(etat, Partie.GESTIONNAIRE) == []
        assert etats.suivants(etat, Partie.VALIDEUR) == []


def test_chaque_etat_est_atteignable_depuis_le_brouillon() -> None:
    vus = {Etat.BROUILLON}
    frontiere = [Etat.BROUILLON]
    while frontiere:
        for vers in etats.suivants(frontiere.pop()):
            if vers not in vus:
                vus.add(vers)
                frontiere.append(vers)
    assert vus == set(Etat)


def test_un_gestionnaire_ne_valide_ni_ne_transmet() -> None:
    assert not etats.autorise(Etat.BROUILLON, Etat.VALIDE, Partie.GESTIONNAIRE)
    assert not etats.autorise(Etat.VALIDE, Etat.TRANSMIS, Partie.GESTIONNAIRE)
    assert not etats.autorise(Etat.BROUILLON, Etat.VALIDE, Partie.TRESOR)
    assert not etats.autorise(Etat.PRIS_EN_CHARGE, Etat.VISE, Partie.VALIDEUR)
