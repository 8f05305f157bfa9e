"""Every write path leaves an event with who, from where, and the values before and after."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from core.context import write_context
from funds.models import Donation, Donor
from history.models import DonationEvent, MemberEvent, UserEvent
from members.models import Member
from members.services import member_join
from tests.factories import BranchFactory, DonationFactory, DonorFactory, MemberFactory
from tests.history.conftest import events_of

pytestmark = pytest.mark.django_db


def who(event) -> tuple:
    context = event.pgh_context or {}
    return event.pgh_label, context.get("source"), context.get("username")


# Admin ----------------------------------------------------------------------------------


def test_admin_add_records_the_creation_with_the_user_and_address(staff_client, county_staff):
    data = {"branch": BranchFactory().pk, "kind": "individual", "name": "刘丽"}
    data |= {"joined_on": "2021-03-01", "events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0}
    page = staff_client.post(reverse("admin:members_member_add"), data, REMOTE_ADDR="10.1.2.3")
    assert page.status_code == 302
    [event] = events_of(Member.objects.get(name="刘丽"))
    assert who(event) == ("insert", "admin", "qingyuan-staff")
    assert event.pgh_context["user"] == county_staff.pk
    assert event.pgh_context["ip"] == "10.1.2.3"
    assert event.pgh_context["url"] == "/admin/members/member/add/"
    assert event.name == "刘丽"


def test_admin_change_records_before_and_after(staff_client):
    member = MemberFactory(name="刘丽", occupation="教师")
    form = staff_client.get(reverse("admin:members_member_change", args=[member.pk]))
    data = {k: v for k, v in form.context["adminform"].form.initial.items() if v is not None}
    data |= {"occupation": "医生", "events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0}
    page = staff_client.post(reverse("admin:members_member_change", args=[member.pk]), data)
    assert page.status_code == 302, page.context["adminform"].form.errors
    created, changed = events_of(member)
    assert who(created) == ("insert", None, None)  # the factory: no request, "system"
    assert who(changed) == ("update", "admin", "qingyuan-staff")
    assert (created.occupation, changed.occupation) == ("教师", "医生")


def test_admin_delete_records_the_last_values(client, county_admin):
    member = MemberFactory(name="刘丽")
    client.force_login(county_admin)
    url = reverse("admin:members_member_delete", args=[member.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Member.objects.filter(pk=member.pk).exists()
    event = events_of(member)[-1]
    assert who(event) == ("delete", "admin", "qingyuan-admin")
    assert event.name == "刘丽"


# API ------------------------------------------------------------------------------------


def test_api_create_update_and_delete_are_recorded(api, county_admin):
    client = api(county_admin)
    payload = {"kind": "enterprise", "name": "吉安建设", "region": "360803", "phone": "13812345678"}
    donor_id = client.post("/api/v1/donors/", payload).json()["id"]
    assert client.patch(f"/api/v1/donors/{donor_id}/", {"name": "吉安建工"}).status_code == 200
    assert client.delete(f"/api/v1/donors/{donor_id}/").status_code == 204
    events = events_of(Donor(pk=donor_id))
    assert [who(event) for event in events] == [
        ("insert", "api", "qingyuan-admin"),
        ("update", "api", "qingyuan-admin"),
        ("delete", "api", "qingyuan-admin"),
    ]
    assert [event.name for event in events] == ["吉安建设", "吉安建工", "吉安建工"]
    assert events[0].pgh_context["url"] == "/api/v1/donors/"


def test_api_token_user_is_recorded(client, county_admin):
    """Tokens are checked by the view, after the middleware: the user still reaches the event."""
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=county_admin)
    payload = {"kind": "enterprise", "name": "吉安建设", "region": "360803"}
    answer = client.post(
        "/api/v1/donors/",
        payload,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert answer.status_code == 201, answer.content
    [event] = events_of(Donor(pk=answer.json()["id"]))
    assert who(event) == ("insert", "api", "qingyuan-admin")


# Import, services, raw SQL --------------------------------------------------------------


def test_an_import_bulk_create_carries_the_import_context(rf, county_staff):
    branch = BranchFactory()
    request = rf.post("/imports/members/", REMOTE_ADDR="10.9.8.7")
    rows = [
        Member(
            branch=branch,
            region_code=branch.region_id,
            name=f"会员{n}",
            joined_on=datetime.date(2020, 1, 1),
        )
        for n in range(3)
    ]
    with write_context(source="import", user=county_staff, request=request):
        created = Member.objects.bulk_create(rows)
    events = MemberEvent.objects.filter(pgh_obj_id__in=[m.pk for m in created])
    assert sorted(event.name for event in events) == ["会员0", "会员1", "会员2"]
    assert {who(event) for event in events} == {("insert", "import", "qingyuan-staff")}
    assert {event.pgh_context["ip"] for event in events} == {"10.9.8.7"}
    assert len({event.pgh_context_id for event in events}) == 1


def test_a_nested_import_context_gives_the_outer_context_back(rf, county_staff):
    branch = BranchFactory()
    with write_context(source="web", user=county_staff):
        with write_context(source="import", user=county_staff):
            first = member_join(branch=branch, name="甲", joined_on=datetime.date(2020, 1, 1))
        second = member_join(branch=branch, name="乙", joined_on=datetime.date(2020, 1, 1))
    assert who(events_of(first)[0])[1] == "import"
    assert who(events_of(second)[0])[1] == "web"


def test_a_service_call_outside_a_request_is_recorded_without_context():
    member = member_join(branch=BranchFactory(), name="甲", joined_on=datetime.date(2020, 1, 1))
    [event] = events_of(member)
    assert event.pgh_context is None  # shown as "system"


def test_raw_sql_writes_are_recorded():
    member = MemberFactory(occupation="教师")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE members_member SET occupation = %s WHERE id = %s", ["农民", member.pk]
        )
    assert [(e.pgh_label, e.occupation) for e in events_of(member)] == [
        ("insert", "教师"),
        ("update", "农民"),
    ]


def test_a_save_without_changes_records_nothing():
    member = MemberFactory()
    member.save()  # only updated_at moves
    assert [event.pgh_label for event in events_of(member)] == ["insert"]


def test_donations_record_their_creation(county_staff):
    with write_context(source="import", user=county_staff):
        donation = DonationFactory()
    [event] = DonationEvent.objects.filter(pgh_obj_id=donation.pk)
    assert (event.pgh_label, event.amount) == ("insert", donation.amount)
    assert Donation.objects.get(pk=donation.pk).region_code == event.region_code


def test_user_history_leaves_the_password_hash_out(county_staff):
    county_staff.set_password("another-pw-123")
    county_staff.first_name = "丽"
    county_staff.save()
    assert not hasattr(UserEvent, "password")
    assert [e.pgh_label for e in events_of(county_staff)] == ["insert", "update"]


def test_donor_factory_history_has_values():
    donor = DonorFactory(name="吉安建设")
    assert events_of(donor)[0].name == "吉安建设"
