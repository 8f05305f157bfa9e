"""Community requests (the 1310 response record): a request at a grid or community unit with
its received, contacted, on-site and resolved times; the rules of their order; the figures
per region (count, median and 90th percentile of each interval, the share within the target
of the nearest region above that sets one) against an independent computation; scope."""

import datetime
import math

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from life.models import CommunityRequest, ResponseTarget
from life.selectors import response_figures
from life.services import community_request_record, community_request_update
from orgs.models import Region
from tests.conftest import JIAN, QINGYUAN, TIANYU
from tests.factories import BranchFactory, VolunteerTeamFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
YEAR = timezone.localtime(NOW).year


def unit(code=None):
    """A village or community of 天玉镇 (or the unit ``code``)."""
    if code:
        return Region.objects.get(code=code)
    return Region.objects.filter(parent_id=TIANYU).order_by("code").first()


def request_at(region, *, minutes=(2, 8, 60), ago=60 * 24, **fields):
    """A request received ``ago`` minutes before now, each step ``minutes`` after it."""
    received = NOW - datetime.timedelta(minutes=ago)
    steps = dict(
        zip(
            ("contacted_at", "on_site_at", "resolved_at"),
            [None if m is None else received + datetime.timedelta(minutes=m) for m in minutes],
            strict=False,
        )
    )
    return community_request_record(
        region=region, summary="独居老人突发疾病", received_at=received, **steps, **fields
    )


def messages(error: ValidationError, field: str) -> str:
    return " ".join(str(m) for m in error.message_dict[field])


def test_the_steps_come_in_order_after_the_receipt_and_not_later_than_now(county_staff):
    village = unit()
    with pytest.raises(ValidationError) as error:
        request_at(village, minutes=(-1, 8, 60), user=county_staff)
    assert "受理" in messages(error.value, "contacted_at")
    with pytest.raises(ValidationError) as error:
        request_at(village, minutes=(5, 3, 60), user=county_staff)
    assert "上一环节" in messages(error.value, "on_site_at")
    with pytest.raises(ValidationError) as error:
        request_at(village, minutes=(2, 8, 60), ago=-5, user=county_staff)
    assert "received_at" in error.value.message_dict
    assert not CommunityRequest.objects.exists()
    # Recorded at its receipt; the later steps filled in as they happen.
    request = request_at(village, minutes=(None, None, None), user=county_staff)
    assert request.recorded_by == county_staff and request.region_id == village.code
    received = request.received_at
    community_request_update(
        request=request, contacted_at=received + datetime.timedelta(minutes=1), user=county_staff
    )
    with pytest.raises(ValidationError):
        community_request_update(
            request=request,
            on_site_at=received - datetime.timedelta(minutes=1),
            user=county_staff,
        )
    request.refresh_from_db()
    assert request.on_site_at is None and request.contacted_at is not None


def test_the_team_is_of_a_branch_at_the_unit_or_above(county_staff):
    village = unit()
    township_team = VolunteerTeamFactory(branch=BranchFactory(region_id=TIANYU))
    assert request_at(village, team=township_team, user=county_staff).team == township_team
    other = VolunteerTeamFactory(branch=BranchFactory(region_id="360803101"))
    with pytest.raises(ValidationError) as error:
        request_at(village, team=other, user=county_staff)
    assert "team" in error.value.message_dict


def test_scope(county_staff, outsider, api):
    village = unit()
    with pytest.raises(ValidationError):
        request_at(village, user=outsider)
    request = request_at(village, user=county_staff)
    assert api(outsider).get(f"/api/v1/community-requests/{request.pk}/").status_code == 404
    assert api(outsider).get("/api/v1/community-requests/").json()["count"] == 0
    figures = api(outsider).get("/api/v1/community-requests/figures/", {"region": QINGYUAN})
    assert figures.status_code == 404


