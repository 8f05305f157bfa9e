"""Each response that shows ID or phone numbers in full is logged once, with the page's ids."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from history import audit as history_audit
from history.models import PersonalDataView
from tests.factories import DonorFactory, MemberFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

ID_NUMBER = "360803199001011236"


def queries(fetch) -> int:
    with CaptureQueriesContext(connection) as captured:
        fetch()
    return len(captured)


def added_queries(monkeypatch, module, fetch) -> int:
    """Queries of ``fetch`` minus those of the same request with the logging switched off."""
    fetch()  # warm the per-process caches (content types)
    logged = queries(fetch)
    monkeypatch.setattr(module, "record_personal_data_view", lambda **kwargs: None)
    return logged - queries(fetch)


def ids(view) -> list[int]:
    return sorted(int(pk) for pk in view.object_ids)


# API ------------------------------------------------------------------------------------


def test_api_list_logs_the_page_ids_once(api, county_staff, monkeypatch):
    members = [MemberFactory(phone=f"1381234567{n}") for n in range(3)]
    client = api(county_staff)
    answer = client.get("/api/v1/members/")
    assert answer.json()["results"][0]["phone"].startswith("1381234567")
    view = PersonalDataView.objects.get()
    assert ids(view) == sorted(m.pk for m in members)
    assert (view.user, view.source, view.model) == (county_staff, "api", "members.Member")
    assert view.fields == ["id_number", "phone"]
    assert added_queries(monkeypatch, history_audit, lambda: client.get("/api/v1/members/")) == 1


def test_api_detail_logs_the_record(api, county_staff, monkeypatch):
    volunteer = VolunteerFactory(phone="13812345678")
    client = api(county_staff)
    client.get(f"/api/v1/volunteers/{volunteer.pk}/")
    assert ids(PersonalDataView.objects.get()) == [volunteer.pk]
    fetch = lambda: client.get(f"/api/v1/volunteers/{volunteer.pk}/")  # noqa: E731
    assert added_queries(monkeypatch, history_audit, fetch) == 1


def test_api_donor_list_logs_identifier_and_phone(api, county_staff):
    donor = DonorFactory(phone="13812345678")
    api(county_staff).get("/api/v1/donors/")
    view = PersonalDataView.objects.get()
    assert (ids(view), view.fields, view.model) == (
        [donor.pk],
        ["identifier", "phone"],
        "funds.Donor",
    )


def test_api_viewers_see_masks_and_nothing_is_logged(api, city_official):
    member = MemberFactory(phone="13812345678", id_number=ID_NUMBER)
    client = api(city_official)
    assert client.get("/api/v1/members/").json()["results"][0]["phone"] == "138****5678"
    assert client.get(f"/api/v1/members/{member.pk}/").json()["id_number"].startswith("3608**")
    assert not PersonalDataView.objects.exists()


def test_an_empty_page_logs_nothing(api, county_staff):
    api(county_staff).get("/api/v1/members/")
    assert not PersonalDataView.objects.exists()


# Admin ----------------------------------------------------------------------------------


def test_admin_change_page_logs_the_record(staff_client, county_staff, monkeypatch):
    member = MemberFactory(phone="13812345678", id_number=ID_NUMBER)
    url = reverse("admin:members_member_change", args=[member.pk])
    assert "13812345678" in staff_client.get(url).text
    view = PersonalDataView.objects.get()
    assert (ids(view), view.source, view.fields) == ([member.pk], "admin", ["id_number", "phone"])
    assert view.url == url
    assert added_queries(monkeypatch, history_audit, lambda: staff_client.get(url)) == 1


def test_admin_donor_change_page_logs_the_record(staff_client):
    donor = DonorFactory(phone="13812345678")
    staff_client.get(reverse("admin:funds_donor_change", args=[donor.pk]))
    assert ids(PersonalDataView.objects.get()) == [donor.pk]


def test_admin_viewer_change_page_logs_nothing(client, city_official):
    member = MemberFactory(phone="13812345678")
    client.force_login(city_official)
    page = client.get(reverse("admin:members_member_change", args=[member.pk]))
    assert "138****5678" in page.text
    assert not PersonalDataView.objects.exists()


def test_admin_lists_show_masks_to_everyone_and_log_nothing(staff_client):
    MemberFactory(phone="13812345678")
    page = staff_client.get(reverse("admin:members_member_changelist"))
    assert "138****5678" in page.text
    assert not PersonalDataView.objects.exists()


def test_a_page_outside_the_scope_logs_nothing(client, outsider):
    member = MemberFactory(phone="13812345678")
    client.force_login(outsider)
    assert client.get(reverse("admin:members_member_change", args=[member.pk])).status_code == 404
    assert not PersonalDataView.objects.exists()
