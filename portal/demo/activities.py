"""Branch life in the demo: what the default standard requires, and a year of activities of
Ji'an's township branches, with the gaps real ledgers have (some branches keep every theme
day, weak ones skip most; some entries come in weeks late); the rectification of weak
branches: one case accepted, one overdue, one in progress; and the annual evaluation of the
last two years, rated and published, with this year's open in one county."""

import datetime
import random
from datetime import date as Date

from life.choices import (
    EvaluationRating,
    EvaluationScale,
    RectificationSource,
    RequirementFrequency,
)
from life.models import (
    Activity,
    ActivityKind,
    Evaluation,
    EvaluationCampaign,
    EvaluationDecision,
    RectificationCase,
    RectificationProgress,
    Requirement,
)
from life.rules import PERIOD_MONTHS, is_late, periods
from orgs.choices import BranchKind, BranchRating, BranchStatus, RegionLevel
from orgs.models import Branch, Standard, StandardItem
from portal.demo.facts import CITY, day_between
from portal.demo.plan import Plan

#: The year of the demo ledgers.
YEAR = 2025
#: What the demo's default standard requires: (kind, frequency, at least per period).
REQUIRED = [
    ("主题活动日", RequirementFrequency.MONTHLY, 1),
    ("理事会", RequirementFrequency.QUARTERLY, 1),
    ("培训", RequirementFrequency.QUARTERLY, 1),
    ("会员代表大会", RequirementFrequency.YEARLY, 1),
]
#: The activities a branch present all year owes of them.
REQUIRED_A_YEAR = sum(
    minimum * 12 // PERIOD_MONTHS[frequency] for _n, frequency, minimum in REQUIRED
)
PLACES = ["镇政府会议室", "红十字会办公室", "村委会活动室", "新时代文明实践站", "镇卫生院"]
SUMMARIES = {
    "主题活动日": "开展“博爱家园”主题活动，宣传应急救护知识",
    "理事会": "传达上级红十字会会议精神，研究部署季度工作",
    "培训": "组织会员和志愿者开展业务培训",
    "会员代表大会": "审议年度工作报告，选举增补理事",
    "服务活动": "走访慰问困难群众",
}


#: The county whose campaign of this year is open in the demo (青原区).
QINGYUAN = "360803"
SELF_ASSESSMENT = "全年按要求开展主题活动日和理事会，组织会员和志愿者培训，台账齐全。"
COMMENTS = {
    EvaluationRating.STARS_5: "组织健全，活动经常，台账规范，示范作用明显",
    EvaluationRating.STARS_4: "各项工作开展较好，台账基本齐全",
    EvaluationRating.STARS_3: "基本达到要求，部分季度活动缺失",
    EvaluationRating.STARS_2: "活动开展不经常，台账不全，需加强",
    EvaluationRating.STARS_1: "班子不健全，组织生活不正常，列为软弱涣散组织限期整顿",
}


