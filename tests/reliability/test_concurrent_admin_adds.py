"""Twelve staffers add a donation with the same receipt number at once in the admin: one is
saved, every other sees the field's message on the form; no server error."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from funds.models import Donation
from tests.conftest import QINGYUAN, make_user
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 12
RECEIPT_NO = "QY-2020-0001"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def signed_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/admin/login/", timeout=30)
    token = CSRF.search(page.text).group(1)
    session.post(
        f"{base}/admin/login/",
        data={"username": username, "password": f"pw-{username}", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/admin/login/"},
        timeout=30,
    )
    return session


def add(session: requests.Session, base: str, branch_id: int) -> requests.Response:
    url = f"{base}/admin/funds/donation/add/"
    token = CSRF.search(session.get(url, timeout=30).text).group(1)
    form = {
        "branch": branch_id,
        "kind": "cash",
        "amount": "5000.00",
        "channel": "bank",
        "received_on": "2020-02-10",
        "receipt_no": RECEIPT_NO,
        "csrfmiddlewaretoken": token,
    }
    return session.post(url, data=form, headers={"Referer": url}, timeout=60)


def test_concurrent_adds_with_one_receipt_number_save_one(live_server):
    branch = BranchFactory(region_id=f"{QINGYUAN}100")
    names = [f"staff{n}" for n in range(CLIENTS)]
    for name in names:
        make_user(name, region=QINGYUAN, role="staff", is_staff=True)
    sessions = [signed_in(live_server.url, name) for name in names]
    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(pool.map(lambda s: add(s, live_server.url, branch.pk), sessions))
    statuses = sorted(answer.status_code for answer in answers)
    saved = [a for a in answers if a.history and a.history[0].status_code == 302]
    refused = [a for a in answers if not a.history]
    assert 500 not in statuses, statuses
    assert Donation.objects.filter(receipt_no=RECEIPT_NO).count() == 1
    assert len(saved) == 1
    assert len(refused) == CLIENTS - 1
    for answer in refused:
        assert answer.status_code == 200
        errors = re.findall(r'<ul class="errorlist[^>]*>(.*?)</ul>', answer.text, re.S)
        assert errors == [f"<li>收据编号 {RECEIPT_NO} 已被使用。</li>"], errors
