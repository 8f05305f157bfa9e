"""The importer of each kind: resolve a sheet's references, apply the domain rules, plan writes.

``plan(rows)`` runs a fixed number of queries whatever the number of rows and records what
to create and update (or the errors); ``write()`` saves the plan with ``bulk_create`` and
``bulk_update`` in batches, inside the caller's transaction. Donations and donors are
checked by the functions of ``funds.rules`` that the services call, fed each row's values;
the other records by the rules of their services and the models' constraints, with the
same messages. The database constraints stay the last line.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import in_scope
from core.fields import with_indexes
from core.regions import ancestor_codes
from core.services import constraint_message
from funds.choices import DonationKind, DonorKind, FundKind
from funds.models import Campaign, Donation, Donor, Fund, Spending
from funds.rules import (
    balance_errors,
    donor_identifier_errors,
    donor_identifier_in_use,
    new_donation_errors,
    new_spending_errors,
    receipt_no_in_use,
    voucher_no_in_use,
)
from funds.services import default_funds
from imports.engine import Row, RowError
from imports.resolve import Branches, BranchRef, Problem, Regions, Teams
from imports.specs import fund_kind_labels
from life.models import Activity, ActivityKind
from life.rules import held_on_errors, is_late
from life.services import LateAfterDays
from members.choices import MemberKind, MembershipEventKind, ServiceRecordStatus, VolunteerStatus
from members.models import Member, MembershipEvent, ServiceRecord, Volunteer
from members.rules import membership_errors, volunteer_active_errors
from orgs.choices import CODE_LENGTH, TERRITORIAL_KINDS, BranchRating, BranchStatus
from orgs.models import Branch
from orgs.rules import branch_open_errors

BATCH = 2000


class Importer:
    """Shared bookkeeping: errors by row and column, duplicates, planned creates and updates."""

    model = None
    #: Columns whose blank cell keeps the current value (and gives the default to a new row).
    keep_when_blank: frozenset[str] = frozenset()
    defaults: dict = {}

    def __init__(self, *, spec, user, present: set[str]):
        self.spec, self.user, self.present = spec, user, present
        self.errors: list[RowError] = []
        self.creates: list = []
        self.updates: list = []
        self.update_fields: set[str] = set()
        self.unchanged = 0
        self._seen: dict = {}
        self._headers = {column.key: column.header for column in spec.columns}

    def counts(self) -> tuple[int, int, int]:
        return len(self.creates), len(self.updates), self.unchanged

    def fail(self, row: Row, column: str, message: str) -> None:
        self.errors.append(RowError(row.number, self._headers.get(column, ""), str(message)))

    def refuse(self, row: Row, errors: dict[str, list[str]]) -> bool:
        """Report the messages of the rules a row breaks, by column key; whether any."""
        for column, messages in errors.items():
            for message in messages:
                self.fail(row, column, message)
        return any(errors.values())

    def problem(self, row: Row, problem: Problem) -> None:
        self.fail(row, problem.column, problem.message)

    def first_time(self, row: Row, key, column: str) -> bool:
        """False (with an error) when an earlier row of the file has the same natural key."""
        if key in self._seen:
            self.fail(
                row,
                column,
                _("Same record as row %(row)d: each record may appear only once.")
                % {"row": self._seen[key]},
            )
            return False
        self._seen[key] = row.number
        return True

    def apply(self, instance, row: Row, fields, *, new: bool) -> set[str]:
        """Set the row's values of ``fields`` on ``instance``; the names of those that changed."""
        changed = set()
        for name in fields:
            if name not in self.present:
                if new and name in self.defaults:
                    setattr(instance, name, self.defaults[name])
                continue
            value = row.values[name]
            if value in (None, "") and name in self.keep_when_blank:
                if not new:
                    continue
                value = self.defaults[name]
            elif value is None and name not in self.nullable:
                value = ""
            if new or getattr(instance, name) != value:
                setattr(instance, name, value)
                changed.add(name)
        return changed

    nullable: frozenset[str] = frozenset()

    def plan_record(self, row: Row, instance, changed: set[str], *, new: bool) -> None:
        if new:
            self.creates.append(instance)
        elif changed:
            self.updates.append(instance)
            self.update_fields |= changed
        else:
            self.unchanged += 1

    def write(self, progress) -> None:
        """Save the plan in batches (inside the caller's transaction)."""
        total = len(self.creates) + len(self.updates)
        done = 0
        for start in range(0, len(self.creates), BATCH):
            batch = self.creates[start : start + BATCH]
            self.model.objects.bulk_create(batch)
            done += len(batch)
            progress("writing", done, total)
        if self.updates:
            now = timezone.now()
            for instance in self.updates:
                instance.updated_at = now
            fields = with_indexes(self.model, sorted(self.update_fields | {"updated_at"}))
            for start in range(0, len(self.updates), BATCH):
                batch = self.updates[start : start + BATCH]
                self.model.objects.bulk_update(batch, fields)
                done += len(batch)
                progress("writing", done, total)
        self.after_write()

    def after_write(self) -> None:
        """Dependent rows that need the new records' ids (events)."""

    def branches(self, rows: list[Row], *, region_key="region", branch_key="branch") -> dict:
        """Row number → BranchRef, after reporting the rows whose branch does not resolve."""
        regions = Regions(self.user, (row.values.get(region_key) or "" for row in rows))
        lookup = Branches(self.user, regions, (row.values[branch_key] for row in rows))
        found = {}
        for row in rows:
            branch = lookup.get(row.values.get(region_key) or "", row.values[branch_key])
            if isinstance(branch, Problem):
                self.problem(row, branch)
            else:
                found[row.number] = branch
        return found

    def open_branch(self, row: Row, branch: BranchRef) -> bool:
        """A new record needs a branch that is not dissolved (the services' rule)."""
        return not self.refuse(row, {"branch": branch_open_errors(branch)})


