"""Region vintages: a synthetic vintage of Ji'an built from the shipped tree, compared,
reported and applied (merge, split, rename, re-parent, code reuse)."""

import csv
import datetime
import gzip
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core.access import UserRole
from funds.models import Donation
from history.diff import history_rows
from history.models import BranchEvent
from members.models import Member, ServiceRecord, Volunteer
from orgs import regions
from orgs.choices import BranchKind, SuccessorBasis, UnitChange
from orgs.models import Branch, Region, Vintage, VintageChange
from orgs.vintages import compare, read_dir, stem
from portal.models import User
from reports.rollups import region_rollup
from tests.conftest import JIAN, make_user
from tests.factories import BranchFactory, DonationFactory, MemberFactory, ServiceRecordFactory

pytestmark = pytest.mark.django_db

EFFECTIVE = datetime.date(2024, 6, 30)
TIANYU, TIANYU_NEW = "360803100", "360803107"  # 天玉镇: same name, new code
ZHIXIA, XINXU, MERGED = "360803101", "360803102", "360803106"  # 值夏镇 + 新圩镇 → 值夏新圩镇
FUTIAN = "360803104"  # 富田镇 renamed 富田新镇
XINGQIAO, EAST, WEST = "360802100", "360802104", "360802105"  # 兴桥镇 split in two
ZHANGSHAN, ZHANGSHAN_NEW = "360802101", "360803109"  # 樟山镇 moves to 青原区
QULAI, QULAI_NEW = "360802103", "360802201"  # 曲濑镇 becomes 曲濑乡
JIZHOU = "360802"  # renamed 吉州新区: its renamed children are other units on old codes
CHANGTANG, CHANGTANG_NEW = (
    "360802102",
    "360802106",
)  # 长塘镇 moves to a new code; 禾山镇 takes its code


def synthetic_vintage() -> dict[str, str]:
    """The shipped tree with Ji'an's changes of the next vintage."""
    tree = dict(regions.read_csv(regions.NATIONAL_FILE))
    for code in (TIANYU, ZHIXIA, XINXU, XINGQIAO, ZHANGSHAN, QULAI):
        del tree[code]
    tree |= {
        TIANYU_NEW: "天玉镇",
        MERGED: "值夏新圩镇",
        FUTIAN: "富田新镇",
        EAST: "兴桥东镇",
        WEST: "兴桥西镇",
        ZHANGSHAN_NEW: "樟山镇",
        QULAI_NEW: "曲濑乡",
        JIZHOU: "吉州新区",
        CHANGTANG: "禾山镇",
        CHANGTANG_NEW: "长塘镇",
    }
    return tree


