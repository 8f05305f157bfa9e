"""Campaigns and what is raised each year: Ji'an's reported figures, other cities, the province."""

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from funds.choices import CampaignKind, DonationChannel, DonorKind
from funds.models import Campaign, Donor
from orgs.choices import BranchKind, BranchStatus
from orgs.models import Branch
from portal.demo.facts import (
    CITY,
    JIAN_CASH_2019,
    JIAN_COVID,
    JIAN_GIVING_DAY,
    MASK,
    PROVINCE,
    SCHOOL_AID,
    TANGWEI,
    TIANYU,
    TIANYU_COVID_CASH,
    TIANYU_GIVING_DAY_2020,
    TIANYU_MASKS,
    YEARS,
    Date,
    day_between,
)
from portal.demo.money import DonationsMixin, Gift

if TYPE_CHECKING:
    from portal.demo.builder import Builder


class Funds(DonationsMixin):
    """Campaigns, donors and donations: the reported figures exactly, the rest drawn."""

    def __init__(self, builder: "Builder"):
        self.rng, self.people, self.tree = builder.rng, builder.people, builder.tree
        self.plan, self.tianyu = builder.plan, builder.tianyu
        self.active = [b for b in self.plan.branches if b.status == BranchStatus.ACTIVE]
        self.pools: dict[tuple[str, str], list[Donor]] = defaultdict(list)
        self.giving_days: dict[tuple[str, int], Campaign] = {}
        self.projects: dict[str, Campaign] = {}
        self.covid: Campaign | None = None

    def raise_all(self) -> None:
        self.campaigns()
        cities = [p.code for p in self.tree.under(PROVINCE, 4) if p.code != CITY]
        for year in YEARS:
            self.jian_year(year)
            for city in cities:
                self.city_year(city, year)
            self.province_year(year)
        self.number_receipts()

    def of_kind(self, kind: str, prefix: str) -> list[Branch]:
        """Active branches of ``kind`` below region ``prefix``."""
        return [b for b in self.active if b.kind == kind and b.region_id.startswith(prefix)]

    def year_span(self, year: int) -> tuple[Date, Date]:
        return Date(year, 1, 1), Date(year, 12, 31)

    # campaigns ----------------------------------------------------------------------------

    def campaign(self, name: str, kind: str, region: str, starts: Date, **fields) -> Campaign:
        campaign = Campaign(name=name, kind=kind, region_id=region, starts_on=starts, **fields)
        self.plan.campaign_tiers[0 if fields.get("parent") is None else 1].append(campaign)
        return campaign

    def campaigns(self) -> None:
        """99 Giving Day each year (Jiangxi, with Ji'an's part), COVID-19, Tianyu's projects."""
        for year in YEARS:
            self.giving_day(year)
        self.covid = self.campaign(
            "新冠肺炎疫情防控募捐",
            CampaignKind.EMERGENCY,
            CITY,
            Date(2020, 1, 25),
            ends_on=Date(2020, 4, 30),
            description="吉安市红十字会接收抗击新冠肺炎疫情社会捐赠（款物）",
        )
        projects = [
            (TANGWEI, Date(2019, 6, 1), 200_000, "为塘尾村高龄、空巢老人提供爱心午餐"),
            (SCHOOL_AID, Date(2019, 8, 15), 300_000, "资助天玉镇家庭困难的师生"),
        ]
        for name, starts, target, text in projects:
            self.projects[name] = self.campaign(
                name, CampaignKind.PROJECT, TIANYU, starts,
                target_amount=Decimal(target), description=text,
            )  # fmt: skip

    def giving_day(self, year: int) -> None:
        """The province's 99 Giving Day of ``year`` and Ji'an's part of it."""
        days = {"ends_on": Date(year, 9, 9), "kind": CampaignKind.GIVING_DAY}
        root = self.campaign(
            f"{year}年99公益日", region=PROVINCE, starts=Date(year, 9, 7), **days,
            target_amount=Decimal(self.rng.randrange(30, 80) * 1_000_000),
            description="腾讯公益“99公益日”江西省红十字会联合募捐",
        )  # fmt: skip
        self.giving_days[(PROVINCE, year)] = root
        self.giving_days[(CITY, year)] = self.campaign(
            f"{year}年99公益日（吉安市）", region=CITY, starts=Date(year, 9, 7), **days,
            parent=root, target_amount=Decimal(self.rng.randrange(5, 15) * 1_000_000),
            description="吉安市红十字会99公益日网络募捐",
        )  # fmt: skip

    # Ji'an ---------------------------------------------------------------------------------

    def jian_branches(self, *, without_tianyu=False) -> tuple[list[Branch], list[float]]:
        """Ji'an's city, county and township branches, weighted by how much they raise."""
        counties = self.of_kind(BranchKind.COUNTY, CITY)
        townships = self.of_kind(BranchKind.TOWNSHIP, CITY)
        if without_tianyu:
            townships.remove(self.tianyu)
        branches = self.of_kind(BranchKind.CITY, CITY) + counties + townships
        return branches, [8.0] + [2.0] * len(counties) + [0.15] * len(townships)

    def jian_year(self, year: int) -> None:
        """Ji'an's 99 Giving Day, Tianyu's projects, general gifts, goods and (2020) COVID-19."""
        giving_day = JIAN_GIVING_DAY.get(year) or self.thousands(6_000, 16_000)
        if year == 2020:
            giving_day -= self.tianyu_giving_day_2020()
        gifts = self.jian_giving_day_gifts(year)
        self.flow(giving_day, gifts, self.giving_days[(CITY, year)], mistakes=2)
        projects = self.tianyu_projects(year)
        general = JIAN_CASH_2019 - JIAN_GIVING_DAY[2019] - projects
        if year > 2019:
            general = self.thousands(8_000, 20_000)
        branches, weights = self.jian_branches()
        span = self.year_span(year)
        self.flow(general, self.general_gifts(branches, weights, span, 220), mistakes=3)
        if year == 2020:
            self.covid_appeal()
        if year > 2019:  # the reported 2019 total is money only
            goods = self.goods_gifts(branches, span, 20, "relief")
            self.flow(self.thousands(300, 2_000), goods)

    def jian_giving_day_gifts(self, year: int) -> list[Gift]:
        """The city, its 13 counties and 20 townships; Tianyu among them but in 2020 (its projects)."""
        townships = [t for t in self.of_kind(BranchKind.TOWNSHIP, CITY) if t is not self.tianyu]
        chosen = self.rng.sample(townships, 19) + ([self.tianyu] if year != 2020 else [])
        gifts = []
        for city in self.of_kind(BranchKind.CITY, CITY):
            gifts += self.giving_day_gifts(city, year, 3.0)
        for county in self.of_kind(BranchKind.COUNTY, CITY):
            gifts += self.giving_day_gifts(county, year, 1.5)
        for township in chosen:
            gifts += self.giving_day_gifts(township, year, 0.4, enterprise=False)
        return gifts

    def tianyu_giving_day_2020(self) -> Decimal:
        """Tianyu's two 99 Giving Day projects of 2020: 100,000+ yuan designated to them."""
        for project, total in TIANYU_GIVING_DAY_2020.items():
            gifts = [
                Gift(self.tianyu, Date(2020, 9, day), None, DonationChannel.ONLINE,
                     weight=self.rng.lognormvariate(0, 0.4), designation=project,
                     note=f"99公益日网络筹款（9月{day}日）")
                for day in (7, 8, 9)
            ]  # fmt: skip
            self.flow(total, gifts, self.giving_days[(CITY, 2020)])
        return sum(TIANYU_GIVING_DAY_2020.values(), Decimal(0))

    def tianyu_projects(self, year: int) -> Decimal:
        """Year-round gifts to Tianyu's named projects; returns their sum."""
        total = Decimal(0)
        kinds = [DonorKind.INDIVIDUAL, DonorKind.ENTERPRISE, None]
        for campaign in self.projects.values():
            start = max(campaign.starts_on, Date(year, 1, 1))
            gifts = [
                Gift(self.tianyu, day_between(self.rng, start, Date(year, 12, 31)),
                     self.rng.choices(kinds, [70, 20, 10])[0],
                     self.rng.choice([DonationChannel.BANK, DonationChannel.CASH]),
                     amount=Decimal(self.rng.choice([200, 500, 1000, 2000, 5000, 10000, 20000])))
                for _n in range(self.rng.randint(6, 14))
            ]  # fmt: skip
            self.flow(None, gifts, campaign)
            total += sum(g.amount for g in gifts)
        return total

    def covid_appeal(self) -> None:
        """70,139,000 yuan in money and goods; Tianyu's 330,000+ yuan and 7,000 masks within."""
        span, note = (Date(2020, 1, 25), Date(2020, 4, 30)), "抗击新冠肺炎疫情捐赠"
        goods_total = self.thousands(15_000, 22_000)
        branches, weights = self.jian_branches(without_tianyu=True)
        cash = self.general_gifts(branches, weights, span, 400, note)
        self.flow(JIAN_COVID - goods_total - TIANYU_COVID_CASH, cash, self.covid, mistakes=3)
        local = self.general_gifts([self.tianyu], [1.0], (span[0], Date(2020, 3, 15)), 30, note)
        self.flow(TIANYU_COVID_CASH, local, self.covid, mistakes=1)
        donors = (DonorKind.ENTERPRISE, DonorKind.INDIVIDUAL)
        masks = [
            Gift(self.tianyu, Date(2020, 2, day), donor, DonationChannel.GOODS, amount=value,
                 goods=MASK, note=note)
            for day, donor, value in zip((3, 9), donors, TIANYU_MASKS, strict=True)
        ]  # fmt: skip
        self.flow(None, masks, self.covid)
        goods = self.goods_gifts(branches, span, 150, "covid", note)
        self.flow(goods_total - sum(TIANYU_MASKS), goods, self.covid, mistakes=1)

    # elsewhere -------------------------------------------------------------------------------

    def city_year(self, city: str, year: int) -> None:
        """Another city: less on 99 Giving Day 2019 than Ji'an; general gifts and goods."""
        top = self.of_kind(BranchKind.CITY, city)
        counties, townships = (
            self.of_kind(BranchKind.COUNTY, city),
            self.of_kind(BranchKind.TOWNSHIP, city),
        )
        gifts = self.giving_day_gifts(top[0], year, 3.0)
        for county in counties:
            gifts += self.giving_day_gifts(county, year, 1.0, enterprise=False)
        for township in self.rng.sample(townships, min(3, len(townships))):
            gifts += self.giving_day_gifts(township, year, 0.4, enterprise=False)
        total = self.thousands(800, 4_600) if year == 2019 else self.thousands(1_500, 12_000)
        mistakes = self.rng.randint(0, 1)
        self.flow(total, gifts, self.giving_days[(PROVINCE, year)], mistakes=mistakes)
        branches = top + counties + townships
        weights = [5.0] + [2.0] * len(counties) + [0.2] * len(townships)
        general = self.general_gifts(branches, weights, self.year_span(year), 60)
        self.flow(self.thousands(3_000, 15_000), general, mistakes=self.rng.randint(0, 1))
        if year > 2019:
            catalog = "covid" if year == 2020 else "relief"
            goods = self.goods_gifts(branches, self.year_span(year), 8, catalog)
            self.flow(self.thousands(200, 3_000), goods)

    def province_year(self, year: int) -> None:
        """The province branch: its own 99 Giving Day drive and general gifts."""
        province = self.of_kind(BranchKind.PROVINCE, PROVINCE)
        gifts = self.giving_day_gifts(province[0], year, 1.0)
        self.flow(self.thousands(2_000, 8_000), gifts, self.giving_days[(PROVINCE, year)])
        general = self.general_gifts(province, [1.0], self.year_span(year), 40)
        self.flow(self.thousands(10_000, 40_000), general, mistakes=1)
