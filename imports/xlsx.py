"""A streaming reader of an xlsx workbook's first sheet: cell values, as Excel cached them.

openpyxl's read-only mode builds an object per cell and, when a sheet has no
``<dimension>`` element (files written by other programs), parses the whole sheet twice;
a 50,000-row sheet then takes most of a minute. This reader feeds the sheet's XML to expat
and keeps only what an import needs: per row, the cached value of each cell (text, number,
date, boolean), and the cells it cannot give a value (a formula without a cached value, an
Excel error such as ``#N/A``). openpyxl's own helpers decide which number formats are dates.

Workbooks are untrusted input: document type declarations (entity expansion) are refused,
and the caller has already bounded the unpacked size. Cell and row references must lie
inside Excel's sheet (column XFD, row 1,048,576): a row becomes a list as wide as its last
cell, and a reference such as ``AAAAAA5`` would cost a gigabyte. Once the caller names the
columns it needs (``SheetReader.keep``), the other cells are skipped unread.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SEP = "}"
CHUNK = 1 << 16
#: Excel's last column (XFD) and last row.
MAX_COLUMNS = 16_384
MAX_ROWS = 1_048_576
REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
ROW = re.compile(r"[0-9]{1,7}")


class XlsxError(Exception):
    """The workbook's structure cannot be read."""


class BadReference(XlsxError):
    """A cell or row reference that is malformed or outside Excel's sheet."""

    def __init__(self, reference: str):
        super().__init__(reference)
        self.reference = reference


#: Cells without a usable value: ``FORMULA`` (no cached value) or ``("error", "#N/A")``.
FORMULA = "formula"


def _parser(start=None, end=None, text=None) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=SEP)
    parser.buffer_text = True

    def refuse(*args):
        raise XlsxError("document type declarations are not allowed")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    return parser


def _parse_all(archive: zipfile.ZipFile, name: str, **handlers) -> None:
    parser = _parser(**handlers)
    with archive.open(name) as stream:
        parser.ParseFile(stream)


#: Tag → its name without the namespace: a sheet has a handful of distinct tags, seen
#: millions of times.
_LOCAL_NAMES: dict[str, str] = {}


def _local(tag: str) -> str:
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = _LOCAL_NAMES[tag] = tag.rsplit(SEP, 1)[-1]
    return name