@pytest.fixture
def vintage_dir(tmp_path):
    """A directory laid out as orgs/data holding the synthetic vintage."""
    with gzip.open(tmp_path / "regions.csv.gz", "wt", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name"])
        writer.writerows(sorted(synthetic_vintage().items()))
    return tmp_path


@pytest.fixture
def records():
    """Branches with members, volunteers' hours and donations at closed units."""
    tianyu = BranchFactory(name="天玉镇红十字会", region_id=TIANYU)
    zhixia = BranchFactory(name="值夏镇红十字会", region_id=ZHIXIA)
    xingqiao = BranchFactory(name="兴桥镇红十字会", region_id=XINGQIAO)
    school = BranchFactory(name="樟山中学红十字会", region_id=ZHANGSHAN, kind=BranchKind.SCHOOL)
    for branch in (tianyu, zhixia, xingqiao):
        MemberFactory.create_batch(2, branch=branch)
        DonationFactory(branch=branch, amount=Decimal("1234.56"))
    ServiceRecordFactory(volunteer__team__branch=tianyu, volunteer__branch=tianyu)
    return {"tianyu": tianyu, "zhixia": zhixia, "xingqiao": xingqiao, "school": school}


def run(vintage_dir, tmp_path, *args, **options):
    options.setdefault("effective", EFFECTIVE)
    options.setdefault("report", tmp_path / "report.csv")
    call_command("load_regions", *args, vintage="2024", dir=vintage_dir, province=JIAN, **options)
    return read_report(options["report"])


def read_report(path) -> dict[tuple[str, str], dict]:
    with open(path, encoding="utf-8") as handle:
        return {(row["change"], row["code"]): row for row in csv.DictReader(handle)}


def read_records(path) -> dict[tuple[str, str], dict]:
    with open(path.with_name(f"{path.stem}-records.csv"), encoding="utf-8") as handle:
        return {(row["record"], row["name"]): row for row in csv.DictReader(handle)}


def totals(region=None) -> dict:
    """A rollup's record figures: branches, members, volunteers, hours, money (not coverage,
    whose units the vintage changes)."""
    rollup = region_rollup(region=region).as_dict()
    return {k: v for k, v in rollup.items() if k not in ("coverage", "as_of", "children")}


# --- the comparison (pure) ----------------------------------------------------------------


def test_stem_drops_the_kind_ending():
    assert stem("天玉乡") == stem("天玉镇") == "天玉"
    assert stem("河东街道") == "河东"
    assert stem("镇") == "镇"


def test_compare_finds_each_kind_of_change():
    old = dict(Region.objects.current().within(JIAN).values_list("code", "name"))
    new = {code: name for code, name in synthetic_vintage().items() if code.startswith(JIAN)}
    comparison = compare(old, new)
    closed = {c.code: c for c in comparison.closed}
    assert (closed[TIANYU].successor_code, closed[TIANYU].basis) == (
        TIANYU_NEW,
        SuccessorBasis.SAME_NAME,
    )
    assert (closed[ZHIXIA].successor_code, closed[ZHIXIA].basis) == (
        MERGED,
        SuccessorBasis.CONTAINMENT,
    )
    assert closed[XINXU].successor_code == MERGED
    assert closed[XINGQIAO].successor_code == ""  # a split: two candidates, never guessed
    assert (closed[ZHANGSHAN].successor_code, closed[ZHANGSHAN].basis) == (
        ZHANGSHAN_NEW,
        SuccessorBasis.REPARENTED,
    )
    assert (closed[QULAI].successor_code, closed[QULAI].basis) == (
        QULAI_NEW,
        SuccessorBasis.SIMILAR_NAME,
    )
    assert (closed[CHANGTANG].successor_code, closed[CHANGTANG].basis) == (
        CHANGTANG_NEW,
        SuccessorBasis.SAME_NAME,
    )
    assert {c.code for c in comparison.of(UnitChange.RENAMED)} == {FUTIAN, JIZHOU}
    assert {c.code for c in comparison.of(UnitChange.REUSED)} == {CHANGTANG}
    assert {c.code for c in comparison.of(UnitChange.REPARENTED)} == {ZHANGSHAN_NEW}
    added = {c.code for c in comparison.of(UnitChange.ADDED)}
    assert added == {TIANYU_NEW, MERGED, EAST, WEST, ZHANGSHAN_NEW, QULAI_NEW, CHANGTANG_NEW}


def test_a_reused_code_without_a_successor_elsewhere_keeps_its_records():
    old = {"36": "江西省", "3608": "吉安市", JIZHOU: "吉州区", CHANGTANG: "长塘镇"}
    new = {"36": "江西省", "3608": "吉安市", JIZHOU: "吉州新区", CHANGTANG: "禾山镇"}
    (closed,) = compare(old, new).closed
    assert (closed.successor_code, closed.basis) == (CHANGTANG, SuccessorBasis.CODE_REUSED)


def test_the_mapping_decides_a_split_by_its_largest_share(vintage_dir, tmp_path, records):
    mapping = tmp_path / "mapping.csv"
    mapping.write_text(f"old_code,new_code,share\n{XINGQIAO},{EAST},0.6\n{XINGQIAO},{WEST},0.4\n")
    report = run(vintage_dir, tmp_path, dry_run=True, mapping=mapping)
    row = report[("closed", XINGQIAO)]
    assert (row["successor_code"], row["basis"], row["share"]) == (EAST, "mapping", "0.6")


def test_a_mapping_to_a_unit_of_another_level_is_refused(vintage_dir, tmp_path):
    mapping = tmp_path / "mapping.csv"
    mapping.write_text(f"{XINGQIAO},360802\n")
    with pytest.raises(CommandError, match=f"{XINGQIAO}.*360802"):
        run(vintage_dir, tmp_path, dry_run=True, mapping=mapping)


def test_read_dir_reads_the_package_layout(tmp_path):
    (tmp_path / "provinces.csv").write_text('"code","name"\n"36","江西省"\n', encoding="utf-8")
    (tmp_path / "cities.csv").write_text("code,name,provinceCode\n3608,吉安市,36\n")
    (tmp_path / "areas.csv").write_text("code,name,cityCode,provinceCode\n360803,青原区,3608,36\n")
    (tmp_path / "streets.csv").write_text(
        "code,name,areaCode,provinceCode,cityCode\n360803100,天玉镇,360803,36,3608\n"
    )
    assert read_dir(tmp_path) == {
        "36": "江西省",
        "3608": "吉安市",
        "360803": "青原区",
        "360803100": "天玉镇",
    }


# --- the dry run ---------------------------------------------------------------------------


def test_dry_run_reports_and_changes_nothing(vintage_dir, tmp_path, records, capsys):
    make_user("tianyu-staff", region=TIANYU, role=UserRole.STAFF)
    report = run(vintage_dir, tmp_path, dry_run=True)
    assert report[("closed", TIANYU)]["branches"] == "1"
    assert report[("closed", TIANYU)]["users"] == "1"
    assert report[("closed", TIANYU)]["province"] == "36"
    assert report[("closed", TIANYU)]["level"] == "township"
    assert report[("renamed", FUTIAN)]["old_name"] == "富田镇"
    assert report[("reparented", ZHANGSHAN_NEW)]["old_code"] == ZHANGSHAN
    out = capsys.readouterr().out
    assert "dry run, nothing changed" in out
    lines = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.strip()}
    # added, closed, renamed, reparented, reused, closed without a successor
    assert lines["township"] == ["7", "7", "1", "1", "1", "1"]
    assert lines["county"] == ["0", "0", "1", "0", "0", "0"]
    # with the 107 villages of the 7 closed townships; 富田镇 is renamed, its villages stay
    assert lines["36"][:2] == ["7", "114"]
    assert not [key for key in report if key[1].startswith(FUTIAN) and key[0] == "closed"]
    planned = read_records(tmp_path / "report.csv")
    assert planned[("branch", "天玉镇红十字会")]["action"] == "move"
    assert planned[("branch", "兴桥镇红十字会")]["action"] == "no_successor"
    assert planned[("user", "tianyu-staff")]["action"] == "listed"
    assert not Region.objects.filter(code=TIANYU_NEW).exists()
    assert Region.objects.get(code=TIANYU).valid_to is None
    assert not Vintage.objects.exists()
    records["tianyu"].refresh_from_db()
    assert records["tianyu"].region_id == TIANYU


