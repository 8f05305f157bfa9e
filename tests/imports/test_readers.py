"""Reading files: the streaming xlsx reader agrees with openpyxl; shared strings, dates, errors."""

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from imports import readers, xlsx
from imports.readers import FileError, read_table
from tests.imports.conftest import peak_memory

CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
  xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
  <workbookPr{date1904}/><sheets><sheet name="数据" sheetId="1" r:id="rId7"/></sheets></workbook>"""
RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/>
<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""
STRINGS = """<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<si><t>收据编号</t></si>
<si><r><t>天玉</t></r><r><rPr><b/></rPr><t>镇</t></r><rPh sb="0" eb="2"><t>てんぎょく</t></rPh></si>
<si><t xml:space="preserve"> 带空格 </t></si>
</sst>"""
STYLES = """<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>
<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="176"/><xf numFmtId="49"/></cellXfs>
</styleSheet>"""
SHEET = """<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:F3"/><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>
<row r="3"><c r="A3" s="1"><v>45356</v></c><c r="B3" s="2"><v>45357</v></c><c r="C3" t="s"><v>2</v></c>
<c r="D3"><f>A3+1</f></c><c r="E3" t="e"><v>#N/A</v></c><c r="F3" t="b"><v>1</v></c><c r="G3"><v>3.60803199001011E+17</v></c></row>
</sheetData></worksheet>"""


MiB = 2**20
OUTSIDE_EXCEL = "超出了 Excel 的最后一列"


def hand_made(date1904: bool = False, sheet: str = SHEET) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr(
            "xl/workbook.xml", WORKBOOK.format(date1904=' date1904="1"' if date1904 else "")
        )
        archive.writestr("xl/_rels/workbook.xml.rels", RELS)
        archive.writestr("xl/sharedStrings.xml", STRINGS)
        archive.writestr("xl/styles.xml", STYLES)
        archive.writestr("xl/worksheets/data.xml", sheet)
    return buffer.getvalue()


def test_shared_strings_dates_formulas_and_errors():
    table = read_table(hand_made(), "a.xlsx")
    assert table.headers == ["收据编号", "", "天玉镇"]
    assert table.total == 2
    ((number, row),) = list(table.rows)
    assert number == 3
    assert row[:3] == [datetime.datetime(2024, 3, 5), datetime.datetime(2024, 3, 6), " 带空格 "]
    assert row[3:] == [None, None, True, 3.60803199001011e17]
    assert table.bad_cells == {(3, 3): xlsx.FORMULA, (3, 4): ("error", "#N/A")}


def test_1904_date_system():
    ((_number, row),) = list(read_table(hand_made(date1904=True), "a.xlsx").rows)
    assert row[0] == datetime.datetime(2028, 3, 6)


def test_document_type_declarations_are_refused():
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + SHEET.split("?>", 1)[1]
    with pytest.raises(FileError, match="损坏"):
        read_table(hand_made(sheet=bomb), "a.xlsx")


def test_agrees_with_openpyxl_on_a_written_workbook():
    workbook = Workbook()
    sheet = workbook.active
    rows = [
        ["文本", "整数", "小数", "日期", "布尔", "空"],
        ["天玉镇", 360803100, 1234.5, datetime.date(2024, 3, 5), False, None],
        ["", -7, 0.1, datetime.datetime(2020, 1, 2, 3, 4, 5), True, None],
    ]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    expected = [
        list(row)
        for row in load_workbook(io.BytesIO(data), read_only=True, data_only=True).active.iter_rows(
            values_only=True
        )
    ]
    table = read_table(data, "a.xlsx")
    ours = [table.headers] + [row + [None] * (6 - len(row)) for _number, row in table.rows]
    assert ours == [[cell if cell != "" else None for cell in row] for row in expected]


def test_csv_in_utf16_with_tabs():
    data = "收据编号\t金额\nA1\t5\n".encode("utf-16")
    table = read_table(data, "a.csv")
    assert table.headers == ["收据编号", "金额"] and list(table.rows) == [(2, ["A1", "5"])]


def test_csv_with_a_nul_byte_is_refused():
    with pytest.raises(FileError):
        read_table(b"a,b\n\x00\x00", "a.csv")


def test_unpacked_size_limit(settings):
    settings.IMPORTS_MAX_UNPACKED_BYTES = 100
    with pytest.raises(FileError, match="解压后过大"):
        read_table(hand_made(), "a.xlsx")


def test_decode_prefers_utf8_then_gb18030():
    assert readers.decode("天玉镇".encode("utf-8-sig")) == "天玉镇"
    assert readers.decode("天玉镇".encode("gb18030")) == "天玉镇"


def test_column_index_stops_at_excel_last_column_and_row():
    assert xlsx.column_index("XFD1048576") == 16_383
    assert xlsx.column_index("c12") == 2
    for reference in ("XFE1", "AAAAAA5", "A0", "A1048577", "A4000000000", "5A", "$A$1", ""):
        with pytest.raises(xlsx.BadReference):
            xlsx.column_index(reference)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('r="G3"', 'r="AAAAAA3"'),
        ('r="G3"', 'r="XFD1048577"'),
        ('r="G3"', 'r="A0"'),
        ('r="G3"', 'r="G-3"'),
        ('<row r="3"', '<row r="4000000000"'),
        ('<row r="3"', '<row r="1048577"'),
    ],
)
def test_references_outside_excel_sheet_refuse_the_file(old, new):
    data = hand_made(sheet=SHEET.replace(old, new))
    with peak_memory(new) as measured, pytest.raises(FileError, match=OUTSIDE_EXCEL):
        list(read_table(data, "a.xlsx").rows)
    assert measured["peak"] < 20 * MiB


@pytest.mark.parametrize(
    "rows",
    [
        '<row r="2">' + "<c><v>1</v></c>" * 16_385 + "</row>",
        '<row r="1048576"><c r="A1048576"><v>1</v></c></row><row><c><v>1</v></c></row>',
    ],
    ids=["column after XFD", "row after 1048576"],
)
def test_cells_and_rows_without_references_stop_at_excel_limits(rows):
    data = hand_made(sheet=SHEET.replace("</sheetData>", rows + "</sheetData>"))
    with pytest.raises(FileError, match=OUTSIDE_EXCEL):
        list(read_table(data, "a.xlsx").rows)


def test_kept_columns_are_the_only_ones_read():
    far = SHEET.replace('r="G3"', 'r="XFD3"').replace('r="E3" t="e"', 'r="XFC3" t="e"')
    table = read_table(hand_made(sheet=far), "a.xlsx")
    table.keep([2, 16_383, 3])
    with peak_memory("XFD3 kept, XFC3 not") as measured:
        assert list(table.rows) == [(3, [" 带空格 ", 3.60803199001011e17, None])]
    assert table.bad_cells == {(3, 2): xlsx.FORMULA}  # D3 at position 2; XFC3's #N/A unread
    assert measured["peak"] < 20 * MiB


def test_csv_rows_carry_the_kept_columns():
    table = read_table("甲,乙,丙\n1,2\n".encode(), "a.csv")
    table.keep([2, 0])
    assert list(table.rows) == [(2, [None, "1"])]
