"""Every filter of the orgs FilterSets, on two records: one that matches, one that does not."""

import datetime

import pytest

from orgs.filtersets import AssessmentFilterSet, BranchFilterSet, RegionFilterSet, StandardFilterSet
from orgs.models import Assessment, Branch, Region, Standard
from tests.conftest import JIZHOU, QINGYUAN, TIANYU
from tests.factories import BranchFactory, StandardFactory

pytestmark = pytest.mark.django_db

ZHIXIA = "360803101"  # 值夏镇, another town of 青原区


def filtered(filterset_class, queryset, params: dict) -> list:
    filterset = filterset_class(params, queryset=queryset)
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs)


def test_unknown_parameters_are_errors():
    filterset = BranchFilterSet({"kind": "school", "colour": "red"}, queryset=Branch.objects.all())
    assert not filterset.is_valid()
    assert list(filterset.errors) == ["colour"]


def test_pagination_parameters_are_not_unknown():
    filterset = BranchFilterSet({"page": "2", "page_size": "10"}, queryset=Branch.objects.all())
    assert filterset.is_valid()


# Regions --------------------------------------------------------------------------------

REGION_CASES = {
    "region": ({"region": TIANYU}, lambda r: r.code.startswith(TIANYU)),
    "parent": ({"parent": QINGYUAN}, lambda r: r.parent_id == QINGYUAN),
    "level": ({"level": "township"}, lambda r: r.level == "township"),
    "kind": ({"kind": "street"}, lambda r: r.kind == "street"),
    "search": ({"search": "天玉"}, lambda r: "天玉" in r.name),
}


@pytest.mark.parametrize("name", REGION_CASES)
def test_region_filter(name):
    params, matches = REGION_CASES[name]
    regions = Region.objects.within(QINGYUAN)
    rows = filtered(RegionFilterSet, regions, params)
    assert rows
    assert all(matches(region) for region in rows)
    assert len(rows) == sum(1 for region in regions if matches(region))


def test_region_search_by_code_prefix():
    rows = filtered(RegionFilterSet, Region.objects.all(), {"search": TIANYU})
    assert rows[0].code == TIANYU
    assert all(region.code.startswith(TIANYU) for region in rows)


def test_region_ordering():
    rows = filtered(
        RegionFilterSet, Region.objects.filter(parent_id=QINGYUAN), {"ordering": "-code"}
    )
    assert [region.code for region in rows] == sorted((r.code for r in rows), reverse=True)
    assert len(rows) > 1


def test_region_filters_are_all_tested():
    assert set(RegionFilterSet.base_filters) == {*REGION_CASES, "ordering"}


# Branches -------------------------------------------------------------------------------


@pytest.fixture
def branches() -> dict[str, Branch]:
    tianyu = BranchFactory(name="天玉镇红十字会", founded_on=datetime.date(2019, 5, 8))
    school = BranchFactory(
        name="值夏中学红十字会",
        region_id=ZHIXIA,
        kind="school",
        status="dormant",
        rating="weak",
        parent=tianyu,
        founded_on=datetime.date(2015, 9, 1),
    )
    return {"tianyu": tianyu, "school": school}


BRANCH_CASES = {
    "region": (lambda b: {"region": ZHIXIA}, "school"),
    "parent": (lambda b: {"parent": b["tianyu"].pk}, "school"),
    "founded_after": (lambda b: {"founded_after": "2019-05-08"}, "tianyu"),
    "founded_before": (lambda b: {"founded_before": "2019-05-07"}, "school"),
    "search": (lambda b: {"search": "值夏"}, "school"),
    "kind": (lambda b: {"kind": "school"}, "school"),
    "status": (lambda b: {"status": "active"}, "tianyu"),
    "rating": (lambda b: {"rating": "weak"}, "school"),
}


@pytest.mark.parametrize("name", BRANCH_CASES)
def test_branch_filter(branches, name):
    params, expected = BRANCH_CASES[name]
    assert filtered(BranchFilterSet, Branch.objects.all(), params(branches)) == [branches[expected]]


