"""Selectors of the dashboard pages: the region in scope, its figures shaped for the page.

Every figure comes from ``reports.rollups``; this module adds the per-month donations with
last year's totals, the breadcrumbs and the branch page's lists, each one query, and shapes
the figures for the templates and charts without touching the database again. A dashboard
reads summaries only, in one snapshot with its rollup (a township's months and its
villages' coverage excepted: they come from its own records, finer than the summaries).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connections
from django.db.models import Case, Count, DecimalField, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import in_scope
from core.summaries import HOURS, MONEY, ZEROS, read_sql, serving
from core.summaries import Figure as DeclaredFigure
from funds.choices import DonationKind
from funds.models import Donation
from funds.summaries import CountyDonationSummary, DonationMonthSummary, DonationSummary
from members.choices import PositionRole
from members.models import Member, Position, VolunteerTeam
from members.summaries import CountyServiceHoursSummary, ServiceHoursSummary
from orgs.choices import CODE_LENGTH, BranchKind, RegionLevel
from orgs.models import Branch, Region
from orgs.selectors import branch_list, region_paths
from reports.rollups import (
    FIGURES,
    Coverage,
    RegionFigures,
    RegionRollup,
    one_snapshot,
    region_rollup,
    summary_alias,
    units_covered,
)

ZERO = Decimal("0")
#: How many donations the branch page lists.
RECENT_DONATIONS = 10
#: How many child regions the money ranking shows.
RANKING_SIZE = 10
#: How many branches registered at the region itself the dashboard lists.
REGION_BRANCHES = 50

COVERAGE_LABELS = {
    RegionLevel.PROVINCE: _("Province coverage"),
    RegionLevel.CITY: _("City coverage"),
    RegionLevel.COUNTY: _("County coverage"),
    RegionLevel.TOWNSHIP: _("Township coverage"),
    RegionLevel.COMMUNITY: _("Village coverage"),
}


def region_get(*, user, code: str) -> Region:
    """The region ``code`` if it lies in the user's scope, else Http404 (one query)."""
    return get_object_or_404(Region.objects.visible_to(user), code=code)


def latest_year(*, region: Region | None) -> int:
    """The latest year with donations under the region, at most this year (one query).

    A dashboard opened without ``?year=`` shows that year: early in a year, or where the
    records stop in an earlier year, this year's figures would all be empty.
    """
    this_year = timezone.localdate().year
    # Per county and month: a few rows per county; a township's own rows are finer.
    length = len(region.code) if region else 0
    model = serving((DonationMonthSummary, DonationSummary), length) or DonationSummary
    summaries = model.objects.filter(year__lte=this_year, donations__gt=0)
    if region is not None:
        summaries = summaries.filter(region_code__startswith=region.code)
    return summaries.aggregate(year=Max("year"))["year"] or this_year


def region_breadcrumbs(*, user, region: Region | None) -> list[dict]:
    """The region's ancestors from the province down, each marked whether the user may open it.

    One query (none for the country and for provinces).
    """
    if region is None:
        return []
    *ancestors, _own = region_paths([region])[region.code]
    return [
        {"code": code, "name": name, "in_scope": in_scope(user, code)} for code, name in ancestors
    ]


def region_branches(*, user, region: Region | None) -> QuerySet[Branch]:
    """Branches registered at the region itself (not below it), for the page's list."""
    if region is None:
        return Branch.objects.none()
    return branch_list(user=user).filter(region=region).order_by("kind", "name")


# Money and goods per month of the year; last year's money and goods (month 0) from the
# yearly summary, a twelfth of the month rows; last year's approved service hours (month NULL).
MONTHS_SQL = """
    SELECT month, cash, in_kind FROM ({months}) m
     UNION ALL
    SELECT 0, cash, in_kind FROM ({years}) y
     UNION ALL
    SELECT NULL, NULL, hours FROM ({hours}) h
"""
MONEY_COLUMNS = {"cash": "sum(amount)", "in_kind": "sum(in_kind_value)"}


