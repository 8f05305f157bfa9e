"""Whoever may not see a phone or ID number may not search by it; searches by such numbers
are rate-limited and logged for everyone (admin lists, autocomplete, exports)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from core.access import UserRole
from history.models import PersonalDataView
from tests.conftest import QINGYUAN, make_user
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

ID_NUMBER = "360803199001011236"
PHONE = "13912345678"


@pytest.fixture
def county_viewer(db):
    """A viewer of 青原区: reads the county, sees personal numbers masked."""
    return make_user("qingyuan-viewer", region=QINGYUAN, role=UserRole.VIEWER, is_staff=True)


@pytest.fixture
def member(db):
    return MemberFactory(name="张三", id_number=ID_NUMBER, phone=PHONE)


def search(client, user, term: str):
    client.force_login(user)
    return client.get(reverse("admin:members_member_changelist"), {"q": term})


def autocomplete(client, user, term: str):
    client.force_login(user)
    query = {
        "app_label": "members",
        "model_name": "position",
        "field_name": "member",
        "term": term,
    }
    return client.get(reverse("admin:autocomplete"), query)


@pytest.mark.parametrize("term", [ID_NUMBER, PHONE])
def test_viewer_cannot_find_a_member_by_a_personal_number(client, county_viewer, member, term):
    answer = search(client, county_viewer, term)
    assert answer.status_code == 200
    assert list(answer.context["cl"].result_list) == []


def test_viewer_still_finds_a_member_by_name(client, county_viewer, member):
    answer = search(client, county_viewer, "张三")
    assert list(answer.context["cl"].result_list) == [member]


def test_viewer_autocomplete_does_not_match_a_masked_phone(client, county_viewer, member):
    answer = autocomplete(client, county_viewer, PHONE)
    assert answer.status_code == 200
    assert answer.json()["results"] == []


def test_viewer_export_does_not_match_a_personal_number(client, county_viewer, member):
    client.force_login(county_viewer)
    url = reverse("admin:members_member_export")
    answer = client.get(url, {"format": "csv", "q": ID_NUMBER})
    body = b"".join(answer.streaming_content).decode("utf-8-sig")
    assert "张三" not in body


def test_staff_search_by_id_number_finds_the_member_and_is_logged(client, county_staff, member):
    answer = search(client, county_staff, ID_NUMBER)
    assert list(answer.context["cl"].result_list) == [member]
    log = PersonalDataView.objects.get()
    assert (log.user, log.source, log.model) == (county_staff, "admin", "members.Member")
    assert log.fields == ["search:id_number", "search:phone"]


def test_a_search_that_finds_nothing_is_logged_too(client, county_staff, member):
    search(client, county_staff, "360803199912319999")
    assert PersonalDataView.objects.get().object_ids == []


def test_a_search_by_name_is_not_logged(client, county_staff, member):
    search(client, county_staff, "张三")
    assert not PersonalDataView.objects.exists()


@override_settings(PERSONAL_SEARCH_LIMIT=3)
def test_searches_by_personal_numbers_are_rate_limited(client, county_staff, member):
    answers = [search(client, county_staff, PHONE).status_code for _ in range(3)]
    assert answers == [200, 200, 200]
    assert search(client, county_staff, PHONE).status_code == 403
    assert autocomplete(client, county_staff, PHONE).status_code == 403
    # A search by name is not counted.
    assert search(client, county_staff, "张三").status_code == 200
