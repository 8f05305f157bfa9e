"""The gap list worked in a real browser (child filter, column, files), and the pages on
paper: print media hides navigation, search and language, shows the print header, draws
the charts, and prints A4 portrait."""

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from orgs.models import Region
from tests.browser.test_dashboard import YEAR, expect_charts_drawn, jian_covered, jian_donations
from tests.conftest import JIAN, QINGYUAN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["jian_covered", "jian_donations"]  # fixtures used by the print tests

PHONE = {"width": 390, "height": 844}
#: An A4 sheet's width in CSS pixels (210 mm at 96 dpi): the print screenshots' viewport.
A4_WIDTH = 794
#: A4 portrait in PDF points (595.28 × 841.89), as the @page rule asks.
A4_POINTS = (595.28, 841.89)
MEDIA_BOX = re.compile(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]")
PDF_PAGE = re.compile(rb"/Type /Page(?!s)")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_city_official_narrows_the_villages_to_one_county_and_downloads_them(
    live_server, page: Page, log_in, city_official, screenshot, page_problems, viewport
):
    if viewport == "phone":
        page.set_viewport_size(PHONE)
    log_in(city_official)
    page.goto(f"{live_server.url}/regions/{JIAN}/gaps/?level=community")
    total = int(page.locator("#gap-count").get_attribute("data-count"))
    expect(page.locator("#gap-count")).to_contain_text(f"{total:,}")
    qingyuan = Region.objects.get(code=QINGYUAN).name

    # Choosing a county submits the form (no button needed with scripts on).
    page.select_option("select[name=child]", QINGYUAN)
    expect(page).to_have_url(re.compile(rf"child={QINGYUAN}"))
    count = int(page.locator("#gap-count").get_attribute("data-count"))
    assert 0 < count < total
    codes = page.locator("#gap-list tbody tr").evaluate_all(
        "rows => rows.map(row => row.dataset.gap)"
    )
    assert codes and all(code.startswith(QINGYUAN) for code in codes)
    expect(page.locator("#gap-list [data-cell=child]").first).to_have_text(qingyuan)
    screenshot(viewport)

    with page.expect_download() as download:
        page.click("[data-export=csv]")
    text = download.value.path().read_bytes().decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[2] == "下级区划" and len(rows) == count
    assert {row[2] for row in rows} == {qingyuan}
    assert page_problems == []


def expect_printed_header(page: Page, *, place: str, period: str | None):
    """Print media: no navigation, search or language switch; the print header shows."""
    for hidden in (".site-nav", ".site-search", ".language-switch", ".breadcrumbs", ".exports"):
        expect(page.locator(hidden).first).to_be_hidden()
    header = page.locator("#print-header")
    expect(header).to_be_visible()
    expect(header.locator("[data-print=place]")).to_contain_text(place)
    expect(header.locator("[data-print=as-of]")).to_have_text(
        re.compile(r"数据截至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}")
    )
    if period:
        expect(header.locator("[data-print=period]")).to_have_text(period)


def print_pdf(page: Page, screenshot, name: str) -> bytes:
    """The page as the browser prints it: A4 portrait from the stylesheet's @page rule."""
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    path = screenshot(name)
    path.with_suffix(".pdf").write_bytes(pdf)
    sizes = {(float(w), float(h)) for w, h in MEDIA_BOX.findall(pdf)}
    assert sizes and all(
        abs(w - A4_POINTS[0]) < 1 and abs(h - A4_POINTS[1]) < 1 for w, h in sizes
    ), sizes
    return pdf


def test_dashboard_prints_its_charts_under_a_header_of_region_year_and_time(
    live_server, page: Page, log_in, city_official, jian_donations, screenshot, page_problems
):
    log_in(city_official)
    page.goto(f"{live_server.url}/regions/{JIAN}/?year={YEAR}")
    expect_charts_drawn(page, empty=())
    expect(page.locator("#print-header")).to_be_hidden()  # on screen: the page's own head
    expect(page.locator(".site-nav")).to_be_visible()

    page.set_viewport_size({"width": A4_WIDTH, "height": 1123})
    page.emulate_media(media="print")
    expect_printed_header(page, place="吉安市", period=f"{YEAR}年度")
    # Each chart fits the sheet's width.
    for canvas in page.locator("[data-chart] canvas").all():
        box = canvas.bounding_box()
        assert box and 0 < box["width"] <= A4_WIDTH and box["height"] > 0
    print_pdf(page, screenshot, "print")
    assert page_problems == []


def test_gap_list_prints_with_its_filter_in_the_header(
    live_server, page: Page, log_in, city_official, screenshot
):
    log_in(city_official)
    page.goto(f"{live_server.url}/regions/{JIAN}/gaps/?level=community&child={QINGYUAN}")
    page.set_viewport_size({"width": A4_WIDTH, "height": 1123})
    page.emulate_media(media="print")
    expect_printed_header(page, place="青原区", period=None)
    expect(page.locator(".filter-form")).to_be_hidden()
    # The sheet says which page of the list it holds, without the buttons.
    expect(page.locator(".pagination")).to_contain_text("第 1 页，共 2 页")
    expect(page.locator(".pagination .button")).to_be_hidden()
    # Table rows keep whole across pages; the header row repeats on each sheet.
    rules = page.evaluate(
        """() => {
            const row = getComputedStyle(document.querySelector('#gap-list tbody tr'));
            const head = getComputedStyle(document.querySelector('#gap-list thead'));
            return [row.breakInside, head.display];
        }"""
    )
    assert rules == ["avoid", "table-header-group"]
    pdf = print_pdf(page, screenshot, "print")
    assert len(PDF_PAGE.findall(pdf)) >= 2  # a hundred villages fill more than one sheet


def test_branch_page_prints_under_a_header_of_branch_and_time(
    live_server, page: Page, log_in, city_official, jian_covered, screenshot
):
    branch = next(b for b in jian_covered if b.region_id.startswith(QINGYUAN))
    log_in(city_official)
    page.goto(f"{live_server.url}/branches/{branch.pk}/")
    page.set_viewport_size({"width": A4_WIDTH, "height": 1123})
    page.emulate_media(media="print")
    expect_printed_header(page, place=branch.name, period=None)
    print_pdf(page, screenshot, "print")
