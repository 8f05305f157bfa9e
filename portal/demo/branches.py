"""Branches from the province down to villages, sectoral units, and their assessments."""

import datetime
import random

from orgs.choices import TERRITORIAL_KINDS, BranchKind, BranchRating, BranchStatus, RegionKind
from orgs.models import Assessment, Branch, Standard, StandardItem
from portal.demo.facts import (
    CITY,
    COMMUNITY_BRANCHES,
    COUNTY_SCHOOLS,
    DORMANT,
    LAST_DAY,
    OTHER_UNITS,
    PREPARING,
    PROVINCE,
    REFOUNDED,
    SCENIC_AREAS,
    SECTORAL,
    TIANYU,
    TIANYU_VILLAGES,
    TIERS,
    TOWNSHIP_BRANCHES,
    TOWNSHIP_SCHOOLS,
    Date,
    day_between,
)
from portal.demo.people import People
from portal.demo.plan import Plan
from portal.demo.regions import Place, RegionTree, village_short


class BranchesMixin:
    """The branches and their six-haves assessments, drawn for ``Builder``."""

    # Set by Builder.__init__.
    rng: random.Random
    people: People
    tree: RegionTree
    plan: Plan
    standard: Standard | None
    items: list[StandardItem]
    territorial: dict[str, Branch]
    tianyu: Branch | None

    def branches(self) -> None:
        """Province, cities and counties; townships; sectoral units; villages."""
        self.branch(PROVINCE, BranchKind.PROVINCE, Date(1985, 6, 1))
        for city in self.tree.under(PROVINCE, 4):
            founded = day_between(self.rng, Date(1986, 1, 1), Date(1995, 12, 31))
            self.branch(city.code, BranchKind.CITY, founded)
            for county in self.tree.under(city.code, 6):
                founded = day_between(self.rng, Date(1990, 1, 1), Date(2008, 12, 31))
                self.branch(county.code, BranchKind.COUNTY, founded)
        self.township_branches()
        self.sectoral_branches()
        self.community_branches()

    def branch(self, code: str, kind: str, founded: Date | None, **fields) -> Branch:
        """Plan a branch at region ``code`` under the nearest territorial branch above it."""
        place = self.tree.places[code]
        if "parent" not in fields and len(code) > 2:
            fields["parent"] = self.parent(code, inclusive=kind not in TERRITORIAL_KINDS)
        fields.setdefault("name", f"{place.name}红十字会")
        branch = Branch(
            region_id=code,
            kind=kind,
            founded_on=founded,
            address=self.address(place, kind, fields["name"]),
            phone=self.people.landline(code),
            **(self.milestones(founded) | fields),
        )
        self.plan.branch_tiers[TIERS.get(kind, len(TIERS))].append(branch)
        if branch.is_territorial and branch.status != BranchStatus.DISSOLVED:
            self.territorial[code] = branch
        return branch

    def address(self, place: Place, kind: str, name: str) -> str:
        """The government compound, the village committee, or the unit itself."""
        if kind not in TERRITORIAL_KINDS:
            return name.removesuffix("红十字会")
        if kind == BranchKind.COMMUNITY:
            return place.name
        office = "人民政府院内" if kind == BranchKind.TOWNSHIP else "红十字会办公楼"
        return f"{place.name}{office}"

    def milestones(self, founded: Date | None) -> dict:
        """First congress at founding; a supervisory board and complete bodies for most."""
        if founded is None:
            return {}
        board = self.rng.random() < 0.75
        board_on = min(LAST_DAY, founded + datetime.timedelta(self.rng.randint(0, 400)))
        return {
            "first_congress_on": founded,
            "supervisory_board_on": board_on if board else None,
            "bodies_complete": board and self.rng.random() < 0.85,
        }

    def parent(self, code: str, *, inclusive: bool) -> Branch:
        """The nearest territorial branch above region ``code`` (or at it, when ``inclusive``)."""
        for length in (9, 6, 4, 2):
            below = len(code) >= length if inclusive else len(code) > length
            if below and code[:length] in self.territorial:
                return self.territorial[code[:length]]
        raise LookupError(code)

    def rating(self, model: float, weak: float) -> str:
        draw = self.rng.random()
        if draw < model:
            return BranchRating.MODEL
        return BranchRating.WEAK if draw < model + weak else BranchRating.NORMAL

    def township_branches(self) -> None:
        """Every street, town and township of Ji'an; most but not all elsewhere in Jiangxi."""
        jian = self.tree.townships(CITY)
        for place in jian:
            founded = day_between(self.rng, Date(2018, 6, 1), Date(2020, 12, 31))
            rating = self.rating(0.08, 0.03)
            if place.code == TIANYU:
                founded, rating = Date(2019, 5, 8), BranchRating.MODEL
            branch = self.branch(place.code, BranchKind.TOWNSHIP, founded, rating=rating)
            if place.code == TIANYU:
                self.tianyu = branch
        others = [p for p in self.tree.townships(PROVINCE) if not p.code.startswith(CITY)]
        chosen = self.rng.sample(others, TOWNSHIP_BRANCHES - len(jian))
        fates = self.rng.sample(range(len(chosen)), DORMANT + PREPARING + REFOUNDED)
        fate_of = {index: rank for rank, index in enumerate(fates)}
        for index, place in sorted(enumerate(chosen), key=lambda pair: pair[1].code):
            self.other_township(place, fate_of.get(index, -1))

    def other_township(self, place: Place, fate: int) -> None:
        """A township branch outside Ji'an: active, dormant, preparing, or refounded in 2019."""
        founded = day_between(self.rng, Date(2015, 1, 1), Date(2024, 6, 30))
        township = BranchKind.TOWNSHIP
        if fate < 0:
            self.branch(place.code, township, founded, rating=self.rating(0.04, 0.05))
        elif fate < DORMANT:
            dormant = {"status": BranchStatus.DORMANT, "rating": self.rating(0, 0.5)}
            self.branch(place.code, township, founded, **dormant)
        elif fate < DORMANT + PREPARING:
            self.branch(place.code, township, None, status=BranchStatus.PREPARING)
        else:  # the old branch dissolved in a reorganization, a new one founded after it
            old = day_between(self.rng, Date(2008, 1, 1), Date(2014, 12, 31))
            dissolved = day_between(self.rng, Date(2019, 3, 1), Date(2019, 6, 30))
            gone = {"status": BranchStatus.DISSOLVED, "dissolved_on": dissolved}
            self.branch(place.code, township, old, name=f"{place.name}红十字分会", **gone)
            refounded = dissolved + datetime.timedelta(self.rng.randint(10, 120))
            self.branch(place.code, township, refounded)

    def sectoral_branches(self) -> None:
        """Schools, scenic areas, enterprises and other units, in Jiangxi's numbers."""
        counties = self.tree.under(PROVINCE, 6)
        townships = self.tree.townships(PROVINCE)
        schools = [(c.code, f"{c.name}{s}") for c in counties for s in COUNTY_SCHOOLS]
        schools += [(t.code, f"{t.name}{s}") for t in townships for s in TOWNSHIP_SCHOOLS]
        others = [(c.code, f"{c.name}{u}") for c in counties for u in OTHER_UNITS]
        others += [(t.code, f"{t.name}敬老院") for t in townships]
        hosts = self.rng.choices(counties, k=SECTORAL[BranchKind.ENTERPRISE])
        units = {
            BranchKind.SCHOOL: self.rng.sample(schools, SECTORAL[BranchKind.SCHOOL]),
            BranchKind.SCENIC_AREA: SCENIC_AREAS,
            BranchKind.ENTERPRISE: [(c.code, self.people.company(c.name)) for c in hosts],
            BranchKind.OTHER: self.rng.sample(others, SECTORAL[BranchKind.OTHER]),
        }
        for kind, chosen in units.items():
            for code, name in sorted(chosen):
                founded = day_between(self.rng, Date(2005, 1, 1), Date(2024, 12, 31))
                dormant = self.rng.random() < 0.03
                health = {"status": BranchStatus.DORMANT, "rating": BranchRating.WEAK}
                if not dormant:
                    health = {"rating": self.rating(0.03, 0)}
                self.branch(code, kind, founded, name=f"{name}红十字会", **health)

    def community_branches(self) -> None:
        """Branches in some of Ji'an's villages and communities, Tianyu's 临江 and 塘尾 among them."""
        villages = [v for v in self.tree.under(CITY, 12) if v.kind != RegionKind.SPECIAL]
        forced = [v for v in villages if v.code in TIANYU_VILLAGES]
        rest = [v for v in villages if v.code not in TIANYU_VILLAGES]
        chosen = forced + self.rng.sample(rest, COMMUNITY_BRANCHES - len(forced))
        for place in sorted(chosen, key=lambda p: p.code):
            draw = self.rng.random()
            founded = day_between(self.rng, Date(2019, 6, 1), Date(2023, 12, 31))
            health = {"status": BranchStatus.ACTIVE}
            if draw < 0.06:
                founded, health = None, {"status": BranchStatus.PREPARING}
            elif draw < 0.1:
                health = {"status": BranchStatus.DORMANT, "rating": BranchRating.WEAK}
            name = f"{village_short(place.name)}红十字会"
            self.branch(place.code, BranchKind.COMMUNITY, founded, name=name, **health)

    # assessments --------------------------------------------------------------------------

    def assessments(self) -> None:
        """The six haves for most branches in 2024; Ji'an's township branches also in 2022."""
        if self.standard is None or not self.items:
            return
        for branch in self.plan.branches:
            if branch.status in (BranchStatus.PREPARING, BranchStatus.DISSOLVED):
                continue
            if self.rng.random() < 0.15:
                continue
            if branch.kind == BranchKind.TOWNSHIP and branch.region_id.startswith(CITY):
                self.assessment(branch, 2022)
            self.assessment(branch, 2024)

    def assessment(self, branch: Branch, year: int) -> None:
        start, end = max(branch.founded_on, Date(year, 11, 1)), Date(year, 12, 31)
        if start > end:
            return
        met = sorted(self.rng.sample(self.items, self.items_met(branch)), key=lambda i: i.number)
        assessment = Assessment(
            branch=branch,
            standard=self.standard,
            assessed_on=day_between(self.rng, start, end),
            met_count=len(met),
            item_count=len(self.items),
        )
        self.plan.assessments.append(assessment)
        through = Assessment.items_met.through
        for item in met:
            self.plan.assessment_items.append(through(assessment=assessment, standarditem=item))

    def items_met(self, branch: Branch) -> int:
        """All items for model branches, few for weak or dormant ones, most for the rest."""
        total = len(self.items)
        if branch.rating == BranchRating.MODEL:
            return total
        if branch.rating == BranchRating.WEAK or branch.status == BranchStatus.DORMANT:
            return self.rng.randint(1, min(3, total))
        meets_all = 0.8 if branch.region_id.startswith(CITY) else 0.5
        if total == 1 or self.rng.random() < meets_all:
            return total
        return self.rng.randint(max(1, total - 4), total - 1)