# --- applying ------------------------------------------------------------------------------


def test_apply_closes_opens_renames_and_moves_the_records(vintage_dir, tmp_path, records):
    run(vintage_dir, tmp_path)
    closed = Region.objects.filter(code__in=[TIANYU, ZHIXIA, XINXU, XINGQIAO, ZHANGSHAN, QULAI])
    assert set(closed.values_list("valid_to", flat=True)) == {EFFECTIVE}
    new = Region.objects.get(code=TIANYU_NEW)
    assert (new.name, new.valid_from, new.valid_to, new.parent_id) == (
        "天玉镇",
        EFFECTIVE,
        None,
        "360803",
    )
    assert Region.objects.get(code=FUTIAN).name == "富田新镇"
    # a renamed township keeps its villages; a closed one's close with it
    futian_villages = Region.objects.filter(parent_id=FUTIAN)
    assert futian_villages.count() == 22
    assert not futian_villages.filter(valid_to__isnull=False).exists()
    assert set(Region.objects.filter(parent_id=TIANYU).values_list("valid_to", flat=True)) == {
        EFFECTIVE
    }
    tianyu = Branch.objects.get(pk=records["tianyu"].pk)
    assert tianyu.region_id == TIANYU_NEW
    assert Branch.objects.get(pk=records["zhixia"].pk).region_id == MERGED
    assert Branch.objects.get(pk=records["school"].pk).region_id == ZHANGSHAN_NEW
    # no successor: left in place, at its closed unit
    assert Branch.objects.get(pk=records["xingqiao"].pk).region_id == XINGQIAO
    # the copies of the region code followed through the triggers
    assert set(Member.objects.filter(branch=tianyu).values_list("region_code", flat=True)) == {
        TIANYU_NEW
    }
    assert set(Volunteer.objects.filter(branch=tianyu).values_list("region_code", flat=True)) == {
        TIANYU_NEW
    }
    served = ServiceRecord.objects.filter(team__branch=tianyu)
    assert set(served.values_list("region_code", flat=True)) == {TIANYU_NEW}
    assert set(Donation.objects.filter(branch=tianyu).values_list("region_code", flat=True)) == {
        TIANYU_NEW
    }
    assert Donation.objects.filter(region_code=ZHIXIA).count() == 0