# Branches -------------------------------------------------------------------------------


class BranchImporter(Importer):
    """Branches by region + name: new ones are registered, existing ones updated."""

    model = Branch
    fields = (
        "kind",
        "status",
        "rating",
        "founded_on",
        "dissolved_on",
        "first_congress_on",
        "supervisory_board_on",
        "bodies_complete",
        "address",
        "phone",
        "note",
    )
    keep_when_blank = frozenset(["kind", "status", "rating", "bodies_complete"])
    defaults = {
        "status": BranchStatus.ACTIVE,
        "rating": BranchRating.NORMAL,
        "bodies_complete": False,
    }
    nullable = frozenset(
        ["founded_on", "dissolved_on", "first_congress_on", "supervisory_board_on"]
    )

    def plan(self, rows: list[Row]) -> None:
        regions = Regions(self.user, (row.values["region"] for row in rows))
        resolved = {}
        for row in rows:
            region = regions.get(row.values["region"])
            if isinstance(region, Problem):
                self.problem(row, region)
            elif self.first_time(row, (region.code, row.values["name"]), "name"):
                resolved[row.number] = region
        existing = {
            (branch.region_id, branch.name): branch
            for branch in Branch.objects.filter(
                region_id__in={region.code for region in resolved.values()},
                name__in={row.values["name"] for row in rows},
            )
        }
        for row in rows:
            if row.number in resolved:
                self._plan_row(row, resolved[row.number], existing)

    def _plan_row(self, row: Row, region, existing: dict) -> None:
        branch = existing.get((region.code, row.values["name"]))
        new = branch is None
        if new:
            if region.closed:
                self.fail(row, "region", _("This region has been closed: choose a current one."))
                return
            branch = Branch(region_id=region.code, name=row.values["name"])
        changed = self.apply(branch, row, self.fields, new=new)
        if self._rules_hold(row, branch, region):
            self.plan_record(row, branch, changed, new=new)

    def _rules_hold(self, row: Row, branch: Branch, region) -> bool:
        """The branch constraints and the service's rules, checked in Python (no query)."""
        before = len(self.errors)
        level = TERRITORIAL_KINDS.get(branch.kind)
        if level is not None and len(region.code) != CODE_LENGTH[level]:
            self.fail(row, "kind", constraint_message(Branch, "territorial_kind_at_level"))
        if branch.status == BranchStatus.DISSOLVED and branch.dissolved_on is None:
            self.fail(row, "dissolved_on", _("A dissolved branch needs its dissolution date."))
        if branch.status != BranchStatus.DISSOLVED and branch.dissolved_on is not None:
            self.fail(
                row, "dissolved_on", constraint_message(Branch, "dissolved_on_only_when_dissolved")
            )
        if branch.founded_on and branch.dissolved_on and branch.dissolved_on < branch.founded_on:
            self.fail(row, "dissolved_on", constraint_message(Branch, "dissolved_after_founded"))
        return len(self.errors) == before


# Members and volunteers -----------------------------------------------------------------


