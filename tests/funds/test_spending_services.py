"""Funds and spendings through their services: default funds, balances never below zero,
designated funds paying only for their purpose, reversals, scope, vouchers and history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from funds.choices import FundKind, SpendingCategory
from funds.models import Donation, Fund, FundBalance, Spending
from funds.services import (
    default_funds,
    donation_record,
    donation_reverse,
    fund_create,
    spending_record,
    spending_reverse,
)
from history.models import SpendingEvent
from tests.conftest import TIANYU
from tests.factories import BranchFactory, CampaignFactory

pytestmark = pytest.mark.django_db

XINGQIAO = "360802100"  # 兴桥镇, a town of 吉州区 (outside county_staff's scope)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"


@pytest.fixture(autouse=True)
def english():
    """The messages in English (the rules' own words; the catalog is checked elsewhere)."""
    with translation.override("en"):
        yield


@pytest.fixture
def branch():
    return BranchFactory(region_id=TIANYU, name="天玉镇红十字会")


def give(branch, amount="1000", **fields) -> Donation:
    values = {"channel": "bank", "received_on": datetime.date(2024, 5, 1), **fields}
    return donation_record(branch=branch, amount=amount, **values)


def spend(fund, amount="100", **fields) -> Spending:
    values = {
        "category": SpendingCategory.AID,
        "spent_on": datetime.date(2024, 6, 1),
        "payee": "张三",
        "purpose": "困难家庭救助",
        "voucher_no": f"V-{Spending.objects.count() + 1:04d}",
        **fields,
    }
    return spending_record(fund=fund, amount=amount, **values)


def balance_of(fund) -> Decimal:
    return FundBalance.objects.get(fund=fund).balance


def errors_of(call, **fields) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call(**fields)
    return caught.value.message_dict


# Which fund a donation goes to ------------------------------------------------------------


def test_a_gift_without_campaign_goes_to_the_unrestricted_fund_opened_on_demand(branch):
    donation = give(branch)
    fund = donation.fund
    assert (fund.kind, fund.branch_id, fund.campaign_id) == (FundKind.UNRESTRICTED, branch.pk, None)
    assert give(branch).fund_id == fund.pk  # the same fund, not a second one
    assert balance_of(fund) == Decimal("2000.00")


def test_a_gift_to_a_campaign_goes_to_the_campaigns_designated_fund(branch):
    campaign = CampaignFactory(name="99公益日 2024")
    fund = give(branch, campaign=campaign).fund
    assert (fund.kind, fund.campaign_id, fund.project) == (
        FundKind.DESIGNATED,
        campaign.pk,
        "99公益日 2024",
    )
    assert Fund.objects.filter(branch=branch).count() == 1


def test_goods_go_to_a_fund_but_add_no_money(branch):
    donation = give(branch, kind="in_kind", in_kind_description="口罩 7000 只", channel="goods")
    assert donation.fund is not None
    assert balance_of(donation.fund) == Decimal("0.00")


def test_a_gift_may_name_a_fund_of_its_branch(branch):
    fund = fund_create(branch=branch, kind=FundKind.DESIGNATED, project="助学")
    assert give(branch, fund=fund).fund_id == fund.pk
    assert balance_of(fund) == Decimal("1000.00")


def test_a_gift_cannot_go_to_another_branchs_fund(branch):
    other = fund_create(branch=BranchFactory(region_id=TIANYU), kind=FundKind.MATCHING)
    errors = errors_of(give, branch=branch, fund=other)
    assert errors == {"fund": ["The fund belongs to another branch."]}


def test_a_campaign_fund_takes_only_its_campaigns_gifts(branch):
    fund = give(branch, campaign=CampaignFactory()).fund
    errors = errors_of(give, branch=branch, fund=fund)
    assert errors == {"fund": ["This fund holds the gifts of its own campaign only."]}


def test_default_funds_opens_each_missing_fund_once(branch):
    campaign = CampaignFactory()
    first = default_funds([(branch.pk, None), (branch.pk, campaign.pk)])
    again = default_funds([(branch.pk, campaign.pk), (branch.pk, None)])
    assert first == again
    assert Fund.objects.count() == FundBalance.objects.count() == 2


# Opening funds ------------------------------------------------------------------------------


def test_a_designated_fund_names_its_purpose(branch):
    errors = errors_of(fund_create, branch=branch, kind=FundKind.DESIGNATED)
    assert errors == {
        "__all__": ["A designated fund names its project or purpose; other funds name none."]
    }


def test_a_branch_has_one_unrestricted_fund(branch):
    fund_create(branch=branch, kind=FundKind.UNRESTRICTED)
    errors = errors_of(fund_create, branch=branch, kind=FundKind.UNRESTRICTED)
    assert errors == {"__all__": ["The branch has its unrestricted or matching fund already."]}


def test_staff_open_funds_only_in_their_county(outsider, branch):
    errors = errors_of(fund_create, branch=branch, kind=FundKind.MATCHING, user=outsider)
    assert errors == {"branch": ["This lies outside your region."]}
    assert not Fund.objects.exists()


# Spending ------------------------------------------------------------------------------------


def test_spending_lowers_the_balance(county_staff, branch):
    fund = give(branch, amount="1000").fund
    spending = spend(fund, amount="400.50", user=county_staff)
    assert (spending.branch_id, spending.region_code) == (branch.pk, TIANYU)
    assert balance_of(fund) == Decimal("599.50")
    assert FundBalance.objects.get(fund=fund).spent == Decimal("400.50")


def test_spending_more_than_the_fund_holds_is_refused(branch):
    fund = give(branch, amount="1000").fund
    errors = errors_of(spend, fund=fund, amount="1000.01")
    assert errors == {
        "amount": ["The fund holds 1000.00 yuan, less than 1000.01 yuan: this would overdraw it."]
    }
    assert not Spending.objects.exists()
    assert balance_of(fund) == Decimal("1000.00")


def test_the_last_yuan_can_be_spent(branch):
    fund = give(branch, amount="1000").fund
    spend(fund, amount="1000")
    assert balance_of(fund) == Decimal("0.00")


def test_the_database_refuses_a_spending_that_skips_the_service(branch):
    fund = give(branch, amount="10").fund
    row = Spending(
        fund=fund,
        branch=branch,
        region_code=TIANYU,
        spent_on=datetime.date(2024, 6, 1),
        amount=Decimal("10.01"),
        category=SpendingCategory.AID,
        payee="张三",
        purpose="绕过服务",
        voucher_no="RAW-1",
    )
    with pytest.raises(IntegrityError, match="not_overdrawn"), transaction.atomic():
        row.save()
    assert balance_of(fund) == Decimal("10.00")


def test_a_designated_fund_pays_only_for_its_project(branch):
    fund = fund_create(branch=branch, kind=FundKind.DESIGNATED, project="天玉镇助学项目")
    give(branch, fund=fund)
    errors = errors_of(spend, fund=fund, project="敬老院修缮")
    assert errors == {
        "project": ["This designated fund pays only for “天玉镇助学项目”: name that project."]
    }
    assert spend(fund, project=" 天玉镇助学项目 ").project == "天玉镇助学项目"


def test_a_campaign_fund_pays_for_the_campaigns_project(branch):
    fund = give(branch, campaign=CampaignFactory(name="99公益日 2024")).fund
    assert "project" in errors_of(spend, fund=fund, project="")
    assert spend(fund, project="99公益日 2024").fund_id == fund.pk


@pytest.mark.parametrize("kind", [FundKind.DESIGNATED, FundKind.MATCHING])
def test_administrative_costs_come_from_the_unrestricted_fund_only(branch, kind):
    fund = fund_create(branch=branch, kind=kind, project="助学" if kind == "designated" else "")
    give(branch, fund=fund)
    errors = errors_of(
        spend, fund=fund, project=fund.project, category=SpendingCategory.ADMINISTRATIVE
    )
    assert errors == {
        "category": ["Administrative costs are paid from the unrestricted fund only."]
    }
    unrestricted = give(branch).fund
    assert spend(unrestricted, category=SpendingCategory.ADMINISTRATIVE).pk


def test_an_unrestricted_fund_pays_for_any_project(branch):
    fund = give(branch).fund
    assert spend(fund, project="任意项目").pk
    assert spend(fund, project="").pk


def test_staff_spend_only_from_funds_in_their_county(outsider, county_staff, branch):
    fund = give(branch).fund
    errors = errors_of(spend, fund=fund, user=outsider)
    assert errors == {"fund": ["This lies outside your region."]}
    assert spend(fund, user=county_staff).recorded_by == county_staff


def test_a_viewer_cannot_spend(city_official, branch):
    from core.access import AccessDenied

    fund = give(branch).fund
    with pytest.raises(AccessDenied):
        spend(fund, user=city_official)


def test_a_voucher_number_is_used_once(branch):
    fund = give(branch).fund
    spend(fund, voucher_no="PZ-2024-001")
    errors = errors_of(spend, fund=fund, voucher_no="PZ-2024-001")
    assert errors == {"voucher_no": ["Voucher number PZ-2024-001 is already in use."]}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"spent_on": datetime.date(2999, 1, 1)}, "spent_on"),
        ({"voucher_no": "PZ-1-R"}, "voucher_no"),
        ({"voucher_no": ""}, "voucher_no"),
        ({"payee": ""}, "payee"),
        ({"category": "bribes"}, "category"),
    ],
)
def test_a_spending_breaking_a_rule_is_refused(branch, changes, field):
    fund = give(branch).fund
    assert field in errors_of(spend, fund=fund, **changes)
    assert not Spending.objects.exists()


