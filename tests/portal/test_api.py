"""The API as a whole: tokens, the signed-in user, errors, paging, throttling, and region scope
for every endpoint (one persona matrix), plus token auth and idempotent donations over HTTP."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pgtrigger
import pytest
import requests
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from core.access import UserRole
from funds.models import Donation, Fund, FundBalance
from orgs.models import Branch, Region
from orgs.services import assessment_record
from portal.models import ApiToken, User
from portal.tokens import key_digest
from tests.conftest import JIZHOU, QINGYUAN, load_region_tree, make_user
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

GUNAN = "360802001"  # 古南街道, a street of 吉州区
TIANYU = "360803100"  # 天玉镇, a town of 青原区
NEVER_DELETED = (
    "funds.Donation:funds_donation_never_deleted",
    "funds.Fund:funds_fund_never_deleted",
)


def token_client(user, **headers) -> APIClient:
    client = APIClient(**headers)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


# Tokens and the signed-in user ----------------------------------------------------------


@pytest.mark.django_db
def test_token_is_issued_for_username_and_password(api, county_staff):
    response = api().post(
        "/api/v1/auth/token/", {"username": "qingyuan-staff", "password": "pw-qingyuan-staff"}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=county_staff)
    answer = response.json()
    assert token.digest == key_digest(answer["token"])
    assert datetime.datetime.fromisoformat(
        answer["expires_at"]
    ) == token.created_at + datetime.timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS)


@pytest.mark.django_db
def test_token_is_refused_for_a_wrong_password_in_chinese_by_default(api, county_staff):
    response = api().post("/api/v1/auth/token/", {"username": "qingyuan-staff", "password": "x"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"non_field_errors": ["无法使用提供的认证信息登录。"]}


@pytest.mark.django_db
def test_token_is_refused_for_a_wrong_password_in_english_on_request(api, county_staff):
    client = api(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/api/v1/auth/token/", {"username": "qingyuan-staff", "password": "x"})
    assert response.json()["errors"] == {
        "non_field_errors": ["Unable to log in with provided credentials."]
    }


@pytest.mark.django_db
def test_a_token_authenticates_requests(county_staff):
    response = token_client(county_staff).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "qingyuan-staff"


@pytest.mark.django_db
def test_requests_without_credentials_are_401_with_the_token_scheme(api):
    response = api().get("/api/v1/branches/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "身份认证信息未提供。", "code": "not_authenticated"}


@pytest.mark.django_db
def test_an_unknown_token_is_401(api):
    client = api(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token.", "code": "authentication_failed"}


@pytest.mark.django_db
def test_a_browser_session_works_too(county_staff):
    client = APIClient()
    client.force_login(county_staff)
    assert client.get("/api/v1/me/").json()["username"] == "qingyuan-staff"


@pytest.mark.django_db
def test_me_shows_the_users_region_and_role(api, county_staff):
    assert api(county_staff).get("/api/v1/me/").json() == {
        "username": "qingyuan-staff",
        "region": {"code": QINGYUAN, "name": "青原区"},
        "role": "staff",
        "is_superuser": False,
    }


@pytest.mark.django_db
def test_me_shows_no_region_for_a_superuser(api, superuser):
    data = api(superuser).get("/api/v1/me/").json()
    assert (data["region"], data["is_superuser"]) == (None, True)


# Errors, paging, throttling -------------------------------------------------------------


@pytest.mark.django_db
def test_an_unknown_query_parameter_is_400(api, county_staff):
    client = api(county_staff, HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/api/v1/branches/", {"colour": "red", "page_size": 5})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "code": "invalid",
        "errors": {"colour": ["Unknown query parameter."]},
        "codes": {"colour": ["unknown_parameter"]},
    }


@pytest.mark.parametrize("code", ["3608x", "3608000", "36 08", "360803100001999"])
@pytest.mark.django_db
def test_a_malformed_region_code_is_400(api, county_staff, code):
    response = api(county_staff).get("/api/v1/members/", {"region": code})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["region"]


@pytest.mark.django_db
def test_a_missing_record_is_404_without_naming_the_model(api, county_staff):
    response = api(county_staff, HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/branches/999999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.django_db
def test_an_unknown_api_address_is_404_in_json(api):
    response = api(HTTP_ACCEPT_LANGUAGE="en").post("/api/v1/nothing-here/", {})
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.django_db
def test_lists_are_paged_with_count_next_and_previous(api, county_staff):
    BranchFactory.create_batch(3)
    data = api(county_staff).get("/api/v1/branches/", {"page_size": 2, "page": 2}).json()
    assert (data["count"], len(data["results"]), data["next"]) == (3, 1, None)
    assert "page_size=2" in data["previous"]


@pytest.mark.django_db
def test_a_page_holds_up_to_1000_records(api, superuser):
    data = api(superuser).get("/api/v1/regions/", {"page_size": 1000}).json()
    assert data["count"] > 1000
    assert len(data["results"]) == 1000


@pytest.mark.django_db
@pytest.mark.parametrize("size", ["5000", "1001", "0", "-3", "x", "２"])
def test_a_page_size_out_of_range_is_refused(api, county_staff, size):
    response = api(county_staff).get("/api/v1/branches/", {"page_size": size})
    assert response.status_code == 400
    assert response.json()["errors"] == {"page_size": ["页面大小须为 1 到 1000 的整数。"]}


@pytest.mark.django_db
def test_a_page_beyond_the_last_is_404(api, county_staff):
    response = api(county_staff).get("/api/v1/branches/", {"page": 9})
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


@pytest.mark.django_db
def test_anonymous_clients_are_throttled(api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/min", raising=False)
    client = api()
    statuses = [client.post("/api/v1/auth/token/", {}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]


@pytest.mark.django_db
def test_a_service_refusal_is_a_field_error_and_saves_nothing(api, county_staff):
    payload = {"name": "天玉镇红十字会", "region": TIANYU, "kind": "county"}
    response = api(county_staff, HTTP_ACCEPT_LANGUAGE="en").post("/api/v1/branches/", payload)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["kind"]
    assert not Branch.objects.exists()


@pytest.mark.django_db
def test_the_docs_page_is_served_without_the_internet(api):
    response = api().get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn." not in page


# Region scope: one matrix over every endpoint -------------------------------------------


def _assessment(branch: Branch):
    return assessment_record(branch=branch, assessed_on=datetime.date(2021, 5, 1), items_met=[])


#: endpoint → (a record at 吉州区, a record at 青原区) factories.
RECORDS = {
    "branches": (lambda: BranchFactory(region_id=GUNAN), lambda: BranchFactory()),
    "members": (lambda: MemberFactory(branch__region_id=GUNAN), lambda: MemberFactory()),
    "positions": (lambda: PositionFactory(branch__region_id=GUNAN), lambda: PositionFactory()),
    "volunteer-teams": (
        lambda: VolunteerTeamFactory(branch__region_id=GUNAN),
        lambda: VolunteerTeamFactory(),
    ),
    "volunteers": (
        lambda: VolunteerFactory(team__branch__region_id=GUNAN),
        lambda: VolunteerFactory(),
    ),
    "service-records": (
        lambda: ServiceRecordFactory(volunteer__team__branch__region_id=GUNAN),
        lambda: ServiceRecordFactory(),
    ),
    "standards": (
        lambda: StandardFactory(region_id=JIZHOU),
        lambda: StandardFactory(region_id=QINGYUAN),
    ),
    "assessments": (
        lambda: _assessment(BranchFactory(region_id=GUNAN)),
        lambda: _assessment(BranchFactory()),
    ),
    "donors": (lambda: DonorFactory(region_id=JIZHOU), lambda: DonorFactory()),
    "campaigns": (
        lambda: CampaignFactory(region_id=JIZHOU),
        lambda: CampaignFactory(region_id=QINGYUAN),
    ),
    "donations": (
        lambda: DonationFactory(branch__region_id=GUNAN, donor__region_id=JIZHOU),
        lambda: DonationFactory(),
    ),
}

#: endpoint → a write on one record: (method, path after the record's URL, body).
WRITES = {
    "service-records": ("post", "approve/", {}),
    "assessments": ("delete", "", None),
    "donations": ("post", "reverse/", {"reason": "录入错误"}),
}
DEFAULT_WRITE = ("patch", "", {"name": "改名"})


@pytest.mark.parametrize("endpoint", RECORDS)
@pytest.mark.django_db
def test_a_token_lists_only_its_own_regions_records(county_admin, endpoint):
    theirs, ours = (make() for make in RECORDS[endpoint])
    response = token_client(county_admin).get(f"/api/v1/{endpoint}/", {"page_size": 1000})
    ids = {row["id"] for row in response.json()["results"]}
    assert ours.pk in ids
    assert theirs.pk not in ids


@pytest.mark.parametrize("endpoint", RECORDS)
@pytest.mark.django_db
def test_a_token_cannot_read_another_countys_record(county_admin, endpoint):
    theirs, ours = (make() for make in RECORDS[endpoint])
    client = token_client(county_admin)
    assert client.get(f"/api/v1/{endpoint}/{ours.pk}/").status_code == 200
    assert client.get(f"/api/v1/{endpoint}/{theirs.pk}/").status_code == 404


@pytest.mark.parametrize("endpoint", RECORDS)
@pytest.mark.django_db
def test_a_token_cannot_write_another_countys_record(county_admin, endpoint):
    theirs, _ours = (make() for make in RECORDS[endpoint])
    method, suffix, body = WRITES.get(endpoint, DEFAULT_WRITE)
    client = token_client(county_admin)
    response = getattr(client, method)(f"/api/v1/{endpoint}/{theirs.pk}/{suffix}", body)
    assert response.status_code == 404
    assert type(theirs).objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("endpoint", RECORDS)
@pytest.mark.django_db
def test_a_viewer_may_not_write(api, city_official, endpoint):
    _theirs, ours = (make() for make in RECORDS[endpoint])
    method, suffix, body = WRITES.get(endpoint, DEFAULT_WRITE)
    client = api(city_official)
    assert client.post(f"/api/v1/{endpoint}/", {}).status_code == 403
    response = getattr(client, method)(f"/api/v1/{endpoint}/{ours.pk}/{suffix}", body)
    assert response.status_code == 403


@pytest.mark.parametrize(
    "endpoint", ["positions", "volunteer-teams", "volunteers", "assessments", "donors", "campaigns"]
)
@pytest.mark.django_db
def test_staff_may_not_delete_only_administrators_may(api, county_staff, county_admin, endpoint):
    _theirs, ours = (make() for make in RECORDS[endpoint])
    url = f"/api/v1/{endpoint}/{ours.pk}/"
    assert api(county_staff).delete(url).status_code == 403
    assert api(county_admin).delete(url).status_code == 204
    assert not type(ours).objects.filter(pk=ours.pk).exists()


#: endpoint → the fields an empty create is missing.
REQUIRED = {
    "branches": ["name", "region", "kind"],
    "members": ["branch", "name", "joined_on"],
    "positions": ["branch", "role", "holder_name", "started_on"],
    "volunteer-teams": ["branch", "name", "service_type"],
    "volunteers": ["branch", "name", "registered_on"],
    "service-records": ["volunteer", "served_on", "hours", "activity"],
    "standards": ["code", "name", "items"],
    "assessments": ["branch", "assessed_on", "items_met"],
    "donors": ["kind", "name", "region"],
    "campaigns": ["name", "kind", "region", "starts_on"],
    "donations": ["branch", "amount", "channel", "received_on"],
}


@pytest.mark.parametrize("endpoint", REQUIRED)
@pytest.mark.django_db
def test_an_empty_create_names_each_missing_field_in_chinese(api, county_admin, endpoint):
    response = api(county_admin).post(f"/api/v1/{endpoint}/", {})
    assert response.status_code == 400
    assert response.json()["errors"] == {name: ["该字段是必填项。"] for name in REQUIRED[endpoint]}


@pytest.mark.parametrize("endpoint", REQUIRED)
@pytest.mark.django_db
def test_an_empty_create_names_each_missing_field_in_english(api, county_admin, endpoint):
    response = api(county_admin, HTTP_ACCEPT_LANGUAGE="en").post(f"/api/v1/{endpoint}/", {})
    expected = {name: ["This field is required."] for name in REQUIRED[endpoint]}
    assert response.json()["errors"] == expected


#: endpoint → an edit and the field that shows it.
EDITS = {
    "branches": {"address": "青原区天玉镇政府院内"},
    "members": {"occupation": "村支书"},
    "positions": {"holder_title": "天玉镇卫生院院长"},
    "volunteer-teams": {"managed_online": True},
    "volunteers": {"status": "inactive"},
    "standards": {"description": "青原区试行"},
    "donors": {"address": "青原区河东街道"},
    "campaigns": {"description": "老人幸福餐桌"},
}


@pytest.mark.parametrize("endpoint", EDITS)
@pytest.mark.django_db
def test_an_administrator_edits_a_record_of_the_region(api, county_admin, endpoint):
    _theirs, ours = (make() for make in RECORDS[endpoint])
    response = api(county_admin).patch(f"/api/v1/{endpoint}/{ours.pk}/", EDITS[endpoint])
    assert response.status_code == 200
    ((field, value),) = EDITS[endpoint].items()
    assert response.json()[field] == value
    ours.refresh_from_db()
    assert getattr(ours, field) == value


# Over real HTTP -------------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Writes that other connections see (no test transaction), removed again afterwards
    (donations without donors: donors stay in the donor counts' rows).

    Row by row, so that the summary triggers take the figures back out; the region tree and
    the migrations' data stay (a flush would empty them). Donations are never deleted in
    the portal: only this cleanup lifts that guard, for the rows these tests committed.
    """
    with django_db_blocker.unblock():
        if not Region.objects.filter(code=TIANYU).exists():  # another test flushed them
            load_region_tree()
        yield
        with transaction.atomic(), pgtrigger.ignore(*NEVER_DELETED):
            Donation.objects.filter(reverses__isnull=False).delete()
            Donation.objects.all().delete()
            # The donations' funds (no spending here): their balances are back at zero.
            FundBalance.objects.all().delete()
            Fund.objects.all().delete()
            Branch.objects.all().delete()
            User.objects.all().delete()