def test_branch_ordering(branches):
    rows = filtered(BranchFilterSet, Branch.objects.all(), {"ordering": "-founded_on"})
    assert rows == [branches["tianyu"], branches["school"]]


def test_branch_filters_are_all_tested():
    assert set(BranchFilterSet.base_filters) == {*BRANCH_CASES, "ordering"}


# Standards ------------------------------------------------------------------------------


@pytest.fixture
def standards() -> dict[str, Standard]:
    return {
        "qingyuan": StandardFactory(code="qingyuan-std", name="青原标准", region_id=QINGYUAN),
        "jizhou": StandardFactory(code="jizhou-std", name="吉州标准", region_id=JIZHOU),
    }


STANDARD_CASES = {
    "region": ({"region": QINGYUAN}, ["qingyuan"]),
    "search": ({"search": "jizhou"}, ["jizhou"]),
    "is_default": ({"is_default": "false"}, ["jizhou", "qingyuan"]),
}


@pytest.mark.parametrize("name", STANDARD_CASES)
def test_standard_filter(standards, name):
    params, expected = STANDARD_CASES[name]
    rows = filtered(StandardFilterSet, Standard.objects.all(), params)
    assert rows == [standards[key] for key in expected]


def test_standard_default_filter_finds_the_six_haves(standards):
    rows = filtered(StandardFilterSet, Standard.objects.all(), {"is_default": "true"})
    assert [standard.code for standard in rows] == ["six-haves"]


def test_standard_ordering(standards):
    rows = filtered(
        StandardFilterSet, Standard.objects.exclude(is_default=True), {"ordering": "-code"}
    )
    assert rows == [standards["qingyuan"], standards["jizhou"]]


def test_standard_filters_are_all_tested():
    assert set(StandardFilterSet.base_filters) == {*STANDARD_CASES, "ordering"}


# Assessments ----------------------------------------------------------------------------


@pytest.fixture
def assessments(standards) -> dict[str, Assessment]:
    six_haves = Standard.objects.get(is_default=True)
    return {
        "tianyu": Assessment.objects.create(
            branch=BranchFactory(region_id=TIANYU), standard=six_haves, assessed_on="2020-05-01"
        ),
        "zhixia": Assessment.objects.create(
            branch=BranchFactory(region_id=ZHIXIA),
            standard=standards["qingyuan"],
            assessed_on="2021-05-01",
        ),
    }


ASSESSMENT_CASES = {
    "region": (lambda a: {"region": ZHIXIA}, "zhixia"),
    "branch": (lambda a: {"branch": a["tianyu"].branch_id}, "tianyu"),
    "standard": (lambda a: {"standard": a["zhixia"].standard_id}, "zhixia"),
    "assessed_after": (lambda a: {"assessed_after": "2021-01-01"}, "zhixia"),
    "assessed_before": (lambda a: {"assessed_before": "2020-12-31"}, "tianyu"),
    "year": (lambda a: {"year": 2020}, "tianyu"),
}


@pytest.mark.parametrize("name", ASSESSMENT_CASES)
def test_assessment_filter(assessments, name):
    params, expected = ASSESSMENT_CASES[name]
    rows = filtered(AssessmentFilterSet, Assessment.objects.all(), params(assessments))
    assert rows == [assessments[expected]]


def test_assessment_ordering(assessments):
    rows = filtered(AssessmentFilterSet, Assessment.objects.all(), {"ordering": "assessed_on"})
    assert rows == [assessments["tianyu"], assessments["zhixia"]]


def test_assessment_year_out_of_range_is_an_error():
    filterset = AssessmentFilterSet({"year": "20200"}, queryset=Assessment.objects.all())
    assert list(filterset.errors) == ["year"]


def test_assessment_filters_are_all_tested():
    assert set(AssessmentFilterSet.base_filters) == {*ASSESSMENT_CASES, "ordering"}
