"""The region loader: the real national counts, kinds derived from codes, idempotence."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count

from orgs import regions
from orgs.choices import RegionKind, RegionLevel
from orgs.models import Region

pytestmark = pytest.mark.django_db


def test_loader_loads_the_national_counts():
    counts = dict(Region.objects.values_list("level").annotate(n=Count("code")))
    assert counts[RegionLevel.PROVINCE] == 31
    assert counts[RegionLevel.CITY] == 342
    assert counts[RegionLevel.COUNTY] == 2978
    assert counts[RegionLevel.TOWNSHIP] == 41352


def test_jian_has_13_counties_and_224_townships_for_coverage():
    jian = Region.objects.within("3608")
    assert jian.filter(level=RegionLevel.COUNTY).count() == 13
    townships = jian.filter(level=RegionLevel.TOWNSHIP)
    assert townships.count() == 252
    covered_kinds = [RegionKind.STREET, RegionKind.TOWN, RegionKind.TOWNSHIP]
    assert townships.filter(kind__in=covered_kinds).count() == 224
    assert townships.filter(kind=RegionKind.SPECIAL).count() == 28


def test_kind_and_parent_come_from_the_code():
    tianyu = Region.objects.get(code="360803100")
    assert (tianyu.name, tianyu.kind, tianyu.parent_id) == ("天玉镇", RegionKind.TOWN, "360803")
    village = Region.objects.filter(parent=tianyu).first()
    assert village.level == RegionLevel.COMMUNITY
    assert village.kind in (RegionKind.COMMUNITY, RegionKind.VILLAGE, RegionKind.SPECIAL)


def test_rerun_changes_nothing(capsys):
    before = Region.objects.count()
    call_command("load_regions")
    assert Region.objects.count() == before
    assert "0 created, 0 updated" in capsys.readouterr().out


def test_rerun_restores_a_changed_name():
    Region.objects.filter(code="360803100").update(name="旧名")
    call_command("load_regions", province="360803")
    assert Region.objects.get(code="360803100").name == "天玉镇"


def test_two_loads_in_one_transaction_do_not_collide():
    with transaction.atomic():
        call_command("load_regions", province="360803")
        call_command("load_regions", levels="5", province="360803100")
    assert Region.objects.filter(parent_id="360803100").count() == 8


def test_a_load_gives_the_callers_transaction_its_planner_settings_back():
    """The load plans its refresh without nested loops; what the caller runs next in the same
    transaction (a vintage's branch moves) is planned as usual again."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_nestloop'), current_setting('plan_cache_mode')"
        )
        before = cursor.fetchone()
        regions.load([("360803199", "测试镇")])
        cursor.execute(
            "SELECT current_setting('enable_nestloop'), current_setting('plan_cache_mode')"
        )
        assert cursor.fetchone() == before == ("on", "auto")
    assert Region.objects.filter(code="360803199").exists()
