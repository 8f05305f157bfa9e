"""manage.py bench_data --scale national|province: the benchmark data set (bench/README.md)."""

import json
import os
import time
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from bench.generate import SCALES, Generator


class Command(BaseCommand):
    help = (
        "Fill a benchmark database (its name must contain 'bench') with a national or "
        "provincial data set made inside PostgreSQL, then rebuild the summaries."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="province")
        parser.add_argument(
            "--skip-regions", action="store_true", help="do not (re)load the region tree first"
        )
        parser.add_argument(
            "--donations",
            type=int,
            help="only replace the donations with this many new ones (the scaling check)",
        )

    def handle(self, *args, scale, skip_regions, donations, **options):
        generator = Generator(SCALES[scale], log=self.stdout.write)
        load = os.getloadavg()
        started = time.perf_counter()
        try:
            if donations is not None:
                generator.regenerate_donations(donations)
                return
            if not skip_regions:
                self._load_regions(generator)
            generator.run()
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        total = round(time.perf_counter() - started, 1)
        self.stdout.write(f"bench_data --scale {scale}: {total:.0f} s")
        self._write_results(scale, total, generator.timings, load)

    def _load_regions(self, generator: Generator) -> None:
        """The national levels 1-4, and the villages of the scale's subtree (all of them).

        Like the records, the regions load with the summary triggers off (each load in its
        own transaction); the summaries are rebuilt after the generation.
        """
        started = time.perf_counter()
        for levels, province in (("1-4", ""), ("5", generator.scale.prefix)):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
                call_command("load_regions", levels=levels, province=province, stdout=self.stdout)
        generator.timings["regions"] = round(time.perf_counter() - started, 2)
        self.stdout.write(f"regions: {generator.timings['regions']:.1f} s")

    def _write_results(self, scale: str, total: float, timings: dict, load: tuple) -> None:
        """bench/results/data-<scale>-<time>.json: how long each step took, on what machine.

        The load average at the start tells whether others shared the cores.
        """
        folder = Path(settings.BASE_DIR) / "bench" / "results"
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now()
        path = folder / f"data-{scale}-{stamp:%Y%m%d-%H%M%S}.json"
        payload = {
            "scale": scale,
            "finished": stamp.isoformat(timespec="seconds"),
            "seconds": total,
            "cores": os.cpu_count(),
            "load_average_at_start": [round(value, 2) for value in load],
            "steps": timings,
        }
        path.write_text(json.dumps(payload, indent=1) + "\n")
        self.stdout.write(f"written to {path}")