class Workbook:
    """The parts of a workbook its first sheet needs: path, shared strings, date styles."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        names = set(archive.namelist())
        self.sheet_path, relations, self.epoch = self._first_sheet(names)
        strings = relations.get("sharedStrings", "xl/sharedStrings.xml")
        styles = relations.get("styles", "xl/styles.xml")
        self.strings = self._shared_strings(strings) if strings in names else []
        self.date_styles = self._date_styles(styles) if styles in names else set()

    def _first_sheet(self, names: set[str]) -> tuple[str, dict, object]:
        sheets: list[str] = []
        info = {"epoch": CALENDAR_WINDOWS_1900}

        def start(tag, attrs):
            name = _local(tag)
            if name == "sheet":
                sheets.append(attrs.get(f"{DOC_RELS}{SEP}id", ""))
            elif name == "workbookPr" and attrs.get("date1904") in ("1", "true"):
                info["epoch"] = CALENDAR_MAC_1904

        _parse_all(self.archive, "xl/workbook.xml", start=start)
        targets: dict[str, str] = {}
        kinds: dict[str, str] = {}

        def relation(tag, attrs):
            if _local(tag) == "Relationship":
                target = attrs.get("Target", "")
                path = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join("xl", target))
                )
                targets[attrs.get("Id", "")] = path
                kinds[attrs.get("Type", "").rsplit("/", 1)[-1]] = path

        if "xl/_rels/workbook.xml.rels" in names:
            _parse_all(self.archive, "xl/_rels/workbook.xml.rels", start=relation)
        path = targets.get(sheets[0]) if sheets else None
        if path not in names:
            raise XlsxError("the workbook has no worksheet")
        return path, kinds, info["epoch"]

    def _shared_strings(self, name: str) -> list[str]:
        """Each <si>: the text of its <t> elements, phonetic runs (<rPh>) left out."""
        strings: list[str] = []
        state = {"parts": [], "in_t": False, "phonetic": 0}

        def start(tag, attrs):
            name = _local(tag)
            if name == "t" and not state["phonetic"]:
                state["in_t"] = True
            elif name == "rPh":
                state["phonetic"] += 1
            elif name == "si":
                state["parts"] = []

        def end(tag):
            name = _local(tag)
            if name == "t":
                state["in_t"] = False
            elif name == "rPh":
                state["phonetic"] -= 1
            elif name == "si":
                strings.append("".join(state["parts"]))

        def text(data):
            if state["in_t"]:
                state["parts"].append(data)

        _parse_all(self.archive, name, start=start, end=end, text=text)
        return strings

    def _date_styles(self, name: str) -> set[int]:
        """Indexes of the cell styles (cellXfs) whose number format shows a date."""
        formats = dict(BUILTIN_FORMATS)
        styles: list[int] = []
        state = {"in_xfs": False}

        def start(tag, attrs):
            name = _local(tag)
            if name == "numFmt":
                formats[int(attrs.get("numFmtId", -1))] = attrs.get("formatCode", "")
            elif name == "cellXfs":
                state["in_xfs"] = True
            elif name == "xf" and state["in_xfs"]:
                styles.append(int(attrs.get("numFmtId", 0)))

        def end(tag):
            if _local(tag) == "cellXfs":
                state["in_xfs"] = False

        _parse_all(self.archive, name, start=start, end=end)
        return {
            index
            for index, format_id in enumerate(styles)
            if format_id in formats and is_date_format(formats[format_id])
        }


#: Column letters → zero-based index, as they are met (at most Excel's 16,384 columns).
_COLUMNS: dict[str, int] = {}


def column_index(reference: str) -> int:
    """``"C12"`` → 2 (zero-based); BadReference unless the cell is inside Excel's sheet."""
    match = REFERENCE.fullmatch(reference)
    if match is None or not 1 <= int(match[2]) <= MAX_ROWS:
        raise BadReference(reference)
    letters = match[1]
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for char in letters.upper():
            index = index * 26 + (ord(char) - 64)
        if index > MAX_COLUMNS:
            raise BadReference(reference)
        index = _COLUMNS[letters] = index - 1
    return index


def row_index(number: str) -> int:
    """A <row>'s ``r`` attribute; BadReference unless it is a row of Excel's sheet."""
    if ROW.fullmatch(number) is None or not 1 <= int(number) <= MAX_ROWS:
        raise BadReference(number)
    return int(number)


class SheetReader:
    """Rows of the first sheet as (row number, values); ``bad`` collects unusable cells.

    ``bad`` is keyed by (row number, position of the cell in the row's values).
    """

    def __init__(self, archive: zipfile.ZipFile):
        self.workbook = Workbook(archive)
        self.archive = archive
        self.bad: dict[tuple[int, int], object] = {}
        self.dimension_rows: int | None = None
        #: Sheet column → position in the values, once ``keep`` is called; None: every column.
        self.positions: dict[int, int] | None = None

    def keep(self, columns: list[int]) -> None:
        """Rows yielded from now on carry only these columns, in this order; others are skipped."""
        self.positions = {column: position for position, column in enumerate(columns)}

    def wants(self, column: int) -> bool:
        """Whether the cells of this sheet column are read."""
        return self.positions is None or column in self.positions

    def rows(self) -> Iterator[tuple[int, list]]:
        done: list[tuple[int, dict, dict]] = []
        state = _SheetState(self, done)
        parser = _parser(state.start, state.end, state.text)
        with self.archive.open(self.workbook.sheet_path) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
                # map is lazy: a row is laid out only when asked for, so a ``keep`` called
                # after the header applies to the rows parsed in the same chunk.
                yield from map(self._row, done)
                done.clear()
            parser.Parse(b"", True)
        yield from map(self._row, done)

    def _row(self, parsed: tuple[int, dict, dict]) -> tuple[int, list]:
        """A parsed row as (number, values), its unusable cells added to ``bad``."""
        number, cells, bad = parsed
        if self.positions is None:
            self.bad.update(((number, column), reason) for column, reason in bad.items())
            return number, [cells.get(column) for column in range(max(cells, default=-1) + 1)]
        values = [None] * len(self.positions)
        for column, value in cells.items():
            if column in self.positions:
                values[self.positions[column]] = value
        for column, reason in bad.items():
            if column in self.positions:
                self.bad[number, self.positions[column]] = reason
        return number, values


