"""The dashboards' five-year trend of members and township coverage at the end of each year,
read from the yearly summaries (checked here against the records), and the summaries kept
right by their triggers and checked by verify_rollups."""

import datetime
import io
import threading
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from members.models import Member
from members.summaries import CountyMemberYearSummary, MemberYearSummary
from orgs.choices import BranchKind, BranchStatus
from orgs.models import Branch, Region
from orgs.summaries import CountyCoverageYearSummary, CoverageYearSummary
from reports.rollups import Coverage
from tests.conftest import JIAN, JIANGXI, JIZHOU, QINGYUAN, TIANYU
from tests.factories import BranchFactory, MemberFactory

pytestmark = pytest.mark.django_db

YEAR = 2019
YEARS = range(YEAR - 4, YEAR + 1)
ZHIXIA = "360803101"  # 值夏镇, a town of 青原区
DONGGU = "360803201"  # 东固畲族少数民族乡, a township of 青原区
HEDONG_ZONE = "360803400"  # 青原区河东经济开发区: kind special, not counted
GUNAN = "360802001"  # 古南街道, a street of 吉州区
MEMBERS = "members.year_end"
COVERAGE = "coverage.township_year_end"


def day(year: int, month: int = 6, day_of_month: int = 1) -> datetime.date:
    return datetime.date(year, month, day_of_month)


def dissolved(**fields) -> Branch:
    return BranchFactory(status=BranchStatus.DISSOLVED, **fields)


def recorded_in(branch: Branch, year: int) -> None:
    """The branch as if it had been recorded here in ``year`` (its creation time)."""
    created = datetime.datetime(year, 5, 1, tzinfo=datetime.UTC)
    Branch.objects.filter(pk=branch.pk).update(created_at=created)


@pytest.fixture
def careers():
    """Branches founded and dissolved, members joining and leaving, over nine years in two
    counties; the 青原区 story is spelled out in ``test_joins_leaves_and_dissolutions``."""
    tianyu = BranchFactory(region_id=TIANYU, founded_on=day(2016, 3, 1))
    BranchFactory(region_id=TIANYU, status=BranchStatus.PREPARING, founded_on=day(2015))
    dissolved(region_id=ZHIXIA, founded_on=day(2014), dissolved_on=day(2018, 6, 30))
    recorded_in(BranchFactory(region_id=DONGGU, founded_on=None), 2017)
    BranchFactory(region_id=HEDONG_ZONE, founded_on=day(2015))
    county = BranchFactory(region_id=QINGYUAN, kind=BranchKind.COUNTY, founded_on=day(2010))
    gunan = BranchFactory(region_id=GUNAN, founded_on=day(2012))
    # A dissolution without a date: counted in no year.
    dissolved(region_id="360802100", founded_on=day(2013), dissolved_on=None)
    for joined, left, branch in [
        (2014, 2017, tianyu),
        (2016, None, tianyu),
        (2018, 2019, county),
        (2019, None, county),
        (2011, None, gunan),
        (2013, 2016, gunan),
        (2017, None, gunan),
    ]:
        MemberFactory(
            branch=branch,
            joined_on=day(joined, 2, 1),
            left_on=day(left, 9, 1) if left else None,
            leave_reason="退会" if left else "",
        )


def dashboard(client, code: str | None, year: int = YEAR):
    url = reverse("portal:region_dashboard", args=[code]) if code else reverse("portal:home")
    return client.get(url, {"year": year})


def trend_of(response) -> dict[int, dict]:
    """``{year: {figure name: cell}}`` of the year-on-year table."""
    names = [header["name"] for header in response.context["trend_headers"]]
    return {
        row["year"]: dict(zip(names, row["cells"], strict=True))
        for row in response.context["trend"]
    }


