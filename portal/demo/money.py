"""Donations and their donors: gifts to be, totals shared exactly, mistakes and reversals."""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from funds.choices import DonationChannel, DonationKind, DonorKind, ReversalKind
from funds.models import Campaign, Donation, Donor
from orgs.models import Branch
from portal.demo.facts import (
    CENT,
    CHAMBER_ORIGINS,
    DESIGNATIONS,
    GOODS,
    MATCHING_DONOR,
    ORGANIZATIONS,
    REVERSAL_REASONS,
    TIANYU,
    Date,
    day_between,
)
from portal.demo.people import People
from portal.demo.plan import Plan
from portal.demo.regions import RegionTree

MATCHING = "matching"  # the donor of a giving platform's matching funds


@dataclass
class Gift:
    """A donation to be: its branch, date, donor kind, and a fixed amount or a weighted share."""

    branch: Branch
    on: Date
    donor: str | None  # a DonorKind, MATCHING, or None for anonymous
    channel: str
    amount: Decimal | None = None
    weight: float = 1.0
    step: Decimal = CENT
    goods: tuple[str, str, Decimal] | None = None
    designation: str = ""
    matching: bool = False
    note: str = ""


def allocate(total: Decimal | None, gifts: list[Gift]) -> list[Decimal]:
    """Amounts for ``gifts`` summing exactly to ``total``: fixed ones kept, the rest by weight.

    Each share is rounded to its gift's step; the largest share absorbs the rounding. With
    ``total`` None every gift must have a fixed amount.
    """
    amounts = [g.amount for g in gifts]
    shares = [i for i, g in enumerate(gifts) if g.amount is None]
    if total is None or not shares:
        return amounts
    rest = total - sum((a for a in amounts if a is not None), Decimal(0))
    weight = sum(gifts[i].weight for i in shares)
    for i in shares:
        step = gifts[i].step
        share = (rest * Decimal(gifts[i].weight / weight) / step).to_integral_value() * step
        amounts[i] = max(step, share).quantize(CENT)
    largest = max(shares, key=lambda i: amounts[i])
    amounts[largest] += total - sum(amounts)
    if amounts[largest] <= 0:
        raise ValueError(f"Cannot share {rest} among {len(shares)} gifts.")
    return amounts


def copy_donation(original: Donation, **changes) -> Donation:
    """An unsaved donation with the original's fields, except ``changes``."""
    names = [
        "branch", "region_code", "donor", "campaign", "kind", "amount", "in_kind_description",
        "channel", "received_on", "designated", "designation", "matching", "note",
    ]  # fmt: skip
    return Donation(**({name: getattr(original, name) for name in names} | changes))


