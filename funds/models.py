"""Donors, campaigns, donations, funds and spendings.

A donation or a spending is never changed or deleted: it is reversed. Every donation goes to a
fund of its branch; a spending pays out of one fund, whose balance never falls below zero.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import BlindIndexField, EncryptedCharField
from core.models import RegionScopedQuerySet
from core.money import yuan
from core.text import validate_visible_text
from funds.choices import (
    CampaignKind,
    DonationChannel,
    DonationKind,
    DonorKind,
    FundKind,
    ReversalKind,
    SpendingCategory,
)
from funds.validators import validate_attachment
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
    # Encrypted at rest, looked up by their blind index (core.fields).
    identifier = EncryptedCharField(
        _("ID number or unified social credit code"), max_length=18, blank=True
    )
    identifier_index = BlindIndexField(source="identifier")
    phone = EncryptedCharField(_("Phone"), max_length=20, blank=True, validators=[validate_phone])
    phone_index = BlindIndexField(source="phone")
    address = models.CharField(_("Address"), max_length=200, blank=True)

    objects = DonorQuerySet.as_manager()

    class Meta:
        verbose_name = _("Donor")
        verbose_name_plural = _("Donor")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "identifier_index"],
                condition=~Q(identifier_index=""),
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

    def get_absolute_url(self) -> str:
        """The campaign's page (the admin's "view on site")."""
        return reverse("portal:campaign_detail", args=[self.pk])


class FundQuerySet(RegionScopedQuerySet):
    def with_balance(self):
        """Annotate ``received``, ``spent`` and ``balance`` from the fund's balance row."""
        return self.annotate(
            received=models.F("balance_row__received"),
            spent=models.F("balance_row__spent"),
            balance=models.F("balance_row__balance"),
        )


class Fund(TimeStampedModel):
    """A fund (资金账户) of a branch: unrestricted, designated to a purpose, or matching funds."""

    branch = models.ForeignKey(
        Branch, verbose_name=_("Branch"), on_delete=models.PROTECT, related_name="funds"
    )
    region_code = RegionCodeField()
    kind = models.CharField(_("Fund kind"), max_length=15, choices=FundKind)
    name = models.CharField(
        _("Name"),
        max_length=200,
        blank=True,
        validators=[validate_visible_text],
        help_text=_("Leave empty for the branch's unrestricted or matching fund."),
    )
    campaign = models.ForeignKey(
        "Campaign",
        verbose_name=_("Campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funds",
        help_text=_("The campaign whose donations this designated fund holds."),
    )
    project = models.CharField(
        _("Designated project or purpose"),
        max_length=200,
        blank=True,
        validators=[validate_visible_text],
        help_text=_("What a designated fund pays for: every spending from it names this project."),
    )

    objects = FundQuerySet.as_manager()

    class Meta:
        verbose_name = _("Fund")
        verbose_name_plural = _("Fund")
        ordering = ["branch", "kind", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=FundKind.DESIGNATED, project__gt="")
                | Q(~Q(kind=FundKind.DESIGNATED), campaign__isnull=True, project=""),
                name="%(app_label)s_%(class)s_purpose_of_designated",
                violation_error_message=_(
                    "A designated fund names its project or purpose; other funds name none."
                ),
            ),
            models.UniqueConstraint(
                fields=["branch", "kind"],
                condition=~Q(kind=FundKind.DESIGNATED),
                name="%(app_label)s_%(class)s_one_general_fund_per_kind",
                violation_error_message=_(
                    "The branch has its unrestricted or matching fund already."
                ),
            ),
            models.UniqueConstraint(
                fields=["branch", "campaign"],
                name="%(app_label)s_%(class)s_one_fund_per_campaign",
                violation_error_message=_("The branch has a fund of this campaign already."),
            ),
            models.UniqueConstraint(
                fields=["branch", "project"],
                condition=Q(kind=FundKind.DESIGNATED, campaign__isnull=True),
                name="%(app_label)s_%(class)s_one_fund_per_project",
                violation_error_message=_("The branch has a fund of this project already."),
            ),
        ]
        triggers = [
            copy_region_code_trigger(
                name="funds_fund_region_code",
                source_table="orgs_branch",
                source_key="branch",
                column="region_id",
            ),
            pgtrigger.Protect(name="funds_fund_never_deleted", operation=pgtrigger.Delete),
        ]

    def __str__(self):
        if self.kind == FundKind.DESIGNATED:
            return self.name or self.project
        return self.name or str(FundKind(self.kind).label)


