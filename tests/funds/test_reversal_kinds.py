"""Correction (冲正) or refund (退款): a correction restates its original's year, a refund is
booked on its own date. The year figures, through the service, the API and the admin, equal
independent SQL over the records that books each entry by that rule."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from funds.choices import ReversalKind, SpendingCategory
from funds.models import Donation, Spending
from funds.selectors import region_spending
from funds.services import donation_record, donation_reverse, spending_record, spending_reverse
from orgs.models import Region
from reports.rollups import region_rollup
from tests.conftest import QINGYUAN, TIANYU
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db

ENTERED = datetime.date(2019, 9, 8)
THIS_YEAR = timezone.localdate().year

#: Each entry's booking year, computed here from the records: a correction's is its
#: original's, every other entry's its own.
BOOKED_YEAR = """
    extract(year FROM CASE WHEN e.reversal_kind = 'correction' THEN o.{date}
                           ELSE e.{date} END)
"""


def sql_raised(prefix: str, year: int) -> Decimal:
    """Cash donations of the subtree booked in ``year``, straight from the records."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(e.amount), 0) FROM funds_donation e"  # noqa: S608 (constant)
            " LEFT JOIN funds_donation o ON o.id = e.reverses_id"
            f" WHERE e.kind = 'cash' AND e.region_code LIKE %s"
            f"   AND {BOOKED_YEAR.format(date='received_on')} = %s",
            [f"{prefix}%", year],
        )
        return cursor.fetchone()[0]


