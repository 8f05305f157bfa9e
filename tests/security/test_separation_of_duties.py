"""三权分立: a security administrator manages accounts and their scope but no record; an audit
administrator reads who saw personal data and changes nothing; only superusers name them."""

import pytest
from rest_framework.test import APIClient

from core.access import UserRole
from portal.models import User
from tests.conftest import JIZHOU, QINGYUAN, make_user
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def security(db):
    return make_user("qingyuan-security", region=QINGYUAN, role=UserRole.SECURITY, is_staff=True)


@pytest.fixture
def auditor(db):
    return make_user("qingyuan-audit", region=QINGYUAN, role=UserRole.AUDITOR, is_staff=True)


def add_account(client, username: str, role: str, region: str = QINGYUAN):
    return client.post(
        "/admin/portal/user/add/",
        {
            "username": username,
            "region": region,
            "role": role,
            "usable_password": "true",
            "password1": "Redcross-2026a",
            "password2": "Redcross-2026a",
            "is_active": "on",
        },
    )


def test_a_security_administrator_manages_the_accounts_of_their_region(client, security):
    client.force_login(security)
    assert client.get("/admin/portal/user/").status_code == 200
    assert add_account(client, "new-clerk", UserRole.STAFF).status_code == 302
    assert User.objects.get(username="new-clerk").region_id == QINGYUAN
    # Never a security or audit administrator, never outside the region.
    for username, role, region in [
        ("second-security", UserRole.SECURITY, QINGYUAN),
        ("an-auditor", UserRole.AUDITOR, QINGYUAN),
        ("far-clerk", UserRole.STAFF, JIZHOU),
    ]:
        assert add_account(client, username, role, region).status_code == 200, username
        assert not User.objects.filter(username=username).exists()


def test_a_security_administrator_changes_no_record(client, security):
    branch = BranchFactory(region_id=QINGYUAN + "100")
    client.force_login(security)
    assert client.get("/admin/funds/donation/add/").status_code == 403
    assert client.get(f"/admin/orgs/branch/{branch.pk}/change/").status_code == 200  # reads
    answer = client.post(f"/admin/orgs/branch/{branch.pk}/change/", {"name": "改名"})
    assert answer.status_code == 403
    api = APIClient()
    api.force_authenticate(security)
    answer = api.post("/api/v1/donations/", {"branch": branch.pk, "amount": "1.00"}, format="json")
    assert answer.status_code == 403


def test_an_audit_administrator_reads_the_access_log_and_nothing_else(client, auditor):
    client.force_login(auditor)
    assert client.get("/admin/history/personaldataview/").status_code == 200
    assert client.get("/admin/portal/user/").status_code == 403
    assert client.get("/admin/funds/donation/add/").status_code == 403
    assert add_account(client, "by-auditor", UserRole.VIEWER).status_code == 403


def test_administrators_cannot_touch_the_security_and_audit_accounts(
    client, county_admin, security, auditor
):
    client.force_login(county_admin)
    listed = client.get("/admin/portal/user/").content.decode()
    assert "qingyuan-security" not in listed and "qingyuan-audit" not in listed
    for account in (security, auditor):
        assert client.get(f"/admin/portal/user/{account.pk}/change/").status_code in {302, 404}
        answer = client.get(f"/admin/portal/user/{account.pk}/password/")
        assert answer.status_code in {302, 404}
