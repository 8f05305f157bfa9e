"""Rectification (整顿) of weak and lax branches: a case is opened (the branch flagged weak),
progress is added, and the level above accepts it with the evidence (the flag lifted);
overdue cases are listed on the to-do and counted per child region; scope everywhere."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.access import UserRole
from history.models import RectificationCaseEvent
from life.models import RectificationCase, RectificationProgress
from life.selectors import rectifications_by_child
from life.services import (
    activity_record,
    rectification_close,
    rectification_open,
    rectification_progress_record,
)
from orgs.choices import BranchKind, BranchRating
from orgs.models import Branch
from tests.conftest import JIAN, QINGYUAN, TIANYU, make_user
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
XINGQIAO = "360802100"  # 兴桥镇, in 吉州区


def opened(branch=None, *, user=None, days_left=30, opened_on=None, **fields):
    return rectification_open(
        branch=branch or BranchFactory(region_id=TIANYU),
        problems=fields.pop("problems", "班子不健全，组织生活不正常"),
        measures=fields.pop("measures", "调整班子，每月召开理事会"),
        responsible=fields.pop("responsible", "王建国"),
        opened_on=opened_on or TODAY - datetime.timedelta(days=60),
        deadline=TODAY + datetime.timedelta(days=days_left),
        user=user,
        **fields,
    )


def messages(error: ValidationError, field: str) -> str:
    return " ".join(str(m) for m in error.message_dict[field])


@pytest.fixture
def township_staff(db):
    return make_user("tianyu-staff", region=TIANYU, role=UserRole.STAFF, is_staff=True)


def test_opening_a_case_flags_the_branch_weak_and_acceptance_lifts_it(county_staff):
    case = opened(user=county_staff)
    assert Branch.objects.get(pk=case.branch_id).rating == BranchRating.WEAK
    assert (case.region_code, case.opened_by) == (TIANYU, county_staff)
    rectification_progress_record(case=case, note="已调整班子成员 3 名", user=county_staff)
    closed = rectification_close(case=case, evidence="理事会按月召开，台账齐全", user=county_staff)
    assert closed.closed_on == TODAY and closed.accepted_by == county_staff
    assert Branch.objects.get(pk=case.branch_id).rating == BranchRating.NORMAL
    # The history keeps the case as opened and as accepted.
    assert RectificationCaseEvent.objects.filter(pgh_obj_id=case.pk).count() == 2


def test_a_deadline_before_the_opening_is_refused(county_staff):
    with pytest.raises(ValidationError) as error:
        opened(user=county_staff, days_left=-90)
    assert "整改期限不能早于立案日期" in messages(error.value, "deadline")
    assert not RectificationCase.objects.exists()
    assert Branch.objects.get().rating == BranchRating.NORMAL


def test_a_branch_has_one_open_case_at_a_time(county_staff):
    case = opened(user=county_staff)
    with pytest.raises(ValidationError) as error:
        opened(case.branch, user=county_staff)
    assert "已有未结案的整改" in messages(error.value, "branch")
    rectification_close(case=case, evidence="已整改到位", user=county_staff)
    assert opened(case.branch, user=county_staff).closed_on is None  # a new case, later


def test_a_closed_case_takes_no_progress_and_no_second_acceptance(county_staff):
    case = opened(user=county_staff)
    rectification_close(case=case, evidence="已整改到位", user=county_staff)
    with pytest.raises(ValidationError) as error:
        rectification_progress_record(case=case, note="补充", user=county_staff)
    assert "已结案" in messages(error.value, "case")
    with pytest.raises(ValidationError):
        rectification_close(case=case, evidence="再次验收", user=county_staff)
    assert RectificationProgress.objects.count() == 0


def test_the_level_above_accepts_not_the_branchs_own(county_staff, township_staff):
    case = opened(user=township_staff)
    with pytest.raises(ValidationError) as error:
        rectification_close(case=case, evidence="已整改", user=township_staff)
    assert "上级验收" in messages(error.value, "case")
    # A county's own branch is accepted by the city, not by the county.
    county_case = opened(
        BranchFactory(region_id=QINGYUAN, kind=BranchKind.COUNTY, name="青原区红十字会"),
        user=county_staff,
    )
    with pytest.raises(ValidationError):
        rectification_close(case=county_case, evidence="已整改", user=county_staff)
    assert rectification_close(case=case, evidence="已整改", user=county_staff).closed_on


def test_acceptance_needs_the_evidence_and_a_day_not_before_the_opening(county_staff):
    case = opened(user=county_staff)
    with pytest.raises(ValidationError) as error:
        rectification_close(
            case=case,
            evidence="  ",
            closed_on=case.opened_on - datetime.timedelta(days=1),
            user=county_staff,
        )
    assert set(error.value.message_dict) == {"evidence", "closed_on"}
    assert RectificationCase.objects.get().closed_on is None


def test_another_countys_branch_is_refused(outsider, county_staff):
    with pytest.raises(ValidationError):
        opened(BranchFactory(region_id=TIANYU), user=outsider)
    case = opened(user=county_staff)
    with pytest.raises(ValidationError):
        rectification_progress_record(case=case, note="越权", user=outsider)
    with pytest.raises(ValidationError):
        rectification_close(case=case, evidence="越权", user=outsider)


def test_overdue_cases_on_the_to_do_and_per_child(client, county_staff):
    late = opened(user=county_staff, days_left=-5, opened_on=TODAY - datetime.timedelta(days=90))
    soon = opened(BranchFactory(region_id="360803101"), user=county_staff, days_left=10)
    opened(BranchFactory(region_id="360803102"), user=county_staff, days_left=90)  # not yet due
    accepted = opened(BranchFactory(region_id=TIANYU), user=county_staff, days_left=-1)
    rectification_close(case=accepted, evidence="已整改", user=county_staff)
    opened(BranchFactory(region_id=XINGQIAO), days_left=-5)  # another county's

    assert late.overdue and not soon.overdue
    assert set(RectificationCase.objects.overdue(TODAY)) == {late, *[]} | set(
        RectificationCase.objects.filter(region_code=XINGQIAO)
    )
    client.force_login(county_staff)
    todo = {e.key: e for e in client.get(reverse("portal:home")).context["todo"]}
    assert todo["rectifications_due"].count == 2  # the overdue one and the one due in 10 days
    listed = client.get(todo["rectifications_due"].url)
    assert {c.pk for c in listed.context["cl"].result_list} == {late.pk, soon.pk}

    rows = {
        row.code: row
        for row in rectifications_by_child(user=county_staff, code=QINGYUAN, year=TODAY.year)
    }
    # Independently, from the table itself.
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT left(region_code, 9), count(*) FILTER (WHERE closed_on IS NULL),
                      count(*) FILTER (WHERE closed_on IS NULL AND deadline < %s),
                      count(*) FILTER (WHERE extract(year FROM closed_on) = %s)
                 FROM life_rectificationcase WHERE region_code LIKE %s GROUP BY 1""",
            [TODAY, TODAY.year, f"{QINGYUAN}%"],
        )
        expected = {code: (o, d, a) for code, o, d, a in cursor.fetchall()}
    assert {
        code: (r.counts.open, r.counts.overdue, r.counts.accepted)
        for code, r in rows.items()
        if (r.counts.open, r.counts.overdue, r.counts.accepted) != (0, 0, 0)
    } == expected
    assert rows[TIANYU].counts.overdue == 1 and rows[TIANYU].counts.accepted == 1
    # The city's view counts 青原区's cases, not 吉州区's for a county user.
    assert {
        r.code
        for r in rectifications_by_child(user=county_staff, code=JIAN, year=TODAY.year)
        if r.counts.open
    } == {QINGYUAN}


