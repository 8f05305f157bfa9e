"""The dashboards' money formats: exact for tables and tooltips, compact for key-figure cards."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from portal.templatetags.portal_tags import figure_compact, signed, unbroken, yuan, yuan_compact


@pytest.mark.parametrize(
    ("amount", "chinese", "english"),
    [
        ("0", "¥0.00", "¥0.00"),
        ("0.00", "¥0.00", "¥0.00"),
        ("999.5", "¥999.50", "¥999.50"),
        ("9999", "¥9,999.00", "¥9,999.00"),
        ("9999.99", "¥9,999.99", "¥9,999.99"),
        ("10000", "¥1.00万", "¥10,000.00"),
        ("214675", "¥21.47万", "¥214,675.00"),
        ("999999.99", "¥100.00万", "¥999,999.99"),
        ("999999.995", "¥100.00万", "¥1.00M"),
        ("9999.995", "¥1.00万", "¥10,000.00"),
        ("1000000", "¥100.00万", "¥1.00M"),
        ("18156600", "¥1,815.66万", "¥18.16M"),
        ("99999999.99", "¥1.00亿", "¥100.00M"),  # rounds up into the next unit
        ("100000000", "¥1.00亿", "¥100.00M"),
        ("204252600", "¥2.04亿", "¥204.25M"),
        ("123456789012.34", "¥1,234.57亿", "¥123.46B"),
        ("999999999999.99", "¥10,000.00亿", "¥1,000.00B"),
        ("-666", "−¥666.00", "−¥666.00"),
        ("-18156600", "−¥1,815.66万", "−¥18.16M"),
        ("-0.001", "¥0.00", "¥0.00"),  # no sign on a zero
    ],
)
def test_yuan_compact_in_wan_and_yi_in_chinese_millions_in_english(amount, chinese, english):
    with translation.override("zh-hans"):
        assert yuan_compact(Decimal(amount)) == chinese
    with translation.override("en"):
        assert yuan_compact(Decimal(amount)) == english


def test_yuan_compact_rounds_half_up_with_decimals_not_floats():
    with translation.override("zh-hans"):
        # 0.005 of a 万 is ¥50: half up (a float or half-even would give 1.00 or 1.02).
        assert yuan_compact(Decimal("10050")) == "¥1.01万"
        assert yuan_compact(Decimal("10150")) == "¥1.02万"
        assert yuan_compact(Decimal("10049.99")) == "¥1.00万"
        # 2⁵³ + 1 fen: exact in Decimal, not in a float.
        assert yuan_compact(Decimal("90071992547409.93")) == "¥900,719.93亿"
        assert yuan_compact(Decimal("0.005")) == "¥0.01"
    with translation.override("en"):
        assert yuan_compact(Decimal("18155000")) == "¥18.16M"


def test_yuan_compact_takes_strings_and_ints_and_shows_a_dash_for_nothing():
    with translation.override("zh-hans"):
        assert yuan_compact("18156600.00") == "¥1,815.66万"
        assert yuan_compact(18156600) == "¥1,815.66万"
        assert yuan_compact(None) == yuan_compact("") == "—"


def test_yuan_stays_exact_for_tables_and_tooltips():
    assert yuan(Decimal("18156600")) == "¥18,156,600.00"
    assert yuan(Decimal("204252600")) == "¥204,252,600.00"
    assert yuan(Decimal("123456789012.34")) == "¥123,456,789,012.34"


def test_cards_and_changes_are_compact_for_money_only():
    with translation.override("zh-hans"):
        assert figure_compact(Decimal("18156600"), "money") == "¥1,815.66万"
        assert figure_compact(18156600, "count") == "18,156,600"
        assert figure_compact(Decimal("1234.5"), "hours") == "1,234.5"
        assert signed(Decimal("330000.00"), "money") == "+¥33.00万"
        assert signed(Decimal("-18156600"), "money") == "−¥1,815.66万"
        assert signed(Decimal("0.00"), "money") == "±¥0.00"
        assert signed(-3) == "−3"


def test_the_filters_in_a_template():
    template = Template(
        '{% load portal_tags %}<span title="{{ v|yuan }}">{{ v|figure_compact:"money" }}</span>'
    )
    with translation.override("zh-hans"):
        html = template.render(Context({"v": Decimal("18156600")}))
    assert html == '<span title="¥18,156,600.00">¥1,815.66万</span>'


def test_a_figure_stays_in_one_piece_and_escaped():
    assert unbroken("+¥1,234.57亿") == '<span class="unbroken">+¥1,234.57亿</span>'
    assert unbroken("<b>") == '<span class="unbroken">&lt;b&gt;</span>'
