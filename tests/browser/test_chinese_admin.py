"""The admin's JavaScript-made text in Chinese: the calendar, its shortcuts, the time zone
note of a browser outside Asia/Shanghai, and the dropdowns' empty choice (what counts as
English: tests/core/english.py)."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.conftest import JIAN
from tests.core.english import english_in
from tests.factories import BranchFactory, CampaignFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}

#: Every text the reader sees, by the rules of tests/core/english.py: the text nodes of shown
#: elements and of the dropdowns' options, the labels read out (title, placeholder,
#: aria-label, alt) of shown elements; not code, nor what is marked as another language.
VISIBLE_TEXT = """() => {
  const skipped = "script, style, template, code, pre, kbd, samp";
  const otherLanguage = (el) => {
    const marked = el.closest("body [lang]");
    return marked && !marked.lang.toLowerCase().startsWith("zh");
  };
  const shown = (el) => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden";
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (el.closest(skipped) || otherLanguage(el)) continue;
    if (el.tagName === "OPTION" || shown(el)) texts.push(node.textContent);
  }
  for (const el of document.querySelectorAll("[title],[placeholder],[aria-label],img[alt]")) {
    if (!shown(el) || otherLanguage(el) || el.matches("img[src*='/admin/img/icon-']")) continue;
    for (const name of ["title", "placeholder", "aria-label", "alt"]) {
      const value = el.getAttribute(name);
      if (value) texts.push(value);
    }
  }
  return texts.map((t) => t.split(/\\s+/).join(" ").trim()).filter(Boolean);
}"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_donation_form_and_its_calendar_are_chinese(
    browser, live_server, county_staff, viewport
):
    BranchFactory(name="天玉镇红十字会")
    CampaignFactory(name="博爱送万家", region_id=JIAN)
    # A staffer whose computer is set to London time: the admin notes the server's time zone.
    context = browser.new_context(
        locale="zh-CN", timezone_id="Europe/London", viewport=VIEWPORTS[viewport]
    )
    client = Client()
    client.force_login(county_staff)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    problems = []
    # The admin names no icon: the browser's own /favicon.ico request may 404.
    page.on(
        "response",
        lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico") and problems.append(r.url),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto(f"{live_server.url}/admin/funds/donation/add/")
        note = page.locator(".timezonewarning").first
        expect(note).to_be_visible()
        expect(note).to_contain_text("请按服务器时区（Asia/Shanghai）输入时间")
        expect(note).to_contain_text("您的设备时间慢 8 小时")
        expect(page.locator("select:not(.admin-autocomplete) option[value='']").first).to_have_text(
            "- 请选择 -"
        )
        page.locator("#calendarlink0").click()  # the first date's calendar
        expect(page.locator(".calendarbox").first).to_be_visible()
        # Single letters escape the word rule: the weekday headings are checked by name.
        weekdays = page.locator(".calendarbox").first.locator("th")
        expect(weekdays).to_have_text(["一", "二", "三", "四", "五", "六", "日"])
        texts = page.evaluate(VISIBLE_TEXT)
        record_data = {county_staff.username, county_staff.get_full_name()}
        assert english_in(texts, record_data=record_data) == []
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"chinese-admin-donation-{viewport}.png"
        page.screenshot(path=str(path), full_page=True)
        context.close()
    assert problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_viewer_refused_at_the_imports_reads_a_chinese_page(
    browser, live_server, city_official, viewport
):
    context = browser.new_context(locale="zh-CN", viewport=VIEWPORTS[viewport])
    client = Client()
    client.force_login(city_official)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    try:
        response = page.goto(f"{live_server.url}/imports/")
        assert response.status == 403
        expect(page.get_by_role("heading", level=1)).to_have_text("无权访问")
        expect(page.get_by_role("link", name="查看本区划概览")).to_be_visible()
        assert english_in(page.evaluate(VISIBLE_TEXT), record_data={city_official.username}) == []
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"chinese-403-imports-{viewport}.png"), full_page=True)
        context.close()