@pytest.fixture
def server(committed):
    """The portal served over HTTP on a free port, one thread per request."""
    httpd = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler)
    httpd.set_app(get_wsgi_application())
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_token_auth_over_http(server):
    make_user("http-staff", region=QINGYUAN, role=UserRole.STAFF)
    login = {"username": "http-staff", "password": "pw-http-staff"}
    token = requests.post(f"{server}/api/v1/auth/token/", json=login, timeout=30).json()["token"]
    headers = {"Authorization": f"Token {token}"}
    me = requests.get(f"{server}/api/v1/me/", headers=headers, timeout=30)
    assert (me.status_code, me.json()["region"]["code"]) == (200, QINGYUAN)
    anonymous = requests.get(f"{server}/api/v1/me/", timeout=30)
    assert anonymous.status_code == 401


def test_twenty_concurrent_retries_with_one_key_record_one_donation(server):
    user = make_user("http-cashier", region=QINGYUAN, role=UserRole.STAFF)
    headers = {
        "Authorization": f"Token {Token.objects.create(user=user).key}",
        "Idempotency-Key": "99-giving-day-2019-0001",
    }
    branch = BranchFactory()
    body = {"branch": branch.pk, "amount": "5169000.00", "channel": "online"}
    body["received_on"] = "2019-09-09"

    def post(_):
        return requests.post(f"{server}/api/v1/donations/", json=body, headers=headers, timeout=60)

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(post, range(20)))
    assert sorted(r.status_code for r in responses) == [200] * 19 + [201]
    assert {r.json()["id"] for r in responses} == {Donation.objects.get().pk}
    assert Donation.objects.get().amount == Decimal("5169000.00")


