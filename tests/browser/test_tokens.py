"""A user sees their API tokens beside their sessions and revokes one, in a real browser."""

import pytest
from playwright.sync_api import expect

from core.access import UserRole
from portal.models import ApiToken
from portal.tokens import api_token_issue
from tests.conftest import QINGYUAN, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_revokes_one_of_their_tokens_on_the_sessions_page(
    page, live_server, log_in, screenshot, page_problems
):
    user = make_user("qingyuan-clerk", region=QINGYUAN, role=UserRole.STAFF)
    kept, _ = api_token_issue(user=user, name="省级平台", read_only=True)
    gone, key = api_token_issue(user=user, name="捐赠平台")
    log_in(user)
    page.goto(f"{live_server.url}/accounts/sessions/")
    tokens = page.locator("#api-tokens tbody tr")
    expect(tokens).to_have_count(2)
    expect(page.locator("#api-tokens")).to_contain_text("只读")
    expect(page.locator("#api-tokens")).not_to_contain_text(key)
    screenshot("before")
    tokens.filter(has_text="捐赠平台").get_by_role("button", name="撤销").click()
    expect(page.locator("body")).to_contain_text("API 令牌 捐赠平台 已撤销")
    expect(tokens.filter(has_text="捐赠平台")).to_contain_text("已撤销")
    expect(tokens.filter(has_text="省级平台").get_by_role("button", name="撤销")).to_be_visible()
    screenshot("after")
    assert ApiToken.objects.get(pk=gone.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=kept.pk).revoked_at is None
    assert page_problems == []
