"""Regions as the demo set needs them: places by code, the tree below Jiangxi, branch names."""

from dataclasses import dataclass

from django.db.models import Q

from orgs.choices import RegionKind, RegionLevel
from orgs.models import Region
from portal.demo.facts import CITY, PROVINCE


@dataclass(frozen=True)
class Place:
    """A region as the builder needs it."""

    code: str
    name: str
    kind: str


class RegionTree:
    """Jiangxi's regions down to townships, and Ji'an's villages, as plain objects by code."""

    def __init__(self, rows: list[tuple[str, str, str]]):
        self.places = {code: Place(code, name, kind) for code, name, kind in sorted(rows)}
        self._counties: dict[str, str] = {}

    @classmethod
    def load(cls) -> "RegionTree":
        """Read the regions from the database (one query)."""
        wanted = Q(code__startswith=PROVINCE) & ~Q(level=RegionLevel.COMMUNITY)
        wanted |= Q(code__startswith=CITY, level=RegionLevel.COMMUNITY)
        rows = Region.objects.current().filter(wanted).values_list("code", "name", "kind")
        return cls(list(rows))

    def under(self, prefix: str, length: int) -> list[Place]:
        """Places with codes of ``length`` digits below ``prefix``, in code order."""
        return [p for c, p in self.places.items() if len(c) == length and c.startswith(prefix)]

    def townships(self, prefix: str) -> list[Place]:
        """Streets, towns and townships below ``prefix`` (not township-like units)."""
        return [p for p in self.under(prefix, 9) if p.kind != RegionKind.SPECIAL]

    def county_of(self, code: str) -> str:
        """The county of a region; for a city or the province, its first county (ID prefixes)."""
        if len(code) >= 6:
            return code[:6]
        if code not in self._counties:
            self._counties[code] = self.under(code, 6)[0].code
        return self._counties[code]


def village_short(name: str) -> str:
    """``岭上村委会`` → ``岭上村``, ``临江社区居委会`` → ``临江社区``: the name a branch takes."""
    suffixes = [("村民委员会", "村"), ("村委会", "村"), ("居民委员会", "社区"), ("居委会", "社区")]
    for suffix, short in suffixes:
        if name.endswith(suffix):
            stem = name.removesuffix(suffix)
            return stem if stem.endswith(short) else stem + short
    return name
