"""After an API write the record is read again through the user's scope: a write that would
leave it outside the writer's region is refused and rolled back."""

import pytest

from core.api.base import ScopedViewSet
from members.models import Member
from tests.conftest import JIZHOU
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_an_update_that_lands_outside_the_region_is_rolled_back(api, county_staff, monkeypatch):
    member = MemberFactory(name="刘丽", occupation="教师")
    original = ScopedViewSet.update_record

    def misplacing_update(self, instance, fields):
        saved = original(self, instance, fields)
        # A write path that moves the record out of the writer's region (a bug elsewhere).
        type(saved).objects.filter(pk=saved.pk).update(region_code=f"{JIZHOU}100")
        return saved

    monkeypatch.setattr(ScopedViewSet, "update_record", misplacing_update)
    client = api(county_staff, HTTP_ACCEPT_LANGUAGE="en")
    answer = client.patch(f"/api/v1/members/{member.pk}/", {"occupation": "医生"})
    assert answer.status_code == 403
    assert answer.json()["detail"] == "The record would lie outside your region."
    member.refresh_from_db()
    assert (member.occupation, member.region_code) == ("教师", member.branch.region_id)


def test_an_update_inside_the_region_answers_the_record(api, county_staff):
    member = MemberFactory(name="刘丽", occupation="教师")
    answer = api(county_staff).patch(f"/api/v1/members/{member.pk}/", {"occupation": "医生"})
    assert answer.status_code == 200
    assert Member.objects.get(pk=member.pk).occupation == "医生"
