"""The rules of branch life (life.rules): pure functions, no database."""

import datetime
from datetime import date

import pytest
from django.utils import timezone

from life.rules import (
    Period,
    expected_occurrences,
    held_on_errors,
    is_late,
    kind_errors,
    period_of,
    periods,
)
from orgs.choices import BranchStatus

MONTHLY, QUARTERLY, YEARLY = "monthly", "quarterly", "yearly"


# Periods


@pytest.mark.parametrize(
    ("frequency", "day", "start", "end"),
    [
        (MONTHLY, date(2024, 2, 10), date(2024, 2, 1), date(2024, 2, 29)),
        (MONTHLY, date(2023, 12, 31), date(2023, 12, 1), date(2023, 12, 31)),
        (QUARTERLY, date(2024, 3, 31), date(2024, 1, 1), date(2024, 3, 31)),
        (QUARTERLY, date(2024, 11, 5), date(2024, 10, 1), date(2024, 12, 31)),
        (YEARLY, date(2024, 7, 1), date(2024, 1, 1), date(2024, 12, 31)),
    ],
)
def test_period_of_a_day(frequency, day, start, end):
    assert period_of(frequency, day) == Period(start, end)


def test_periods_cross_the_year_boundary():
    found = list(periods(MONTHLY, date(2023, 11, 15), date(2024, 2, 10)))
    assert [p.start for p in found] == [
        date(2023, 11, 1),
        date(2023, 12, 1),
        date(2024, 1, 1),
        date(2024, 2, 1),
    ]
    quarters = list(periods(QUARTERLY, date(2023, 12, 31), date(2024, 1, 1)))
    assert quarters == [
        Period(date(2023, 10, 1), date(2023, 12, 31)),
        Period(date(2024, 1, 1), date(2024, 3, 31)),
    ]


def test_no_periods_in_an_empty_window():
    assert list(periods(MONTHLY, date(2024, 2, 1), date(2024, 1, 31))) == []


# Expected occurrences


def expected(frequency, start, end, minimum=1, **branch):
    return expected_occurrences(
        frequency=frequency, minimum=minimum, start=start, end=end, **branch
    )


def test_a_monthly_requirement_over_a_year_is_twelve_times_its_minimum():
    assert expected(MONTHLY, date(2024, 1, 1), date(2024, 12, 31)) == 12
    assert expected(MONTHLY, date(2024, 1, 1), date(2024, 12, 31), minimum=2) == 24


def test_a_window_across_months_and_years_counts_every_period_it_touches():
    assert expected(MONTHLY, date(2023, 12, 31), date(2024, 1, 1)) == 2
    assert expected(QUARTERLY, date(2023, 11, 1), date(2024, 4, 1)) == 3
    assert expected(YEARLY, date(2023, 12, 31), date(2025, 1, 1)) == 3


def test_a_branch_founded_mid_period_owes_from_its_founding():
    year = (date(2024, 1, 1), date(2024, 12, 31))
    assert expected(MONTHLY, *year, founded_on=date(2024, 3, 20)) == 10  # March … December
    assert expected(QUARTERLY, *year, founded_on=date(2024, 6, 30)) == 3  # Q2 … Q4
    assert expected(YEARLY, *year, founded_on=date(2024, 12, 31)) == 1
    assert expected(MONTHLY, *year, founded_on=date(2025, 1, 1)) == 0
    assert expected(MONTHLY, *year, founded_on=date(2019, 5, 8)) == 12


def test_a_dissolved_branch_stops_owing_after_its_dissolution():
    year = (date(2024, 1, 1), date(2024, 12, 31))
    dissolved = {"status": BranchStatus.DISSOLVED}
    assert expected(MONTHLY, *year, dissolved_on=date(2024, 4, 1), **dissolved) == 4
    assert expected(QUARTERLY, *year, dissolved_on=date(2024, 4, 1), **dissolved) == 2
    assert expected(MONTHLY, *year, dissolved_on=date(2023, 12, 31), **dissolved) == 0
    founded_and_gone = {"founded_on": date(2024, 2, 10), "dissolved_on": date(2024, 3, 5)}
    assert expected(MONTHLY, *year, **founded_and_gone, **dissolved) == 2


def test_a_branch_in_preparation_owes_nothing():
    year = (date(2024, 1, 1), date(2024, 12, 31))
    assert expected(MONTHLY, *year, status=BranchStatus.PREPARING) == 0


# Late entries


@pytest.mark.parametrize(
    ("entered_on", "late"),
    [
        (date(2024, 1, 31), False),
        (date(2024, 3, 1), False),  # 30 days after: the last day on time
        (date(2024, 3, 2), True),
        (date(2025, 1, 31), True),
    ],
)
def test_an_activity_is_late_when_entered_after_the_days_allowed(entered_on, late):
    assert is_late(held_on=date(2024, 1, 31), entered_on=entered_on, late_after_days=30) is late


def test_zero_days_allowed_makes_any_later_entry_late():
    day = date(2024, 6, 1)
    assert not is_late(held_on=day, entered_on=day, late_after_days=0)
    assert is_late(held_on=day, entered_on=date(2024, 6, 2), late_after_days=0)


# The activity's date and kind


def codes(messages):
    return [message.code for message in messages]


def test_the_date_is_not_in_the_future_nor_before_1900():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert codes(held_on_errors(tomorrow)) == ["date_in_future"]
    assert codes(held_on_errors(date(1899, 12, 31))) == ["date_before_1900"]
    assert held_on_errors(timezone.localdate()) == []


def test_the_date_lies_within_the_branchs_life():
    life = {"founded_on": date(2020, 5, 1), "dissolved_on": date(2023, 1, 31)}
    assert codes(held_on_errors(date(2020, 4, 30), **life)) == ["held_before_founded"]
    assert codes(held_on_errors(date(2023, 2, 1), **life)) == ["held_after_dissolved"]
    assert held_on_errors(date(2020, 5, 1), **life) == []
    assert held_on_errors(date(2023, 1, 31), **life) == []


def test_a_kind_is_set_at_the_branchs_region_or_above():
    assert kind_errors(None, branch_region="360803100") == []
    assert kind_errors("3608", branch_region="360803100") == []
    assert codes(kind_errors("360802", branch_region="360803100")) == ["kind_outside_branch"]
