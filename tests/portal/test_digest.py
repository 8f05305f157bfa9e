"""The weekly to-do digest: each staffer gets by email what waits in their own region (their
to-do list), with links; nothing for a user with nothing waiting, who turned it off, who has
no address, or who only reads; never a count of another region."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from core.access import UserRole
from members.choices import ServiceRecordStatus
from portal.digest import digest_for, send_digests
from tests.conftest import JIAN, JIZHOU, QINGYUAN, make_user
from tests.factories import ServiceRecordFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def staffer(name, region, **extra):
    return make_user(name, region=region, role=UserRole.STAFF, email=f"{name}@example.cn", **extra)


def pending_at(region_code):
    volunteer = VolunteerFactory(team__branch__region_id=region_code)
    return ServiceRecordFactory(volunteer=volunteer, status=ServiceRecordStatus.PENDING)


def test_each_staffer_gets_the_counts_of_their_own_region(settings):
    settings.PORTAL_URL = "https://portal.example.cn/"
    qingyuan = staffer("qingyuan-a", QINGYUAN)
    jizhou = staffer("jizhou-a", JIZHOU)
    staffer("quiet", QINGYUAN, todo_digest=False)
    staffer("noaddress", QINGYUAN).__class__.objects.filter(username="noaddress").update(email="")
    make_user("viewer", region=JIAN, role=UserRole.VIEWER, email="viewer@example.cn")
    for _n in range(3):
        pending_at("360803100")
    pending_at("360802100")  # one in 吉州区

    call_command("send_todo_digest")
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {qingyuan.email, jizhou.email}
    body = by_address[qingyuan.email].body
    assert "待审核的服务记录: 3" in body
    assert "https://portal.example.cn/admin/members/servicerecord/" in body
    assert "https://portal.example.cn" + reverse("portal:sessions") in body
    assert "青原区待办" in by_address[qingyuan.email].subject
    assert ": 1" in by_address[jizhou.email].body and ": 3" not in by_address[jizhou.email].body


def test_nothing_waiting_sends_nothing():
    user = staffer("idle", QINGYUAN)
    assert digest_for(user) is None
    assert send_digests() == (0, 1)
    assert mail.outbox == []
    pending_at("360803100")
    assert send_digests() == (1, 1)


def test_a_staffer_turns_the_digest_off_and_on(client):
    user = staffer("toggler", QINGYUAN)
    client.force_login(user)
    page = client.get(reverse("portal:sessions"))
    assert 'id="todo-digest"' in page.text and "每周待办邮件" in page.text
    client.post(reverse("portal:sessions"), {"digest": "off"})
    user.refresh_from_db()
    assert user.todo_digest is False
    pending_at("360803100")
    send_digests()
    assert [m for m in mail.outbox if m.to == [user.email]] == []
    client.post(reverse("portal:sessions"), {"digest": "on"})
    user.refresh_from_db()
    assert user.todo_digest is True
    send_digests()
    assert [m.to for m in mail.outbox] == [[user.email]]