class PersonImporter(Importer):
    """Members and volunteers: matched by branch + ID number, else branch + phone."""

    date_field = ""

    def plan(self, rows: list[Row]) -> None:
        branches = self.branches(rows)
        keyed = {}
        for row in rows:
            branch = branches.get(row.number)
            if branch is None:
                continue
            key = self._key(row, branch)
            if key is not None and self.first_time(row, key, key_column(key)):
                keyed[row.number] = branch
        existing = self._existing(rows, keyed)
        self.prepare(rows, keyed)
        for row in rows:
            if row.number in keyed:
                self._plan_row(row, keyed[row.number], existing)

    def prepare(self, rows, keyed) -> None:
        """Further bulk lookups (volunteer teams)."""

    def _key(self, row: Row, branch: BranchRef):
        if row.values.get("id_number"):
            return (branch.id, "id_number", row.values["id_number"])
        if row.values.get("phone"):
            return (branch.id, "phone", row.values["phone"])
        self.fail(
            row,
            "id_number",
            _("Give an ID number or a phone number, so that a second import finds this record."),
        )
        return None

    def _existing(self, rows: list[Row], keyed: dict) -> dict:
        """(branch id, "id_number"|"phone", value) → records (one query)."""
        ids = {row.values.get("id_number") for row in rows} - {"", None}
        phones = {row.values.get("phone") for row in rows} - {"", None}
        found = self.model.objects.filter(
            Q(id_number__in=ids) | Q(phone__in=phones),
            branch_id__in={branch.id for branch in keyed.values()},
        )
        index = defaultdict(list)
        for record in found:
            if record.id_number:
                index[record.branch_id, "id_number", record.id_number].append(record)
            if record.phone:
                index[record.branch_id, "phone", record.phone].append(record)
        return index

    def _match(self, row: Row, branch: BranchRef, existing: dict):
        """The existing record of the row, None for a new one, or False (ambiguous)."""
        id_number, phone = row.values.get("id_number"), row.values.get("phone")
        if id_number and (found := existing.get((branch.id, "id_number", id_number))):
            return found[0]
        by_phone = existing.get((branch.id, "phone", phone), []) if phone else []
        if id_number:
            by_phone = [record for record in by_phone if not record.id_number]
        if len(by_phone) > 1:
            self.fail(
                row,
                "phone",
                _("Several records of this branch have this phone number: give the ID number."),
            )
            return False
        return by_phone[0] if by_phone else None

    def _plan_row(self, row: Row, branch: BranchRef, existing: dict) -> None:
        record = self._match(row, branch, existing)
        if record is False:
            return
        new = record is None
        if new and not self.open_branch(row, branch):
            return
        if new:
            record = self.model(branch_id=branch.id, region_code=branch.region_id)
        before = self.snapshot(record)
        changed = self.apply(record, row, self.fields, new=new)
        if self.rules_hold(row, record, branch):
            self.plan_record(row, record, changed, new=new)
            self.planned(record, before, new=new)

    def snapshot(self, record) -> dict:
        return {}

    def planned(self, record, before: dict, *, new: bool) -> None:
        """Called for each record that will be written or is unchanged."""

    def rules_hold(self, row: Row, record, branch: BranchRef) -> bool:
        return True


def key_column(key: tuple) -> str:
    return key[1]


class MemberImporter(PersonImporter):
    """Members; joining and leaving are also kept as membership events, as the services do."""

    model = Member
    fields = (
        "name",
        "kind",
        "gender",
        "id_number",
        "phone",
        "occupation",
        "joined_on",
        "left_on",
        "leave_reason",
    )
    # A blank ID or phone never erases one: the row was matched by the other.
    keep_when_blank = frozenset(["kind", "id_number", "phone"])
    defaults = {"kind": MemberKind.INDIVIDUAL, "id_number": "", "phone": ""}
    nullable = frozenset(["left_on"])

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.events: list[tuple[Member, str, object, str]] = []

    def snapshot(self, record) -> dict:
        return {"left_on": record.left_on}

    def planned(self, record, before: dict, *, new: bool) -> None:
        """The events member_join, member_leave and member_rejoin would record."""
        if new:
            self.events.append((record, MembershipEventKind.JOINED, record.joined_on, ""))
            if record.left_on:
                self.events.append(
                    (record, MembershipEventKind.LEFT, record.left_on, record.leave_reason)
                )
        elif before["left_on"] is None and record.left_on is not None:
            self.events.append(
                (record, MembershipEventKind.LEFT, record.left_on, record.leave_reason)
            )
        elif before["left_on"] is not None and record.left_on is None:
            self.events.append((record, MembershipEventKind.REJOINED, record.joined_on, ""))

    def rules_hold(self, row: Row, record, branch: BranchRef) -> bool:
        errors = membership_errors(
            joined_on=record.joined_on, left_on=record.left_on, leave_reason=record.leave_reason
        )
        return not self.refuse(row, errors)

    def after_write(self) -> None:
        events = [
            MembershipEvent(member=member, kind=kind, happened_on=day, reason=reason)
            for member, kind, day, reason in self.events
        ]
        MembershipEvent.objects.bulk_create(events, batch_size=BATCH)