class DonationsMixin:
    """Donors, gifts and donations for ``Funds``: amounts drawn, totals kept exact."""

    # Set by Funds.__init__.
    rng: random.Random
    people: People
    tree: RegionTree
    plan: Plan
    pools: dict[tuple[str, str], list[Donor]]

    # donors --------------------------------------------------------------------------------

    def donor(self, kind: str | None, branch: Branch) -> Donor | None:
        """A donor near the branch: a known one again, or a new one registered there."""
        if kind is None:
            return None
        code = TIANYU if branch.region_id == TIANYU else branch.region_id[:6]
        pool = self.pools[(code, kind)]
        cap = {DonorKind.INDIVIDUAL: 40, DonorKind.ENTERPRISE: 15, MATCHING: 1}.get(kind, 4)
        if pool and (len(pool) >= cap or self.rng.random() < 0.3):
            return self.rng.choice(pool)
        donor = self.new_donor(kind, code)
        pool.append(donor)
        self.plan.donors.append(donor)
        return donor

    def new_donor(self, kind: str, code: str) -> Donor:
        place = self.tree.places[code].name
        if kind == DonorKind.INDIVIDUAL:
            person = self.people.person(self.tree.county_of(code))
            phone = person["phone"] if self.rng.random() < 0.7 else ""
            return Donor(
                kind=kind,
                name=person["name"],
                region_id=code,
                identifier=person["id_number"],
                phone=phone,
            )
        names = {
            MATCHING: MATCHING_DONOR,
            DonorKind.CHAMBER: f"{place}{self.rng.choice(CHAMBER_ORIGINS)}商会",
            DonorKind.ORGANIZATION: f"{place}{self.rng.choice(ORGANIZATIONS)}",
        }
        return Donor(
            kind=DonorKind.ORGANIZATION if kind == MATCHING else kind,
            name=names.get(kind) or self.people.company(place),
            region_id=code,
            phone=self.people.landline(code),
            address=place,
        )

    # donations -----------------------------------------------------------------------------

    def flow(self, total: Decimal | None, gifts: list[Gift], campaign=None, *, mistakes=0) -> None:
        """Donations for ``gifts`` summing exactly to ``total`` net; ``mistakes`` get reversed."""
        amounts = allocate(total, gifts)
        donations = [self.donation(g, a, campaign) for g, a in zip(gifts, amounts, strict=True)]
        self.plan.donations += donations
        for original in self.rng.sample(donations, min(mistakes, len(donations))):
            self.mistake(original)

    def donation(self, gift: Gift, amount: Decimal, campaign: Campaign | None) -> Donation:
        goods = ""
        if gift.goods:
            name, unit, value = gift.goods
            goods = f"{name}{max(1, int(amount / value)):,}{unit}"
        return Donation(
            branch=gift.branch,
            region_code=gift.branch.region_id,
            donor=self.donor(gift.donor, gift.branch),
            campaign=campaign,
            kind=DonationKind.IN_KIND if gift.goods else DonationKind.CASH,
            amount=amount,
            in_kind_description=goods,
            channel=gift.channel,
            received_on=gift.on,
            designated=bool(gift.designation),
            designation=gift.designation,
            matching=gift.matching,
            note=gift.note,
        )

    def mistake(self, original: Donation) -> None:
        """A wrong entry beside the right one (a typo or a duplicate) and its reversal entry."""
        typo = original.kind == DonationKind.CASH and self.rng.random() < 0.5
        wrong = copy_donation(original, amount=original.amount * (10 if typo else 1))
        year_end = Date(original.received_on.year, 12, 31)
        fixed_on = min(original.received_on + datetime.timedelta(self.rng.randint(0, 5)), year_end)
        reason = REVERSAL_REASONS[1] if typo else self.rng.choice(REVERSAL_REASONS[::2])
        reversal = copy_donation(
            wrong,
            amount=-wrong.amount,
            reverses=wrong,
            reversal_kind=ReversalKind.REFUND,
            reason=reason,
            received_on=fixed_on,
        )
        self.plan.donations.append(wrong)
        self.plan.reversals.append(reversal)

    def number_receipts(self) -> None:
        """Receipt numbers DEMO-<year>-<n>, in date order within each year."""
        entries = self.plan.donations + self.plan.reversals
        counters: dict[int, int] = defaultdict(int)
        for i in sorted(range(len(entries)), key=lambda i: (entries[i].received_on, i)):
            year = entries[i].received_on.year
            counters[year] += 1
            entries[i].receipt_no = f"DEMO-{year}-{counters[year]:06d}"

    # gifts -----------------------------------------------------------------------------------

    def giving_day_gifts(self, branch: Branch, year: int, weight: float, enterprise=True):
        """Three days of online batches, the platform's matching funds, maybe an enterprise."""
        gifts = [
            Gift(branch, Date(year, 9, day), None, DonationChannel.ONLINE,
                 weight=weight * self.rng.lognormvariate(0, 0.5),
                 note=f"99公益日网络筹款（9月{day}日）")
            for day in (7, 8, 9)
        ]  # fmt: skip
        gifts.append(
            Gift(branch, Date(year, 9, 9), MATCHING, DonationChannel.ONLINE,
                 weight=weight * 0.6, matching=True, note="99公益日配捐")
        )  # fmt: skip
        if enterprise and self.rng.random() < 0.5:
            amount = Decimal(self.rng.choice([10_000, 20_000, 30_000, 50_000, 100_000]))
            on = Date(year, 9, self.rng.randint(7, 9))
            gifts.append(
                Gift(branch, on, DonorKind.ENTERPRISE, DonationChannel.BANK, amount=amount,
                     designation=self.designation(0.3))
            )  # fmt: skip
        return gifts

    def general_gifts(self, branches, weights, span: tuple[Date, Date], n: int, note=""):
        """``n`` gifts: a few major ones sharing most of the total, many regular and small."""
        gifts = []
        for index in range(n):
            branch = self.rng.choices(branches, weights)[0]
            draw = 0.0 if index == 0 else self.rng.random()  # at least one major gift
            gifts.append(self.sized_gift(branch, day_between(self.rng, *span), draw, note))
        return gifts

    def sized_gift(self, branch: Branch, on: Date, draw: float, note: str) -> Gift:
        if draw < 0.15:
            kinds = [DonorKind.ENTERPRISE, DonorKind.CHAMBER, DonorKind.ORGANIZATION]
            donor = self.rng.choices([*kinds, DonorKind.INDIVIDUAL], [60, 15, 20, 5])[0]
            weight = self.rng.lognormvariate(0, 1)
            return Gift(branch, on, donor, DonationChannel.BANK, weight=weight,
                        step=Decimal(1000), designation=self.designation(0.2), note=note)  # fmt: skip
        if draw < 0.55:
            kinds = [DonorKind.INDIVIDUAL, DonorKind.ENTERPRISE, DonorKind.ORGANIZATION]
            donor = self.rng.choices(kinds, [50, 40, 10])[0]
            amount = self.rng.choice([1000, 2000, 3000, 5000, 8000, 10000, 20000])
            channel = self.rng.choice([DonationChannel.BANK, DonationChannel.CASH])
        else:
            donor = DonorKind.INDIVIDUAL if self.rng.random() < 0.75 else None
            amount = self.rng.choice([50, 100, 200, 300, 500, 800, 1000])
            channel = self.rng.choice([DonationChannel.CASH, DonationChannel.ONLINE])
        return Gift(branch, on, donor, channel, amount=Decimal(amount), note=note)

    def goods_gifts(self, branches, span: tuple[Date, Date], n: int, catalog: str, note=""):
        kinds = [
            DonorKind.ENTERPRISE,
            DonorKind.CHAMBER,
            DonorKind.ORGANIZATION,
            DonorKind.INDIVIDUAL,
        ]
        return [
            Gift(self.rng.choice(branches), day_between(self.rng, *span),
                 self.rng.choices(kinds, [50, 20, 15, 15])[0], DonationChannel.GOODS,
                 weight=self.rng.lognormvariate(0, 1), step=Decimal(100),
                 goods=self.rng.choice(GOODS[catalog]), note=note)
            for _n in range(n)
        ]  # fmt: skip

    def designation(self, chance: float) -> str:
        return f"定向用于{self.rng.choice(DESIGNATIONS)}" if self.rng.random() < chance else ""

    def thousands(self, low: int, high: int) -> Decimal:
        """A drawn total in whole thousands of yuan, from ``low`` to ``high`` thousand."""
        return Decimal(self.rng.randrange(low, high) * 1000)
