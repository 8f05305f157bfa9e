"""Admin screens of regions, branches, standards and assessments."""

import datetime

import pytest
from django.urls import reverse

from orgs.choices import BranchKind
from orgs.models import Assessment, Branch, Standard, StandardItem
from orgs.services import assessment_record
from tests.conftest import JIZHOU, QINGYUAN, TIANYU
from tests.factories import BranchFactory, StandardFactory

XINGQIAO = "360802100"  # 兴桥镇, a town of 吉州区 (outside county_staff's scope)


def url(name: str, *args) -> str:
    return reverse(f"admin:orgs_{name}", args=args)


def assess(
    branch: Branch, standard: Standard, met: int, on=datetime.date(2024, 5, 1)
) -> Assessment:
    """An assessment of ``branch`` against ``standard``, meeting its first ``met`` items."""
    items = standard.items.order_by("number")[:met]
    return assessment_record(branch=branch, standard=standard, assessed_on=on, items_met=items)


@pytest.fixture
def standard(db) -> Standard:
    """A standard of six items, like the "six haves"."""
    return StandardFactory(items=6)


def add_rows(model: str, branch: Branch, standard: Standard) -> None:
    """Three more rows of what the ``model`` pages list, or show of ``branch`` and ``standard``."""
    for _ in range(3):
        if model == "branch":
            assess(BranchFactory(), standard, 4)
            assess(branch, standard, 3)
        elif model == "standard":
            StandardFactory(items=2)
            number = standard.items.count() + 1
            StandardItem.objects.create(standard=standard, number=number, title=f"条目{number}")
        elif model == "assessment":
            assess(BranchFactory(), standard, 6)


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


# Every add and change page also reads the model's content type, once per process.
@pytest.mark.parametrize(
    ("admin_page", "budget"),
    [
        # session, user, COUNT of rows, the page of rows with their parents, the region
        # filter's choices (the provinces)
        ("region_changelist", 5),
        # session, user, content type
        ("region_add", 3),
        # session, user, content type, the region, its parent for the autocomplete box
        ("region_change", 5),
        # session, user, COUNT, the page of branches with region, parent and latest
        # assessment, the region filter's choices
        ("branch_changelist", 5),
        # session, user, content type
        ("branch_add", 3),
        # session, user, content type, the branch with region, parent and latest assessment,
        # its assessments with their standards, positions, teams, its region for the box
        ("branch_change", 8),
        # session, user, COUNT, the page of standards with their regions
        ("standard_changelist", 4),
        # session, user, content type
        ("standard_add", 3),
        # session, user, content type, the standard, its items
        ("standard_change", 5),
        # session, user, COUNT, the page with branches and standards, the region filter's
        # choices, the standard filter's choices, the years
        ("assessment_changelist", 7),
        # session, user, content type, the standards to choose from, all their items
        ("assessment_add", 5),
        # session, user, content type, the assessment, its branch, its standard, its items
        ("assessment_change", 7),
    ],
)
def test_superuser_page_queries_stay_bounded_when_rows_double(
    superuser_client, standard, django_assert_max_num_queries, admin_page, budget
):
    branch = BranchFactory()
    objects = {
        "region": (TIANYU,),
        "branch": (branch.pk,),
        "standard": (standard.pk,),
        "assessment": (assess(branch, standard, 5).pk,),
    }
    model = admin_page.split("_")[0]
    args = objects[model] if admin_page.endswith("_change") else ()
    for _ in range(2):
        add_rows(model, branch, standard)
        with django_assert_max_num_queries(budget):
            assert superuser_client.get(url(admin_page, *args)).status_code == 200


def test_branch_list_shows_the_latest_assessment_as_met_of_total(superuser_client, standard):
    branch = BranchFactory(name="天玉镇红十字会")
    assess(branch, standard, 4, on=datetime.date(2023, 5, 1))
    assess(branch, standard, 5, on=datetime.date(2024, 5, 1))
    page = superuser_client.get(url("branch_changelist"), {"q": "天玉镇红十字会"})
    assert "5/6" in page.text
    assert "4/6" not in page.text


def test_branch_change_page_shows_the_latest_assessment_and_a_link_to_record_one(
    superuser_client, standard
):
    branch = BranchFactory()
    assess(branch, standard, 5)
    page = superuser_client.get(url("branch_change", branch.pk))
    assert "5/6（2024-05-01）" in page.text
    assert f"{url('assessment_add')}?branch={branch.pk}" in page.text


