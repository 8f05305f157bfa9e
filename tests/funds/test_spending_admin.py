"""Admin screens of funds and spendings: spendings are added and reversed only, vouchers are
downloaded only by users who see the spending."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from funds.choices import FundKind, SpendingCategory
from funds.models import Fund, FundBalance, Spending
from funds.services import donation_record, fund_create, spending_record
from tests.conftest import TIANYU
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def url(name: str, *args) -> str:
    return reverse(f"admin:funds_{name}", args=args)


@pytest.fixture
def fund():
    branch = BranchFactory(region_id=TIANYU)
    return donation_record(
        branch=branch, amount="1000", channel="bank", received_on=datetime.date(2024, 5, 1)
    ).fund


def spending_form(fund, **fields) -> dict:
    return {
        "fund": fund.pk,
        "amount": "300.00",
        "category": SpendingCategory.AID,
        "spent_on": "2024-06-01",
        "project": "",
        "payee": "张三",
        "purpose": "困难家庭救助",
        "voucher_no": "PZ-001",
        **fields,
    }


def spent(fund, **fields) -> Spending:
    values = {
        "amount": "300",
        "category": SpendingCategory.AID,
        "spent_on": datetime.date(2024, 6, 1),
        "payee": "张三",
        "purpose": "救助",
        "voucher_no": "PZ-100",
        **fields,
    }
    return spending_record(fund=fund, **values)


@pytest.fixture
def staff_client(client, county_staff):
    client.force_login(county_staff)
    return client


def test_staff_record_a_spending_with_its_voucher(
    staff_client, county_staff, fund, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    form = spending_form(fund, attachment=SimpleUploadedFile("票据.png", PNG, "image/png"))
    page = staff_client.post(url("spending_add"), form)
    assert page.status_code == 302
    spending = Spending.objects.get()
    assert (spending.amount, spending.recorded_by) == (Decimal("300.00"), county_staff)
    assert FundBalance.objects.get(fund=fund).balance == Decimal("700.00")
    download = staff_client.get(url("spending_attachment", spending.pk))
    assert download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == PNG


def test_an_overdraft_shows_the_reason_beside_the_amount(staff_client, fund):
    page = staff_client.post(url("spending_add"), spending_form(fund, amount="1000.01"))
    # The admin speaks Chinese (the site's language).
    assert page.context["adminform"].form.errors["amount"] == [
        "该资金账户余额 1000.00 元，少于 1000.01 元：将造成透支。"
    ]
    assert not Spending.objects.exists()


def test_a_designated_funds_purpose_shows_on_the_form(staff_client, fund):
    designated = fund_create(branch=fund.branch, kind=FundKind.DESIGNATED, project="助学")
    page = staff_client.post(url("spending_add"), spending_form(designated, project="修路"))
    assert page.context["adminform"].form.errors["project"]
    assert not Spending.objects.exists()


def test_another_countys_fund_cannot_be_picked(client, outsider, fund):
    client.force_login(outsider)
    page = client.post(url("spending_add"), spending_form(fund))
    assert "fund" in page.context["adminform"].form.errors
    assert not Spending.objects.exists()


def test_another_countys_spending_and_voucher_answer_404(
    client, outsider, fund, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    spending = spent(fund, attachment=SimpleUploadedFile("a.png", PNG, "image/png"))
    client.force_login(outsider)
    assert client.get(url("spending_change", spending.pk)).status_code == 404
    assert client.get(url("spending_attachment", spending.pk)).status_code == 404
    assert client.get(url("spending_reverse", spending.pk)).status_code == 404


def test_the_change_page_is_read_only_with_a_reverse_link(staff_client, fund):
    spending = spent(fund)
    page = staff_client.get(url("spending_change", spending.pk))
    assert 'name="_save"' not in page.text
    assert url("spending_reverse", spending.pk) in page.text
    form = spending_form(fund, amount="1.00")
    assert staff_client.post(url("spending_change", spending.pk), form).status_code == 403
    assert staff_client.post(url("spending_delete", spending.pk)).status_code == 403


def test_reversing_in_the_admin_restores_the_balance(staff_client, fund):
    spending = spent(fund)
    page = staff_client.post(url("spending_reverse", spending.pk), {"reason": "金额录错"})
    reversal = Spending.objects.get(reverses=spending)
    assert page.status_code == 302
    assert page["Location"] == url("spending_change", reversal.pk)
    assert FundBalance.objects.get(fund=fund).balance == Decimal("1000.00")
    # Reversed: no second reversal is offered.
    assert staff_client.get(url("spending_reverse", spending.pk)).status_code == 403


def test_a_viewer_cannot_reverse(client, city_official, fund):
    spending = spent(fund)
    client.force_login(city_official)
    assert client.get(url("spending_change", spending.pk)).status_code == 200
    assert client.post(url("spending_reverse", spending.pk), {"reason": "x"}).status_code == 403


def test_staff_open_a_designated_fund(staff_client, fund):
    form = {"branch": fund.branch_id, "kind": FundKind.DESIGNATED, "name": "", "project": "助学"}
    assert staff_client.post(url("fund_add"), form).status_code == 302
    opened = Fund.objects.get(project="助学")
    assert FundBalance.objects.get(fund=opened).balance == Decimal("0.00")


# Both: the user, the region filter's children, the COUNT of the user's rows, the user's
# and their groups' Django permissions (read by the admin's templates), the content type
# (once per process), then the page of rows (funds with branch, campaign and balance;
# spendings with fund, branch and status); for spendings the date hierarchy's first and
# last date and its days.
@pytest.mark.parametrize(("page", "budget"), [("fund_changelist", 7), ("spending_changelist", 9)])
def test_lists_stay_bounded_when_rows_double(
    staff_client, fund, django_assert_max_num_queries, page, budget
):
    for round_ in range(2):
        for n in range(3):
            spent(fund, amount="10", voucher_no=f"PZ-{round_}-{n}")
            fund_create(branch=BranchFactory(region_id=TIANYU), kind=FundKind.MATCHING)
        with django_assert_max_num_queries(budget):
            assert staff_client.get(url(page)).status_code == 200