def members_at_year_end(code: str, year: int) -> int:
    """Members of the subtree who had joined by the end of ``year`` and not left by then."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM members_member WHERE region_code LIKE %s"
            " AND joined_on <= make_date(%s, 12, 31)"
            " AND (left_on IS NULL OR left_on > make_date(%s, 12, 31))",
            [f"{code}%", year, year],
        )
        return cursor.fetchone()[0]


def township_coverage_at_year_end(code: str, year: int) -> Coverage:
    """Today's streets, towns and townships in force in the subtree, and those of them with a
    township branch there at the end of ``year``: founded by then (or, undated, recorded
    or dissolved by then), active today or dissolved after that year."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*),
                   count(*) FILTER (WHERE EXISTS (
                       SELECT 1 FROM orgs_branch b
                        WHERE b.region_id = r.code AND b.kind = 'township'
                          AND coalesce(b.founded_on, least(
                                  (b.created_at AT TIME ZONE 'Asia/Shanghai')::date,
                                  b.dissolved_on)) <= make_date(%(year)s, 12, 31)
                          AND (b.status = 'active'
                               OR b.status = 'dissolved'
                                  AND b.dissolved_on > make_date(%(year)s, 12, 31))))
              FROM orgs_region r
             WHERE r.code LIKE %(prefix)s AND r.level = 'township'
               AND r.kind IN ('street', 'town', 'township') AND r.valid_to IS NULL
            """,
            {"prefix": f"{code}%", "year": year},
        )
        total, covered = cursor.fetchone()
        return Coverage.of(covered, total)


def verify(*args: str) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("verify_rollups", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("code", [None, JIANGXI, JIAN, QINGYUAN, TIANYU])
def test_trend_matches_the_records_at_every_level(client, superuser, careers, code):
    client.force_login(superuser)
    trend = trend_of(dashboard(client, code))
    assert list(trend) == list(YEARS)
    members = {year: members_at_year_end(code or "", year) for year in YEARS}
    coverage = {year: township_coverage_at_year_end(code or "", year) for year in YEARS}
    assert {year: cells[MEMBERS].value for year, cells in trend.items()} == members
    assert {
        year: Coverage.of(cells[COVERAGE].value, cells[COVERAGE].total)
        for year, cells in trend.items()
    } == coverage
    assert any(members.values()) and coverage[YEAR].total > 0


def test_a_village_reads_its_trend_from_its_records(client, superuser, careers):
    """Finer than the yearly summaries: a village's members come from its own records, and
    it has no township-level unit to cover."""
    village = Region.objects.filter(parent_id=TIANYU).order_by("code").first().code
    branch = BranchFactory(region_id=village, kind=BranchKind.COMMUNITY)
    MemberFactory(branch=branch, joined_on=day(2016), left_on=day(2018), leave_reason="退会")
    MemberFactory(branch=branch, joined_on=day(2017))
    client.force_login(superuser)
    trend = trend_of(dashboard(client, village))
    assert [cells[MEMBERS].value for cells in trend.values()] == [0, 1, 2, 1, 1]
    assert {(cells[COVERAGE].value, cells[COVERAGE].total) for cells in trend.values()} == {(0, 0)}


def test_joins_leaves_and_dissolutions(client, county_staff, careers):
    """青原区, end of 2015 to 2019. Members: the 2014 member (1); the 2016 member joins (2);
    the 2014 member leaves (1); a county member joins (2); it leaves and another joins (2).
    Townships: 值夏镇 founded 2014 (1); 天玉镇 2016 (2); 东固 recorded 2017 without a
    founding date (3); 值夏镇 dissolved 2018 (2). The preparing branch and the special zone
    never count; the county counts 9 streets, towns and townships."""
    client.force_login(county_staff)
    trend = trend_of(dashboard(client, QINGYUAN))
    assert [cells[MEMBERS].value for cells in trend.values()] == [1, 2, 1, 2, 2]
    assert [cells[MEMBERS].change for cells in trend.values()] == [None, 1, -1, 1, 0]
    coverage = [cells[COVERAGE] for cells in trend.values()]
    assert [cell.value for cell in coverage] == [1, 2, 3, 2, 2]
    assert {cell.total for cell in coverage} == {9}
    assert coverage[3].change == -1 and coverage[3].share == round(2 / 9, 4)

    # A later dissolution date: 值夏镇 still covered at the end of 2018; then founded again.
    zhixia = Branch.objects.get(region_id=ZHIXIA)
    Branch.objects.filter(pk=zhixia.pk).update(dissolved_on=day(2019, 1, 5))
    BranchFactory(region_id=ZHIXIA, founded_on=day(2019, 3, 1))
    # The 2014 member left in 2016, not in 2017.
    Member.objects.filter(joined_on=day(2014, 2, 1)).update(left_on=day(2016, 1, 1))
    trend = trend_of(dashboard(client, QINGYUAN))
    assert [cells[COVERAGE].value for cells in trend.values()] == [1, 2, 3, 3, 3]
    assert [cells[MEMBERS].value for cells in trend.values()] == [1, 1, 1, 2, 2]
    assert CLEAN in verify()


def test_trend_of_this_year_equals_the_dashboards_current_figures(client, superuser, careers):
    """At the current year the end-of-year figures are today's: the members card and the
    township coverage card."""
    client.force_login(superuser)
    this_year = timezone.localdate().year
    MemberFactory(branch=Branch.objects.get(region_id=GUNAN), joined_on=timezone.localdate())
    for code in (None, JIANGXI, JIAN, QINGYUAN):
        response = dashboard(client, code, this_year)
        last = trend_of(response)[this_year]
        cards = {figure.key: figure for figure in response.context["figures"]}
        assert last[MEMBERS].value == cards["members_active"].value
        assert last[MEMBERS].value == response.context["rollup"].figures["members.active"]
        township = cards["coverage_township"]
        assert (last[COVERAGE].value, last[COVERAGE].total) == (township.value, township.total)
    assert last[COVERAGE].value == 2


def test_a_user_of_another_county_sees_only_their_own_trend(client, outsider, careers):
    client.force_login(outsider)
    trend = trend_of(dashboard(client, None))
    assert [cells[MEMBERS].value for cells in trend.values()] == [
        members_at_year_end(JIZHOU, year) for year in YEARS
    ]
    assert [cells[MEMBERS].value for cells in trend.values()] == [2, 1, 2, 2, 2]
    assert {cells[COVERAGE].value for cells in trend.values()} == {1}
    assert dashboard(client, QINGYUAN).status_code == 404


def test_trend_table_and_chart_show_members_and_coverage(client, county_staff, careers):
    client.force_login(county_staff)
    response = dashboard(client, QINGYUAN)
    html = response.content.decode()
    assert 'data-chart="reach"' in html
    assert 'data-trend-value="3" data-trend-total="9" data-trend-share="0.3333"' in html
    assert "3/9" in html
    chart = response.context["charts"]["reach"]
    # The names of docs/METRICS.md, in the default language.
    assert chart["series"] == ["年末会员数", "年末乡镇覆盖"]
    assert chart["kinds"] == ["count", "percent"]
    assert chart["values"] == [[1, 2, 1, 2, 2], [11.11, 22.22, 33.33, 22.22, 22.22]]
    assert chart["units"][1] == [[1, 9], [2, 9], [3, 9], [2, 9], [2, 9]]
    assert "reach" in response.context["charts_shown"]


CLEAN = "No differences: the summaries match the records."


def test_verify_rollups_finds_the_yearly_summaries_clean(careers):
    assert MemberYearSummary.objects.exists() and CoverageYearSummary.objects.exists()
    assert CountyMemberYearSummary.objects.exists()
    assert CountyCoverageYearSummary.objects.exists()
    assert CLEAN in verify()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda: MemberYearSummary.objects.filter(year=2016).update(joined=F("joined") + 1),
        lambda: CountyMemberYearSummary.objects.filter(year=2017).delete(),
        lambda: CoverageYearSummary.objects.filter(region_code=ZHIXIA, year=2018).delete(),
        lambda: CountyCoverageYearSummary.objects.filter(year=2016).update(covered_change=5),
        lambda: CoverageYearSummary.objects.create(region_code=GUNAN, year=2020, covered_change=-1),
    ],
    ids=["joined", "county-members", "left-uncovered", "county-coverage", "stray"],
)
def test_verify_rollups_catches_a_tampered_yearly_row(careers, tamper):
    tamper()
    with pytest.raises(CommandError):
        verify()
    assert "Differences repaired: " in verify("--repair")
    assert CLEAN in verify()


@pytest.mark.django_db(transaction=True)
def test_a_township_branch_founded_meanwhile_is_counted_after_the_lock():
    """Two writers found township branches at one town at once: the second one's count waits
    for the first to commit and sees its branch (2016), so the town is covered from 2016,
    not from the second branch's 2018."""
    first_written = threading.Event()
    errors = []

    def found(year: int, wait: threading.Event | None, then: threading.Event | None):
        try:
            if wait:
                wait.wait(timeout=10)
            with transaction.atomic():
                BranchFactory(region_id=TIANYU, founded_on=day(year))
                if then:
                    then.set()
                    time.sleep(0.5)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    writers = [
        threading.Thread(target=found, args=(2016, None, first_written)),
        threading.Thread(target=found, args=(2018, first_written, None)),
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=30)
    assert errors == []
    rows = CoverageYearSummary.objects.filter(region_code=TIANYU)
    assert list(rows.values_list("year", "covered_change")) == [(2016, 1)]
    assert CLEAN in verify()