def test_county_staff_lists_only_their_county_branches(client, county_staff):
    BranchFactory(name="天玉镇红十字会")
    BranchFactory(name="兴桥镇红十字会", region_id=XINGQIAO)
    client.force_login(county_staff)
    page = client.get(url("branch_changelist"))
    assert "天玉镇红十字会" in page.text
    assert "兴桥镇红十字会" not in page.text


def test_a_branch_outside_the_scope_answers_404(client, county_staff):
    branch = BranchFactory(region_id=XINGQIAO)
    client.force_login(county_staff)
    assert client.get(url("branch_change", branch.pk)).status_code == 404
    assert client.get(url("branch_history", branch.pk)).status_code == 404
    assert client.get(url("branch_delete", branch.pk)).status_code == 404


def test_county_staff_cannot_register_a_branch_at_a_region_outside_the_county(client, county_staff):
    client.force_login(county_staff)
    data = {"name": "兴桥镇红十字会", "region": XINGQIAO, "kind": BranchKind.TOWNSHIP}
    page = client.post(url("branch_add"), {**branch_form(), **data})
    assert page.status_code == 200
    assert "region" in page.context["adminform"].form.errors
    assert not Branch.objects.filter(name="兴桥镇红十字会").exists()


def test_county_staff_registers_a_branch_in_the_county_through_the_service(client, county_staff):
    client.force_login(county_staff)
    page = client.post(url("branch_add"), {**branch_form(), "name": "值夏镇红十字会"})
    assert page.status_code == 302
    assert Branch.objects.get(name="值夏镇红十字会").region_id == "360803101"


def test_a_branch_is_registered_with_its_first_team_in_one_form(client, county_staff):
    client.force_login(county_staff)
    team = {"name": "值夏镇应急救护队", "service_type": "emergency", "founded_on": ""}
    data = {**branch_form(), "name": "值夏镇红十字会", "teams-TOTAL_FORMS": 1}
    data |= {f"teams-0-{field}": value for field, value in team.items()}
    assert client.post(url("branch_add"), data).status_code == 302
    branch = Branch.objects.get(name="值夏镇红十字会")
    assert list(branch.teams.values_list("name", "region_code")) == [
        ("值夏镇应急救护队", "360803101")
    ]


def test_region_autocomplete_offers_higher_levels_first(client, superuser):
    client.force_login(superuser)
    answer = autocomplete(client, "branch", "region", "青原")
    # 青原区 (360803) before 黑龙江's 青原镇 (230523102), whose code sorts first.
    assert [result["id"] for result in answer["results"]][:2] == [QINGYUAN, "230523102"]


def test_a_service_refusal_shows_on_the_form(client, county_staff):
    client.force_login(county_staff)
    closed = {"name": "值夏镇红十字会", "status": "dissolved"}
    page = client.post(url("branch_add"), {**branch_form(), **closed})
    assert page.status_code == 200
    assert page.context["adminform"].form.errors["dissolved_on"]
    assert not Branch.objects.filter(name="值夏镇红十字会").exists()


def test_county_staff_keeps_an_existing_parent_above_the_county(client, county_staff):
    city = BranchFactory(name="吉安市红十字会", region_id="3608", kind=BranchKind.CITY)
    branch = BranchFactory(parent=city)
    client.force_login(county_staff)
    data = {**branch_form(branch), "note": "换届"}
    assert client.post(url("branch_change", branch.pk), data).status_code == 302
    branch.refresh_from_db()
    assert (branch.note, branch.parent_id) == ("换届", city.pk)


def test_county_staff_cannot_pick_a_parent_branch_outside_the_county(client, county_staff):
    other = BranchFactory(region_id=XINGQIAO)
    branch = BranchFactory()
    client.force_login(county_staff)
    page = client.post(url("branch_change", branch.pk), {**branch_form(branch), "parent": other.pk})
    assert "parent" in page.context["adminform"].form.errors


def test_region_autocomplete_answers_only_regions_in_the_scope(client, county_staff):
    client.force_login(county_staff)
    answer = autocomplete(client, "branch", "region", "镇")
    codes = [result["id"] for result in answer["results"]]
    assert "360803100" in codes
    assert all(code.startswith(QINGYUAN) for code in codes)


def test_region_autocomplete_finds_codes_by_prefix(client, superuser):
    client.force_login(superuser)
    answer = autocomplete(client, "branch", "region", JIZHOU)
    codes = [result["id"] for result in answer["results"]]
    assert codes[0] == JIZHOU
    assert all(code.startswith(JIZHOU) for code in codes)


def test_branch_autocomplete_answers_only_branches_in_the_scope(client, county_staff):
    inside = BranchFactory(name="天玉镇红十字会")
    BranchFactory(name="兴桥镇红十字会", region_id=XINGQIAO)
    client.force_login(county_staff)
    answer = autocomplete(client, "branch", "parent", "红十字会")
    assert [result["id"] for result in answer["results"]] == [str(inside.pk)]