def test_a_spending_is_append_only_in_the_database(branch):
    spending = spend(give(branch).fund)
    with pytest.raises(Exception, match="Cannot update"), transaction.atomic():
        Spending.objects.filter(pk=spending.pk).update(amount=Decimal("1"))
    with pytest.raises(Exception, match="Cannot delete"), transaction.atomic():
        Spending.objects.filter(pk=spending.pk).delete()


def test_recording_a_spending_writes_its_history(county_staff, branch):
    spending = spend(give(branch).fund, user=county_staff)
    event = SpendingEvent.objects.get(pgh_obj_id=spending.pk)
    assert (event.pgh_label, event.amount, event.voucher_no) == (
        "insert",
        spending.amount,
        spending.voucher_no,
    )


# Reversals ----------------------------------------------------------------------------------


def test_reversing_a_spending_restores_the_balance(county_staff, branch):
    fund = give(branch, amount="1000").fund
    original = spend(fund, amount="1000")
    reversal = spending_reverse(spending=original, reason="金额录错", user=county_staff)
    assert (reversal.amount, reversal.reverses_id, reversal.voucher_no) == (
        Decimal("-1000.00"),
        original.pk,
        f"{original.voucher_no}-R",
    )
    assert balance_of(fund) == Decimal("1000.00")
    assert FundBalance.objects.get(fund=fund).spent == Decimal("0.00")


