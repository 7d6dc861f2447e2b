"""Amounts on official documents: in figures (« 1 234,56 DH », Western digits, a narrow
no-break space between thousands) and in words, French and Arabic, dirhams and centimes."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENTIME = Decimal("0.01")
ESPACE_MILLIERS = "\u202f"  # narrow no-break space, the French typographic thousands separator


def _centimes(montant: Decimal) -> tuple[int, int, bool]:
    arrondi = montant.quantize(CENTIME, rounding=ROUND_HALF_UP)
    negatif = arrondi < 0
    total = int(abs(arrondi) * 100)
    return total // 100, total % 100, negatif


def montant_chiffres(montant: Decimal, *, devise: str = "DH") -> str:
    """« 1 234,56 DH », « -300,00 DH »."""
    entier, centimes, negatif = _centimes(montant)
    groupes = f"{entier:,}".replace(",", ESPACE_MILLIERS)
    texte = f"{'-' if negatif else ''}{groupes},{centimes:02d}"
    return f"{texte} {devise}" if devise else texte


# ------------------------------------------------------------------------------ French

_UNITES_FR = (
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
    "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",
)  # fmt: skip
_DIZAINES_FR = ("", "", "vingt", "trente", "quarante", "cinquante", "soixante")


def _fr_moins_de_cent(n: int) -> str:
    if n < 20:
        return _UNITES_FR[n]
    if n < 70:
        dizaine, unite = divmod(n, 10)
        if unite == 0:
            return _DIZAINES_FR[dizaine]
        liaison = " et " if unite == 1 else "-"
        return f"{_DIZAINES_FR[dizaine]}{liaison}{_UNITES_FR[unite]}"
    if n < 80:  # soixante-dix … soixante-dix-neuf
        return "soixante et onze" if n == 71 else f"soixante-{_UNITES_FR[n - 60]}"
    if n == 80:
        return "quatre-vingts"
    return f"quatre-vingt-{_UNITES_FR[n - 80]}"


def _fr_moins_de_mille(n: int) -> str:
    centaines, reste = divmod(n, 100)
    if centaines == 0:
        return _fr_moins_de_cent(reste)
    tete = "cent" if centaines == 1 else f"{_UNITES_FR[centaines]} cent"
    if reste == 0:
        return tete + ("s" if centaines > 1 else "")
    return f"{tete} {_fr_moins_de_cent(reste)}"


def nombre_fr(n: int) -> str:
    """Cardinal in French words, traditional spelling (« vingt et un », « quatre-vingts »,
    « deux cents », but « deux cent mille »)."""
    if n < 0:
        return f"moins {nombre_fr(-n)}"
    if n < 1000:
        return _fr_moins_de_mille(n)
    parties = []
    for valeur, singulier, pluriel in (
        (1_000_000_000, "milliard", "milliards"),
        (1_000_000, "million", "millions"),
    ):
        if n >= valeur:
            q, n = divmod(n, valeur)
            parties.append(f"{nombre_fr(q)} {singulier if q == 1 else pluriel}")
    if n >= 1000:
        q, n = divmod(n, 1000)
        milliers = _fr_moins_de_mille(q)
        if milliers.endswith(("cents", "vingts")):  # invariable before « mille »
            milliers = milliers[:-1]
        parties.append("mille" if q == 1 else f"{milliers} mille")
    if n:
        parties.append(_fr_moins_de_mille(n))
    return " ".join(parties)


def montant_lettres_fr(montant: Decimal) -> str:
    """« mille deux cent trente-quatre dirhams et cinquante-six centimes »."""
    entier, centimes, negatif = _centimes(montant)
    texte = f"{nombre_fr(entier)} dirham{'s' if entier > 1 else ''}"
    if entier and entier % 1_000_000 == 0:
        texte = f"{nombre_fr(entier)} de dirhams"
    if centimes:
        texte += f" et {nombre_fr(centimes)} centime{'s' if centimes > 1 else ''}"
    return f"moins {texte}" if negatif else texte


# ------------------------------------------------------------------------------ Arabic

_UNITES_AR = (
    "صفر", "واحد", "اثنان", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة", "عشرة",
    "أحد عشر", "اثنا عشر", "ثلاثة عشر", "أربعة عشر", "خمسة عشر", "ستة عشر", "سبعة عشر",
    "ثمانية عشر", "تسعة عشر",
)  # fmt: skip
_DIZAINES_AR = ("", "", "عشرون", "ثلاثون", "أربعون", "خمسون", "ستون", "سبعون", "ثمانون", "تسعون")
_CENTAINES_AR = (
    "", "مائة", "مائتان", "ثلاثمائة", "أربعمائة", "خمسمائة", "ستمائة", "سبعمائة", "ثمانمائة",
    "تسعمائة",
)  # fmt: skip


def _ar_moins_de_mille(n: int) -> str:
    centaines, reste = divmod(n, 100)
    mots = []
    if centaines:
        mots.append(_CENTAINES_AR[centaines])
    if reste:
        if reste < 20:
            mots.append(_UNITES_AR[reste])
        else:
            dizaine, unite = divmod(reste, 10)
            # units before tens: « خمسة وعشرون »
            mots.append(
                _DIZAINES_AR[dizaine]
                if unite == 0
                else f"{_UNITES_AR[unite]} و{_DIZAINES_AR[dizaine]}"
            )
    return " و".join(mots)


def _ar_echelle(q: int, formes: tuple[str, str, str, str], *, dernier: bool) -> str:
    """1 000 → ألف, 2 000 → ألفان, 3–10 000 → ثلاثة آلاف, 11 000+ → أحد عشر ألفا (ألف when the
    counted noun follows directly), 100 000 → مائة ألف, 200 000 → مائتا ألف (construct state)."""
    singulier, duel, pluriel, accusatif = formes
    if q == 1:
        return singulier
    if q == 2:
        return duel
    multiplicateur = _ar_moins_de_mille(q)
    if multiplicateur.endswith("مائتان"):
        multiplicateur = multiplicateur[:-1]  # مائتا ألف
    reste = q % 100
    if 3 <= reste <= 10:
        return f"{multiplicateur} {pluriel}"
    if reste >= 11 and not dernier:
        return f"{multiplicateur} {accusatif}"
    return f"{multiplicateur} {singulier}"


_DUELS = ("مائتان", "ألفان", "مليونان", "ملياران")


def nombre_ar(n: int, *, suivi_du_nom: bool = False) -> str:
    """Cardinal in Arabic words. `suivi_du_nom`: the counted noun follows directly, so a final
    dual takes its construct form (مائتا درهم) and a final « ألفا » becomes « ألف »."""
    if n < 0:
        return f"ناقص {nombre_ar(-n, suivi_du_nom=suivi_du_nom)}"
    if n == 0:
        return _UNITES_AR[0]
    parties = []
    for valeur, formes in (
        (1_000_000_000, ("مليار", "ملياران", "ملايير", "مليارا")),
        (1_000_000, ("مليون", "مليونان", "ملايين", "مليونا")),
        (1000, ("ألف", "ألفان", "آلاف", "ألفا")),
    ):
        if n >= valeur:
            q, n = divmod(n, valeur)
            parties.append(_ar_echelle(q, formes, dernier=suivi_du_nom and n == 0))
    if n:
        parties.append(_ar_moins_de_mille(n))
    if suivi_du_nom and parties[-1].endswith(_DUELS):
        parties[-1] = parties[-1][:-1]
    return " و".join(parties)


def _ar_nom_compte(n: int, singulier: str, duel: str, pluriel: str, accusatif: str) -> str:
    """The counted noun after a number: درهم / درهمان / دراهم / درهما by Arabic number rules."""
    if n == 2:
        return duel
    reste = n % 100
    if 3 <= reste <= 10:
        return pluriel
    if reste >= 11:
        return accusatif
    return singulier


def _ar_compte(n: int, formes: tuple[str, str, str, str]) -> str:
    singulier, duel = formes[0], formes[1]
    if n == 1:
        return f"{singulier} واحد"
    if n == 2:
        return duel
    return f"{nombre_ar(n, suivi_du_nom=True)} {_ar_nom_compte(n, *formes)}"


def montant_lettres_ar(montant: Decimal) -> str:
    """« ألف ومائتان وأربعة وثلاثون درهما وستة وخمسون سنتيما »."""
    entier, centimes, negatif = _centimes(montant)
    texte = _ar_compte(entier, ("درهم", "درهمان", "دراهم", "درهما"))
    if centimes:
        texte += " و" + _ar_compte(centimes, ("سنتيم", "سنتيمان", "سنتيمات", "سنتيما"))
    return f"ناقص {texte}" if negatif else texte
