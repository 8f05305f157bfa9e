"""The coverage-gap list: its child-region filter and column, its files, its scope; and the
country dashboard's exports and breadcrumbs."""

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from orgs.choices import BranchKind, RegionLevel
from orgs.models import Branch, Region
from reports.rollups import coverage_gaps
from tests.conftest import JIAN, JIZHOU, QINGYUAN, TIANYU

pytestmark = pytest.mark.django_db

JIZHOU_TOWN = "360802100"  # 兴桥镇, a town of 吉州区


class _GapPage(HTMLParser):
    """The gap list's rows (code → the child-region cell) and the child select's options."""

    def __init__(self, html: str):
        super().__init__()
        self.rows, self.options, self._cell, self._option = {}, {}, None, None
        self._row = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-gap" in attrs:
            self._row = attrs["data-gap"]
            self.rows[self._row] = None
        if attrs.get("data-cell") == "child":
            self._cell = ""
        if tag == "option" and self._in_child_select:
            self._option = attrs["value"]
            self.options[self._option] = ""
        if tag == "select":
            self._in_child_select = attrs.get("name") == "child"

    _in_child_select = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        if self._option is not None:
            self.options[self._option] += data

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[self._row] = self._cell.strip()
            self._cell = None
        if tag == "option":
            self._option = None


def gaps_url(code: str | None = None, **query) -> str:
    url = reverse("portal:region_gaps", args=[code]) if code else reverse("portal:country_gaps")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def export_url(code: str | None = None, **query) -> str:
    url = (
        reverse("portal:region_gaps_export", args=[code])
        if code
        else reverse("portal:country_gaps_export")
    )
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def gap_page(response) -> _GapPage:
    assert response.status_code == 200
    return _GapPage(response.content.decode())


def expected_codes(code: str, level: str, under: str = "") -> list[str]:
    units = coverage_gaps(region=Region.objects.get(code=code), level=level)
    return [unit for unit in units.values_list("code", flat=True) if unit.startswith(under)]


@pytest.fixture
def tianyu_covered():
    """天玉镇 gets a township branch: it drops out of the township gaps."""
    return Branch.objects.create(region_id=TIANYU, kind=BranchKind.TOWNSHIP, name="天玉镇红十字会")


def test_child_filter_lists_only_the_units_under_that_child(client, city_official):
    client.force_login(city_official)
    page = gap_page(client.get(gaps_url(JIAN, level="township", child=QINGYUAN)))
    assert list(page.rows) == expected_codes(JIAN, RegionLevel.TOWNSHIP, under=QINGYUAN)
    assert page.rows and all(code.startswith(QINGYUAN) for code in page.rows)


def test_child_select_offers_the_regions_children_with_their_gap_counts(
    client, city_official, tianyu_covered
):
    client.force_login(city_official)
    page = gap_page(client.get(gaps_url(JIAN, level="township")))
    counties = dict(Region.objects.filter(parent_id=JIAN).current().values_list("code", "name"))
    assert set(page.options) == {"", *counties}
    count = len(expected_codes(JIAN, RegionLevel.TOWNSHIP, under=QINGYUAN))
    assert page.options[QINGYUAN] == f"{counties[QINGYUAN]}（{count:,}）"
    assert TIANYU not in expected_codes(JIAN, RegionLevel.TOWNSHIP, under=QINGYUAN)


def test_child_column_names_the_child_each_unit_lies_in(client, city_official):
    client.force_login(city_official)
    page = gap_page(client.get(gaps_url(JIAN, level="community")))
    names = dict(Region.objects.filter(parent_id=JIAN).values_list("code", "name"))
    assert page.rows
    assert all(child == names[code[:6]] for code, child in page.rows.items())


def test_units_directly_below_have_no_child_column_or_select(client, county_staff):
    client.force_login(county_staff)
    page = gap_page(client.get(gaps_url(QINGYUAN, level="township")))
    assert page.rows and set(page.rows.values()) == {None}
    assert page.options == {}


def test_counts_carry_thousands_separators(client, city_official):
    client.force_login(city_official)
    response = client.get(gaps_url(JIAN, level="community"))
    count = response.context["page"].paginator.count
    assert count >= 1000  # Ji'an city's villages
    heading = re.search(r'<h2 id="gap-count"[^>]*>(.*?)</h2>', response.content.decode()).group(1)
    assert f"{count:,}" in heading


def test_pages_keep_the_child_filter(client, city_official):
    client.force_login(city_official)
    html = client.get(gaps_url(JIAN, level="community", child=QINGYUAN)).content.decode()
    assert f"?level=community&amp;child={QINGYUAN}&amp;page=2" in html


@pytest.mark.parametrize(
    "child",
    [
        JIZHOU,  # a sibling county of the user's
        JIZHOU_TOWN,  # a town of the sibling county
        "360803100200",  # a village below the user's county, not one of its children
        JIAN,  # above the user's county
        "nonsense",
    ],
)
def test_a_child_that_is_not_the_regions_child_in_scope_is_404(client, county_staff, child):
    client.force_login(county_staff)
    assert client.get(gaps_url(QINGYUAN, level="community", child=child)).status_code == 404
    assert client.get(export_url(QINGYUAN, level="community", child=child)).status_code == 404


