"""Two-factor login in a real browser: enrolment on the first login (the QR code drawn here,
the key typed in, the ten recovery codes), then a later login with the app's code."""

from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from core.access import UserRole
from tests.conftest import QINGYUAN, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def code_for(secret: str, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for the key as the page writes it."""
    key = "".join(secret.split())
    key += "=" * (-len(key) % 8)
    return f"{totp(b32decode(key), drift=steps_ahead):06d}"


def sign_in(page, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}")
    page.click("main form button[type=submit]")


@pytest.mark.parametrize("screen", SCREENS)
def test_enrolment_and_a_later_login_with_the_code(
    page, live_server, screenshot, page_problems, settings, screen
):
    settings.OTP_REQUIRED = True
    user = make_user("qy-clerk", region=QINGYUAN, role=UserRole.STAFF)
    page.set_viewport_size(SCREENS[screen])

    sign_in(page, live_server.url, user.username)
    expect(page).to_have_url(f"{live_server.url}/accounts/two-factor/enrol/?next=%2F")
    expect(page.locator("h1")).to_have_text("设置双因素登录")
    qr = page.locator(".two-factor__qr img")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.naturalWidth") > 0  # the browser drew it
    secret = page.locator("#otp-secret").inner_text()
    device = TOTPDevice.objects.get(user=user)
    assert code_for(secret) == f"{totp(device.bin_key):06d}"  # the key the device keeps
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["width"]
    screenshot(f"{screen}-enrol")

    page.fill("#id_code", "000000")
    page.click("main form button.button--primary")
    expect(page.locator(".form-errors")).to_contain_text("验证码无效")
    page.wait_for_timeout(1100)  # the app's code after the one-second pause a wrong one costs

    page.fill("#id_code", code_for(secret))
    page.click("main form button.button--primary")
    expect(page.locator("h1")).to_have_text("您的恢复码")
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    saved = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert {codes.nth(i).inner_text() for i in range(10)} == saved
    screenshot(f"{screen}-recovery-codes")
    page.click("text=我已保存，继续")
    expect(page).to_have_url(f"{live_server.url}/")

    # A later login: the password, then the code page; the code of the next step (the one
    # used for the enrolment is not accepted twice).
    page.context.clear_cookies()
    sign_in(page, live_server.url, user.username)
    expect(page).to_have_url(f"{live_server.url}/accounts/two-factor/?next=%2F")
    screenshot(f"{screen}-verify")
    page.fill("#id_code", code_for(secret, steps_ahead=1))
    page.click("main form button.button--primary")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("main h1").first).to_be_visible()
    assert page_problems == []
