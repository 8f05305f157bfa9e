"""Spending in the rollup: money spent in all and per category, the administrative cost share
and its cap, and the balance at the end of the period, for a region and each child, equal
independent SQL over the records; the API, its CSV and verify_rollups carry them."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from funds.choices import ReversalKind, SpendingCategory
from funds.services import spending_reverse
from orgs.models import Region
from reports.rollups import region_rollup
from tests.conftest import JIAN, QINGYUAN, TIANYU
from tests.factories import fund_at, pay

pytestmark = pytest.mark.django_db

XINGQIAO = "360802100"  # 兴桥镇, a town of 吉州区
TIANYU_VILLAGE = "360803100201"

#: An entry's booking year, from the records: a correction's is its original's.
BOOKED = (
    "extract(year FROM CASE WHEN e.reversal_kind = 'correction' THEN o.{date} ELSE e.{date} END)"
)
SPENT_SQL = f"""
    SELECT e.category, sum(e.amount) FROM funds_spending e
      LEFT JOIN funds_spending o ON o.id = e.reverses_id
     WHERE e.region_code LIKE %(prefix)s
       AND (%(year)s::int IS NULL OR {BOOKED.format(date="spent_on")} {{op}} %(year)s::int)
     GROUP BY 1
"""  # noqa: S608 (constants)
RAISED_SQL = f"""
    SELECT coalesce(sum(e.amount), 0) FROM funds_donation e
      LEFT JOIN funds_donation o ON o.id = e.reverses_id
     WHERE e.kind = 'cash' AND e.region_code LIKE %(prefix)s
       AND (%(year)s::int IS NULL OR {BOOKED.format(date="received_on")} <= %(year)s::int)