def test_another_countys_list_and_files_are_404(client, county_staff):
    client.force_login(county_staff)
    assert client.get(gaps_url(JIZHOU, level="township")).status_code == 404
    assert client.get(export_url(JIZHOU, level="township", format="csv")).status_code == 404
    assert client.get(export_url(level="county", format="csv")).status_code == 404


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def listed_rows(client, url: str) -> list[list[str]]:
    """Every row of the list on its pages: code, name, child region, parent."""
    response = client.get(url)
    rows = []
    for number in response.context["page"].paginator.page_range:
        for unit in client.get(f"{url}&page={number}").context["page"].object_list:
            rows.append([unit.code, unit.name, unit.child_name, unit.parent.name])
    return rows


def test_csv_export_holds_the_filtered_list(client, city_official):
    client.force_login(city_official)
    query = {"level": "community", "child": QINGYUAN}
    response = client.get(export_url(JIAN, format="csv", **query))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = read_csv(response)
    assert header == ["区划代码", "单位", "下级区划", "上级区划"]
    assert rows == listed_rows(client, gaps_url(JIAN, **query))
    assert len(rows) == len(expected_codes(JIAN, RegionLevel.COMMUNITY, under=QINGYUAN)) > 100


def test_xlsx_export_opens_with_the_list_and_codes_as_text(client, city_official):
    client.force_login(city_official)
    query = {"level": "township", "child": QINGYUAN}
    response = client.get(export_url(JIAN, format="xlsx", **query))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    header, *rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert header == ["区划代码", "单位", "下级区划", "上级区划"]
    assert rows == listed_rows(client, gaps_url(JIAN, **query))


def test_export_answers_400_for_an_unknown_format(client, city_official):
    client.force_login(city_official)
    assert client.get(export_url(JIAN, level="township", format="pdf")).status_code == 400


def test_the_list_offers_its_files_with_its_filters(client, city_official):
    client.force_login(city_official)
    html = client.get(gaps_url(JIAN, level="community", child=QINGYUAN, page=2)).content.decode()
    for format_ in ("csv", "xlsx"):
        link = f"/regions/{JIAN}/gaps/export/?level=community&amp;child={QINGYUAN}&amp;format={format_}"
        assert f'href="{link}"' in html


def test_country_files_are_the_superusers(client, superuser):
    client.force_login(superuser)
    _header, *rows = read_csv(client.get(export_url(level="county", format="csv")))
    assert len(rows) == Region.objects.filter(level=RegionLevel.COUNTY).current().count()
    jiangxi = dict(Region.objects.filter(parent=None).values_list("code", "name"))
    assert all(row[2] == jiangxi[row[0][:2]] for row in rows)


@pytest.mark.parametrize(("level", "child"), [("township", ""), ("community", QINGYUAN)])
def test_list_queries_stay_fixed_whatever_the_rows(
    client, city_official, django_assert_num_queries, level, child
):
    client.force_login(city_official)
    # 1 session, 2 user, 3 the region in scope, 4 the region's children, 5 their gap
    # counts, 6 the list's count, 7 its page (with each unit's child and parent), 8 the
    # ancestors for the breadcrumbs, 9 the user's region in the header.
    with django_assert_num_queries(9):
        response = client.get(gaps_url(JIAN, level=level, child=child))
    assert response.context["page"].paginator.count > 50


# The country dashboard


def test_country_dashboard_names_the_country_once_in_its_breadcrumbs(client, superuser):
    client.force_login(superuser)
    html = client.get(reverse("portal:home")).content.decode()
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group()
    assert re.findall(r"<li[^>]*>(.*?)</li>", crumbs) == ["全国"]


def test_country_gaps_breadcrumbs_link_the_country(client, superuser):
    client.force_login(superuser)
    html = client.get(gaps_url(level="county")).content.decode()
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group()
    assert 'href="/">全国</a>' in crumbs and "未覆盖单位" in crumbs


def test_country_dashboard_offers_the_provinces_as_files(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("portal:home"))
    year = response.context["year"]
    html = response.content.decode()
    assert f'href="/api/v1/rollup.csv?year={year}"' in html
    assert f'href="/api/v1/rollup.xlsx?year={year}"' in html
    answer = client.get(f"/api/v1/rollup.csv?year={year}")
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    provinces = list(Region.objects.filter(parent=None).order_by("code").values_list("code"))
    assert [row[:1] for row in rows[1:]] == [list(code) for code in provinces]
    workbook = load_workbook(io.BytesIO(client.get("/api/v1/rollup.xlsx").content))
    assert workbook.active.max_row == len(provinces) + 1


def test_country_files_are_404_below_the_superuser(client, city_official):
    client.force_login(city_official)
    assert client.get("/api/v1/rollup.csv").status_code == 404
    assert client.get("/api/v1/rollup.xlsx").status_code == 404
