"""Branch services (register, update, move, dissolve, assess) and the orgs selectors."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone, translation

from members.models import Member, ServiceRecord
from orgs.choices import BranchKind, BranchRating, BranchStatus
from orgs.models import Assessment, Branch, Region, Standard
from orgs.selectors import branch_get, branch_list, region_children, region_search
from orgs.services import (
    assessment_record,
    branch_dissolve,
    branch_move,
    branch_register,
    branch_update,
)
from tests.conftest import JIAN, JIZHOU, QINGYUAN, TIANYU
from tests.factories import BranchFactory, MemberFactory, ServiceRecordFactory, StandardFactory

pytestmark = pytest.mark.django_db

ZHIXIA = "360803101"  # 值夏镇, another town of 青原区
GUNAN = "360802001"  # 古南街道, a street of 吉州区
OUTSIDE = "This lies outside your region."
NOT_FUTURE = "The date cannot be later than today."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def tianyu():
    return Region.objects.get(code=TIANYU)


@pytest.fixture
def branch():
    return BranchFactory(name="天玉镇红十字会")


@pytest.fixture
def six_haves():
    return Standard.objects.get(is_default=True)


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def errors_of(service, **kwargs) -> dict[str, list[str]]:
    """The field messages of the ValidationError ``service(**kwargs)`` raises."""
    with pytest.raises(ValidationError) as caught:
        service(**kwargs)
    return caught.value.message_dict


def register(**kwargs) -> Branch:
    values = {
        "name": "天玉镇红十字会",
        "region": Region.objects.get(code=TIANYU),
        "kind": BranchKind.TOWNSHIP,
    }
    return branch_register(**values | kwargs)


# branch_register


def test_register_saves_the_branch_with_its_details(county_staff):
    branch = register(
        name=" 天玉镇红十字会 ",
        founded_on=datetime.date(2019, 5, 8),
        rating=BranchRating.MODEL,
        bodies_complete=True,
        phone="0796-8221234",
        user=county_staff,
    )
    saved = Branch.objects.get(pk=branch.pk)
    assert (saved.name, saved.region_id, saved.status) == ("天玉镇红十字会", TIANYU, "active")
    assert (saved.rating, saved.bodies_complete, saved.phone) == ("model", True, "0796-8221234")


def test_register_refuses_a_region_outside_the_users_county(outsider):
    assert errors_of(register, user=outsider) == {"region": [OUTSIDE]}
    assert not Branch.objects.exists()


def test_register_denies_a_viewer(city_official):
    with pytest.raises(PermissionDenied):
        register(user=city_official)
    assert not Branch.objects.exists()


def test_superuser_registers_anywhere(superuser):
    branch = register(region=Region.objects.get(code=GUNAN), user=superuser)
    assert Branch.objects.get(pk=branch.pk).region_id == GUNAN


def test_register_refuses_a_township_branch_at_a_county_code():
    errors = errors_of(register, region=Region.objects.get(code=QINGYUAN))
    assert list(errors) == ["kind"]
    assert errors["kind"][0].startswith("A territorial branch must sit at a region of its own")
    assert not Branch.objects.exists()


def test_register_refuses_a_duplicate_name_at_the_region(branch):
    errors = errors_of(register, name=branch.name)
    assert errors == {"name": ["A branch of this name already exists at this region."]}
    assert Branch.objects.count() == 1


@pytest.mark.parametrize("field", ["founded_on", "first_congress_on", "supervisory_board_on"])
def test_register_refuses_dates_later_than_today(field):
    assert errors_of(register, **{field: tomorrow()}) == {field: [NOT_FUTURE]}
    assert not Branch.objects.exists()


def test_register_refuses_a_closed_region(tianyu):
    Region.objects.filter(code=TIANYU).update(valid_to=datetime.date(2021, 1, 1))
    tianyu.refresh_from_db()
    errors = errors_of(register, region=tianyu)
    assert errors == {"region": ["This region has been closed: choose a current one."]}


def test_register_refuses_a_dissolved_branch_without_its_date():
    errors = errors_of(register, status=BranchStatus.DISSOLVED)
    assert errors == {"dissolved_on": ["A dissolved branch needs its dissolution date."]}


def test_register_validates_the_phone():
    assert list(errors_of(register, phone="8221234")) == ["phone"]


def test_register_refuses_a_parent_outside_the_users_region(county_staff):
    city_branch = BranchFactory(name="吉安市红十字会", region_id=JIAN, kind=BranchKind.CITY)
    errors = errors_of(register, parent=city_branch, user=county_staff)
    assert errors == {"parent": [OUTSIDE]}
    assert Branch.objects.count() == 1


def test_register_rejects_unknown_fields():
    with pytest.raises(TypeError, match="colour"):
        register(colour="red")


# branch_update, branch_move, branch_dissolve


def test_update_changes_the_given_fields(branch, county_staff):
    branch_update(branch=branch, user=county_staff, status=BranchStatus.DORMANT, note="整改中")
    branch.refresh_from_db()
    assert (branch.status, branch.note) == (BranchStatus.DORMANT, "整改中")


def test_update_cannot_change_the_region(branch, tianyu):
    with pytest.raises(TypeError, match="region"):
        branch_update(branch=branch, region=tianyu)


def test_update_refuses_an_outsider(branch, outsider):
    assert errors_of(branch_update, branch=branch, user=outsider, note="x") == {"region": [OUTSIDE]}
    branch.refresh_from_db()
    assert branch.note == ""


def test_update_keeps_a_parent_outside_the_users_region(county_staff):
    city_branch = BranchFactory(name="吉安市红十字会", region_id=JIAN, kind=BranchKind.CITY)
    branch = BranchFactory(parent=city_branch)
    branch_update(branch=branch, user=county_staff, address="天玉镇政府")
    branch.refresh_from_db()
    assert (branch.address, branch.parent_id) == ("天玉镇政府", city_branch.pk)


def test_update_refuses_a_parent_below_the_branch(branch):
    child = BranchFactory(kind=BranchKind.SCHOOL, parent=branch)
    grandchild = BranchFactory(kind=BranchKind.SCHOOL, parent=child)
    errors = errors_of(branch_update, branch=branch, parent=grandchild)
    assert errors == {
        "parent": ["The parent branch cannot be this branch or one of its sub-branches."]
    }
    assert Branch.objects.get(pk=branch.pk).parent_id is None
    assert branch.parent_id is None


def test_update_refuses_the_branch_as_its_own_parent(branch):
    errors = errors_of(branch_update, branch=branch, parent=branch)
    assert errors == {
        "parent": ["The parent branch cannot be this branch or one of its sub-branches."]
    }


def test_update_sets_and_clears_the_parent(branch):
    county_branch = BranchFactory(
        name=" 青原区红十字会", region_id=QINGYUAN, kind=BranchKind.COUNTY
    )
    branch_update(branch=county_branch, name="青原区红十字会 ")
    branch_update(branch=branch, parent=county_branch)
    assert Branch.objects.get(pk=branch.pk).parent == county_branch
    branch_update(branch=branch, parent=None)
    assert Branch.objects.get(pk=branch.pk).parent is None
    assert Branch.objects.get(pk=county_branch.pk).name == "青原区红十字会"


def test_move_changes_the_region_and_its_records_follow(branch, county_staff):
    member = MemberFactory(branch=branch)
    record = ServiceRecordFactory(volunteer__team__branch=branch)
    branch_move(branch=branch, region=Region.objects.get(code=ZHIXIA), user=county_staff)
    assert branch.region_id == ZHIXIA
    assert Member.objects.get(pk=member.pk).region_code == ZHIXIA
    assert ServiceRecord.objects.get(pk=record.pk).region_code == ZHIXIA


def test_move_refuses_a_region_outside_the_users_county(branch, county_staff):
    errors = errors_of(
        branch_move, branch=branch, region=Region.objects.get(code=GUNAN), user=county_staff
    )
    assert errors == {"region": [OUTSIDE]}
    assert Branch.objects.get(pk=branch.pk).region_id == TIANYU
    assert branch.region_id == TIANYU  # the refused change is not left on the instance


def test_move_refuses_a_territorial_branch_at_the_wrong_level(branch):
    errors = errors_of(branch_move, branch=branch, region=Region.objects.get(code=QINGYUAN))
    assert list(errors) == ["kind"]
    assert Branch.objects.get(pk=branch.pk).region_id == TIANYU


def test_dissolve_sets_status_and_date(branch, county_staff):
    branch_dissolve(branch=branch, dissolved_on=datetime.date(2022, 3, 1), user=county_staff)
    saved = Branch.objects.get(pk=branch.pk)
    assert (saved.status, saved.dissolved_on) == (BranchStatus.DISSOLVED, datetime.date(2022, 3, 1))


@pytest.mark.parametrize(
    ("dissolved_on", "message"),
    [
        (datetime.date(2019, 1, 1), "A branch cannot be dissolved before it was founded."),
        (None, NOT_FUTURE),
    ],
)
def test_dissolve_refuses_a_date_before_founding_or_after_today(branch, dissolved_on, message):
    errors = errors_of(branch_dissolve, branch=branch, dissolved_on=dissolved_on or tomorrow())
    assert errors == {"dissolved_on": [message]}
    assert Branch.objects.get(pk=branch.pk).status == BranchStatus.ACTIVE
    assert (branch.status, branch.dissolved_on) == (BranchStatus.ACTIVE, None)


def test_dissolve_refuses_a_branch_already_dissolved(branch):
    branch_dissolve(branch=branch, dissolved_on=datetime.date(2022, 3, 1))
    errors = errors_of(branch_dissolve, branch=branch, dissolved_on=datetime.date(2022, 4, 1))
    assert errors == {"status": ["The branch is already dissolved."]}
    assert Branch.objects.get(pk=branch.pk).dissolved_on == datetime.date(2022, 3, 1)


def test_dissolve_denies_a_viewer(branch, city_official):
    with pytest.raises(PermissionDenied):
        branch_dissolve(branch=branch, dissolved_on=datetime.date(2022, 3, 1), user=city_official)
    assert Branch.objects.get(pk=branch.pk).status == BranchStatus.ACTIVE


# assessment_record


def test_assessment_uses_the_default_standard_and_counts_items(branch, six_haves, county_staff):
    met = list(six_haves.items.all()[:4])
    assessment = assessment_record(
        branch=branch, assessed_on=datetime.date(2022, 6, 1), items_met=met, user=county_staff
    )
    assert (assessment.standard, assessment.met_count, assessment.item_count) == (six_haves, 4, 6)
    assert set(Assessment.objects.get(pk=assessment.pk).items_met.all()) == set(met)


def test_assessment_counts_a_repeated_item_once(branch, six_haves):
    item = six_haves.items.first()
    assessment = assessment_record(
        branch=branch, assessed_on=datetime.date(2022, 6, 1), items_met=[item, item]
    )
    assert assessment.met_count == 1


def test_assessment_refuses_items_of_another_standard(branch):
    other = StandardFactory(items=3)
    errors = errors_of(
        assessment_record,
        branch=branch,
        assessed_on=datetime.date(2022, 6, 1),
        items_met=other.items.all(),
    )
    assert errors == {"items_met": ["Every item met must belong to the standard."]}
    assert not Assessment.objects.exists()


def test_assessment_against_a_given_standard(branch):
    standard = StandardFactory(items=3)
    assessment = assessment_record(
        branch=branch,
        standard=standard,
        assessed_on=datetime.date(2022, 6, 1),
        items_met=standard.items.all(),
    )
    assert (assessment.met_count, assessment.item_count, assessment.is_compliant) == (3, 3, True)


def test_assessment_refuses_a_standard_of_another_region(branch):
    standard = StandardFactory(items=3, region_id=JIZHOU)
    errors = errors_of(
        assessment_record,
        branch=branch,
        standard=standard,
        assessed_on=datetime.date(2022, 6, 1),
        items_met=[],
    )
    assert errors == {"standard": ["This standard does not apply at the branch's region."]}


def test_assessment_needs_a_standard_when_none_is_the_default(branch):
    Standard.objects.update(is_default=False)
    errors = errors_of(
        assessment_record, branch=branch, assessed_on=datetime.date(2022, 6, 1), items_met=[]
    )
    assert errors == {"standard": ["No default standard is set: choose one."]}


def test_assessment_refuses_a_date_later_than_today(branch):
    errors = errors_of(assessment_record, branch=branch, assessed_on=tomorrow(), items_met=[])
    assert errors == {"assessed_on": [NOT_FUTURE]}
    assert not Assessment.objects.exists()


def test_assessment_refuses_an_outsider(branch, outsider):
    errors = errors_of(
        assessment_record,
        branch=branch,
        assessed_on=datetime.date(2022, 6, 1),
        items_met=[],
        user=outsider,
    )
    assert errors == {"branch": [OUTSIDE]}


# Selectors


def assess(branch, on: datetime.date, met: int) -> Assessment:
    standard = Standard.objects.get(is_default=True)
    return assessment_record(branch=branch, assessed_on=on, items_met=standard.items.all()[:met])


def test_branch_list_shows_only_the_users_region(county_staff, outsider, city_official):
    tianyu_branch = BranchFactory()
    gunan_branch = BranchFactory(region_id=GUNAN)
    assert list(branch_list(user=county_staff)) == [tianyu_branch]
    assert list(branch_list(user=outsider)) == [gunan_branch]
    assert set(branch_list(user=city_official)) == {tianyu_branch, gunan_branch}


def test_branch_list_annotates_the_latest_assessment(branch, county_staff):
    assess(branch, datetime.date(2021, 6, 1), met=2)
    assess(branch, datetime.date(2022, 6, 1), met=4)
    assess(branch, datetime.date(2022, 6, 1), met=5)  # same day, recorded later: it wins
    assess(branch, datetime.date(2020, 6, 1), met=6)
    never_assessed = BranchFactory()
    listed = {b.pk: b for b in branch_list(user=county_staff)}
    latest = listed[branch.pk]
    assert (latest.latest_assessed_on, latest.latest_met, latest.latest_total) == (
        datetime.date(2022, 6, 1),
        5,
        6,
    )
    assert listed[never_assessed.pk].latest_assessed_on is None


def make_assessed_branches(count: int) -> None:
    for _ in range(count):
        branch = BranchFactory(parent=BranchFactory(kind=BranchKind.SCHOOL))
        assess(branch, datetime.date(2021, 6, 1), met=3)
        assess(branch, datetime.date(2022, 6, 1), met=6)


def read_branch_list(user) -> list[tuple]:
    return [
        (b.region.name, b.parent and b.parent.name, b.latest_met) for b in branch_list(user=user)
    ]


@pytest.mark.parametrize("count", [3, 6])
def test_branch_list_takes_one_query_whatever_the_number_of_branches(
    county_staff, django_assert_num_queries, count
):
    make_assessed_branches(count)
    # 1. branches joined with region and parent, the latest assessment as subqueries
    with django_assert_num_queries(1):
        rows = read_branch_list(county_staff)
    assert len(rows) == 2 * count
    assert sorted(row[2] for row in rows if row[2] is not None) == [6] * count


def test_branch_get_returns_a_branch_in_scope(branch, county_staff):
    assert branch_get(user=county_staff, pk=branch.pk) == branch


def test_branch_get_is_404_for_an_outsider(branch, outsider):
    with pytest.raises(Http404):
        branch_get(user=outsider, pk=branch.pk)


def test_region_children_are_the_current_regions_one_level_down(tianyu):
    children = list(region_children(region=tianyu))
    assert children and all(r.parent_id == TIANYU and len(r.code) == 12 for r in children)
    closed = children[0]
    Region.objects.filter(code=closed.code).update(valid_to=datetime.date(2021, 1, 1))
    assert closed not in region_children(region=tianyu)
    assert len(region_children(region=tianyu)) == len(children) - 1


def test_region_search_by_code_prefix_within_scope(county_staff):
    codes = [r.code for r in region_search(user=county_staff, query="3608031", limit=50)]
    assert TIANYU in codes and ZHIXIA in codes
    assert all(code.startswith("3608031") for code in codes)
    assert codes.index(TIANYU) < codes.index(TIANYU + "001")  # higher levels first


def test_region_search_by_name_stays_within_scope(county_staff, city_official):
    assert [r.code for r in region_search(user=county_staff, query="天玉")] == [TIANYU]
    assert not region_search(user=county_staff, query="古南")
    codes = [r.code for r in region_search(user=city_official, query="古南")]
    assert codes[0] == GUNAN  # the street before its communities


def test_region_search_limits_results_and_ignores_an_empty_query(county_staff):
    assert len(region_search(user=county_staff, query="360803", limit=5)) == 5
    assert not region_search(user=county_staff, query="  ")
