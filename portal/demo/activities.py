"""Branch life in the demo: what the default standard requires, and a year of activities of
Ji'an's township branches, with the gaps real ledgers have (some branches keep every theme
day, weak ones skip most; some entries come in weeks late); and the rectification of weak
branches: one case accepted, one overdue, one in progress."""

import datetime
import random
from datetime import date as Date

from life.choices import RectificationSource, RequirementFrequency
from life.models import (
    Activity,
    ActivityKind,
    RectificationCase,
    RectificationProgress,
    Requirement,
)
from life.rules import is_late, periods
from orgs.choices import BranchKind, BranchRating, BranchStatus
from orgs.models import Branch, Standard
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
PLACES = ["镇政府会议室", "红十字会办公室", "村委会活动室", "新时代文明实践站", "镇卫生院"]
SUMMARIES = {
    "主题活动日": "开展“博爱家园”主题活动，宣传应急救护知识",
    "理事会": "传达上级红十字会会议精神，研究部署季度工作",
    "培训": "组织会员和志愿者开展业务培训",
    "会员代表大会": "审议年度工作报告，选举增补理事",
    "服务活动": "走访慰问困难群众",
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
    ):
        self.rng, self.plan, self.standard, self.kinds = rng, plan, standard, kinds
        self.required = required

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

    def rectify(self) -> None:
        """Two weak township branches of Ji'an under rectification (one past its deadline,
        one within it), and an ordinary one whose rectification was accepted."""
        townships = [
            b
            for b in self.plan.branches
            if self._keeps_a_ledger(b) and b.status == BranchStatus.ACTIVE
        ]
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

    @staticmethod
    def _keeps_a_ledger(branch: Branch) -> bool:
        return (
            branch.kind == BranchKind.TOWNSHIP
            and branch.region_id.startswith(CITY)
            and branch.status in (BranchStatus.ACTIVE, BranchStatus.DORMANT)
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