def test_a_spending_is_reversed_once(branch):
    original = spend(give(branch).fund)
    reversal = spending_reverse(spending=original, reason="录错")
    errors = errors_of(spending_reverse, spending=original, reason="再冲")
    assert errors == {"spending": ["This spending has already been reversed."]}
    errors = errors_of(spending_reverse, spending=reversal, reason="冲冲正")
    assert errors == {"spending": ["A reversal entry cannot itself be reversed."]}


def test_a_reversal_needs_a_reason_and_the_scope(outsider, branch):
    original = spend(give(branch).fund)
    assert errors_of(spending_reverse, spending=original, reason=" ") == {
        "reason": ["A reversal needs a reason."]
    }
    assert errors_of(spending_reverse, spending=original, reason="录错", user=outsider) == {
        "spending": ["This lies outside your region."]
    }


def test_a_donation_whose_money_was_spent_cannot_be_reversed(branch):
    donation = give(branch, amount="1000")
    spend(donation.fund, amount="600")
    errors = errors_of(donation_reverse, donation=donation, reason="录错")
    assert errors == {
        "donation": ["The fund holds 400.00 yuan, less than 1000.00 yuan: this would overdraw it."]
    }
    assert balance_of(donation.fund) == Decimal("400.00")


def test_reversing_a_donation_takes_its_money_out_of_its_fund(branch):
    donation = give(branch, amount="1000")
    reversal = donation_reverse(donation=donation, reason="录错")
    assert reversal.fund_id == donation.fund_id
    assert balance_of(donation.fund) == Decimal("0.00")


# Attachments --------------------------------------------------------------------------------


def test_a_pdf_voucher_is_kept(branch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("发票.pdf", PDF, content_type="application/pdf")
    spending = spend(give(branch).fund, attachment=upload)
    assert spending.attachment.name.startswith("spendings/")
    assert spending.attachment.read() == PDF


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html>not a pdf</html>", "An attachment must be a PDF, JPEG or PNG file."),
        (b"%PDF-" + b"0" * 2048, "An attachment may be at most 1 kB."),
    ],
)
def test_a_voucher_file_is_checked_by_content_and_size(
    branch, settings, tmp_path, content, message
):
    settings.MEDIA_ROOT = tmp_path
    settings.SPENDING_ATTACHMENT_MAX_BYTES = 1024
    # The name and the declared type say PDF: only the content decides.
    upload = SimpleUploadedFile("发票.pdf", content, content_type="application/pdf")
    errors = errors_of(spend, fund=give(branch).fund, attachment=upload)
    assert errors == {"attachment": [message]}
    assert not list(tmp_path.rglob("*.pdf"))


# The branch moves ---------------------------------------------------------------------------


def test_funds_and_spendings_follow_a_branch_that_moves(branch):
    spending = spend(give(branch).fund)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE orgs_branch SET region_id = %s WHERE id = %s", [XINGQIAO, branch.pk])
    assert Fund.objects.get(branch=branch).region_code == XINGQIAO
    spending.refresh_from_db()
    assert spending.region_code == XINGQIAO
