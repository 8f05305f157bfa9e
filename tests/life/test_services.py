"""Recording and correcting activities (life.services): the rules, the late flag, the scope,
the copied region code and the history."""

import datetime
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from core.access import AccessDenied
from life.models import Activity, ActivityKind, Requirement
from life.services import activity_record, activity_update, late_after_days
from orgs.models import Branch, Standard
from tests.conftest import JIZHOU, QINGYUAN, TIANYU
from tests.factories import BranchFactory, StandardFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(n: int) -> date:
    return TODAY - datetime.timedelta(days=n)


def record(branch, kind, held_on, **fields):
    return activity_record(branch=branch, kind=kind, held_on=held_on, **fields)


def test_an_activity_is_recorded_with_its_branchs_region(council, county_staff):
    branch = BranchFactory()
    activity = record(
        branch, council, days_ago(3), place=" 镇会议室 ", members_present=12, user=county_staff
    )
    activity.refresh_from_db()
    assert (activity.region_code, activity.place, activity.members_present) == (
        TIANYU,
        "镇会议室",
        12,
    )
    assert activity.late is False and activity.recorded_by == county_staff


def test_entered_after_the_default_standards_days_it_is_late_not_refused(council):
    branch = BranchFactory()
    assert record(branch, council, days_ago(30)).late is False
    assert record(branch, council, days_ago(31)).late is True


def test_the_strictest_standard_requiring_the_kind_decides(council, monthly_council):
    county = StandardFactory(code="qingyuan-std", region_id=QINGYUAN, late_after_days=7)
    Requirement.objects.create(standard=county, kind=council, frequency="monthly")
    sibling = StandardFactory(code="jizhou-std", region_id=JIZHOU, late_after_days=1)
    Requirement.objects.create(standard=sibling, kind=council, frequency="monthly")
    branch = BranchFactory()
    assert late_after_days(branch=branch, kind=council) == 7
    assert record(branch, council, days_ago(8)).late is True
    assert record(branch, council, days_ago(7)).late is False


def test_a_kind_no_standard_requires_follows_the_default_standard(training, six_haves):
    Standard.objects.filter(pk=six_haves.pk).update(late_after_days=3)
    assert record(BranchFactory(), training, days_ago(4)).late is True


def test_a_future_date_is_refused(council):
    with pytest.raises(ValidationError) as refused:
        record(BranchFactory(), council, TODAY + datetime.timedelta(days=1))
    assert refused.value.message_dict["held_on"] == ["日期不能晚于今天。"]
    assert not Activity.objects.exists()


def test_a_date_before_the_branch_was_founded_is_refused(council):
    branch = BranchFactory(founded_on=date(2022, 3, 1))
    with pytest.raises(ValidationError) as refused:
        record(branch, council, date(2022, 2, 28))
    assert "held_on" in refused.value.message_dict


def test_a_dissolved_branch_records_what_it_held_before_its_dissolution(council):
    branch = BranchFactory(status="dissolved", dissolved_on=date(2024, 6, 30))
    assert record(branch, council, date(2024, 6, 30)).pk
    with pytest.raises(ValidationError):
        record(branch, council, date(2024, 7, 1))


def test_a_kind_set_beside_the_branchs_region_is_refused(db):
    kind = ActivityKind.objects.create(name="吉州区特色活动", region_id=JIZHOU)
    with pytest.raises(ValidationError) as refused:
        record(BranchFactory(), kind, days_ago(1))
    assert "kind" in refused.value.message_dict


def test_staff_record_only_in_their_region_and_viewers_not_at_all(council, outsider, city_official):
    branch = BranchFactory()
    with pytest.raises(ValidationError) as refused:
        record(branch, council, days_ago(1), user=outsider)
    assert refused.value.error_dict["branch"][0].code == "out_of_scope"
    with pytest.raises(AccessDenied):
        record(branch, council, days_ago(1), user=city_official)
    assert not Activity.objects.exists()


def test_a_correction_is_judged_against_the_day_of_entry(council, county_staff):
    activity = record(BranchFactory(), council, days_ago(2), user=county_staff)
    Activity.objects.filter(pk=activity.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=10)
    )
    activity.refresh_from_db()
    # Held 40 days before today, entered 10 days ago: 30 days after, on time.
    assert activity_update(activity=activity, held_on=days_ago(40), user=county_staff).late is False
    assert activity_update(activity=activity, held_on=days_ago(41), user=county_staff).late is True


def test_a_correction_outside_the_users_region_is_refused(council, outsider):
    activity = record(BranchFactory(), council, days_ago(2))
    with pytest.raises(ValidationError):
        activity_update(activity=activity, place="别处", user=outsider)


def test_the_region_code_follows_a_branch_that_moves(council):
    branch = BranchFactory(kind="school")
    activity = record(branch, council, days_ago(2))
    Branch.objects.filter(pk=branch.pk).update(region_id=QINGYUAN)
    activity.refresh_from_db()
    assert activity.region_code == QINGYUAN


def test_every_change_is_in_the_history(council, county_staff):
    activity = record(BranchFactory(), council, days_ago(2), user=county_staff)
    activity_update(activity=activity, place="村委会", user=county_staff)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pgh_label, place FROM history_activityevent WHERE pgh_obj_id = %s "
            "ORDER BY pgh_id",
            [activity.pk],
        )
        assert cursor.fetchall() == [("insert", ""), ("update", "村委会")]
