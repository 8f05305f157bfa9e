"""The demo data set: Jiangxi province shaped after its published figures, the same for the same seed.

``build(seed=...)`` plans unsaved records in memory, parents referenced as objects, and
``write(plan)`` inserts them with ``bulk_create`` in dependency order, so the database's
constraints and triggers (copied region codes, summaries) see ordinary inserts. Ji'an's
reported figures are reproduced exactly (net of reversal entries); everything else is drawn
from ``random.Random(seed)``.

The modules follow what they generate: ``facts`` (reported figures, counts, name pools),
``regions``, ``branches``, ``people``, ``money`` (donors and donations), ``fundraising``
(campaigns, the yearly totals), ``spending`` (the funds donations go to, and what Ji'an
spends out of them) and ``activities`` (the required activities and a year of ledgers);
``plan`` holds the records and ``builder`` draws them in order.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce

from core.access import UserRole
from funds.models import Donation
from life.models import ActivityKind, Requirement
from orgs.choices import RegionLevel
from orgs.models import Branch, Region, Standard, StandardItem
from portal.demo.builder import Builder
from portal.demo.facts import CITY, COUNTY, FIGURES, PROVINCE, PROVINCE_BRANCH
from portal.demo.money import Gift, allocate
from portal.demo.plan import Plan
from portal.demo.regions import RegionTree, village_short

__all__ = [
    "ACCOUNTS",
    "DEFAULT_SEED",
    "DEMO_TOTP_SECRET",
    "Account",
    "Gift",
    "Plan",
    "allocate",
    "build",
    "exists",
    "figures",
    "missing_regions",
    "village_short",
    "write",
]

DEFAULT_SEED = 2019
BATCH_SIZE = 2000


@dataclass(frozen=True)
class Account:
    """A demo account; its password is reset to this one at every run."""

    username: str
    password: str
    region: str | None
    role: str
    superuser: bool = False


#: The authenticator key of the demo accounts that sign in with a second factor (base32, as
#: apps take it): public like their passwords, for the demo only.
DEMO_TOTP_SECRET = "JIANGXIGRASSROOTSPORTALDEMOTOTPK"  # noqa: S105 (the demo's, public)

ACCOUNTS = [
    Account("admin", "demo-admin-2026", None, UserRole.ADMIN, superuser=True),
    Account("jian", "demo-jian-2026", CITY, UserRole.VIEWER),
    Account("qingyuan", "demo-qingyuan-2026", COUNTY, UserRole.STAFF),
]


def missing_regions() -> list[str]:
    """The ``manage.py`` commands still to run before seeding (two queries)."""
    commands = []
    if not Region.objects.within(PROVINCE).filter(level=RegionLevel.TOWNSHIP).exists():
        commands.append("load_regions")
    if not Region.objects.within(CITY).filter(level=RegionLevel.COMMUNITY).exists():
        commands.append(f"load_regions --levels 5 --province {CITY}")
    return commands


def exists() -> bool:
    """Whether the demo set is already in the database (one query)."""
    return Branch.objects.filter(region_id=PROVINCE, name=PROVINCE_BRANCH).exists()


def figures() -> list[tuple[str, Decimal]]:
    """Ji'an's reported figures as the database sums them, reversals netted (one query)."""
    totals = {
        f"figure{i}": Coalesce(Sum("amount", filter=condition), Decimal(0))
        for i, (_label, condition) in enumerate(FIGURES)
    }
    sums = Donation.objects.within(CITY).aggregate(**totals)
    return [(label, sums[f"figure{i}"]) for i, (label, _condition) in enumerate(FIGURES)]


def build(*, seed: int = DEFAULT_SEED) -> "Plan":
    """Plan the demo set for ``seed`` from the regions, the default standard and the activity
    kinds set everywhere (five queries)."""
    standard = Standard.objects.filter(is_default=True).first()
    items = list(StandardItem.objects.filter(standard=standard).order_by("number"))
    kinds = {kind.name: kind for kind in ActivityKind.objects.filter(region__isnull=True)}
    required = Requirement.objects.filter(standard=standard).exists()
    return Builder(
        seed=seed,
        tree=RegionTree.load(),
        standard=standard,
        items=items,
        kinds=kinds,
        required=required,
    ).build()


def write(plan: "Plan") -> dict[str, int]:
    """Insert the plan in one transaction, parents first; return the rows written per table."""
    counts: dict[str, int] = defaultdict(int)
    with transaction.atomic():
        for model, rows in plan.batches():
            model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            counts[model._meta.db_table] += len(rows)
    return dict(counts)
