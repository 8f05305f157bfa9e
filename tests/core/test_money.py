"""One way an amount reads everywhere: ¥1,000.00 and −¥666.00 (U+2212 before the ¥)."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from core.money import MINUS, yuan


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1000.00"), "¥1,000.00"),
        (Decimal("-666.00"), "−¥666.00"),
        (Decimal("0.00"), "¥0.00"),
        (Decimal("-0.00"), "¥0.00"),
        (Decimal("999999999999.99"), "¥999,999,999,999.99"),
        (Decimal("-1234567.8"), "−¥1,234,567.80"),
        (Decimal("5"), "¥5.00"),
        (Decimal("0.005"), "¥0.01"),
        (Decimal("-0.004"), "¥0.00"),
        (12, "¥12.00"),
        ("1234.5", "¥1,234.50"),
        (None, "—"),
        ("", "—"),
    ],
)
def test_yuan_writes_the_sign_before_the_yen_and_two_places(value, shown):
    assert yuan(value) == shown


def test_the_minus_is_the_minus_sign_not_a_hyphen():
    assert yuan(Decimal("-1"))[0] == MINUS == "\u2212"
    assert "-" not in yuan(Decimal("-1"))


def test_the_templates_yuan_filter_is_the_same_function():
    html = Template("{% load portal_tags %}{{ v|yuan }}").render(Context({"v": Decimal("-666")}))
    assert html == yuan(Decimal("-666")) == "−¥666.00"
