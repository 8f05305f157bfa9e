"""Every constraint and trigger of the orgs models: full_clean() explains, the database refuses."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, transaction
from django.utils import timezone, translation

from orgs.choices import BranchKind, BranchStatus, RegionLevel
from orgs.models import Assessment, Branch, Region, Standard, StandardItem
from tests.conftest import JIZHOU, QINGYUAN, TIANYU
from tests.factories import BranchFactory, StandardFactory

pytestmark = pytest.mark.django_db

TANGWEI = "360803100203"  # 塘尾村委会, a village of 天玉镇
NOT_FUTURE = "The date cannot be later than today."
AT_LEVEL = (
    "A territorial branch must sit at a region of its own level "
    "(a township branch at a township-level unit)."
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def clean_errors(instance) -> list[str]:
    """The messages full_clean() raises for ``instance``."""
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.messages


def assert_db_refuses(instance, constraint: str) -> None:
    """Saving ``instance`` raw (no full_clean) breaks the named constraint; nothing is saved."""
    model = type(instance)
    before = model.objects.count()
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        instance.save()
    assert model.objects.count() == before


# Regions


def test_region_level_must_match_its_code_length():
    region = Region(code="360803100999", name="新村", level=RegionLevel.TOWNSHIP, parent_id=TIANYU)
    assert "The region level does not match the length of its code." in clean_errors(region)
    assert_db_refuses(region, "orgs_region_level_matches_code")


def test_region_code_must_start_with_its_parents_code():
    region = Region(
        code="360803100999", name="新村", level=RegionLevel.COMMUNITY, parent_id="360802001"
    )
    assert "A region code must start with its parent region's code." in clean_errors(region)
    assert_db_refuses(region, "orgs_region_code_under_parent")


def test_region_below_province_needs_a_parent():
    region = Region(code="360803100999", name="新村", level=RegionLevel.COMMUNITY)
    assert "A region code must start with its parent region's code." in clean_errors(region)
    assert_db_refuses(region, "orgs_region_code_under_parent")


def test_branch_phone_is_validated():
    branch = BranchFactory.build(phone="12345")
    assert any("Invalid phone number" in message for message in clean_errors(branch))


def test_region_can_never_be_deleted():
    village = Region.objects.get(code=TANGWEI)
    with pytest.raises(InternalError, match="Cannot delete rows"), transaction.atomic():
        village.delete()
    assert Region.objects.filter(code=TANGWEI).exists()


# Branches


@pytest.mark.parametrize(
    ("kind", "region"),
    [
        pytest.param(BranchKind.TOWNSHIP, QINGYUAN, id="township-branch-at-county-code"),
        pytest.param(BranchKind.COUNTY, TIANYU, id="county-branch-at-township-code"),
        pytest.param(BranchKind.COMMUNITY, TIANYU, id="community-branch-at-township-code"),
        pytest.param(BranchKind.CITY, QINGYUAN, id="city-branch-at-county-code"),
    ],
)
def test_territorial_branch_must_sit_at_its_own_level(kind, region):
    branch = BranchFactory.build(kind=kind, region_id=region)
    assert AT_LEVEL in clean_errors(branch)
    assert_db_refuses(branch, "orgs_branch_territorial_kind_at_level")


@pytest.mark.parametrize(
    ("kind", "region"),
    [
        (BranchKind.TOWNSHIP, TIANYU),
        (BranchKind.COMMUNITY, TANGWEI),
        (BranchKind.COUNTY, QINGYUAN),
        (BranchKind.SCHOOL, QINGYUAN),
        (BranchKind.ENTERPRISE, TIANYU),
    ],
)
def test_territorial_branch_at_its_level_and_sectoral_anywhere_are_accepted(kind, region):
    branch = BranchFactory.build(kind=kind, region_id=region)
    branch.full_clean()
    branch.save()
    assert Branch.objects.filter(pk=branch.pk, kind=kind).exists()


def test_branch_name_is_unique_within_its_region():
    BranchFactory(name="天玉镇红十字会")
    duplicate = BranchFactory.build(name="天玉镇红十字会")
    assert "A branch of this name already exists at this region." in clean_errors(duplicate)
    assert_db_refuses(duplicate, "orgs_branch_unique_name_in_region")


def test_same_branch_name_is_accepted_at_another_region():
    BranchFactory(name="红十字会", kind=BranchKind.SCHOOL)
    BranchFactory(name="红十字会", kind=BranchKind.SCHOOL, region_id=JIZHOU)
    assert Branch.objects.filter(name="红十字会").count() == 2


def test_branch_cannot_be_dissolved_before_it_was_founded():
    branch = BranchFactory.build(
        status=BranchStatus.DISSOLVED,
        founded_on=datetime.date(2019, 5, 8),
        dissolved_on=datetime.date(2019, 1, 1),
    )
    assert "A branch cannot be dissolved before it was founded." in clean_errors(branch)
    assert_db_refuses(branch, "orgs_branch_dissolved_after_founded")


def test_only_a_dissolved_branch_has_a_dissolution_date():
    branch = BranchFactory.build(
        status=BranchStatus.DORMANT, dissolved_on=datetime.date(2021, 1, 1)
    )
    assert "Only a dissolved branch has a dissolution date." in clean_errors(branch)
    assert_db_refuses(branch, "orgs_branch_dissolved_on_only_when_dissolved")


def test_branch_cannot_be_its_own_parent():
    branch = BranchFactory()
    branch.parent = branch
    assert "A branch cannot be its own parent." in clean_errors(branch)
    with pytest.raises(IntegrityError, match="orgs_branch_not_own_parent"), transaction.atomic():
        branch.save()
    branch.refresh_from_db()
    assert branch.parent_id is None


@pytest.mark.parametrize(
    "field", ["founded_on", "dissolved_on", "first_congress_on", "supervisory_board_on"]
)
def test_branch_dates_cannot_be_later_than_today(field):
    values = {field: tomorrow()}
    if field == "dissolved_on":
        values["status"] = BranchStatus.DISSOLVED
    branch = BranchFactory.build(**values)
    assert clean_errors(branch) == [NOT_FUTURE]
    assert_db_refuses(branch, f"orgs_branch_{field}_not_future")


def test_branch_dated_today_is_accepted():
    branch = BranchFactory(founded_on=timezone.localdate())
    assert Branch.objects.get(pk=branch.pk).founded_on == timezone.localdate()


# Standards and assessments


def test_only_one_standard_is_the_default():
    assert Standard.objects.filter(is_default=True).exists()
    second = Standard(code="other", name="另一标准", is_default=True)
    assert "There can be only one default standard." in clean_errors(second)
    assert_db_refuses(second, "orgs_standard_one_default")


def test_item_numbers_are_unique_within_a_standard():
    standard = StandardFactory(items=3)
    item = StandardItem(standard=standard, number=2, title="重复条目")
    assert "Item numbers must be unique within a standard." in clean_errors(item)
    assert_db_refuses(item, "orgs_standarditem_unique_number")


def test_assessment_cannot_meet_more_items_than_the_standard_has():
    standard = StandardFactory(items=6)
    assessment = Assessment(
        branch=BranchFactory(),
        standard=standard,
        assessed_on=datetime.date(2022, 6, 1),
        met_count=7,
        item_count=6,
    )
    assert "Items met cannot exceed the items in total." in clean_errors(assessment)
    assert_db_refuses(assessment, "orgs_assessment_met_within_total")


def test_assessment_cannot_be_dated_later_than_today():
    assessment = Assessment(
        branch=BranchFactory(),
        standard=StandardFactory(items=6),
        assessed_on=tomorrow(),
        met_count=6,
        item_count=6,
    )
    assert clean_errors(assessment) == [NOT_FUTURE]
    assert_db_refuses(assessment, "orgs_assessment_assessed_on_not_future")