def test_apply_records_the_vintage_and_the_name_history(vintage_dir, tmp_path, records):
    run(vintage_dir, tmp_path)
    vintage = Vintage.objects.get(name="2024")
    assert vintage.effective_on == EFFECTIVE
    reused = VintageChange.objects.get(vintage=vintage, code=CHANGTANG, change=UnitChange.REUSED)
    assert (reused.old_name, reused.name) == ("长塘镇", "禾山镇")
    gone = VintageChange.objects.get(code=CHANGTANG, change=UnitChange.CLOSED)
    assert gone.successor_code == CHANGTANG_NEW
    assert Region.objects.get(code=CHANGTANG).valid_from == EFFECTIVE


def test_each_move_is_in_the_history_with_the_vintage_as_reason(vintage_dir, tmp_path, records):
    run(vintage_dir, tmp_path)
    event = BranchEvent.objects.filter(pgh_obj_id=records["tianyu"].pk).latest("pgh_id")
    assert event.region_id == TIANYU_NEW
    assert "2024" in event.pgh_context["reason"]
    assert event.pgh_context["source"] == "system"
    events = list(BranchEvent.objects.filter(pgh_obj_id=records["tianyu"].pk).order_by("pgh_id"))
    (latest, *_older) = history_rows(Branch, events, masks={})
    assert latest.source.endswith("2024")
    assert [(c.field, c.after) for c in latest.changes] == [
        ("region", str(Region.objects.get(code=TIANYU_NEW)))
    ]


def test_apply_keeps_every_country_total_and_verify_rollups_is_clean(
    vintage_dir, tmp_path, records
):
    jian = Region.objects.get(code=JIAN)
    before = totals(), totals(jian)
    assert before[1]["members"]["active"] >= 6
    assert before[1]["donations"]["amount"] >= Decimal("3703.68")
    run(vintage_dir, tmp_path)
    assert (totals(), totals(jian)) == before
    call_command("verify_rollups", stdout=StringIO())  # raises on any difference