def test_viewer_sees_branches_but_cannot_add_or_change_them(client, city_official):
    branch = BranchFactory()
    client.force_login(city_official)
    assert client.get(url("branch_changelist")).status_code == 200
    page = client.get(url("branch_change", branch.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert client.get(url("branch_add")).status_code == 403
    assert client.post(url("branch_change", branch.pk), branch_form(branch)).status_code == 403


def test_nobody_deletes_a_region(client, superuser):
    client.force_login(superuser)
    assert client.get(url("region_delete", TIANYU)).status_code == 403


def test_staff_only_read_the_standards(client, county_staff, standard):
    client.force_login(county_staff)
    assert client.get(url("standard_change", standard.pk)).status_code == 200
    assert client.get(url("standard_add")).status_code == 403


def test_recording_an_assessment_counts_the_items_met(client, county_staff, standard):
    branch = BranchFactory()
    items = standard.items.order_by("number")[:5]
    client.force_login(county_staff)
    data = assessment_form(branch, standard=standard.pk, items_met=[item.pk for item in items])
    assert client.post(url("assessment_add"), data).status_code == 302
    assessment = branch.assessments.get()
    assert (assessment.standard, assessment.met_count, assessment.item_count) == (standard, 5, 6)


def test_an_assessment_without_a_standard_is_against_the_default_one(client, county_staff):
    Standard.objects.update(is_default=False)
    default = StandardFactory(items=3, is_default=True)
    branch = BranchFactory()
    client.force_login(county_staff)
    data = assessment_form(branch, items_met=[default.items.first().pk])
    assert client.post(url("assessment_add"), data).status_code == 302
    assessment = branch.assessments.get()
    assert (assessment.standard, assessment.met_count, assessment.item_count) == (default, 1, 3)


def test_an_assessment_with_items_of_another_standard_is_refused_on_the_form(
    client, county_staff, standard
):
    branch = BranchFactory()
    foreign = StandardFactory(items=1).items.get()
    client.force_login(county_staff)
    data = assessment_form(branch, standard=standard.pk, items_met=[foreign.pk])
    page = client.post(url("assessment_add"), data)
    assert page.context["adminform"].form.errors["items_met"]
    assert not branch.assessments.exists()


def test_an_assessment_is_never_edited(client, superuser, standard):
    assessment = assess(BranchFactory(), standard, 5)
    client.force_login(superuser)
    page = client.get(url("assessment_change", assessment.pk))
    assert 'name="_save"' not in page.text


def assessment_form(branch: Branch, **fields) -> dict:
    return {"branch": branch.pk, "standard": "", "assessed_on": "2024-05-01", "note": "", **fields}


def branch_form(branch: Branch | None = None) -> dict:
    """The branch form's fields with their current values (a new 值夏镇 branch if none)."""
    if branch is None:
        return {"name": "", "region": "360803101", "kind": BranchKind.TOWNSHIP, **_defaults()}
    return {
        **_defaults(),
        "name": branch.name,
        "region": branch.region_id,
        "kind": branch.kind,
        "status": branch.status,
        "parent": branch.parent_id or "",
        "founded_on": branch.founded_on or "",
    }


def _defaults() -> dict:
    """Empty inline formsets and the fields every branch form posts."""
    data = {"status": "active", "rating": "normal", "founded_on": "", "parent": ""}
    for prefix in ("positions", "teams", "assessments"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    return data


def autocomplete(client, model: str, field: str, term: str) -> dict:
    query = {"app_label": "orgs", "model_name": model, "field_name": field, "term": term}
    return client.get(reverse("admin:autocomplete"), query).json()


@pytest.mark.parametrize(("assessed", "expected"), [("yes", ["本年已评估"]), ("no", ["未评估"])])
def test_branch_list_filters_by_an_assessment_this_year(client, county_staff, assessed, expected):
    this_year = datetime.date.today().year
    earlier = BranchFactory(name="去年评估")
    assessment_record(branch=earlier, assessed_on=datetime.date(this_year - 1, 5, 1), items_met=[])
    assessment_record(
        branch=BranchFactory(name="本年已评估"), assessed_on=datetime.date.today(), items_met=[]
    )
    BranchFactory(name="未评估")
    client.force_login(county_staff)
    listed = client.get(url("branch_changelist"), {"assessed_this_year": assessed})
    names = sorted(branch.name for branch in listed.context["cl"].result_list)
    assert names == sorted(expected + (["去年评估"] if assessed == "no" else []))