def percentile(values: list[float], fraction: float) -> float:
    """PostgreSQL's percentile_cont: linear between the two nearest ranks."""
    values = sorted(values)
    position = fraction * (len(values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


def test_the_figures_against_an_independent_computation(county_staff, api):
    villages = list(Region.objects.filter(parent_id=TIANYU).order_by("code")[:2])
    other_township = unit(Region.objects.filter(parent_id="360803101").first().code)
    # 天玉镇 sets tighter targets than the default (3 and 10 minutes) for its units.
    ResponseTarget.objects.create(
        region=Region.objects.get(code=TIANYU), contact_minutes=2, on_site_minutes=6
    )
    plans = [
        (villages[0], (1, 5, 30)),
        (villages[0], (3, 12, 90)),
        (villages[1], (2, 6, None)),
        (villages[1], (None, None, None)),
        (other_township, (3, 9, 40)),
        (other_township, (4, 11, 50)),
    ]
    for region, minutes in plans:
        request_at(region, minutes=minutes, user=county_staff)

    rows = response_figures(user=county_staff, code=QINGYUAN, year=YEAR)
    whole, *children = rows
    assert whole.code is None and whole.count == len(plans)
    assert {row.code: row.count for row in children} == {TIANYU: 4, "360803101": 2}

    def expected(selected, step, target_of):
        values = [m[step] for _r, m in selected if m[step] is not None]
        within = [
            m[step] <= target_of(r)[step] for r, m in selected if m[step] is not None
        ]  # fmt: skip
        return (
            len(values),
            round(percentile(values, 0.5), 1),
            round(percentile(values, 0.9), 1),
            round(sum(within) / len(within), 4),
        )

    def target_of(region):
        return (2, 6) if region.code.startswith(TIANYU) else (3, 10)

    for row, selected in ((whole, plans), (children[0], plans[:4]), (children[1], plans[4:])):
        for step, figures in ((0, row.contacted), (1, row.on_site)):
            got = (
                figures.recorded,
                float(figures.median_minutes),
                float(figures.p90_minutes),
                float(figures.within_target),
            )
            assert got == pytest.approx(expected(selected, step, target_of)), (row.code, step)
    assert whole.resolved.recorded == 4 and whole.resolved.within_target is None
    assert float(whole.resolved.median_minutes) == percentile([30, 90, 40, 50], 0.5)

    # The same through the API, for the user's county (the default region); the city
    # above it is not theirs to ask.
    body = api(county_staff).get("/api/v1/community-requests/figures/", {"year": YEAR})
    assert body.status_code == 200
    data = body.json()
    assert data[0]["count"] == len(plans)
    assert [r["code"] for r in data[1:]] == [TIANYU, "360803101"]
    assert data[0]["contacted"]["median_minutes"] == float(whole.contacted.median_minutes)
    city = api(county_staff).get("/api/v1/community-requests/figures/", {"region": JIAN})
    assert city.status_code == 404
    assert (
        api(county_staff).get("/api/v1/community-requests/figures/", {"year": "abc"}).status_code
        == 400
    )


def test_api_records_and_fills_in_a_request(api, county_staff, city_official):
    village = unit()
    received = NOW - datetime.timedelta(minutes=30)
    body = {"region": village.code, "summary": "路灯损坏", "received_at": received.isoformat()}
    response = api(county_staff).post("/api/v1/community-requests/", body, format="json")
    assert response.status_code == 201, response.content
    url = f"/api/v1/community-requests/{response.json()['id']}/"
    on_site = (received + datetime.timedelta(minutes=9)).isoformat()
    response = api(county_staff).patch(url, {"on_site_at": on_site}, format="json")
    assert response.status_code == 200 and response.json()["on_site_at"]
    wrong = (received - datetime.timedelta(minutes=9)).isoformat()
    response = api(county_staff).patch(url, {"resolved_at": wrong}, format="json")
    assert response.status_code == 400 and "resolved_at" in response.json()["errors"]
    assert (
        api(county_staff).get("/api/v1/community-requests/", {"resolved": "false"}).json()["count"]
        == 1
    )
    assert api(city_official).patch(url, {"summary": "改"}, format="json").status_code == 403


def test_the_dashboard_shows_the_response_times(client, county_staff):
    request_at(unit(), minutes=(2, 8, 60), user=county_staff)
    request_at(unit(), minutes=(4, 14, None), user=county_staff)
    client.force_login(county_staff)
    page = client.get(f"/regions/{QINGYUAN}/", {"year": YEAR})
    whole, tianyu = page.context["responses"]
    assert (whole.count, tianyu.code, tianyu.count) == (2, TIANYU, 2)
    assert (whole.on_site.median_minutes, whole.on_site.within_target) == (11, 0.5)
    assert 'id="responses-table"' in page.text and "群众诉求响应" in page.text
