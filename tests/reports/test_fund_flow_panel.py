"""The dashboard's 资金去向 panel: where the money came from (the balance at the start of the
year, the money raised) and where it went (each category, the balance at the end), drawn as
stacked bars and listed in a table; the figures equal independent SQL over the records."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from funds.choices import SpendingCategory
from funds.services import donation_record
from tests.conftest import QINGYUAN
from tests.factories import BranchFactory, pay

pytestmark = pytest.mark.django_db

TIANYU = "360803100"  # 天玉镇, in 青原区


@pytest.fixture
def money():
    """20,000 raised in 2023 and 10,000 in 2024 at 天玉镇; 3,000 spent in 2023, and in 2024
    4,000 on a project, 500 of aid and 1,000 of administrative costs (above the cap)."""
    branch = BranchFactory(region_id=TIANYU)
    fund = None
    for amount, received_on in (("20000", (2023, 2, 1)), ("10000", (2024, 2, 1))):
        fund = donation_record(
            branch=branch,
            amount=amount,
            channel="bank",
            received_on=datetime.date(*received_on),
        ).fund
    pay(fund, "3000", SpendingCategory.AID, datetime.date(2023, 5, 1), "PZ-0")
    pay(fund, "4000", SpendingCategory.PROJECT, datetime.date(2024, 3, 1), "PZ-1")
    pay(fund, "500", SpendingCategory.AID, datetime.date(2024, 4, 1), "PZ-2")
    pay(fund, "1000", SpendingCategory.ADMINISTRATIVE, datetime.date(2024, 5, 1), "PZ-3")


def sql_sum(table: str, date: str, condition: str) -> Decimal:
    """A sum of the subtree's amounts whose date meets ``condition``, from the records."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT coalesce(sum(amount), 0) FROM {table}"  # noqa: S608 (constants)
            f" WHERE region_code LIKE %s AND extract(year FROM {date}) {condition}",
            [f"{QINGYUAN}%"],
        )
        return cursor.fetchone()[0]


def dashboard(client, user, year: int):
    client.force_login(user)
    return client.get(reverse("portal:region_dashboard", args=[QINGYUAN]) + f"?year={year}")


def test_the_panel_lists_sources_and_uses_equal_to_sql(client, county_staff, money):
    page = dashboard(client, county_staff, 2024)
    flow = page.context["flow"]
    lines = {line.label: line.amount for line in [*flow.sources, *flow.uses]}
    opening = sql_sum("funds_donation", "received_on", "< 2024") - sql_sum(
        "funds_spending", "spent_on", "< 2024"
    )
    raised = sql_sum("funds_donation", "received_on", "= 2024")
    spent = sql_sum("funds_spending", "spent_on", "= 2024")
    assert lines == {
        "年初余额": opening,
        "募集资金": raised,
        "项目支出": Decimal("4000.00"),
        "救助": Decimal("500.00"),
        "物资采购": Decimal("0.00"),
        "管理费用": Decimal("1000.00"),
        "支出金额": spent,
        "期末资金余额": opening + raised - spent,
    }
    assert sum(line.amount for line in flow.sources) == lines["支出金额"] + lines["期末资金余额"]
    assert (flow.administrative_share, flow.over_cap) == (Decimal("0.1818"), True)


def test_the_table_shows_the_figures_and_the_cap(client, county_staff, money):
    page = dashboard(client, county_staff, 2024)
    table = page.text[page.text.index('id="fund-flow-table"') :]
    table = table[: table.index("</table>")]
    for amount in ("¥17,000.00", "¥10,000.00", "¥4,000.00", "¥5,500.00", "¥21,500.00"):
        assert amount in table
    assert "18.2%" in table and "超过上限 10%" in table


def test_the_chart_stacks_each_side_of_the_flow(client, county_staff, money):
    chart = dashboard(client, county_staff, 2024).context["charts"]["flow"]
    assert chart["names"] == ["资金来源", "资金去向"]
    sources = [series["values"][0] for series in chart["series"]]
    uses = [series["values"][1] for series in chart["series"]]
    assert sum(sources) == sum(uses) == 27_000.0
    assert "flow" in dashboard(client, county_staff, 2024).context["charts_shown"]


def test_a_region_without_money_shows_no_panel(client, county_staff):
    page = dashboard(client, county_staff, 2024)
    assert "flow" not in page.context["charts_shown"]
    assert 'id="fund-flow"' not in page.text
