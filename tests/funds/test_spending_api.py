"""The fund and spending endpoints: recorded, retried, reversed, filtered, never edited;
another county's funds, spendings and vouchers answer 404."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from funds.choices import FundKind, SpendingCategory
from funds.models import Fund, FundBalance, Spending
from funds.services import donation_record, fund_create, spending_record
from tests.conftest import TIANYU
from tests.factories import BranchFactory, CampaignFactory

pytestmark = pytest.mark.django_db

XINGQIAO = "360802100"  # 兴桥镇, a town of 吉州区
PDF = b"%PDF-1.4\n" + b"0" * 64


def results(response) -> list:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def fund_with(amount: str, region: str = TIANYU, **fields) -> Fund:
    branch = BranchFactory(region_id=region)
    return donation_record(
        branch=branch,
        amount=amount,
        channel="bank",
        received_on=datetime.date(2024, 5, 1),
        **fields,
    ).fund


def payload(fund, **changes) -> dict:
    return {
        "fund": fund.pk,
        "amount": "300.00",
        "category": "aid",
        "spent_on": "2024-06-01",
        "payee": "张三",
        "purpose": "困难家庭救助",
        "voucher_no": "PZ-001",
        **changes,
    }


def spent(fund, voucher_no="PZ-100", amount="100", **fields) -> Spending:
    values = {
        "category": SpendingCategory.AID,
        "spent_on": datetime.date(2024, 6, 1),
        "payee": "李四",
        "purpose": "救助",
        **fields,
    }
    return spending_record(fund=fund, amount=amount, voucher_no=voucher_no, **values)


# Funds ------------------------------------------------------------------------------------


def test_funds_show_their_balance(api, city_official):
    fund = fund_with("1000")
    spent(fund, amount="250")
    [row] = results(api(city_official).get("/api/v1/funds/"))
    assert (row["id"], row["kind"], row["region"]) == (fund.pk, "unrestricted", TIANYU)
    assert (row["received"], row["spent"], row["balance"]) == ("1000.00", "250.00", "750.00")


def test_staff_open_a_designated_fund(api, county_staff):
    branch = BranchFactory(region_id=TIANYU)
    response = api(county_staff).post(
        "/api/v1/funds/", {"branch": branch.pk, "kind": "designated", "project": "助学"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["balance"] == "0.00"
    assert Fund.objects.get().project == "助学"


def test_a_designated_fund_without_purpose_is_refused(api, county_staff):
    branch = BranchFactory(region_id=TIANYU)
    response = api(county_staff).post("/api/v1/funds/", {"branch": branch.pk, "kind": "designated"})
    assert response.status_code == 400
    assert not Fund.objects.exists()


def test_another_countys_fund_answers_404(api, outsider):
    fund = fund_with("10")
    assert api(outsider).get(f"/api/v1/funds/{fund.pk}/").status_code == 404
    assert results(api(outsider).get("/api/v1/funds/")) == []


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_funds_are_not_edited(api, county_admin, method):
    fund = fund_with("10")
    response = getattr(api(county_admin), method)(f"/api/v1/funds/{fund.pk}/", {})
    assert response.status_code == 405


def test_fund_filters(api, city_official):
    campaign = CampaignFactory()
    general = fund_with("10")
    designated = fund_with("10", campaign=campaign)
    client = api(city_official)

    def ids(query):
        return [row["id"] for row in results(client.get(f"/api/v1/funds/?{query}"))]

    assert ids("kind=designated") == [designated.pk]
    assert ids(f"branch={general.branch_id}") == [general.pk]
    assert ids(f"campaign={campaign.pk}") == [designated.pk]
    assert sorted(ids("region=360803")) == sorted([general.pk, designated.pk])
    assert ids("region=360802") == []


def test_fund_list_reads_two_queries(api, city_official, django_assert_num_queries):
    client = api(city_official)
    fund_with("10"), fund_with("10")
    # The count, then the page (funds with branch, campaign and balance).
    with django_assert_num_queries(2):
        client.get("/api/v1/funds/")
    fund_with("10"), fund_with("10")
    with django_assert_num_queries(2):
        assert len(results(client.get("/api/v1/funds/"))) == 4


# Spendings --------------------------------------------------------------------------------


def test_staff_record_a_spending(api, county_staff):
    fund = fund_with("1000")
    response = api(county_staff).post("/api/v1/spendings/", payload(fund))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["amount"], body["status"], body["branch"]) == (
        "300.00",
        "recorded",
        fund.branch_id,
    )
    assert body["has_attachment"] is False
    assert FundBalance.objects.get(fund=fund).balance == Decimal("700.00")


def test_an_overdraft_is_a_400_in_the_users_language(api, county_staff):
    fund = fund_with("100")
    english = api(county_staff, HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/spendings/", payload(fund, amount="100.01")
    )
    assert english.status_code == 400
    assert english.json()["errors"]["amount"] == [
        "The fund holds 100.00 yuan, less than 100.01 yuan: this would overdraw it."
    ]
    assert english.json()["codes"]["amount"] == ["fund_overdrawn"]
    chinese = api(county_staff, HTTP_ACCEPT_LANGUAGE="zh-hans").post(
        "/api/v1/spendings/", payload(fund, amount="100.01")
    )
    assert "透支" in chinese.json()["errors"]["amount"][0]
    assert not Spending.objects.exists()


def test_a_designated_fund_refuses_another_purpose(api, county_staff):
    fund = fund_with("100", campaign=CampaignFactory(name="99公益日 2024"))
    client = api(county_staff, HTTP_ACCEPT_LANGUAGE="en")
    refused = client.post("/api/v1/spendings/", payload(fund, amount="10", project="别的项目"))
    assert refused.json()["codes"]["project"] == ["fund_purpose"]
    paid = client.post("/api/v1/spendings/", payload(fund, amount="10", project="99公益日 2024"))
    assert paid.status_code == 201


def test_another_countys_fund_cannot_be_named(api, outsider):
    fund = fund_with("100")
    response = api(outsider).post("/api/v1/spendings/", payload(fund))
    assert response.status_code == 400
    assert "fund" in response.json()["errors"]
    assert not Spending.objects.exists()


def test_another_countys_spending_answers_404(api, outsider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("发票.pdf", PDF, "application/pdf")
    spending = spent(fund_with("100"), attachment=upload)
    client = api(outsider)
    assert client.get(f"/api/v1/spendings/{spending.pk}/").status_code == 404
    assert client.get(f"/api/v1/spendings/{spending.pk}/attachment/").status_code == 404
    assert (
        client.post(f"/api/v1/spendings/{spending.pk}/reverse/", {"reason": "x"}).status_code == 404
    )


def test_the_voucher_file_is_read_through_the_api(api, city_official, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("发票.pdf", PDF, "application/pdf")
    spending = spent(fund_with("100"), amount="10", attachment=upload)
    response = api(city_official).get(f"/api/v1/spendings/{spending.pk}/attachment/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    without = spent(spending.fund, voucher_no="PZ-101", amount="10")
    assert api(city_official).get(f"/api/v1/spendings/{without.pk}/attachment/").status_code == 404


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_spendings_are_never_edited(api, county_admin, method):
    spending = spent(fund_with("100"))
    response = getattr(api(county_admin), method)(f"/api/v1/spendings/{spending.pk}/", {})
    assert response.status_code == 405


def test_a_retry_with_the_same_key_records_once(api, county_staff):
    fund = fund_with("1000")
    client = api(county_staff, HTTP_IDEMPOTENCY_KEY="pz-0001")
    first = client.post("/api/v1/spendings/", payload(fund))
    again = client.post("/api/v1/spendings/", payload(fund))
    assert (first.status_code, again.status_code) == (201, 200), again.content
    assert first.json() == again.json()
    assert Spending.objects.count() == 1
    other = client.post("/api/v1/spendings/", payload(fund, amount="1.00"))
    assert other.status_code == 422


def test_reverse_restores_the_balance(api, county_staff):
    fund = fund_with("100")
    spending = spent(fund, amount="100")
    response = api(county_staff).post(
        f"/api/v1/spendings/{spending.pk}/reverse/", {"reason": "金额录错"}
    )
    assert response.status_code == 201, response.content
    assert (response.json()["amount"], response.json()["reverses"]) == ("-100.00", spending.pk)
    assert FundBalance.objects.get(fund=fund).balance == Decimal("100.00")
    again = api(county_staff).post(f"/api/v1/spendings/{spending.pk}/reverse/", {"reason": "再冲"})
    assert again.status_code == 400


def test_spending_filters(api, city_official):
    fund = fund_with("1000")
    aid = spent(fund, voucher_no="PZ-1", payee="王五")
    admin = spent(
        fund,
        voucher_no="PZ-2",
        category=SpendingCategory.ADMINISTRATIVE,
        spent_on=datetime.date(2023, 3, 1),
    )
    reversal = api(city_official)  # a viewer reads; the reversal is recorded by the system
    from funds.services import spending_reverse

    entry = spending_reverse(spending=aid, reason="录错")
    client = reversal

    def ids(query):
        return sorted(row["id"] for row in results(client.get(f"/api/v1/spendings/?{query}")))

    assert ids("category=administrative") == [admin.pk]
    assert ids("year=2023") == [admin.pk]
    assert ids("spent_before=2023-12-31") == [admin.pk]
    assert ids("spent_after=2024-01-01") == sorted([aid.pk, entry.pk])
    assert ids("status=reversed") == [aid.pk]
    assert ids("status=reversal") == [entry.pk]
    assert ids("status=recorded") == [admin.pk]
    assert ids(f"fund={fund.pk}") == sorted([aid.pk, admin.pk, entry.pk])
    assert ids(f"branch={fund.branch_id}") == sorted([aid.pk, admin.pk, entry.pk])
    assert ids("search=王五") == sorted([aid.pk, entry.pk])
    assert ids("region=360802") == []


def test_spending_list_reads_two_queries(api, city_official, django_assert_num_queries):
    client = api(city_official)
    fund = fund_with("1000")
    spent(fund, voucher_no="A"), spent(fund, voucher_no="B")
    # The count, then the page (spendings with fund, branch and status).
    with django_assert_num_queries(2):
        client.get("/api/v1/spendings/")
    spent(fund, voucher_no="C"), spent(fund, voucher_no="D")
    with django_assert_num_queries(2):
        assert len(results(client.get("/api/v1/spendings/"))) == 4


def test_a_donation_names_its_fund(api, county_staff):
    fund = fund_with("10")
    designated = fund_create(branch=fund.branch, kind=FundKind.DESIGNATED, project="助学")
    body = {
        "branch": fund.branch_id,
        "amount": "50.00",
        "channel": "bank",
        "received_on": "2024-05-02",
        "fund": designated.pk,
    }
    response = api(county_staff).post("/api/v1/donations/", body)
    assert response.status_code == 201, response.content
    assert response.json()["fund"] == designated.pk
    assert FundBalance.objects.get(fund=designated).balance == Decimal("50.00")
    default = api(county_staff).post("/api/v1/donations/", {**body, "fund": None})
    assert default.json()["fund"] == fund.pk
