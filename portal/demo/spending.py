"""Funds and spendings: every planned donation goes to its branch's default fund, and Ji'an's
branches spend on named projects, aid and some administrative costs out of them.

Drawn after every donation, from the builder's random source, so the donations (and the
figures the seed publishes) are those drawn before."""

import random
from collections import defaultdict
from decimal import ROUND_DOWN, Decimal

from funds.choices import CampaignKind, DonationKind, FundKind, SpendingCategory
from funds.models import Campaign, Donation, Fund, Spending
from funds.rules import default_fund
from orgs.choices import BranchKind
from orgs.models import Branch
from portal.demo.facts import CITY, YEARS, Date
from portal.demo.plan import Plan

CENT = Decimal("0.01")
#: The share of a designated fund's money its project spends in the year it was raised.
PROJECT_SHARE = (0.55, 0.85)
#: The shares of an unrestricted fund's money spent on aid and on administrative costs.
AID_SHARE, ADMINISTRATIVE_SHARE = (0.3, 0.6), (0.03, 0.09)
#: The Ji'an branches that spend: the city, the counties and 天玉镇.
SPENDING_KINDS = (BranchKind.CITY, BranchKind.COUNTY)
PAYEES = {
    SpendingCategory.PROJECT: ("项目执行点", "实施项目"),
    SpendingCategory.AID: ("困难群众", "临时救助金"),
    SpendingCategory.PURCHASE: ("医疗物资供应商", "采购防疫物资"),
    SpendingCategory.ADMINISTRATIVE: ("本会", "办公及宣传费用"),
}


class Spender:
    """Opens the funds the donations go to and plans the spendings out of them."""

    def __init__(self, *, rng: random.Random, plan: Plan, tianyu: Branch | None):
        self.rng, self.plan, self.tianyu = rng, plan, tianyu
        self.funds: dict[tuple[int, int | None], Fund] = {}
        # Cash received per fund and year, net of reversal entries.
        self.received: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))

    def spend_all(self) -> None:
        for donation in [*self.plan.donations, *self.plan.reversals]:
            donation.fund = self.fund_of(donation)
        for fund in self.plan.funds:
            if self.spends(fund.branch):
                self.spend(fund)

    def fund_of(self, donation: Donation) -> Fund:
        """The donation's default fund (``funds.rules.default_fund``), planned on first use."""
        campaign: Campaign | None = donation.campaign
        key = (id(donation.branch), id(campaign) if campaign else None)
        fund = self.funds.get(key)
        if fund is None:
            kind, _campaign = default_fund(campaign_id=key[1])
            fund = Fund(
                branch=donation.branch,
                region_code=donation.branch.region_id,
                kind=kind,
                campaign=campaign,
                project=campaign.name if campaign else "",
            )
            self.funds[key] = fund
            self.plan.funds.append(fund)
        if donation.kind == DonationKind.CASH:
            self.received[id(fund)][donation.received_on.year] += donation.amount
        return fund

    def spends(self, branch: Branch) -> bool:
        """Ji'an's city and county branches and 天玉镇 spend; other branches only raise."""
        in_jian = branch.region_id.startswith(CITY)
        return in_jian and (branch.kind in SPENDING_KINDS or branch is self.tianyu)

    def spend(self, fund: Fund) -> None:
        """Each year, part of what came in that year: a designated fund on its project (a
        purchase of goods for the COVID-19 appeal), the unrestricted fund on aid and on
        administrative costs."""
        for year in YEARS:
            received = self.received[id(fund)][year]
            if received <= 0:
                continue
            if fund.kind == FundKind.DESIGNATED:
                category = SpendingCategory.PROJECT
                if fund.campaign.kind == CampaignKind.EMERGENCY:
                    category = SpendingCategory.PURCHASE
                self.pay(fund, received, PROJECT_SHARE, category, Date(year, 11, 20))
            else:
                self.pay(fund, received, AID_SHARE, SpendingCategory.AID, Date(year, 10, 15))
                share = ADMINISTRATIVE_SHARE
                self.pay(fund, received, share, SpendingCategory.ADMINISTRATIVE, Date(year, 12, 10))

    def pay(self, fund: Fund, received: Decimal, shares, category: str, spent_on: Date) -> None:
        share = Decimal(str(round(self.rng.uniform(*shares), 4)))
        amount = (received * share).quantize(CENT, rounding=ROUND_DOWN)
        if amount <= 0:
            return
        payee, purpose = PAYEES[category]
        number = len(self.plan.spendings) + 1
        self.plan.spendings.append(
            Spending(
                fund=fund,
                branch=fund.branch,
                region_code=fund.branch.region_id,
                spent_on=spent_on,
                amount=amount,
                category=category,
                project=fund.project,
                payee=payee
                if category == SpendingCategory.ADMINISTRATIVE
                else f"{fund.branch.name}{payee}",
                purpose=f"{fund.project or fund.branch.name}：{purpose}",
                voucher_no=f"DEMO-ZC-{spent_on.year}-{number:05d}",
            )
        )
