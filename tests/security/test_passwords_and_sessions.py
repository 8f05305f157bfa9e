"""The password policy (classes, length, history, expiry) and session lifetimes, through the
password page, the admin's password form, adduser and the API token; sessions that end when
idle, when old, and when the account's password, role or region changes."""

import itertools
import time
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from core.access import UserRole
from portal.management.commands.adduser import generate_password
from portal.models import PasswordHistory, Session, User
from portal.passwords import classes_in
from portal.sessions import SEEN, STARTED
from tests.conftest import JIZHOU, QINGYUAN, make_user

STRONG = ["Redcross-2026a", "Redcross-2026b", "Redcross-2026c", "Redcross-2026d"]


def messages_of(error: ValidationError) -> list[str]:
    return list(error.messages)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("qingyuanhongshizi", "password_too_simple"),  # one class
        ("qingyuan2026x", "password_too_simple"),  # two classes
        ("Qy-26", "password_too_short"),  # three classes, too short
    ],
)
def test_weak_passwords_are_refused_in_chinese_and_english(db, password, code):
    said = {}
    for language in ("zh-hans", "en"):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            validate_password(password)
        assert code in [error.code for error in refused.value.error_list]
        said[language] = " ".join(messages_of(refused.value))
    assert "密码" in said["zh-hans"]
    assert "password" in said["en"].lower()


def test_three_classes_and_ten_characters_pass(db):
    validate_password("Qingyuan-2026")
    validate_password("qingyuan-2026")  # lower, digits, other
    assert classes_in("Qingyuan-2026") == 4


def change_page(client, old: str, new: str):
    return client.post(
        "/accounts/password/",
        {"old_password": old, "new_password1": new, "new_password2": new},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )


def test_the_last_five_passwords_cannot_be_chosen_again(client, county_staff):
    county_staff.set_password(STRONG[0])
    county_staff.save()
    client.force_login(county_staff)
    passwords = [STRONG[0], *(f"Redcross-20{n}x" for n in range(30, 35))]
    for old, new in itertools.pairwise(passwords):
        assert change_page(client, old, new).status_code == 302, new
    current = passwords[-1]
    for reused in [current, *passwords[-5:-1]]:
        answer = change_page(client, current, reused)
        assert answer.status_code == 200, reused
        assert "不能与当前密码及最近" in answer.content.decode()
    assert PasswordHistory.objects.filter(user=county_staff).count() == 5
    # The sixth back has left the history.
    assert change_page(client, current, passwords[0]).status_code == 302


