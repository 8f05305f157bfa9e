"""Donors, campaigns and donations. A donation is never changed or deleted: it is reversed."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import RegionScopedQuerySet
from core.text import validate_visible_text
from funds.choices import CampaignKind, DonationChannel, DonationKind, DonorKind
from orgs.db import RegionCodeField, TimeStampedModel, copy_region_code_trigger, record_date
from orgs.models import Branch, Region
from orgs.validators import validate_phone


class DonorQuerySet(RegionScopedQuerySet):
    region_path = "region__code"


class Donor(TimeStampedModel):
    """A person, enterprise, chamber of commerce or organization that gives."""

    kind = models.CharField(_("Donor kind"), max_length=15, choices=DonorKind)
    name = models.CharField(_("Name"), max_length=200, validators=[validate_visible_text])
    region = models.ForeignKey(
        Region,
        verbose_name=_("Registered at region"),
        on_delete=models.PROTECT,
        related_name="donors",
        help_text=_("The region that registered this donor; it decides who can see the donor."),
    )
    identifier = models.CharField(
        _("ID number or unified social credit code"), max_length=18, blank=True, db_collation="C"
    )
    phone = models.CharField(_("Phone"), max_length=20, blank=True, validators=[validate_phone])
    address = models.CharField(_("Address"), max_length=200, blank=True)

    objects = DonorQuerySet.as_manager()

    class Meta:
        verbose_name = _("Donor")
        verbose_name_plural = _("Donor")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "identifier"],
                condition=~Q(identifier=""),
                name="%(app_label)s_%(class)s_unique_identifier_in_region",
                violation_error_message=_(
                    "A donor with this identifier is already registered at this region."
                ),
            ),
        ]

    def __str__(self):
        return self.name


class CampaignQuerySet(RegionScopedQuerySet):
    region_path = "region__code"


class Campaign(TimeStampedModel):
    """A fundraising drive: 99 Giving Day, an emergency appeal, a named project."""

    name = models.CharField(_("Name"), max_length=200, validators=[validate_visible_text])
    kind = models.CharField(_("Kind"), max_length=15, choices=CampaignKind)
    region = models.ForeignKey(
        Region,
        verbose_name=_("Organizing region"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Parent campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_campaigns",
    )
    starts_on = models.DateField(_("Starts on"))
    ends_on = models.DateField(_("Ends on"), null=True, blank=True)
    target_amount = models.DecimalField(
        _("Target amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    description = models.TextField(_("Description"), blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("Campaign")
        verbose_name_plural = _("Campaign")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="%(app_label)s_%(class)s_unique_name_in_region",
                violation_error_message=_("A campaign of this name already exists at this region."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_starts",
                violation_error_message=_("A campaign cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(target_amount__isnull=True) | Q(target_amount__gt=0),
                name="%(app_label)s_%(class)s_target_positive",
                violation_error_message=_("The target amount must be more than 0."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="%(app_label)s_%(class)s_not_own_parent",
                violation_error_message=_("A campaign cannot be its own parent."),
            ),
        ]

    def __str__(self):
        return self.name


class DonationQuerySet(RegionScopedQuerySet):
    def with_status(self):
        """Annotate ``is_reversed``: whether a reversal entry references the donation."""
        reversal = Donation.objects.filter(reverses=models.OuterRef("pk"))
        return self.annotate(is_reversed=models.Exists(reversal))


class Donation(TimeStampedModel):
    """A gift received by a branch, in cash or in kind; append-only, corrected by reversal."""

    branch = models.ForeignKey(
        Branch,
        verbose_name=_("Receiving branch"),
        on_delete=models.PROTECT,
        related_name="donations",
    )
    region_code = RegionCodeField()
    donor = models.ForeignKey(
        Donor,
        verbose_name=_("Donor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donations",
        help_text=_("Leave empty for an anonymous donation."),
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("Campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donations",
    )
    kind = models.CharField(
        _("Donation kind"), max_length=10, choices=DonationKind, default=DonationKind.CASH
    )
    amount = models.DecimalField(
        _("Amount or value (yuan)"),
        max_digits=14,
        decimal_places=2,
        help_text=_(
            "For cash, the amount received; for goods, their value. A reversal entry is negative."
        ),
    )
    in_kind_description = models.CharField(
        _("Goods and quantity"), max_length=200, blank=True, help_text=_("e.g. 7,000 masks")
    )
    channel = models.CharField(_("Channel"), max_length=10, choices=DonationChannel)
    received_on = models.DateField(_("Received on"))
    receipt_no = models.CharField(_("Receipt number"), max_length=40, unique=True, db_collation="C")
    designated = models.BooleanField(_("Designated"), default=False)
    designation = models.CharField(_("Designated purpose"), max_length=200, blank=True)
    matching = models.BooleanField(_("Matching funds"), default=False)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("Reverses donation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
    )
    reason = models.CharField(_("Reversal reason"), max_length=200, blank=True)
    note = models.CharField(_("Note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    #: The Idempotency-Key of the API request that recorded this entry: unique per user.
    idempotency_key = models.CharField(  # noqa: DJ001 (NULL: no key, and NULLs never clash)
        _("Idempotency key"), max_length=64, null=True, blank=True, editable=False
    )

    objects = DonationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Donation")
        verbose_name_plural = _("Donation")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount__gt=0)
                | Q(reverses__isnull=False, amount__lt=0),
                name="%(app_label)s_%(class)s_amount_positive",
                violation_error_message=_(
                    "The amount must be positive (a reversal entry is the negative of the original)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(reverses__isnull=True) | ~Q(reason=""),
                name="%(app_label)s_%(class)s_reversal_has_reason",
                violation_error_message=_("A reversal needs a reason."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=DonationKind.IN_KIND) | ~Q(in_kind_description=""),
                name="%(app_label)s_%(class)s_in_kind_described",
                violation_error_message=_("A donation in kind needs the goods and their quantity."),
            ),
            models.CheckConstraint(
                condition=Q(designated=False) | ~Q(designation=""),
                name="%(app_label)s_%(class)s_designation_given",
                violation_error_message=_("A designated donation needs its purpose."),
            ),
            models.CheckConstraint(
                condition=~Q(reverses=models.F("pk")),
                name="%(app_label)s_%(class)s_not_own_reversal",
                violation_error_message=_("A donation cannot reverse itself."),
            ),
            *record_date("received_on"),
            models.UniqueConstraint(
                fields=["recorded_by", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="%(app_label)s_%(class)s_idempotency_key_per_user",
                violation_error_message=_("This idempotency key is already in use."),
            ),
        ]
        indexes = [
            # Raw county-level reads and exports of a subtree by date.
            models.Index(
                fields=["region_code", "received_on"],
                include=["amount", "campaign"],
                name="funds_donation_region_date_idx",
            ),
        ]
        triggers = [
            copy_region_code_trigger(
                name="funds_donation_region_code",
                source_table="orgs_branch",
                source_key="branch",
                column="region_id",
            ),
            # Append-only: only the copied region code may follow a branch that moved.
            pgtrigger.Protect(
                name="funds_donation_append_only",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(exclude=["region_code", "updated_at"]),
            ),
            pgtrigger.Protect(name="funds_donation_never_deleted", operation=pgtrigger.Delete),
        ]

    def __str__(self):
        return f"{self.receipt_no} ¥{self.amount}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


from funds.summaries import DonationSummary  # noqa: E402,F401  (registers the summary models)
