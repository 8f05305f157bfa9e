"""An integrator's day: a client generated from the published schema, used against a live server.

The schema is fetched over HTTP in both languages (the same bytes), a client is generated from
it with openapi-python-client, every generated module is imported, and a short program does
the usual work through the generated client only.
"""

import datetime
import importlib
import pkgutil
import sys
from decimal import Decimal

import pytest
import requests

from funds.models import Donation
from orgs.models import Region
from tests.api.generate import PACKAGE, generate, undefined_names
from tests.conftest import QINGYUAN, TIANYU, make_user


@pytest.fixture
def generated(live_server, tmp_path):
    """The generated client package, imported from a temporary folder."""
    answers = {
        language: requests.get(
            f"{live_server.url}/api/schema/", headers={"Accept-Language": language}, timeout=60
        )
        for language in ("en", "zh-hans")
    }
    assert {answer.status_code for answer in answers.values()} == {200}
    assert answers["en"].content == answers["zh-hans"].content
    schema = tmp_path / "schema.yaml"
    schema.write_bytes(answers["en"].content)
    package = generate(schema, tmp_path)
    assert undefined_names(package) == ""
    sys.path.insert(0, str(tmp_path))
    try:
        modules = [
            importlib.import_module(info.name)
            for info in pkgutil.walk_packages([str(package)], prefix=f"{PACKAGE}.")
        ]
        yield importlib.import_module(PACKAGE), modules
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_does_an_integrators_work(live_server, generated):
    package, modules = generated
    assert len(modules) > 100  # the api and models packages with a module per operation/model
    api = importlib.import_module(f"{PACKAGE}.api")
    models = importlib.import_module(f"{PACKAGE}.models")

    def operation(group, name):
        return importlib.import_module(f"{api.__name__}.{group}.{name}")

    make_user("qingyuan-staff", region=QINGYUAN, role="staff")
    anonymous = package.Client(base_url=live_server.url, headers={"Accept-Language": "en"})

    # A token for a username and password.
    token = operation("auth", "auth_token_create").sync(
        client=anonymous,
        body=models.AuthTokenRequest(username="qingyuan-staff", password="pw-qingyuan-staff"),
    )
    assert isinstance(token, models.Token)
    client = package.AuthenticatedClient(
        base_url=live_server.url, token=token.token, prefix="Token", raise_on_unexpected_status=True
    )

    me = operation("me", "me_retrieve").sync(client=client)
    assert (me.username, me.region.code, me.role) == (
        "qingyuan-staff",
        QINGYUAN,
        models.UserRoleEnum.STAFF,
    )

    # Paging through the county's townships, three at a time.
    codes, page = [], 1
    while True:
        listing = operation("regions", "regions_list").sync(
            client=client, parent=QINGYUAN, page=page, page_size=3
        )
        codes += [region.code for region in listing.results]
        if listing.next_ is None:
            break
        page += 1
    assert page > 1
    assert codes == list(
        Region.objects.filter(parent_id=QINGYUAN).order_by("code").values_list("code", flat=True)
    )

    # A branch, then the county's active township branches.
    branch = operation("branches", "branches_create").sync(
        client=client,
        body=models.BranchRequest(
            name="天玉镇红十字会", region=TIANYU, kind=models.BranchKindEnum.TOWNSHIP
        ),
    )
    assert isinstance(branch, models.Branch)
    assert branch.standard is None
    branches = operation("branches", "branches_list").sync(
        client=client,
        region=QINGYUAN,
        kind=models.BranchesListKind.TOWNSHIP,
        status=models.BranchesListStatus.ACTIVE,
    )
    assert [found.id for found in branches.results] == [branch.id]

    # A donation sent twice with one Idempotency-Key is recorded once; another is reversed.
    record = operation("donations", "donations_create")
    gift = models.DonationRequest(
        branch=branch.id,
        amount="500.00",
        channel=models.DonationChannelEnum.BANK,
        received_on=datetime.date(2026, 9, 8),
    )
    first = record.sync_detailed(client=client, body=gift, idempotency_key="bank-20260908-0001")
    again = record.sync_detailed(client=client, body=gift, idempotency_key="bank-20260908-0001")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.parsed.id == again.parsed.id
    mistake = record.sync(
        client=client,
        body=models.DonationRequest(
            branch=branch.id,
            amount="50.00",
            channel=models.DonationChannelEnum.CASH,
            received_on=datetime.date(2026, 9, 8),
        ),
    )
    reversal = operation("donations", "donations_reverse_create").sync(
        mistake.id, client=client, body=models.DonationReverseRequest(reason="录入重复")
    )
    assert (reversal.amount, reversal.status) == ("-50.00", models.DonationStatusEnum.REVERSAL)
    assert Donation.objects.count() == 3

    # The county's figures, its uncovered townships and its CSV.
    rollup = operation("regions", "regions_rollup_retrieve").sync(
        QINGYUAN, client=client, year=2026
    )
    assert (rollup.level, Decimal(rollup.donations.amount)) == (
        models.RollupLevelEnum.COUNTY,
        Decimal("500.00"),
    )
    tianyu = next(child for child in rollup.children if child.code == TIANYU)
    assert Decimal(tianyu.donations.amount) == Decimal("500.00")
    gaps = operation("regions", "regions_coverage_gaps_list").sync(
        QINGYUAN, client=client, level=models.RegionsCoverageGapsListLevel.TOWNSHIP
    )
    townships = rollup.coverage["township"]
    assert townships.covered == 1
    assert gaps.count == townships.total - townships.covered > 0
    assert TIANYU not in {gap.code for gap in gaps.results}
    csv = operation("regions", "regions_rollup_csv").sync_detailed(
        QINGYUAN, client=client, year=2026
    )
    assert csv.status_code == 200
    assert "天玉镇" in csv.content.decode("utf-8-sig")
