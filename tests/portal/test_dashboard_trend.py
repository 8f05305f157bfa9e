"""The dashboards' five-year trend: money raised and approved service hours per year, with
the change on the year before, read from the summaries (checked here against the records)."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from funds.choices import DonationKind
from funds.models import Donation
from members.choices import ServiceRecordStatus
from members.models import ServiceRecord
from orgs.choices import BranchKind
from orgs.models import Region
from portal.templatetags.portal_tags import signed_percent
from reports.dashboard import TrendCell, trend_rows
from reports.rollups import Coverage
from tests.conftest import JIAN, JIANGXI, JIZHOU, QINGYUAN, TIANYU
from tests.factories import BranchFactory, DonationFactory, MemberFactory, ServiceRecordFactory

pytestmark = pytest.mark.django_db

YEAR = 2019
YEARS = range(YEAR - 4, YEAR + 1)
JIZHOU_TOWN = "360802100"


def approved(**fields):
    return ServiceRecordFactory(
        status=ServiceRecordStatus.APPROVED, reviewed_at=timezone.now(), **fields
    )


@pytest.fixture
def years_of_records():
    """Money and hours in both counties over six years, with a reversal in a later year, goods,
    pending hours and a year (2016) with nothing."""
    tianyu = BranchFactory(region_id=TIANYU)
    jizhou = BranchFactory(region_id=JIZHOU_TOWN)
    county = BranchFactory(region_id=QINGYUAN, kind=BranchKind.COUNTY)
    for year, amount in [(2014, "900.00"), (2015, "1000.00"), (2017, "2500.50"), (2019, "300")]:
        DonationFactory(
            branch=tianyu, amount=Decimal(amount), received_on=datetime.date(year, 3, 1)
        )
        DonationFactory(
            branch=jizhou, amount=Decimal("10.00"), received_on=datetime.date(year, 5, 1)
        )
    gift = DonationFactory(
        branch=county, amount=Decimal("4000.00"), received_on=datetime.date(2018, 1, 9)
    )
    DonationFactory(
        branch=county,
        reverses=gift,
        amount=Decimal("-4000.00"),
        reason="录入错误",
        received_on=datetime.date(2019, 2, 1),
    )
    DonationFactory(
        branch=tianyu,
        kind=DonationKind.IN_KIND,
        in_kind_description="棉被",
        amount=Decimal("800.00"),
        received_on=datetime.date(2019, 4, 1),
    )
    for year in (2015, 2017, 2018, 2019):
        approved(served_on=datetime.date(year, 6, 1), hours=Decimal("2.5"))
    approved(served_on=datetime.date(2019, 7, 1), hours=Decimal("4.0"))
    ServiceRecordFactory(served_on=datetime.date(2019, 8, 1), hours=Decimal("9.0"))  # pending
    return tianyu, jizhou


def money_by_year(code: str) -> dict[int, Decimal]:
    """Money raised per year from the donation records themselves."""
    cash = Donation.objects.filter(region_code__startswith=code, kind=DonationKind.CASH)
    return {
        year: cash.filter(received_on__year=year).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        for year in YEARS
    }


def hours_by_year(code: str) -> dict[int, Decimal]:
    """Approved service hours per year from the service records themselves."""
    records = ServiceRecord.objects.filter(
        region_code__startswith=code, status=ServiceRecordStatus.APPROVED
    )
    return {
        year: records.filter(served_on__year=year).aggregate(s=Sum("hours"))["s"] or Decimal(0)
        for year in YEARS
    }


def dashboard(client, code: str | None):
    url = reverse("portal:region_dashboard", args=[code]) if code else reverse("portal:home")
    return client.get(url, {"year": YEAR})


@pytest.mark.parametrize("code", [None, JIANGXI, JIAN, QINGYUAN, TIANYU])
def test_trend_matches_the_records_at_every_level(client, superuser, years_of_records, code):
    client.force_login(superuser)
    trend = dashboard(client, code).context["trend"]
    assert [row["year"] for row in trend] == list(YEARS)
    money, hours = money_by_year(code or ""), hours_by_year(code or "")
    assert {row["year"]: row["cells"][0].value for row in trend} == money
    assert {row["year"]: row["cells"][1].value for row in trend} == hours
    assert sum(money.values()) > 0


def test_trend_changes_on_the_year_before(client, county_staff, years_of_records):
    """青原区: 1000 (2015), 0, 2500.50, 4000 (2018), 300 − 4000 (2019, the reversal)."""
    client.force_login(county_staff)
    money = [row["cells"][0] for row in dashboard(client, QINGYUAN).context["trend"]]
    assert money[0].change is None and money[0].ratio is None
    assert (money[1].change, money[1].ratio) == (Decimal("-1000.00"), Decimal("-1"))
    # Up from nothing: a change, no share of zero.
    assert (money[2].change, money[2].ratio) == (Decimal("2500.50"), None)
    assert money[4].value == Decimal("-3700.00")
    assert money[4].change == Decimal("-7700.00")
    assert money[4].ratio == (Decimal("-7700") / Decimal("4000")).quantize(Decimal("0.0001"))


def test_a_user_of_another_county_sees_only_their_own_trend(client, outsider, years_of_records):
    client.force_login(outsider)
    trend = dashboard(client, None).context["trend"]
    assert [row["cells"][0].value for row in trend] == list(money_by_year(JIZHOU).values())
    assert dashboard(client, QINGYUAN).status_code == 404


def test_trend_table_and_chart_show_the_figures(client, county_staff, years_of_records):
    client.force_login(county_staff)
    response = dashboard(client, QINGYUAN)
    html = response.content.decode()
    assert 'data-chart="trend"' in html and 'id="trend-table"' in html
    assert 'data-trend-value="2500.50"' in html
    assert 'data-trend-change="-7700.00"' in html
    chart = response.context["charts"]["trend"]
    assert chart["names"] == [str(year) for year in YEARS]
    # The names of docs/METRICS.md with the unit, in the default language.
    assert chart["series"] == ["募集资金（元）", "志愿服务时长（小时）"]
    assert chart["values"][0] == [1000.0, 0.0, 2500.5, 4000.0, -3700.0]


def test_trend_rows_without_a_year_before_have_no_change():
    zero = {
        "donations.amount": Decimal("0.00"),
        "volunteers.service_hours": Decimal("0.0"),
        "members.year_end": 0,
        "coverage.township_year_end": Coverage.of(0, 0),
    }
    rows = trend_rows({2018: zero, 2019: zero})
    assert rows[0]["cells"][0] == TrendCell(Decimal("0.00"), "money")
    assert rows[1]["cells"][0] == TrendCell(Decimal("0.00"), "money", Decimal("0.00"), None)
    # Coverage of no unit: no share, and a change of its units covered.
    assert rows[1]["cells"][3] == TrendCell(0, "count", 0, None, total=0, share=None)


@pytest.mark.parametrize(
    ("ratio", "shown"),
    [(None, "—"), (Decimal("0.125"), "+12.5%"), (Decimal("-1"), "−100%"), (Decimal("0"), "±0%")],
)
def test_signed_percent(ratio, shown):
    assert signed_percent(ratio) == shown


def test_dashboard_queries_stay_fixed_when_the_years_double(
    client, city_official, django_assert_num_queries
):
    """The trend rides on the months query: ten years of records cost what one year does."""
    client.force_login(city_official)
    branch = BranchFactory(region_id=TIANYU, founded_on=datetime.date(YEAR - 4, 1, 1))

    def render():
        # 1 session, 2 user, 3 the region in scope, 4-13 the rollup of YEAR, 14 donations
        # per month of YEAR with money, goods and approved hours of the five years to YEAR,
        # and the members and township coverage at the end of each of them, 15 the
        # ancestors for the breadcrumbs, 16 branches registered at the region, 17 the
        # user's region in the header, 18 whether a unit opened or closed since the end of
        # YEAR (a past year), 19 the rectification cases per child (branch life), 20 the
        # evaluation ratings of YEAR and the year before, 21 the community requests' times,
        # 22 the required activities owed and held per child.
        with django_assert_num_queries(22):
            return client.get(reverse("portal:region_dashboard", args=[JIAN]), {"year": YEAR})

    for year in YEARS:
        DonationFactory(branch=branch, received_on=datetime.date(year, 1, 1))
        MemberFactory(branch=branch, joined_on=datetime.date(year, 1, 1))
    charts = render().context["charts"]
    assert charts["trend"]["values"][0] == [1000.0] * 5
    assert charts["reach"]["values"][0] == [1, 2, 3, 4, 5]
    assert charts["reach"]["units"][1] == [[1, 224]] * 5
    for year in range(YEAR - 9, YEAR - 4):
        DonationFactory(branch=branch, received_on=datetime.date(year, 1, 1))
        approved(volunteer__team__branch=branch, served_on=datetime.date(year, 2, 1))
        MemberFactory(branch=branch, joined_on=datetime.date(year, 1, 1))
        BranchFactory(region_id="360802101", founded_on=datetime.date(year, 3, 1))
    charts = render().context["charts"]
    assert charts["trend"]["values"][0] == [1000.0] * 5
    assert charts["reach"]["values"][0] == [6, 7, 8, 9, 10]
    assert charts["reach"]["units"][1] == [[2, 224]] * 5


def test_home_of_staff_adds_one_query_per_to_do_item(
    client, county_staff, django_assert_num_queries
):
    client.force_login(county_staff)
    assert Region.objects.filter(code=QINGYUAN).exists()
    # 1 session, 2 user, 3-11 the to-do: branches not assessed this year, service records
    # pending, branches with activities due this month, rectifications overdue or due soon,
    # self-assessments not submitted, self-assessments to rate, the user's dry runs, the
    # user's imports finished unseen, the user's exports ready; 12 the latest year with
    # donations, 13-22 the rollup, 23 the months and the five years, 24 the ancestors, 25
    # branches registered at the county, 26 the user's region in the header, 27 the
    # rectification cases per child (branch life), 28 the required activities owed and
    # held per child, 29 the evaluation ratings, 30 the community requests' response times.
    with django_assert_num_queries(30):
        response = client.get(reverse("portal:home"))
    assert len(response.context["todo"]) == 9
