"""The pages: login, dashboards, coverage gaps, region search and branch pages."""

import datetime
import json
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from funds.choices import DonationKind
from members.choices import PositionRole, ServiceRecordStatus
from orgs.choices import BranchKind, BranchStatus, RegionKind, RegionLevel
from orgs.models import Branch, Region
from orgs.services import assessment_record
from reports.rollups import coverage_gaps, region_rollup
from tests.conftest import JIAN, JIZHOU, QINGYUAN, TIANYU
from tests.factories import (
    BranchFactory,
    CampaignFactory,
    DonationFactory,
    MemberFactory,
    PositionFactory,
    ServiceRecordFactory,
    StandardFactory,
    VolunteerTeamFactory,
)

pytestmark = pytest.mark.django_db

YEAR = 2019
JIZHOU_TOWN = "360802100"  # 兴桥镇, a town of 吉州区


class _Page(HTMLParser):
    """The figures a dashboard shows: key figures by name, table rows by region code."""

    def __init__(self, html: str):
        super().__init__()
        self.figures, self.changes, self.rows, self.gaps = {}, {}, {}, []
        self._figure = self._row = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-figure" in attrs:
            self._figure = attrs["data-figure"]
        elif self._figure and "data-value" in attrs:
            self.figures[self._figure] = (Decimal(attrs["data-value"]), attrs.get("data-total"))
        elif self._figure and "data-change" in attrs:
            self.changes[self._figure] = Decimal(attrs["data-change"])
        if tag == "tr" and "data-code" in attrs:
            self._row = self.rows.setdefault(attrs["data-code"], {})
        elif self._row is not None and "data-cell" in attrs:
            self._row[attrs["data-cell"]] = Decimal(attrs["data-sort-value"])
        if "data-gap" in attrs:
            self.gaps.append(attrs["data-gap"])


def page_of(response) -> _Page:
    assert response.status_code == 200
    return _Page(response.content.decode())


def dashboard(code: str | None = None, **query) -> str:
    url = reverse("portal:region_dashboard", args=[code]) if code else reverse("portal:home")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def county_records(county: str, *, amount: str = "1000.00"):
    """A township branch in the county's first town, with a member, a volunteer's approved
    hours, and a cash gift and goods in YEAR."""
    town = Region.objects.filter(parent_id=county, kind=RegionKind.TOWN).first()
    branch = BranchFactory(region=town, name=f"{town.name}红十字会")
    MemberFactory(branch=branch)
    ServiceRecordFactory(
        volunteer__team__branch=branch,
        status=ServiceRecordStatus.APPROVED,
        reviewed_at=timezone.now(),
        served_on=datetime.date(YEAR, 6, 1),
    )
    DonationFactory(branch=branch, amount=Decimal(amount), received_on=datetime.date(YEAR, 9, 8))
    DonationFactory(
        branch=branch,
        kind=DonationKind.IN_KIND,
        in_kind_description="口罩 7000 只",
        amount=Decimal("3500.00"),
        received_on=datetime.date(YEAR, 2, 1),
    )
    return branch


@pytest.fixture
def tianyu_branch():
    """天玉镇's society: a president, a team, two members (one left), money and a reversal."""
    branch = BranchFactory(name="天玉镇红十字会")
    PositionFactory(branch=branch, role=PositionRole.PRESIDENT, holder_name="李明")
    VolunteerTeamFactory(branch=branch, name="天玉镇应急救护志愿服务队")
    MemberFactory(branch=branch)
    MemberFactory(branch=branch, left_on=datetime.date(2021, 1, 1), leave_reason="迁出")
    gift = DonationFactory(branch=branch, amount=Decimal("330000.00"))
    DonationFactory(
        branch=branch,
        amount=Decimal("-1000.00"),
        reverses=DonationFactory(branch=branch, amount=Decimal("1000.00")),
        reason="重复录入",
    )
    return branch, gift


@pytest.fixture
def jizhou_branch():
    return BranchFactory(region_id=JIZHOU_TOWN, name="兴桥镇红十字会")