def test_coverage_counts_only_units_in_force(vintage_dir, tmp_path, records):
    jian = Region.objects.get(code=JIAN)
    run(vintage_dir, tmp_path)
    coverage = region_rollup(region=jian).as_dict()["coverage"]["township"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM orgs_region WHERE code LIKE '3608%%' AND level = 'township'"
            " AND kind IN ('street', 'town', 'township') AND valid_to IS NULL"
        )
        in_force = cursor.fetchone()[0]
    # 224 less 6 closed units, plus 7 opened ones (曲濑乡 among them)
    assert coverage["total"] == in_force == 225
    # 天玉镇 and 值夏新圩镇 by the moved branches; 兴桥镇's branch stays at its closed unit
    assert coverage["covered"] == 2


def test_applying_the_same_vintage_twice_changes_nothing(vintage_dir, tmp_path, records):
    run(vintage_dir, tmp_path)
    changes = VintageChange.objects.count()
    stamps = dict(Region.objects.within(JIAN).values_list("code", "updated_at"))
    branches = dict(Branch.objects.values_list("pk", "updated_at"))
    report = run(vintage_dir, tmp_path, report=tmp_path / "again.csv")
    assert report == {}
    assert VintageChange.objects.count() == changes
    assert Vintage.objects.count() == 1
    assert dict(Region.objects.within(JIAN).values_list("code", "updated_at")) == stamps
    assert dict(Branch.objects.values_list("pk", "updated_at")) == branches


def test_users_of_closed_units_are_listed_and_moved_when_asked(vintage_dir, tmp_path, records):
    listed = make_user("tianyu-staff", region=TIANYU, role=UserRole.STAFF)
    run(vintage_dir, tmp_path)
    listed.refresh_from_db()
    assert listed.region_id == TIANYU
    assert read_records(tmp_path / "report.csv")[("user", "tianyu-staff")]["successor_code"] == (
        TIANYU_NEW
    )


def test_move_users_moves_them_to_the_successor(vintage_dir, tmp_path, records):
    moved = make_user("zhixia-staff", region=ZHIXIA, role=UserRole.STAFF)
    stranded = make_user("xingqiao-staff", region=XINGQIAO, role=UserRole.STAFF)
    run(vintage_dir, tmp_path, move_users=True)
    assert User.objects.get(pk=moved.pk).region_id == MERGED
    assert User.objects.get(pk=stranded.pk).region_id == XINGQIAO
    planned = read_records(tmp_path / "report.csv")
    assert planned[("user", "xingqiao-staff")]["action"] == "no_successor"


def test_a_branch_whose_name_is_taken_at_the_successor_stays(vintage_dir, tmp_path, records):
    twin = BranchFactory(name="值夏镇红十字会", region_id=XINXU)
    run(vintage_dir, tmp_path)
    assert Branch.objects.get(pk=records["zhixia"].pk).region_id == MERGED
    assert Branch.objects.get(pk=twin.pk).region_id == XINXU
    with open(tmp_path / "report-records.csv", encoding="utf-8") as handle:
        actions = {int(row["id"]): row["action"] for row in csv.DictReader(handle)}
    assert (actions[records["zhixia"].pk], actions[twin.pk]) == ("move", "name_taken")


def test_a_future_effective_date_is_refused(vintage_dir, tmp_path):
    with pytest.raises(CommandError, match="--effective"):
        run(vintage_dir, tmp_path, effective=datetime.date.today() + datetime.timedelta(days=2))


def test_a_partial_vintage_for_the_whole_country_is_refused(tmp_path):
    (tmp_path / "regions.csv").write_text("code,name\n36,江西省\n3608,吉安市\n", encoding="utf-8")
    with pytest.raises(CommandError, match="--province"):
        call_command("load_regions", vintage="2024", dir=tmp_path, dry_run=True)
    assert not Region.objects.filter(valid_to__isnull=False).exists()


@pytest.mark.parametrize(
    "options",
    [{"vintage": "../2024", "dry_run": True}, {"dry_run": True}, {"mapping": "m.csv"}],
)
def test_vintage_options_are_checked(options):
    with pytest.raises(CommandError, match=r"vintage|区划版本"):
        call_command("load_regions", **options)
