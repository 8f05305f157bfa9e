"""What the history trigger costs a bulk import of donations (printed, not asserted as time).

Run: pytest tests/history/test_bulk_figures.py -s
"""

import datetime
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from funds.models import Donation
from history import triggers
from history.models import DonationEvent
from tests.factories import BranchFactory, DonorFactory

pytestmark = pytest.mark.django_db

ROWS = 10_000


def donations(branch, donor, batch: int) -> list[Donation]:
    return [
        Donation(
            branch=branch,
            region_code=branch.region_id,
            donor=donor,
            kind="cash",
            amount=Decimal("100.00"),
            channel="bank",
            received_on=datetime.date(2024, 9, 8),
            receipt_no=f"B{batch}-{n:06d}",
        )
        for n in range(ROWS)
    ]


def history_trigger() -> str:
    [pgid] = [t.sql.pgid for t in triggers.compiled() if t.sql.table == Donation._meta.db_table]
    return pgid


def timed_bulk_create(branch, donor, batch: int, *, tracked: bool) -> float:
    """Seconds for one bulk_create of ROWS donations, inside a rolled-back savepoint."""
    rows = donations(branch, donor, batch)
    sid = transaction.savepoint_create()
    with connection.cursor() as cursor:
        if not tracked:
            cursor.execute(f"ALTER TABLE funds_donation DISABLE TRIGGER {history_trigger()}")
        start = time.perf_counter()
        Donation.objects.bulk_create(rows, batch_size=1000)
        elapsed = time.perf_counter() - start
        events = DonationEvent.objects.filter(receipt_no__startswith=f"B{batch}-").count()
    transaction.savepoint_rollback(sid)
    assert events == (ROWS if tracked else 0)
    return elapsed


def test_print_the_cost_of_history_on_a_bulk_create_of_donations():
    branch, donor = BranchFactory(), DonorFactory()
    timed_bulk_create(branch, donor, 0, tracked=True)  # warm up
    runs = {True: [], False: []}
    for batch in range(1, 7):
        tracked = batch % 2 == 0
        runs[tracked].append(timed_bulk_create(branch, donor, batch, tracked=tracked))
    with_history, without = min(runs[True]), min(runs[False])
    print(
        f"\nbulk_create of {ROWS:,} donations (best of 3): without history {without:.3f} s, "
        f"with history {with_history:.3f} s, +{(with_history / without - 1) * 100:.0f}%"
    )
