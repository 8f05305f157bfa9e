"""API tokens: many named ones per account, stored as hashes, read-only or not, expiring,
revoked by their holder or an administrator of their region, ended by a new password, role
or region, their last use recorded at most once a minute; service accounts get theirs from
the admin. The tokens issued before named tokens keep working until they expire."""

import hashlib
import re
from datetime import datetime, timedelta

import pytest
from axes.utils import reset as reset_login_failures
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.access import UserRole
from core.audit import AuditKind
from history.models import AuditEvent
from portal.models import ApiToken, ServiceAccount, User
from portal.tokens import api_token_issue
from tests.conftest import JIZHOU, QINGYUAN, TIANYU, make_user
from tests.security.test_authorization import routes

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def holder(db):
    return make_user("holder", region=QINGYUAN, role=UserRole.STAFF)


def issue(client, username="holder", **fields):
    """POST the token endpoint: lower-case keywords in the body, upper-case ones as headers."""
    body = {"username": username, "password": f"pw-{username}"}
    body.update({name: value for name, value in fields.items() if name.islower()})
    headers = {name: value for name, value in fields.items() if not name.islower()}
    return client.post(TOKEN_URL, body, content_type="application/json", **headers)


def answers(client, key: str, method="get", path="/api/v1/me/", **extra) -> int:
    call = getattr(client, method)
    return call(path, HTTP_AUTHORIZATION=f"Token {key}", **extra).status_code


def trail(kind, account: str) -> list[AuditEvent]:
    """The audit events of ``kind`` about ``account`` (tests over real HTTP commit theirs)."""
    return list(AuditEvent.objects.filter(kind=kind, detail__account=account).order_by("seq"))


# Issuing -------------------------------------------------------------------------------------


def test_each_call_issues_a_new_named_token_and_stores_only_its_hash(client, holder):
    first = issue(client, name="省级平台").json()
    second = issue(client).json()
    assert first["token"] != second["token"]
    assert (first["name"], first["read_only"]) == ("省级平台", False)
    assert second["name"] in ("API token", "API 令牌")
    for answer in (first, second):
        assert answers(client, answer["token"]) == 200
    token = ApiToken.objects.get(pk=first["id"])
    assert token.digest == hashlib.sha256(first["token"].encode()).hexdigest()
    stored = ApiToken.objects.filter(user=holder).values_list()
    assert not any(first["token"] in str(row) for row in stored)
    expires = datetime.fromisoformat(first["expires_at"])
    assert abs(expires - (token.created_at + timedelta(days=90))) < timedelta(seconds=1)


