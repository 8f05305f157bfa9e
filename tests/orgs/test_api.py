"""The orgs endpoints: regions, branches, standards and assessments."""

import datetime

import pytest

from orgs.models import Assessment, Branch, Standard
from tests.conftest import JIAN, JIANGXI, JIZHOU, QINGYUAN, TIANYU
from tests.factories import BranchFactory, StandardFactory

pytestmark = pytest.mark.django_db

ZHIXIA = "360803101"  # 值夏镇, another town of 青原区
GUNAN = "360802001"  # 古南街道, a street of 吉州区


@pytest.fixture
def six_haves():
    return Standard.objects.get(is_default=True)


def results(response) -> list:
    assert response.status_code == 200, response.content
    return response.json()["results"]


# Regions --------------------------------------------------------------------------------


def test_region_detail_has_code_name_level_kind_parent(api, county_staff):
    data = api(county_staff).get(f"/api/v1/regions/{TIANYU}/").json()
    assert data == {
        "code": TIANYU,
        "name": "天玉镇",
        "level": "township",
        "kind": "town",
        "parent": QINGYUAN,
    }


def test_regions_above_the_users_region_are_visible(api, county_staff):
    client = api(county_staff)
    assert client.get(f"/api/v1/regions/{JIAN}/").status_code == 200
    codes = [row["code"] for row in results(client.get("/api/v1/regions/", {"level": "city"}))]
    assert codes == [JIAN]


def test_sibling_regions_are_not(api, county_staff):
    client = api(county_staff)
    assert client.get(f"/api/v1/regions/{JIZHOU}/").status_code == 404
    counties = results(client.get("/api/v1/regions/", {"level": "county"}))
    assert [row["code"] for row in counties] == [QINGYUAN]


def test_regions_filter_by_parent_and_kind(api, county_staff):
    rows = results(
        api(county_staff).get(
            "/api/v1/regions/", {"parent": QINGYUAN, "kind": "town", "page_size": 100}
        )
    )
    assert TIANYU in [row["code"] for row in rows]
    assert {(row["parent"], row["kind"]) for row in rows} == {(QINGYUAN, "town")}


def test_regions_search_by_name(api, county_staff):
    rows = results(api(county_staff).get("/api/v1/regions/", {"search": "天玉"}))
    assert [row["code"] for row in rows][:1] == [TIANYU]


def test_regions_are_read_only(api, superuser):
    client = api(superuser)
    assert client.post("/api/v1/regions/", {"code": "369999"}).status_code == 405
    assert client.patch(f"/api/v1/regions/{TIANYU}/", {"name": "x"}).status_code == 405
    assert client.delete(f"/api/v1/regions/{TIANYU}/").status_code == 405


def test_a_malformed_parent_code_is_400(api, county_staff):
    response = api(county_staff).get("/api/v1/regions/", {"parent": "36080"})
    assert (response.status_code, list(response.json()["errors"])) == (400, ["parent"])


def test_region_list_reads_two_queries(api, city_official, django_assert_num_queries):
    client = api(city_official)
    # The count of the page's regions, then the page itself.
    with django_assert_num_queries(2):
        client.get("/api/v1/regions/", {"parent": JIAN})
    with django_assert_num_queries(2):
        client.get("/api/v1/regions/", {"region": JIAN, "page_size": 1000})


# Branches -------------------------------------------------------------------------------


def branch_payload(**changes) -> dict:
    return {"name": "天玉镇红十字会", "region": TIANYU, "kind": "township", **changes}


def test_staff_register_a_branch(api, county_staff):
    response = api(county_staff).post(
        "/api/v1/branches/", branch_payload(founded_on="2019-05-08", status="active")
    )
    assert response.status_code == 201
    data = response.json()
    branch = Branch.objects.get()
    assert data["id"] == branch.pk
    assert (data["region"], data["kind"], data["parent"], data["standard"]) == (
        TIANYU,
        "township",
        None,
        None,
    )
    assert data["founded_on"] == "2019-05-08"


def test_a_missing_name_is_required_in_chinese_by_default(api, county_staff):
    response = api(county_staff).post("/api/v1/branches/", branch_payload(name=""))
    assert response.status_code == 400
    assert response.json()["errors"] == {"name": ["该字段不能为空。"]}