class Activities:
    """Plans the requirements (when the standard has none) and the year of activities."""

    def __init__(
        self,
        *,
        rng: random.Random,
        plan: Plan,
        standard: Standard | None,
        kinds: dict[str, ActivityKind],
        required: bool,
        items: list[StandardItem] = (),
    ):
        self.rng, self.plan, self.standard, self.kinds = rng, plan, standard, kinds
        self.required, self.items = required, list(items)

    def hold_all(self) -> None:
        if self.standard is None or not all(name in self.kinds for name, *_ in REQUIRED):
            return
        if not self.required:
            for name, frequency, minimum in REQUIRED:
                self.plan.requirements.append(
                    Requirement(
                        standard=self.standard,
                        kind=self.kinds[name],
                        frequency=frequency,
                        minimum=minimum,
                    )
                )
        for branch in self.plan.branches:
            if self._keeps_a_ledger(branch):
                self.ledger(branch, diligence=self._diligence(branch))
        self.rectify()
        self.evaluate()

    def rectify(self) -> None:
        """Two weak township branches of Ji'an under rectification (one past its deadline,
        one within it), and an ordinary one whose rectification was accepted."""
        townships = [b for b in self.plan.branches if self._rated(b)]
        weak = [b for b in townships if b.rating == BranchRating.WEAK][:2]
        ordinary = [b for b in townships if b.rating == BranchRating.NORMAL][:1]
        cases = [
            # (branch, opened, deadline, accepted, source, progress notes)
            *[
                (b, Date(YEAR, 3, 1), Date(YEAR, 9, 30), Date(YEAR, 9, 20), "evaluation")
                for b in ordinary
            ],
            *[
                (b, Date(YEAR + 1, 3, 2), Date(YEAR + 1, 9, 30), None, "evaluation")
                for b in weak[:1]
            ],
            *[
                (b, Date(YEAR + 1, 10, 15), Date(YEAR + 2, 3, 31), None, "by_hand")
                for b in weak[1:]
            ],
        ]
        for branch, opened, deadline, accepted, source in cases:
            case = RectificationCase(
                branch=branch,
                source=RectificationSource(source),
                opened_on=opened,
                problems="班子成员长期空缺，组织生活不正常，活动台账缺失",
                measures="补齐理事会成员，按月开展主题活动日，规范台账管理",
                responsible="王建国",
                deadline=deadline,
                closed_on=accepted,
                evidence="理事会已补选到位，连续六个月按时开展主题活动，台账齐全"
                if accepted
                else "",
            )
            self.plan.rectifications.append(case)
            for months, note in ((1, "召开整改动员会，制定整改方案"), (3, "补选理事 2 名")):
                day = Date(
                    opened.year + (opened.month + months - 1) // 12,
                    (opened.month + months - 1) % 12 + 1,
                    10,
                )
                if day <= (accepted or Date(YEAR + 1, 12, 1)):
                    self.plan.rectification_progress.append(
                        RectificationProgress(case=case, recorded_on=day, note=note)
                    )

    def evaluate(self) -> None:
        """Each county of Ji'an rates its township branches in the last two years (five stars
        for the model ones, one for the weak, between for the rest), one rating corrected;
        this year 青原区's campaign is open, half its self-assessments waiting for review."""
        townships = [b for b in self.plan.branches if self._rated(b)]
        counties = sorted({b.region_id[:6] for b in townships})
        required = {self.kinds[name].pk for name, *_ in REQUIRED}
        self._held: dict[int, int] = {}
        for activity in self.plan.activities:
            if activity.kind.pk in required:
                key = id(activity.branch)
                self._held[key] = self._held.get(key, 0) + 1
        corrected = False
        for year in (YEAR - 1, YEAR, YEAR + 1):
            for county in counties if year <= YEAR else [QINGYUAN]:
                campaign = EvaluationCampaign(
                    year=year,
                    region_id=county,
                    level=RegionLevel.TOWNSHIP,
                    standard=self.standard,
                    scale=EvaluationScale.STARS,
                    self_assessment_due=Date(year, 12, 20),
                )
                self.plan.evaluation_campaigns.append(campaign)
                for n, branch in enumerate(b for b in townships if b.region_id[:6] == county):
                    if year > YEAR and n % 2:
                        submitted = None  # not yet
                    else:
                        submitted = Date(year, 12, 10) if year <= YEAR else Date(year, 11, 20)
                    rating = self._rating(branch, year) if year <= YEAR else ""
                    evaluation = self._evaluation(campaign, branch, submitted, rating)
                    if not rating:
                        continue
                    published = Date(year + 1, 1, 20)
                    decision = EvaluationDecision(
                        evaluation=evaluation,
                        rating=rating,
                        comment=COMMENTS[rating],
                        published_on=published,
                    )
                    self.plan.decisions.append(decision)
                    if not corrected and year == YEAR and rating == EvaluationRating.STARS_3:
                        corrected = True
                        evaluation.rating = EvaluationRating.STARS_4
                        self.plan.corrections.append(
                            EvaluationDecision(
                                evaluation=evaluation,
                                rating=EvaluationRating.STARS_4,
                                comment=COMMENTS[EvaluationRating.STARS_4],
                                reason="复核时补充了第四季度的理事会和培训台账",
                                corrects=decision,
                                published_on=published + datetime.timedelta(days=21),
                            )
                        )

    def _rating(self, branch: Branch, year: int) -> str:
        """The model branches five stars, the weak one (two the year before); the others by
        the share of the year's required activities they held (a draw the year before)."""
        if branch.rating == BranchRating.WEAK:
            return EvaluationRating.STARS_1 if year == YEAR else EvaluationRating.STARS_2
        if branch.rating == BranchRating.MODEL:
            return EvaluationRating.STARS_5
        if year == YEAR:
            share = self._held.get(id(branch), 0) / REQUIRED_A_YEAR
            if share >= 0.85:
                return EvaluationRating.STARS_4
            return EvaluationRating.STARS_3 if share >= 0.6 else EvaluationRating.STARS_2
        return self.rng.choice(
            [EvaluationRating.STARS_4] * 5 + [EvaluationRating.STARS_3] * 4
            + [EvaluationRating.STARS_2]
        )  # fmt: skip

    def _evaluation(self, campaign, branch, submitted, rating) -> Evaluation:
        met = len(self.items) if rating in ("stars_5", "stars_4") else self.rng.randint(2, 4)
        evaluation = Evaluation(
            campaign=campaign,
            branch=branch,
            met_count=min(met, len(self.items)) if submitted else 0,
            item_count=len(self.items),
            self_assessment=SELF_ASSESSMENT if submitted else "",
            submitted_on=submitted,
            rating=rating,
        )
        self.plan.evaluations.append(evaluation)
        if submitted:
            self.plan.evaluation_items.extend(
                Evaluation.items_met.through(evaluation=evaluation, standarditem=item)
                for item in self.items[: evaluation.met_count]
            )
        return evaluation

    @staticmethod
    def _keeps_a_ledger(branch: Branch) -> bool:
        """Every branch of Ji'an the standard asks activities of: active or dormant."""
        return branch.region_id.startswith(CITY) and branch.status in (
            BranchStatus.ACTIVE,
            BranchStatus.DORMANT,
        )

    @classmethod
    def _rated(cls, branch: Branch) -> bool:
        """The active township branches of Ji'an, which their counties rate each year."""
        return (
            branch.kind == BranchKind.TOWNSHIP
            and cls._keeps_a_ledger(branch)
            and branch.status == BranchStatus.ACTIVE
        )

    def _diligence(self, branch: Branch) -> float:
        """The share of its required activities a branch holds: most keep up, weak and
        dormant ones hold few."""
        if branch.status == BranchStatus.DORMANT or branch.rating == BranchRating.WEAK:
            return self.rng.uniform(0.1, 0.4)
        if branch.rating == BranchRating.MODEL:
            return 1.0
        return self.rng.choice([1.0, 1.0, 0.95, 0.9, 0.8, 0.6])

    def ledger(self, branch: Branch, *, diligence: float) -> None:
        start = max(Date(YEAR, 1, 1), branch.founded_on or Date(YEAR, 1, 1))
        for name, frequency, _minimum in REQUIRED:
            for period in periods(frequency, start, Date(YEAR, 12, 31)):
                if self.rng.random() < diligence:
                    self.activity(
                        branch, name, day_between(self.rng, max(period.start, start), period.end)
                    )
        if self.rng.random() < diligence:  # a service activity or two beyond the requirements
            self.activity(branch, "服务活动", day_between(self.rng, start, Date(YEAR, 12, 31)))

    def activity(self, branch: Branch, kind: str, held_on: Date) -> None:
        # Most are entered within the week; one in eight weeks or months later.
        delay = self.rng.randint(0, 7) if self.rng.random() > 0.125 else self.rng.randint(20, 90)
        entered_on = held_on + datetime.timedelta(days=delay)
        late_after = self.standard.late_after_days
        self.plan.activities.append(
            Activity(
                branch=branch,
                kind=self.kinds[kind],
                held_on=held_on,
                place=self.rng.choice(PLACES),
                members_present=self.rng.randint(8, 60),
                volunteers_present=self.rng.randint(0, 20),
                summary=SUMMARIES[kind],
                late=is_late(held_on=held_on, entered_on=entered_on, late_after_days=late_after),
            )
        )
