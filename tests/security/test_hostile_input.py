"""Hostile values in filters and in stored text: never a server error, never a live script.

Hypothesis draws values for every filter parameter of every list endpoint (ids, codes,
dates, text with SQL and markup) and for the rollup's ``?year=``; each answer is 200 or a
400 in the API's error shape, and a list filtered by region holds only that region's rows.
Text fields filled with SQL and script come back escaped on the dashboard and branch pages
and in the admin, and unchanged (as data) in the API's JSON.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection, models
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funds.models import Campaign, Donation, Donor
from members.models import Member, Position, ServiceRecord, Volunteer, VolunteerTeam
from orgs.models import Branch
from orgs.services import assessment_record
from tests.conftest import QINGYUAN, TIANYU
from tests.factories import (
    BranchFactory,
    CampaignFactory,
    DonationFactory,
    DonorFactory,
    MemberFactory,
    PositionFactory,
    ServiceRecordFactory,
    StandardFactory,
    VolunteerFactory,
    VolunteerTeamFactory,
)
from tests.security.test_authorization import api_viewsets

pytestmark = pytest.mark.django_db

HOSTILE_TEXT = [
    "' OR 1=1 --",
    "'; DROP TABLE funds_donation; --",
    "1) UNION SELECT password FROM portal_user --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7|add:7 }}{% debug %}",
    "\x00",
    "%",
    "_",
    "\\",
    "360803%",
    "../../etc/passwd",
    "💥" * 3,
]
VALUES = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.from_regex(r"\A\d{0,14}\Z"),
    st.dates().map(str),
    st.sampled_from(["true", "false", "1e309", "NaN", "-0", "", " "]),
)
STATUS_OK = {200, 400, 404}
CASES = {"filters": 0, "rollup": 0, "pages": 0}


@pytest.fixture(scope="module", autouse=True)
def _report(request):
    yield
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(
            f"\nhostile input: {CASES['filters']} filter requests, {CASES['rollup']} rollup "
            f"requests, {CASES['pages']} pages and answers checked for escaping; no 5xx"
        )


def list_endpoints():
    return [
        (reverse(name), viewset, sorted(viewset.filterset_class.base_filters))
        for name, viewset, _actions, _pattern in api_viewsets()
        if name.endswith("-list") and viewset.filterset_class
    ]


@pytest.fixture
def staff_api(api, county_staff):
    DonationFactory(branch=BranchFactory(region_id=TIANYU))
    return api(county_staff, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(
    "url,viewset,names", list_endpoints(), ids=lambda v: v if isinstance(v, str) else ""
)
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_filter_value_is_answered_without_a_server_error(staff_api, url, viewset, names, data):
    query = data.draw(
        st.dictionaries(st.sampled_from([*names, "page", "page_size"]), VALUES, max_size=3)
    )
    response = staff_api.get(url, query)
    CASES["filters"] += 1
    assert response.status_code in STATUS_OK, (url, query, response.status_code)
    body = response.json()
    if response.status_code != 200:
        assert body.keys() >= {"detail", "code"}, body
    elif "region" in query:
        model = viewset.queryset.model
        region_path = (
            getattr(model.objects, "region_path", None)
            if hasattr(model.objects, "within")
            else None
        )
        codes = (
            set(
                model.objects.filter(pk__in=[row["id"] for row in body["results"]]).values_list(
                    region_path, flat=True
                )
            )
            if region_path
            else set()
        )
        assert all(
            code.startswith(query["region"]) and code.startswith(QINGYUAN) for code in codes
        ), (url, query, codes)


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(year=st.one_of(VALUES, st.integers(min_value=1890, max_value=2110).map(str)))
def test_any_rollup_year_is_answered_and_money_matches_the_rows(staff_api, year):
    response = staff_api.get(f"/api/v1/regions/{QINGYUAN}/rollup/", {"year": year})
    CASES["rollup"] += 1
    assert response.status_code in {200, 400}, (year, response.status_code)
    if response.status_code == 200:
        figures = response.json()
        chosen = int(year) if year.strip() else None
        if chosen is not None:
            assert Decimal(figures["donations"]["amount"]) == sql_money(QINGYUAN, chosen)


def sql_money(code: str, year: int) -> Decimal:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(amount), 0) FROM funds_donation WHERE region_code LIKE %s "
            "AND kind = 'cash' AND extract(year FROM received_on) = %s",
            [code + "%", year],
        )
        return cursor.fetchone()[0]


# Stored text rendered back ----------------------------------------------------------------

SCRIPT = "<script>alert('x')</script>"
MARKUP = '"><img src=x onerror=alert(2)>'
PAYLOAD = f"{SCRIPT}{MARKUP}';DROP TABLE funds_donation;--"
RAW = ["<script>alert('x')", "<img src=x onerror"]


def hostile(model, **fields):
    """Every free-text field of ``model`` set to the payload (cut to the field's length)."""
    for field in model._meta.concrete_fields:
        free = isinstance(field, models.CharField | models.TextField) and not field.choices
        if (
            free
            and not field.primary_key
            and field.name
            not in {
                "phone",
                "id_number",
                "identifier",
                "receipt_no",
                "region_code",
                "idempotency_key",
                "code",
                "password",
                "username",
                "email",
            }
            and not field.name.endswith("_code")
        ):
            fields.setdefault(
                field.name, PAYLOAD[: field.max_length] if field.max_length else PAYLOAD
            )
    return fields


@pytest.fixture
def hostile_records():
    branch = BranchFactory(**hostile(Branch, region_id=TIANYU))
    member = MemberFactory(**hostile(Member, branch=branch))
    PositionFactory(**hostile(Position, branch=branch, member=member))
    team = VolunteerTeamFactory(**hostile(VolunteerTeam, branch=branch))
    volunteer = VolunteerFactory(**hostile(Volunteer, team=team, branch=branch))
    ServiceRecordFactory(**hostile(ServiceRecord, volunteer=volunteer, team=team))
    donor = DonorFactory(**hostile(Donor, region_id=QINGYUAN))
    campaign = CampaignFactory(**hostile(Campaign, region_id=QINGYUAN))
    DonationFactory(
        **hostile(
            Donation,
            branch=branch,
            donor=donor,
            campaign=campaign,
            kind="in_kind",
            in_kind_description=PAYLOAD[:200],
        )
    )
    return branch


def assert_escaped(response, url):
    CASES["pages"] += 1
    assert response.status_code == 200, (url, response.status_code)
    page = response.content.decode()
    for raw in RAW:
        assert raw not in page, (url, raw)


def test_text_with_script_is_escaped_on_pages_and_in_the_admin(
    client, county_staff, hostile_records
):
    client.force_login(county_staff)
    urls = [
        "/",
        f"/regions/{QINGYUAN}/",
        f"/regions/{TIANYU}/",
        f"/branches/{hostile_records.pk}/",
        f"/search/?q={PAYLOAD[:50]}",
        f"/regions/{QINGYUAN}/gaps/",
    ]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        if model_admin.has_view_permission(_request(county_staff)):
            urls.append(reverse("admin:{}_{}_changelist".format(*info)))
            record = model_admin.get_queryset(_request(county_staff)).first()
            if record is not None:
                urls.append(reverse("admin:{}_{}_change".format(*info), args=[record.pk]))
    for url in urls:
        assert_escaped(client.get(url), url)
    assert escape(PAYLOAD[:20]) in client.get(f"/branches/{hostile_records.pk}/").content.decode()


def test_text_with_script_is_data_in_the_api(api, county_staff, hostile_records):
    client = api(county_staff)
    for url in [
        "/api/v1/branches/",
        "/api/v1/members/",
        "/api/v1/donors/",
        "/api/v1/campaigns/",
        "/api/v1/donations/",
        "/api/v1/volunteers/",
        "/api/v1/volunteer-teams/",
        "/api/v1/positions/",
        "/api/v1/service-records/",
    ]:
        response = client.get(url)
        CASES["pages"] += 1
        assert response["Content-Type"] == "application/json"
        assert response["X-Content-Type-Options"] == "nosniff"
        texts = [
            value
            for row in response.json()["results"]
            for value in row.values()
            if isinstance(value, str)
        ]
        assert any(text.startswith(SCRIPT[:20]) for text in texts), url  # stored and answered as is
    branch = client.get(f"/api/v1/branches/{hostile_records.pk}/").json()
    assert branch["name"] == PAYLOAD[: Branch._meta.get_field("name").max_length]


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


# Malformed query strings and addresses in the admin and the pages -------------------------

#: Admin lists with a year filter, and the lists with the region drill-down.
YEAR_LISTS = [
    "admin:orgs_assessment_changelist",
    "admin:members_serviceRecord_changelist".lower(),
    "admin:funds_campaign_changelist",
]
REGION_LISTS = ["admin:orgs_branch_changelist", "admin:members_member_changelist"]
BAD_YEARS = ["x", "99999999999", "-1", "0", "1899", "2101", "2019\x00"]
BAD_CODES = ["36\x00", "3608%00", "abc", "3608031001011", "36 08"]


def admin_answers(client, user, name: str, **query) -> tuple[int, int]:
    """The status codes of the admin list and of its CSV export with ``query``."""
    client.force_login(user)
    url = reverse(name)
    listing = client.get(url, query)
    export = client.get(url.replace("/?", "?") + "export/", {"format": "csv", **query})
    return listing.status_code, export.status_code


@pytest.fixture
def dated_rows(db):
    """A row of each list with a year filter: the filter shows only when there are years."""
    branch = BranchFactory()
    standard = StandardFactory()
    assessment_record(
        branch=branch, standard=standard, assessed_on=datetime.date(2024, 5, 1), items_met=[]
    )
    ServiceRecordFactory(volunteer__team__branch=branch)
    CampaignFactory(region_id=branch.region_id)


@pytest.mark.parametrize("name", YEAR_LISTS)
@pytest.mark.parametrize("year", BAD_YEARS, ids=repr)
def test_a_malformed_year_in_an_admin_list_is_refused(client, county_staff, dated_rows, name, year):
    listing, export = admin_answers(client, county_staff, name, year=year)
    # The admin's own answer to an invalid lookup: back to the list with "?e=1".
    assert listing == 302
    assert export == 400


@pytest.mark.parametrize("name", REGION_LISTS)
@pytest.mark.parametrize("code", BAD_CODES, ids=repr)
def test_a_malformed_region_in_an_admin_list_is_refused(client, county_staff, name, code):
    listing, export = admin_answers(client, county_staff, name, region=code)
    assert listing == 302
    assert export == 400


@pytest.mark.parametrize(
    "path",
    [
        "/regions/36%00/",
        "/regions/3608%00/gaps/",
        "/regions/x/",
        "/api/v1/regions/36%00/rollup/",
        "/api/v1/regions/3608%00/rollup.csv",
        "/api/v1/regions/3608%00/coverage-gaps/",
        "/api/v1/regions/36%00/",
    ],
)
def test_a_nul_byte_in_a_region_code_is_not_found(client, county_staff, path):
    client.force_login(county_staff)
    answer = client.get(path)
    assert answer.status_code == 404
    if path.startswith("/api/"):
        assert answer.json()["code"] == "not_found"


def test_a_nul_byte_in_a_search_is_a_bad_request(client, county_staff):
    client.force_login(county_staff)
    query = {"app_label": "members", "model_name": "position", "field_name": "member"}
    answer = client.get(reverse("admin:autocomplete"), {**query, "term": "张\x00"})
    assert answer.status_code == 400
    listing = client.get(reverse("admin:members_member_changelist"), {"q": "张\x00"})
    assert listing.status_code in (200, 302)  # the list, or back to it with "?e=1"
