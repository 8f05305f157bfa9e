"""Admin screens of branch life: activities are added and corrected through the services
(late entries flagged), their files downloaded only by users who see them; kinds and
requirements are the operators'."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from life.models import Activity
from life.services import activity_record
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
TODAY = timezone.localdate()


def url(name: str, *args) -> str:
    return reverse(f"admin:life_{name}", args=args)


def form(branch, kind, **fields) -> dict:
    return {
        "branch": branch.pk,
        "kind": kind.pk,
        "held_on": "2024-03-05",
        "place": "镇会议室",
        "members_present": "20",
        "volunteers_present": "3",
        "summary": "",
        **fields,
    }


def test_staff_add_an_activity_entered_late(client, county_staff, council):
    client.force_login(county_staff)
    response = client.post(url("activity_add"), form(BranchFactory(), council))
    assert response.status_code == 302, response.context["adminform"].form.errors
    activity = Activity.objects.get()
    assert (activity.late, activity.recorded_by) == (True, county_staff)


def test_a_future_date_shows_beside_its_field(client, county_staff, council):
    client.force_login(county_staff)
    tomorrow = str(TODAY + datetime.timedelta(days=1))
    response = client.post(url("activity_add"), form(BranchFactory(), council, held_on=tomorrow))
    assert response.status_code == 200
    assert "held_on" in response.context["adminform"].form.errors
    assert not Activity.objects.exists()


def test_a_correction_goes_through_the_service(client, county_staff, council):
    activity = activity_record(branch=BranchFactory(), kind=council, held_on=TODAY)
    client.force_login(county_staff)
    body = form(activity.branch, council, held_on="2024-03-05", place="村委会")
    response = client.post(url("activity_change", activity.pk), body)
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.place, activity.late) == ("村委会", True)


def test_the_file_is_downloaded_by_users_who_see_the_activity(
    client, city_official, outsider, council
):
    attachment = SimpleUploadedFile("签到表.png", PNG, "image/png")
    activity = activity_record(
        branch=BranchFactory(), kind=council, held_on=TODAY, attachment=attachment
    )
    client.force_login(city_official)
    response = client.get(url("activity_attachment", activity.pk))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    client.force_login(outsider)
    assert client.get(url("activity_attachment", activity.pk)).status_code in (302, 404)
    assert client.get(url("activity_change", activity.pk)).status_code in (302, 404)


def test_kinds_and_requirements_are_changed_by_operators_only(
    client, county_admin, superuser, council
):
    client.force_login(county_admin)
    assert client.get(url("activitykind_add")).status_code == 403
    assert client.get(url("requirement_add")).status_code == 403
    assert client.get(url("activitykind_changelist")).status_code == 200
    client.force_login(superuser)
    assert client.get(url("requirement_add")).status_code == 200
