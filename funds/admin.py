"""Admin screens of donors, campaigns, funds, donations and spendings; a donation or a
spending is reversed, never edited."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.access import Action, can
from core.admin import (
    AttachmentAdmin,
    ScopedAdmin,
    add_service_errors,
    masked_column,
    money_column,
    year_filter,
)
from funds.choices import DonationStatus, ReversalKind, SpendingStatus
from funds.models import Campaign, Donation, Donor, Fund, Spending
from funds.selectors import campaign_list, donation_list, donor_list, fund_list, spending_list
from funds.services import (
    campaign_create,
    donation_record,
    donation_reverse,
    donor_create,
    fund_create,
    spending_record,
    spending_reverse,
)
from orgs.admin import RegionFilter
from orgs.validators import mask_id_number, mask_phone


class RulesInServiceForm(forms.ModelForm):
    """An add form that leaves the record's rules to its service (``funds.rules``).

    The service shows each broken rule beside its field, in the words every other way in
    uses. Checking the model's constraints and unique fields here first would refuse the
    same mistakes in other words, above the form, with a query each. A change (no service)
    keeps those checks.
    """

    def validate_unique(self):
        if self.instance.pk is not None:
            super().validate_unique()

    def validate_constraints(self):
        if self.instance.pk is not None:
            super().validate_constraints()


@admin.register(Donor)
class DonorAdmin(ScopedAdmin):
    selector = staticmethod(donor_list)
    create_service = staticmethod(donor_create)
    form = RulesInServiceForm
    list_display = ["name", "kind", "region", "masked_identifier", "masked_phone"]
    list_filter = [RegionFilter, "kind"]
    search_fields = ["name", "=identifier"]
    search_help_text = _("Part of a name, or a whole ID number or credit code.")
    autocomplete_fields = ["region"]
    masked_identifier = masked_column(
        "identifier", mask_id_number, _("ID number or unified social credit code")
    )
    masked_phone = masked_column("phone", mask_phone, _("Phone"))


@admin.register(Campaign)
class CampaignAdmin(ScopedAdmin):
    selector = staticmethod(campaign_list)
    create_service = staticmethod(campaign_create)
    list_display = ["name", "kind", "region", "parent", "starts_on", "ends_on", "target"]
    list_filter = [RegionFilter, "kind", year_filter("starts_on")]
    search_fields = ["name"]
    autocomplete_fields = ["region", "parent"]
    target = money_column("target_amount", _("Target amount (yuan)"))


def reversal_note(donation) -> str:
    """ "Reversed by entry T-2026-2 (linked) on 2026-12-01 09:30.", or "" for a donation
    nothing reversed (one query). The entry copies the donation's branch: the same scope."""
    try:
        entry = donation.reversal
    except Donation.DoesNotExist:
        return ""
    return format_html(
        gettext("Reversed by entry {entry} on {at}."),
        entry=format_html(
            '<a href="{}">{}</a>',
            reverse("admin:funds_donation_change", args=[entry.pk]),
            entry.receipt_no,
        ),
        at=date_format(timezone.localtime(entry.created_at), "Y-m-d H:i"),
    )