def donation_months(*, code: str | None, year: int) -> tuple[list[dict], dict]:
    """Money and goods received per month of ``year`` in the subtree of ``code``, and last
    year's totals by figure name (money, goods, approved service hours), from the summaries
    (one query).

    Net of reversals (a reversal entry is negative); twelve rows, zeros included. The county
    summaries serve a county and above; a township's months come from its own records. Runs
    on the alias the summaries are read from (the replica of a dashboard request, if any).
    """
    code = code or ""
    length = len(code)  # one group: the region
    sql = MONTHS_SQL.format(
        months=read_sql(
            (DonationMonthSummary,), length=length, columns=MONEY_COLUMNS, by=["month"]
        ),
        years=read_sql(
            (CountyDonationSummary, DonationSummary),
            length=length,
            columns=MONEY_COLUMNS,
            year="last_year",
        ),
        hours=read_sql(
            (CountyServiceHoursSummary, ServiceHoursSummary),
            length=length,
            columns={"hours": "sum(hours)"},
            year="last_year",
        ),
    )
    with connections[summary_alias()].cursor() as cursor:
        cursor.execute(sql, {"prefix": f"{code}%", "year": year, "last_year": year - 1})
        rows = cursor.fetchall()
    by_month = {month: (cash, in_kind) for month, cash, in_kind in rows if month}
    previous = {
        "volunteers.service_hours": ZEROS[HOURS],
        "donations.amount": ZEROS[MONEY],
        "donations.in_kind_value": ZEROS[MONEY],
    }
    for month, cash, in_kind in rows:
        if month is None:
            previous["volunteers.service_hours"] = in_kind
        elif month == 0:
            previous.update({"donations.amount": cash, "donations.in_kind_value": in_kind})
    months_of_year = [
        {
            "month": month,
            "cash": by_month.get(month, (ZERO, ZERO))[0],
            "in_kind": by_month.get(month, (ZERO, ZERO))[1],
        }
        for month in range(1, 13)
    ]
    return months_of_year, previous


def _net_sum(condition: Q) -> Coalesce:
    return Coalesce(Sum("amount", filter=condition), ZERO, output_field=DecimalField(max_digits=16))


@dataclass(frozen=True)
class Figure:
    """One key figure of a dashboard, with last year's value when there is one."""

    key: str
    label: str
    value: int | Decimal
    previous: int | Decimal | None = None
    kind: str = "count"  # count, money or hours: how the templates format it
    total: int | None = None
    ratio: Decimal | float | None = None
    level: str = ""

    @property
    def change(self) -> int | Decimal | None:
        return None if self.previous is None else self.value - self.previous


def coverage_levels(rollup: RegionFigures) -> list[str]:
    """The rollup's coverage levels, from the highest down."""
    return sorted(rollup.figures["coverage"], key=lambda level: CODE_LENGTH[RegionLevel(level)])


def key_figures(*, rollup: RegionFigures, previous: dict) -> list[Figure]:
    """The dashboard's key figures: coverage per level, then the figures declared with a
    title, those of the year last (with last year's value where ``previous`` has it).

    Only service hours and donations belong to a year (the other figures are current), so
    only they can carry last year's value.
    """
    coverage = [
        Figure(
            key=f"coverage_{level}",
            label=COVERAGE_LABELS[RegionLevel(level)],
            value=rollup.figures["coverage"][level].covered,
            total=rollup.figures["coverage"][level].total,
            ratio=rollup.figures["coverage"][level].ratio,
            level=level,
        )
        for level in coverage_levels(rollup)
    ]
    shown = sorted((figure for figure in FIGURES if figure.title), key=lambda f: f.yearly)
    return coverage + [_key_figure(rollup, previous, figure) for figure in shown]


def _key_figure(rollup: RegionFigures, previous: dict, figure: DeclaredFigure) -> Figure:
    value = rollup.figures[figure.name]
    whole = rollup.figures[figure.out_of] if figure.out_of else None
    return Figure(
        key=figure.column,
        label=figure.title,
        value=value,
        previous=previous.get(figure.name) if figure.yearly else None,
        kind=figure.kind,
        total=whole,
        ratio=_ratio(value, whole) if figure.out_of else None,
    )


