"""An account whose region a new vintage closed is not locked out silently: its admin page
says so and names the successor the vintage found."""

import datetime

import pytest
from django.urls import reverse

from orgs.choices import UnitChange
from orgs.models import Region, Vintage, VintageChange
from orgs.selectors import region_closure
from tests.conftest import QINGYUAN, TIANYU, make_user

pytestmark = pytest.mark.django_db

HUANGQIAO = "360803102"


def close(code: str, successor: str = "") -> None:
    vintage, _ = Vintage.objects.get_or_create(
        name="2024", defaults={"package": "test", "effective_on": datetime.date(2024, 1, 1)}
    )
    Region.objects.filter(code=code).update(valid_to=datetime.date(2023, 12, 31))
    VintageChange.objects.create(
        vintage=vintage, change=UnitChange.CLOSED, code=code, successor_code=successor
    )


def page(client, county_admin, user) -> str:
    client.force_login(county_admin)
    response = client.get(reverse("admin:portal_user_change", args=[user.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_closed_region_names_its_successor(client, county_admin):
    user = make_user("tianyu-staff", region=TIANYU, role="staff")
    close(TIANYU, successor=HUANGQIAO)
    html = page(client, county_admin, user)
    assert "已被 2024 年区划代码撤销" in html
    assert Region.objects.get(code=HUANGQIAO).name in html


def test_a_closed_region_without_successor_asks_for_a_region(client, county_admin):
    user = make_user("tianyu-staff", region=TIANYU, role="staff")
    close(TIANYU)
    assert "没有继任区划" in page(client, county_admin, user)


def test_a_region_in_force_gives_no_warning(client, county_admin, django_assert_num_queries):
    user = make_user("tianyu-staff", region=TIANYU, role="staff")
    html = page(client, county_admin, user)
    assert "撤销" not in html and "继任" not in html
    qingyuan = Region.objects.get(code=QINGYUAN)
    with django_assert_num_queries(0):  # the row says it is in force
        assert region_closure(qingyuan) is None