def test_the_admins_password_form_follows_the_policy(client, county_admin):
    staffer = make_user("qingyuan-clerk", region=QINGYUAN, role=UserRole.STAFF, is_staff=True)
    staffer.set_password(STRONG[0])
    staffer.save()
    client.force_login(county_admin)
    url = f"/admin/portal/user/{staffer.pk}/password/"
    for password, saved in [("simplesimple", False), (STRONG[0], False), (STRONG[1], True)]:
        answer = client.post(
            url,
            {"password1": password, "password2": password, "usable_password": "true"},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
        assert (answer.status_code == 302) is saved, password
    staffer.refresh_from_db()
    assert staffer.check_password(STRONG[1])


def test_adduser_refuses_a_weak_password_and_generates_strong_ones(db):
    with pytest.raises(Exception, match=r"密码|password"):
        call_command(
            "adduser", "clerk", "--region", QINGYUAN, "--role", "staff", "--password", "clerkclerk1"
        )
    assert not User.objects.filter(username="clerk").exists()
    for _n in range(200):
        password = generate_password()
        validate_password(password)
        assert classes_in(password) == 4


def test_an_expired_password_sends_pages_and_admin_to_the_change_page(client, county_staff):
    User.objects.filter(pk=county_staff.pk).update(
        password_changed_at=timezone.now() - timedelta(days=91)
    )
    client.force_login(county_staff)
    for path in ["/", "/admin/", f"/regions/{QINGYUAN}/"]:
        answer = client.get(path)
        assert answer.status_code == 302, path
        assert answer["Location"] == "/accounts/password/?expired=1"
    page = client.get("/accounts/password/?expired=1", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert "90" in page.content.decode()
    assert change_page(client, "pw-qingyuan-staff", STRONG[2]).status_code == 302
    assert client.get("/").status_code == 200


def test_a_fresh_password_does_not_expire(client, county_staff):
    county_staff.set_password(STRONG[0])
    county_staff.save()
    assert county_staff.password_changed_at > timezone.now() - timedelta(minutes=1)
    client.force_login(county_staff)
    assert client.get("/").status_code == 200


def signed_in(client, user, *, started: float, seen: float):
    client.force_login(user)
    session = client.session
    session[STARTED], session[SEEN] = int(started), int(seen)
    session.save()


def test_a_session_ends_after_thirty_idle_minutes(client, county_staff):
    now = time.time()
    signed_in(client, county_staff, started=now - 3600, seen=now - 29 * 60)
    assert client.get("/").status_code == 200
    signed_in(client, county_staff, started=now - 3600, seen=now - 31 * 60)
    answer = client.get(f"/regions/{QINGYUAN}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/?next=")
    login = client.get(answer["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "30 分钟" in login.content.decode()
    assert client.get("/").status_code == 302  # still signed out


def test_a_session_ends_twelve_hours_after_the_login_however_busy(client, county_staff):
    now = time.time()
    signed_in(client, county_staff, started=now - 12 * 3600 - 5, seen=now - 10)
    assert client.get("/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_api_with_an_ended_session_is_anonymous(client, county_staff):
    now = time.time()
    signed_in(client, county_staff, started=now - 3600, seen=now - 31 * 60)
    assert client.get("/api/v1/me/").status_code in {401, 403}


@pytest.mark.parametrize(
    "change",
    [
        lambda user: setattr(user, "role", UserRole.VIEWER),
        lambda user: setattr(user, "region_id", JIZHOU),
        lambda user: user.set_password(STRONG[3]),
    ],
    ids=["role", "region", "password"],
)
def test_a_session_ends_when_the_password_role_or_region_changes(client, county_staff, change):
    client.force_login(county_staff)
    assert client.get("/").status_code == 200
    user = User.objects.get(pk=county_staff.pk)
    change(user)
    user.save()
    assert client.get("/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_changing_ones_own_password_keeps_this_session(client, county_staff):
    client.force_login(county_staff)
    assert change_page(client, "pw-qingyuan-staff", STRONG[0]).status_code == 302
    assert client.get("/").status_code == 200


def sign_in(client, user, password: str, agent: str) -> None:
    answer = client.post(
        "/accounts/login/",
        {"username": user.username, "password": password},
        HTTP_USER_AGENT=agent,
        REMOTE_ADDR="10.0.0.7",
    )
    assert answer.status_code == 302


def test_a_user_lists_their_sessions_and_ends_another(client, county_staff, outsider):
    other = Client()
    sign_in(client, county_staff, "pw-qingyuan-staff", "Firefox on the office PC")
    sign_in(other, county_staff, "pw-qingyuan-staff", "Chromium on a laptop")
    sign_in(Client(), outsider, "pw-jizhou-staff", "Someone else's browser")
    page = client.get("/accounts/sessions/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Firefox on the office PC" in page and "Chromium on a laptop" in page
    assert "Someone else's browser" not in page
    assert "10.0.0.7" in page
    for key in Session.objects.values_list("session_key", flat=True):
        assert key not in page  # a key would sign its holder in
    laptop = Session.objects.get(user=county_staff, user_agent="Chromium on a laptop")
    assert client.post("/accounts/sessions/", {"end": laptop.handle}).status_code == 302
    assert other.get("/").status_code == 302  # signed out
    assert client.get("/").status_code == 200  # this one goes on


def test_another_users_session_cannot_be_ended(client, county_staff, outsider):
    theirs = Client()
    sign_in(theirs, outsider, "pw-jizhou-staff", "theirs")
    sign_in(client, county_staff, "pw-qingyuan-staff", "mine")
    handle = Session.objects.get(user=outsider).handle
    assert client.post("/accounts/sessions/", {"end": handle}).status_code == 404
    assert theirs.get("/").status_code == 200


def test_end_all_other_sessions(client, county_staff):
    others = [Client(), Client()]
    for n, browser in enumerate(others):
        sign_in(browser, county_staff, "pw-qingyuan-staff", f"browser {n}")
    sign_in(client, county_staff, "pw-qingyuan-staff", "this one")
    assert client.post("/accounts/sessions/", {"end": "others"}).status_code == 302
    assert [browser.get("/").status_code for browser in others] == [302, 302]
    assert list(Session.objects.filter(user=county_staff).values_list("user_agent", flat=True)) == [
        "this one"
    ]
