"""A history names the related rows a change points at, as far as the viewer may see them;
a reversed donation says by which entry and when."""

import pytest
from django.urls import reverse
from django.utils import timezone

from core.context import write_context
from funds.services import donation_reverse
from history.diff import OUT_OF_SCOPE
from members.models import Member
from tests.factories import BranchFactory, DonationFactory, MemberFactory

pytestmark = pytest.mark.django_db

TIANYU = "360803101"  # 天玉镇, in 青原区
XINGQIAO = "360802100"  # 兴桥镇, in 吉州区: outside 青原区


def history_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])


def branch_change(page) -> tuple[str, str]:
    moved, *_ = page.context["rows"]
    (change,) = [c for c in moved.changes if c.field == "branch"]
    return change.before, change.after


def test_history_names_the_branches_a_member_moved_between(staff_client, county_staff):
    member = MemberFactory(branch=BranchFactory(name="天玉镇志愿者协会", region_id=TIANYU))
    new_branch = BranchFactory(name="天玉镇红十字会", region_id=TIANYU)
    with write_context(source="admin", user=county_staff):
        Member.objects.filter(pk=member.pk).update(branch=new_branch)
    page = staff_client.get(history_url(member))
    assert branch_change(page) == ("天玉镇志愿者协会", "天玉镇红十字会")
    assert "(#" not in page.text


def test_history_hides_the_name_of_a_branch_outside_the_viewers_area(staff_client, county_staff):
    member = MemberFactory(branch=BranchFactory(name="兴桥镇志愿者协会", region_id=XINGQIAO))
    with write_context(source="admin", user=county_staff):
        Member.objects.filter(pk=member.pk).update(
            branch=BranchFactory(name="天玉镇红十字会", region_id=TIANYU)
        )
    page = staff_client.get(history_url(member))
    assert branch_change(page) == (str(OUT_OF_SCOPE), "天玉镇红十字会")
    assert "兴桥镇志愿者协会" not in page.text


@pytest.fixture
def reversed_donation(county_staff):
    donation = DonationFactory(branch=BranchFactory(region_id=TIANYU), receipt_no="T-2019-7")
    reversal = donation_reverse(donation=donation, reason="金额录错", user=county_staff)
    return donation, reversal


def test_history_of_a_reversed_donation_links_the_reversal_and_its_time(
    staff_client, reversed_donation
):
    donation, reversal = reversed_donation
    page = staff_client.get(history_url(donation))
    (note,) = page.context["notes"]
    link = reverse("admin:funds_donation_change", args=[reversal.pk])
    at = timezone.localtime(reversal.created_at).strftime("%Y-%m-%d %H:%M")
    assert f'<a href="{link}">{reversal.receipt_no}</a>' in note
    assert at in note and "冲正" in note
    assert note in page.text


def test_change_page_of_a_reversed_donation_says_by_which_entry(staff_client, reversed_donation):
    donation, reversal = reversed_donation
    page = staff_client.get(reverse("admin:funds_donation_change", args=[donation.pk]))
    link = reverse("admin:funds_donation_change", args=[reversal.pk])
    assert f'<a href="{link}">{reversal.receipt_no}</a>' in page.text
    assert "冲正记录" in page.text


def test_history_of_a_donation_nothing_reversed_has_no_note(staff_client, county_staff):
    donation = DonationFactory(branch=BranchFactory(region_id=TIANYU))
    assert staff_client.get(history_url(donation)).context["notes"] == []


def test_history_of_the_reversal_entry_names_the_original(staff_client, reversed_donation):
    donation, reversal = reversed_donation
    (created,) = staff_client.get(history_url(reversal)).context["rows"]
    (reverses,) = [c for c in created.changes if c.field == "reverses"]
    assert reverses.after == str(donation) == "T-2019-7 ¥1,000.00"


def test_history_page_reads_each_related_table_once(
    staff_client, reversed_donation, django_assert_num_queries
):
    donation, _reversal = reversed_donation
    staff_client.get(history_url(donation))  # the first request warms the caches
    # The session; the user; the donation; its events; the names of its branch, of its
    # donor and of its fund, as the viewer may see them (no campaign, no recorder: no
    # query); the user's and their groups' permissions (the admin's menus); the entry that
    # reversed it.
    with django_assert_num_queries(10):
        staff_client.get(history_url(donation))
