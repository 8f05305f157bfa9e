"""Admin screens of donors, campaigns and donations; a donation is reversed, never edited."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.access import Action, can
from core.admin import (
    ScopedAdmin,
    add_service_errors,
    masked_column,
    year_filter,
)
from funds.choices import DonationStatus
from funds.models import Campaign, Donation, Donor
from funds.selectors import campaign_list, donation_list, donor_list
from funds.services import campaign_create, donation_record, donation_reverse, donor_create
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
    list_display = ["name", "kind", "region", "parent", "starts_on", "ends_on", "target_amount"]
    list_filter = [RegionFilter, "kind", year_filter("starts_on")]
    search_fields = ["name"]
    autocomplete_fields = ["region", "parent"]


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


class DonationReverseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reversal reason"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the donation was recorded wrongly, e.g. a wrong amount or branch."),
    )


@admin.register(Donation)
class DonationAdmin(ScopedAdmin):
    selector = staticmethod(donation_list)
    create_service = staticmethod(donation_record)
    # A donation is recorded once: a mistake is corrected by a reversal entry.
    changeable = False
    deletable = False
    form = DonationForm
    list_display = [
        "receipt_no",
        "received_on",
        "branch",
        "donor",
        "campaign",
        "amount",
        "kind",
        "channel",
        "status",
    ]
    list_filter = [RegionFilter, DonationStatusFilter, "kind", "channel"]
    date_hierarchy = "received_on"
    search_fields = ["=receipt_no", "donor__name", "campaign__name", "branch__name"]
    search_help_text = _("A whole receipt number, or part of a donor, campaign or branch name.")
    autocomplete_fields = ["branch", "donor", "campaign"]
    add_fields = [
        "branch",
        "donor",
        "campaign",
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
    fields = [*add_fields, "status", "reverses", "reason", "recorded_by", "created_at"]
    readonly_fields = ["status", "created_at"]
    change_form_template = "admin/funds/donation/change_form.html"

    @admin.display(description=_("Status"), ordering="status")
    def status(self, donation):
        return DonationStatus(donation.status).label

    def get_urls(self):
        reverse_url = path(
            "<path:object_id>/reverse/",
            self.admin_site.admin_view(self.reverse_view),
            name="funds_donation_reverse",
        )
        # Before the catch-all "<object_id>/" pattern of the default URLs.
        return [reverse_url, *super().get_urls()]

    def can_reverse(self, request, donation) -> bool:
        """Whether the user may reverse this donation: a writer, and nothing reversed it yet."""
        return (
            can(request.user, Action.REVERSE, donation)
            and donation.status == DonationStatus.RECORDED
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_reverse"] = obj is not None and self.can_reverse(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def reverse_view(self, request, object_id):
        """A small form asking why; saving it records the reversal entry through the service."""
        donation = self.get_object(request, unquote(object_id))
        if not self.can_reverse(request, donation):
            raise PermissionDenied
        form = DonationReverseForm(request.POST or None)
        if form.is_valid():
            try:
                reversal = donation_reverse(
                    donation=donation, reason=form.cleaned_data["reason"], user=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self._reversed(request, reversal)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": donation,
            "form": form,
            "title": gettext("Reverse donation %(receipt_no)s")
            % {"receipt_no": donation.receipt_no},
        }
        return TemplateResponse(request, "admin/funds/donation/reverse.html", context)

    def _reversed(self, request, reversal):
        self.log_addition(request, reversal, [{"added": {}}])
        self.message_user(
            request,
            gettext("Reversal entry %(receipt_no)s recorded.")
            % {"receipt_no": reversal.receipt_no},
        )
        return redirect(reverse("admin:funds_donation_change", args=[reversal.pk]))