def _ratio(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def chart_level(rollup: RegionRollup) -> str | None:
    """The coverage level the child-region chart and table compare: townships while the
    children are above them, villages below; None when the rollup has no coverage at all.
    """
    levels = coverage_levels(rollup)
    if RegionLevel.TOWNSHIP in levels and rollup.children:
        child_length = len(rollup.children[0].code)
        if child_length < CODE_LENGTH[RegionLevel.TOWNSHIP]:
            return RegionLevel.TOWNSHIP
    if RegionLevel.COMMUNITY in levels:
        return RegionLevel.COMMUNITY
    return levels[-1] if levels else None


def unit_coverage(*, region: Region | None, rollup: RegionRollup, level: str | None) -> dict:
    """The coverage of each child that is itself a unit of ``level`` (a township's villages:
    1/1 covered, 0/1 not), by code; empty (no query) for children above ``level``.

    The coverage summaries stop at the township (their villages have no row of their own),
    so these come from the records (one query); children that coverage does not count have
    none.
    """
    if not level or not rollup.children or rollup.children[0].level != level:
        return {}
    covered = units_covered(region=region, level=level)
    return {code: Coverage.of(int(is_covered), 1) for code, is_covered in covered.items()}


def child_rows(*, rollup: RegionRollup, level: str | None, units: dict | None = None) -> list[dict]:
    """The child regions for the table, as flat rows (``as_row``) with the coverage of
    ``level`` (from ``units`` for children that are units of that level, see
    ``unit_coverage``) and their rank by money raised (no query).

    Children that raised nothing have no rank.
    """
    units = units or {}
    rows = [child.as_row() for child in rollup.children]
    raised = sorted(
        (row for row in rows if row["donations_amount"] > 0),
        key=lambda row: -row["donations_amount"],
    )
    rank = {row["code"]: position for position, row in enumerate(raised, start=1)}
    return [
        row
        | {
            "coverage": units.get(child.code) or _coverage_at(child, level),
            "rank": rank.get(row["code"]),
        }
        for child, row in zip(rollup.children, rows, strict=True)
    ]


def _coverage_at(child: RegionFigures, level: str | None) -> Coverage | None:
    return child.figures["coverage"].get(level) if level else None


def chart_data(
    *, rollup: RegionRollup, rows: list[dict], level: str | None, months: list[dict]
) -> dict:
    """Everything the charts draw, with their labels in the current language (for json_script)."""
    return {
        "coverage": _coverage_chart(rows, level),
        "kinds": _kinds_chart(rollup),
        "campaigns": {
            "names": [campaign.name for campaign in rollup.figures["donations.by_campaign"]],
            "values": [_number(c.amount) for c in rollup.figures["donations.by_campaign"]],
            "series": str(_("Money raised")),
        },
        "months": {
            "names": [str(month["month"]) for month in months],
            "cash": [_number(month["cash"]) for month in months],
            "in_kind": [_number(month["in_kind"]) for month in months],
            "series": [str(_("Money raised")), str(_("Goods (value)"))],
        },
        "ranking": _ranking_chart(rows),
    }


def _coverage_chart(rows: list[dict], level: str | None) -> dict:
    covered = [row for row in rows if row["coverage"]]
    return {
        "title": str(COVERAGE_LABELS[RegionLevel(level)]) if level else "",
        "names": [row["name"] for row in covered],
        "covered": [row["coverage"].covered for row in covered],
        "uncovered": [row["coverage"].total - row["coverage"].covered for row in covered],
        "series": [str(_("Covered")), str(_("Not covered"))],
    }


def _kinds_chart(rollup: RegionRollup) -> dict:
    by_kind = rollup.figures["branches.by_kind"]
    return {
        "items": [
            {"name": str(BranchKind(kind).label), "value": count}
            for kind, count in by_kind.items()
            if count
        ],
        "series": str(_("Active branches")),
    }


def _ranking_chart(rows: list[dict]) -> dict:
    top = sorted((row for row in rows if row["rank"]), key=lambda row: row["rank"])[:RANKING_SIZE]
    return {
        "names": [f"{row['rank']}. {row['name']}" for row in top],
        "values": [_number(row["donations_amount"]) for row in top],
        "series": str(_("Money raised")),
    }


def charts_shown(charts: dict) -> list[str]:
    """The charts with something to draw, by name: the page shows only these (a chart with
    nothing to draw is left out, never drawn empty)."""
    drawable = {
        "coverage": bool(charts["coverage"]["names"]),
        "kinds": bool(charts["kinds"]["items"]),
        "campaigns": bool(charts["campaigns"]["names"]),
        "months": any(charts["months"]["cash"]) or any(charts["months"]["in_kind"]),
        "ranking": bool(charts["ranking"]["names"]),
    }
    return [name for name, shown in drawable.items() if shown]


def _number(value: Decimal | int) -> float:
    """A chart value: charts draw floats; the exact figures stay in the tables."""
    return float(value)


#: Leadership in the order of the positions' choices: president first, supervisors last.
_ROLE_ORDER = Case(
    *[When(role=role, then=Value(rank)) for rank, role in enumerate(PositionRole.values)],
    default=Value(len(PositionRole.values)),
)


@dataclass(frozen=True)
class BranchPanels:
    """The lists of a branch page: leadership, teams, members, money."""

    positions: list[Position]
    teams: list[VolunteerTeam]
    members: dict
    donations: dict
    recent_donations: list[Donation]


def branch_panels(*, branch: Branch) -> BranchPanels:
    """The branch page's lists: current leadership, teams with their volunteer counts,
    member counts, net money and goods, the latest donations (five queries, whatever the
    number of records)."""
    return BranchPanels(
        positions=list(
            Position.objects.filter(branch=branch).current().order_by(_ROLE_ORDER, "id")
        ),
        teams=list(
            VolunteerTeam.objects.filter(branch=branch)
            .annotate(volunteer_count=Count("volunteers"))
            .order_by("name")
        ),
        members=Member.objects.filter(branch=branch).aggregate(
            active=Count("id", filter=Q(left_on__isnull=True)), total=Count("id")
        ),
        donations=Donation.objects.filter(branch=branch).aggregate(
            # Net, as the rollups count: a reversal entry takes its donation back out.
            count=Count("id", filter=Q(reverses__isnull=True))
            - Count("id", filter=Q(reverses__isnull=False)),
            cash=_net_sum(Q(kind=DonationKind.CASH)),
            in_kind=_net_sum(Q(kind=DonationKind.IN_KIND)),
        ),
        recent_donations=list(
            Donation.objects.filter(branch=branch)
            .select_related("donor", "campaign")
            .with_status()
            .order_by("-received_on", "-id")[:RECENT_DONATIONS]
        ),
    )


def region_dashboard(*, user, region: Region | None, year: int) -> dict:
    """Everything a dashboard page shows for ``region`` (None: the country) in ``year``."""
    # One snapshot for the rollup and the months, on the alias the summaries are read from.
    with one_snapshot(using=summary_alias()):
        rollup = region_rollup(region=region, year=year)
        months, previous = donation_months(code=region.code if region else None, year=year)
        level = chart_level(rollup)
        units = unit_coverage(region=region, rollup=rollup, level=level)
    rows = child_rows(rollup=rollup, level=level, units=units)
    charts = chart_data(rollup=rollup, rows=rows, level=level, months=months)
    return {
        "rollup": rollup,
        "figures": key_figures(rollup=rollup, previous=previous),
        "rows": rows,
        "chart_level": level,
        "charts": charts,
        "charts_shown": charts_shown(charts),
        "breadcrumbs": region_breadcrumbs(user=user, region=region),
        "branches": list(region_branches(user=user, region=region)[:REGION_BRANCHES]),
        "as_of": rollup.as_of,
        "last_year": year - 1,
    }
