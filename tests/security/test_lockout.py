"""Login brute force: axes locks a username at an address, and an address; admins unlock."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from django.utils import timezone
from rest_framework.throttling import AnonRateThrottle

from portal.lockout import PortalAxesHandler
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def staffer(db):
    return make_user("tianyu-clerk", region="360803", role="staff")


def fail_login(client, username="tianyu-clerk", address="10.0.0.1", **headers):
    data = {"username": username, "password": "wrong"}
    return client.post(LOGIN, data, REMOTE_ADDR=address, **headers)


def test_the_login_page_locks_a_username_at_an_address_after_three_failures(client, staffer):
    statuses = [fail_login(client).status_code for _ in range(3)]
    right = client.post(
        LOGIN, {"username": "tianyu-clerk", "password": "pw-tianyu-clerk"}, REMOTE_ADDR="10.0.0.1"
    )
    assert statuses == [200, 200, 429]
    assert right.status_code == 429  # even the right password, until unlocked
    assert "_auth_user_id" not in client.session


def test_the_lockout_message_is_chinese_by_default_and_english_on_request(client, staffer):
    for _ in range(3):
        fail_login(client)
    chinese = fail_login(client).content.decode()
    english = fail_login(client, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "登录失败次数过多" in chinese
    assert "Too many failed logins" in english
    assert 'name="username"' in chinese  # the login form is shown again


def test_another_address_and_another_username_are_not_locked(client, staffer):
    make_user("jizhou-clerk", region="360802", role="staff")
    for _ in range(3):
        fail_login(client)
    other_address = client.post(
        LOGIN, {"username": "tianyu-clerk", "password": "pw-tianyu-clerk"}, REMOTE_ADDR="10.0.0.2"
    )
    other_user = client.post(
        LOGIN, {"username": "jizhou-clerk", "password": "pw-jizhou-clerk"}, REMOTE_ADDR="10.0.0.1"
    )
    assert (other_address.status_code, other_user.status_code) == (302, 302)


def test_one_address_trying_many_usernames_is_locked(client, staffer):
    # Two failures each for three usernames: no pair reaches 3, the address reaches 6.
    statuses = [fail_login(client, username=name).status_code for name in "aabbcc"]
    response = client.post(
        LOGIN, {"username": "tianyu-clerk", "password": "pw-tianyu-clerk"}, REMOTE_ADDR="10.0.0.1"
    )
    assert statuses == [200] * 5 + [429]
    assert response.status_code == 429


def test_a_success_before_the_limit_resets_the_count(client, staffer):
    for _ in range(2):
        fail_login(client)
    client.post(
        LOGIN, {"username": "tianyu-clerk", "password": "pw-tianyu-clerk"}, REMOTE_ADDR="10.0.0.1"
    )
    client.logout()
    assert fail_login(client).status_code == 200
    assert fail_login(client).status_code == 200


def test_the_admin_login_is_locked_too(client, staffer):
    data = {"username": "tianyu-clerk", "password": "wrong", "next": "/admin/"}
    statuses = [
        client.post("/admin/login/", data, REMOTE_ADDR="10.0.0.3").status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_the_api_token_endpoint_is_locked_with_a_json_error(api, staffer):
    client = api(HTTP_ACCEPT_LANGUAGE="en")
    wrong = {"username": "tianyu-clerk", "password": "wrong"}
    statuses = [client.post(TOKEN, wrong, REMOTE_ADDR="10.0.0.4").status_code for _ in range(3)]
    right = client.post(
        TOKEN, {"username": "tianyu-clerk", "password": "pw-tianyu-clerk"}, REMOTE_ADDR="10.0.0.4"
    )
    assert statuses == [400, 400, 429]
    assert right.status_code == 429
    assert right.json()["code"] == "locked_out"
    assert right.json()["detail"].startswith("Too many failed logins")


def test_the_api_token_endpoint_is_throttled_per_address(api, staffer, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "4/min", raising=False)
    client = api()
    right = {"username": "tianyu-clerk", "password": "pw-tianyu-clerk"}
    statuses = [client.post(TOKEN, right).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_an_administrator_unlocks_with_the_management_command(client, staffer):
    for _ in range(3):
        fail_login(client)
    call_command("axes_reset_username", "tianyu-clerk")
    response = client.post(
        LOGIN, {"username": "tianyu-clerk", "password": "pw-tianyu-clerk"}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302


def test_a_superuser_unlocks_in_the_admin(client, staffer, superuser):
    for _ in range(3):
        fail_login(client)
    attempt = AccessAttempt.objects.get(username="tianyu-clerk")
    admin = client.__class__()
    admin.force_login(superuser)
    page = admin.get("/admin/axes/accessattempt/")
    assert page.status_code == 200 and "tianyu-clerk" in page.content.decode()
    deleted = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert not AccessAttempt.objects.exists()
    response = client.post(
        LOGIN, {"username": "tianyu-clerk", "password": "pw-tianyu-clerk"}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302


def test_county_admins_do_not_see_the_lockouts_of_the_whole_country(client, county_admin):
    client.force_login(county_admin)
    assert client.get("/admin/axes/accessattempt/").status_code == 403


def test_failures_older_than_the_cool_off_do_not_count_for_the_address(client, staffer, settings):
    for name in "aabbc":
        fail_login(client, username=name)
    request = RequestFactory().post(LOGIN)
    request.axes_ip_address = "10.0.0.1"
    assert PortalAxesHandler.address_failures(request) == 5
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME)
    assert PortalAxesHandler.address_failures(request) == 0


def test_an_admin_unlocks_an_account_of_their_region_and_no_other(client, staffer, county_admin):
    from django.urls import reverse

    outsider = make_user("jizhou-clerk", region="360802", role="staff")
    for username, address in (("tianyu-clerk", "10.0.0.1"), ("jizhou-clerk", "10.0.0.9")):
        for _ in range(3):
            fail_login(client, username=username, address=address)
    admin_client = type(client)()
    admin_client.force_login(county_admin)
    page = admin_client.post(
        reverse("admin:portal_user_changelist"),
        {"action": "unlock_logins", "_selected_action": [staffer.pk, outsider.pk]},
        follow=True,
    )
    assert "已解除 1 个账号的登录锁定" in page.text  # the other county's account is not theirs
    right = client.post(
        LOGIN, {"username": "tianyu-clerk", "password": "pw-tianyu-clerk"}, REMOTE_ADDR="10.0.0.1"
    )
    still_locked = type(client)().post(
        LOGIN, {"username": "jizhou-clerk", "password": "pw-jizhou-clerk"}, REMOTE_ADDR="10.0.0.9"
    )
    assert (right.status_code, still_locked.status_code) == (302, 429)


@override_settings(PROXY_COUNT=1)
def test_behind_the_proxy_each_client_address_is_counted_not_the_proxys(client, staffer):
    proxy = {"address": "127.0.0.1"}
    for _ in range(3):
        fail_login(client, HTTP_X_FORWARDED_FOR="6.6.6.6, 10.9.0.1", **proxy)
    colleague = client.post(
        LOGIN,
        {"username": "tianyu-clerk", "password": "pw-tianyu-clerk"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="10.9.0.2",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.9.0.1"]
    assert colleague.status_code == 302  # the same account from another desk is not locked
