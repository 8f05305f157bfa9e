"""The builder: the whole demo set drawn from one random source in a fixed order."""

import random

from life.models import ActivityKind
from orgs.models import Branch, Standard, StandardItem
from portal.demo.activities import Activities
from portal.demo.branches import BranchesMixin
from portal.demo.fundraising import Funds
from portal.demo.people import People, PeopleMixin
from portal.demo.plan import Plan
from portal.demo.regions import RegionTree
from portal.demo.spending import Spender


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
        return self.plan
