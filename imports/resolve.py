"""References in a sheet (regions, branches, teams), resolved for all rows with one query each.

A region is given by its code, its name, or both as the template's drop-down lists them
(``天玉镇（360803100）``: the code decides); a branch by its name, with the region when the
name alone is ambiguous in the user's subtree. Every lookup answers a value or an error
(the column key and the message), so the importer can report it against the row.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from core.access import in_scope
from members.models import VolunteerTeam
from orgs.models import Branch, Region


@dataclass(frozen=True)
class Problem:
    """Why a reference did not resolve: the column key and the message."""

    column: str
    message: str


@dataclass(frozen=True)
class RegionRef:
    code: str
    name: str
    level: str
    closed: bool


@dataclass(frozen=True)
class BranchRef:
    id: int
    name: str
    region_id: str
    status: str
    kind: str
    founded_on: date | None = None
    dissolved_on: date | None = None


#: A region as the template's drop-down lists it: its name, then its code in brackets.
NAMED_CODE = re.compile(r"^.*[（(]\s*(\d+)\s*[)）]$")


def region_label(name: str, code: str) -> str:
    """A region as the template's drop-down lists it, and as messages name it."""
    return f"{name}（{code}）"


def region_key(cell: str) -> str:
    """The code or the name a region cell gives: ``天玉镇（360803100）`` → ``360803100``."""
    match = NAMED_CODE.match(cell)
    return match.group(1) if match else cell


def outside_scope(label: str) -> str:
    return _("%(region)s lies outside your region.") % {"region": label}


class Regions:
    """The regions a sheet names, by code or name (one query)."""

    def __init__(self, user, cells: Iterable[str]):
        self.user = user
        cells = {region_key(cell) for cell in cells if cell}
        codes = {cell for cell in cells if cell.isdigit()}
        names = cells - codes
        found = Region.objects.filter(Q(code__in=codes) | Q(name__in=names)).values_list(
            "code", "name", "level", "valid_to"
        )
        self.by_code: dict[str, RegionRef] = {}
        self.by_name: dict[str, list[RegionRef]] = defaultdict(list)
        for code, name, level, valid_to in found:
            region = RegionRef(code, name, level, valid_to is not None)
            self.by_code[code] = region
            self.by_name[name].append(region)

    def get(self, cell: str) -> RegionRef | Problem:
        """The region ``cell`` names in the user's subtree, or the problem."""
        cell = region_key(cell)
        if cell.isdigit():
            region = self.by_code.get(cell)
            if region is None:
                return Problem("region", _("Unknown region code %(code)s.") % {"code": cell})
            if not in_scope(self.user, region.code):
                return Problem("region", outside_scope(region_label(region.name, region.code)))
            return region
        return self._by_name(cell)

    def _by_name(self, name: str) -> RegionRef | Problem:
        candidates = self.by_name.get(name, [])
        mine = [region for region in candidates if in_scope(self.user, region.code)]
        if not candidates:
            return Problem("region", _("Unknown region “%(name)s”.") % {"name": name})
        if not mine:
            return Problem("region", outside_scope(name))
        if len(mine) > 1:
            codes = "、".join(sorted(region.code for region in mine))
            return Problem(
                "region",
                _("Several regions in your region are named “%(name)s” (%(codes)s): use the code.")
                % {"name": name, "codes": codes},
            )
        return mine[0]


class Branches:
    """The branches a sheet names (by region and name) in the user's subtree (one query)."""

    def __init__(self, user, regions: Regions, names: Iterable[str]):
        self.regions = regions
        found = (
            Branch.objects.visible_to(user)
            .filter(name__in=set(names))
            .values_list("id", "name", "region_id", "status", "kind", "founded_on", "dissolved_on")
        )
        self.by_key: dict[tuple[str, str], BranchRef] = {}
        self.by_name: dict[str, list[BranchRef]] = defaultdict(list)
        for values in found:
            branch = BranchRef(*values)
            self.by_key[branch.region_id, branch.name] = branch
            self.by_name[branch.name].append(branch)

    def get(self, region_cell: str, name: str) -> BranchRef | Problem:
        if region_cell:
            region = self.regions.get(region_cell)
            if isinstance(region, Problem):
                return region
            branch = self.by_key.get((region.code, name))
            if branch is None:
                return Problem(
                    "branch",
                    _("No branch named “%(name)s” at %(region)s.")
                    % {"name": name, "region": region_label(region.name, region.code)},
                )
            return branch
        candidates = self.by_name.get(name, [])
        if not candidates:
            return Problem(
                "branch", _("No branch named “%(name)s” in your region.") % {"name": name}
            )
        if len(candidates) > 1:
            return Problem(
                "region",
                _("Several branches are named “%(name)s”: fill in the region column.")
                % {"name": name},
            )
        return candidates[0]


class Teams:
    """Volunteer teams by (branch id, name) (one query)."""

    def __init__(self, branch_ids: Iterable[int], names: Iterable[str]):
        names = {name for name in names if name}
        found = VolunteerTeam.objects.filter(branch_id__in=set(branch_ids), name__in=names)
        self.by_key = (
            {
                (branch_id, name): team_id
                for team_id, branch_id, name in found.values_list("id", "branch_id", "name")
            }
            if names
            else {}
        )

    def get(self, branch_id: int, name: str) -> int | Problem | None:
        if not name:
            return None
        team_id = self.by_key.get((branch_id, name))
        if team_id is None:
            return Problem(
                "team",
                _("The branch has no volunteer team named “%(name)s”; create the team first.")
                % {"name": name},
            )
        return team_id
