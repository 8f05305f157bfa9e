"""A region's children table (``reports.rollups.rollup_rows``) as CSV and as an Excel workbook.

Headers are in the request's language (Chinese by default). Text that a spreadsheet would
read as a formula (starting with = + - @, a tab or a carriage return) is prefixed with ``'``
(``core.exports``, shared with the admin's list exports). In the workbook money reads
``#,##0.00``, counts ``#,##0`` and coverage ratios (fractions) as percentages.
"""

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from core.access import sees_country
from core.api.filters import query_parameters
from core.exports import COUNT, MONEY, RATIO, XLSX, csv_chunks, xlsx_write
from core.exports import safe_cell as cell
from core.summaries import HOURS
from core.summaries import MONEY as MONEY_FIGURE
from core.summaries import RATIO as RATIO_FIGURE
from orgs.choices import RegionLevel
from reports.api.serializers import RollupQuerySerializer
from reports.api.views import REGION_CODE, scoped_region
from reports.rollups import COUNTRY, FIGURES, rollup_rows

#: The number format of each kind of figure.
KIND_FORMATS = {MONEY_FIGURE: MONEY, HOURS: "#,##0.0", RATIO_FIGURE: RATIO}


def column_labels() -> dict[str, str]:
    """The header of each fixed column of ``rollup_rows``, in the active language: the
    region's, then each declared figure's heading: its label with the unit (coverage columns:
    ``coverage_label``)."""
    labels = {"code": _("Region code"), "name": _("Name"), "level": _("Level")}
    return labels | {figure.column: figure.heading for figure in FIGURES if figure.label}


def coverage_label(column: str) -> str:
    """``coverage_township_covered`` → "Township level: covered", in the active language."""
    _prefix, level, figure = column.split("_", 2)
    label = {
        "covered": _("%(level)s: covered"),
        "total": _("%(level)s: units"),
        "ratio": _("%(level)s: coverage ratio"),
    }[figure]
    return label % {"level": RegionLevel(level).label}


def header(columns: list[str]) -> list[str]:
    labels = column_labels()
    return [labels.get(column) or coverage_label(column) for column in columns]


def cells(row: dict) -> list:
    """One child's cells, its level by name."""
    values = {**row, "level": str(RegionLevel(row["level"]).label)}
    return [cell(value) for value in values.values()]


def table(*, region, year=None, on=None) -> tuple[list[str], list[list]]:
    """The columns, and the header row and one row per child region (the same queries as
    the rollup)."""
    rows = rollup_rows(region=region, year=year, on=on)
    columns = list(rows[0]) if rows else list(column_labels())
    return columns, [[cell(label) for label in header(columns)], *(cells(row) for row in rows)]


def formats(columns: list[str]) -> list[str | None]:
    """Each column's number format: the region's columns none, figures by their kind,
    coverage ratios as percentages."""
    kinds = {figure.column: figure.kind for figure in FIGURES}
    return [
        None
        if column in ("code", "name", "level")
        else RATIO
        if column.startswith("coverage_") and column.endswith("_ratio")
        else KIND_FORMATS.get(kinds.get(column), COUNT)
        for column in columns
    ]


def csv_bytes(rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese text correctly."""
    return b"".join(csv_chunks(rows))


def xlsx_bytes(rows: list[list], columns: list[str] | None = None) -> bytes:
    """The workbook; with ``columns``, figures get their number formats."""
    buffer = io.BytesIO()
    xlsx_write(rows, title=_("Rollup"), file=buffer, formats=formats(columns or []))
    return buffer.getvalue()


class RollupExportView(APIView):
    """Base of the exports: the file on success; errors as JSON like everywhere else."""

    content_type = ""
    extension = ""

    def perform_content_negotiation(self, request, force=False):
        # The URL names the file's format; the negotiated renderer only renders errors.
        return JSONRenderer(), JSONRenderer.media_type

    def get(self, request, code=None):
        region = self.region(request, code)
        query = query_parameters(RollupQuerySerializer, request)
        columns, rows = table(region=region, **query)
        content = self.render_file(rows, columns)
        response = HttpResponse(content, content_type=self.content_type)
        place = region.code if region else COUNTRY
        year, on = query.get("year"), query.get("on")
        name = (
            f"rollup-{place}{f'-{year}' if year else ''}{f'-on-{on}' if on else ''}"
            f".{self.extension}"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def region(self, request, code: str | None):
        """The region in the user's scope; None for the country, superusers only (else 404)."""
        if code is not None:
            return scoped_region(request.user, code)
        if not sees_country(request.user):
            raise exceptions.NotFound()
        return None

    def render_file(self, rows: list[list], columns: list[str]) -> bytes:
        raise NotImplementedError


class RollupCsvView(RollupExportView):
    """The children of a region with their figures, as CSV."""

    content_type = "text/csv; charset=utf-8"
    extension = "csv"

    @extend_schema(
        operation_id="regions_rollup_csv",
        parameters=[REGION_CODE, RollupQuerySerializer],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def get(self, request, code):
        return super().get(request, code)

    def render_file(self, rows, columns):
        return csv_bytes(rows)


class RollupXlsxView(RollupExportView):
    """The children of a region with their figures, as an Excel workbook."""

    content_type = XLSX
    extension = "xlsx"

    @extend_schema(
        operation_id="regions_rollup_xlsx",
        parameters=[REGION_CODE, RollupQuerySerializer],
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request, code):
        return super().get(request, code)

    def render_file(self, rows, columns):
        return xlsx_bytes(rows, columns)


class CountryRollupCsvView(RollupCsvView):
    """The provinces with their figures, as CSV: for superusers (others: 404)."""

    extra_error_statuses = (404,)

    @extend_schema(
        operation_id="rollup_csv",
        parameters=[RollupQuerySerializer],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def get(self, request):
        return RollupExportView.get(self, request)


class CountryRollupXlsxView(RollupXlsxView):
    """The provinces with their figures, as an Excel workbook: for superusers (others: 404)."""

    extra_error_statuses = (404,)

    @extend_schema(
        operation_id="rollup_xlsx",
        parameters=[RollupQuerySerializer],
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request):
        return RollupExportView.get(self, request)