#: A fund's balance changes only by these triggers, as donations and spendings are inserted.
#: The funds' rows are locked in id order first (two writers of several funds cannot
#: deadlock), opened if missing, then updated: an upsert would check the balance's
#: constraint on the proposed new row, before the conflict, and refuse a negative change.
_BALANCE = """
    PERFORM 1 FROM funds_fundbalance
      WHERE fund_id IN (SELECT fund_id FROM new_rows WHERE {rows})
      ORDER BY fund_id FOR UPDATE;
    INSERT INTO funds_fundbalance (fund_id, received, spent)
    SELECT DISTINCT fund_id, 0, 0 FROM new_rows WHERE {rows} ORDER BY fund_id
    ON CONFLICT (fund_id) DO NOTHING;
    UPDATE funds_fundbalance b SET {column} = b.{column} + n.amount
      FROM (SELECT fund_id, sum(amount) AS amount FROM new_rows WHERE {rows}
             GROUP BY fund_id) n
     WHERE b.fund_id = n.fund_id;
    RETURN NULL;
"""
_RECEIVED = _BALANCE.format(rows="fund_id IS NOT NULL AND kind = 'cash'", column="received")
_SPENT = _BALANCE.format(rows="TRUE", column="spent")


def _balance_trigger(name: str, func: str) -> pgtrigger.Trigger:
    """A statement trigger adding the inserted rows' amounts to their funds' balances."""
    return pgtrigger.Trigger(
        name=name,
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=pgtrigger.Insert,
        referencing=pgtrigger.Referencing(new="new_rows"),
        func=func,
    )


class FundBalance(models.Model):
    """What a fund holds: money received less money spent, kept by triggers in the writing
    transaction; the database refuses any write that would take it below zero."""

    fund = models.OneToOneField(
        Fund,
        verbose_name=_("Fund"),
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="balance_row",
    )
    received = models.DecimalField(
        _("Money received (yuan)"), max_digits=16, decimal_places=2, default=0
    )
    spent = models.DecimalField(_("Money spent (yuan)"), max_digits=16, decimal_places=2, default=0)
    balance = models.GeneratedField(
        verbose_name=_("Balance (yuan)"),
        expression=models.F("received") - models.F("spent"),
        output_field=models.DecimalField(max_digits=16, decimal_places=2),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("Fund balance")
        verbose_name_plural = _("Fund balance")
        ordering = ["fund"]
        constraints = [
            models.CheckConstraint(
                condition=Q(received__gte=models.F("spent")),
                name="%(app_label)s_%(class)s_not_overdrawn",
                violation_error_message=_("The fund's balance cannot fall below zero."),
            ),
        ]

    def __str__(self):
        return f"{self.fund_id}: {self.received} - {self.spent}"


class LedgerQuerySet(RegionScopedQuerySet):
    """The entries of an append-only ledger (donations, spendings)."""

    def with_status(self):
        """Annotate ``is_reversed``: whether a reversal entry references the entry."""
        reversal = self.model._default_manager.filter(reverses=models.OuterRef("pk"))
        return self.annotate(is_reversed=models.Exists(reversal))


class LedgerEntry(TimeStampedModel):
    """An entry of an append-only ledger: never changed or deleted, corrected by a reversal
    entry of the negative amount (``reverses``, declared by each ledger with its own name)."""

    reason = models.CharField(_("Reversal reason"), max_length=200, blank=True)
    #: A reversal's kind: a correction is booked in its original's period (the figures of
    #: the original's year lose it), a refund on its own date. Empty for any other entry.
    reversal_kind = models.CharField(
        _("Reversal kind"), max_length=10, choices=ReversalKind, blank=True
    )
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

    class Meta:
        abstract = True

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


def ledger_constraints(*, not_own_reversal: str, date_field: str) -> list:
    """The named constraints every ledger has: positive amounts (a reversal negative), a
    reversal's reason and kind, no entry reversing itself, the record date's range, one entry per
    user and idempotency key."""
    return [
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
            condition=Q(reverses__isnull=True, reversal_kind="")
            | Q(reverses__isnull=False, reversal_kind__in=ReversalKind.values),
            name="%(app_label)s_%(class)s_reversal_kind_given",
            violation_error_message=_("A reversal is a correction or a refund; no other entry is."),
        ),
        models.CheckConstraint(
            condition=~Q(reverses=models.F("pk")),
            name="%(app_label)s_%(class)s_not_own_reversal",
            violation_error_message=not_own_reversal,
        ),
        *record_date(date_field),
        models.UniqueConstraint(
            fields=["recorded_by", "idempotency_key"],
            condition=Q(idempotency_key__isnull=False),
            name="%(app_label)s_%(class)s_idempotency_key_per_user",
            violation_error_message=_("This idempotency key is already in use."),
        ),
    ]


