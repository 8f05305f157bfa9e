"""The activity endpoint: recorded (late ones flagged, never refused), corrected, filtered,
read in two queries; another county's activities and files answer 404."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from life.models import Activity, ActivityKind
from life.services import activity_record
from tests.conftest import TIANYU
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db

XINGQIAO = "360802100"  # 兴桥镇, a town of 吉州区
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n" + b"0" * 64


def results(response) -> list:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def held(kind, day=datetime.date(2024, 6, 1), region=TIANYU, **fields) -> Activity:
    return activity_record(branch=BranchFactory(region_id=region), kind=kind, held_on=day, **fields)


def test_staff_record_an_activity(api, county_staff, council):
    branch = BranchFactory()
    body = {
        "branch": branch.pk,
        "kind": council.pk,
        "held_on": str(TODAY - datetime.timedelta(days=2)),
        "place": "镇会议室",
        "members_present": 15,
        "volunteers_present": 4,
        "summary": "研究本季度应急救护培训计划",
    }
    response = api(county_staff).post("/api/v1/activities/", body, format="json")
    assert response.status_code == 201, response.content
    answer = response.json()
    assert (answer["region"], answer["kind_name"], answer["late"]) == (TIANYU, "理事会", False)
    assert Activity.objects.get().recorded_by == county_staff


def test_an_activity_entered_late_is_recorded_and_flagged(api, county_staff, council):
    body = {"branch": BranchFactory().pk, "kind": council.pk, "held_on": "2024-01-05"}
    response = api(county_staff).post("/api/v1/activities/", body, format="json")
    assert response.status_code == 201 and response.json()["late"] is True


def test_a_future_date_is_refused_in_chinese(api, county_staff, council):
    tomorrow = str(TODAY + datetime.timedelta(days=1))
    body = {"branch": BranchFactory().pk, "kind": council.pk, "held_on": tomorrow}
    response = api(county_staff).post("/api/v1/activities/", body, format="json")
    assert response.status_code == 400
    assert "日期不能晚于今天" in response.content.decode()


def test_another_countys_branch_and_kind_cannot_be_named(api, outsider, council):
    own = BranchFactory(region_id=XINGQIAO)
    foreign_kind = ActivityKind.objects.create(name="青原区特色活动", region_id="360803")
    client = api(outsider)
    body = {"branch": BranchFactory().pk, "kind": council.pk, "held_on": "2024-01-05"}
    assert client.post("/api/v1/activities/", body, format="json").status_code == 400
    body = {"branch": own.pk, "kind": foreign_kind.pk, "held_on": "2024-01-05"}
    assert client.post("/api/v1/activities/", body, format="json").status_code == 400
    assert not Activity.objects.exists()


def test_viewers_may_not_record(api, city_official, council):
    body = {"branch": BranchFactory().pk, "kind": council.pk, "held_on": "2024-01-05"}
    assert api(city_official).post("/api/v1/activities/", body, format="json").status_code == 403


def test_a_correction_keeps_the_branch_and_judges_the_date(api, county_staff, council):
    activity = held(council, TODAY)
    url = f"/api/v1/activities/{activity.pk}/"
    client = api(county_staff)
    response = client.patch(url, {"held_on": "2024-01-05", "place": "村委会"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["late"], response.json()["place"]) == (True, "村委会")


def test_another_countys_activities_answer_404(api, outsider, council):
    activity = held(council, attachment=SimpleUploadedFile("纪要.pdf", PDF, "application/pdf"))
    client = api(outsider)
    assert client.get(f"/api/v1/activities/{activity.pk}/").status_code == 404
    assert client.get(f"/api/v1/activities/{activity.pk}/attachment/").status_code == 404
    response = client.patch(f"/api/v1/activities/{activity.pk}/", {"place": "x"}, format="json")
    assert response.status_code == 404
    assert results(client.get("/api/v1/activities/")) == []


def test_the_attachment_is_downloaded_by_users_who_see_the_activity(api, city_official, council):
    activity = held(council, attachment=SimpleUploadedFile("纪要.pdf", PDF, "application/pdf"))
    assert api(city_official).get("/api/v1/activities/").json()["results"][0]["has_attachment"]
    response = api(city_official).get(f"/api/v1/activities/{activity.pk}/attachment/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_an_attachment_that_is_no_pdf_or_image_is_refused(council):
    with pytest.raises(Exception, match="PDF"):
        held(council, attachment=SimpleUploadedFile("x.pdf", b"MZ\x90\x00", "application/pdf"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"a", "b", "c", "d"}),
        ("year=2023", {"c"}),
        ("year=2024", {"a", "b", "d"}),
        ("region=360802", {"d"}),
        ("region=360803100", {"a", "b", "c"}),
        ("late=true", {"a", "b", "c", "d"}),
        ("search=祠堂", {"b"}),
        ("held_after=2024-06-02&held_before=2024-12-31", {"b", "d"}),
    ],
)
def test_activity_filters(api, superuser, council, training, query, expected):
    branch = BranchFactory()
    made = {
        "a": activity_record(branch=branch, kind=council, held_on=datetime.date(2024, 6, 1)),
        "b": activity_record(
            branch=branch, kind=training, held_on=datetime.date(2024, 7, 1), place="村祠堂"
        ),
        "c": activity_record(branch=branch, kind=council, held_on=datetime.date(2023, 3, 1)),
        "d": held(council, datetime.date(2024, 8, 1), region=XINGQIAO),
    }
    names = {activity.pk: name for name, activity in made.items()}
    found = results(api(superuser).get(f"/api/v1/activities/?{query}"))
    assert {names[row["id"]] for row in found} == expected


def test_branch_and_kind_filters(api, superuser, council, training):
    one = held(council)
    two = activity_record(branch=one.branch, kind=training, held_on=datetime.date(2024, 6, 2))
    held(training)
    client = api(superuser)
    found = results(client.get(f"/api/v1/activities/?branch={one.branch_id}"))
    assert {row["id"] for row in found} == {one.pk, two.pk}
    found = results(client.get(f"/api/v1/activities/?branch={one.branch_id}&kind={training.pk}"))
    assert [row["id"] for row in found] == [two.pk]
    assert client.get("/api/v1/activities/?unknown=1").status_code == 400


def test_activity_list_reads_two_queries(api, city_official, council, django_assert_num_queries):
    client = api(city_official)
    held(council), held(council)
    # The count, then the page (activities with branch and kind).
    with django_assert_num_queries(2):
        client.get("/api/v1/activities/")
    held(council), held(council)
    with django_assert_num_queries(2):
        assert len(results(client.get("/api/v1/activities/"))) == 4
