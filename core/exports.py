"""Tables as CSV and Excel files that are safe to open, and every admin list as such a file.

Text a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) is prefixed with ``'``; numbers stay numbers. CSV is UTF-8 with a
byte-order mark, so that Excel on Chinese Windows opens it right.

Each admin list answers ``export/?format=csv|xlsx&<the list's own query string>`` with the
rows the list shows: the same region scope, filters, search and order. Models with an
import write the import template's columns, so an exported file imports unchanged; the
others write the list's columns. Phone and ID numbers are masked for users who may not
see them in full; a file with full numbers is logged. Rows are read in chunks and written
as they come: the CSV is streamed, the workbook is written to a temporary file.

Workbooks read well in Excel: a bold, frozen header row; columns as wide as their first
rows' content (within bounds); money as ``#,##0.00``, counts as ``#,##0``, ratios (stored as
fractions) as ``0.0%``, dates as date cells.
"""

import codecs
import contextlib
import csv
import datetime
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from functools import partial
from itertools import chain, islice

from django.conf import settings
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import label_for_field, lookup_field
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.http import (
    FileResponse,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.access import Action, can
from core.audit import AuditKind, log_personal_data_shown, log_security_event
from core.context import Source

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Rows of an Excel sheet, the header included.
XLSX_MAX_ROWS = 1_048_576
#: Rows read from the database at a time, and rows per access-log entry.
CHUNK_SIZE = 2000
FORMAT_VAR = "format"
#: Characters Excel refuses in a sheet's name (which also has at most 31 characters).
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
#: Set on the request of an export: its changelist skips the COUNT and the page.
EXPORTING = "_admin_export"

#: Excel number formats of exported cells.
MONEY = "#,##0.00"
COUNT = "#,##0"
RATIO = "0.0%"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm:ss"
#: Column widths, in Excel's character units (a Chinese character takes two).
MIN_WIDTH, MAX_WIDTH = 8, 60
#: Rows held to fit the column widths before the sheet is written (memory stays bounded).
WIDTH_ROWS = 200


def safe_cell(value):
    """A value safe to open in a spreadsheet: formula-like text is escaped, numbers stay."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def plain(value):
    """A model value as a file cell: labels as text, times local, yes/no in words."""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, Promise | models.Model):
        return str(value)
    return value


class _Echo:
    """A file that gives back what is written: ``csv.writer`` then returns each line."""

    def write(self, value):
        return value


def csv_chunks(rows: Iterable[list], batch: int = 200) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark, ``batch`` rows at a time."""
    writer = csv.writer(_Echo())
    yield codecs.BOM_UTF8
    lines = []
    for row in rows:
        lines.append(writer.writerow([safe_cell(value) for value in row]))
        if len(lines) == batch:
            yield "".join(lines).encode()
            lines = []
    if lines:
        yield "".join(lines).encode()


def xlsx_cell(sheet, value, number_format: str | None = None):
    """Text as a text cell, never a formula; characters XML cannot carry are dropped.

    Numbers and dates get ``number_format``, else the format their type reads best in.
    """
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value)))
        cell.data_type = "s"
        return cell
    number_format = number_format or format_of(value)
    if number_format is None:
        return value
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = number_format
    return cell


def format_of(value) -> str | None:
    """The number format a value reads best in: dates as dates, counts and amounts grouped.

    A Decimal keeps its places (hours ``2.5`` → ``#,##0.0``; yuan ``1000.00`` → ``MONEY``).
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, datetime.datetime):
        return DATETIME
    if isinstance(value, datetime.date):
        return DATE
    if isinstance(value, int):
        return COUNT
    if isinstance(value, Decimal) and value.is_finite():
        places = min(max(-value.as_tuple().exponent, 0), 6)
        return f"{COUNT}.{'0' * places}" if places else COUNT
    if isinstance(value, float):
        return MONEY
    return None


def shown_width(value, number_format: str | None = None) -> int:
    """About how many character widths Excel needs to show ``value`` (Chinese count two)."""
    if value is None:
        return 0
    number_format = number_format or format_of(value)
    if isinstance(value, datetime.datetime):
        text = "2024-03-05 12:00:00"
    elif isinstance(value, datetime.date):
        text = "2024-03-05"
    elif number_format == RATIO and isinstance(value, int | float | Decimal):
        text = f"{value:.1%}"
    elif number_format and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        places = len(number_format.rpartition(".")[2]) if "." in number_format else 0
        text = f"{value:,.{places}f}"
    else:
        text = str(value)
    return max(
        sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
        for line in text.splitlines() or [""]
    )


def column_widths(rows: list[list], formats: Sequence[str | None] = ()) -> list[int]:
    """Each column's width for ``rows`` (the header and the first rows), within bounds."""
    widths: list[int] = []
    for row in rows:
        widths.extend([0] * (len(row) - len(widths)))
        for i, value in enumerate(row):
            number_format = formats[i] if i < len(formats) else None
            widths[i] = max(widths[i], shown_width(value, number_format))
    return [min(MAX_WIDTH, max(MIN_WIDTH, width + 2)) for width in widths]


