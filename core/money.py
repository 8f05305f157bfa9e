"""How an amount of money reads everywhere (dashboards, admin, history): ¥1,000.00, −¥666.00."""

from decimal import ROUND_HALF_UP, Decimal

#: The minus sign of amounts (U+2212): a hyphen before the ¥ would read as a dash.
MINUS = "\u2212"
CENT = Decimal("0.01")
#: What an empty amount shows.
EMPTY = "—"


def yuan(value) -> str:
    """An amount of yuan to the fen with thousands separators, the sign before the ¥.

    ``Decimal("-666")`` → ``−¥666.00``; ``None`` → ``—``. Money is Decimal with two places, so
    nothing is rounded; a value with more places is rounded half up to the fen.
    """
    if value is None or value == "":
        return EMPTY
    amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = MINUS if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"
