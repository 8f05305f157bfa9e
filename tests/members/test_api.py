"""The members endpoints: members, positions, volunteer teams, volunteers, service records."""

import pytest

from members.models import Member, MembershipEvent, Position, ServiceRecord, Volunteer
from orgs.validators import id_check_char
from tests.conftest import TIANYU
from tests.factories import (
    BranchFactory,
    MemberFactory,
    PositionFactory,
    ServiceRecordFactory,
    VolunteerFactory,
    VolunteerTeamFactory,
)

pytestmark = pytest.mark.django_db

GUNAN = "360802001"  # 古南街道, a street of 吉州区
ID_NUMBER = "36080319900101123" + id_check_char("36080319900101123")


@pytest.fixture
def branch():
    return BranchFactory(name="天玉镇红十字会")


def results(response) -> list:
    assert response.status_code == 200, response.content
    return response.json()["results"]


# Members --------------------------------------------------------------------------------


def member_payload(branch, **changes) -> dict:
    return {
        "branch": branch.pk,
        "name": "李红",
        "joined_on": "2020-03-01",
        "gender": "female",
        "id_number": ID_NUMBER,
        "phone": "13812345678",
        **changes,
    }


def test_staff_enrol_a_member(api, county_staff, branch):
    response = api(county_staff).post("/api/v1/members/", member_payload(branch))
    assert response.status_code == 201
    data = response.json()
    assert (data["region"], data["kind"], data["left_on"]) == (TIANYU, "individual", None)
    assert (data["phone"], data["id_number"]) == ("13812345678", ID_NUMBER)
    assert MembershipEvent.objects.get().kind == "joined"


def test_viewers_see_phone_and_id_numbers_masked(api, city_official):
    member = MemberFactory(phone="13812345678", id_number=ID_NUMBER)
    data = api(city_official).get(f"/api/v1/members/{member.pk}/").json()
    assert data["phone"] == "138****5678"
    assert data["id_number"] == f"3608**********{ID_NUMBER[-4:]}"


def test_a_wrong_id_number_is_a_field_error(api, county_staff, branch):
    client = api(county_staff, HTTP_ACCEPT_LANGUAGE="en")
    wrong = ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")
    response = client.post("/api/v1/members/", member_payload(branch, id_number=wrong))
    assert response.json()["errors"] == {"id_number": ["The ID number's check digit is wrong."]}
    assert not Member.objects.exists()


def test_a_missing_join_date_is_required_in_chinese(api, county_staff, branch):
    payload = member_payload(branch)
    del payload["joined_on"]
    response = api(county_staff).post("/api/v1/members/", payload)
    assert response.json()["errors"] == {"joined_on": ["该字段是必填项。"]}


def test_a_branch_outside_the_scope_does_not_exist(api, county_staff):
    theirs = BranchFactory(region_id=GUNAN)
    response = api(county_staff).post("/api/v1/members/", member_payload(theirs))
    assert response.json()["errors"] == {"branch": [f"无效主键 “{theirs.pk}” － 对象不存在。"]}


def test_a_member_leaves_and_rejoins(api, county_staff):
    member = MemberFactory()
    client = api(county_staff)
    left = client.post(
        f"/api/v1/members/{member.pk}/leave/", {"left_on": "2023-01-01", "reason": "迁出"}
    )
    assert (left.status_code, left.json()["left_on"], left.json()["leave_reason"]) == (
        200,
        "2023-01-01",
        "迁出",
    )
    rows = results(client.get("/api/v1/members/", {"active": "false"}))
    assert [row["id"] for row in rows] == [member.pk]
    back = client.post(f"/api/v1/members/{member.pk}/rejoin/", {"rejoined_on": "2024-01-01"})
    assert (back.json()["left_on"], back.json()["joined_on"]) == (None, "2024-01-01")


def test_leaving_twice_is_refused(api, county_staff):
    member = MemberFactory(left_on="2023-01-01", leave_reason="迁出")
    client = api(county_staff, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        f"/api/v1/members/{member.pk}/leave/", {"left_on": "2023-02-01", "reason": "x"}
    )
    assert response.json()["errors"] == {"left_on": ["This member has already left."]}


def test_an_edit_cannot_move_a_member_to_another_branch(api, county_staff, branch):
    member = MemberFactory(branch=branch)
    other = BranchFactory()
    response = api(county_staff).patch(
        f"/api/v1/members/{member.pk}/", {"branch": other.pk, "occupation": "村支书"}
    )
    assert (response.json()["branch"], response.json()["occupation"]) == (branch.pk, "村支书")