def test_concurrent_retries_with_one_key_from_two_users_record_one_donation_each(server):
    branch = BranchFactory()
    body = {"branch": branch.pk, "amount": "100.00", "channel": "bank", "received_on": "2026-09-08"}
    headers = {}
    for name in ("http-cashier-1", "http-cashier-2"):
        user = make_user(name, region=QINGYUAN, role=UserRole.STAFF)
        headers[name] = {
            "Authorization": f"Token {Token.objects.create(user=user).key}",
            "Idempotency-Key": "bank-20260908-0001",
        }

    def post(name):
        answer = requests.post(
            f"{server}/api/v1/donations/", json=body, headers=headers[name], timeout=60
        )
        return name, answer.status_code, answer.json()["id"]

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(post, [*headers] * 10))
    for name in headers:
        mine = [(status, donation) for who, status, donation in answers if who == name]
        assert sorted(status for status, _ in mine) == [200] * 9 + [201]
        assert len({donation for _, donation in mine}) == 1
    assert Donation.objects.count() == 2
    assert {d.recorded_by.username for d in Donation.objects.all()} == set(headers)


def test_a_used_key_with_another_body_is_422_over_http(server):
    user = make_user("http-cashier", region=QINGYUAN, role=UserRole.STAFF)
    headers = {
        "Authorization": f"Token {Token.objects.create(user=user).key}",
        "Idempotency-Key": "bank-20260908-0002",
        "Accept-Language": "en",
    }
    body = {"branch": BranchFactory().pk, "amount": "100", "channel": "bank"}
    body["received_on"] = "2026-09-08"
    url = f"{server}/api/v1/donations/"
    first = requests.post(url, json=body, headers=headers, timeout=30)
    same = requests.post(url, json=body | {"amount": "100.00"}, headers=headers, timeout=30)
    other = requests.post(url, json=body | {"amount": "101"}, headers=headers, timeout=30)
    assert [a.status_code for a in (first, same, other)] == [201, 200, 422]
    assert other.json()["code"] == "idempotency_key_reused"
    assert Donation.objects.get().amount == Decimal("100.00")


