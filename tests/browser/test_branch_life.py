"""Branch life in Chromium, on a desk and on a phone: a staffer records an activity (entered
late, it is flagged, not refused), opens a rectification case for a weak branch, adds its
progress, and the county accepts it; the county rates a branch's self-assessment."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from life.models import Activity, ActivityKind, RectificationCase
from life.services import evaluation_campaign_open, evaluation_submit
from orgs.choices import BranchRating
from orgs.models import Branch, Region
from tests.conftest import QINGYUAN, TIANYU
from tests.factories import BranchFactory, StandardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
TODAY = timezone.localdate()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_staffer_records_an_activity_entered_late(
    page, live_server, log_in, screenshot, page_problems, county_staff, viewport
):
    branch = BranchFactory(region_id=TIANYU, name="天玉镇红十字会")
    kind = ActivityKind.objects.get_or_create(name="理事会", region=None)[0]
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(county_staff)
    page.goto(f"{live_server.url}/admin/life/activity/add/?branch={branch.pk}&kind={kind.pk}")
    held_on = TODAY - datetime.timedelta(days=75)
    page.fill("#id_held_on", held_on.isoformat())
    page.fill("#id_place", "镇政府会议室")
    page.fill("#id_members_present", "18")
    page.fill("#id_summary", "研究部署季度工作")
    screenshot(f"{viewport}-form")
    page.locator("input[name='_save']").click()
    expect(page.locator(".messagelist")).to_contain_text("成功")
    activity = Activity.objects.get()
    assert (activity.branch, activity.held_on, activity.late) == (branch, held_on, True)
    expect(page.locator("#result_list")).to_contain_text("镇政府会议室")
    screenshot(f"{viewport}-list")
    assert [p for p in page_problems if "404 (Not Found)" not in p] == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_weak_branch_is_rectified_and_the_county_accepts_it(
    page, live_server, log_in, screenshot, page_problems, county_staff, viewport
):
    branch = BranchFactory(region_id=TIANYU, name="天玉镇红十字会")
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(county_staff)
    page.goto(f"{live_server.url}/admin/life/rectificationcase/add/?branch={branch.pk}")
    page.fill("#id_problems", "理事会长期不开会，活动台账缺失")
    page.fill("#id_measures", "补选理事，按月开展主题活动日")
    page.fill("#id_responsible", "王建国")
    page.fill("#id_deadline", (TODAY + datetime.timedelta(days=20)).isoformat())
    page.locator("input[name='_save']").click()
    expect(page.locator(".messagelist")).to_contain_text("成功")
    assert Branch.objects.get(pk=branch.pk).rating == BranchRating.WEAK
    # Due within 30 days: it is on the staffer's to-do, linked to the list.
    page.goto(f"{live_server.url}/")
    item = page.locator("[data-todo=rectifications_due]")
    expect(item).to_contain_text("1")
    item.locator("a").first.click()
    expect(page.locator("#result_list")).to_contain_text("天玉镇红十字会")
    screenshot(f"{viewport}-due")

    case = RectificationCase.objects.get()
    page.goto(f"{live_server.url}/admin/life/rectificationcase/{case.pk}/change/")
    page.get_by_text("添加另一个").first.click()
    page.fill("#id_progress-0-recorded_on", TODAY.isoformat())
    page.fill("#id_progress-0-note", "已补选理事 2 名")
    page.fill("#id_closed_on", TODAY.isoformat())
    page.fill("#id_evidence", "连续三个月按时开展主题活动，台账齐全")
    screenshot(f"{viewport}-accept")
    page.locator("input[name='_save']").click()
    expect(page.locator(".messagelist")).to_contain_text("成功")
    case.refresh_from_db()
    assert (case.closed_on, case.accepted_by) == (TODAY, county_staff)
    assert case.progress.get().note == "已补选理事 2 名"
    assert Branch.objects.get(pk=branch.pk).rating == BranchRating.NORMAL
    assert [p for p in page_problems if "404 (Not Found)" not in p] == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_county_rates_a_branchs_self_assessment(
    page, live_server, log_in, screenshot, page_problems, county_staff, viewport
):
    branch = BranchFactory(region_id=TIANYU, name="天玉镇红十字会")
    standard = StandardFactory(items=4)
    campaign = evaluation_campaign_open(
        year=TODAY.year,
        region=Region.objects.get(code=QINGYUAN),
        level="township",
        standard=standard,
        scale="stars",
        self_assessment_due=TODAY,
    )
    evaluation = evaluation_submit(
        campaign=campaign,
        branch=branch,
        items_met=standard.items.all()[:3],
        self_assessment="全年按月开展主题活动日，台账齐全",
    )
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(county_staff)
    # Waiting for the county's rating: on its to-do, linked to the list.
    page.goto(f"{live_server.url}/")
    item = page.locator("[data-todo=evaluations_to_review]")
    expect(item).to_contain_text("1")
    item.locator("a").first.click()
    expect(page.locator("#result_list")).to_contain_text("天玉镇红十字会")
    page.locator("#result_list a", has_text="天玉镇红十字会").first.click()
    expect(page.locator("#id_decision")).to_be_visible()
    page.select_option("#id_decision", label="四星")
    page.fill("#id_comment", "各项工作开展较好")
    page.check("#id_publish")
    screenshot(f"{viewport}-rate")
    page.locator("input[name='_save']").click()
    expect(page.locator(".messagelist")).to_contain_text("成功")
    evaluation.refresh_from_db()
    assert evaluation.rating == "stars_4"
    decision = evaluation.decisions.get()
    assert (decision.published_on, decision.decided_by) == (TODAY, county_staff)
    # Published: the decision is listed, and a change now asks for its reason.
    page.goto(f"{live_server.url}/admin/life/evaluation/{evaluation.pk}/change/")
    expect(page.locator("#decisions-group")).to_contain_text("各项工作开展较好")
    page.select_option("#id_decision", label="三星")
    page.locator("input[name='_save']").click()
    expect(page.locator(".errorlist")).to_contain_text("更正的理由")
    screenshot(f"{viewport}-correction-refused")
    assert evaluation.decisions.count() == 1
    assert [p for p in page_problems if "404 (Not Found)" not in p] == []
