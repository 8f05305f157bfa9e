"""members.rules: each rule on its own, then each bad value through every way in."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from members.choices import VolunteerStatus
from members.models import Member, ServiceRecord, Volunteer
from members.rules import membership_errors, volunteer_active_errors
from members.services import member_join, member_leave, service_record_submit
from orgs.choices import BranchStatus
from orgs.models import Branch
from orgs.rules import branch_open_errors
from tests.conftest import TIANYU
from tests.factories import BranchFactory, MemberFactory, VolunteerFactory
from tests.imports.conftest import row_errors

JOINED = datetime.date(2020, 3, 1)


@pytest.fixture
def english():
    with translation.override("en"):
        yield


# One rule each (no database: a query would raise) ---------------------------------------


@pytest.mark.parametrize(
    ("left_on", "reason", "errors"),
    [
        (None, "", {}),
        (JOINED, "迁出", {}),
        (datetime.date(2021, 1, 1), "", {"leave_reason": ["Leaving needs a reason."]}),
        (
            datetime.date(2019, 1, 1),
            "迁出",
            {"left_on": ["A member cannot leave before joining."]},
        ),
        (
            datetime.date(2019, 1, 1),
            "",
            {
                "left_on": ["A member cannot leave before joining."],
                "leave_reason": ["Leaving needs a reason."],
            },
        ),
    ],
)
def test_a_member_leaves_after_joining_for_a_reason(english, left_on, reason, errors):
    assert membership_errors(joined_on=JOINED, left_on=left_on, leave_reason=reason) == errors


@pytest.mark.parametrize(
    ("status", "refused"), [(VolunteerStatus.ACTIVE, False), (VolunteerStatus.INACTIVE, True)]
)
def test_only_a_registered_volunteer_logs_hours(english, status, refused):
    expected = ["A deregistered volunteer cannot log hours."] if refused else []
    assert volunteer_active_errors(SimpleNamespace(status=status)) == expected


# Every way in ---------------------------------------------------------------------------
#
# The same bad value through the service, the API, the admin's add form and an import,
# as county_staff, in Chinese: each answers the rule function's message beside the field.


@dataclass(frozen=True)
class Case:
    """A rule, the record its bad value goes with, and each path's way to submit it."""

    field: str
    expected: Callable[[], list[str]]
    #: The record the bad value goes with, made in the test's database.
    record: Callable[[], object]
    paths: dict[str, Callable]
    #: The records a refusal leaves as they were.
    model: type


def form_errors(user, page: str, data: dict) -> dict:
    client = Client()
    client.force_login(user)
    response = client.post(reverse(f"admin:members_{page}_add"), data)
    if response.status_code == 302:
        return {}
    return {
        name: list(errors) for name, errors in response.context["adminform"].form.errors.items()
    }


def api_errors(user, url: str, body: dict) -> dict:
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(url, body, format="json")
    return {} if response.status_code < 300 else response.json()["errors"]


def service_errors(service, **arguments) -> dict:
    try:
        service(**arguments)
    except ValidationError as error:
        return error.message_dict
    return {}


def renamed(errors: dict, **names: str) -> dict:
    return {names.get(key, key): messages for key, messages in errors.items()}


# A new member at a dissolved branch

DISSOLVED = {"status": BranchStatus.DISSOLVED, "dissolved_on": datetime.date(2021, 3, 1)}
MEMBER = {"name": "刘丽", "kind": "individual", "joined_on": "2021-03-01"}


def dissolved_branch() -> Branch:
    return BranchFactory(name="塘尾村红十字会", region_id=TIANYU, **DISSOLVED)


JOIN_PATHS = {
    "service": lambda user, branch: service_errors(
        member_join, branch=branch, name="刘丽", joined_on=datetime.date(2021, 3, 1), user=user
    ),
    "api": lambda user, branch: api_errors(
        user, "/api/v1/members/", {**MEMBER, "branch": branch.pk}
    ),
    "admin": lambda user, branch: form_errors(
        user,
        "member",
        {**MEMBER, "branch": branch.pk, "events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0},
    ),
    "import": lambda user, branch: row_errors(
        "members",
        user,
        {**MEMBER, "region": TIANYU, "branch": branch.name, "phone": "13807961234"},
    ),
}


# Hours of a deregistered volunteer

HOURS = {"served_on": "2021-06-01", "hours": "2", "activity": "义诊"}


def deregistered_volunteer() -> Volunteer:
    return VolunteerFactory(
        status=VolunteerStatus.INACTIVE, phone="13907960001", team__branch__region_id=TIANYU
    )


HOURS_PATHS = {
    "service": lambda user, volunteer: service_errors(
        service_record_submit,
        volunteer=volunteer,
        served_on=datetime.date(2021, 6, 1),
        hours=2,
        activity="义诊",
        user=user,
    ),
    "api": lambda user, volunteer: api_errors(
        user, "/api/v1/service-records/", {**HOURS, "volunteer": volunteer.pk}
    ),
    "admin": lambda user, volunteer: form_errors(
        user, "servicerecord", {**HOURS, "volunteer": volunteer.pk}
    ),
    "import": lambda user, volunteer: renamed(
        row_errors(
            "service-records",
            user,
            {
                **HOURS,
                "region": TIANYU,
                "branch": volunteer.branch.name,
                "volunteer_phone": volunteer.phone,
            },
        ),
        volunteer_id_number="volunteer",
    ),
}


# Leaving before joining (the admin changes a member without a service)


def member_who_joined() -> Member:
    return MemberFactory(branch__region_id=TIANYU, phone="13807961234")


LEAVE_PATHS = {
    "service": lambda user, member: service_errors(
        member_leave, member=member, left_on=datetime.date(2019, 1, 1), reason="迁出", user=user
    ),
    "api": lambda user, member: api_errors(
        user, f"/api/v1/members/{member.pk}/leave/", {"left_on": "2019-01-01", "reason": "迁出"}
    ),
    "import": lambda user, member: row_errors(
        "members",
        user,
        {
            "region": TIANYU,
            "branch": member.branch.name,
            "name": member.name,
            "phone": member.phone,
            "joined_on": member.joined_on.isoformat(),
            "left_on": "2019-01-01",
            "leave_reason": "迁出",
        },
    ),
}


CASES = {
    "branch_dissolved": Case(
        "branch",
        lambda: branch_open_errors(SimpleNamespace(status=BranchStatus.DISSOLVED)),
        dissolved_branch,
        JOIN_PATHS,
        Member,
    ),
    "volunteer_deregistered": Case(
        "volunteer",
        lambda: volunteer_active_errors(SimpleNamespace(status=VolunteerStatus.INACTIVE)),
        deregistered_volunteer,
        HOURS_PATHS,
        ServiceRecord,
    ),
    "left_before_joining": Case(
        "left_on",
        lambda: membership_errors(
            joined_on=JOINED, left_on=datetime.date(2019, 1, 1), leave_reason="迁出"
        )["left_on"],
        member_who_joined,
        LEAVE_PATHS,
        Member,
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rule", "path"), [(rule, path) for rule, case in CASES.items() for path in case.paths]
)
def test_a_rule_says_the_same_on_every_path(county_staff, rule, path):
    case = CASES[rule]
    record = case.record()
    before = list(case.model.objects.values())
    with translation.override("zh-hans"):
        expected = case.expected()
        errors = case.paths[path](county_staff, record)
    assert errors == {case.field: expected}
    assert list(case.model.objects.values()) == before