# Login and logout


@pytest.mark.parametrize(
    "url",
    [
        "/",
        f"/regions/{JIAN}/",
        f"/regions/{JIAN}/gaps/?level=township",
        "/gaps/",
        "/search/?q=天玉",
        "/branches/1/",
    ],
)
def test_pages_send_anonymous_visitors_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login") + "?next=")


def test_login_page_logs_in_and_returns_to_the_page_asked_for(client, city_official):
    assert client.get(reverse("portal:login")).status_code == 200
    response = client.post(
        reverse("portal:login") + f"?next=/regions/{QINGYUAN}/",
        {"username": city_official.username, "password": "pw-jian-official"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/regions/{QINGYUAN}/"


def test_login_page_refuses_a_wrong_password(client, city_official):
    response = client.post(
        reverse("portal:login"), {"username": city_official.username, "password": "wrong"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_that_returns_to_login(client, city_official):
    client.force_login(city_official)
    assert client.get(reverse("portal:logout")).status_code == 405
    response = client.post(reverse("portal:logout"))
    assert response["Location"] == reverse("portal:login")
    assert "_auth_user_id" not in client.session


# Dashboards


def test_home_is_the_dashboard_of_the_users_region(client, city_official):
    client.force_login(city_official)
    response = client.get("/")
    assert response.context["region"].code == JIAN
    assert response.context["rollup"].code == JIAN
    assert len(page_of(response).rows) == 13  # Ji'an's 13 counties


def test_superusers_home_is_the_whole_country(client, superuser):
    client.force_login(superuser)
    response = client.get("/")
    assert response.context["region"] is None
    assert len(page_of(response).rows) == 31  # the provinces


def test_dashboard_of_a_region_in_scope(client, county_staff):
    client.force_login(county_staff)
    response = client.get(dashboard(TIANYU))
    assert response.context["rollup"].name == "天玉镇"


@pytest.mark.parametrize("code", [JIZHOU, JIAN, "36", "360802100", "nonsense"])
def test_dashboards_outside_the_users_scope_are_404(client, county_staff, code):
    client.force_login(county_staff)
    # A malformed code matches no route: its address is written out.
    url = dashboard(code) if code.isdigit() else f"/regions/{code}/"
    assert client.get(url).status_code == 404


def test_dashboard_figures_equal_the_rollup(client, city_official):
    county_records(QINGYUAN, amount="330000.00")
    county_records(JIZHOU, amount="120000.00")
    client.force_login(city_official)
    page = page_of(client.get(dashboard(JIAN, year=YEAR)))
    rollup = region_rollup(region=Region.objects.get(code=JIAN), year=YEAR).as_dict()
    for level, coverage in rollup["coverage"].items():
        assert page.figures[f"coverage_{level}"] == (
            coverage["covered"],
            str(coverage["total"]),
        )
    assert page.figures["branches_active"] == (
        rollup["branches"]["active"],
        str(rollup["branches"]["total"]),
    )
    assert page.figures["members_active"][0] == rollup["members"]["active"] == 2
    assert page.figures["volunteers_active"][0] == rollup["volunteers"]["active"] == 2
    hours = page.figures["volunteers_service_hours"][0]
    assert hours == rollup["volunteers"]["service_hours"] == Decimal("5.0")
    assert page.figures["donations_amount"][0] == rollup["donations"]["amount"]
    assert page.figures["donations_in_kind_value"][0] == rollup["donations"]["in_kind_value"]
    assert rollup["donations"]["amount"] == Decimal("450000.00")


def test_child_rows_equal_the_rollups_children_and_link_one_level_down(client, city_official):
    county_records(QINGYUAN, amount="330000.00")
    client.force_login(city_official)
    response = client.get(dashboard(JIAN, year=YEAR))
    page = page_of(response)
    rollup = region_rollup(region=Region.objects.get(code=JIAN), year=YEAR).as_dict()
    assert {code: row["amount"] for code, row in page.rows.items()} == {
        child["code"]: child["donations"]["amount"] for child in rollup["children"]
    }
    assert f'href="/regions/{QINGYUAN}/?year={YEAR}"' in response.content.decode()


def test_dashboard_shows_the_donors_of_the_year_without_a_change(client, city_official):
    county_records(QINGYUAN)  # a gift and goods from two donors
    client.force_login(city_official)
    page = page_of(client.get(dashboard(JIAN, year=YEAR)))
    assert page.figures["donors_count"] == (2, None)
    assert "donors_count" not in page.changes


def test_year_switch_changes_the_yearly_figures_and_their_change(client, city_official):
    branch = county_records(QINGYUAN, amount="500.00")
    DonationFactory(branch=branch, amount=Decimal("800.00"), received_on=datetime.date(2020, 3, 1))
    client.force_login(city_official)
    page_2019 = page_of(client.get(dashboard(JIAN, year=YEAR)))
    page_2020 = page_of(client.get(dashboard(JIAN, year=2020)))
    assert page_2019.figures["donations_amount"][0] == Decimal("500.00")
    assert page_2020.figures["donations_amount"][0] == Decimal("800.00")
    assert page_2020.changes["donations_amount"] == Decimal("300.00")
    assert page_2020.changes["donations_in_kind_value"] == Decimal("-3500.00")


@pytest.mark.parametrize("level", ["city", "county", "township"])
def test_months_and_last_year_agree_at_every_level(client, city_official, level):
    # The city's and the county's from the county-month summary, the township's from its
    # records: the same donations give the same months and the same change from last year.
    branch = county_records(QINGYUAN, amount="500.00")
    DonationFactory(branch=branch, amount=Decimal("800.00"), received_on=datetime.date(2020, 3, 1))
    code = {"city": JIAN, "county": QINGYUAN, "township": branch.region_id}[level]
    client.force_login(city_official)
    response = client.get(dashboard(code, year=2020))
    months = json.loads(json.dumps(response.context["charts"]["months"]))
    assert months["cash"][2] == 800.0  # March 2020
    assert sum(months["cash"]) == 800.0
    assert sum(months["in_kind"]) == 0.0
    page = page_of(response)
    # 2019: 500 cash, 3,500 goods; 2020: 800 cash.
    assert page.changes["donations_amount"] == Decimal("300.00")
    assert page.changes["donations_in_kind_value"] == Decimal("-3500.00")


def test_a_villages_change_on_last_year_counts_its_own_records(client, city_official):
    village = Region.objects.filter(parent_id=TIANYU, kind=RegionKind.VILLAGE).first()
    branch = BranchFactory(region_id=village.code, kind=BranchKind.COMMUNITY, name="村红十字会")
    DonationFactory(branch=branch, amount=Decimal("500.00"), received_on=datetime.date(2019, 9, 8))
    DonationFactory(branch=branch, amount=Decimal("800.00"), received_on=datetime.date(2020, 3, 1))
    client.force_login(city_official)
    page = page_of(client.get(dashboard(village.code, year=2020)))
    assert page.figures["donations_amount"][0] == Decimal("800.00")
    assert page.changes["donations_amount"] == Decimal("300.00")


def test_dashboard_without_a_year_opens_the_latest_year_with_donations(client, city_official):
    branch = county_records(QINGYUAN, amount="500.00")
    DonationFactory(branch=branch, amount=Decimal("800.00"), received_on=datetime.date(2020, 3, 1))
    client.force_login(city_official)
    response = client.get(f"/regions/{JIAN}/")
    assert response.context["year"] == 2020
    assert page_of(response).figures["donations_amount"][0] == Decimal("800.00")


def test_dashboard_without_donations_opens_this_year(client, city_official):
    client.force_login(city_official)
    response = client.get(f"/regions/{JIAN}/")
    assert response.context["year"] == timezone.localdate().year


def test_year_outside_the_selector_falls_back_to_this_year(client, city_official):
    client.force_login(city_official)
    for year in ("abc", "1999", str(timezone.localdate().year + 1)):
        response = client.get(dashboard(JIAN, year=year))
        assert response.context["year"] == timezone.localdate().year


def test_chart_data_carries_the_months_and_campaigns(client, city_official):
    campaign = CampaignFactory(name="99公益日 2019")
    branch = county_records(QINGYUAN)
    DonationFactory(branch=branch, campaign=campaign, amount=Decimal("2000.00"))
    client.force_login(city_official)
    charts = client.get(dashboard(JIAN, year=YEAR)).context["charts"]
    rendered = json.loads(json.dumps(charts))
    assert rendered["months"]["cash"][8] == 3000.0  # September: 1,000 + 2,000
    assert rendered["months"]["in_kind"][1] == 3500.0  # February: the masks
    assert rendered["campaigns"]["names"] == ["99公益日 2019"]
    assert rendered["ranking"]["names"][0].endswith("青原区")


def tianyu_villages(covered: int) -> tuple[list[Region], Branch, list[Branch]]:
    """天玉镇's eight villages, its township society, and village branches in the first
    ``covered`` of them."""
    villages = list(Region.objects.filter(parent_id=TIANYU).order_by("code"))
    township = BranchFactory(name="天玉镇红十字会")
    branches = [
        BranchFactory(
            region_id=village.code, kind=BranchKind.COMMUNITY, name=f"{village.name}红十字会"
        )
        for village in villages[:covered]
    ]
    return villages, township, branches


def test_township_dashboard_charts_the_coverage_of_its_villages(client, county_staff):
    villages, township, _branches = tianyu_villages(covered=2)
    BranchFactory(
        region_id=villages[2].code, kind=BranchKind.COMMUNITY, status=BranchStatus.DISSOLVED
    )
    DonationFactory(branch=township, amount=Decimal("214675.00"))
    client.force_login(county_staff)
    response = client.get(dashboard(TIANYU, year=YEAR))
    assert page_of(response).figures["coverage_community"] == (2, "8")
    coverage = response.context["charts"]["coverage"]
    assert len(villages) == 8
    assert coverage["names"] == [village.name for village in villages]
    assert coverage["covered"] == [1, 1, 0, 0, 0, 0, 0, 0]
    assert coverage["uncovered"] == [0, 0, 1, 1, 1, 1, 1, 1]
    rows = {row["code"]: row for row in response.context["rows"]}
    assert (
        rows[villages[0].code]["coverage"].covered,
        rows[villages[0].code]["coverage"].total,
    ) == (1, 1)
    assert (
        rows[villages[2].code]["coverage"].covered,
        rows[villages[2].code]["coverage"].total,
    ) == (0, 1)
    html = response.content.decode()
    assert 'data-chart="coverage"' in html


def test_a_village_that_coverage_does_not_count_has_no_coverage(client, county_staff):
    villages, _township, _branches = tianyu_villages(covered=1)
    Region.objects.filter(code=villages[0].code).update(valid_to=datetime.date(2020, 1, 1))
    client.force_login(county_staff)
    response = client.get(dashboard(TIANYU, year=YEAR))
    rows = {row["code"]: row for row in response.context["rows"]}
    assert rows[villages[0].code]["coverage"] is None
    assert response.context["charts"]["coverage"]["names"] == [v.name for v in villages[1:]]
    assert page_of(response).figures["coverage_community"] == (0, "7")


def test_charts_with_nothing_to_draw_are_left_out(client, county_staff):
    """天玉镇 raised its money at its own society: no village to rank, no campaign."""
    _villages, township, _branches = tianyu_villages(covered=2)
    DonationFactory(branch=township, amount=Decimal("214675.00"))
    client.force_login(county_staff)
    response = client.get(dashboard(TIANYU, year=YEAR))
    assert page_of(response).figures["donations_amount"][0] == Decimal("214675.00")
    assert response.context["charts_shown"] == [
        "coverage",
        "kinds",
        "months",
        "trend",
        "reach",
        "flow",
    ]
    html = response.content.decode()
    for shown in ("coverage", "kinds", "months", "trend", "reach"):
        assert f'data-chart="{shown}"' in html
    for left_out in ("campaigns", "ranking"):
        assert f'data-chart="{left_out}"' not in html
    assert "data-empty" not in html

    # The next year has no month to draw; its trend still holds YEAR's money, and the
    # money not spent is still there at its start and end.
    response = client.get(dashboard(TIANYU, year=YEAR + 1))
    assert response.context["charts_shown"] == ["coverage", "kinds", "trend", "reach", "flow"]
    # Five years after the last money, the trend of money has nothing left to draw; the
    # township is still covered, and the money is still in its fund.
    response = client.get(dashboard(TIANYU, year=YEAR + 5))
    assert response.context["charts_shown"] == ["coverage", "kinds", "reach", "flow"]


def test_charts_with_something_to_draw_are_shown(client, county_staff):
    villages, _township, branches = tianyu_villages(covered=2)
    campaign = CampaignFactory(name="99公益日 2019")
    DonationFactory(branch=branches[1], campaign=campaign, amount=Decimal("14675.00"))
    client.force_login(county_staff)
    response = client.get(dashboard(TIANYU, year=YEAR))
    assert response.context["charts_shown"] == [
        "coverage",
        "kinds",
        "campaigns",
        "months",
        "trend",
        "reach",
        "ranking",
        "flow",
    ]
    assert response.context["charts"]["ranking"]["names"] == [f"1. {villages[1].name}"]
    html = response.content.decode()
    for shown in response.context["charts_shown"]:
        assert f'data-chart="{shown}"' in html


def test_dashboard_without_any_chart_leaves_out_the_charts(client, county_staff):
    """A village (no children, no branch, no money): no chart at all."""
    village = Region.objects.filter(parent_id=TIANYU).order_by("code").first()
    client.force_login(county_staff)
    response = client.get(dashboard(village.code, year=YEAR))
    assert response.context["charts_shown"] == []
    assert 'class="charts"' not in response.content.decode()


def test_township_dashboard_queries_stay_fixed_when_its_villages_double(
    client, county_staff, django_assert_num_queries
):
    villages, _township, _branches = tianyu_villages(covered=2)
    client.force_login(county_staff)

    def render():
        # As the city's (22, see above), and 23 the villages covered, from the records.
        with django_assert_num_queries(23):
            return client.get(dashboard(TIANYU, year=YEAR))

    assert render().context["charts"]["coverage"]["covered"] == [1, 1, 0, 0, 0, 0, 0, 0]
    for village in villages[2:4]:
        BranchFactory(region_id=village.code, kind=BranchKind.COMMUNITY)
    assert render().context["charts"]["coverage"]["covered"] == [1, 1, 1, 1, 0, 0, 0, 0]


def test_key_figure_cards_show_money_compact_with_the_exact_amount_in_a_tooltip(
    client, city_official
):
    DonationFactory(branch=BranchFactory(), amount=Decimal("18156600.00"))
    DonationFactory(branch=BranchFactory(region_id=JIZHOU_TOWN), amount=Decimal("186096000.00"))
    client.force_login(city_official)
    html = client.get(dashboard(JIAN, year=YEAR)).content.decode()
    card = re.search(r'data-figure="donations_amount">.*?</li>', html, re.S).group()
    assert 'title="¥204,252,600.00"' in card
    assert "¥2.04亿" in card and "204,252,600" not in re.sub(r'title="[^"]*"', "", card)
    # The table keeps the exact figures.
    assert "¥18,156,600.00" in html and "¥186,096,000.00" in html


def test_dashboard_offers_the_apis_exports_of_the_table(client, city_official):
    client.force_login(city_official)
    html = client.get(dashboard(JIAN, year=YEAR)).content.decode()
    assert f'href="/api/v1/regions/{JIAN}/rollup.csv?year={YEAR}"' in html
    assert f'href="/api/v1/regions/{JIAN}/rollup.xlsx?year={YEAR}"' in html


def test_breadcrumbs_link_only_the_ancestors_in_scope(client, county_staff, city_official):
    client.force_login(county_staff)
    crumbs = client.get(dashboard(TIANYU)).context["breadcrumbs"]
    assert [(c["name"], c["in_scope"]) for c in crumbs] == [
        ("江西省", False),
        ("吉安市", False),
        ("青原区", True),
    ]
    client.force_login(city_official)
    html = client.get(dashboard(TIANYU, year=YEAR)).content.decode()
    assert f'href="/regions/{JIAN}/?year={YEAR}"' in html


def test_dashboard_lists_the_branches_registered_at_the_region(client, county_staff):
    branch = BranchFactory(region_id=QINGYUAN, kind=BranchKind.COUNTY, name="青原区红十字会")
    client.force_login(county_staff)
    html = client.get(dashboard(QINGYUAN)).content.decode()
    assert f'href="/branches/{branch.pk}/"' in html


def test_dashboard_queries_stay_fixed_when_the_children_data_doubles(
    client, city_official, django_assert_num_queries
):
    counties = list(
        Region.objects.filter(parent_id=JIAN).order_by("code").values_list("code", flat=True)
    )
    for county in counties[:3]:
        county_records(county)
    client.force_login(city_official)

    def render():
        # 1 session, 2 user, 3 the region in scope,
        # 4-13 the rollup of YEAR (children, branches, two coverage, members, hours,
        #      donations per channel, spendings, activities, per campaign), 14 donations per
        #      month of YEAR and of the year before with that year's service hours (the
        #      summaries, no second rollup), 15 the ancestors for the breadcrumbs, 16
        #      branches registered at the region, 17 the user's region in the header, 18
        #      whether a unit opened or closed since the end of YEAR (a past year), 19 the
        #      rectification cases per child (branch life), 20 the evaluation ratings of
        #      YEAR and the year before, 21 the community requests' response times, 22 the
        #      required activities owed and held per child (a city's dashboard and below).
        # (Outside the test's transaction the rollup and the months add BEGIN, SET
        # TRANSACTION and COMMIT: they read one snapshot.)
        with django_assert_num_queries(22):
            return client.get(dashboard(JIAN, year=YEAR))

    assert len(render().context["rows"]) == 13
    for county in counties[3:6]:
        county_records(county)
    assert render().context["rollup"].figures["members.active"] == 6


# Coverage gaps


def test_gaps_list_the_townships_without_a_branch(client, county_staff):
    covered = Branch.objects.create(
        region_id=TIANYU, kind=BranchKind.TOWNSHIP, name="天玉镇红十字会"
    )
    client.force_login(county_staff)
    page = page_of(client.get(f"/regions/{QINGYUAN}/gaps/?level=township"))
    region = Region.objects.get(code=QINGYUAN)
    expected = list(
        coverage_gaps(region=region, level=RegionLevel.TOWNSHIP).values_list("code", flat=True)
    )
    assert page.gaps == expected
    assert covered.region_id not in page.gaps
    rollup = region_rollup(region=region).as_dict()
    township = rollup["coverage"]["township"]
    assert len(page.gaps) == township["total"] - township["covered"]


def test_gaps_default_to_townships_and_take_villages(client, county_staff):
    client.force_login(county_staff)
    assert client.get(f"/regions/{QINGYUAN}/gaps/").context["level"] == RegionLevel.TOWNSHIP
    response = client.get(f"/regions/{TIANYU}/gaps/?level=community")
    assert response.context["level"] == RegionLevel.COMMUNITY
    assert all(len(code) == 12 for code in page_of(response).gaps)
    assert page_of(response).gaps


def test_dashboard_links_coverage_to_its_gaps(client, county_staff):
    client.force_login(county_staff)
    html = client.get(dashboard(QINGYUAN)).content.decode()
    assert f'href="/regions/{QINGYUAN}/gaps/?level=township"' in html


def test_gaps_outside_the_users_scope_are_404(client, county_staff):
    client.force_login(county_staff)
    assert client.get(f"/regions/{JIZHOU}/gaps/?level=township").status_code == 404


def test_gaps_of_a_village_are_404(client, county_staff):
    village = Region.objects.filter(parent_id=TIANYU).first()
    client.force_login(county_staff)
    assert client.get(f"/regions/{village.code}/gaps/").status_code == 404


def test_country_gaps_are_for_superusers_only(client, superuser, city_official):
    client.force_login(city_official)
    assert client.get("/gaps/").status_code == 404
    client.force_login(superuser)
    response = client.get("/gaps/?level=county")
    assert (
        response.context["page"].paginator.count
        == Region.objects.filter(level=RegionLevel.COUNTY, valid_to__isnull=True).count()
    )


# Region search


def test_search_with_one_match_opens_its_dashboard(client, city_official):
    client.force_login(city_official)
    response = client.get("/search/?q=天玉")
    assert response.status_code == 302
    assert response["Location"] == f"/regions/{TIANYU}/"


def test_search_with_several_matches_lists_them(client, city_official):
    client.force_login(city_official)
    response = client.get("/search/?q=青原")
    codes = [region.code for region in response.context["regions"]]
    assert codes[0] == QINGYUAN and len(codes) > 1
    assert f'href="/regions/{QINGYUAN}/"' in response.content.decode()


def test_search_finds_nothing_outside_the_users_scope(client, county_staff):
    client.force_login(county_staff)
    response = client.get("/search/?q=吉州区")
    assert response.status_code == 200
    assert response.context["regions"] == []


def test_search_without_a_query_lists_nothing(client, county_staff):
    client.force_login(county_staff)
    assert client.get("/search/?q=").context["regions"] == []


# Branch pages


def test_branch_page_shows_leadership_teams_members_and_net_money(
    client, county_staff, tianyu_branch
):
    branch, gift = tianyu_branch
    client.force_login(county_staff)
    response = client.get(f"/branches/{branch.pk}/")
    html = response.content.decode()
    panels = response.context["panels"]
    assert "李明" in html and "天玉镇应急救护志愿服务队" in html and gift.receipt_no in html
    assert panels.members == {"active": 1, "total": 2}
    assert panels.donations["cash"] == Decimal("330000.00")  # the reversal cancels 1,000
    assert panels.donations["count"] == 1
    assert page_of(response).figures["members_active"][0] == 1
    assert (
        '<span class="figure__value" title="¥330,000.00"><span class="unbroken">¥33.00万</span>'
        in html
    )


def test_branch_page_lists_leadership_president_first(client, county_staff, tianyu_branch):
    branch, _gift = tianyu_branch
    PositionFactory(branch=branch, role=PositionRole.SUPERVISOR, holder_name="王芳")
    PositionFactory(branch=branch, role=PositionRole.SECRETARY_GENERAL, holder_name="张伟")
    PositionFactory(
        branch=branch, role=PositionRole.COUNCIL_MEMBER, ended_on=datetime.date(2021, 1, 1)
    )
    client.force_login(county_staff)
    positions = client.get(f"/branches/{branch.pk}/").context["panels"].positions
    assert [position.holder_name for position in positions] == ["李明", "张伟", "王芳"]


def test_branch_page_shows_the_latest_assessment(client, county_staff, tianyu_branch):
    branch, _gift = tianyu_branch
    standard = StandardFactory(items=6)
    items = list(standard.items.all())
    assessment_record(
        branch=branch, standard=standard, assessed_on=datetime.date(2020, 5, 1), items_met=items[:4]
    )
    assessment_record(
        branch=branch, standard=standard, assessed_on=datetime.date(2021, 5, 1), items_met=items
    )
    client.force_login(county_staff)
    response = client.get(f"/branches/{branch.pk}/")
    html = response.content.decode()
    assert "2021-05-01" in html and "2020-05-01" not in html
    assert '<span class="figure__value">6/6</span>' in html
    assert "badge--met" in html


def test_branch_page_links_staff_to_the_admin(client, county_staff, city_official, tianyu_branch):
    branch, _gift = tianyu_branch
    edit = reverse("admin:orgs_branch_change", args=[branch.pk])
    client.force_login(county_staff)
    assert edit in client.get(f"/branches/{branch.pk}/").content.decode()
    client.force_login(city_official)  # a viewer
    assert edit not in client.get(f"/branches/{branch.pk}/").content.decode()


def test_branch_pages_outside_the_users_scope_are_404(client, county_staff, jizhou_branch):
    client.force_login(county_staff)
    assert client.get(f"/branches/{jizhou_branch.pk}/").status_code == 404


def test_branch_page_queries_stay_fixed_when_its_records_double(
    client, county_staff, tianyu_branch, django_assert_num_queries
):
    branch, _gift = tianyu_branch
    client.force_login(county_staff)

    def render():
        # 1 session, 2 user, 3 the branch with its region, parent and latest assessment,
        # 4 current positions, 5 teams with their volunteer counts, 6 member counts,
        # 7 donation sums, 8 recent donations with donor and campaign, 9 the latest year of
        # its ledger, 10 the requirements that apply, 11 its activities per kind and month,
        # 12 its evaluations, 13 its rectification cases, 14 the user's region.
        with django_assert_num_queries(14):
            return client.get(f"/branches/{branch.pk}/")

    render()
    PositionFactory(branch=branch, role=PositionRole.SECRETARY_GENERAL)
    VolunteerTeamFactory(branch=branch)
    MemberFactory(branch=branch)
    DonationFactory(branch=branch, campaign=CampaignFactory())
    assert render().context["panels"].members["active"] == 2


def test_pages_carry_no_inline_code_or_styles(client, county_staff, tianyu_branch):
    """The strict CSP allows no inline scripts, event handlers or style attributes."""
    branch, _gift = tianyu_branch
    client.force_login(county_staff)
    for url in (dashboard(QINGYUAN), f"/regions/{QINGYUAN}/gaps/", f"/branches/{branch.pk}/"):
        response = client.get(url)
        html = response.content.decode()
        scripts = re.findall(r"<script[^>]*>", html)
        assert all("src=" in tag or 'type="application/json"' in tag for tag in scripts)
        assert not re.search(r"\sstyle=|\son[a-z]+=", html)
        assert "script-src 'self'" in response["Content-Security-Policy"]


def test_not_found_page_keeps_the_portals_layout(rf, county_staff):
    request = rf.get(f"/regions/{JIZHOU}/")
    request.user = county_staff
    html = render_to_string("portal/404.html", request=request)
    assert 'href="/"' in html and "portal.css" in html


def test_same_named_regions_are_told_apart_by_their_paths(client, city_official):
    client.force_login(city_official)
    response = client.get("/search/?q=新圩村委会")
    regions = response.context["regions"]
    assert [region.code for region in regions] == ["360803102200", "360826109204"]
    assert [" › ".join(region.path) for region in regions] == [
        "江西省 › 吉安市 › 青原区 › 新圩镇 › 新圩村委会",
        "江西省 › 吉安市 › 泰和县 › 沙村镇 › 新圩村委会",
    ]
    html = response.content.decode()
    assert "青原区 › 新圩镇 › " in html
    assert 'href="/regions/360803102200/"' in html


@pytest.mark.parametrize(
    ("query", "code"),
    [(QINGYUAN, QINGYUAN), ("青原区", QINGYUAN), ("3608", JIAN), (" 新圩镇 ", "360803102")],
)
def test_an_exact_code_or_name_opens_that_region(client, city_official, query, code):
    client.force_login(city_official)
    response = client.get("/search/", {"q": query})
    assert (response.status_code, response["Location"]) == (302, f"/regions/{code}/")