def test_members_are_never_deleted(api, county_admin):
    member = MemberFactory()
    assert api(county_admin).delete(f"/api/v1/members/{member.pk}/").status_code == 405


def test_member_list_reads_two_queries(api, city_official, django_assert_num_queries):
    client = api(city_official)
    MemberFactory.create_batch(3)
    # The count, then the page.
    with django_assert_num_queries(2):
        client.get("/api/v1/members/")
    MemberFactory.create_batch(3)
    with django_assert_num_queries(2):
        assert len(results(client.get("/api/v1/members/"))) == 6


# Positions ------------------------------------------------------------------------------


def test_one_president_at_a_time(api, county_staff, branch):
    client = api(county_staff, HTTP_ACCEPT_LANGUAGE="en")
    payload = {"branch": branch.pk, "role": "president", "started_on": "2020-01-01"}
    first = client.post("/api/v1/positions/", {**payload, "holder_name": "王会长"})
    assert first.status_code == 201
    second = client.post("/api/v1/positions/", {**payload, "holder_name": "赵会长"})
    assert second.json()["errors"] == {
        "role": ["Someone already holds this position: end their term first."]
    }
    ended = client.post(f"/api/v1/positions/{first.json()['id']}/end/", {"ended_on": "2023-12-31"})
    assert ended.json()["ended_on"] == "2023-12-31"
    third = client.post("/api/v1/positions/", {**payload, "holder_name": "赵会长"})
    assert third.status_code == 201


def test_positions_filter_current_terms(api, county_staff):
    current, ended = PositionFactory(), PositionFactory(ended_on="2022-01-01")
    client = api(county_staff)
    assert [row["id"] for row in results(client.get("/api/v1/positions/", {"current": True}))] == [
        current.pk
    ]
    rows = results(client.get("/api/v1/positions/", {"current": False}))
    assert [row["id"] for row in rows] == [ended.pk]


def test_position_list_reads_two_queries(api, city_official, django_assert_num_queries):
    client = api(city_official)
    PositionFactory.create_batch(2)
    # The count, then the page.
    with django_assert_num_queries(2):
        client.get("/api/v1/positions/")
    PositionFactory.create_batch(2)
    with django_assert_num_queries(2):
        assert len(results(client.get("/api/v1/positions/"))) == 4


def test_positions_are_deleted_by_administrators(api, county_admin):
    position = PositionFactory()
    assert api(county_admin).delete(f"/api/v1/positions/{position.pk}/").status_code == 204
    assert not Position.objects.exists()


# Volunteer teams and volunteers ---------------------------------------------------------


def test_staff_form_a_team_with_its_unifications(api, county_staff, branch):
    payload = {
        "branch": branch.pk,
        "name": "天玉镇应急救护志愿服务队",
        "service_type": "emergency",
        "unified_name": True,
        "unified_uniform": True,
    }
    response = api(county_staff).post("/api/v1/volunteer-teams/", payload)
    assert response.status_code == 201
    data = response.json()
    assert (data["six_unifications_met"], data["volunteer_count"], data["region"]) == (
        2,
        0,
        TIANYU,
    )


def test_a_team_counts_its_registered_volunteers(api, county_staff):
    team = VolunteerTeamFactory()
    VolunteerFactory.create_batch(2, team=team)
    VolunteerFactory(team=team, status="inactive")
    data = api(county_staff).get(f"/api/v1/volunteer-teams/{team.pk}/").json()
    assert data["volunteer_count"] == 2


def test_a_protected_team_cannot_be_deleted(api, county_admin):
    volunteer = VolunteerFactory()
    response = api(county_admin, HTTP_ACCEPT_LANGUAGE="en").delete(
        f"/api/v1/volunteer-teams/{volunteer.team_id}/"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": ["Other records still refer to this one."]
    }


def test_team_list_reads_two_queries(api, city_official, django_assert_num_queries):
    client = api(city_official)
    VolunteerFactory.create_batch(2)
    # The count, then the page with each team's volunteers counted (GROUP BY).
    with django_assert_num_queries(2):
        client.get("/api/v1/volunteer-teams/")
    VolunteerFactory.create_batch(2)
    with django_assert_num_queries(2):
        assert len(results(client.get("/api/v1/volunteer-teams/"))) == 4


def test_staff_register_a_volunteer_in_a_team(api, county_staff):
    team = VolunteerTeamFactory()
    payload = {
        "branch": team.branch_id,
        "team": team.pk,
        "name": "刘志愿",
        "registered_on": "2021-03-05",
    }
    response = api(county_staff).post("/api/v1/volunteers/", payload)
    assert (response.status_code, response.json()["status"]) == (201, "active")


