"""Reading an uploaded sheet (.xlsx or .csv) into a header and numbered rows of raw cells.

CSV files saved by Chinese Excel are often GB18030: ``utf-8-sig`` is tried first, then
``gb18030``. Workbooks are streamed by imports.xlsx with the cached values of formulas; a formula cell
that has no cached value (the file was written by a program, not saved by Excel) is
reported, never imported as a blank.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from imports.xlsx import BadReference, SheetReader

XLSX_MAGIC = b"PK\x03\x04"


class FileError(Exception):
    """The file as a whole cannot be read; ``message`` tells the user why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


@dataclass
class Table:
    """A sheet: its header cells, its rows as (row number, cells), and damaged cells."""

    headers: list[str]
    rows: Iterator[tuple[int, list]]
    total: int | None = None
    #: (row number, column index) → why the cell has no value: ``xlsx.FORMULA`` (a formula
    #: without a cached value) or ``("error", "#N/A")`` (a cell showing an Excel error).
    bad_cells: dict = field(default_factory=dict)

    def keep(self, columns: list[int]) -> None:
        """Rows read from now on carry only these columns' cells, in this order.

        A column index in ``bad_cells`` is then the position in that shorter row.
        """
        rows = self.rows
        self.rows = (
            (number, [row[i] if i < len(row) else None for i in columns]) for number, row in rows
        )


@dataclass
class WorkbookTable(Table):
    """A workbook's sheet: the reader skips the cells of the columns not kept, unread."""

    reader: SheetReader = field(kw_only=True)

    def keep(self, columns: list[int]) -> None:
        self.reader.keep(columns)


def read_table(data: bytes, file_name: str) -> Table:
    """The table in ``data``: an xlsx workbook's first sheet, or a CSV file."""
    if not data:
        raise FileError(_("The file is empty."))
    if file_name.lower().endswith(".xlsx") or data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    if file_name.lower().endswith((".csv", ".txt")):
        return _read_csv(data)
    raise FileError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))


# CSV ------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """The text of a CSV file: UTF-16 with its mark, else UTF-8 (with or without), else GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileError(
        _("The file's text encoding cannot be read: save it as CSV (UTF-8) or as .xlsx.")
    )


def _read_csv(data: bytes) -> Table:
    text = decode(data)
    if "\x00" in text:
        raise FileError(_("This is not a CSV text file."))
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(records, None)
    except csv.Error:
        raise FileError(_("The CSV file is malformed.")) from None
    if headers is None:
        raise FileError(_("The file is empty."))
    total = max(text.count("\n") - 1, 0)
    return Table(headers=[cell.strip() for cell in headers], rows=_csv_rows(records), total=total)


def _csv_rows(records) -> Iterator[tuple[int, list]]:
    number = 1
    try:
        for number, record in enumerate(records, start=2):
            yield number, record
    except csv.Error:
        raise FileError(
            _("The CSV file is malformed after row %(row)d.") % {"row": number}
        ) from None


# XLSX -----------------------------------------------------------------------------------


def _read_xlsx(data: bytes) -> Table:
    """The first sheet of a workbook, streamed (imports.xlsx)."""
    if not data.startswith(XLSX_MAGIC):
        raise FileError(_("The file is not a valid .xlsx workbook (is it an old .xls file?)."))
    archive = _open_archive(data)
    try:
        reader = SheetReader(archive)
        rows = _xlsx_rows(reader.rows())
        header = next(rows, None)
    except FileError:
        raise
    except Exception:
        raise FileError(_("The workbook is damaged and cannot be read.")) from None
    if header is None:
        raise FileError(_("The file is empty."))
    headers = ["" if cell is None else str(cell).strip() for cell in header[1]]
    total = max(reader.dimension_rows - 1, 0) if reader.dimension_rows else None
    return WorkbookTable(headers, rows, total, reader.bad, reader=reader)


def _open_archive(data: bytes) -> zipfile.ZipFile:
    """The workbook's archive; corrupt archives and decompression bombs are refused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise FileError(_("The workbook is damaged and cannot be read.")) from None
    if unpacked > settings.IMPORTS_MAX_UNPACKED_BYTES:
        raise FileError(_("The workbook is too large once unpacked."))
    return archive


def _xlsx_rows(rows) -> Iterator[tuple[int, list]]:
    number = 1
    try:
        for number, row in rows:
            yield number, row
    except BadReference as error:
        raise _bad_reference(error) from None
    except Exception:
        raise FileError(_("The workbook is damaged after row %(row)d.") % {"row": number}) from None


def _bad_reference(error: BadReference) -> FileError:
    """The file error for a cell reference that is malformed or outside Excel's sheet."""
    return FileError(
        _(
            "The workbook cannot be read: the cell or row reference “%(reference)s” is malformed "
            "or beyond Excel's last column (XFD) or last row (1048576)."
        )
        % {"reference": error.reference[:30]}
    )
