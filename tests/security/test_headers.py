"""Every page answers with a strict CSP, X-Frame-Options and Referrer-Policy; passwords use
Argon2; sessions expire. Pages come from the URL resolver, so a new page is checked too."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from orgs.models import Branch
from tests.security.test_authorization import routes
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

#: Routes that need more than a GET with an id: what stands in for them.
SKIP = {"admin:logout", "portal:logout", "set_language", "api:not_found", "admin:view_on_site"}


def url_for(name: str, pattern: str, world) -> str | None:
    """The route with real arguments: a record of our county, or its region code."""
    args = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", pattern)
    names = [a or b for a, b in args]
    values = {
        "code": world.own.county,
        "pk": world.own.records[Branch][0].pk,
        "object_id": None,
        "id": None,
        "app_label": None,
        "content_type_id": None,
    }
    if not names:
        try:
            return reverse(name)
        except NoReverseMatch:
            return None
    if "object_id" in names or "id" in names or "app_label" in names:
        return admin_url(name, names, world)
    # Other apps' parameters: a word for words, our branch's id for numbers.
    converters = {n: c for c, n in re.findall(r"<(?:(\w+):)?(\w+)>", pattern)}
    kwargs = {
        n: values[n] if n in values else values["pk"] if converters.get(n) == "int" else "donations"
        for n in names
    }
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def admin_url(name, names, world):
    from django.contrib import admin

    if "app_label" in names:
        return reverse(name, kwargs={"app_label": "orgs"})
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix) or (
            name == "admin:auth_user_password_change" and model._meta.model_name == "user"
        ):
            record = world.own.records.get(model, [None])[0] or model._default_manager.first()
            return reverse(name, args=[record.pk if record else 1])
    return None


def assert_security_headers(response, url):
    policy = response.headers.get("Content-Security-Policy", "")
    directives = dict(
        ([*part.strip().split(" ", 1), ""])[:2] for part in policy.split(";") if part.strip()
    )
    script_src = directives.get("script-src", directives.get("default-src", ""))
    assert script_src, (url, policy)
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src, (url, policy)
    assert "frame-ancestors 'none'" in policy, url
    assert response.headers.get("X-Frame-Options") == "DENY", url
    assert response.headers.get("Referrer-Policy") == "same-origin", url
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url


def test_every_route_answers_with_the_security_headers(client, superuser):
    world = build_world()
    client.force_login(superuser)
    checked = []
    for name, pattern, _callback in routes():
        if name in SKIP:
            continue
        url = url_for(name, pattern, world)
        assert url is not None, f"no URL for {name} ({pattern}): teach url_for"
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        assert_security_headers(response, url)
        checked.append(url)
    print(f"\nsecurity headers: {len(checked)} routes checked")
    assert len(checked) > 100


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/admin/login/",
        "/api/docs/",
        "/api/schema/",
        "/healthz",
        "/nope/",
        "/api/v1/nope/",
    ],
)
def test_anonymous_pages_carry_the_headers_too(client, url):
    assert_security_headers(client.get(url), url)


def test_an_html_page_has_no_inline_script_and_nonces_its_scripts(client, county_staff):
    client.force_login(county_staff)
    for url in ("/", "/regions/360803/", "/accounts/login/", "/admin/", "/api/docs/"):
        page = client.get(url, follow=True).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", page):
            assert "src=" in tag or "nonce=" in tag or 'type="application/json"' in tag, (url, tag)
        assert not re.search(r"\son[a-z]+=\"", page), url  # no onclick= handlers


def test_passwords_are_hashed_with_argon2_in_production():
    from portal import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        from django.contrib.auth.hashers import make_password

        assert identify_hasher(make_password("青原区-2026")).algorithm == "argon2"
        assert get_hasher().algorithm == "argon2"


def test_sessions_expire():
    from portal import settings as production

    assert production.SESSION_COOKIE_AGE <= 12 * 3600
    assert production.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert production.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_HTTPONLY


def test_a_session_cookie_is_not_valid_after_its_age(client, county_staff, settings):
    client.force_login(county_staff)
    assert client.get("/").status_code == 200
    from django.utils import timezone

    from portal.models import Session

    Session.objects.update(expire_date=timezone.now())
    assert client.get("/").status_code == 302
