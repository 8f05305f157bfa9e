"""The funds endpoints: donors, campaigns, and donations (recorded, retried, reversed)."""

import re

import pytest

from funds.models import Campaign, Donation, Donor
from funds.validators import credit_code_check_char
from tests.conftest import JIAN, JIZHOU, QINGYUAN, TIANYU
from tests.factories import BranchFactory, CampaignFactory, DonationFactory, DonorFactory

pytestmark = pytest.mark.django_db

GUNAN = "360802001"  # 古南街道, a street of 吉州区
CREDIT_CODE = "91360803MA35" + "00001"
CREDIT_CODE += credit_code_check_char(CREDIT_CODE)


@pytest.fixture
def branch():
    return BranchFactory(name="天玉镇红十字会")


def results(response) -> list:
    assert response.status_code == 200, response.content
    return response.json()["results"]


# Donors ---------------------------------------------------------------------------------


def test_staff_register_a_donor(api, county_staff):
    payload = {"kind": "enterprise", "name": "吉安某公司", "region": QINGYUAN}
    response = api(county_staff).post(
        "/api/v1/donors/", {**payload, "identifier": CREDIT_CODE, "phone": "13812345678"}
    )
    assert response.status_code == 201
    assert (response.json()["identifier"], response.json()["phone"]) == (
        CREDIT_CODE,
        "13812345678",
    )


def test_viewers_see_donor_identifiers_masked(api, city_official):
    donor = DonorFactory(identifier=CREDIT_CODE, phone="13812345678")
    data = api(city_official).get(f"/api/v1/donors/{donor.pk}/").json()
    assert (data["identifier"], data["phone"]) == (
        f"{CREDIT_CODE[:4]}**********{CREDIT_CODE[-4:]}",
        "138****5678",
    )


def test_a_wrong_credit_code_is_a_field_error(api, county_staff):
    payload = {"kind": "enterprise", "name": "某公司", "region": QINGYUAN, "identifier": "123"}
    response = api(county_staff).post("/api/v1/donors/", payload)
    assert (response.status_code, list(response.json()["errors"])) == (400, ["identifier"])
    assert not Donor.objects.exists()


def test_an_edit_keeps_who_the_donor_is(api, county_staff):
    donor = DonorFactory(identifier=CREDIT_CODE)
    response = api(county_staff).patch(
        f"/api/v1/donors/{donor.pk}/", {"identifier": "", "address": "青原区河东街道"}
    )
    assert (response.json()["identifier"], response.json()["address"]) == (
        CREDIT_CODE,
        "青原区河东街道",
    )


def test_donor_list_reads_two_queries(api, city_official, django_assert_num_queries):
    client = api(city_official)
    DonorFactory.create_batch(2)
    # The count, then the page.
    with django_assert_num_queries(2):
        client.get("/api/v1/donors/")
    DonorFactory.create_batch(2)
    with django_assert_num_queries(2):
        assert len(results(client.get("/api/v1/donors/"))) == 4


# Campaigns ------------------------------------------------------------------------------


def test_staff_start_a_campaign_under_the_citys(api, county_staff):
    city = CampaignFactory(region_id=JIAN)
    payload = {
        "name": "青原区99公益日",
        "kind": "giving_day",
        "region": QINGYUAN,
        "parent": city.pk,
        "starts_on": "2019-09-07",
        "target_amount": "1000000.00",
    }
    response = api(county_staff).post("/api/v1/campaigns/", payload)
    assert response.status_code == 201
    assert (response.json()["parent"], response.json()["target_amount"]) == (
        city.pk,
        "1000000.00",
    )


