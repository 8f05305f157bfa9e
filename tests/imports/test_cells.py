"""Cell parsers and row parsing: every input gives a value or a row error, never an exception."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from imports import cells
from imports.engine import Result, parse_row
from imports.specs import SPECS


def test_digits_keeps_text_and_strips_float_suffix():
    assert cells.digits(" 3608 0319 9001 011234 ", what="ID") == "360803199001011234"
    assert cells.digits("13807961234.0", what="phone") == "13807961234"
    assert cells.digits(13807961234.0, what="phone") == "13807961234"
    assert cells.digits("36080319900101123x", what="ID") == "36080319900101123X"


@pytest.mark.parametrize("value", [3.60803199001011e17, 360803199001011234.0, "3.60803E+17"])
def test_digits_reports_an_id_damaged_by_excel(value):
    with pytest.raises(cells.CellError, match="15 位"):
        cells.digits(value, what="身份证号")


def test_damaged_id_message_in_english():
    with translation.override("en"), pytest.raises(cells.CellError, match="15 digits"):
        cells.digits("3.60803E+17", what="ID number")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-05", datetime.date(2024, 3, 5)),
        ("2024/3/5", datetime.date(2024, 3, 5)),
        ("2024年3月5日", datetime.date(2024, 3, 5)),
        ("20240305", datetime.date(2024, 3, 5)),
        ("2024-03-05 00:00:00", datetime.date(2024, 3, 5)),
        (datetime.datetime(2024, 3, 5), datetime.date(2024, 3, 5)),
        (45356, datetime.date(2024, 3, 5)),
        ("", None),
    ],
)
def test_date_formats(raw, expected):
    assert cells.date_value(raw) == expected


def test_date_in_the_future_is_refused():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(cells.CellError, match="不能晚于今天"):
        cells.date_value(tomorrow.isoformat())


@pytest.mark.parametrize("raw", ["2024-02-30", "明天", "3/5/2024", True])
def test_date_errors(raw):
    with pytest.raises(cells.CellError):
        cells.date_value(raw)


@pytest.mark.parametrize(
    ("raw", "message"),
    [("0", "大于 0"), ("-5", "大于 0"), ("1.234", "2 位小数"), ("十元", "1234.50")],
)
def test_amount_rules(raw, message):
    with pytest.raises(cells.CellError, match=message):
        cells.amount(raw)


def test_amount_reads_floats_and_grouping():
    assert cells.amount(1234.5) == Decimal("1234.50")
    assert cells.amount("1,234.50") == Decimal("1234.50")
    assert cells.signed_amount("-1000.00") == Decimal("-1000.00")


def test_boolean_words():
    assert cells.boolean("是") is True and cells.boolean("否") is False
    assert cells.boolean("") is None
    with pytest.raises(cells.CellError):
        cells.boolean("也许")


def test_text_turns_whole_floats_into_integers():
    assert cells.text(360803100.0) == "360803100"
    with pytest.raises(cells.CellError, match="最多 3 个字符"):
        cells.text("abcd", max_length=3)


def test_choice_by_code_chinese_and_english_label():
    column = SPECS["donations"].by_header["渠道"]
    assert (
        column.parse("银行转账") == column.parse("Bank transfer") == column.parse("bank") == "bank"
    )
    with pytest.raises(cells.CellError, match="网络平台"):
        column.parse("支付宝")


# Property: random cells in every column of every kind give values or row errors only.

CELL = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=datetime.date(1, 1, 1)),
    st.datetimes(),
    st.decimals(allow_nan=True),
    st.sampled_from(["是", "3.60803E+17", "2024-13-01", "1e400", "NaN", "-0", "١٢٣"]),
)


@pytest.mark.parametrize("kind", sorted(SPECS))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_row_parser_never_raises(kind, data):
    spec = SPECS[kind]
    raw = data.draw(st.lists(CELL, min_size=len(spec.columns), max_size=len(spec.columns)))
    errors = []
    columns = dict(enumerate(spec.columns))
    row = parse_row(2, raw, columns, set(), errors)
    assert (row is None) == bool(errors)
    assert all(error.row == 2 and error.column and error.message for error in errors)


@settings(max_examples=300, deadline=None)
@given(value=CELL)
def test_each_parser_raises_only_cell_errors(value):
    for parse in (
        lambda v: cells.digits(v, what="ID"),
        cells.date_value,
        lambda v: cells.decimal(v, places=1),
        cells.amount,
        cells.signed_amount,
        cells.boolean,
        lambda v: cells.text(v, max_length=10),
    ):
        try:
            parse(value)
        except cells.CellError as error:
            assert error.message


def test_result_is_ok_without_errors():
    assert Result().ok


def test_cells_escaped_by_an_export_read_as_their_value():
    spec = SPECS["donations"]
    assert spec.by_header["金额（元）"].parse("'-1000.00") == Decimal("-1000.00")
    assert spec.by_header["备注"].parse("'=HYPERLINK(1)") == "=HYPERLINK(1)"
    assert spec.by_header["备注"].parse("'引号") == "'引号"