def test_a_volunteer_of_another_branchs_team_is_refused(api, county_staff, branch):
    team = VolunteerTeamFactory()
    payload = {
        "branch": branch.pk,
        "team": team.pk,
        "name": "刘志愿",
        "registered_on": "2021-03-05",
    }
    response = api(county_staff).post("/api/v1/volunteers/", payload)
    assert (response.status_code, list(response.json()["errors"])) == (400, ["team"])
    assert not Volunteer.objects.filter(name="刘志愿").exists()


def test_an_edit_deregisters_a_volunteer(api, county_staff):
    volunteer = VolunteerFactory()
    response = api(county_staff).patch(
        f"/api/v1/volunteers/{volunteer.pk}/", {"status": "inactive"}
    )
    assert response.json()["status"] == "inactive"
    assert Volunteer.objects.get().status == "inactive"


def test_volunteer_list_reads_two_queries(api, city_official, django_assert_num_queries):
    client = api(city_official)
    VolunteerFactory.create_batch(2)
    # The count, then the page.
    with django_assert_num_queries(2):
        client.get("/api/v1/volunteers/")
    VolunteerFactory.create_batch(2)
    with django_assert_num_queries(2):
        assert len(results(client.get("/api/v1/volunteers/"))) == 4


# Service records ------------------------------------------------------------------------


def test_staff_submit_hours_pending_review(api, county_staff):
    volunteer = VolunteerFactory()
    payload = {"volunteer": volunteer.pk, "served_on": "2021-06-01", "hours": "2.5"}
    response = api(county_staff).post(
        "/api/v1/service-records/", {**payload, "activity": "应急救护培训"}
    )
    assert response.status_code == 201
    data = response.json()
    assert (data["status"], data["hours"], data["team"]) == ("pending", "2.5", volunteer.team_id)


def test_hours_beyond_a_day_are_refused(api, county_staff):
    volunteer = VolunteerFactory()
    payload = {"volunteer": volunteer.pk, "served_on": "2021-06-01", "hours": "25", "activity": "x"}
    response = api(county_staff).post("/api/v1/service-records/", payload)
    assert (response.status_code, list(response.json()["errors"])) == (400, ["hours"])


def test_a_record_is_approved_and_declined_one_by_one(api, county_staff):
    first, second = ServiceRecordFactory.create_batch(2)
    client = api(county_staff)
    approved = client.post(f"/api/v1/service-records/{first.pk}/approve/").json()
    assert (approved["status"], approved["reviewed_by"]) == ("approved", county_staff.pk)
    declined = client.post(f"/api/v1/service-records/{second.pk}/decline/").json()
    assert declined["status"] == "declined"


def test_records_are_approved_in_bulk(api, county_staff):
    records = ServiceRecordFactory.create_batch(3)
    client = api(county_staff)
    ids = [record.pk for record in records[:2]]
    response = client.post("/api/v1/service-records/approve/", {"ids": ids}, format="json")
    assert response.json() == {"count": 2}
    statuses = dict(ServiceRecord.objects.values_list("pk", "status"))
    assert statuses == {
        records[0].pk: "approved",
        records[1].pk: "approved",
        records[2].pk: "pending",
    }
    again = client.post("/api/v1/service-records/decline/", {"ids": ids}, format="json")
    assert again.json() == {"count": 0}


def test_bulk_approval_of_a_record_outside_the_scope_changes_nothing(api, county_staff):
    ours = ServiceRecordFactory()
    theirs = ServiceRecordFactory(volunteer__team__branch__region_id=GUNAN)
    client = api(county_staff, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        "/api/v1/service-records/approve/", {"ids": [ours.pk, theirs.pk]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "ids": [f'Invalid pk "{theirs.pk}" - object does not exist.']
    }
    assert set(ServiceRecord.objects.values_list("status", flat=True)) == {"pending"}


def test_service_records_are_never_edited_or_deleted(api, county_admin):
    record = ServiceRecordFactory()
    client = api(county_admin)
    assert client.patch(f"/api/v1/service-records/{record.pk}/", {"hours": "3"}).status_code == 405
    assert client.delete(f"/api/v1/service-records/{record.pk}/").status_code == 405
    assert ServiceRecord.objects.get().hours == record.hours


def test_service_record_list_reads_two_queries(api, city_official, django_assert_num_queries):
    client = api(city_official)
    ServiceRecordFactory.create_batch(2)
    # The count, then the page.
    with django_assert_num_queries(2):
        client.get("/api/v1/service-records/")
    ServiceRecordFactory.create_batch(2)
    with django_assert_num_queries(2):
        assert len(results(client.get("/api/v1/service-records/"))) == 4
