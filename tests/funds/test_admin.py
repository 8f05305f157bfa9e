"""Admin screens of donors, campaigns and donations: donations are added and reversed only."""

from decimal import Decimal

import pytest
from django.urls import reverse

from funds.models import Donation
from funds.services import donation_reverse
from tests.factories import BranchFactory, CampaignFactory, DonationFactory, DonorFactory

XINGQIAO = "360802100"  # 兴桥镇, a town of 吉州区 (outside county_staff's scope)
FACTORIES = {"donor": DonorFactory, "campaign": CampaignFactory, "donation": DonationFactory}


def url(name: str, *args) -> str:
    return reverse(f"admin:funds_{name}", args=args)


def donation_form(branch, **fields) -> dict:
    return {
        "branch": branch.pk,
        "kind": "cash",
        "amount": "5000.00",
        "channel": "bank",
        "received_on": "2020-02-10",
        "receipt_no": "",
        **fields,
    }


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


# Every add and change page also reads the model's content type, once per process.
@pytest.mark.parametrize(
    ("admin_page", "budget"),
    [
        # session, user, COUNT, the page of donors with regions, the region filter
        ("donor_changelist", 5),
        # session, user, content type
        ("donor_add", 3),
        # session, user, content type, the donor, its region for the autocomplete box
        ("donor_change", 5),
        # session, user, COUNT, the page of campaigns with regions and parents, the region
        # filter, the years
        ("campaign_changelist", 6),
        # session, user, content type
        ("campaign_add", 3),
        # session, user, content type, the campaign with region and parent, the region for
        # its autocomplete box
        ("campaign_change", 5),
        # session, user, COUNT, the page of donations with branch, donor, campaign and
        # status, the region filter, the date hierarchy's first and last date, its years
        ("donation_changelist", 7),
        # session, user, content type
        ("donation_add", 3),
        # session, user, content type, the donation with branch, donor, campaign and status,
        # its fund for the autocomplete box
        ("donation_change", 5),
    ],
)
def test_superuser_page_queries_stay_bounded_when_rows_double(
    superuser_client, django_assert_max_num_queries, admin_page, budget
):
    model = admin_page.split("_")[0]
    record = FACTORIES[model]()
    args = (record.pk,) if admin_page.endswith("_change") else ()
    for _ in range(2):
        for _ in range(3):
            FACTORIES[model]()
        with django_assert_max_num_queries(budget):
            assert superuser_client.get(url(admin_page, *args)).status_code == 200


def test_recording_a_donation_assigns_the_next_receipt_number(client, county_staff):
    branch = BranchFactory()
    client.force_login(county_staff)
    page = client.post(url("donation_add"), donation_form(branch))
    donation = Donation.objects.get(branch=branch)
    assert page.status_code == 302
    assert donation.receipt_no.startswith("R2020-")
    assert (donation.amount, donation.recorded_by) == (Decimal("5000.00"), county_staff)


def test_county_staff_cannot_record_a_donation_to_a_branch_outside_the_county(client, county_staff):
    branch = BranchFactory(region_id=XINGQIAO)
    client.force_login(county_staff)
    page = client.post(url("donation_add"), donation_form(branch))
    assert "branch" in page.context["adminform"].form.errors
    assert not Donation.objects.exists()


def test_a_refused_donation_shows_the_services_reason_on_the_form(client, county_staff):
    branch = BranchFactory(status="dissolved", dissolved_on="2020-01-01")
    client.force_login(county_staff)
    page = client.post(url("donation_add"), donation_form(branch))
    assert page.context["adminform"].form.errors["branch"]
    assert not Donation.objects.exists()


def test_county_staff_give_a_donation_to_the_citys_campaign(client, county_staff):
    campaign = CampaignFactory(region_id="3608")
    client.force_login(county_staff)
    form = donation_form(BranchFactory(), campaign=campaign.pk)
    assert client.post(url("donation_add"), form).status_code == 302
    assert Donation.objects.get().campaign == campaign