def sql_spent(prefix: str, year: int) -> Decimal:
    """Spendings of the subtree booked in ``year``, straight from the records."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(e.amount), 0) FROM funds_spending e"  # noqa: S608 (constant)
            " LEFT JOIN funds_spending o ON o.id = e.reverses_id"
            f" WHERE e.region_code LIKE %s AND {BOOKED_YEAR.format(date='spent_on')} = %s",
            [f"{prefix}%", year],
        )
        return cursor.fetchone()[0]


def raised(year: int) -> Decimal:
    return region_rollup(region=Region.objects.get(code=QINGYUAN), year=year).figures[
        "donations.amount"
    ]


@pytest.fixture
def gifts():
    """Two 2019 donations of 1,000 and 300 to 天玉镇 and a 2019 donation of 50 elsewhere."""
    branch = BranchFactory(region_id=TIANYU)
    return [
        donation_record(branch=branch, amount=amount, channel="bank", received_on=ENTERED)
        for amount in ("1000", "300", "50")
    ]


def assert_years_equal_sql():
    for year in (2019, THIS_YEAR):
        assert raised(year) == sql_raised(QINGYUAN, year)


def test_a_correction_takes_the_donation_out_of_its_own_year(gifts):
    reversal = donation_reverse(donation=gifts[0], reason="金额录错")
    assert (reversal.reversal_kind, reversal.received_on) == (
        ReversalKind.CORRECTION,
        timezone.localdate(),  # recorded today, for the audit trail
    )
    assert raised(2019) == Decimal("350.00")
    assert raised(THIS_YEAR) == Decimal("0.00")
    assert_years_equal_sql()


def test_a_refund_is_booked_in_the_year_it_happens(gifts):
    donation_reverse(donation=gifts[0], reason="捐赠方要求退回", kind=ReversalKind.REFUND)
    assert raised(2019) == Decimal("1350.00")
    assert raised(THIS_YEAR) == Decimal("-1000.00")
    assert_years_equal_sql()


def test_both_kinds_net_out_without_a_year_and_verify_rollups_agrees(gifts):
    donation_reverse(donation=gifts[0], reason="金额录错")
    donation_reverse(donation=gifts[1], reason="退回", kind=ReversalKind.REFUND)
    rollup = region_rollup(region=Region.objects.get(code=QINGYUAN), year=None)
    assert rollup.figures["donations.amount"] == Decimal("50.00")
    assert rollup.figures["donations.count"] == 1
    assert_years_equal_sql()
    call_command("verify_rollups", stdout=io.StringIO())  # exits 1 on any difference


def test_corrections_leave_no_donation_in_their_year(gifts):
    # Every 2019 gift corrected: 2019 keeps none, and this year gains no negative entry.
    for gift in gifts:
        donation_reverse(donation=gift, reason="录入错误")
    rollup = region_rollup(region=Region.objects.get(code=QINGYUAN), year=2019)
    assert rollup.figures["donations.count"] == 0


# The API ------------------------------------------------------------------------------


def test_the_api_records_a_correction_by_default(api, county_staff, gifts):
    response = api(county_staff).post(
        f"/api/v1/donations/{gifts[0].pk}/reverse/", {"reason": "重复录入"}
    )
    assert response.status_code == 201
    assert response.json()["reversal_kind"] == "correction"
    assert raised(2019) == sql_raised(QINGYUAN, 2019) == Decimal("350.00")


def test_the_api_records_a_refund(api, county_staff, gifts):
    response = api(county_staff).post(
        f"/api/v1/donations/{gifts[0].pk}/reverse/", {"reason": "退回", "kind": "refund"}
    )
    assert (response.status_code, response.json()["reversal_kind"]) == (201, "refund")
    assert raised(THIS_YEAR) == sql_raised(QINGYUAN, THIS_YEAR) == Decimal("-1000.00")


def test_the_api_refuses_another_kind(api, county_staff, gifts):
    response = api(county_staff).post(
        f"/api/v1/donations/{gifts[0].pk}/reverse/", {"reason": "退回", "kind": "transfer"}
    )
    assert (response.status_code, list(response.json()["errors"])) == (400, ["kind"])
    assert not Donation.objects.filter(reverses=gifts[0]).exists()


def test_a_retry_with_the_key_and_another_kind_is_refused(api, county_staff, gifts):
    client = api(county_staff, HTTP_IDEMPOTENCY_KEY="rev-1")
    url = f"/api/v1/donations/{gifts[0].pk}/reverse/"
    assert client.post(url, {"reason": "退回", "kind": "refund"}).status_code == 201
    assert client.post(url, {"reason": "退回", "kind": "refund"}).status_code == 200
    assert client.post(url, {"reason": "退回", "kind": "correction"}).status_code == 422


# The admin ----------------------------------------------------------------------------


def test_the_admin_asks_which_kind_and_records_it(client, county_staff, gifts):
    client.force_login(county_staff)
    url = reverse("admin:funds_donation_reverse", args=[gifts[0].pk])
    page = client.get(url)
    assert 'name="kind" value="correction"' in page.text
    assert 'name="kind" value="refund"' in page.text
    client.post(url, {"reason": "退回", "kind": "refund"})
    assert Donation.objects.get(reverses=gifts[0]).reversal_kind == ReversalKind.REFUND
    assert raised(THIS_YEAR) == sql_raised(QINGYUAN, THIS_YEAR) == Decimal("-1000.00")


def test_the_admin_records_a_spending_correction(client, county_staff, superuser, gifts):
    spending = pay(gifts[0].fund, "400", datetime.date(2020, 3, 1), "PZ-A")
    client.force_login(county_staff)
    url = reverse("admin:funds_spending_reverse", args=[spending.pk])
    client.post(url, {"reason": "金额录错", "kind": "correction"})
    assert Spending.objects.get(reverses=spending).reversal_kind == ReversalKind.CORRECTION
    assert spent(2020, superuser) == sql_spent(QINGYUAN, 2020) == Decimal("0.00")


# Spendings ----------------------------------------------------------------------------


def pay(fund, amount: str, spent_on: datetime.date, voucher_no: str) -> Spending:
    return spending_record(
        fund=fund,
        amount=amount,
        category=SpendingCategory.AID,
        spent_on=spent_on,
        payee="收款人",
        purpose="救助",
        voucher_no=voucher_no,
    )


def spent(year: int, user) -> Decimal:
    return region_spending(code=QINGYUAN, year=year, user=user)["spent"]


@pytest.mark.parametrize(
    ("kind", "in_2020", "this_year"),
    [
        (ReversalKind.CORRECTION, Decimal("100.00"), Decimal("0.00")),
        (ReversalKind.REFUND, Decimal("500.00"), Decimal("-400.00")),
    ],
)
def test_a_spending_reversal_is_booked_by_its_kind(superuser, gifts, kind, in_2020, this_year):
    fund = gifts[0].fund
    wrong = pay(fund, "400", datetime.date(2020, 3, 1), "PZ-1")
    pay(fund, "100", datetime.date(2020, 4, 1), "PZ-2")
    spending_reverse(spending=wrong, reason="金额录错", kind=kind)
    assert (spent(2020, superuser), spent(THIS_YEAR, superuser)) == (in_2020, this_year)
    for year in (2020, THIS_YEAR):
        assert spent(year, superuser) == sql_spent(QINGYUAN, year)


def test_the_api_reverses_a_spending_as_a_refund(api, county_staff, superuser, gifts):
    spending = pay(gifts[0].fund, "400", datetime.date(2020, 3, 1), "PZ-1")
    response = api(county_staff).post(
        f"/api/v1/spendings/{spending.pk}/reverse/", {"reason": "退回", "kind": "refund"}
    )
    assert (response.status_code, response.json()["reversal_kind"]) == (201, "refund")
    assert spent(THIS_YEAR, superuser) == sql_spent(QINGYUAN, THIS_YEAR) == Decimal("-400.00")
