"""The plan: the unsaved records of the demo set, in the order they are written."""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import models

from funds.models import Campaign, Donation, Donor, Fund, Spending
from life.models import (
    Activity,
    CommunityRequest,
    Evaluation,
    EvaluationCampaign,
    EvaluationDecision,
    RectificationCase,
    RectificationProgress,
    Requirement,
)
from members.models import (
    Member,
    MembershipEvent,
    Position,
    ServiceRecord,
    Volunteer,
    VolunteerTeam,
)
from orgs.models import Assessment, Branch


@dataclass
class Plan:
    """Unsaved records of the demo set; ``batches()`` gives them in the order they are written."""

    branch_tiers: list[list[Branch]] = field(default_factory=lambda: [[] for _n in range(5)])
    members: list[Member] = field(default_factory=list)
    events: list[MembershipEvent] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    teams: list[VolunteerTeam] = field(default_factory=list)
    volunteers: list[Volunteer] = field(default_factory=list)
    records: list[ServiceRecord] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    assessment_items: list[models.Model] = field(default_factory=list)
    donors: list[Donor] = field(default_factory=list)
    campaign_tiers: list[list[Campaign]] = field(default_factory=lambda: [[], []])
    funds: list[Fund] = field(default_factory=list)
    donations: list[Donation] = field(default_factory=list)
    reversals: list[Donation] = field(default_factory=list)
    spendings: list[Spending] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    rectifications: list[RectificationCase] = field(default_factory=list)
    rectification_progress: list[RectificationProgress] = field(default_factory=list)
    evaluation_campaigns: list[EvaluationCampaign] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    evaluation_items: list[models.Model] = field(default_factory=list)
    decisions: list[EvaluationDecision] = field(default_factory=list)
    corrections: list[EvaluationDecision] = field(default_factory=list)
    requests: list[CommunityRequest] = field(default_factory=list)

    def batches(self) -> Iterator[tuple[type[models.Model], list]]:
        """(model, records) in dependency order: a record's parents are written before it."""
        for tier in self.branch_tiers:
            yield Branch, tier
        yield Member, self.members
        yield MembershipEvent, self.events
        yield Position, self.positions
        yield VolunteerTeam, self.teams
        yield Volunteer, self.volunteers
        yield ServiceRecord, self.records
        yield Assessment, self.assessments
        yield Assessment.items_met.through, self.assessment_items
        yield Donor, self.donors
        for tier in self.campaign_tiers:
            yield Campaign, tier
        yield Fund, self.funds
        yield Donation, self.donations
        yield Donation, self.reversals  # after the entries they reverse
        yield Spending, self.spendings  # after the money they pay out
        yield Requirement, self.requirements
        yield Activity, self.activities
        yield RectificationCase, self.rectifications
        yield RectificationProgress, self.rectification_progress
        yield EvaluationCampaign, self.evaluation_campaigns
        yield Evaluation, self.evaluations
        yield Evaluation.items_met.through, self.evaluation_items
        yield EvaluationDecision, self.decisions
        yield EvaluationDecision, self.corrections  # after the decisions they correct
        yield CommunityRequest, self.requests

    @property
    def branches(self) -> list[Branch]:
        return [branch for tier in self.branch_tiers for branch in tier]

    def fingerprint(self) -> str:
        """A digest of every planned value: equal plans have equal fingerprints (no query)."""
        digest = hashlib.sha256()
        for model, rows in self.batches():
            fields = [f for f in model._meta.concrete_fields if f.name not in _UNPLANNED]
            for row in rows:
                digest.update(repr([_planned_value(row, f) for f in fields]).encode())
        return digest.hexdigest()


_UNPLANNED = {"id", "created_at", "updated_at"}


def _planned_value(row: models.Model, model_field: models.Field):
    """A field's value; for a link to another planned (unsaved) record, that record's text."""
    value = getattr(row, model_field.attname)
    if value is None and model_field.is_relation and model_field.is_cached(row):
        return str(model_field.get_cached_value(row))
    return value
