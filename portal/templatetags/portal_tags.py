"""Formatting of the dashboards' figures: money, counts, ratios and year-on-year changes."""

from decimal import Decimal

from django import template
from django.urls import reverse

from core.access import Action, can, in_scope, sees_country
from orgs.choices import RegionLevel

register = template.Library()


@register.filter
def yuan(value) -> str:
    """¥1,234,567.89 (exact: money is never rounded for display)."""
    if value is None or value == "":
        return "—"
    return f"¥{Decimal(value):,.2f}"


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
def signed(value, kind: str = "count") -> str:
    """A change with its sign: +12, −3, ±0."""
    if value is None:
        return ""
    formatted = figure_value(abs(value), kind)
    if value > 0:
        return f"+{formatted}"
    if value < 0:
        return f"−{formatted}"
    return f"±{formatted}"


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