def test_county_staff_read_the_citys_campaign_but_cannot_change_it(client, county_staff):
    campaign = CampaignFactory(region_id="3608")
    client.force_login(county_staff)
    page = client.get(url("campaign_change", campaign.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text


def test_donation_change_page_is_read_only_with_a_reverse_link(superuser_client):
    donation = DonationFactory()
    page = superuser_client.get(url("donation_change", donation.pk))
    assert 'name="_save"' not in page.text
    assert url("donation_reverse", donation.pk) in page.text


def test_nobody_deletes_a_donation(superuser_client):
    donation = DonationFactory()
    assert superuser_client.get(url("donation_delete", donation.pk)).status_code == 403
    assert superuser_client.post(url("donation_delete", donation.pk)).status_code == 403
    assert Donation.objects.filter(pk=donation.pk).exists()


def test_a_changed_donation_is_refused(superuser_client):
    donation = DonationFactory()
    form = donation_form(donation.branch, amount="1.00")
    assert superuser_client.post(url("donation_change", donation.pk), form).status_code == 403
    donation.refresh_from_db()
    assert donation.amount == Decimal("1000.00")


def test_the_reverse_form_records_a_reversal_entry(client, county_staff):
    donation = DonationFactory(receipt_no="T0001")
    client.force_login(county_staff)
    page = client.post(url("donation_reverse", donation.pk), {"reason": "金额录错"})
    reversal = Donation.objects.get(reverses=donation)
    assert page.status_code == 302
    assert page.url == url("donation_change", reversal.pk)
    assert (reversal.amount, reversal.reason) == (Decimal("-1000.00"), "金额录错")


def test_the_reverse_form_needs_a_reason(client, county_staff):
    donation = DonationFactory()
    client.force_login(county_staff)
    page = client.post(url("donation_reverse", donation.pk), {"reason": ""})
    assert page.status_code == 200
    assert page.context["form"].errors["reason"]
    assert not Donation.objects.filter(reverses=donation).exists()


def test_a_reversed_donation_offers_no_second_reversal(client, county_staff):
    donation = DonationFactory()
    donation_reverse(donation=donation, reason="重复录入", user=county_staff)
    client.force_login(county_staff)
    page = client.get(url("donation_change", donation.pk))
    assert url("donation_reverse", donation.pk) not in page.text
    assert client.get(url("donation_reverse", donation.pk)).status_code == 403


def test_a_donation_outside_the_scope_cannot_be_seen_or_reversed(client, county_staff):
    donation = DonationFactory(branch__region_id=XINGQIAO)
    client.force_login(county_staff)
    assert client.get(url("donation_change", donation.pk)).status_code == 404
    assert client.post(url("donation_reverse", donation.pk), {"reason": "错"}).status_code == 404


def test_viewer_reads_donations_but_cannot_record_or_reverse_them(client, city_official):
    donation = DonationFactory()
    client.force_login(city_official)
    page = client.get(url("donation_change", donation.pk))
    assert page.status_code == 200
    assert url("donation_reverse", donation.pk) not in page.text
    assert client.get(url("donation_add")).status_code == 403
    assert client.post(url("donation_reverse", donation.pk), {"reason": "错"}).status_code == 403


def test_donation_list_filters_reversal_entries(superuser_client, county_staff):
    donation = DonationFactory(receipt_no="T0001")
    DonationFactory(receipt_no="T0002")
    donation_reverse(donation=donation, reason="重复录入", user=county_staff)
    page = superuser_client.get(url("donation_changelist"), {"status": "reversal"})
    assert [row.receipt_no for row in page.context["cl"].result_list] == ["T0001-R"]


def test_donor_list_masks_identifiers_and_phones(superuser_client):
    DonorFactory(identifier="360803199001011236", phone="13812345678")
    page = superuser_client.get(url("donor_changelist"))
    assert "3608**********1236" in page.text
    assert "138****5678" in page.text