def test_a_campaign_ending_before_it_starts_is_refused(api, county_staff):
    payload = {"name": "x", "kind": "project", "region": QINGYUAN, "starts_on": "2020-01-02"}
    client = api(county_staff, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/api/v1/campaigns/", {**payload, "ends_on": "2020-01-01"})
    assert response.json()["errors"] == {"ends_on": ["A campaign cannot end before it starts."]}


def test_the_citys_campaign_is_read_not_changed_by_a_county(api, county_staff):
    city = CampaignFactory(region_id=JIAN)
    client = api(county_staff)
    assert city.pk in [row["id"] for row in results(client.get("/api/v1/campaigns/"))]
    response = client.patch(f"/api/v1/campaigns/{city.pk}/", {"description": "x"})
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert Campaign.objects.get().description == ""


def test_campaign_list_reads_two_queries(api, city_official, django_assert_num_queries):
    client = api(city_official)
    CampaignFactory.create_batch(2)
    # The count, then the page.
    with django_assert_num_queries(2):
        client.get("/api/v1/campaigns/")
    CampaignFactory.create_batch(2)
    with django_assert_num_queries(2):
        assert len(results(client.get("/api/v1/campaigns/"))) == 4


# Donations ------------------------------------------------------------------------------


def donation_payload(branch, **changes) -> dict:
    return {
        "branch": branch.pk,
        "amount": "5169000.00",
        "channel": "online",
        "received_on": "2019-09-09",
        **changes,
    }


def test_staff_record_a_donation_and_get_a_receipt_number(api, county_staff, branch):
    city = CampaignFactory(region_id=JIAN)
    response = api(county_staff).post(
        "/api/v1/donations/", donation_payload(branch, campaign=city.pk)
    )
    assert response.status_code == 201
    data = response.json()
    assert re.fullmatch(r"R2019-\d{8}", data["receipt_no"])
    assert (data["amount"], data["status"], data["region"]) == ("5169000.00", "recorded", TIANYU)
    assert (data["campaign"], data["reverses"], data["kind"]) == (city.pk, None, "cash")


def test_a_receipt_number_in_the_body_is_ignored(api, county_staff, branch):
    response = api(county_staff).post(
        "/api/v1/donations/", donation_payload(branch, receipt_no="MINE-1")
    )
    assert response.json()["receipt_no"] != "MINE-1"


def test_goods_need_their_description(api, county_staff, branch):
    client = api(county_staff, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        "/api/v1/donations/", donation_payload(branch, kind="in_kind", channel="goods")
    )
    assert response.json()["errors"] == {
        "in_kind_description": ["A donation in kind needs the goods and their quantity."]
    }
    assert not Donation.objects.exists()


def test_money_with_fractions_of_a_fen_is_refused_in_chinese(api, county_staff, branch):
    response = api(county_staff).post(
        "/api/v1/donations/", donation_payload(branch, amount="10.001")
    )
    assert response.json()["errors"] == {"amount": ["请确保总计不超过 2 个小数位。"]}


def test_a_branch_outside_the_scope_does_not_exist(api, county_staff):
    theirs = BranchFactory(region_id=GUNAN)
    client = api(county_staff, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/api/v1/donations/", donation_payload(theirs))
    assert response.json()["errors"] == {
        "branch": [f'Invalid pk "{theirs.pk}" - object does not exist.']
    }


def test_a_retry_with_the_same_key_returns_the_first_donation(api, county_staff, branch):
    client = api(county_staff, HTTP_IDEMPOTENCY_KEY="giving-day-0001")
    first = client.post("/api/v1/donations/", donation_payload(branch))
    retry = client.post("/api/v1/donations/", donation_payload(branch))
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    assert Donation.objects.count() == 1


def test_another_key_records_another_donation(api, county_staff, branch):
    for key in ("giving-day-0001", "giving-day-0002"):
        client = api(county_staff, HTTP_IDEMPOTENCY_KEY=key)
        assert client.post("/api/v1/donations/", donation_payload(branch)).status_code == 201
    assert Donation.objects.count() == 2


def test_keys_are_per_user_another_users_same_key_records_their_own_donation(
    api, county_staff, outsider, branch
):
    theirs = BranchFactory(region_id=GUNAN)
    first = api(outsider, HTTP_IDEMPOTENCY_KEY="k-1").post(
        "/api/v1/donations/", donation_payload(theirs)
    )
    response = api(county_staff, HTTP_IDEMPOTENCY_KEY="k-1").post(
        "/api/v1/donations/", donation_payload(branch)
    )
    assert (first.status_code, response.status_code) == (201, 201)
    assert response.json()["branch"] == branch.pk != first.json()["branch"]
    assert Donation.objects.count() == 2


@pytest.mark.parametrize(
    "change",
    [
        {"amount": "600.00"},
        {"channel": "cash"},
        {"note": "另一笔"},
        {"designated": True, "designation": "助学"},
    ],
)
def test_a_key_sent_again_with_a_different_donation_is_422(api, county_staff, branch, change):
    client = api(county_staff, HTTP_IDEMPOTENCY_KEY="giving-day-0001", HTTP_ACCEPT_LANGUAGE="en")
    first = client.post("/api/v1/donations/", donation_payload(branch))
    response = client.post("/api/v1/donations/", donation_payload(branch) | change)
    assert (first.status_code, response.status_code) == (201, 422)
    assert response.json() == {
        "detail": "This Idempotency-Key was sent before with a different request: "
        "use a new key for a new request.",
        "code": "idempotency_key_reused",
    }
    assert Donation.objects.count() == 1


def test_a_reversal_with_a_key_is_recorded_once(api, county_staff, branch):
    donation = DonationFactory(branch=branch)
    client = api(county_staff, HTTP_IDEMPOTENCY_KEY="fix-0001")
    url = f"/api/v1/donations/{donation.pk}/reverse/"
    first = client.post(url, {"reason": "录入重复"})
    again = client.post(url, {"reason": "录入重复"})
    other = client.post(url, {"reason": "另一个原因"})
    elsewhere = client.post("/api/v1/donations/", donation_payload(branch))
    assert [r.status_code for r in (first, again, other, elsewhere)] == [201, 200, 422, 422]
    assert again.json() == first.json()
    assert Donation.objects.filter(reverses=donation).count() == 1
    assert Donation.objects.count() == 2


def test_an_overlong_key_is_refused(api, county_staff, branch):
    client = api(county_staff, HTTP_IDEMPOTENCY_KEY="k" * 65)
    response = client.post("/api/v1/donations/", donation_payload(branch))
    assert (response.status_code, list(response.json()["errors"])) == (400, ["idempotency_key"])


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_donations_are_never_updated_or_deleted(api, county_admin, method):
    donation = DonationFactory()
    client = api(county_admin, HTTP_ACCEPT_LANGUAGE="en")
    response = getattr(client, method)(f"/api/v1/donations/{donation.pk}/", {"amount": "1.00"})
    assert response.status_code == 405
    assert response.json() == {
        "detail": f'Method "{method.upper()}" not allowed.',
        "code": "method_not_allowed",
    }
    assert Donation.objects.get().amount == donation.amount


def test_a_reversal_records_the_negative_entry(api, county_staff):
    donation = DonationFactory(receipt_no="T-1")
    client = api(county_staff)
    response = client.post(f"/api/v1/donations/{donation.pk}/reverse/", {"reason": "重复录入"})
    assert response.status_code == 201
    data = response.json()
    assert (data["amount"], data["status"], data["reverses"]) == (
        "-1000.00",
        "reversal",
        donation.pk,
    )
    assert (data["receipt_no"], data["reason"]) == ("T-1-R", "重复录入")
    original = client.get(f"/api/v1/donations/{donation.pk}/").json()
    assert original["status"] == "reversed"


def test_a_donation_is_reversed_once(api, county_staff):
    donation = DonationFactory()
    client = api(county_staff, HTTP_ACCEPT_LANGUAGE="en")
    client.post(f"/api/v1/donations/{donation.pk}/reverse/", {"reason": "重复录入"})
    again = client.post(f"/api/v1/donations/{donation.pk}/reverse/", {"reason": "重复录入"})
    assert again.json()["errors"] == {"donation": ["This donation has already been reversed."]}


def test_a_reversal_needs_a_reason(api, county_staff):
    donation = DonationFactory()
    response = api(county_staff).post(f"/api/v1/donations/{donation.pk}/reverse/", {})
    assert response.json()["errors"] == {"reason": ["该字段是必填项。"]}
    assert Donation.objects.count() == 1


def test_donations_filter_by_status(api, county_staff):
    kept, reversed_ = DonationFactory(), DonationFactory()
    client = api(county_staff)
    client.post(f"/api/v1/donations/{reversed_.pk}/reverse/", {"reason": "退款"})
    rows = results(client.get("/api/v1/donations/", {"status": "recorded"}))
    assert [row["id"] for row in rows] == [kept.pk]
    rows = results(client.get("/api/v1/donations/", {"status": "reversed"}))
    assert [row["id"] for row in rows] == [reversed_.pk]


def test_donation_list_reads_two_queries(api, city_official, django_assert_num_queries):
    client = api(city_official)
    DonationFactory.create_batch(2)
    # The count, then the page with each donation's status (an EXISTS subquery).
    with django_assert_num_queries(2):
        client.get("/api/v1/donations/")
    DonationFactory.create_batch(2, donor__region_id=JIZHOU, branch__region_id=GUNAN)
    DonationFactory.create_batch(2)
    with django_assert_num_queries(2):
        assert len(results(client.get("/api/v1/donations/"))) == 6