class VolunteerImporter(PersonImporter):
    """Volunteers, in a team of their branch."""

    model = Volunteer
    fields = ("name", "gender", "id_number", "phone", "registered_on", "status", "team_id")
    keep_when_blank = frozenset(["status", "id_number", "phone"])
    defaults = {"status": VolunteerStatus.ACTIVE, "id_number": "", "phone": ""}
    nullable = frozenset(["team_id"])

    def prepare(self, rows, keyed) -> None:
        self.teams = Teams(
            (branch.id for branch in keyed.values()), (row.values.get("team") for row in rows)
        )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if "team" in self.present:
            self.present = self.present | {"team_id"}

    def _plan_row(self, row: Row, branch: BranchRef, existing: dict) -> None:
        team = self.teams.get(branch.id, row.values.get("team") or "")
        if isinstance(team, Problem):
            self.problem(row, team)
            return
        row.values["team_id"] = team
        super()._plan_row(row, branch, existing)


# Service records ------------------------------------------------------------------------


class ServiceRecordImporter(Importer):
    """Hours served, by volunteer + date + activity; new records wait for review."""

    model = ServiceRecord

    def plan(self, rows: list[Row]) -> None:
        branches = self.branches(rows)
        volunteers = self._volunteers(rows, branches)
        teams = Teams(
            {branch.id for branch in branches.values()}, (row.values.get("team") for row in rows)
        )
        planned = {}
        for row in rows:
            branch = branches.get(row.number)
            volunteer = branch and self._volunteer(row, branch, volunteers)
            if not volunteer:
                continue
            team = teams.get(branch.id, row.values.get("team") or "")
            if isinstance(team, Problem):
                self.problem(row, team)
                continue
            key = (volunteer.id, row.values["served_on"], row.values["activity"])
            if self.first_time(row, key, "activity"):
                planned[row.number] = (volunteer, team)
        existing = self._existing(planned.values(), rows)
        for row in rows:
            if row.number in planned:
                self._plan_row(row, *planned[row.number], existing)

    def _volunteers(self, rows: list[Row], branches: dict) -> dict:
        ids = {row.values.get("volunteer_id_number") for row in rows} - {"", None}
        phones = {row.values.get("volunteer_phone") for row in rows} - {"", None}
        found = Volunteer.objects.filter(
            Q(id_number__in=ids) | Q(phone__in=phones),
            branch_id__in={branch.id for branch in branches.values()},
        ).only("id", "branch_id", "team_id", "region_code", "name", "id_number", "phone", "status")
        index = defaultdict(list)
        for volunteer in found:
            if volunteer.id_number:
                index[volunteer.branch_id, "id", volunteer.id_number].append(volunteer)
            if volunteer.phone:
                index[volunteer.branch_id, "phone", volunteer.phone].append(volunteer)
        return index

    def _volunteer(self, row: Row, branch: BranchRef, index: dict):
        id_number, phone = row.values.get("volunteer_id_number"), row.values.get("volunteer_phone")
        if not (id_number or phone):
            self.fail(
                row, "volunteer_id_number", _("Give the volunteer's ID number or phone number.")
            )
            return None
        found = index.get((branch.id, "id", id_number), []) if id_number else []
        found = found or (index.get((branch.id, "phone", phone), []) if phone else [])
        if not found:
            self.fail(
                row,
                "volunteer_id_number" if id_number else "volunteer_phone",
                _(
                    "No volunteer of this branch has this ID number or phone; import the volunteers first."
                ),
            )
            return None
        if len(found) > 1:
            self.fail(
                row,
                "volunteer_phone",
                _("Several volunteers of this branch have this phone number: give the ID number."),
            )
            return None
        volunteer = found[0]
        name = row.values.get("volunteer_name")
        if name and name != volunteer.name:
            self.fail(
                row,
                "volunteer_name",
                _("The volunteer with this ID number or phone is “%(name)s”.")
                % {"name": volunteer.name},
            )
            return None
        return volunteer

    def _existing(self, planned, rows: list[Row]) -> dict:
        volunteer_ids = {volunteer.id for volunteer, _team in planned}
        dates = {row.values["served_on"] for row in rows}
        found = ServiceRecord.objects.filter(volunteer_id__in=volunteer_ids, served_on__in=dates)
        return {(r.volunteer_id, r.served_on, r.activity): r for r in found}

    def _plan_row(self, row: Row, volunteer, team_id, existing: dict) -> None:
        values = row.values
        record = existing.get((volunteer.id, values["served_on"], values["activity"]))
        team_id = team_id if "team" in self.present and values.get("team") else volunteer.team_id
        hours_error = self._hours_error(values["hours"])
        if hours_error:
            self.fail(row, "hours", hours_error)
            return
        if record is None:
            if self.refuse(row, {"volunteer_id_number": volunteer_active_errors(volunteer)}):
                return
            record = ServiceRecord(
                volunteer_id=volunteer.id,
                team_id=team_id,
                region_code=volunteer.region_code,
                served_on=values["served_on"],
                hours=values["hours"],
                activity=values["activity"],
            )
            self.plan_record(row, record, set(), new=True)
            return
        changed = {"hours"} if record.hours != values["hours"] else set()
        if team_id != record.team_id:
            changed.add("team_id")
        if changed and record.status != ServiceRecordStatus.PENDING:
            self.fail(
                row, "hours", _("This record has already been reviewed and cannot be changed.")
            )
            return
        record.hours, record.team_id = values["hours"], team_id
        self.plan_record(row, record, changed, new=False)

    @staticmethod
    def _hours_error(hours: Decimal) -> str | None:
        try:
            ServiceRecord._meta.get_field("hours").run_validators(hours)
        except ValidationError as error:
            return error.messages[0]
        return None