class TooManyRows(Exception):
    """More rows than a sheet holds (Excel stops at 1,048,576)."""


def xlsx_write(
    rows: Iterable[list], *, title: str, file, formats: Sequence[str | None] = ()
) -> None:
    """Write ``rows`` (the header first) to ``file`` as a workbook of one sheet.

    ``formats`` gives a column's number format (None: by the value's type). The header is
    bold and frozen; the widths are fitted to the first ``WIDTH_ROWS`` rows, the only rows
    held in memory.
    """
    rows = iter(rows)
    first = list(islice(rows, WIDTH_ROWS + 1))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE_FORBIDDEN.sub(" ", title)[:31])
    for index, width in enumerate(column_widths(first, formats), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    for number, row in enumerate(chain(first, rows), start=1):
        if number > XLSX_MAX_ROWS:
            sheet.close()  # ends the sheet's writer and removes its temporary file
            raise TooManyRows
        if number == 1:
            sheet.append([header_cell(sheet, value) for value in row])
            continue
        sheet.append(
            [
                xlsx_cell(sheet, value, formats[i] if i < len(formats) else None)
                for i, value in enumerate(row)
            ]
        )
    workbook.save(file)


def header_cell(sheet, value):
    """A header cell: bold text."""
    cell = xlsx_cell(sheet, str(value) if value is not None else "")
    cell.font = Font(bold=True)
    return cell


def csv_response(header: list, rows: Iterable[list], *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_chunks(in_language(translation.get_language(), [header], rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def xlsx_response(
    header: list, rows: Iterable[list], *, filename: str, formats: Sequence[str | None] = ()
) -> HttpResponse:
    """The workbook, written to a temporary file first (a zip cannot be streamed as built).

    ``formats``: the columns' number formats (``xlsx_write``)."""
    # FileResponse closes the file, which removes it, once the response is sent.
    file = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        xlsx_write(
            chain([header], rows), title=filename.rsplit("-", 1)[0], file=file, formats=formats
        )
    except TooManyRows:
        file.close()
        message = gettext("Too many rows for one Excel sheet: filter the list or export CSV.")
        return HttpResponseBadRequest(message)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX)


def in_language(language: str | None, *iterables) -> Iterator:
    """The rows, rendered in ``language`` even when read after the view has returned."""
    with translation.override(language):
        yield from chain(*iterables)


WRITERS = {"csv": ("csv", csv_response), "xlsx": ("xlsx", xlsx_response)}


#: ``lookup(model)`` → the import specification of ``model`` or None, installed by the
#: imports app: an export of an importable model writes the template's columns.
_import_spec_lookup: Callable | None = None


def register_import_specs(lookup: Callable) -> None:
    """Install the lookup of a model's import specification (imports.specs.spec_for)."""
    global _import_spec_lookup
    _import_spec_lookup = lookup


def import_spec(model):
    """The import specification of ``model``, or None."""
    return _import_spec_lookup(model) if _import_spec_lookup is not None else None


#: ``queue(request, model_admin, format_)`` → the response to a list too long to write in
#: the request, installed by the imports app (imports.exports.export_queue), which writes it
#: in the background worker through ``ExportableAdmin.export_to``.
_background_export: Callable | None = None


def register_background_export(queue: Callable) -> None:
    """Install the queue of long exports (imports.exports.export_queue)."""
    global _background_export
    _background_export = queue


def write_file(format_: str, header: list, rows: Iterable[list], *, title: str, file) -> int:
    """Write the table to the binary ``file`` as ``format_``; the number of rows written."""
    written = 0

    def counted():
        nonlocal written
        for row in rows:
            written += 1
            yield row

    if format_ == "xlsx":
        xlsx_write(chain([header], counted()), title=title, file=file)
    else:
        for chunk in csv_chunks(chain([header], counted())):
            file.write(chunk)
    return written


class ExportableAdmin:
    """Mixed into every ModelAdmin: the list's rows, as the user sees them, as a file."""

    export_chunk_size = CHUNK_SIZE

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_export"
        export = path("export/", self.admin_site.admin_view(self.export_view), name=name)
        # Before the catch-all "<object_id>/" pattern of the default URLs.
        return [export, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        context = {**self.export_links(request), **(extra_context or {})}
        return super().changelist_view(request, context)

    def export_links(self, request) -> dict:
        """The buttons' addresses: this list's query string with each format, and the import."""
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_export")
        query = request.GET.copy()
        query.pop("p", None)
        links = {}
        for format_ in WRITERS:
            query[FORMAT_VAR] = format_
            links[f"export_{format_}_url"] = f"{url}?{query.urlencode()}"
        spec = import_spec(self.model)
        if spec is not None and self.has_add_permission(request):
            # Until the imports' addresses are installed, the list shows no import link.
            with contextlib.suppress(NoReverseMatch):
                links["import_url"] = reverse("imports:upload", args=[spec.slug])
        return links

    def export_view(self, request):
        """The list's rows as a file; 400 for an unknown format or filter."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        query = request.GET.copy()
        format_ = query.pop(FORMAT_VAR, ["csv"])[-1]
        if format_ not in WRITERS:
            return HttpResponseBadRequest(gettext("Choose the file format: csv or xlsx."))
        request.GET = query
        try:
            queryset = self.get_export_queryset(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest(gettext("The list's filters are not valid."))
        log_security_event(
            AuditKind.EXPORT,
            request=request,
            target=self.model,
            detail={"format": format_, "query": query.urlencode()},
        )
        if _background_export is not None and self._long(queryset):
            return _background_export(request, self, format_)
        header, rows = self.get_export_table(request, queryset)
        extension, respond = WRITERS[format_]
        filename = f"{self.opts.verbose_name_plural}-{timezone.localdate():%Y%m%d}.{extension}"
        return respond([str(label) for label in header], rows, filename=filename)

    def export_to(self, request, format_: str, file) -> int:
        """Write the list of ``request.GET`` to ``file``, as the worker does for a long one.

        The rows written; raises PermissionDenied, IncorrectLookupParameters or TooManyRows.
        """
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        queryset = self.get_export_queryset(request)
        header, rows = self.get_export_table(request, queryset)
        title = str(self.opts.verbose_name_plural)
        with translation.override(request.LANGUAGE_CODE):
            return write_file(
                format_, [str(label) for label in header], rows, title=title, file=file
            )

    def _long(self, queryset) -> bool:
        """Whether the list has more rows than a request writes (one bounded COUNT)."""
        limit = settings.EXPORT_BACKGROUND_ROWS
        return queryset.order_by()[: limit + 1].count() > limit

    def get_export_queryset(self, request) -> models.QuerySet:
        """The changelist's rows with its filters, search and order, without its COUNT."""
        setattr(request, EXPORTING, True)
        queryset = self.get_changelist_instance(request).get_queryset(request)
        related = self._related_columns(request)
        if queryset.query.select_related is True or not related:
            return queryset
        return queryset.select_related(*related)

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if getattr(request, EXPORTING, False):
            return type("ExportChangeList", (changelist,), {"get_results": _no_results})
        return changelist

    def _related_columns(self, request) -> list[str]:
        """The list's foreign-key columns, fetched with the rows (their names are written)."""
        names = []
        for name in self.get_list_display(request):
            if not isinstance(name, str):
                continue
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.many_to_one or field.one_to_one:
                names.append(name)
        return names

    def get_export_table(self, request, queryset) -> tuple[list, Iterator[list]]:
        """The header and the rows: the import template's columns, else the list's."""
        full = can(request.user, Action.VIEW_PERSONAL_DATA)
        spec = import_spec(self.model)
        if spec is None:
            columns = [self._export_column(name, full) for name in self._export_names(request)]
            personal = [self._personal(name) for name in self._export_names(request)]
            header = [label for label, _value in columns]
            rows = (
                [value(obj) for _label, value in columns]
                for obj in queryset.iterator(chunk_size=self.export_chunk_size)
            )
        else:
            personal = [self._personal(column.source) for column in spec.columns]
            header, rows = spec.export_header(), spec_rows(spec, queryset, full, personal)
        fields = [found[0] for found in personal if found]
        if full and fields:
            rows = chain(self._logged(request, queryset, fields), rows)
        return header, rows

    def _export_names(self, request) -> list:
        return [name for name in self.get_list_display(request) if name != "action_checkbox"]

    def _export_column(self, name, full: bool) -> tuple[str, Callable]:
        """A list column's header and how to read its value from a row."""
        label = label_for_field(name, self.model, self)
        money = getattr(getattr(type(self), str(name), None), "money_field", None)
        if money is not None:
            return label, _attribute(money)
        masked = self._personal(name)
        if masked is None:
            return label, partial(_column_value, name, model_admin=self)
        field, mask = masked
        if full:
            # As on the list, which shows these users the field itself (history.admin).
            return self.opts.get_field(field).verbose_name, _attribute(field)
        return label, _masked_attribute(field, mask)

    def _personal(self, name) -> tuple[str, Callable] | None:
        """``(path, mask)`` if the list column or field path ``name`` shows personal data.

        What is personal is what the admins mask: ``masked_<field>`` columns (masked_column),
        on this model or, for a path like ``volunteer__phone``, on the related model.
        """
        if not isinstance(name, str) or name == "__str__":  # the row's name, no field path
            return None
        column = getattr(type(self), name, None)
        if hasattr(column, "personal_field"):
            return column.personal_field, column.mask
        *relations, field = name.split(LOOKUP_SEP)
        model = self.model
        for relation in relations:
            model = model._meta.get_field(relation).related_model
        model_admin = self.admin_site._registry.get(model)
        mask = masked_columns(model_admin).get(field) if model_admin else None
        return (name, mask) if mask else None

    def _logged(self, request, queryset, fields: list[str]) -> Iterator[list]:
        """Log the rows whose numbers the file shows in full, then give no rows itself.

        One entry per chunk of ids (one query over the ids, streamed), before the rows.
        """
        ids = queryset.order_by().values_list("pk", flat=True)
        chunk = []
        for pk in ids.iterator(chunk_size=self.export_chunk_size):
            chunk.append(pk)
            if len(chunk) == self.export_chunk_size:
                self._record(request, chunk, fields)
                chunk = []
        self._record(request, chunk, fields)
        yield from ()

    def _record(self, request, ids: list, fields: list[str]) -> None:
        if ids:
            log_personal_data_shown(
                user=request.user,
                model=self.model,
                object_ids=ids,
                fields=fields,
                source=Source.EXPORT,
                request=request,
            )


def masked_columns(model_admin) -> dict[str, Callable]:
    """``{field: mask}`` of the admin's ``masked_column`` columns."""
    masks = {}
    for name in dir(type(model_admin)):
        column = getattr(type(model_admin), name, None)
        if hasattr(column, "personal_field"):
            masks[column.personal_field] = column.mask
    return masks


#: Import columns read back as numbers: written as numbers, so a negative one stays a number.
NUMBER_KINDS = frozenset(["decimal", "count", "amount", "signed_amount"])


def spec_rows(spec, queryset, full: bool, personal: list) -> Iterator[list]:
    """The import template's rows: personal columns masked unless ``full``, numbers and dates
    as such (the importer reads number and date cells back as it reads their text)."""
    masks = {} if full else {i: found[1] for i, found in enumerate(personal) if found}
    numbers = [i for i, column in enumerate(spec.columns) if column.kind in NUMBER_KINDS]
    dates = [i for i, column in enumerate(spec.columns) if column.kind == "date"]
    for row in spec.export_rows(queryset):
        for i, mask in masks.items():
            row[i] = mask(row[i])
        for i in numbers:
            row[i] = Decimal(row[i]) if row[i] else row[i]
        for i in dates:
            row[i] = datetime.date.fromisoformat(row[i]) if row[i] else row[i]
        yield row


def _no_results(changelist, request):
    """An export reads every row itself: the changelist's COUNT and page are not needed."""


def _attribute(field: str) -> Callable:
    return lambda obj: getattr(obj, field)


def _masked_attribute(field: str, mask: Callable) -> Callable:
    return lambda obj: mask(getattr(obj, field))


def _column_value(name, obj, *, model_admin):
    """A list column's value for the file: choices by their label, relations by name."""
    field, _attr, value = lookup_field(name, obj, model_admin)
    if field is not None and field.flatchoices and value is not None:
        value = dict(field.flatchoices).get(value, value)
    return plain(value)