class DonationStatusFilter(admin.SimpleListFilter):
    """Recorded, reversed, or a reversal entry (the ``status`` donation_list annotates)."""

    title = _("Status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return DonationStatus.choices

    def queryset(self, request, queryset):
        if self.value() in DonationStatus.values:
            return queryset.filter(status=self.value())
        return queryset


class DonationForm(RulesInServiceForm):
    receipt_no = forms.CharField(
        label=_("Receipt number"),
        max_length=40,
        required=False,
        help_text=_("Leave empty to have the next receipt number assigned."),
    )


class ReverseForm(forms.Form):
    """What a reversal asks: whether it corrects the original's period or is a refund booked
    today, and why."""

    kind = forms.ChoiceField(
        label=_("Reversal kind"),
        choices=ReversalKind.choices,
        initial=ReversalKind.CORRECTION,
        widget=forms.RadioSelect,
        required=False,
        help_text=_(
            "A correction (冲正) of an entry recorded wrongly takes it out of the figures of its "
            "own year; a refund (退款) of money paid back is booked in the figures of today."
        ),
    )

    def clean_kind(self) -> str:
        """The kind chosen; a correction when none is (as the API's default)."""
        return self.cleaned_data["kind"] or ReversalKind.CORRECTION


class DonationReverseForm(ReverseForm):
    reason = forms.CharField(
        label=_("Reversal reason"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the donation was recorded wrongly, e.g. a wrong amount or branch."),
    )


class LedgerAdmin(ScopedAdmin):
    """The admin of an append-only ledger (donations, spendings): entries are added once and
    corrected by a reversal entry, recorded through the ledger's service from a small form
    at ``<id>/reverse/``. Each ledger names its service, form, number field and texts."""

    # An entry is recorded once: a mistake is corrected by a reversal entry.
    changeable = False
    deletable = False
    reverse_service: staticmethod
    reverse_form: type[forms.Form]
    number_field: str
    recorded: str
    reverse_title: str
    reversed_message: str

    def get_urls(self):
        reverse_url = path(
            "<path:object_id>/reverse/",
            self.admin_site.admin_view(self.reverse_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_reverse",
        )
        # Before the catch-all "<object_id>/" pattern of the default URLs.
        return [reverse_url, *super().get_urls()]

    def can_reverse(self, request, entry) -> bool:
        """Whether the user may reverse this entry: a writer, and nothing reversed it yet."""
        return can(request.user, Action.REVERSE, entry) and entry.status == self.recorded

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_reverse"] = obj is not None and self.can_reverse(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def reverse_view(self, request, object_id):
        """A small form asking why; saving it records the reversal entry through the service."""
        entry = self.get_object(request, unquote(object_id))
        if not self.can_reverse(request, entry):
            raise PermissionDenied
        form = self.reverse_form(request.POST or None)
        if form.is_valid():
            arguments = {self.opts.model_name: entry, **form.cleaned_data}
            try:
                reversal = self.reverse_service(**arguments, user=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self._reversed(request, reversal)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": entry,
            "form": form,
            "title": self._numbered(self.reverse_title, entry),
        }
        template = f"admin/{self.opts.app_label}/{self.opts.model_name}/reverse.html"
        return TemplateResponse(request, template, context)

    def _reversed(self, request, reversal):
        self.log_addition(request, reversal, [{"added": {}}])
        self.message_user(request, self._numbered(self.reversed_message, reversal))
        change = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
        return redirect(reverse(change, args=[reversal.pk]))

    def _numbered(self, text, entry) -> str:
        return str(text) % {self.number_field: getattr(entry, self.number_field)}


@admin.register(Donation)
class DonationAdmin(LedgerAdmin):
    selector = staticmethod(donation_list)
    create_service = staticmethod(donation_record)
    reverse_service = staticmethod(donation_reverse)
    reverse_form = DonationReverseForm
    number_field = "receipt_no"
    recorded = DonationStatus.RECORDED
    reverse_title = _("Reverse donation %(receipt_no)s")
    reversed_message = _("Reversal entry %(receipt_no)s recorded.")
    form = DonationForm
    list_display = [
        "receipt_no",
        "received_on",
        "branch",
        "donor",
        "campaign",
        "money",
        "kind",
        "channel",
        "status",
    ]
    list_filter = [RegionFilter, DonationStatusFilter, "kind", "channel"]
    date_hierarchy = "received_on"
    search_fields = ["=receipt_no", "donor__name", "campaign__name", "branch__name"]
    search_help_text = _("A whole receipt number, or part of a donor, campaign or branch name.")
    autocomplete_fields = ["branch", "donor", "campaign", "fund"]
    add_fields = [
        "branch",
        "donor",
        "campaign",
        "fund",
        "kind",
        "amount",
        "in_kind_description",
        "channel",
        "received_on",
        "receipt_no",
        "designated",
        "designation",
        "matching",
        "note",
    ]
    fields = [
        *[("money" if name == "amount" else name) for name in add_fields],
        "status",
        "reversed_by",
        "reverses",
        "reversal_kind",
        "reason",
        "recorded_by",
        "created_at",
    ]
    readonly_fields = ["money", "status", "reversed_by", "created_at"]
    money = money_column("amount", _("Amount or value (yuan)"))
    change_form_template = "admin/funds/donation/change_form.html"

    @admin.display(description=_("Status"), ordering="status")
    def status(self, donation):
        return DonationStatus(donation.status).label

    @admin.display(description=_("Reversed by"))
    def reversed_by(self, donation):
        """The entry that reversed the donation, linked, and when; a dash if none did."""
        return reversal_note(donation) or "—"

    def history_notes(self, request, donation) -> list[str]:
        """What the record's history page says above its changes: the reversal, if any."""
        note = reversal_note(donation)
        return [note] if note else []


@admin.register(Fund)
class FundAdmin(ScopedAdmin):
    selector = staticmethod(fund_list)
    create_service = staticmethod(fund_create)
    form = RulesInServiceForm
    # A fund's balance follows its donations and spendings; the fund itself stays as opened.
    changeable = False
    deletable = False
    list_display = ["__str__", "kind", "branch", "campaign", "received", "spent", "balance"]
    list_filter = [RegionFilter, "kind"]
    search_fields = ["name", "project", "branch__name", "campaign__name"]
    autocomplete_fields = ["branch", "campaign"]
    add_fields = ["branch", "kind", "name", "campaign", "project"]
    fields = [*add_fields, "received", "spent", "balance", "created_at"]
    readonly_fields = ["received", "spent", "balance", "created_at"]

    @admin.display(description=_("Money received (yuan)"), ordering="received")
    def received(self, fund):
        return fund.received

    @admin.display(description=_("Money spent (yuan)"), ordering="spent")
    def spent(self, fund):
        return fund.spent

    @admin.display(description=_("Balance (yuan)"), ordering="balance")
    def balance(self, fund):
        return fund.balance


class SpendingStatusFilter(DonationStatusFilter):
    """Recorded, reversed, or a reversal entry (the ``status`` spending_list annotates)."""

    def lookups(self, request, model_admin):
        return SpendingStatus.choices


class SpendingReverseForm(ReverseForm):
    reason = forms.CharField(
        label=_("Reversal reason"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the spending was recorded wrongly, e.g. a wrong amount or fund."),
    )


@admin.register(Spending)
class SpendingAdmin(AttachmentAdmin, LedgerAdmin):
    selector = staticmethod(spending_list)
    create_service = staticmethod(spending_record)
    reverse_service = staticmethod(spending_reverse)
    reverse_form = SpendingReverseForm
    number_field = "voucher_no"
    recorded = SpendingStatus.RECORDED
    reverse_title = _("Reverse spending %(voucher_no)s")
    reversed_message = _("Reversal entry %(voucher_no)s recorded.")
    form = RulesInServiceForm
    list_display = [
        "voucher_no",
        "spent_on",
        "fund",
        "category",
        "project",
        "payee",
        "amount",
        "status",
    ]
    list_filter = [RegionFilter, SpendingStatusFilter, "category"]
    date_hierarchy = "spent_on"
    search_fields = ["=voucher_no", "payee", "project", "fund__name", "fund__project"]
    search_help_text = _("A whole voucher number, or part of a payee, project or fund name.")
    autocomplete_fields = ["fund"]
    add_fields = [
        "fund",
        "amount",
        "category",
        "spent_on",
        "project",
        "payee",
        "purpose",
        "voucher_no",
        "attachment",
    ]
    fields = [
        *add_fields[:-1],
        "voucher_file",
        "status",
        "reverses",
        "reversal_kind",
        "reason",
        "recorded_by",
        "created_at",
    ]
    readonly_fields = ["voucher_file", "status", "created_at"]
    change_form_template = "admin/funds/spending/change_form.html"

    @admin.display(description=_("Status"), ordering="status")
    def status(self, spending):
        return SpendingStatus(spending.status).label

    @admin.display(description=_("Attachment"))
    def voucher_file(self, spending):
        return self.attachment_link(spending)
