"""The audit administrator reads the audit trail in a real browser, on a desk and a phone."""

import pytest
from playwright.sync_api import expect

from core.access import UserRole
from core.audit import AuditKind, Outcome
from history.audit_trail import record
from tests.conftest import QINGYUAN, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("screen", SCREENS)
def test_the_auditor_filters_the_failed_logins_and_opens_one(
    page, live_server, log_in, screenshot, screen
):
    auditor = make_user("qingyuan-audit", region=QINGYUAN, role=UserRole.AUDITOR, is_staff=True)
    record(AuditKind.LOGIN, user=auditor)
    record(AuditKind.LOGIN_FAILED, username="张三", outcome=Outcome.FAILURE, detail={"n": 1})
    # The admin names no icon: the browser's own /favicon.ico request may 404.
    failed = []
    page.on(
        "response",
        lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico") and failed.append(r.url),
    )
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size(SCREENS[screen])
    log_in(auditor)
    page.goto(f"{live_server.url}/admin/history/auditevent/?kind=login_failed")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("张三")
    expect(rows.first).to_contain_text("登录失败")
    expect(page.locator("#changelist-filter")).to_contain_text("结果")
    screenshot(screen)
    rows.first.locator("a").first.click()
    expect(page.locator("pre")).to_contain_text('"n": 1')
    screenshot(f"{screen}-event")
    page.wait_for_load_state("networkidle")  # no request still writing when the test ends
    assert (failed, errors) == ([], [])
