"""A branch's page shows its branch life: each requirement month by month (the heatmap), its
evaluations and its rectification cases, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from life.selectors import branch_calendar
from life.services import activity_record
from tests.conftest import TIANYU
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST = TODAY.year - 1


def states(row) -> list[tuple[int, str]]:
    return [(cell.held, cell.state) for cell in row.months]


def test_a_past_year_month_by_month(monthly_council, quarterly_training, council, training):
    branch = BranchFactory(region_id=TIANYU, founded_on=datetime.date(LAST, 2, 1))
    for month in (2, 3, 3):
        activity_record(branch=branch, kind=council, held_on=datetime.date(LAST, month, 5 + month))
    for day in (datetime.date(LAST, 4, 1), datetime.date(LAST, 6, 30)):
        activity_record(branch=branch, kind=training, held_on=day)
    activity_record(branch=branch, kind=training, held_on=datetime.date(LAST, 7, 1))
    rows = {row.kind_name: row for row in branch_calendar(branch=branch, year=LAST)}
    council_row, training_row = rows["理事会"], rows["培训"]
    assert (council_row.frequency, council_row.minimum) == ("monthly", 1)
    # January: before the branch was founded; February and March met (two in March count
    # once, they make up no April); the rest missed.
    assert states(council_row) == [
        (0, "none"), (1, "met"), (2, "met"), *[(0, "missed")] * 9
    ]  # fmt: skip
    # Two trainings a quarter: the first quarter is owed (founded in it) and missed, the
    # second met by April's and June's, the third missed with one, the fourth missed.
    assert states(training_row) == [
        (0, "missed"), (0, "missed"), (0, "missed"),
        (1, "met"), (0, "met"), (1, "met"),
        (1, "missed"), (0, "missed"), (0, "missed"),
        (0, "missed"), (0, "missed"), (0, "missed"),
    ]  # fmt: skip


def test_this_year_the_current_period_is_open_and_the_months_to_come_owed_nothing(
    monthly_council,
):
    branch = BranchFactory(region_id=TIANYU)
    row = branch_calendar(branch=branch, year=TODAY.year)[0]
    assert row.months[TODAY.month - 1].state == "open"
    assert {cell.state for cell in row.months[TODAY.month :]} <= {"none"}
    assert {cell.state for cell in row.months[: TODAY.month - 1]} <= {"missed"}


def test_the_branch_page_shows_the_heatmap_evaluations_and_cases(
    client, county_staff, monthly_council, council
):
    branch = BranchFactory(region_id=TIANYU)
    activity_record(branch=branch, kind=council, held_on=datetime.date(LAST, 5, 5))
    client.force_login(county_staff)
    response = client.get(f"/branches/{branch.pk}/")
    life = response.context["life"]
    assert life.year == LAST  # the latest year of its ledger
    assert [c.state for c in life.calendar[0].months][4] == "met"
    html = response.content.decode()
    assert 'id="life-calendar"' in html and "5月" in html and "尚未参加考评" in html
    assert client.get(f"/branches/{branch.pk}/", {"year": TODAY.year}).context["life"].year == (
        TODAY.year
    )
    # The latest year, the requirements, the activities per kind and month, the
    # evaluations and the cases: as many queries whatever the number of activities.
    with CaptureQueriesContext(connection) as one:
        client.get(f"/branches/{branch.pk}/")
    for month in range(6, 12):
        activity_record(branch=branch, kind=council, held_on=datetime.date(LAST, month, 5))
    with CaptureQueriesContext(connection) as seven:
        client.get(f"/branches/{branch.pk}/")
    assert len(seven.captured_queries) == len(one.captured_queries)
