"""Reading files: the streaming xlsx reader agrees with openpyxl; shared strings, dates, errors."""

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from imports import readers, xlsx
from imports.readers import FileError, read_table

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
