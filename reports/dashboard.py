"""Selectors of the dashboard pages: the region in scope, its figures shaped for the page.

Every figure comes from ``reports.rollups``; this module adds the per-month donations with
last year's totals, the breadcrumbs and the branch page's lists, each one query, and shapes
the figures for the templates and charts without touching the database again. A dashboard
reads summaries only, in one snapshot with its rollup (a township's months and its
villages' coverage excepted: they come from its own records, finer than the summaries).
The gap list (uncovered units, by child region, and its file) reads the records, as
``reports.rollups.coverage_gaps`` does, so it is always exact.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connections
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Left
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import in_scope, visible_to
from core.regions import child_code_length
from core.summaries import COUNT, HOURS, MONEY, ZEROS, Total, read_sql, serving
from core.summaries import Figure as DeclaredFigure
from funds.choices import DonationKind, SpendingCategory
from funds.models import Donation
from funds.summaries import CountyDonationSummary, DonationMonthSummary, DonationSummary
from life.models import Activity, Evaluation, RectificationCase
from life.selectors import (
    ChildCompliance,
    RectificationCounts,
    RequirementCalendar,
    branch_calendar,
    branch_evaluations,
    branch_rectifications,
    compliance_by_child,
    rating_distribution,
    rectification_counts,
    response_figures,
)
from members.choices import PositionRole
from members.models import Member, Position, VolunteerTeam
from members.summaries import MEMBERS_AT_YEAR_END, CountyServiceHoursSummary, ServiceHoursSummary
from orgs.choices import CODE_LENGTH, BranchKind, RegionLevel
from orgs.models import Branch, Region
from orgs.selectors import branch_list, region_paths
from orgs.summaries import TOWNSHIPS_COUNTED, TOWNSHIPS_COVERED_AT_YEAR_END
from reports.rollups import (
    FIGURES,
    Coverage,
    RegionFigures,
    RegionRollup,
    coverage_gaps,
    one_snapshot,
    region_rollup,
    summary_alias,
    tree_changed_since,
    units_covered,
)

ZERO = Decimal("0")
FIGURES_BY_NAME = {figure.name: figure for figure in FIGURES}
#: How many donations the branch page lists.
RECENT_DONATIONS = 10
#: How many child regions the money ranking shows.
RANKING_SIZE = 10
#: How many bars the campaign chart draws at most: the largest campaigns, then 其他 (the
#: others, summed) for the rest.
CAMPAIGN_BARS = 6
#: A campaign raising less than this share of the largest one goes into 其他: beside a
#: campaign that dwarfs it, its bar would be a hairline.
CAMPAIGN_SHARE = Decimal("0.05")
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


def child_length(region: Region | None) -> int:
    """The code length of the regions directly below ``region`` (the provinces' for None)."""
    return child_code_length(region.code if region else "")


def gap_children(*, user, region: Region | None, level: str) -> list[Region]:
    """The regions directly below ``region`` (None: the provinces) in the user's scope, by
    code, each with ``gaps``: how many of its units of ``level`` no branch covers (two
    queries: the regions, the counts).
    """
    length = child_length(region)
    below = Region.objects.filter(parent=region) if region else Region.objects.filter(parent=None)
    children = list(visible_to(user, below).current().order_by("code"))
    counts = dict(
        coverage_gaps(region=region, level=level)
        .order_by()
        .values_list(Left("code", length))
        .annotate(count=Count("pk"))
    )
    for child in children:
        child.gaps = counts.get(child.code, 0)
    return children


def gap_child(children: list[Region], code: str | None) -> Region | None:
    """The child ``code`` among ``children`` (None when no code is given); Http404 when it is
    not one of them: not directly below the region, or outside the user's scope (no query)."""
    if not code:
        return None
    for child in children:
        if child.code == code:
            return child
    raise Http404


def region_gap_list(*, region: Region | None, level: str, child: Region | None) -> QuerySet[Region]:
    """The uncovered units of ``level`` under ``region`` (``reports.rollups.coverage_gaps``),
    only those under ``child`` when one is given, each with ``child_name``: the name of the
    region directly below ``region`` it lies in (one query when evaluated).
    """
    gaps = coverage_gaps(region=region, level=level)
    if child is not None:
        gaps = gaps.filter(code__startswith=child.code)
    above = Region.objects.filter(code=Left(OuterRef("code"), child_length(region)))
    return gaps.annotate(child_name=Subquery(above.values("name")[:1]))


def gap_table(gaps: QuerySet[Region], *, chunk_size: int) -> tuple[list, Iterator[list]]:
    """A gap list's file: the header in the active language, and one row per unit (code,
    name, child region, parent) read ``chunk_size`` at a time as the file is written."""
    header = [_("Region code"), _("Unit"), _("Region below"), _("Parent region")]
    rows = (
        [unit.code, unit.name, unit.child_name, unit.parent.name if unit.parent else ""]
        for unit in gaps.iterator(chunk_size=chunk_size)
    )
    return [str(label) for label in header], rows


def region_branches(*, user, region: Region | None) -> QuerySet[Branch]:
    """Branches registered at the region itself (not below it), for the page's list."""
    if region is None:
        return Branch.objects.none()
    return branch_list(user=user).filter(region=region).order_by("kind", "name")


# Money and goods per month of the year (year NULL); money, goods and approved service hours
# of each year of the trend (month NULL), from the yearly summaries grouped by year; the
# members who joined less those who left and the township-level units that became covered
# less those that stopped, per year of the trend and before it (year ``first_year - 1``:
# every earlier year together); today's township-level units counted for coverage.
MONTHS_SQL = """
    SELECT 'month' AS part, NULL::int AS year, month, cash, in_kind, NULL::numeric AS hours,
           NULL::bigint AS members, NULL::bigint AS covered FROM ({months}) m
     UNION ALL
    SELECT 'year', year, NULL, y.cash, y.in_kind, h.hours, NULL, NULL
      FROM ({years}) y FULL JOIN ({hours}) h USING (year)
     UNION ALL
    SELECT 'changes', year, NULL, NULL, NULL, NULL, f.members, c.covered
      FROM ({members}) f FULL JOIN ({coverage}) c USING (year)
     UNION ALL
    SELECT 'units', NULL, NULL, NULL, NULL, NULL, NULL, townships FROM ({townships}) t
"""
# The years of the trend: PostgreSQL pushes the condition on the grouping column down into
# the summaries' scan, so only those years' rows are read.
TREND_SQL = "SELECT * FROM ({rows}) t WHERE year BETWEEN %(first_year)s AND %(year)s"
# The changes up to the last year of the trend, every year before the first one together.
CHANGES_SQL = """
    SELECT greatest(year, %(first_year)s - 1) AS year, sum({column}) AS {column}
      FROM ({rows}) t WHERE year <= %(year)s GROUP BY 1
"""
MONEY_COLUMNS = {"cash": "sum(amount)", "in_kind": "sum(in_kind_value)"}
#: How many years the trend shows, the dashboard's year last.
TREND_YEARS = 5
#: The yearly figures the months query reads, by their METRICS.md names, with their kinds.
YEARLY_FIGURES = {
    "donations.amount": MONEY,
    "donations.in_kind_value": MONEY,
    "volunteers.service_hours": HOURS,
    MEMBERS_AT_YEAR_END.name: COUNT,
    TOWNSHIPS_COVERED_AT_YEAR_END.name: COUNT,
}
#: The figures the trend chart and table show.
TREND_FIGURES = (
    "donations.amount",
    "volunteers.service_hours",
    MEMBERS_AT_YEAR_END.name,
    TOWNSHIPS_COVERED_AT_YEAR_END.name,
)
#: The figures of the trend that are no rollup figure, by name.
TREND_ONLY = {
    figure.name: figure for figure in (MEMBERS_AT_YEAR_END, TOWNSHIPS_COVERED_AT_YEAR_END)
}


def donation_months(*, code: str | None, year: int) -> tuple[list[dict], dict[int, dict]]:
    """Money and goods received per month of ``year`` in the subtree of ``code``, and the
    yearly figures (money, goods, approved service hours, members and township coverage at
    the year's end, by figure name) of ``year`` and the four years before it, by year, from
    the summaries (one query, whatever the years).

    Net of reversals (a reversal entry is negative); twelve months and five years, zeros
    included. The county summaries serve a county and above; a township's months come from
    its own records. Township coverage is a ``Coverage`` of today's township-level units
    counted for it. Runs on the alias the summaries are read from (the replica of a
    dashboard request, if any).
    """
    code = code or ""
    length = len(code)  # one group: the region
    sql = MONTHS_SQL.format(
        months=read_sql(
            (DonationMonthSummary,), length=length, columns=MONEY_COLUMNS, by=["month"]
        ),
        years=_by_year((CountyDonationSummary, DonationSummary), length, MONEY_COLUMNS),
        hours=_by_year(
            (CountyServiceHoursSummary, ServiceHoursSummary), length, {"hours": "sum(hours)"}
        ),
        members=_changes(MEMBERS_AT_YEAR_END, length, "members"),
        coverage=_changes(TOWNSHIPS_COVERED_AT_YEAR_END, length, "covered"),
        townships=read_sql(
            TOWNSHIPS_COUNTED.tables, length=length, columns={"townships": TOWNSHIPS_COUNTED.sql}
        ),
    )
    first_year = year - TREND_YEARS + 1
    params = {"prefix": f"{code}%", "year": year, "first_year": first_year, "all_years": None}
    with connections[summary_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_month = {row[2]: row[3:5] for row in rows if row[0] == "month"}
    years = {row[1]: row[3:6] for row in rows if row[0] == "year"}
    changes = {row[1]: row[6:] for row in rows if row[0] == "changes"}
    townships = next((row[7] for row in rows if row[0] == "units"), None) or 0
    members, covered = (int(value or 0) for value in changes.get(first_year - 1, (0, 0)))
    by_year = {}
    for y in range(first_year, year + 1):
        joined, became_covered = changes.get(y, (0, 0))
        members += int(joined or 0)
        covered += int(became_covered or 0)
        by_year[y] = _yearly(years.get(y, (None,) * 3)) | {
            MEMBERS_AT_YEAR_END.name: members,
            TOWNSHIPS_COVERED_AT_YEAR_END.name: Coverage.of(covered, int(townships)),
        }
    months_of_year = [
        {
            "month": month,
            "cash": by_month.get(month, (ZERO, ZERO))[0],
            "in_kind": by_month.get(month, (ZERO, ZERO))[1],
        }
        for month in range(1, 13)
    ]
    return months_of_year, by_year


def _by_year(tables, length: int, columns: dict) -> str:
    """The summaries' rows of the subtree per year of the trend."""
    rows = read_sql(tables, length=length, columns=columns, by=["year"], year="all_years")
    return TREND_SQL.format(rows=rows)


def _changes(figure: Total, length: int, column: str) -> str:
    """``figure``'s yearly changes in the subtree: per year of the trend, and the years before
    the first one together."""
    rows = read_sql(
        figure.tables, length=length, columns={column: figure.sql}, by=["year"], year="all_years"
    )
    return CHANGES_SQL.format(rows=rows, column=column)


def _yearly(values: tuple) -> dict:
    """A year's money, goods and hours by figure name; zero where the year has none."""
    return {
        name: ZEROS[kind] if value is None else value
        for (name, kind), value in zip(list(YEARLY_FIGURES.items())[:3], values, strict=True)
    }


@dataclass(frozen=True)
class TrendCell:
    """A yearly figure with its change on the year before: absolute, and as a share of the
    year before's (None when that was zero, or for the first year shown). A coverage cell
    also has the units counted (``total``) and the share covered (``share``); its change is
    that of the units covered."""

    value: Decimal | int
    kind: str
    change: Decimal | int | None = None
    ratio: Decimal | None = None
    total: int | None = None
    share: float | None = None


def trend_rows(by_year: dict[int, dict]) -> list[dict]:
    """The trend table: one row per year (oldest first) with each of ``TREND_FIGURES`` and
    its change on the year before (no query)."""
    rows, before = [], None
    for year, figures in sorted(by_year.items()):
        cells = [
            _trend_cell(figures[name], before[name] if before else None, YEARLY_FIGURES[name])
            for name in TREND_FIGURES
        ]
        rows.append({"year": year, "cells": cells})
        before = figures
    return rows


def _trend_cell(value, previous, kind: str) -> TrendCell:
    coverage = {}
    if isinstance(value, Coverage):
        coverage = {"total": value.total, "share": value.ratio}
        value, previous = value.covered, previous.covered if previous else None
    if previous is None:
        return TrendCell(value, kind, **coverage)
    change = value - previous
    # A negative year (reversals of earlier gifts) still gives a change with the right sign.
    ratio = (Decimal(change) / abs(previous)).quantize(Decimal("0.0001")) if previous else None
    return TrendCell(value, kind, change, ratio, **coverage)


def trend_headers() -> list[dict]:
    """The trend's figures as the table and chart name them: their declared headings, the
    names of docs/METRICS.md with the unit (募集资金（元）)."""
    declared = {figure.name: figure for figure in FIGURES} | TREND_ONLY
    return [
        {
            "name": name,
            "title": str(declared[name].heading),
            "kind": declared[name].kind,
            "coverage": name == TOWNSHIPS_COVERED_AT_YEAR_END.name,
        }
        for name in TREND_FIGURES
    ]


def _trend_chart(rows: list[dict], figures: slice = slice(0, 2)) -> dict:
    """A chart of the trend: money raised and service hours, or (``figures``) members and
    the share of township-level units covered, in percent, with the units covered and
    counted."""
    headers = trend_headers()[figures]
    columns = [[row["cells"][i] for row in rows] for i in range(len(trend_headers()))][figures]
    return {
        "names": [str(row["year"]) for row in rows],
        "series": [header["title"] for header in headers],
        "kinds": ["percent" if header["coverage"] else header["kind"] for header in headers],
        "values": [
            [_percent(cell.share) if header["coverage"] else _number(cell.value) for cell in cells]
            for header, cells in zip(headers, columns, strict=True)
        ],
        "units": [
            [[cell.value, cell.total] for cell in cells] if header["coverage"] else []
            for header, cells in zip(headers, columns, strict=True)
        ],
    }


def _percent(share: float | None) -> float:
    return round(100 * share, 2) if share is not None else 0.0


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
    shown = sorted((figure for figure in FIGURES if figure.headline), key=lambda f: f.yearly)
    return coverage + [_key_figure(rollup, previous, figure) for figure in shown]


def _key_figure(rollup: RegionFigures, previous: dict, figure: DeclaredFigure) -> Figure:
    value = rollup.figures[figure.name]
    whole = rollup.figures[figure.out_of] if figure.out_of else None
    return Figure(
        key=figure.column,
        label=figure.label,
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
    *,
    rollup: RegionRollup,
    rows: list[dict],
    level: str | None,
    months: list[dict],
    trend: list[dict] = (),
) -> dict:
    """Everything the charts draw, with their labels in the current language (for json_script)."""
    return {
        "coverage": _coverage_chart(rows, level),
        "kinds": _kinds_chart(rollup),
        "campaigns": _campaigns_chart(rollup.figures["donations.by_campaign"]),
        "months": {
            "names": [str(month["month"]) for month in months],
            "cash": [_number(month["cash"]) for month in months],
            "in_kind": [_number(month["in_kind"]) for month in months],
            "series": [figure_label("donations.amount"), figure_label("donations.in_kind_value")],
        },
        "ranking": _ranking_chart(rows),
        "flow": _flow_chart(fund_flow(rollup)),
        "trend": _trend_chart(list(trend)),
        "reach": _trend_chart(list(trend), slice(2, 4)),
    }


def figure_label(name: str) -> str:
    """The declared label of the figure ``name``, in the active language."""
    return str(FIGURES_BY_NAME[name].label)


def figure_headings() -> dict[str, str]:
    """The children table's column headings by flat column: each figure's label with its
    unit, as the exports head their columns (``Figure.heading``)."""
    return {figure.column: figure.heading for figure in FIGURES if figure.label}


def _campaigns_chart(campaigns: list) -> dict:
    """The largest campaigns, most money first, and 其他 summing the rest: at most
    ``CAMPAIGN_BARS`` bars, none under ``CAMPAIGN_SHARE`` of the largest (a single small
    campaign left over keeps its own bar)."""
    largest = campaigns[0].amount if campaigns else ZERO
    shown = [
        campaign
        for position, campaign in enumerate(campaigns[: CAMPAIGN_BARS - 1])
        if position == 0 or largest <= 0 or campaign.amount >= largest * CAMPAIGN_SHARE
    ]
    rest = campaigns[len(shown) :]
    if len(rest) == 1:
        shown, rest = campaigns[: len(shown) + 1], []
    names = [campaign.name for campaign in shown]
    values = [_number(campaign.amount) for campaign in shown]
    if rest:
        names.append(str(_("Others")))
        values.append(_number(sum((campaign.amount for campaign in rest), ZERO)))
    return {
        "names": names,
        "values": values,
        "others": len(rest),
        "series": figure_label("donations.amount"),
        # Each campaign drawn has its page (funds: /campaigns/<id>/).
        "pages": [
            {"name": campaign.name, "url": reverse("portal:campaign_detail", args=[campaign.id])}
            for campaign in shown
        ],
    }


def _coverage_chart(rows: list[dict], level: str | None) -> dict:
    """Covered and uncovered units per child; ``complete`` when every child's units are all
    covered: the chart then draws the counts of covered units (a row of full bars would say
    nothing)."""
    covered = [row for row in rows if row["coverage"]]
    return {
        "title": str(COVERAGE_LABELS[RegionLevel(level)]) if level else "",
        "names": [row["name"] for row in covered],
        "covered": [row["coverage"].covered for row in covered],
        "uncovered": [row["coverage"].total - row["coverage"].covered for row in covered],
        "complete": bool(covered)
        and all(row["coverage"].covered == row["coverage"].total for row in covered),
        "series": [str(_("Covered")), str(_("Not covered"))],
        "units": str(_("Covered units")),
    }


def _kinds_chart(rollup: RegionRollup) -> dict:
    by_kind = rollup.figures["branches.by_kind"]
    return {
        "items": [
            {"name": str(BranchKind(kind).label), "value": count}
            for kind, count in by_kind.items()
            if count
        ],
        "series": figure_label("branches.active"),
    }


def _ranking_chart(rows: list[dict]) -> dict:
    top = sorted((row for row in rows if row["rank"]), key=lambda row: row["rank"])[:RANKING_SIZE]
    return {
        "names": [f"{row['rank']}. {row['name']}" for row in top],
        "values": [_number(row["donations_amount"]) for row in top],
        "series": figure_label("donations.amount"),
    }


def charts_shown(charts: dict) -> list[str]:
    """The charts with something to draw, by name: the page shows only these (a chart with
    nothing to draw is left out, never drawn empty)."""
    drawable = {
        "coverage": bool(charts["coverage"]["names"]),
        "kinds": bool(charts["kinds"]["items"]),
        "campaigns": bool(charts["campaigns"]["names"]),
        "months": any(charts["months"]["cash"]) or any(charts["months"]["in_kind"]),
        "trend": any(any(values) for values in charts["trend"]["values"]),
        "reach": any(any(values) for values in charts["reach"]["values"]),
        "ranking": bool(charts["ranking"]["names"]),
        "flow": any(any(series["values"]) for series in charts["flow"]["series"]),
    }
    return [name for name, shown in drawable.items() if shown]


@dataclass(frozen=True)
class FlowLine:
    """A line of the fund-flow table: a label, an amount, and whether it is a total."""

    label: str
    amount: Decimal
    total: bool = False


@dataclass(frozen=True)
class FundFlow:
    """资金去向 of a region in a year: where the money came from (the balance at the start
    of the year and the money raised in it) and where it went (spent per category, and the
    balance at the end of the year); the two sides are equal."""

    sources: list[FlowLine]
    uses: list[FlowLine]
    administrative_share: Decimal | None
    over_cap: bool
    cap: Decimal


def fund_flow(rollup: RegionFigures) -> FundFlow:
    """The fund flow of the rollup's region, from its figures (no query): the balance at the
    start of the year is the balance at its end less the year's money raised plus the
    year's money spent (docs/METRICS.md "Fund use")."""
    figures = rollup.figures
    raised, spent = figures["donations.amount"], figures["spending.amount"]
    closing = figures["funds.balance"]
    by_category = figures["spending.by_category"]
    return FundFlow(
        sources=[
            FlowLine(str(_("Balance at the start of the year")), closing - raised + spent),
            FlowLine(figure_label("donations.amount"), raised),
        ],
        uses=[
            *(
                FlowLine(str(label), by_category[value])
                for value, label in SpendingCategory.choices
            ),
            FlowLine(figure_label("spending.amount"), spent, total=True),
            FlowLine(figure_label("funds.balance"), closing),
        ],
        administrative_share=figures["spending.administrative_share"],
        over_cap=figures["spending.administrative_over_cap"],
        cap=Decimal(str(settings.FUNDS_ADMIN_COST_CAP)),
    )


@dataclass(frozen=True)
class LifeRow:
    """组织生活 of a region in a year: activities held, the share entered on time, and its
    rectification cases (open, of them overdue, accepted in the year)."""

    code: str | None
    name: str
    held: int
    on_time_share: Decimal | None
    rectifications: RectificationCounts
    #: The required activities owed and held (a city's dashboard and below), else None.
    compliance: ChildCompliance | None = None


#: The shortest region code whose dashboard shows the compliance with the required
#: activities: a city's and below. It is read from the records, every branch's requirements
#: of the subtree: 37–49 ms for a city or county of the national data set, 0.4 s for a
#: province, 7.8 s for the country (bench/README.md).
COMPLIANCE_FROM_LENGTH = CODE_LENGTH[RegionLevel.CITY]


def branch_life(*, user, rollup: RegionRollup, year: int) -> list[LifeRow]:
    """The region's row, then one per child: the activity figures of the rollup (no query),
    the rectification cases the user sees (one query) and, from a city down, the required
    activities owed and held in the year (one query)."""
    code = rollup.code or ""
    counts = rectification_counts(user=user, code=code, year=year)
    owed = (
        {c.code: c for c in compliance_by_child(user=user, code=code, year=year)}
        if len(code) >= COMPLIANCE_FROM_LENGTH
        else None
    )
    whole = RectificationCounts(
        *(
            sum(getattr(c, name) for c in counts.values())
            for name in ("open", "overdue", "accepted")
        )
    )

    def row(figures: RegionFigures, rectifications, compliance) -> LifeRow:
        held, on_time = figures.figures["activities.held"], figures.figures["activities.on_time"]
        share = (Decimal(on_time) / held).quantize(Decimal("0.0001")) if held else None
        return LifeRow(figures.code, figures.name, held, share, rectifications, compliance)

    def compliance(child: RegionFigures) -> ChildCompliance | None:
        if owed is None:
            return None
        return owed.get(child.code) or ChildCompliance(child.code, child.name, 0, 0)

    total = None
    if owed is not None:
        total = ChildCompliance(
            code,
            rollup.name,
            sum(c.expected for c in owed.values()),
            sum(c.held for c in owed.values()),
        )
    return [
        row(rollup, whole, total),
        *(
            row(child, counts.get(child.code, RectificationCounts()), compliance(child))
            for child in rollup.children
        ),
    ]


def _flow_chart(flow: FundFlow) -> dict:
    """Two stacked bars: the sources (start balance, raised) and the uses (each category,
    end balance), one series per part; a total line is in the table only."""
    sources = flow.sources
    uses = [line for line in flow.uses if not line.total]
    return {
        "names": [str(_("Sources")), str(_("Uses"))],
        "series": [
            *({"name": line.label, "values": [_number(line.amount), 0.0]} for line in sources),
            *({"name": line.label, "values": [0.0, _number(line.amount)]} for line in uses),
        ],
    }


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


@dataclass(frozen=True)
class BranchLife:
    """A branch's 组织生活 on its page: its requirements month by month of a year, its
    evaluations and its rectification cases."""

    year: int
    calendar: list[RequirementCalendar]
    evaluations: list[Evaluation]
    rectifications: list[RectificationCase]


def branch_life_panel(*, branch: Branch, year: int | None = None) -> BranchLife:
    """The branch's life in ``year``, by default the latest year of its ledger, else this
    year (four or five queries)."""
    if year is None:
        latest = Activity.objects.filter(branch=branch).aggregate(latest=Max("held_on"))
        year = (latest["latest"] or timezone.localdate()).year
    return BranchLife(
        year=year,
        calendar=branch_calendar(branch=branch, year=year),
        evaluations=branch_evaluations(branch=branch),
        rectifications=branch_rectifications(branch=branch),
    )


def region_dashboard(*, user, region: Region | None, year: int) -> dict:
    """Everything a dashboard page shows for ``region`` (None: the country) in ``year``."""
    # One snapshot for the rollup and the months, on the alias the summaries are read from.
    with one_snapshot(using=summary_alias()):
        rollup = region_rollup(region=region, year=year)
        months, by_year = donation_months(code=region.code if region else None, year=year)
        level = chart_level(rollup)
        units = unit_coverage(region=region, rollup=rollup, level=level)
        year_end = datetime.date(year, 12, 31)
        tree_changed = year_end < timezone.localdate() and tree_changed_since(
            region=region, on=year_end
        )
    rows = child_rows(rollup=rollup, level=level, units=units)
    trend = trend_rows(by_year)
    charts = chart_data(rollup=rollup, rows=rows, level=level, months=months, trend=trend)
    return {
        "rollup": rollup,
        "figures": key_figures(rollup=rollup, previous=by_year[year - 1]),
        "flow": fund_flow(rollup),
        "trend": trend,
        "trend_headers": trend_headers(),
        "rows": rows,
        "headings": figure_headings(),
        "chart_level": level,
        "charts": charts,
        "charts_shown": charts_shown(charts),
        "breadcrumbs": region_breadcrumbs(user=user, region=region),
        "branches": list(region_branches(user=user, region=region)[:REGION_BRANCHES]),
        "as_of": rollup.as_of,
        "last_year": year - 1,
        # The units below opened or closed since the year's end: branches and coverage are
        # today's; the year-end ones are a download (the rollup ``on`` that day).
        "tree_changed": tree_changed,
        "year_end": year_end,
        "life": branch_life(user=user, rollup=rollup, year=year),
        "ratings": rating_distribution(user=user, code=rollup.code or "", year=year),
        "responses": response_figures(user=user, code=rollup.code or "", year=year),
    }