# Activities -----------------------------------------------------------------------------


class ActivityImporter(Importer):
    """Activities of the branches' ledgers, by branch + kind + date held: a new one is
    recorded (late when entered after its standard's days, as the service decides), one
    recorded before gets the sheet's place, attendance and summary."""

    model = Activity
    fields = ("place", "members_present", "volunteers_present", "summary")
    keep_when_blank = frozenset(["members_present", "volunteers_present"])
    defaults = {"members_present": 0, "volunteers_present": 0}

    def plan(self, rows: list[Row]) -> None:
        branches = self.branches(rows)
        kinds = self._kinds(rows)
        planned = {}
        for row in rows:
            branch = branches.get(row.number)
            if branch is None:
                continue
            kind = self._kind(row, branch, kinds)
            if kind is None or self.refuse(row, {"held_on": self._date_errors(row, branch)}):
                continue
            if self.first_time(row, (branch.id, kind, row.values["held_on"]), "held_on"):
                planned[row.number] = (branch, kind)
        existing = self._existing(planned.values(), rows)
        late_after = LateAfterDays({branch.region_id for branch, _kind in planned.values()})
        today = timezone.localdate()
        for row in rows:
            if row.number not in planned:
                continue
            branch, kind = planned[row.number]
            found = existing.get((branch.id, kind, row.values["held_on"]), [])
            if len(found) > 1:
                self.fail(
                    row,
                    "held_on",
                    _(
                        "The branch has recorded several activities of this kind on this day: "
                        "correct them in the list of activities."
                    ),
                )
                continue
            activity = found[0] if found else None
            new = activity is None
            if new:
                days = late_after(region_code=branch.region_id, kind_id=kind)
                activity = Activity(
                    branch_id=branch.id,
                    region_code=branch.region_id,
                    kind_id=kind,
                    held_on=row.values["held_on"],
                    late=is_late(
                        held_on=row.values["held_on"], entered_on=today, late_after_days=days
                    ),
                    recorded_by=self.user,
                )
            changed = self.apply(activity, row, self.fields, new=new)
            self.plan_record(row, activity, changed, new=new)

    def _kinds(self, rows: list[Row]) -> dict[str, list[tuple[str | None, int]]]:
        """Name → the (region, id) of the kinds of that name (one query)."""
        names = {row.values["activity_kind"] for row in rows}
        found = defaultdict(list)
        for name, region, pk in ActivityKind.objects.filter(name__in=names).values_list(
            "name", "region_id", "id"
        ):
            found[name].append((region, pk))
        return found

    def _kind(self, row: Row, branch: BranchRef, kinds: dict) -> int | None:
        """The kind of the row's name that applies at the branch: set at the branch's region
        or the nearest above it, else everywhere. A kind of the name set elsewhere is not
        named: the user may not learn of other regions' kinds."""
        applying = {None, *ancestor_codes(branch.region_id), branch.region_id}
        candidates = [
            (len(region or ""), pk)
            for region, pk in kinds.get(row.values["activity_kind"], [])
            if region in applying
        ]
        if not candidates:
            self.fail(
                row,
                "activity_kind",
                _("No activity kind of this name is set for the branch's region."),
            )
            return None
        return max(candidates)[1]

    @staticmethod
    def _date_errors(row: Row, branch: BranchRef) -> list[str]:
        return held_on_errors(
            row.values["held_on"], founded_on=branch.founded_on, dissolved_on=branch.dissolved_on
        )

    def _existing(self, planned, rows: list[Row]) -> dict:
        branch_ids = {branch.id for branch, _kind in planned}
        dates = {row.values["held_on"] for row in rows}
        found = defaultdict(list)
        for activity in Activity.objects.filter(branch_id__in=branch_ids, held_on__in=dates):
            found[activity.branch_id, activity.kind_id, activity.held_on].append(activity)
        return found


