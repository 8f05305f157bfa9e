"""An API token ends when its account's password, role or region changes or the account is
deactivated; an administrator lists and revokes the tokens of their own region's accounts."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from core.access import UserRole
from portal.models import User
from tests.conftest import JIZHOU, QINGYUAN, TIANYU, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(db):
    user = make_user("holder", region=QINGYUAN, role=UserRole.STAFF)
    Token.objects.create(user=user)
    return user


def answers(client, token: str) -> int:
    return client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code


@pytest.mark.parametrize(
    "change",
    [
        lambda u: u.set_password("a-new-password-2026"),
        lambda u: u.set_unusable_password(),
        lambda u: setattr(u, "role", UserRole.VIEWER),
        lambda u: setattr(u, "region_id", TIANYU),
        lambda u: setattr(u, "is_active", False),
    ],
    ids=["password", "unusable password", "role", "region", "deactivated"],
)
def test_a_credential_change_ends_the_token(client, holder, change):
    key = holder.auth_token.key
    assert answers(client, key) == 200
    change(holder)
    holder.save()
    assert not Token.objects.filter(user=holder).exists()
    assert answers(client, key) == 401


def test_a_raw_update_ends_the_token_too(holder):
    User.objects.filter(pk=holder.pk).update(role=UserRole.ADMIN)
    assert not Token.objects.filter(user=holder).exists()


def test_other_changes_keep_the_token(holder):
    holder.first_name = "丽"
    holder.save()
    User.objects.filter(pk=holder.pk).update(last_login="2026-12-01T08:00:00+08:00")
    assert Token.objects.filter(user=holder).exists()


def test_a_county_admin_revokes_a_token_of_the_county(client, county_admin, holder):
    client.force_login(county_admin)
    listing = client.get(reverse("admin:authtoken_tokenproxy_changelist"))
    assert listing.status_code == 200
    assert holder.auth_token.key not in listing.text
    url = reverse("admin:authtoken_tokenproxy_delete", args=[holder.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Token.objects.filter(user=holder).exists()


def test_a_county_admin_cannot_revoke_another_countys_token(client, county_admin):
    other = make_user("other", region=JIZHOU, role=UserRole.STAFF)
    Token.objects.create(user=other)
    client.force_login(county_admin)
    listing = client.get(reverse("admin:authtoken_tokenproxy_changelist"))
    assert "other" not in [str(token.user) for token in listing.context["cl"].result_list]
    url = reverse("admin:authtoken_tokenproxy_delete", args=[other.pk])
    assert client.post(url, {"post": "yes"}).status_code in (302, 404)
    assert Token.objects.filter(user=other).exists()


def test_staff_cannot_reach_the_tokens(client, county_staff, holder):
    client.force_login(county_staff)
    assert client.get(reverse("admin:authtoken_tokenproxy_changelist")).status_code == 403
