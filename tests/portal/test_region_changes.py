"""The write counters behind the rollups' ETags (reports.RegionChange): kept by the summary
triggers for every table a rollup reads, only growing, and read in one query."""

import pytest

from core.summaries import summary_tables, trigger_functions
from funds.services import donation_reverse
from members.models import Member
from orgs.models import Region
from reports.models import TRACKED, RegionChange
from reports.rollups import subtree_changes
from tests.conftest import JIAN, JIANGXI, JIZHOU, QINGYUAN, TIANYU
from tests.factories import (
    BranchFactory,
    CampaignFactory,
    DonationFactory,
    MemberFactory,
)

pytestmark = pytest.mark.django_db


def counted(code: str) -> int:
    return subtree_changes(code)[0]


def test_every_table_a_summary_counts_is_tracked():
    summarized = {
        function.table
        for function in trigger_functions()
        if function.table not in {model._meta.db_table for model in summary_tables()}
    }
    # Campaign names show in the rollups, though no figure counts campaigns.
    assert summarized | {"funds_campaign"} == set(TRACKED)


def test_each_write_adds_the_rows_it_wrote_at_its_township():
    county, township = counted(QINGYUAN), counted(TIANYU)
    branch = BranchFactory(region_id=TIANYU)
    member = MemberFactory(branch=branch)
    Member.objects.filter(pk=member.pk).update(name="王芳")  # old and new row: 2
    donation = DonationFactory(branch=branch)
    donation_reverse(donation=donation, reason="录入错误")
    written = 1 + 1 + 2 + 1 + 1  # branch, member, member updated, donation, reversal
    assert (counted(QINGYUAN), counted(TIANYU)) == (county + written, township + written)


def test_the_count_of_a_region_covers_its_subtree_and_the_regions_above_it():
    tianyu, jizhou, jian = counted(TIANYU), counted(JIZHOU), counted(JIAN)
    CampaignFactory(region_id=JIAN)  # a city's campaign shows in its counties' rollups
    assert (counted(TIANYU), counted(JIZHOU), counted(JIAN)) == (tianyu + 1, jizhou + 1, jian + 1)
    elsewhere = Region.objects.filter(parent_id=JIZHOU, level="township").first()
    BranchFactory(region_id=elsewhere.code)
    assert (counted(TIANYU), counted(JIZHOU), counted(JIAN)) == (tianyu + 1, jizhou + 2, jian + 2)
    assert counted("") >= counted(JIANGXI) >= counted(JIAN)


def test_a_village_counts_at_its_township():
    village = Region.objects.filter(parent_id=TIANYU).first()
    before = counted(village.code)
    BranchFactory(region_id=village.code, kind="community")
    assert counted(village.code) == before + 1
    assert not RegionChange.objects.filter(region_code=village.code).exists()


def test_the_count_is_one_query(django_assert_num_queries):
    BranchFactory(region_id=TIANYU)
    with django_assert_num_queries(1):
        changes, changed_at = subtree_changes(QINGYUAN)
    assert changes > 0 and changed_at is not None


def test_an_unchanged_rollup_costs_two_queries(api, county_staff, django_assert_num_queries):
    BranchFactory(region_id=TIANYU)
    client = api(county_staff)
    url = f"/api/v1/regions/{QINGYUAN}/rollup/"
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(2):  # the region in scope, the count
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