# Spendings ------------------------------------------------------------------------------

#: Spending columns compared with the recorded spending when its voucher number exists.
SPENDING_COMPARED = ("fund", "spent_on", "amount", "category", "project", "payee", "purpose")


@dataclass(frozen=True)
class FundRef:
    """A fund a sheet names, with what the spending rules read of it and its balance."""

    id: int
    branch_id: int
    region_code: str
    kind: str
    project: str
    balance: Decimal


class SpendingImporter(Importer):
    """Spendings by voucher number; append-only like donations: a recorded one is never
    changed. Each new row is checked by the rules the service applies (funds.rules), and
    the rows paid out of one fund together against its balance; the database refuses an
    overdraft however the rows arrive."""

    model = Spending

    def plan(self, rows: list[Row]) -> None:
        rows = [row for row in rows if self.first_time(row, row.values["voucher_no"], "voucher_no")]
        recorded = self._recorded({row.values["voucher_no"] for row in rows})
        branches = self.branches(rows)
        funds = self._funds({branch.id for branch in branches.values()})
        available = {fund.id: fund.balance for fund in funds["by_id"].values()}
        for row in rows:
            branch = branches.get(row.number)
            if branch is None:
                continue
            fund = self._fund(row, branch, funds)
            if fund is None:
                continue
            old = recorded.get(row.values["voucher_no"])
            if old is not None:
                self._compare(row, branch, fund, old)
            else:
                self._plan_new(row, fund, available)

    def _recorded(self, vouchers: set[str]) -> dict:
        fields = ("voucher_no", "region_code", "branch_id", "fund_id", *SPENDING_COMPARED[1:])
        found = Spending.objects.filter(voucher_no__in=vouchers).values_list(*fields)
        return {values[0]: dict(zip(fields, values, strict=True)) for values in found}

    def _funds(self, branch_ids: set[int]) -> dict:
        """The branches' funds by id, and by (branch, the way a sheet may name it) (one
        query): blank or the kind's label or code for the unrestricted and matching funds,
        the name, project or campaign of a designated one."""
        kind_names = defaultdict(set)
        for kind in (FundKind.UNRESTRICTED, FundKind.MATCHING):
            kind_names[kind] |= {kind.value, *fund_kind_labels(kind)}
        kind_names[FundKind.UNRESTRICTED].add("")
        by_id, by_name = {}, defaultdict(list)
        found = Fund.objects.filter(branch_id__in=branch_ids).values_list(
            "id",
            "branch_id",
            "region_code",
            "kind",
            "project",
            "name",
            "campaign__name",
            "balance_row__balance",
        )
        for pk, branch_id, region, kind, project, name, campaign, balance in found:
            by_id[pk] = FundRef(pk, branch_id, region, kind, project, balance or Decimal(0))
            names = kind_names[kind] | {name, project, campaign} - {"", None}
            for label in names:
                by_name[branch_id, label.casefold()].append(pk)
        return {"by_id": by_id, "by_name": by_name}

    def _fund(self, row: Row, branch: BranchRef, funds: dict) -> FundRef | None:
        cell = row.values.get("fund") or ""
        found = funds["by_name"].get((branch.id, cell.casefold()), [])
        if len(found) == 1:
            return funds["by_id"][found[0]]
        if found:
            message = _("Several funds of the branch are called this: name its project.")
        elif cell:
            message = _("The branch has no fund of this name.")
        else:
            message = _("The branch has no unrestricted fund yet: it opens with the first gift.")
        self.fail(row, "fund", message)
        return None

    def _compare(self, row: Row, branch: BranchRef, fund: FundRef, old: dict) -> None:
        """An existing voucher number: unchanged if identical, else an error (reversal)."""
        values = row.values
        if not in_scope(self.user, old["region_code"]):
            self.fail(row, "voucher_no", voucher_no_in_use(values["voucher_no"]))
            return
        new = {
            "fund": fund.id,
            "spent_on": values["spent_on"],
            "amount": values["amount"],
            "category": values["category"],
            "project": values.get("project") or "",
            "payee": values["payee"],
            "purpose": values["purpose"],
        }
        current = {"fund": old["fund_id"], **{name: old[name] for name in SPENDING_COMPARED[1:]}}
        differing = [
            name
            for name in SPENDING_COMPARED
            if (name in self.present or name == "fund") and new[name] != current[name]
        ]
        if old["branch_id"] != branch.id:
            differing.insert(0, "branch")
        if differing:
            headers = "、".join(self._headers[name] for name in differing)
            self.fail(
                row,
                "voucher_no",
                _(
                    "Voucher number %(voucher_no)s is already recorded with other values "
                    "(%(columns)s). A recorded spending is never changed: record a reversal "
                    "of it and a new spending instead."
                )
                % {"voucher_no": values["voucher_no"], "columns": headers},
            )
            return
        self.unchanged += 1

    def _plan_new(self, row: Row, fund: FundRef, available: dict) -> None:
        values = row.values
        if self.refuse(row, new_spending_errors(values, fund=fund)):
            return
        amount = values["amount"]
        if self.refuse(row, {"amount": balance_errors(available[fund.id], amount)}):
            return
        available[fund.id] -= amount
        self.creates.append(
            Spending(
                fund_id=fund.id,
                branch_id=fund.branch_id,
                region_code=fund.region_code,
                spent_on=values["spent_on"],
                amount=amount,
                category=values["category"],
                project=(values.get("project") or "").strip(),
                payee=values["payee"],
                purpose=values["purpose"],
                voucher_no=values["voucher_no"],
                recorded_by=self.user,
            )
        )


