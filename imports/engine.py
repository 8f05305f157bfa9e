"""The import engine: read a sheet, check every row (set-based), then write it all or nothing.

``check`` is the dry run: it reads and checks every row and writes nothing. ``run`` checks
the same way and, if no row has an error, writes every row inside one transaction. The
number of queries depends on the kind of import, not on the number of rows: references
(regions, branches, teams, volunteers, campaigns, donors) and the records that already
exist are looked up with a few bulk queries, and writes go in batches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext as _

from core.services import constraint_name, refusal
from imports import cells, readers, xlsx
from imports.readers import FileError
from imports.specs import Column, Spec

Progress = Callable[[str, int, int], None]
#: How often (in rows) the progress is reported while reading and checking.
PROGRESS_EVERY = 2000


@dataclass(frozen=True)
class RowError:
    """One problem: the sheet's row number, the column header and the message."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Row:
    """A row whose cells all parsed: ``values`` by column key (blank: "" or None)."""

    number: int
    values: dict


@dataclass
class Result:
    """What a dry run found, or what an import wrote."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFailed(Exception):
    """The write failed (a database constraint, a concurrent change): nothing was saved."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def no_progress(phase: str, done: int, total: int) -> None:
    return None


def check(spec: Spec, data: bytes, file_name: str, *, user, progress: Progress = no_progress):
    """The dry run: a Result and the importer holding the planned writes (nothing saved)."""
    table = readers.read_table(data, file_name)
    columns = keep_template_columns(spec, table)
    result = Result()
    rows = parse_rows(spec, table, columns, result, progress)
    if not result.total:
        raise FileError(_("The file has no rows to import below its header."))
    importer = spec.importer(spec=spec, user=user, present={c.key for c in columns.values()})
    progress("checking", 0, len(rows))
    importer.plan(rows)
    result.errors.extend(importer.errors)
    result.errors.sort(key=lambda error: error.row)
    result.created, result.updated, result.unchanged = importer.counts()
    return result, importer


def run(spec: Spec, data: bytes, file_name: str, *, user, progress: Progress = no_progress):
    """Check, then write every row in one transaction; a Result with errors writes nothing.

    Raises ImportFailed when the database refuses a write (the transaction is rolled back).
    """
    try:
        with transaction.atomic():
            result, importer = check(spec, data, file_name, user=user, progress=progress)
            if result.ok:
                importer.write(progress)
    except IntegrityError as error:
        raise ImportFailed(refusal_message(error)) from error
    except DatabaseError as error:
        raise ImportFailed(
            _("The database refused the import, so nothing was saved: %(error)s")
            % {"error": str(error).splitlines()[0]}
        ) from error
    return result


def refusal_message(error: IntegrityError) -> str:
    """The violated constraint's own message when it is known, else the database's words."""
    name = constraint_name(error)
    for model in apps.get_models():
        refused = refusal(model, name)
        if refused is not None and name and not name.endswith("_key"):
            return _(
                "Nothing was saved: %(message)s (a record changed while the file was "
                "imported; check the file again and retry)."
            ) % {"message": " ".join(refused.messages)}
    if name and name.endswith("_key"):
        return _(
            "Nothing was saved: a record with the same key was added while the file was "
            "imported. Check the file again and retry."
        )
    return _("Nothing was saved: the database refused a row (%(error)s).") % {
        "error": str(error).splitlines()[0]
    }


def map_headers(spec: Spec, headers: list[str]) -> dict[int, Column]:
    """Column index → Column; FileError for missing required or repeated headers."""
    columns: dict[int, Column] = {}
    for index, header in enumerate(headers):
        column = spec.by_header.get(header.strip().lstrip("*").strip())
        if column is None:
            continue
        if column in columns.values():
            raise FileError(_("The column “%(header)s” appears twice.") % {"header": header})
        columns[index] = column
    missing = [c.header for c in spec.columns if c.required and c not in columns.values()]
    if missing:
        raise FileError(
            _("Required columns are missing: %(headers)s. Download the template to see them.")
            % {"headers": "、".join(missing)}
        )
    return columns


def keep_template_columns(spec: Spec, table: readers.Table) -> dict[int, Column]:
    """The template's columns by position in each row; the file's other columns are not read.

    A cell far to the right (``XFD5``) then costs nothing, and a row whose only values are in
    columns the template does not know is blank.
    """
    found = map_headers(spec, table.headers)
    table.keep(list(found))
    return dict(enumerate(found.values()))


def parse_rows(spec: Spec, table, columns, result: Result, progress: Progress) -> list[Row]:
    """Parse each non-empty row; cell errors go to ``result``, parsed rows are returned."""
    example = spec.example_row()
    limit = settings.IMPORTS_MAX_ROWS
    rows = []
    for number, raw in table.rows:
        if all(cells.is_blank(value) for value in raw):
            continue
        if _is_example(raw, columns, example, spec):
            result.notices.append(
                _("Row %(row)d is the template's example and was skipped.") % {"row": number}
            )
            continue
        result.total += 1
        if result.total > limit:
            raise FileError(_("A file may have at most %(limit)d rows.") % {"limit": limit})
        row = parse_row(number, raw, columns, table.bad_cells, result.errors)
        if row is not None:
            rows.append(row)
        if result.total % PROGRESS_EVERY == 0:
            progress("reading", result.total, table.total or result.total)
    return rows


def parse_row(number: int, raw: list, columns: dict[int, Column], bad_cells, errors) -> Row | None:
    """The row's values, or None after adding its cell errors to ``errors``."""
    values = {}
    failed = False
    for index, column in columns.items():
        value = raw[index]
        if (number, index) in bad_cells:
            errors.append(
                RowError(number, column.header, bad_cell_message(bad_cells[number, index]))
            )
            failed = True
            continue
        try:
            values[column.key] = column.parse(value)
        except cells.CellError as error:
            errors.append(RowError(number, column.header, error.message))
            failed = True
    return None if failed else Row(number, values)


def bad_cell_message(reason) -> str:
    """Why a workbook cell has no value: a formula never computed, or an Excel error."""
    if reason == xlsx.FORMULA:
        return _(
            "This cell has a formula without a computed value: open the file in Excel and "
            "save it, or paste the column as values."
        )
    return _("The cell shows the Excel error %(error)s: correct it in the file.") % {
        "error": reason[1]
    }


def _is_example(raw: list, columns: dict[int, Column], example: list[str], spec: Spec) -> bool:
    position = {column.key: i for i, column in enumerate(spec.columns)}
    return all(
        cells.text(raw[index]) == example[position[column.key]] for index, column in columns.items()
    )
