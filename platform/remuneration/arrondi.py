"""Integer money arithmetic: centimes, basis points, half-up rounding.

Floats disagree with decimal arithmetic at .005 ties, so every amount is an integer number of
centimes and every rate an integer number of basis points (1 bp = 0.01 %); a division rounds half
up once, where the element is computed. The batch path uses the same formula on int64 arrays.
"""

from decimal import ROUND_HALF_UP, Decimal

CENTIME = Decimal("0.01")
BP = 10_000  # basis points in one unit


def arrondi(*, numerateur: int, denominateur: int) -> int:
    """numerateur / denominateur rounded half up, for numerateur >= 0 and denominateur > 0."""
    if numerateur < 0 or denominateur <= 0:
        raise ValueError("arrondi défini pour un numérateur positif et un dénominateur > 0")
    return (2 * numerateur + denominateur) // (2 * denominateur)


def centimes(montant: Decimal) -> int:
    """Decimal dirhams → integer centimes (exact; rejects sub-centime amounts)."""
    valeur = montant * 100
    if valeur != valeur.to_integral_value():
        raise ValueError(f"montant {montant} plus précis que le centime")
    return int(valeur)


def dirhams(valeur: int) -> Decimal:
    """Integer centimes → Decimal dirhams with two decimals."""
    return (Decimal(valeur) / 100).quantize(CENTIME, rounding=ROUND_HALF_UP)


def texte(valeur: int) -> str:
    """Integer centimes as a decimal string with two decimals ("1944.76")."""
    return str(dirhams(valeur))
