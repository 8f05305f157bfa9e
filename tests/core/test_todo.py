"""The home page's to-do registry (core.todo) and the items the apps register."""

import datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from core import todo
from core.access import Action
from imports.models import ImportJob, ImportStatus
from life.models import ActivityKind, Requirement
from life.services import activity_record
from members.choices import ServiceRecordStatus
from members.models import ServiceRecord
from orgs.choices import BranchKind, BranchStatus
from orgs.models import Standard
from orgs.services import assessment_record
from tests.conftest import JIZHOU, QINGYUAN, TIANYU, make_user
from tests.factories import BranchFactory, ServiceRecordFactory

pytestmark = pytest.mark.django_db

ITEMS = [
    "branches_unassessed",
    "service_records_pending",
    "activities_due",
    "rectifications_due",
    "self_assessments_due",
    "evaluations_to_review",
    "imports_unconfirmed",
    "imports_finished_unseen",
    "exports_ready",
]


def counts(user) -> dict[str, int]:
    return {entry.key: entry.count for entry in todo.todo_list(user=user)}


def import_job(user, status=ImportStatus.CHECKED) -> ImportJob:
    return ImportJob.objects.create(
        user=user, region_id=user.region_id, kind="members", file_name="会员.xlsx",
        file_size=1, data=b"x", status=status,
    )  # fmt: skip


# The registry


def test_the_apps_register_their_items_at_start_up():
    assert list(todo.REGISTRY) == ITEMS


def test_a_key_registers_once():
    item = todo.REGISTRY["service_records_pending"]
    with pytest.raises(ValueError, match="registered twice"):
        todo.register(
            key=item.key, label=item.label, action=item.action, rows=item.rows, url=item.url
        )


def test_an_item_added_in_a_few_lines_is_listed_with_its_count(county_staff, outsider):
    """What a new capability does: one ``register`` call, counted in the user's scope."""
    ServiceRecordFactory(hours=1)
    try:
        todo.register(
            key="short_service",
            label="Short service records",
            action=Action.APPROVE,
            rows=lambda: ServiceRecord.objects.filter(hours__lt=2),
            url=todo.changelist(ServiceRecord, hours__lt=2),
        )
        entries = {entry.key: entry for entry in todo.todo_list(user=county_staff)}
        assert entries["short_service"].count == 1
        assert entries["short_service"].url == "/admin/members/servicerecord/?hours__lt=2"
        assert counts(outsider)["short_service"] == 0
    finally:
        del todo.REGISTRY["short_service"]


def test_a_role_that_cannot_act_has_no_to_do(city_official, db):
    ServiceRecordFactory()
    auditor = make_user("qingyuan-auditor", region=QINGYUAN, role="auditor")
    assert todo.todo_list(user=city_official) == []
    assert todo.todo_list(user=auditor) == []


def test_nothing_waiting_is_listed_as_done(county_staff):
    entries = todo.todo_list(user=county_staff)
    assert [entry.key for entry in entries] == ITEMS
    assert all(entry.done and entry.count == 0 for entry in entries)


def test_each_item_is_one_query(county_staff, django_assert_num_queries):
    ServiceRecordFactory()
    # 1 branches not assessed this year, 2 service records pending, 3 branches with
    # activities due this month, 4 rectifications overdue or due soon, 5 self-assessments
    # not submitted, 6 self-assessments to rate, 7 the user's dry runs, 8 the user's imports
    # finished since last opened, 9 the user's exports ready.
    with django_assert_num_queries(9):
        todo.todo_list(user=county_staff)


# The items


def test_pending_service_records_count_in_the_users_county_only(county_staff, outsider):
    ServiceRecordFactory.create_batch(2)
    ServiceRecordFactory(status=ServiceRecordStatus.APPROVED, reviewed_at=timezone.now())
    assert counts(county_staff)["service_records_pending"] == 2
    assert counts(outsider)["service_records_pending"] == 0


