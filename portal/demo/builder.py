"""The builder: the whole demo set drawn from one random source in a fixed order."""

import datetime
import random
from datetime import date as Date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from life.models import ActivityKind, CommunityRequest
from orgs.models import Branch, Standard, StandardItem
from portal.demo.activities import QINGYUAN, Activities
from portal.demo.activities import YEAR as LEDGER_YEAR
from portal.demo.branches import BranchesMixin
from portal.demo.facts import day_between
from portal.demo.fundraising import Funds
from portal.demo.people import People, PeopleMixin
from portal.demo.plan import Plan
from portal.demo.regions import RegionTree
from portal.demo.spending import Spender

REQUEST_SUMMARIES = [
    "独居老人突发疾病，需协助送医",
    "暴雨导致村道积水，需排险",
    "困难家庭申请临时救助",
    "儿童走失，需协助寻找",
    "居民家中燃气泄漏",
    "邻里纠纷，需上门调解",
]


class Builder(BranchesMixin, PeopleMixin):
    """Draws the demo set from one random source in a fixed order (hence deterministic)."""

    def __init__(
        self,
        *,
        seed: int,
        tree: RegionTree,
        standard: Standard | None,
        items: list[StandardItem],
        kinds: dict[str, ActivityKind] | None = None,
        required: bool = False,
    ):
        self.rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
        self.people = People(self.rng)
        self.tree = tree
        self.standard, self.items = standard, items
        self.kinds, self.required = kinds or {}, required
        self.plan = Plan()
        self.territorial: dict[str, Branch] = {}  # the current territorial branch by region
        self.tianyu: Branch | None = None

    def requests(self) -> None:
        """Residents' requests at 青原区's villages and communities in the last two years (the
        1310 record): most answered within minutes, some slower, a few still open."""
        teams = {team.branch.region_id: team for team in self.plan.teams}
        villages = self.tree.under(QINGYUAN, 12)
        zone = ZoneInfo(settings.TIME_ZONE)
        for year, count in ((LEDGER_YEAR, 48), (LEDGER_YEAR + 1, 30)):
            for n in range(count):
                village = self.rng.choice(villages)
                # This year's up to yesterday at most: none is recorded ahead of time.
                last = min(Date(year, 11, 30), timezone.localdate() - datetime.timedelta(days=1))
                day = day_between(self.rng, Date(year, 1, 1), last)
                received = datetime.datetime(
                    day.year, day.month, day.day, self.rng.randint(6, 22), self.rng.randint(0, 59),
                    tzinfo=zone,
                )  # fmt: skip
                contact = self.rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 6])
                on_site = contact + self.rng.choice([3, 4, 5, 6, 7, 8, 9, 12, 15])
                resolved = on_site + self.rng.randint(20, 240)
                still_open = year > LEDGER_YEAR and n % 10 == 0
                self.plan.requests.append(
                    CommunityRequest(
                        region_id=village.code,
                        team=teams.get(village.code[:9]),
                        summary=self.rng.choice(REQUEST_SUMMARIES),
                        received_at=received,
                        contacted_at=received + datetime.timedelta(minutes=contact),
                        on_site_at=received + datetime.timedelta(minutes=on_site),
                        resolved_at=None
                        if still_open
                        else received + datetime.timedelta(minutes=resolved),
                    )
                )

    def build(self) -> Plan:
        self.branches()
        self.memberships()
        self.councils()
        self.volunteering()
        self.assessments()
        Funds(self).raise_all()
        Spender(rng=self.rng, plan=self.plan, tianyu=self.tianyu).spend_all()
        # Last: the draws of everything before stay what they were.
        Activities(
            rng=self.rng,
            plan=self.plan,
            standard=self.standard,
            kinds=self.kinds,
            required=self.required,
            items=self.items,
        ).hold_all()
        self.requests()
        return self.plan