def test_admin_opens_adds_progress_and_accepts(client, county_staff):
    branch = BranchFactory(region_id=TIANYU, name="天玉镇红十字会")
    client.force_login(county_staff)
    add = reverse("admin:life_rectificationcase_add")
    body = {
        "branch": branch.pk,
        "source": "by_hand",
        "opened_on": str(TODAY),
        "problems": "组织生活不正常",
        "measures": "每月召开理事会",
        "responsible": "王建国",
        "deadline": str(TODAY + datetime.timedelta(days=60)),
        "progress-TOTAL_FORMS": "0",
        "progress-INITIAL_FORMS": "0",
    }
    response = client.post(add, body)
    assert response.status_code == 302, response.context["adminform"].form.errors
    case = RectificationCase.objects.get()
    assert Branch.objects.get(pk=branch.pk).rating == BranchRating.WEAK

    change = reverse("admin:life_rectificationcase_change", args=[case.pk])
    page = client.get(change)
    assert page.status_code == 200 and "整改" in page.text
    response = client.post(
        change,
        {
            "closed_on": str(TODAY),
            "evidence": "",
            "progress-TOTAL_FORMS": "1",
            "progress-INITIAL_FORMS": "0",
            "progress-0-recorded_on": str(TODAY),
            "progress-0-note": "已召开理事会",
            "progress-0-case": str(case.pk),
        },
    )
    # Acceptance without evidence is refused beside its field; nothing is saved.
    assert response.status_code == 200
    assert "evidence" in response.context["adminform"].form.errors
    assert RectificationProgress.objects.count() == 0
    response = client.post(
        change,
        {
            "closed_on": str(TODAY),
            "evidence": "理事会按月召开",
            "progress-TOTAL_FORMS": "1",
            "progress-INITIAL_FORMS": "0",
            "progress-0-recorded_on": str(TODAY),
            "progress-0-note": "已召开理事会",
            "progress-0-case": str(case.pk),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    case.refresh_from_db()
    assert case.closed_on == TODAY and case.accepted_by == county_staff
    assert RectificationProgress.objects.get().recorded_by == county_staff
    assert Branch.objects.get(pk=branch.pk).rating == BranchRating.NORMAL


def test_api_opens_adds_progress_filters_and_accepts(api, county_staff, city_official):
    branch = BranchFactory(region_id=TIANYU)
    client = api(county_staff)
    body = {
        "branch": branch.pk,
        "problems": "组织生活不正常",
        "measures": "每月召开理事会",
        "responsible": "王建国",
        "deadline": str(TODAY + datetime.timedelta(days=30)),
    }
    response = client.post("/api/v1/rectifications/", body, format="json")
    assert response.status_code == 201, response.content
    case = response.json()
    assert (case["opened_on"], case["overdue"], case["region"]) == (str(TODAY), False, TIANYU)
    url = f"/api/v1/rectifications/{case['id']}/"
    response = client.post(url + "progress/", {"note": "已调整班子"}, format="json")
    assert response.status_code == 201 and response.json()["progress"][0]["note"] == "已调整班子"
    assert client.get("/api/v1/rectifications/", {"state": "open"}).json()["count"] == 1
    assert client.get("/api/v1/rectifications/", {"state": "overdue"}).json()["count"] == 0
    # Viewers read, but may not write.
    assert api(city_official).get(url).status_code == 200
    assert (
        api(city_official).post(url + "close/", {"evidence": "x"}, format="json").status_code == 403
    )
    response = client.post(url + "close/", {"evidence": "理事会按月召开"}, format="json")
    assert response.status_code == 200 and response.json()["closed_on"] == str(TODAY)
    assert client.patch(url, {"problems": "改"}, format="json").status_code == 405
    response = client.post(url + "progress/", {"note": "补充"}, format="json")
    assert response.status_code == 400 and "已结案" in response.content.decode()


def test_api_hides_another_countys_cases(api, outsider, county_staff):
    case = opened(user=county_staff)
    assert api(outsider).get(f"/api/v1/rectifications/{case.pk}/").status_code == 404
    assert api(outsider).get("/api/v1/rectifications/").json()["count"] == 0
    response = api(outsider).post(
        f"/api/v1/rectifications/{case.pk}/progress/", {"note": "越权"}, format="json"
    )
    assert response.status_code == 404


def test_the_dashboard_shows_branch_life_per_child(client, county_staff, council):
    late = opened(user=county_staff, days_left=-5, opened_on=TODAY - datetime.timedelta(days=90))
    early = TODAY - datetime.timedelta(days=40)  # entered today: late (30 days allowed)
    for held_on in (TODAY, early):
        activity_record(branch=late.branch, kind=council, held_on=held_on, user=county_staff)
    client.force_login(county_staff)
    page = client.get(reverse("portal:region_dashboard", args=[QINGYUAN]), {"year": TODAY.year})
    life = {row.code: row for row in page.context["life"]}
    assert (life[QINGYUAN].rectifications.open, life[QINGYUAN].rectifications.overdue) == (1, 1)
    tianyu = life[TIANYU]
    both = early.year == TODAY.year
    assert (tianyu.held, tianyu.rectifications.overdue) == (2 if both else 1, 1)
    assert str(tianyu.on_time_share) == ("0.5000" if both else "1.0000")
    assert 'id="branch-life"' in page.text and "组织生活" in page.text
