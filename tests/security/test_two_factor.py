"""Two-factor login (TOTP) through every door: the pages, the admin, the API token endpoint
and the API with a session; and the ways around it: a password-only session, the token
endpoint without a code, a reused recovery code, wrong codes past the lockout, an admin
resetting the authenticator of an account outside their region.

The suite's settings leave OTP_REQUIRED off; these tests turn it on.
"""

from base64 import b32encode
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.access import UserRole, requires_second_factor
from portal.demo import DEMO_TOTP_SECRET
from portal.management.commands.seed_demo import Command as SeedDemo
from portal.models import ApiToken
from tests.conftest import JIZHOU, QINGYUAN, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
VERIFY = "/accounts/two-factor/"
ENROL = "/accounts/two-factor/enrol/"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _two_factor_on(settings):
    settings.OTP_REQUIRED = True
    settings.OTP_REQUIRED_ROLES = ["staff", "admin", "security", "auditor"]


def code_of(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The device's code now (or ``steps_ahead`` 30-second steps on, which it accepts too)."""
    return f"{totp(device.bin_key, drift=steps_ahead):06d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def recovery(user, *codes: str) -> StaticDevice:
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return device


def password_login(client, user, **extra):
    data = {"username": user.username, "password": f"pw-{user.username}", "next": "/"}
    return client.post(LOGIN, data, REMOTE_ADDR="10.0.0.1", **extra)


def verified_client(user, device) -> Client:
    """A client whose session passed both factors (as the code page leaves it)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def staffer(db):
    return make_user("qy-clerk", region=QINGYUAN, role=UserRole.STAFF, is_staff=True)


# Who needs it: the access module decides.


@pytest.mark.parametrize(
    ("role", "superuser", "required_roles", "needed"),
    [
        (UserRole.VIEWER, False, ["staff", "admin", "security", "auditor"], False),
        (UserRole.VIEWER, False, ["viewer", "staff", "admin", "security", "auditor"], True),
        (UserRole.STAFF, False, ["staff", "admin", "security", "auditor"], True),
        (UserRole.ADMIN, False, ["staff", "admin", "security", "auditor"], True),
        (UserRole.SECURITY, False, ["staff", "admin", "security", "auditor"], True),
        (UserRole.AUDITOR, False, ["staff", "admin", "security", "auditor"], True),
        (UserRole.VIEWER, True, [], True),
    ],
)
def test_who_needs_the_second_factor(settings, role, superuser, required_roles, needed):
    settings.OTP_REQUIRED_ROLES = required_roles
    region = None if superuser else QINGYUAN
    user = make_user("someone", region=region, role=role, is_superuser=superuser)
    assert requires_second_factor(user) is needed
    settings.OTP_REQUIRED = False
    assert requires_second_factor(user) is False


# Enrolment on the first login.


def test_first_login_enrols_with_a_qr_code_and_gives_ten_recovery_codes_once(client, staffer):
    login = password_login(client, staffer)
    assert login.status_code == 302
    landing = client.get("/")
    assert landing.status_code == 302
    assert landing["Location"].startswith(f"{ENROL}?next=")
    page = client.get(landing["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in html  # drawn here, no outside service
    device = TOTPDevice.objects.get(user=staffer, confirmed=False)
    secret = b32encode(device.bin_key).decode().rstrip("=")
    assert secret[:4] in html
    # Reloading shows the same key (the app was scanned already).
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=staffer).count() == 1

    wrong = client.post(ENROL, {"code": "000000", "next": "/"})
    assert wrong.status_code == 200 and "验证码无效" in wrong.content.decode()
    device.throttling_failure_count = 0
    device.save()

    done = client.post(ENROL, {"code": code_of(device), "next": "/"})
    assert done.status_code == 200
    assert done["Cache-Control"].count("no-store") == 1
    codes = list(StaticToken.objects.filter(device__user=staffer).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(code in done.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200  # the session is verified
    # Shown once: the enrolment page now sends to the dashboard and shows no code.
    again = client.get(ENROL)
    assert again.status_code == 302 and codes[0] not in again.content.decode()


def test_a_viewer_needs_no_second_factor_by_default(client):
    viewer = make_user("qy-viewer", region=QINGYUAN, role=UserRole.VIEWER)
    password_login(client, viewer)
    assert client.get("/").status_code == 200


# The pages and the admin: a password-only session goes to the code page.


@pytest.mark.parametrize("path", ["/", f"/regions/{QINGYUAN}/", "/search/?q=青原", "/admin/"])
def test_a_password_only_session_is_sent_to_the_code_page(client, staffer, path):
    enrolled(staffer)
    client.force_login(staffer)
    answer = client.get(path)
    assert answer.status_code == 302
    assert answer["Location"].startswith(f"{VERIFY}?next=")


def test_the_code_verifies_the_session_which_stays_verified(client, staffer):
    device = enrolled(staffer)
    password_login(client, staffer)
    assert client.get("/admin/").status_code == 302
    page = client.get(f"{VERIFY}?next=/admin/")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.content.decode()
    # Before the code the pages lead nowhere: no navigation or search, only the way out.
    assert 'class="site-nav"' not in page.content.decode()
    assert 'class="site-search"' not in page.content.decode()
    assert client.get("/").status_code == 302
    answer = client.post(VERIFY, {"code": code_of(device), "next": "/admin/"})
    assert (answer.status_code, answer["Location"]) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


def test_the_code_page_sends_nowhere_outside_the_portal(client, staffer):
    device = enrolled(staffer)
    client.force_login(staffer)
    answer = client.post(VERIFY, {"code": code_of(device), "next": "https://evil.example/"})
    assert answer["Location"] == "/"


def test_a_wrong_code_is_refused_in_chinese_and_english(client, staffer):
    enrolled(staffer)
    client.force_login(staffer)
    chinese = client.post(VERIFY, {"code": "000000"}).content.decode()
    english = client.post(VERIFY, {"code": "000000"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "验证码无效" in chinese
    assert "This code is not valid" in english
    assert client.get("/").status_code == 302


# The API: the session needs the second factor; the token endpoint asks for the code.


def test_the_api_refuses_a_password_only_session_with_403_json(client, staffer):
    enrolled(staffer)
    client.force_login(staffer)
    answer = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 403
    assert answer.json()["code"] == "otp_required"
    assert "one-time code" in answer.json()["detail"]


def token(client, user, **fields):
    data = {"username": user.username, "password": f"pw-{user.username}", **fields}
    return client.post(TOKEN, data, content_type="application/json", REMOTE_ADDR="10.0.0.9")


def test_the_token_endpoint_needs_the_code(client, staffer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the right code straight after a wrong one
    device = enrolled(staffer)
    missing = token(client, staffer)
    english = client.post(
        TOKEN,
        {"username": staffer.username, "password": "pw-qy-clerk"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    wrong = token(client, staffer, otp="000000")
    right = token(client, staffer, otp=code_of(device))
    assert missing.status_code == 400
    assert missing.json()["codes"] == {"otp": ["otp_required"]}
    assert "验证码" in missing.json()["errors"]["otp"][0]
    assert "one-time code" in english.json()["errors"]["otp"][0]
    assert (wrong.status_code, wrong.json()["codes"]) == (400, {"otp": ["otp_invalid"]})
    assert right.status_code == 200 and right.json()["token"]
    # Only the call with the right code issued a token.
    assert list(ApiToken.objects.filter(user=staffer).values_list("pk", flat=True)) == [
        right.json()["id"]
    ]
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {right.json()['token']}")
    assert me.status_code == 200


def test_the_token_endpoint_refuses_an_account_that_has_not_enrolled(client, staffer):
    answer = token(client, staffer, otp="123456")
    assert answer.status_code == 400
    assert answer.json()["codes"] == {"otp": ["otp_not_enrolled"]}


def test_a_viewer_gets_a_token_without_a_code(client):
    viewer = make_user("qy-viewer", region=QINGYUAN, role=UserRole.VIEWER)
    assert token(client, viewer).status_code == 200


# Recovery codes: each works once.


def test_a_recovery_code_verifies_once(staffer):
    enrolled(staffer)
    recovery(staffer, "abcd2345", "efgh6723")
    first = Client()
    first.force_login(staffer)
    assert first.post(VERIFY, {"code": "ABCD 2345"})["Location"] == "/"
    assert first.get("/").status_code == 200
    second = Client()
    second.force_login(staffer)
    reused = second.post(VERIFY, {"code": "abcd2345"})
    assert reused.status_code == 200
    assert second.get("/").status_code == 302
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["efgh6723"]


# Wrong codes count for the lockout, across password logins.


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, staffer):
    enrolled(staffer)
    password_login(client, staffer)
    first = client.post(VERIFY, {"code": "000000"}, REMOTE_ADDR="10.0.0.1")
    # A new password login does not clear the failures of the code.
    password_login(client, staffer)
    second = client.post(VERIFY, {"code": "000001"}, REMOTE_ADDR="10.0.0.1")
    third = client.post(VERIFY, {"code": "000002"}, REMOTE_ADDR="10.0.0.1")
    assert [first.status_code, second.status_code, third.status_code] == [200, 200, 429]
    assert "_auth_user_id" not in client.session  # the session ended
    assert AccessAttempt.objects.get(username=staffer.username).failures_since_start == 3
    assert password_login(client, staffer).status_code == 429


def test_the_right_code_clears_the_failures(client, staffer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = enrolled(staffer)
    password_login(client, staffer)
    client.post(VERIFY, {"code": "000000"}, REMOTE_ADDR="10.0.0.1")
    assert AccessAttempt.objects.filter(username=staffer.username).exists()
    client.post(VERIFY, {"code": code_of(device)}, REMOTE_ADDR="10.0.0.1")
    assert not AccessAttempt.objects.filter(username=staffer.username).exists()


def test_wrong_codes_at_the_token_endpoint_lock_it(client, staffer):
    device = enrolled(staffer)
    statuses = [token(client, staffer, otp=f"00000{i}").status_code for i in range(3)]
    right = token(client, staffer, otp=code_of(device))
    assert statuses == [400, 400, 429]
    assert right.status_code == 429
    assert right.json()["code"] == "locked_out"


# A lost phone: an administrator of the account's region resets it, nobody else.


@pytest.fixture
def qingyuan_admin(db):
    user = make_user("qy-admin", region=QINGYUAN, role=UserRole.ADMIN, is_staff=True)
    return user, enrolled(user)


def reset_url(user) -> str:
    return f"/admin/portal/user/{user.pk}/two-factor/reset/"


def test_an_administrator_of_the_region_resets_a_lost_authenticator(staffer, qingyuan_admin):
    admin_user, admin_device = qingyuan_admin
    enrolled(staffer)
    recovery(staffer, "abcd2345")
    client = verified_client(admin_user, admin_device)
    change = client.get(f"/admin/portal/user/{staffer.pk}/change/")
    assert reset_url(staffer) in change.content.decode()
    assert client.get(reset_url(staffer)).status_code == 200
    assert client.post(reset_url(staffer)).status_code == 302
    assert not TOTPDevice.objects.filter(user=staffer).exists()
    assert not StaticDevice.objects.filter(user=staffer).exists()
    # At the next login the account enrols again.
    again = Client()
    password_login(again, staffer)
    assert again.get("/")["Location"].startswith(ENROL)


def test_an_administrator_of_another_region_gets_404(staffer):
    jizhou_admin = make_user("jz-admin", region=JIZHOU, role=UserRole.ADMIN, is_staff=True)
    client = verified_client(jizhou_admin, enrolled(jizhou_admin))
    enrolled(staffer)
    assert client.get(reset_url(staffer)).status_code == 404
    assert client.post(reset_url(staffer)).status_code == 404
    assert TOTPDevice.objects.filter(user=staffer).exists()


def test_the_reset_needs_a_verified_session_itself(staffer, qingyuan_admin):
    admin_user, _device = qingyuan_admin
    enrolled(staffer)
    client = Client()
    client.force_login(admin_user)
    answer = client.post(reset_url(staffer))
    assert answer.status_code == 302 and answer["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=staffer).exists()


def test_a_session_verified_with_a_reset_authenticator_is_verified_no_more(staffer):
    device = enrolled(staffer)
    client = verified_client(staffer, device)
    assert client.get("/").status_code == 200
    TOTPDevice.objects.filter(user=staffer).delete()
    assert client.get("/")["Location"].startswith(ENROL)


# The demo: its accounts that need the second factor come enrolled with the printed key.


def test_the_demo_accounts_come_enrolled_with_the_printed_key():
    printed = SeedDemo().accounts_table()
    devices = dict(TOTPDevice.objects.values_list("user__username", "key"))
    assert set(devices) == {"admin", "qingyuan"}  # jian, a viewer, needs none
    assert DEMO_TOTP_SECRET in printed
    out = StringIO()
    call_command("demo_code", stdout=out)
    device = TOTPDevice.objects.get(user__username="qingyuan")
    assert out.getvalue()[:6] in {code_of(device, steps) for steps in (-1, 0, 1)}
    client = Client()
    client.post(LOGIN, {"username": "qingyuan", "password": "demo-qingyuan-2026"})
    answer = client.post(VERIFY, {"code": code_of(device), "next": "/"})
    assert answer["Location"] == "/" and client.get("/").status_code == 200
