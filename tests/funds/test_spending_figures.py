"""Spending figures: the summary kept by the triggers equals sums computed by SQL from the
spendings, verify_rollups checks it, and the region's figures (spent per category, the
administrative cost share, the balance) equal independent SQL over the records."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F
from django.utils import timezone

from funds.choices import ReversalKind, SpendingCategory
from funds.selectors import region_spending
from funds.services import spending_reverse
from funds.summaries import SpendingSummary
from tests.conftest import JIAN, QINGYUAN, TIANYU
from tests.factories import fund_at, pay

pytestmark = pytest.mark.django_db

XINGQIAO = "360802100"  # 兴桥镇, a town of 吉州区


@pytest.fixture
def spendings():
    """Spendings in two counties, two years and every category, one of them refunded."""
    tianyu, xingqiao = fund_at(TIANYU, "100000"), fund_at(XINGQIAO, "50000")
    county = fund_at(
        QINGYUAN, "8000", kind="county"
    )  # a county branch: counted at the county itself
    rows = [
        (tianyu, "1200.50", SpendingCategory.AID, datetime.date(2023, 3, 1)),
        (tianyu, "300", SpendingCategory.ADMINISTRATIVE, datetime.date(2023, 4, 1)),
        (tianyu, "5000", SpendingCategory.PROJECT, datetime.date(2024, 2, 1)),
        (tianyu, "700", SpendingCategory.PURCHASE, datetime.date(2024, 5, 1)),
        (county, "450", SpendingCategory.ADMINISTRATIVE, datetime.date(2024, 6, 1)),
        (xingqiao, "999", SpendingCategory.AID, datetime.date(2024, 6, 2)),
    ]
    made = [pay(*row, f"PZ-{n}") for n, row in enumerate(rows)]
    spending_reverse(spending=made[3], reason="重复录入", kind=ReversalKind.REFUND)
    return made


def sql_spent(prefix: str, year: int | None) -> dict[str, Decimal]:
    """Money spent per category, straight from the spendings."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT category, sum(amount) FROM funds_spending WHERE region_code LIKE %s "
            "AND (%s::int IS NULL OR extract(year FROM spent_on) = %s::int) GROUP BY category",
            [f"{prefix}%", year, year],
        )
        return dict(cursor.fetchall())


def sql_balance(prefix: str) -> Decimal:
    """Cash received by the subtree's funds less what they paid, straight from the records."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT coalesce(sum(amount), 0) FROM funds_donation"
            "         WHERE kind = 'cash' AND fund_id IS NOT NULL AND region_code LIKE %s)"
            "     - (SELECT coalesce(sum(amount), 0) FROM funds_spending WHERE region_code LIKE %s)",
            [f"{prefix}%", f"{prefix}%"],
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    ("code", "year"),
    [(JIAN, None), (JIAN, 2024), (JIAN, 2023), (QINGYUAN, 2024), (TIANYU, None), ("360802", 2024)],
)
def test_region_figures_equal_sql_over_the_records(superuser, spendings, code, year):
    figures = region_spending(code=code, year=year, user=superuser)
    expected = sql_spent(code, year)
    assert figures["by_category"] == {
        category: expected.get(category, Decimal("0.00")) for category in SpendingCategory.values
    }
    assert figures["spent"] == sum(expected.values(), Decimal("0.00"))
    administrative = expected.get(SpendingCategory.ADMINISTRATIVE, Decimal("0"))
    share = (administrative / figures["spent"]).quantize(Decimal("0.0001"))
    assert figures["administrative_share"] == share
    assert figures["balance"] == sql_balance(code)


def test_a_reversed_spending_nets_out_of_its_year_and_category(superuser, spendings):
    # 700 paid in 2024 and refunded this year: both entries count.
    figures = region_spending(code=TIANYU, year=None, user=superuser)
    assert figures["by_category"][SpendingCategory.PURCHASE] == Decimal("0.00")
    assert figures["spent"] == Decimal("6500.50")


def test_the_figures_of_another_county_are_none_of_the_users(outsider, spendings):
    figures = region_spending(code=QINGYUAN, year=None, user=outsider)
    assert (figures["spent"], figures["balance"], figures["administrative_share"]) == (
        Decimal("0.00"),
        Decimal("0.00"),
        None,
    )
    assert region_spending(code="360802", year=None, user=outsider)["spent"] == Decimal("999.00")


def test_the_summary_keeps_net_count_and_money_per_township_year_and_category(spendings):
    rows = {
        (row.region_code, row.year, row.category): (row.spendings, row.amount)
        for row in SpendingSummary.objects.all()
    }
    # Paid in 2024, refunded this year: the refund counts in the year it is dated.
    assert rows[TIANYU, 2024, SpendingCategory.PURCHASE] == (1, Decimal("700.00"))
    this_year = timezone.localdate().year
    assert rows[TIANYU, this_year, SpendingCategory.PURCHASE] == (-1, Decimal("-700.00"))
    assert rows[QINGYUAN, 2024, SpendingCategory.ADMINISTRATIVE] == (1, Decimal("450.00"))
    assert rows[XINGQIAO, 2024, SpendingCategory.AID] == (1, Decimal("999.00"))


def test_verify_rollups_finds_the_spending_summary_right_and_a_tampered_row_wrong(spendings):
    out = io.StringIO()
    call_command("verify_rollups", stdout=out)
    SpendingSummary.objects.filter(region_code=XINGQIAO).update(amount=F("amount") + 1)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_rollups", stdout=out)
    assert f"funds_spendingsummary {XINGQIAO}/2024/aid" in out.getvalue()
