"""Choices of the orgs app: region levels and kinds, branch kinds and statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province level")
    CITY = "city", _("City level")
    COUNTY = "county", _("County level")
    TOWNSHIP = "township", _("Township level")
    COMMUNITY = "community", _("Village level")


#: Length of a region code at each level: the code is the materialized path.
CODE_LENGTH = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.COMMUNITY: 12,
}
LEVEL_BY_LENGTH = {length: level for level, length in CODE_LENGTH.items()}


class RegionKind(models.TextChoices):
    STREET = "street", _("Street")
    TOWN = "town", _("Town")
    TOWNSHIP = "township", _("Township (xiang)")
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")
    SPECIAL = "special", _("Township-like or village-like unit")


class BranchKind(models.TextChoices):
    PROVINCE = "province", _("Province branch")
    CITY = "city", _("City branch")
    COUNTY = "county", _("County branch")
    TOWNSHIP = "township", _("Township (street, town) branch")
    COMMUNITY = "community", _("Village (community) branch")
    SCHOOL = "school", _("School")
    ENTERPRISE = "enterprise", _("Enterprise")
    SCENIC_AREA = "scenic_area", _("Scenic area")
    HOSPITAL = "hospital", _("Hospital")
    OTHER = "other", _("Other")


#: Territorial kinds sit at a region of exactly their level and count for coverage.
TERRITORIAL_KINDS = {
    BranchKind.PROVINCE: RegionLevel.PROVINCE,
    BranchKind.CITY: RegionLevel.CITY,
    BranchKind.COUNTY: RegionLevel.COUNTY,
    BranchKind.TOWNSHIP: RegionLevel.TOWNSHIP,
    BranchKind.COMMUNITY: RegionLevel.COMMUNITY,
}


class BranchStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    ACTIVE = "active", _("Active")
    DORMANT = "dormant", _("Dormant (shell)")
    DISSOLVED = "dissolved", _("Dissolved")


class BranchRating(models.TextChoices):
    NORMAL = "normal", _("Ordinary")
    MODEL = "model", _("Model")
    WEAK = "weak", _("Weak and lax")


class UnitChange(models.TextChoices):
    """How a unit differs between the vintage in force and a new one."""

    ADDED = "added", _("Added")
    CLOSED = "closed", _("Closed")
    RENAMED = "renamed", _("Renamed")
    REPARENTED = "reparented", _("Moved to a new parent")
    REUSED = "reused", _("Code reused by another unit")


class SuccessorBasis(models.TextChoices):
    """Why a unit is taken as a closed unit's successor (the first rule that finds one)."""

    MAPPING = "mapping", _("Operator mapping")
    SAME_NAME = "same_name", _("Same name under the same parent")
    REPARENTED = "reparented", _("Same name under another parent")
    SIMILAR_NAME = "similar_name", _("Same name but its suffix under the same parent")
    CODE_REUSED = "code_reused", _("The unit that took over its code")
    CONTAINMENT = "containment", _("Merged into a neighbour (name containment)")