# Donations ------------------------------------------------------------------------------

#: Donation columns compared with the recorded donation when its receipt number exists.
COMPARED = (
    "branch",
    "donor",
    "donor_identifier",
    "campaign",
    "kind",
    "amount",
    "in_kind_description",
    "channel",
    "received_on",
    "designated",
    "designation",
    "matching",
    "note",
)


class DonationImporter(Importer):
    """Donations by receipt number; append-only: a recorded one is never changed."""

    model = Donation

    def plan(self, rows: list[Row]) -> None:
        rows = [row for row in rows if self.first_time(row, row.values["receipt_no"], "receipt_no")]
        recorded = self._recorded({row.values["receipt_no"] for row in rows})
        branches = self.branches(rows)
        campaigns = self._campaigns(rows)
        donors = self._donors(rows)
        self.new_donors: dict[tuple, Donor] = {}
        self._new_identifiers: dict[tuple, tuple] = {}
        # The planned donations are their fields until written: the dry run builds no model
        # instance per row. ``donor_of`` names the new donor of the planned donation at index.
        self.donor_of: list[tuple[int, tuple]] = []
        for row in rows:
            branch = branches.get(row.number)
            if branch is None:
                continue
            old = recorded.get(row.values["receipt_no"])
            if old is not None:
                self._compare(row, branch, old)
            else:
                self._plan_new(row, branch, campaigns, donors)

    def _recorded(self, receipts: set[str]) -> dict:
        fields = (
            "receipt_no",
            "region_code",
            "branch_id",
            "donor__name",
            "donor__identifier",
            "campaign__name",
            "kind",
            "amount",
            "in_kind_description",
            "channel",
            "received_on",
            "designated",
            "designation",
            "matching",
            "note",
        )
        found = Donation.objects.filter(receipt_no__in=receipts).values_list(*fields)
        return {values[0]: dict(zip(fields, values, strict=True)) for values in found}

    def _compare(self, row: Row, branch: BranchRef, old: dict) -> None:
        """An existing receipt number: unchanged if identical, else an error (reversal)."""
        if not in_scope(self.user, old["region_code"]):
            self.fail(row, "receipt_no", receipt_no_in_use(row.values["receipt_no"]))
            return
        values = row.values
        new = {
            "branch": branch.id,
            "donor": values.get("donor") or None,
            "donor_identifier": values.get("donor_identifier") or ""
            if values.get("donor")
            else None,
            "campaign": values.get("campaign") or None,
            "kind": values.get("kind") or DonationKind.CASH,
            "amount": values["amount"],
            "in_kind_description": values.get("in_kind_description") or "",
            "channel": values["channel"],
            "received_on": values["received_on"],
            "designated": bool(values.get("designated")),
            "designation": values.get("designation") or "",
            "matching": bool(values.get("matching")),
            "note": values.get("note") or "",
        }
        current = {
            "branch": old["branch_id"],
            "donor": old["donor__name"],
            "donor_identifier": old["donor__identifier"],
            "campaign": old["campaign__name"],
            **{name: old[name] for name in COMPARED[4:]},
        }
        differing = [
            name
            for name in COMPARED
            if name in self.present | {"branch"} and new[name] != current[name]
        ]
        if differing:
            headers = "、".join(self._headers[name] for name in differing)
            self.fail(
                row,
                "receipt_no",
                _(
                    "Receipt number %(receipt_no)s is already recorded with other values "
                    "(%(columns)s). A recorded donation is never changed: record a reversal "
                    "of it and a new donation instead."
                )
                % {"receipt_no": values["receipt_no"], "columns": headers},
            )
            return
        self.unchanged += 1

    def _plan_new(self, row: Row, branch: BranchRef, campaigns: dict, donors: dict) -> None:
        values = row.values
        before = len(self.errors)
        campaign = self._campaign(row, branch, campaigns)
        region = campaign and campaign[0]
        self.refuse(row, new_donation_errors(values, branch=branch, campaign_region=region))
        donor_key = self._donor(row, branch, donors)
        if len(self.errors) > before:
            return
        donation = {
            "branch_id": branch.id,
            "region_code": branch.region_id,
            "campaign_id": campaign and campaign[1],
            "kind": values.get("kind") or DonationKind.CASH,
            "amount": values["amount"],
            "in_kind_description": values.get("in_kind_description") or "",
            "channel": values["channel"],
            "received_on": values["received_on"],
            "receipt_no": values["receipt_no"],
            "designated": bool(values.get("designated")),
            "designation": values.get("designation") or "",
            "matching": bool(values.get("matching")),
            "note": values.get("note") or "",
            "recorded_by": self.user,
        }
        if isinstance(donor_key, Donor):
            donation["donor"] = donor_key
        elif donor_key is not None:
            self.donor_of.append((len(self.creates), donor_key))
        self.creates.append(donation)

    def _campaigns(self, rows: list[Row]) -> dict:
        names = {row.values.get("campaign") for row in rows} - {"", None}
        found = (
            Campaign.objects.filter(name__in=names).values_list("id", "name", "region_id")
            if names
            else []
        )
        index = defaultdict(list)
        for campaign_id, name, region_id in found:
            index[name].append((region_id, campaign_id))
        return index

    def _campaign(self, row: Row, branch: BranchRef, campaigns: dict) -> tuple[str, int] | None:
        """The nearest campaign of that name at the branch's region or above: (region, id).

        Else one of that name below the branch (so in the user's region), which the rules
        refuse in their own words.
        """
        name = row.values.get("campaign")
        if not name:
            return None
        named = campaigns.get(name, [])
        above = [c for c in named if branch.region_id.startswith(c[0])]
        below = [c for c in named if c[0].startswith(branch.region_id)]
        if not (above or below):
            self.fail(
                row,
                "campaign",
                _("No campaign named “%(name)s” is organized at the branch's region or above it.")
                % {"name": name},
            )
            return None
        return max(above) if above else min(below)

    def _donors(self, rows: list[Row]) -> dict:
        """Donors named in the sheet, and those holding its identifiers (one query)."""
        names = {row.values.get("donor") for row in rows} - {"", None}
        identifiers = {(row.values.get("donor_identifier") or "").upper() for row in rows} - {""}
        found = (
            Donor.objects.visible_to(self.user).filter(
                Q(name__in=names) | Q(identifier__in=identifiers)
            )
            if names
            else []
        )
        index = defaultdict(list)
        for donor in found:
            index[donor.name, donor.identifier].append(donor)
        self.identifiers_taken = {(d.region_id, d.identifier): d for d in found if d.identifier}
        return index

    def _donor(self, row: Row, branch: BranchRef, donors: dict):
        """An existing donor (at the branch's region or above), or the key of a new one."""
        values = row.values
        name = values.get("donor")
        if not name:
            return None
        identifier = (values.get("donor_identifier") or "").upper()
        kind = values.get("donor_kind") or DonorKind.INDIVIDUAL
        known = [
            d
            for d in donors.get((name, identifier), [])
            if branch.region_id.startswith(d.region_id)
        ]
        if known:
            return max(known, key=lambda donor: len(donor.region_id))
        errors = self._identifier_errors(kind, identifier, branch)
        if self.refuse(row, {"donor_identifier": errors}):
            return None
        key = (branch.region_id, name, identifier, kind)
        if (
            identifier
            and self._new_identifiers.setdefault((branch.region_id, identifier), key) != key
        ):
            self.fail(row, "donor_identifier", donor_identifier_in_use())
            return None
        if key not in self.new_donors:
            self.new_donors[key] = Donor(
                region_id=branch.region_id, name=name, identifier=identifier, kind=kind
            )
        return key

    def _identifier_errors(self, kind: str, identifier: str, branch: BranchRef) -> list[str]:
        """The identifier's rules; whether the region has it already, from the bulk lookup."""
        errors = donor_identifier_errors(kind, identifier)
        if not errors and (branch.region_id, identifier) in self.identifiers_taken:
            errors = [donor_identifier_in_use()]
        return errors

    def write(self, progress) -> None:
        Donor.objects.bulk_create(list(self.new_donors.values()), batch_size=BATCH)
        for index, key in self.donor_of:
            self.creates[index]["donor"] = self.new_donors[key]
        # The sheet names no fund: each donation goes to its default fund (funds.rules).
        funds = default_funds({(d["branch_id"], d["campaign_id"]) for d in self.creates})
        self.creates = [
            Donation(**fields, fund_id=funds[fields["branch_id"], fields["campaign_id"]])
            for fields in self.creates
        ]
        super().write(progress)
