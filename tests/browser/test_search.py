"""Finding a region in a real browser: same-named places told apart, exact names opened."""

import pytest
from playwright.sync_api import expect

from tests.conftest import QINGYUAN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("screen", SCREENS)
def test_same_named_villages_show_their_paths_and_an_exact_name_opens_its_region(
    page, live_server, log_in, screenshot, city_official, screen
):
    page.set_viewport_size(SCREENS[screen])
    log_in(city_official)
    page.goto(f"{live_server.url}/search/?q=新圩村委会")
    results = page.locator("#search-results li")
    expect(results).to_have_count(2)
    expect(results.nth(0)).to_contain_text("吉安市 › 青原区 › 新圩镇 › 新圩村委会")
    expect(results.nth(1)).to_contain_text("吉安市 › 泰和县 › 沙村镇 › 新圩村委会")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SCREENS[screen]["width"]  # no sideways scrolling
    screenshot(screen)
    page.goto(f"{live_server.url}/search/?q=青原区")
    expect(page).to_have_url(f"{live_server.url}/regions/{QINGYUAN}/")