"""  # noqa: S608 (constants)


def sql_figures(code: str, year: int | None) -> dict:
    """The spending figures of the subtree ``code``, straight from the records."""
    params = {"prefix": f"{code}%", "year": year}
    with connection.cursor() as cursor:
        cursor.execute(SPENT_SQL.format(op="="), params)
        by_category = dict.fromkeys(SpendingCategory.values, Decimal("0.00"))
        by_category |= dict(cursor.fetchall())
        cursor.execute(SPENT_SQL.format(op="<="), params)
        spent_to_date = sum((amount for _category, amount in cursor.fetchall()), Decimal("0"))
        cursor.execute(RAISED_SQL, params)
        raised = cursor.fetchone()[0]
    spent = sum(by_category.values(), Decimal("0.00"))
    administrative = by_category[SpendingCategory.ADMINISTRATIVE]
    return {
        "spending.amount": spent,
        "spending.by_category": by_category,
        "spending.administrative_share": (
            (administrative / spent).quantize(Decimal("0.0001")) if spent else None
        ),
        "funds.raised_to_date": raised,
        "funds.spent_to_date": spent_to_date,
        "funds.balance": raised - spent_to_date,
    }


@pytest.fixture
def spendings():
    """Money raised and spent in two counties over three years, one spending corrected and
    one refunded, administrative costs above the cap in 2024 at 天玉镇."""
    tianyu = fund_at(TIANYU, "100000", datetime.date(2022, 5, 1))
    village = fund_at(TIANYU_VILLAGE, "3000", datetime.date(2023, 5, 1), kind="community")
    xingqiao = fund_at(XINGQIAO, "50000", datetime.date(2023, 1, 2))
    rows = [
        (tianyu, "1200.50", SpendingCategory.AID, datetime.date(2023, 3, 1)),
        (tianyu, "300", SpendingCategory.ADMINISTRATIVE, datetime.date(2023, 4, 1)),
        (tianyu, "5000", SpendingCategory.PROJECT, datetime.date(2024, 2, 1)),
        (tianyu, "2000", SpendingCategory.ADMINISTRATIVE, datetime.date(2024, 3, 1)),
        (tianyu, "700", SpendingCategory.PURCHASE, datetime.date(2024, 5, 1)),
        (village, "1000", SpendingCategory.AID, datetime.date(2024, 6, 1)),
        (xingqiao, "999", SpendingCategory.AID, datetime.date(2024, 6, 2)),
        (xingqiao, "88", SpendingCategory.PROJECT, datetime.date(2023, 8, 2)),
    ]
    made = [pay(*row, f"PZ-{n}") for n, row in enumerate(rows)]
    spending_reverse(spending=made[4], reason="金额录错")  # a correction: 2024 loses it
    spending_reverse(spending=made[7], reason="退回", kind=ReversalKind.REFUND)
    return made


FIGURES = [
    "spending.amount",
    "spending.by_category",
    "spending.administrative_share",
    "funds.raised_to_date",
    "funds.spent_to_date",
    "funds.balance",
]


@pytest.mark.parametrize("code", [JIAN, QINGYUAN, TIANYU])
@pytest.mark.parametrize("year", [2022, 2023, 2024, datetime.date.today().year, None])
def test_the_region_and_each_child_equal_sql(spendings, code, year):
    rollup = region_rollup(region=Region.objects.get(code=code), year=year)
    for figures in [rollup, *rollup.children]:
        expected = sql_figures(figures.code, year)
        assert {name: figures.figures[name] for name in FIGURES} == expected, figures.code


def test_the_administrative_share_is_flagged_above_the_cap(spendings, settings):
    tianyu = region_rollup(region=Region.objects.get(code=TIANYU), year=2024).figures
    # 2,000 of 8,000 spent (a village's 1,000 included, the 700 corrected away): 25%, above
    # the 10% cap.
    assert tianyu["spending.administrative_share"] == Decimal("0.2500")
    assert tianyu["spending.administrative_over_cap"] is True
    settings.FUNDS_ADMIN_COST_CAP = 0.30
    tianyu = region_rollup(region=Region.objects.get(code=TIANYU), year=2024).figures
    assert tianyu["spending.administrative_over_cap"] is False


def test_nothing_spent_has_no_share_and_no_flag(spendings):
    figures = region_rollup(region=Region.objects.get(code=TIANYU), year=2022).figures
    assert figures["spending.administrative_share"] is None
    assert figures["spending.administrative_over_cap"] is False
    assert figures["funds.balance"] == Decimal("100000.00")


def test_the_balance_without_a_year_is_the_funds_balance_now(spendings):
    figures = region_rollup(region=Region.objects.get(code=JIAN), year=None).figures
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(b.balance) FROM funds_fundbalance b"
            " JOIN funds_fund f ON f.id = b.fund_id WHERE f.region_code LIKE %s",
            [f"{JIAN}%"],
        )
        assert figures["funds.balance"] == cursor.fetchone()[0]


def test_the_rollup_api_and_its_csv_show_the_spending(api, city_official, spendings):
    client = api(city_official)
    data = client.get(f"/api/v1/regions/{QINGYUAN}/rollup/?year=2024").json()
    expected = sql_figures(QINGYUAN, 2024)
    assert Decimal(data["spending"]["amount"]) == expected["spending.amount"]
    assert (
        Decimal(data["spending"]["administrative_share"])
        == (expected["spending.administrative_share"])
    )
    assert data["spending"]["administrative_over_cap"] is True
    assert Decimal(data["funds"]["balance"]) == expected["funds.balance"]
    response = client.get(f"/api/v1/regions/{QINGYUAN}/rollup.csv?year=2024")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    tianyu = next(row for row in rows if row[0] == TIANYU)
    column = rows[0].index("期末资金余额（元）")
    assert Decimal(tianyu[column]) == sql_figures(TIANYU, 2024)["funds.balance"]


def test_verify_rollups_agrees_with_the_spending_summary(spendings):
    call_command("verify_rollups", stdout=io.StringIO())  # exits 1 on any difference