class _SheetState:
    """expat handlers for <row>, <c>, <v>, <f>, <is><t> of one worksheet."""

    def __init__(self, reader: SheetReader, done: list):
        self.reader, self.done = reader, done
        self.row_number = 0
        self.cells: dict[int, object] = {}
        self.bad: dict[int, object] = {}
        self.column = -1
        self.kind = self.style = None
        self.text_parts: list[str] = []
        self.collecting = False
        self.formula = self.has_value = False
        self.phonetic = 0

    def start(self, tag, attrs):
        name = _local(tag)
        if name == "c":
            reference = attrs.get("r")
            self.column = column_index(reference) if reference else self._next_column()
            self.kind = attrs.get("t", "n")
            self.style = attrs.get("s")
            self.text_parts = []
            self.has_value = self.formula = False
        elif name in ("v", "t") and not self.phonetic:
            self.collecting = True
            self.has_value = self.has_value or name == "v" or self.kind == "inlineStr"
        elif name == "f":
            self.formula = True
        elif name == "rPh":
            self.phonetic += 1
        elif name == "row":
            number = attrs.get("r")
            self.row_number = row_index(number) if number else self._next_row()
            self.cells, self.bad = {}, {}
            self.column = -1
        elif name == "dimension":
            self._dimension(attrs.get("ref", ""))

    def end(self, tag):
        name = _local(tag)
        if name in ("v", "t"):
            self.collecting = False
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "c":
            self._cell()
        elif name == "row":
            self.done.append((self.row_number, self.cells, self.bad))

    def text(self, data):
        if self.collecting:
            self.text_parts.append(data)

    def _next_column(self) -> int:
        """The column of a cell written without a reference: the one after the previous cell."""
        if self.column + 1 >= MAX_COLUMNS:
            raise BadReference(f"R{self.row_number}C{self.column + 2}")
        return self.column + 1

    def _next_row(self) -> int:
        if self.row_number >= MAX_ROWS:
            raise BadReference(f"R{self.row_number + 1}")
        return self.row_number + 1

    def _dimension(self, ref: str) -> None:
        """The sheet's declared last row (only for progress): None when it is not a real row."""
        last = REFERENCE.fullmatch(ref.split(":")[-1])
        rows = int(last[2]) if last else 0
        self.reader.dimension_rows = rows if 1 <= rows <= MAX_ROWS else None

    def _cell(self) -> None:
        if not self.reader.wants(self.column):
            return
        raw = "".join(self.text_parts)
        if self.formula and not raw:  # no <v>, or an empty one
            self.bad[self.column] = FORMULA
            return
        if not self.has_value:
            return
        try:
            value = self._value(raw)
        except (ValueError, IndexError, OverflowError):
            value = raw
        if self.kind == "e":
            self.bad[self.column] = ("error", raw)
            return
        if value is not None and value != "":
            self.cells[self.column] = value

    def _value(self, raw: str):
        kind = self.kind
        if kind == "s":
            return self.reader.workbook.strings[int(raw)]
        if kind in ("inlineStr", "str", "e"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            return from_ISO8601(raw)
        if not raw.strip():
            return None
        number = float(raw) if any(char in raw for char in ".eE") else int(raw)
        if self.style is not None and int(self.style) in self.reader.workbook.date_styles:
            return from_excel(number, self.reader.workbook.epoch)
        return number
