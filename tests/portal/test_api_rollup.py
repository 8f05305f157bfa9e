"""Rollups over the API: a region's figures, the country's, coverage gaps, CSV and Excel."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation
from openpyxl import load_workbook

from orgs.models import Region
from reports.api.exports import header
from reports.rollups import coverage_gaps, region_rollup, rollup_rows
from tests.conftest import JIAN, JIZHOU, QINGYUAN, TIANYU
from tests.factories import BranchFactory, DonationFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def giving_day():
    """Tianyu town's branch, its 99 Giving Day 2019 money and a member."""
    branch = BranchFactory(name="天玉镇红十字会")
    DonationFactory(branch=branch, amount=Decimal("5169000.00"), channel="online")
    DonationFactory(branch=branch, amount=Decimal("330000.00"), received_on="2020-02-01")
    MemberFactory(branch=branch)
    return branch


def without_moments(data):
    """The rollup without ``as_of``: two reads of the same figures differ only there."""
    if isinstance(data, dict):
        return {key: without_moments(value) for key, value in data.items() if key != "as_of"}
    if isinstance(data, list):
        return [without_moments(item) for item in data]
    return data


def as_json(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def child(rollup: dict, code: str) -> dict:
    return next(row for row in rollup["children"] if row["code"] == code)


def test_rollup_answers_what_region_rollup_returns(api, city_official, giving_day):
    response = api(city_official).get(f"/api/v1/regions/{JIAN}/rollup/", {"year": 2019})
    assert response.status_code == 200
    expected = as_json(region_rollup(region=Region.objects.get(code=JIAN), year=2019).as_dict())
    assert without_moments(response.json()) == without_moments(expected)
    assert datetime.datetime.fromisoformat(response.json()["as_of"]).tzinfo is not None


def test_rollup_money_is_a_decimal_string_for_the_year(api, city_official, giving_day):
    data = api(city_official).get(f"/api/v1/regions/{JIAN}/rollup/", {"year": 2019}).json()
    qingyuan = child(data, QINGYUAN)
    assert qingyuan["donations"]["amount"] == "5169000.00"
    assert qingyuan["donations"]["by_channel"]["online"] == "5169000.00"
    assert child(data, JIZHOU)["donations"]["amount"] == "0.00"


def test_rollup_without_a_year_counts_every_year(api, city_official, giving_day):
    data = api(city_official).get(f"/api/v1/regions/{QINGYUAN}/rollup/").json()
    assert data["donations"]["amount"] == "5499000.00"
    assert data["members"]["active"] == 1


def test_a_reversal_nets_out_of_the_rollup(api, county_staff):
    client = api(county_staff)
    branch = BranchFactory()
    gift = {"branch": branch.pk, "amount": "1000.00", "channel": "bank"}
    donation = client.post("/api/v1/donations/", {**gift, "received_on": "2019-09-08"}).json()
    before = client.get(f"/api/v1/regions/{QINGYUAN}/rollup/", {"year": 2019}).json()
    assert (before["donations"]["amount"], before["donations"]["count"]) == ("1000.00", 1)
    reversal = client.post(f"/api/v1/donations/{donation['id']}/reverse/", {"reason": "重复录入"})
    assert reversal.status_code == 201
    # The reversal entry is dated the day it is recorded: all years together net to zero.
    after = client.get(f"/api/v1/regions/{QINGYUAN}/rollup/").json()["donations"]
    assert (after["amount"], after["count"]) == ("0.00", 0)


def test_rollup_counts_each_donor_once(api, city_official, giving_day):
    DonationFactory(branch=giving_day, donor=giving_day.donations.first().donor)
    data = api(city_official).get(f"/api/v1/regions/{JIAN}/rollup/").json()
    assert (data["donations"]["count"], data["donors"]) == (3, {"count": 2})
    assert child(data, QINGYUAN)["donors"] == {"count": 2}
    assert child(data, JIZHOU)["donors"] == {"count": 0}


def test_a_county_token_cannot_read_the_citys_or_a_siblings_rollup(api, county_staff):
    client = api(county_staff)
    assert client.get(f"/api/v1/regions/{QINGYUAN}/rollup/").status_code == 200
    assert client.get(f"/api/v1/regions/{TIANYU}/rollup/").status_code == 200
    assert client.get(f"/api/v1/regions/{JIAN}/rollup/").status_code == 404
    assert client.get(f"/api/v1/regions/{JIZHOU}/rollup/").status_code == 404


def test_an_unknown_region_rollup_is_404(api, superuser):
    assert api(superuser).get("/api/v1/regions/369999/rollup/").status_code == 404


@pytest.mark.parametrize(
    ("query", "field"), [({"year": "2019x"}, "year"), ({"year": 1800}, "year"), ({"y": 1}, "y")]
)
def test_rollup_query_errors_are_400(api, city_official, query, field):
    response = api(city_official).get(f"/api/v1/regions/{JIAN}/rollup/", query)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_rollup_reads_a_fixed_number_of_queries(
    api, city_official, giving_day, django_assert_num_queries
):
    client = api(city_official)
    # 1 region in scope, 1 write count (the ETag), 10 rollup queries (children, branches,
    # township coverage, unit coverage, members, hours, donations, spendings, activities,
    # campaigns): the test's transaction already holds the snapshot, so no SET TRANSACTION.
    with django_assert_num_queries(12):
        client.get(f"/api/v1/regions/{JIAN}/rollup/")
    BranchFactory(region_id="360802001", name="古南街道红十字会")
    with django_assert_num_queries(12):
        client.get(f"/api/v1/regions/{JIAN}/rollup/")


def test_a_superuser_reads_the_country_rollup(api, superuser, giving_day):
    data = api(superuser).get("/api/v1/rollup/", {"year": 2019}).json()
    assert (data["code"], data["level"], len(data["children"])) == (None, "country", 31)
    assert child(data, "36")["donations"]["amount"] == "5169000.00"


def test_only_superusers_read_the_country_rollup(api, city_official):
    assert api(city_official).get("/api/v1/rollup/").status_code == 404


# Coverage gaps --------------------------------------------------------------------------


def test_coverage_gaps_list_the_uncovered_townships(api, county_staff):
    BranchFactory(name="天玉镇红十字会")
    client = api(county_staff)
    data = client.get(
        f"/api/v1/regions/{QINGYUAN}/coverage-gaps/", {"level": "township", "page_size": 100}
    ).json()
    region = Region.objects.get(code=QINGYUAN)
    expected = list(coverage_gaps(region=region, level="township").values_list("code", flat=True))
    assert [row["code"] for row in data["results"]] == expected
    assert data["count"] == len(expected) > 0
    assert TIANYU not in expected
    assert data["results"][0]["parent"] == QINGYUAN
    assert set(data["results"][0]) == {"code", "name", "parent"}


@pytest.mark.parametrize("query", [{}, {"level": "town"}, {"level": "township", "kind": "x"}])
def test_coverage_gaps_need_a_known_level_and_nothing_else(api, county_staff, query):
    response = api(county_staff).get(f"/api/v1/regions/{QINGYUAN}/coverage-gaps/", query)
    assert response.status_code == 400


def test_coverage_gaps_outside_the_scope_are_404(api, county_staff):
    response = api(county_staff).get(
        f"/api/v1/regions/{JIZHOU}/coverage-gaps/", {"level": "township"}
    )
    assert response.status_code == 404


# Exports --------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_has_a_header_and_a_row_per_child(api, city_official, giving_day):
    client = api(city_official, HTTP_ACCEPT_LANGUAGE="en")
    response = client.get(f"/api/v1/regions/{JIAN}/rollup.csv", {"year": 2019})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="rollup-3608-2019.csv"'
    assert response.content.startswith("\ufeff".encode())
    rows = read_csv(response)
    assert rows[0][:3] == ["Region code", "Name", "Level"]
    assert "Township level: coverage ratio" in rows[0]
    assert len(rows) == 1 + 13
    qingyuan = next(row for row in rows if row[0] == QINGYUAN)
    assert qingyuan[rows[0].index("Money raised (yuan)")] == "5169000.00"
    assert qingyuan[rows[0].index("Donors")] == "1"
    assert qingyuan[2] == "County level"


def test_csv_headers_are_in_the_requests_language(api, city_official):
    url = f"/api/v1/regions/{JIAN}/rollup.csv"
    english = read_csv(api(city_official, HTTP_ACCEPT_LANGUAGE="en").get(url))
    chinese = read_csv(api(city_official).get(url))
    with translation.override("zh-hans"):
        expected = header(list(rollup_rows(region=Region.objects.get(code=JIAN))[0]))
    assert english[0][0] == "Region code"
    assert chinese[0] == expected
    assert chinese[1][0] == english[1][0]


def test_exports_escape_text_a_spreadsheet_would_run(api, city_official):
    Region.objects.filter(code=QINGYUAN).update(name='=HYPERLINK("http://x","青原区")')
    client = api(city_official)
    rows = read_csv(client.get(f"/api/v1/regions/{JIAN}/rollup.csv"))
    assert next(row for row in rows if row[0] == QINGYUAN)[1] == '\'=HYPERLINK("http://x","青原区")'
    response = client.get(f"/api/v1/regions/{JIAN}/rollup.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert cells[QINGYUAN].value == '\'=HYPERLINK("http://x","青原区")'
    assert cells[QINGYUAN].data_type == "s"


def test_xlsx_has_the_same_table_with_numbers(api, city_official, giving_day):
    client = api(city_official, HTTP_ACCEPT_LANGUAGE="en")
    response = client.get(f"/api/v1/regions/{JIAN}/rollup.xlsx", {"year": 2019})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="rollup-3608-2019.xlsx"'
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    header = list(rows[0])
    qingyuan = next(row for row in rows if row[0] == QINGYUAN)
    assert qingyuan[header.index("Money raised (yuan)")] == 5169000
    assert len(rows) == 1 + 13


@pytest.mark.parametrize("suffix", ["rollup.csv", "rollup.xlsx"])
def test_exports_outside_the_scope_are_404_in_json(api, county_staff, suffix):
    response = api(county_staff).get(f"/api/v1/regions/{JIAN}/{suffix}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
