"""An API token ends when its account's password, role or region changes, when the account
is deactivated and API_TOKEN_MAX_AGE_DAYS after it was issued; an administrator lists and
revokes the tokens of their own region's accounts."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
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


def age(token: Token, days: float) -> None:
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=days))


def test_a_token_expires_after_its_days_in_chinese_and_english(client, holder):
    key = holder.auth_token.key
    age(holder.auth_token, 89.9)
    assert answers(client, key) == 200
    age(holder.auth_token, 90.1)
    for language, words in [("zh-hans", "已过期"), ("en", "expired")]:
        answer = client.get(
            "/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE=language
        )
        assert answer.status_code == 401
        assert answer.json()["code"] == "token_expired"
        assert words in answer.json()["detail"]


def test_the_token_endpoint_replaces_an_expired_token_and_says_when_it_ends(client, holder):
    holder.set_password("Redcross-2026a")
    holder.save()
    Token.objects.create(user=holder)
    old = Token.objects.get(user=holder)
    age(old, 91)
    answer = client.post(
        "/api/v1/auth/token/",
        {"username": "holder", "password": "Redcross-2026a"},
        content_type="application/json",
    ).json()
    assert answer["token"] != old.key
    new = Token.objects.get(user=holder)
    assert answer["token"] == new.key
    expires = datetime.fromisoformat(answer["expires_at"])
    assert abs(expires - (new.created + timedelta(days=90))) < timedelta(seconds=1)
    assert answers(client, new.key) == 200
    assert answers(client, old.key) == 401
    # Asked again before it expires: the same token, the same end.
    again = client.post(
        "/api/v1/auth/token/",
        {"username": "holder", "password": "Redcross-2026a"},
        content_type="application/json",
    ).json()
    assert (again["token"], again["expires_at"]) == (answer["token"], answer["expires_at"])


def test_tokens_can_be_set_never_to_expire(client, holder, settings):
    settings.API_TOKEN_MAX_AGE_DAYS = 0
    age(holder.auth_token, 3650)
    assert answers(client, holder.auth_token.key) == 200
