"""Formatting of the dashboards' figures: money, counts, ratios and year-on-year changes."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language

from core.access import Action, can, in_scope, sees_country
from core.money import CENT, MINUS, yuan
from orgs.choices import RegionLevel

register = template.Library()


#: ¥1,234,567.89 and −¥666.00: the one way an amount reads (``core.money.yuan``).
register.filter("yuan", yuan)

#: The units of a compact amount, smallest first: 万 (10⁴) and 亿 (10⁸) in Chinese; the
#: English pages count in millions and billions (an amount under a million stays exact).
COMPACT_UNITS = {
    "zh": ((Decimal(10**4), "万"), (Decimal(10**8), "亿")),
    "en": ((Decimal(10**6), "M"), (Decimal(10**9), "B")),
}


@register.filter
def yuan_compact(value) -> str:
    """An amount short enough for a key-figure card: ¥1,815.66万 in Chinese, ¥18.16M in
    English, to the hundredth of the unit (half up); exact under the smallest unit
    (¥9,999.99); −¥666.00 below zero. Decimal arithmetic only: the exact amount goes in a
    tooltip or a table (``yuan``)."""
    if value is None or value == "":
        return "—"
    amount = Decimal(value)
    sign = MINUS if amount < 0 else ""
    amount = abs(amount)
    language = "zh" if (get_language() or "zh").startswith("zh") else "en"
    shown, shown_unit, shown_size = amount.quantize(CENT, rounding=ROUND_HALF_UP), "", 1
    for size, unit in COMPACT_UNITS[language]:
        # The next unit once the figure as shown reaches it: ¥1.00亿, not ¥10,000.00万.
        if shown * shown_size >= size:
            shown = (amount / size).quantize(CENT, rounding=ROUND_HALF_UP)
            shown_unit, shown_size = unit, size
    return f"{sign if shown else ''}¥{shown:,.2f}{shown_unit}"


@register.filter
def number(value) -> str:
    """1,234 for counts; 1,234.5 for hours."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


@register.filter
def percent(ratio) -> str:
    """A ratio between 0 and 1 as 87.5%; a dash when there is nothing to divide."""
    if ratio is None or ratio == "":
        return "—"
    value = (Decimal(ratio) * 100).quantize(Decimal("0.1"))
    return f"{value.normalize():f}%"


@register.filter
def figure_value(value, kind: str) -> str:
    """A key figure formatted by its kind (money, hours or count)."""
    return yuan(value) if kind == "money" else number(value)


@register.filter
def figure_compact(value, kind: str) -> str:
    """A key figure formatted to fit its card: money compact (``yuan_compact``), the other
    kinds as ``figure_value``."""
    return yuan_compact(value) if kind == "money" else number(value)


@register.filter
def signed(value, kind: str = "count") -> str:
    """A change with its sign, short enough for a card: +12, −3, ±0, +¥3.30万."""
    return _signed(value, lambda amount: figure_compact(amount, kind))


@register.filter
def signed_exact(value, kind: str = "count") -> str:
    """A change with its sign, exact: +¥33,000.00 (a card's tooltip)."""
    return _signed(value, lambda amount: figure_value(amount, kind))


def _signed(value, formatted) -> str:
    if value is None:
        return ""
    if value > 0:
        return f"+{formatted(value)}"
    if value < 0:
        return f"{MINUS}{formatted(abs(value))}"
    return f"±{formatted(value)}"


@register.filter
def signed_percent(ratio) -> str:
    """A change as a share of the year before, with its sign: +12.5%, −3%, ±0%; a dash
    when there is nothing to divide by."""
    if ratio is None or ratio == "":
        return "—"
    return _signed(Decimal(ratio), lambda share: percent(share))


@register.filter
def unbroken(text) -> str:
    """The text in a span no line breaks (a figure: +¥1,234.57亿 would otherwise break after
    the sign or before the unit)."""
    return format_html('<span class="unbroken">{}</span>', text)


@register.filter
def trend(value) -> str:
    """up, down or flat: the CSS modifier of a change."""
    if value is None or value == 0:
        return "flat"
    return "up" if value > 0 else "down"


@register.filter
def level_label(level: str) -> str:
    """The level's name in the current language; the country's level has none."""
    try:
        return str(RegionLevel(level).label)
    except ValueError:
        return ""


@register.simple_tag
def dashboard_url(code: str | None, year: int | None = None) -> str:
    """The dashboard of ``code`` (the home page for None), keeping the chosen year."""
    url = reverse("portal:region_dashboard", args=[code]) if code else reverse("portal:home")
    return f"{url}?year={year}" if year else url


@register.filter
def may(user, action: str) -> bool:
    """Whether the access module lets ``user`` do ``action`` (``{% if user|may:"import" %}``)."""
    return can(user, Action(action))


@register.filter
def sees_whole_country(user) -> bool:
    """Whether the user's scope is the whole country."""
    return sees_country(user)


@register.filter
def can_open(user, code: str) -> bool:
    """Whether the region ``code`` lies in the user's scope (no query)."""
    return bool(code) and in_scope(user, code)


@register.simple_tag
def gaps_url(region, level: str) -> str:
    """The uncovered units of ``level`` under ``region`` (the whole country for None)."""
    url = (
        reverse("portal:region_gaps", args=[region.code])
        if region
        else reverse("portal:country_gaps")
    )
    return f"{url}?level={level}"