def test_pending_service_records_link_to_the_filtered_admin_list(client, county_staff):
    ServiceRecordFactory.create_batch(2)
    ServiceRecordFactory(status=ServiceRecordStatus.APPROVED, reviewed_at=timezone.now())
    entry = next(e for e in todo.todo_list(user=county_staff) if e.key.startswith("service"))
    client.force_login(county_staff)
    response = client.get(entry.url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == entry.count == 2


def test_branches_not_assessed_this_year(county_staff, outsider):
    this_year = timezone.localdate().year
    assessed, last_year_only, _never = BranchFactory.create_batch(3)
    BranchFactory(status=BranchStatus.DISSOLVED, dissolved_on=datetime.date(2020, 1, 1))
    assessment_record(branch=assessed, assessed_on=datetime.date(this_year, 1, 2), items_met=[])
    assessment_record(
        branch=last_year_only, assessed_on=datetime.date(this_year - 1, 6, 1), items_met=[]
    )
    assert counts(county_staff)["branches_unassessed"] == 2
    assert counts(outsider)["branches_unassessed"] == 0
    BranchFactory(region_id=JIZHOU, kind=BranchKind.COUNTY)
    assert counts(outsider)["branches_unassessed"] == 1


def test_branches_not_assessed_link_to_the_filtered_admin_list(client, county_staff):
    BranchFactory.create_batch(2, region_id=TIANYU)
    assessed = BranchFactory()
    assessment_record(branch=assessed, assessed_on=timezone.localdate(), items_met=[])
    entry = next(e for e in todo.todo_list(user=county_staff) if e.key == "branches_unassessed")
    assert dict(parse_qsl(urlsplit(entry.url).query)) == {
        "status__exact": "active",
        "assessed_this_year": "no",
    }
    client.force_login(county_staff)
    listed = client.get(entry.url).context["cl"]
    assert listed.result_count == entry.count == 2
    assert assessed not in listed.result_list


def test_unconfirmed_imports_are_the_users_own_dry_runs(county_staff, county_admin, outsider):
    import_job(county_staff)
    import_job(county_staff, status=ImportStatus.DONE)
    import_job(county_staff, status=ImportStatus.INVALID)
    import_job(county_admin)
    assert counts(county_staff)["imports_unconfirmed"] == 1
    assert counts(county_admin)["imports_unconfirmed"] == 1
    assert counts(outsider)["imports_unconfirmed"] == 0


def test_unconfirmed_imports_link_to_the_users_list_of_them(county_staff):
    waiting = import_job(county_staff)
    done = import_job(county_staff, status=ImportStatus.DONE)
    entry = next(e for e in todo.todo_list(user=county_staff) if e.key == "imports_unconfirmed")
    client = Client()
    client.force_login(county_staff)
    jobs = list(client.get(entry.url).context["jobs"])
    assert jobs == [waiting] and done not in jobs


def test_imports_finished_in_the_background_are_listed_until_opened(county_staff, outsider):
    job = import_job(county_staff, status=ImportStatus.DONE)
    ImportJob.objects.filter(pk=job.pk).update(ended_at=timezone.now())
    import_job(county_staff, status=ImportStatus.QUEUED)  # still waiting for the worker
    assert counts(county_staff)["imports_finished_unseen"] == 1
    assert counts(outsider)["imports_finished_unseen"] == 0
    client = Client()
    client.force_login(county_staff)
    assert client.get(f"/imports/jobs/{job.pk}/").status_code == 200
    assert counts(county_staff)["imports_finished_unseen"] == 0


# The home page


def test_home_shows_the_to_do_to_staff_and_not_to_viewers(client, county_staff, city_official):
    ServiceRecordFactory.create_batch(3)
    client.force_login(county_staff)
    html = client.get("/").content.decode()
    assert 'data-todo="service_records_pending" data-count="3"' in html
    assert 'href="/admin/members/servicerecord/?status__exact=pending"' in html
    assert 'data-todo="imports_unconfirmed" data-count="0"' in html
    client.force_login(city_official)
    assert 'id="todo"' not in client.get("/").content.decode()


def test_a_regions_dashboard_has_no_to_do(client, county_staff):
    ServiceRecordFactory()
    client.force_login(county_staff)
    assert 'id="todo"' not in client.get(f"/regions/{QINGYUAN}/").content.decode()


def test_branches_with_required_activities_due_this_month(county_staff, outsider):
    today = timezone.localdate()
    council = ActivityKind.objects.get_or_create(name="理事会", region=None)[0]
    standard = Standard.objects.get(code="six-haves")
    Requirement.objects.create(standard=standard, kind=council, frequency="monthly")
    # Twice a year: due this month only in June and December, met by one held this half.
    yearly = ActivityKind.objects.get_or_create(name="会员代表大会", region=None)[0]
    Requirement.objects.create(standard=standard, kind=yearly, frequency="yearly")
    held, waiting, _also_waiting = BranchFactory.create_batch(3)
    BranchFactory(status=BranchStatus.PREPARING, founded_on=None)
    BranchFactory(status=BranchStatus.DISSOLVED, dissolved_on=datetime.date(2020, 1, 1))
    activity_record(branch=held, kind=council, held_on=today)
    activity_record(branch=held, kind=yearly, held_on=today)
    activity_record(branch=waiting, kind=council, held_on=today - datetime.timedelta(days=40))
    assert counts(county_staff)["activities_due"] == 2
    assert counts(outsider)["activities_due"] == 0


def test_branches_with_activities_due_link_to_the_filtered_admin_list(client, county_staff):
    council = ActivityKind.objects.get_or_create(name="理事会", region=None)[0]
    standard = Standard.objects.get(code="six-haves")
    Requirement.objects.create(standard=standard, kind=council, frequency="monthly")
    held, _waiting, _also = BranchFactory.create_batch(3)
    activity_record(branch=held, kind=council, held_on=timezone.localdate())
    entry = next(e for e in todo.todo_list(user=county_staff) if e.key == "activities_due")
    assert dict(parse_qsl(urlsplit(entry.url).query)) == {"due_this_month": "yes"}
    client.force_login(county_staff)
    listed = client.get(entry.url).context["cl"]
    assert listed.result_count == entry.count == 2
    assert held.pk not in [branch.pk for branch in listed.result_list]