def test_answers_say_where_the_client_stands_against_its_rate_limit(server, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/min", raising=False)
    url = f"{server}/api/v1/auth/token/"
    answers = [requests.post(url, json={}, timeout=30) for _ in range(4)]
    assert [a.status_code for a in answers] == [400, 400, 400, 429]
    assert [a.headers["RateLimit-Limit"] for a in answers] == ["3"] * 4
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert all(0 < int(a.headers["RateLimit-Reset"]) <= 60 for a in answers)
    assert 0 < int(answers[-1].headers["Retry-After"]) <= 60
    user = make_user("http-reader", region=QINGYUAN, role=UserRole.VIEWER)
    token = {"Authorization": f"Token {Token.objects.create(user=user).key}"}
    me = [requests.get(f"{server}/api/v1/me/", headers=token, timeout=30) for _ in range(2)]
    limit = int(me[0].headers["RateLimit-Limit"])
    remaining = [int(a.headers["RateLimit-Remaining"]) for a in me]
    assert remaining == [limit - 1, limit - 2]


def test_a_rollup_answers_304_while_nothing_in_its_region_changed(server):
    user = make_user("http-official", region=QINGYUAN, role=UserRole.STAFF)
    auth = {"Authorization": f"Token {Token.objects.create(user=user).key}"}
    url = f"{server}/api/v1/regions/{QINGYUAN}/rollup/"

    def get(*, etag=None, **params):
        headers = auth | ({"If-None-Match": etag} if etag else {})
        return requests.get(url, params=params, headers=headers, timeout=30)

    BranchFactory()  # a write in the county: its counter exists
    first = get()
    etag = first.headers["ETag"]
    assert (first.status_code, first.headers["Cache-Control"]) == (
        200,
        "private, max-age=0, must-revalidate",
    )
    assert "Last-Modified" in first.headers
    unchanged = get(etag=etag)
    assert (unchanged.status_code, unchanged.content, unchanged.headers["ETag"]) == (304, b"", etag)

    # A write in the sibling county changes nothing here; another year is another answer.
    elsewhere = Region.objects.filter(parent_id=JIZHOU, level="township").first()
    DonationFactory(branch=BranchFactory(region_id=elsewhere.code), donor=None)
    assert get(etag=etag).status_code == 304
    assert get(etag=etag, year=2019).status_code == 200

    # A donation in the county: the figures and the ETag change.
    DonationFactory(branch=BranchFactory(), amount=Decimal("88.00"), donor=None)
    changed = get(etag=etag)
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert Decimal(changed.json()["donations"]["amount"]) == Decimal(
        first.json()["donations"]["amount"]
    ) + Decimal("88.00")
    assert get(etag=changed.headers["ETag"]).status_code == 304

    # Out of the user's scope, an ETag reveals nothing: 404 as always.
    outside = requests.get(
        f"{server}/api/v1/regions/{JIZHOU}/rollup/",
        headers=auth | {"If-None-Match": "*"},
        timeout=30,
    )
    assert outside.status_code == 404