def test_a_client_asks_for_fewer_days_never_more(client, holder):
    week = issue(client, expires_in_days=7).json()
    assert abs(
        datetime.fromisoformat(week["expires_at"]) - (timezone.now() + timedelta(days=7))
    ) < timedelta(minutes=1)
    refused = issue(client, expires_in_days=91, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "at most 90 days" in str(refused.json())
    assert ApiToken.objects.count() == 1


def test_tokens_can_be_set_never_to_expire(client, holder, settings):
    settings.API_TOKEN_MAX_AGE_DAYS = 0
    answer = issue(client).json()
    assert answer["expires_at"] is None
    ApiToken.objects.update(created_at=timezone.now() - timedelta(days=3650))
    assert answers(client, answer["token"]) == 200


def test_a_wrong_password_issues_nothing(client, holder):
    answer = client.post(
        TOKEN_URL, {"username": "holder", "password": "wrong"}, content_type="application/json"
    )
    assert answer.status_code == 400
    assert not ApiToken.objects.exists()


# Read-only -----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_read_only_token_reads_and_never_writes(client, holder, method):
    key = issue(client, read_only=True).json()["token"]
    assert answers(client, key, path="/api/v1/branches/") == 200
    assert answers(client, key, method="head", path="/api/v1/branches/") == 200
    for language, words in [("zh-hans", "只读"), ("en", "read-only")]:
        answer = getattr(client, method)(
            "/api/v1/branches/1/" if method != "post" else "/api/v1/branches/",
            {"name": "改名"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {key}",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert answer.status_code == 403
        assert answer.json()["code"] == "token_read_only"
        assert words in answer.json()["detail"]


def test_a_read_only_token_is_refused_a_post_at_every_api_address(client, holder):
    key = issue(client, read_only=True).json()["token"]
    addresses = [
        reverse(name)
        for name, pattern, _view in routes()
        if name.startswith("api:")
        and "<" not in pattern
        and "(?P" not in pattern
        # The token endpoint takes no token; the schema and its docs are GET only (405).
        and name not in ("api:token", "api:not_found", "api:schema", "api:docs")
    ]
    assert len(addresses) > 20
    for address in addresses:
        answer = client.post(
            address, {}, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
        )
        assert (address, answer.status_code, answer.json()["code"]) == (
            address,
            403,
            "token_read_only",
        )
    refusal = AuditEvent.objects.filter(kind=AuditKind.PERMISSION_DENIED).latest("seq")
    assert refusal.user_id == holder.pk  # the refusal names the token's account


def test_a_read_only_token_cannot_revoke_tokens(client, holder):
    read_only = issue(client, read_only=True).json()
    other = issue(client).json()
    url = f"/api/v1/tokens/{other['id']}/"
    assert answers(client, read_only["token"], method="delete", path=url) == 403
    assert ApiToken.objects.get(pk=other["id"]).revoked_at is None


# How a token ends ----------------------------------------------------------------------------


def test_an_expired_token_answers_401_in_chinese_and_english(client, holder):
    answer = issue(client, expires_in_days=1).json()
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    for language, words in [("zh-hans", "已过期"), ("en", "expired")]:
        refused = client.get(
            "/api/v1/me/",
            HTTP_AUTHORIZATION=f"Token {answer['token']}",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert refused.status_code == 401
        assert refused.json()["code"] == "token_expired"
        assert words in refused.json()["detail"]


def test_a_revoked_token_answers_401(client, holder):
    answer = issue(client).json()
    ApiToken.objects.update(revoked_at=timezone.now())
    refused = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {answer['token']}")
    assert (refused.status_code, refused.json()["code"]) == (401, "token_revoked")


def test_an_unknown_key_of_either_kind_answers_401(client, holder):
    assert answers(client, "gp_" + "x" * 43) == 401
    assert answers(client, "0123456789abcdef0123456789abcdef01234567") == 401


@pytest.mark.parametrize(
    "change",
    [
        lambda u: u.set_password("a-new-password-2026"),
        lambda u: u.set_unusable_password(),
        lambda u: setattr(u, "role", UserRole.VIEWER),
        lambda u: setattr(u, "region_id", TIANYU),
        lambda u: setattr(u, "is_active", False),
    ],
    ids=["password", "unusable password", "role", "region", "deactivated"],
)
def test_a_credential_change_ends_every_token(client, holder, change):
    keys = [issue(client).json()["token"], issue(client, read_only=True).json()["token"]]
    legacy = Token.objects.create(user=holder).key
    assert [answers(client, key) for key in [*keys, legacy]] == [200, 200, 200]
    change(holder)
    holder.save()
    assert not ApiToken.objects.usable().filter(user=holder).exists()
    assert not Token.objects.filter(user=holder).exists()
    assert [answers(client, key) for key in [*keys, legacy]] == [401, 401, 401]


def test_a_raw_update_ends_the_tokens_too(holder):
    api_token_issue(user=holder)
    User.objects.filter(pk=holder.pk).update(role=UserRole.ADMIN)
    assert ApiToken.objects.get().revoked_at is not None


def test_other_changes_keep_the_tokens(holder):
    api_token_issue(user=holder)
    holder.first_name = "丽"
    holder.save()
    User.objects.filter(pk=holder.pk).update(last_login="2026-12-01T08:00:00+08:00")
    assert ApiToken.objects.get().revoked_at is None


# Last use ------------------------------------------------------------------------------------


def updates(queries) -> int:
    # The history's context is set in the same statement: the UPDATE follows it.
    return sum('UPDATE "portal_apitoken"' in q["sql"] for q in queries)


def test_last_use_is_recorded_with_the_address_at_most_once_a_minute(client, holder):
    key = issue(client).json()["token"]
    with CaptureQueriesContext(connection) as first:
        assert answers(client, key, REMOTE_ADDR="10.1.2.3") == 200
    token = ApiToken.objects.get()
    assert (token.last_used_from, token.last_used_at is not None) == ("10.1.2.3", True)
    with CaptureQueriesContext(connection) as second:
        assert answers(client, key, REMOTE_ADDR="10.9.9.9") == 200
    # The same request less the one UPDATE of the last use: the token's SELECT (with its
    # account) and the answer's own queries.
    assert (updates(first.captured_queries), updates(second.captured_queries)) == (1, 0)
    assert len(second.captured_queries) == len(first.captured_queries) - 1
    assert ApiToken.objects.get().last_used_from == "10.1.2.3"
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(seconds=61))
    with CaptureQueriesContext(connection) as later:
        assert answers(client, key, REMOTE_ADDR="10.9.9.9") == 200
    assert updates(later.captured_queries) == 1
    assert ApiToken.objects.get().last_used_from == "10.9.9.9"


# The holder's list ---------------------------------------------------------------------------


def test_the_holder_lists_their_tokens_without_keys_and_revokes_one(client, holder, outsider):
    kept, gone = issue(client, name="统计").json(), issue(client, name="捐赠平台").json()
    theirs, _key = api_token_issue(user=outsider, name="吉州")
    answers(client, kept["token"], REMOTE_ADDR="10.1.2.3")
    auth = {"HTTP_AUTHORIZATION": f"Token {kept['token']}"}
    listing = client.get("/api/v1/tokens/", **auth)
    assert listing.status_code == 200
    rows = {row["name"]: row for row in listing.json()["results"]}
    assert set(rows) == {"统计", "捐赠平台"}
    assert (rows["统计"]["last_used_from"], rows["统计"]["state"]) == ("10.1.2.3", "active")
    assert kept["token"] not in listing.text and gone["token"] not in listing.text
    assert client.delete(f"/api/v1/tokens/{theirs.pk}/", **auth).status_code == 404
    assert client.delete(f"/api/v1/tokens/{gone['id']}/", **auth).status_code == 204
    assert answers(client, gone["token"]) == 401
    assert answers(client, kept["token"]) == 200
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
    listed = client.get(f"/api/v1/tokens/{gone['id']}/", **auth).json()
    assert listed["state"] == "revoked"


def test_the_list_costs_the_same_queries_for_more_tokens(client, holder, django_assert_num_queries):
    key = issue(client).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    client.get("/api/v1/tokens/", **auth)  # the last use is written now, not below
    for count in (1, 5):
        for _ in range(count):
            api_token_issue(user=holder)
        # The token with its account, the count, then the page.
        with django_assert_num_queries(3):
            assert client.get("/api/v1/tokens/", **auth).status_code == 200


def test_issue_and_revoke_are_in_the_audit_trail(client, holder):
    answer = issue(client, name="统计", REMOTE_ADDR="10.1.2.3").json()
    client.delete(f"/api/v1/tokens/{answer['id']}/", HTTP_AUTHORIZATION=f"Token {answer['token']}")
    [issued] = trail(AuditKind.TOKEN_ISSUED, "holder")
    [revoked] = trail(AuditKind.TOKEN_REVOKED, "holder")
    assert (issued.user_id, issued.ip, issued.detail["token"]) == (
        holder.pk,
        "10.1.2.3",
        answer["id"],
    )
    assert (issued.detail["name"], issued.detail["read_only"]) == ("统计", False)
    assert (revoked.user_id, revoked.detail["token"]) == (holder.pk, answer["id"])
    assert answer["token"] not in str(issued.detail) + str(revoked.detail)


# The page beside the sessions ----------------------------------------------------------------


def test_the_sessions_page_lists_the_tokens_and_revokes_one(client, holder, outsider):
    mine, key = api_token_issue(user=holder, name="省级平台")
    theirs, _ = api_token_issue(user=outsider, name="吉州平台")
    client.force_login(holder)
    page = client.get(reverse("portal:sessions"))
    assert "省级平台" in page.text and mine.prefix in page.text
    assert key not in page.text and "吉州平台" not in page.text
    url = reverse("portal:sessions")
    assert client.post(url, {"revoke": theirs.pk}).status_code == 404
    assert client.post(url, {"revoke": mine.pk}).status_code == 302
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


# The administrator ---------------------------------------------------------------------------


def test_a_county_admin_lists_and_revokes_tokens_of_the_county_only(client, county_admin, holder):
    mine, key = api_token_issue(user=holder, name="青原")
    other = make_user("other", region=JIZHOU, role=UserRole.STAFF)
    theirs, _ = api_token_issue(user=other, name="吉州")
    client.force_login(county_admin)
    listing = client.get(reverse("admin:portal_apitoken_changelist"))
    assert [t.name for t in listing.context["cl"].result_list] == ["青原"]
    assert key not in listing.text
    url = reverse("admin:portal_apitoken_changelist")
    for token in (mine, theirs):
        client.post(url, {"action": "revoke", "_selected_action": [token.pk]})
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
    assert client.get(reverse("admin:portal_apitoken_change", args=[theirs.pk])).status_code in (
        302,
        404,
    )
    [revoked] = trail(AuditKind.TOKEN_REVOKED, "holder")
    assert (revoked.user_id, revoked.detail["token"]) == (county_admin.pk, mine.pk)


def test_an_admin_of_another_county_cannot_revoke(client, holder):
    token, _ = api_token_issue(user=holder)
    stranger = make_user("jizhou-admin", region=JIZHOU, role=UserRole.ADMIN, is_staff=True)
    client.force_login(stranger)
    url = reverse("admin:portal_apitoken_changelist")
    client.post(url, {"action": "revoke", "_selected_action": [token.pk]})
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_staff_cannot_reach_the_tokens_list(client, county_staff):
    client.force_login(county_staff)
    assert client.get(reverse("admin:portal_apitoken_changelist")).status_code == 403


# Service accounts ----------------------------------------------------------------------------


def test_an_admin_makes_a_service_account_and_issues_its_token_once(client, county_admin):
    client.force_login(county_admin)
    added = client.post(
        reverse("admin:portal_serviceaccount_add"),
        {
            "username": "stats-feed",
            "last_name": "统计平台",
            "email": "",
            "region": TIANYU,
            "role": UserRole.VIEWER,
            "is_active": "on",
        },
    )
    assert added.status_code == 302, added.context["adminform"].form.errors
    account = ServiceAccount.objects.get(username="stats-feed")
    assert account.is_service_account and not account.has_usable_password()
    [created] = trail(AuditKind.ROLE_CHANGED, "stats-feed")
    assert (created.user_id, created.detail["changes"]["role"]) == (
        county_admin.pk,
        [None, "viewer"],
    )
    assert not (account.is_staff or account.is_superuser)
    url = reverse("admin:portal_serviceaccount_issue_token", args=[account.pk])
    assert "gp_" not in client.get(url).text
    page = client.post(url, {"name": "统计", "read_only": "on", "expires_in_days": "30"})
    token = ApiToken.objects.get(user=account)
    [key] = set(re.findall(r"gp_[\w-]{43}", page.text))
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert "no-store" in page["Cache-Control"]
    assert (token.name, token.read_only) == ("统计", True)
    assert answers(client_without_session(), key, path=f"/api/v1/regions/{TIANYU}/rollup/") == 200
    [issued] = trail(AuditKind.TOKEN_ISSUED, "stats-feed")
    assert (issued.user_id, issued.detail["account"]) == (county_admin.pk, "stats-feed")


def client_without_session():
    from django.test import Client

    return Client()


def test_a_service_account_never_signs_in_with_a_password(client, county_admin):
    account = make_user(
        "feed", region=QINGYUAN, role=UserRole.STAFF, is_service_account=True
    )  # even with a password set
    assert issue(client, "feed").status_code == 400
    reset_login_failures(username="feed")  # each door refuses it, not the lockout
    login = client.post(reverse("portal:login"), {"username": "feed", "password": "pw-feed"})
    assert login.status_code == 200 and "_auth_user_id" not in client.session
    reset_login_failures(username="feed")
    admin = client.post(reverse("admin:login"), {"username": "feed", "password": "pw-feed"})
    assert admin.status_code == 200 and "_auth_user_id" not in client.session
    assert not ApiToken.objects.filter(user=account).exists()


def test_a_service_account_is_never_staff(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_user(
            "feed", region=QINGYUAN, role=UserRole.STAFF, is_service_account=True, is_staff=True
        )


def test_an_admin_of_another_county_cannot_issue_a_token_to_the_countys_service_account(client):
    account = make_user("feed", region=QINGYUAN, role=UserRole.VIEWER, is_service_account=True)
    stranger = make_user("jizhou-admin", region=JIZHOU, role=UserRole.ADMIN, is_staff=True)
    client.force_login(stranger)
    url = reverse("admin:portal_serviceaccount_issue_token", args=[account.pk])
    assert client.post(url, {"name": "x"}).status_code == 404
    assert not ApiToken.objects.exists()


def test_the_scope_and_role_of_a_service_account_are_fixed(client, county_admin):
    account = make_user("feed", region=TIANYU, role=UserRole.VIEWER, is_service_account=True)
    client.force_login(county_admin)
    url = reverse("admin:portal_serviceaccount_change", args=[account.pk])
    client.post(
        url,
        {
            "username": "feed",
            "last_name": "",
            "email": "",
            "role": "admin",
            "region": QINGYUAN,
            "is_active": "on",
        },
    )
    account.refresh_from_db()
    assert (account.region_id, account.role) == (TIANYU, UserRole.VIEWER)


# Tokens issued before named tokens -----------------------------------------------------------


def test_an_older_token_works_until_its_expiry(client, holder):
    legacy = Token.objects.create(user=holder)
    assert answers(client, legacy.key) == 200
    Token.objects.filter(pk=legacy.pk).update(created=timezone.now() - timedelta(days=90.1))
    refused = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {legacy.key}")
    assert (refused.status_code, refused.json()["code"]) == (401, "token_expired")


def test_a_county_admin_still_revokes_an_older_token_of_the_county(client, county_admin, holder):
    Token.objects.create(user=holder)
    client.force_login(county_admin)
    url = reverse("admin:authtoken_tokenproxy_delete", args=[holder.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Token.objects.filter(user=holder).exists()
