"""Admin screens of members, leadership, teams, volunteers and service hours."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from members.choices import MembershipEventKind, ServiceRecordStatus
from members.models import Member, ServiceRecord
from members.services import member_join, service_records_approve
from tests.factories import (
    BranchFactory,
    MemberFactory,
    PositionFactory,
    ServiceRecordFactory,
    VolunteerFactory,
    VolunteerTeamFactory,
)

XINGQIAO = "360802100"  # 兴桥镇, a town of 吉州区 (outside county_staff's scope)
ID_NUMBER = "360803199001011236"


def url(name: str, *args) -> str:
    return reverse(f"admin:members_{name}", args=args)


def add_rows(model: str, record) -> None:
    """Three more rows of ``model``, and three more membership events of ``record``."""
    for _ in range(3):
        if model == "member":
            member_join(branch=record.branch, name="会员", joined_on=record.joined_on)
            record.events.create(kind=MembershipEventKind.JOINED, happened_on=record.joined_on)
        else:
            FACTORIES[model]()


FACTORIES = {
    "position": PositionFactory,
    "volunteerteam": VolunteerTeamFactory,
    "volunteer": VolunteerFactory,
    "servicerecord": ServiceRecordFactory,
}


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


# Every add and change page also reads the model's content type, once per process.
@pytest.mark.parametrize(
    ("admin_page", "budget"),
    [
        # session, user, COUNT, the page of members with branches, the region filter's
        # choices, the years joined
        ("member_changelist", 6),
        # session, user, content type
        ("member_add", 3),
        # session, user, content type, the member with branch, its events, its branch for
        # the autocomplete box
        ("member_change", 6),
        # session, user, COUNT, the page of positions with branches, the region filter
        ("position_changelist", 5),
        # session, user, content type
        ("position_add", 3),
        # session, user, content type, the position with branch and member, the branch for
        # its autocomplete box
        ("position_change", 5),
        # session, user, COUNT, the page of teams with branches and volunteer counts, the
        # region filter
        ("volunteerteam_changelist", 5),
        # session, user, content type
        ("volunteerteam_add", 3),
        # session, user, content type, the team, the branch for its autocomplete box
        ("volunteerteam_change", 5),
        # session, user, COUNT, the page of volunteers with branches and teams, the region
        # filter, the years registered
        ("volunteer_changelist", 6),
        # session, user, content type
        ("volunteer_add", 3),
        # session, user, content type, the volunteer with branch and team, the branch and
        # the team for their autocomplete boxes
        ("volunteer_change", 6),
        # session, user, COUNT, the page of records with volunteers, teams and reviewers,
        # the region filter, the years served
        ("servicerecord_changelist", 6),
        # session, user, content type
        ("servicerecord_add", 3),
        # session, user, content type, the record with volunteer, team and reviewer
        ("servicerecord_change", 4),
    ],
)
def test_superuser_page_queries_stay_bounded_when_rows_double(
    superuser_client, django_assert_max_num_queries, admin_page, budget
):
    model = admin_page.split("_")[0]
    record = MemberFactory() if model == "member" else FACTORIES[model]()
    args = (record.pk,) if admin_page.endswith("_change") else ()
    for _ in range(2):
        add_rows(model, record)
        with django_assert_max_num_queries(budget):
            assert superuser_client.get(url(admin_page, *args)).status_code == 200


def test_member_list_masks_phone_and_id_numbers(superuser_client):
    MemberFactory(phone="13812345678", id_number=ID_NUMBER)
    page = superuser_client.get(url("member_changelist"))
    assert "138****5678" in page.text
    assert "3608**********1236" in page.text
    assert "13812345678" not in page.text


def test_viewer_sees_a_members_numbers_masked(client, city_official):
    member = MemberFactory(phone="13812345678", id_number=ID_NUMBER)
    client.force_login(city_official)
    page = client.get(url("member_change", member.pk))
    assert "138****5678" in page.text
    assert ID_NUMBER not in page.text


def test_staff_see_a_members_numbers_in_full_to_correct_them(client, county_staff):
    member = MemberFactory(phone="13812345678")
    client.force_login(county_staff)
    assert "13812345678" in client.get(url("member_change", member.pk)).text


def test_adding_a_member_records_the_joined_event(client, county_staff):
    branch = BranchFactory()
    client.force_login(county_staff)
    data = {"branch": branch.pk, "kind": "individual", "name": "刘丽", "joined_on": "2021-03-01"}
    data |= {"events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0}
    assert client.post(url("member_add"), data).status_code == 302
    member = Member.objects.get(name="刘丽")
    assert list(member.events.values_list("kind", flat=True)) == [MembershipEventKind.JOINED]


def test_county_staff_cannot_add_a_member_to_a_branch_outside_the_county(client, county_staff):
    branch = BranchFactory(region_id=XINGQIAO)
    client.force_login(county_staff)
    data = {"branch": branch.pk, "kind": "individual", "name": "刘丽", "joined_on": "2021-03-01"}
    data |= {"events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0}
    page = client.post(url("member_add"), data)
    assert "branch" in page.context["adminform"].form.errors
    assert not Member.objects.filter(name="刘丽").exists()


def test_county_staff_lists_only_their_county_volunteers(client, county_staff):
    VolunteerFactory(name="天玉志愿者")
    VolunteerFactory(name="兴桥志愿者", team__branch__region_id=XINGQIAO)
    client.force_login(county_staff)
    page = client.get(url("volunteer_changelist"))
    assert "天玉志愿者" in page.text
    assert "兴桥志愿者" not in page.text


def test_a_volunteer_outside_the_scope_answers_404(client, county_staff):
    volunteer = VolunteerFactory(team__branch__region_id=XINGQIAO)
    client.force_login(county_staff)
    assert client.get(url("volunteer_change", volunteer.pk)).status_code == 404


def test_team_autocomplete_answers_only_teams_in_the_scope(client, county_staff):
    inside = VolunteerTeamFactory(name="天玉应急队")
    VolunteerTeamFactory(name="兴桥应急队", branch__region_id=XINGQIAO)
    client.force_login(county_staff)
    query = {
        "app_label": "members",
        "model_name": "volunteer",
        "field_name": "team",
        "term": "应急",
    }
    answer = client.get(reverse("admin:autocomplete"), query).json()
    assert [result["id"] for result in answer["results"]] == [str(inside.pk)]


def test_approve_action_approves_the_pending_records_only(client, county_staff):
    pending = ServiceRecordFactory()
    declined = ServiceRecordFactory(status=ServiceRecordStatus.DECLINED, reviewed_at=timezone.now())
    client.force_login(county_staff)
    data = {"action": "approve", "_selected_action": [pending.pk, declined.pk]}
    page = client.post(url("servicerecord_changelist"), data)
    assert page.status_code == 302
    pending.refresh_from_db()
    declined.refresh_from_db()
    assert (pending.status, pending.reviewed_by) == (ServiceRecordStatus.APPROVED, county_staff)
    assert declined.status == ServiceRecordStatus.DECLINED
    assert "1" in str(next(iter(get_messages(page.wsgi_request))))


def test_decline_action_declines_the_selected_pending_records(client, county_staff):
    record = ServiceRecordFactory()
    client.force_login(county_staff)
    data = {"action": "decline", "_selected_action": [record.pk]}
    client.post(url("servicerecord_changelist"), data)
    record.refresh_from_db()
    assert record.status == ServiceRecordStatus.DECLINED


def test_approve_action_leaves_records_outside_the_scope_alone(client, county_staff):
    outside = ServiceRecordFactory(volunteer__team__branch__region_id=XINGQIAO)
    client.force_login(county_staff)
    client.post(
        url("servicerecord_changelist"), {"action": "approve", "_selected_action": [outside.pk]}
    )
    outside.refresh_from_db()
    assert outside.status == ServiceRecordStatus.PENDING


def test_viewer_is_not_offered_the_review_actions(client, city_official):
    record = ServiceRecordFactory()
    client.force_login(city_official)
    page = client.get(url("servicerecord_changelist"))
    assert page.status_code == 200
    assert 'value="approve"' not in page.text
    client.post(
        url("servicerecord_changelist"), {"action": "approve", "_selected_action": [record.pk]}
    )
    record.refresh_from_db()
    assert record.status == ServiceRecordStatus.PENDING


def test_logging_hours_goes_through_the_service_and_waits_for_review(client, county_staff):
    volunteer = VolunteerFactory()
    client.force_login(county_staff)
    data = {"volunteer": volunteer.pk, "served_on": "2021-06-01", "hours": "3", "activity": "义诊"}
    assert client.post(url("servicerecord_add"), data).status_code == 302
    record = ServiceRecord.objects.get(activity="义诊")
    assert (record.team, record.status) == (volunteer.team, ServiceRecordStatus.PENDING)


def test_a_service_record_is_never_edited_or_deleted(client, superuser):
    record = ServiceRecordFactory()
    client.force_login(superuser)
    assert 'name="_save"' not in client.get(url("servicerecord_change", record.pk)).text
    assert client.get(url("servicerecord_delete", record.pk)).status_code == 403


def test_approved_hours_show_who_reviewed_them(superuser_client, county_staff):
    record = ServiceRecordFactory()
    service_records_approve(records=ServiceRecord.objects.all(), user=county_staff)
    page = superuser_client.get(url("servicerecord_change", record.pk))
    assert county_staff.username in page.text
