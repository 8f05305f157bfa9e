"""Two spends of a fund's last ¥1,000 at once: one is paid, the other refused in words.

Each spend runs on its own thread and database connection with committed transactions, as
two cashiers' requests would. The balance trigger locks the fund's balance row, so the second
spend waits for the first to commit and is refused by the balance's check constraint, in the
rule's words with what is left; a write that skips the service is refused the same way.
"""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from funds.choices import SpendingCategory
from funds.models import FundBalance, Spending
from funds.services import donation_record, spending_record
from tests.conftest import QINGYUAN, TIANYU, make_user
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db(transaction=True)

OVERDRAWN = "The fund holds 0.00 yuan, less than 1000.00 yuan: this would overdraw it."


def spend(fund, voucher_no: str, user) -> Spending:
    return spending_record(
        fund=fund,
        amount="1000",
        category=SpendingCategory.AID,
        spent_on=datetime.date(2024, 6, 1),
        payee="张三",
        purpose="救助",
        voucher_no=voucher_no,
        user=user,
    )


@pytest.fixture
def fund():
    branch = BranchFactory(region_id=TIANYU)
    donation = donation_record(
        branch=branch, amount="1000", channel="bank", received_on=datetime.date(2024, 5, 1)
    )
    return donation.fund


def in_thread(target, results: dict, name: str, *args) -> threading.Thread:
    """Run ``target`` on a thread of its own (its own connection), keeping what it returns
    or raises under ``name``."""

    def run():
        try:
            with translation.override("en"):
                results[name] = target(*args)
        except Exception as error:
            results[name] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_two_spends_of_the_last_thousand_pay_one_and_refuse_the_other(fund):
    cashier = make_user("cashier", region=QINGYUAN, role="staff")
    start = threading.Barrier(2)
    results: dict = {}

    def race(voucher_no):
        start.wait()
        return spend(fund, voucher_no, cashier)

    threads = [in_thread(race, results, name, name) for name in ("PZ-A", "PZ-B")]
    for thread in threads:
        thread.join(timeout=60)
    paid = [r for r in results.values() if isinstance(r, Spending)]
    refused = [r for r in results.values() if isinstance(r, ValidationError)]
    assert (len(paid), len(refused)) == (1, 1), results
    assert refused[0].message_dict == {"amount": [OVERDRAWN]}
    assert Spending.objects.count() == 1
    assert FundBalance.objects.get(fund=fund).balance == Decimal("0.00")


def test_the_second_spend_waits_for_the_first_and_sees_what_is_left(fund):
    """The first spend holds the fund's lock uncommitted while the second one starts."""
    cashier = make_user("cashier", region=QINGYUAN, role="staff")
    recorded, release = threading.Event(), threading.Event()
    results: dict = {}

    def first():
        with transaction.atomic():
            spending = spend(fund, "PZ-1", cashier)
            recorded.set()
            release.wait(timeout=30)
        return spending

    first_thread = in_thread(first, results, "first")
    assert recorded.wait(timeout=30)
    second_thread = in_thread(spend, results, "second", fund, "PZ-2", cashier)
    second_thread.join(timeout=1)
    assert second_thread.is_alive()  # queued on the balance row's lock
    release.set()
    first_thread.join(timeout=30)
    second_thread.join(timeout=30)
    assert isinstance(results["first"], Spending)
    assert results["second"].message_dict == {"amount": [OVERDRAWN]}


def test_writes_around_the_service_cannot_overdraw_either(fund):
    """Two raw inserts of ¥1,000 from two connections: the check constraint refuses one."""
    branch_id, start, results = fund.branch_id, threading.Barrier(2), {}

    def insert(voucher_no):
        start.wait()
        with transaction.atomic():
            Spending.objects.create(
                fund=fund,
                branch_id=branch_id,
                region_code=TIANYU,
                spent_on=datetime.date(2024, 6, 1),
                amount=Decimal("1000.00"),
                category=SpendingCategory.AID,
                payee="李四",
                purpose="绕过服务",
                voucher_no=voucher_no,
            )
        return voucher_no

    threads = [in_thread(insert, results, name, name) for name in ("RAW-A", "RAW-B")]
    for thread in threads:
        thread.join(timeout=60)
    errors = [r for r in results.values() if isinstance(r, IntegrityError)]
    assert len(errors) == 1, results
    assert "funds_fundbalance_not_overdrawn" in str(errors[0])
    assert FundBalance.objects.get(fund=fund).balance == Decimal("0.00")