def test_a_missing_name_is_required_in_english_on_request(api, county_staff):
    payload = branch_payload()
    del payload["name"]
    client = api(county_staff, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/api/v1/branches/", payload)
    assert response.json()["errors"] == {"name": ["This field is required."]}


def test_a_region_outside_the_scope_does_not_exist(api, county_staff):
    response = api(county_staff).post("/api/v1/branches/", branch_payload(region=GUNAN))
    assert response.status_code == 400
    assert response.json()["errors"] == {"region": [f"无效主键 “{GUNAN}” － 对象不存在。"]}
    assert not Branch.objects.exists()


def test_a_parent_outside_the_scope_does_not_exist_in_english(api, county_staff):
    theirs = BranchFactory(region_id=GUNAN)
    client = api(county_staff, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/api/v1/branches/", branch_payload(parent=theirs.pk))
    assert response.json()["errors"] == {
        "parent": [f'Invalid pk "{theirs.pk}" - object does not exist.']
    }


def test_a_service_rule_is_a_field_error(api, county_staff):
    client = api(county_staff, HTTP_ACCEPT_LANGUAGE="en")
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    response = client.post("/api/v1/branches/", branch_payload(founded_on=str(tomorrow)))
    assert response.json()["errors"] == {"founded_on": ["The date cannot be later than today."]}


def test_staff_rename_a_branch(api, county_staff):
    branch = BranchFactory()
    response = api(county_staff).patch(f"/api/v1/branches/{branch.pk}/", {"name": "新名字"})
    assert response.status_code == 200
    assert response.json()["name"] == "新名字"
    branch.refresh_from_db()
    assert branch.name == "新名字"


def test_a_new_region_moves_the_branch(api, county_staff):
    branch = BranchFactory()
    response = api(county_staff).patch(f"/api/v1/branches/{branch.pk}/", {"region": ZHIXIA})
    assert (response.status_code, response.json()["region"]) == (200, ZHIXIA)
    assert Branch.objects.get().region_id == ZHIXIA


def test_a_move_outside_the_scope_is_refused(api, county_staff):
    branch = BranchFactory()
    response = api(county_staff).patch(f"/api/v1/branches/{branch.pk}/", {"region": GUNAN})
    assert (response.status_code, list(response.json()["errors"])) == (400, ["region"])
    assert Branch.objects.get().region_id == TIANYU


def test_a_branch_is_dissolved_not_deleted(api, county_staff, county_admin):
    branch = BranchFactory()
    assert api(county_admin).delete(f"/api/v1/branches/{branch.pk}/").status_code == 405
    response = api(county_staff).post(
        f"/api/v1/branches/{branch.pk}/dissolve/", {"dissolved_on": "2024-06-30"}
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["dissolved_on"]) == (
        "dissolved",
        "2024-06-30",
    )


def test_a_branch_shows_its_latest_assessment(api, county_staff, six_haves):
    branch = BranchFactory()
    items = list(six_haves.items.values_list("pk", flat=True))
    client = api(county_staff)
    for day, met in (("2020-05-01", items[:2]), ("2021-05-01", items)):
        payload = {"branch": branch.pk, "assessed_on": day, "items_met": met}
        assert client.post("/api/v1/assessments/", payload).status_code == 201
    data = client.get(f"/api/v1/branches/{branch.pk}/").json()
    assert data["standard"] == {"met": 6, "total": 6, "assessed_on": "2021-05-01"}


def test_branches_filter_by_region_subtree(api, city_official):
    ours, theirs = BranchFactory(), BranchFactory(region_id=GUNAN)
    client = api(city_official)
    assert [
        row["id"] for row in results(client.get("/api/v1/branches/", {"region": QINGYUAN}))
    ] == [ours.pk]
    assert [row["id"] for row in results(client.get("/api/v1/branches/", {"region": JIZHOU}))] == [
        theirs.pk
    ]
    assert len(results(client.get("/api/v1/branches/", {"region": JIANGXI}))) == 2


def test_branch_list_reads_two_queries_however_many_branches(
    api, city_official, six_haves, django_assert_num_queries
):
    client = api(city_official)

    def make_branches():
        for branch in BranchFactory.create_batch(3, region_id=ZHIXIA):
            Assessment.objects.create(
                branch=branch, standard=six_haves, assessed_on="2021-01-01", item_count=6
            )

    make_branches()
    # The count, then the page with each branch's latest assessment as subqueries.
    with django_assert_num_queries(2):
        client.get("/api/v1/branches/")
    make_branches()
    with django_assert_num_queries(2):
        assert len(results(client.get("/api/v1/branches/"))) == 6


# Standards ------------------------------------------------------------------------------


def standard_payload(**changes) -> dict:
    items = [{"number": 1, "title": "有带头人"}, {"number": 2, "title": "有队伍"}]
    return {"code": "qingyuan-two", "name": "两有", "region": QINGYUAN, "items": items, **changes}


def test_an_administrator_creates_a_standard_with_its_items(api, county_admin):
    response = api(county_admin).post("/api/v1/standards/", standard_payload())
    assert response.status_code == 201
    data = response.json()
    assert [(item["number"], item["title"]) for item in data["items"]] == [
        (1, "有带头人"),
        (2, "有队伍"),
    ]
    assert Standard.objects.get(code="qingyuan-two").items.count() == 2


def test_staff_may_not_create_standards(api, county_staff):
    assert api(county_staff).post("/api/v1/standards/", standard_payload()).status_code == 403


def test_a_standard_for_everywhere_is_for_superusers(api, county_admin, superuser):
    payload = standard_payload(region=None)
    response = api(county_admin).post("/api/v1/standards/", payload)
    assert (response.status_code, list(response.json()["errors"])) == (400, ["region"])
    assert api(superuser).post("/api/v1/standards/", payload).status_code == 201


def test_item_errors_name_the_item(api, county_admin):
    items = [{"number": 1, "title": "一"}, {"number": 1, "title": "二"}]
    response = api(county_admin).post("/api/v1/standards/", standard_payload(items=items))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["items.1.number"]
    assert not Standard.objects.filter(code="qingyuan-two").exists()


def test_an_edit_keeps_the_items(api, county_admin):
    standard = StandardFactory(region_id=QINGYUAN, items=3)
    response = api(county_admin).patch(
        f"/api/v1/standards/{standard.pk}/", {"name": "新标准", "items": []}, format="json"
    )
    assert (response.status_code, response.json()["name"]) == (200, "新标准")
    assert len(response.json()["items"]) == 3


def test_a_standard_above_the_region_can_be_read_not_changed(api, county_admin):
    standard = StandardFactory(region_id=JIAN)
    client = api(county_admin)
    assert client.get(f"/api/v1/standards/{standard.pk}/").status_code == 200
    response = client.patch(f"/api/v1/standards/{standard.pk}/", {"name": "x"})
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_standard_list_reads_three_queries(api, county_staff, django_assert_num_queries):
    client = api(county_staff)
    StandardFactory.create_batch(2, region_id=QINGYUAN)
    # The count, the page, the page's items (one prefetch).
    with django_assert_num_queries(3):
        client.get("/api/v1/standards/")
    StandardFactory.create_batch(2, region_id=QINGYUAN)
    with django_assert_num_queries(3):
        assert len(results(client.get("/api/v1/standards/"))) == 5


# Assessments ----------------------------------------------------------------------------


def test_staff_record_an_assessment_against_the_default_standard(api, county_staff, six_haves):
    branch = BranchFactory()
    met = list(six_haves.items.values_list("pk", flat=True)[:4])
    payload = {"branch": branch.pk, "assessed_on": "2021-05-01", "items_met": met}
    response = api(county_staff).post("/api/v1/assessments/", payload)
    assert response.status_code == 201
    data = response.json()
    assert (data["standard"], data["met_count"], data["item_count"]) == (six_haves.pk, 4, 6)
    assert sorted(data["items_met"]) == sorted(met)


def test_items_of_another_standard_are_refused(api, county_staff):
    other = StandardFactory(region_id=QINGYUAN, items=2)
    payload = {
        "branch": BranchFactory().pk,
        "assessed_on": "2021-05-01",
        "items_met": [other.items.first().pk],
    }
    response = api(county_staff).post("/api/v1/assessments/", payload)
    assert (response.status_code, list(response.json()["errors"])) == (400, ["items_met"])


def test_assessments_are_not_edited(api, county_staff, six_haves):
    branch = BranchFactory()
    assessment = Assessment.objects.create(
        branch=branch, standard=six_haves, assessed_on="2021-01-01"
    )
    response = api(county_staff).patch(f"/api/v1/assessments/{assessment.pk}/", {"note": "x"})
    assert response.status_code == 405


def test_assessment_list_reads_three_queries(
    api, county_staff, six_haves, django_assert_num_queries
):
    client = api(county_staff)

    def assess():
        for branch in BranchFactory.create_batch(2):
            Assessment.objects.create(branch=branch, standard=six_haves, assessed_on="2021-01-01")

    assess()
    # The count, the page, the items met of the page (one prefetch).
    with django_assert_num_queries(3):
        client.get("/api/v1/assessments/")
    assess()
    with django_assert_num_queries(3):
        assert len(results(client.get("/api/v1/assessments/"))) == 4