def ledger_triggers(table: str, balance_sql: str) -> list:
    """The triggers every ledger has: the branch's region code copied, append-only (only
    that copy may follow a branch that moved), never deleted, the fund's balance kept."""
    return [
        copy_region_code_trigger(
            name=f"{table}_region_code",
            source_table="orgs_branch",
            source_key="branch",
            column="region_id",
        ),
        pgtrigger.Protect(
            name=f"{table}_append_only",
            operation=pgtrigger.Update,
            condition=pgtrigger.AnyChange(exclude=["region_code", "updated_at"]),
        ),
        pgtrigger.Protect(name=f"{table}_never_deleted", operation=pgtrigger.Delete),
        _balance_trigger(f"{table}_fund_balance", balance_sql),
    ]


class DonationQuerySet(LedgerQuerySet):
    pass


class Donation(LedgerEntry):
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
    fund = models.ForeignKey(
        Fund,
        verbose_name=_("Fund"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donations",
        help_text=_(
            "Leave empty for the default: the campaign's designated fund, "
            "else the branch's unrestricted fund."
        ),
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
    note = models.CharField(_("Note"), max_length=200, blank=True)

    objects = DonationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Donation")
        verbose_name_plural = _("Donation")
        ordering = ["-received_on", "-id"]
        constraints = [
            *ledger_constraints(
                not_own_reversal=_("A donation cannot reverse itself."), date_field="received_on"
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
        ]
        indexes = [
            # Raw county-level reads and exports of a subtree by date.
            models.Index(
                fields=["region_code", "received_on"],
                include=["amount", "campaign"],
                name="funds_donation_region_date_idx",
            ),
        ]
        triggers = ledger_triggers("funds_donation", _RECEIVED)

    def __str__(self):
        return f"{self.receipt_no} {yuan(self.amount)}"


class SpendingQuerySet(LedgerQuerySet):
    pass


class Spending(LedgerEntry):
    """Money paid out of one fund (支出); append-only, corrected by reversal."""

    fund = models.ForeignKey(
        Fund, verbose_name=_("Fund"), on_delete=models.PROTECT, related_name="spendings"
    )
    branch = models.ForeignKey(
        Branch, verbose_name=_("Branch"), on_delete=models.PROTECT, related_name="spendings"
    )
    region_code = RegionCodeField()
    spent_on = models.DateField(_("Paid on"))
    amount = models.DecimalField(
        _("Amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        help_text=_("A reversal entry is negative."),
    )
    category = models.CharField(_("Category"), max_length=15, choices=SpendingCategory)
    project = models.CharField(
        _("Project"),
        max_length=200,
        blank=True,
        validators=[validate_visible_text],
        help_text=_("A spending from a designated fund names the fund's project or purpose."),
    )
    payee = models.CharField(_("Payee"), max_length=200, validators=[validate_visible_text])
    purpose = models.CharField(_("Purpose"), max_length=500, validators=[validate_visible_text])
    voucher_no = models.CharField(_("Voucher number"), max_length=40, db_collation="C")
    attachment = models.FileField(
        _("Attachment"),
        upload_to="spendings/%Y/%m/",
        blank=True,
        validators=[validate_attachment],
        help_text=_("The invoice or receipt: PDF, JPEG or PNG."),
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("Reverses spending"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
    )

    objects = SpendingQuerySet.as_manager()

    class Meta:
        verbose_name = _("Spending")
        verbose_name_plural = _("Spending")
        ordering = ["-spent_on", "-id"]
        constraints = [
            *ledger_constraints(
                not_own_reversal=_("A spending cannot reverse itself."), date_field="spent_on"
            ),
            models.UniqueConstraint(
                fields=["voucher_no"],
                name="%(app_label)s_%(class)s_unique_voucher_no",
                violation_error_message=_("Another spending has this voucher number."),
            ),
        ]
        indexes = [
            # Scoped lists and exports of a subtree by date.
            models.Index(fields=["region_code", "spent_on"], name="funds_spending_region_date_idx"),
        ]
        triggers = ledger_triggers("funds_spending", _SPENT)

    def __str__(self):
        return f"{self.voucher_no} {yuan(self.amount)}"


from funds.summaries import DonationSummary, SpendingSummary  # noqa: E402,F401  (registers the summary models)
