"""The builder: the whole demo set drawn from one random source in a fixed order."""

import random

from orgs.models import Branch, Standard, StandardItem
from portal.demo.branches import BranchesMixin
from portal.demo.fundraising import Funds
from portal.demo.people import People, PeopleMixin
from portal.demo.plan import Plan
from portal.demo.regions import RegionTree


class Builder(BranchesMixin, PeopleMixin):
    """Draws the demo set from one random source in a fixed order (hence deterministic)."""

    def __init__(
        self, *, seed: int, tree: RegionTree, standard: Standard | None, items: list[StandardItem]
    ):
        self.rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
        self.people = People(self.rng)
        self.tree = tree
        self.standard, self.items = standard, items
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
        return self.plan
