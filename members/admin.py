"""Admin screens of members, leadership, volunteer teams, volunteers and service hours."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Value, When
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.access import Action, can
from core.admin import (
    ReadOnlyTabularInline,
    ScopedAdmin,
    ScopedTabularInline,
    masked_column,
    year_filter,
)
from members.choices import ServiceRecordStatus
from members.models import (
    UNIFICATIONS,
    Member,
    MembershipEvent,
    Position,
    ServiceRecord,
    Volunteer,
    VolunteerTeam,
)
from members.selectors import (
    member_list,
    position_list,
    service_record_list,
    team_list,
    volunteer_list,
)
from members.services import (
    member_join,
    position_assign,
    service_record_submit,
    service_records_approve,
    service_records_decline,
    team_create,
    volunteer_register,
)
from orgs.admin import RegionFilter
from orgs.validators import mask_id_number, mask_phone


def ended_filter(field: str, title, current_label, ended_label) -> type[admin.SimpleListFilter]:
    """A list filter on whether the date ``field`` is still empty (a membership, a term)."""

    class EndedFilter(admin.SimpleListFilter):
        parameter_name = "ended"

        def lookups(self, request, model_admin):
            return [("no", current_label), ("yes", ended_label)]

        def queryset(self, request, queryset):
            if self.value() in ("no", "yes"):
                return queryset.filter(**{f"{field}__isnull": self.value() == "no"})
            return queryset

    EndedFilter.title = title
    return EndedFilter


class MembershipEventInline(ReadOnlyTabularInline):
    model = MembershipEvent
    fields = ["kind", "happened_on", "reason"]
    list_select_related = ["member"]
    # Events belong to the member shown; their rows carry no region of their own.
    scoped = False
    show_change_link = False


@admin.register(Member)
class MemberAdmin(ScopedAdmin):
    selector = staticmethod(member_list)
    create_service = staticmethod(member_join)
    list_display = [
        "name",
        "branch",
        "kind",
        "gender",
        "masked_phone",
        "masked_id_number",
        "joined_on",
        "left_on",
    ]
    list_filter = [
        RegionFilter,
        "kind",
        ended_filter("left_on", _("Membership"), _("Current members"), _("Left")),
        year_filter("joined_on", _("Year joined")),
    ]
    search_fields = ["name", "=phone", "=id_number"]
    search_help_text = _("Part of a name, or a whole phone or ID number.")
    autocomplete_fields = ["branch"]
    add_fields = [
        "branch",
        "kind",
        "name",
        "gender",
        "id_number",
        "phone",
        "occupation",
        "joined_on",
    ]
    inlines = [MembershipEventInline]
    masked_phone = masked_column("phone", mask_phone, _("Phone"))
    masked_id_number = masked_column("id_number", mask_id_number, _("ID number"))


class PositionInline(ScopedTabularInline):
    model = Position
    fields = ["role", "holder_name", "holder_title", "started_on", "ended_on"]


@admin.register(Position)
class PositionAdmin(ScopedAdmin):
    selector = staticmethod(position_list)
    create_service = staticmethod(position_assign)
    list_display = ["holder_name", "role", "branch", "holder_title", "started_on", "ended_on"]
    list_filter = [
        RegionFilter,
        "role",
        ended_filter("ended_on", _("Term"), _("In office"), _("Term ended")),
    ]
    search_fields = ["holder_name", "branch__name"]
    autocomplete_fields = ["branch", "member"]
    add_fields = ["branch", "role", "holder_name", "member", "holder_title", "started_on"]


class VolunteerTeamInline(ScopedTabularInline):
    model = VolunteerTeam
    fields = ["name", "service_type", "founded_on", *UNIFICATIONS]


@admin.register(VolunteerTeam)
class VolunteerTeamAdmin(ScopedAdmin):
    selector = staticmethod(team_list)
    create_service = staticmethod(team_create)
    list_display = [
        "name",
        "branch",
        "service_type",
        "volunteer_count",
        "unifications",
        "founded_on",
    ]
    list_filter = [RegionFilter, "service_type"]
    search_fields = ["name", "branch__name"]
    autocomplete_fields = ["branch"]

    @admin.display(description=_("Registered volunteers"), ordering="volunteer_count")
    def volunteer_count(self, team):
        return team.volunteer_count

    @admin.display(description=_("Six unifications"))
    def unifications(self, team):
        return f"{team.six_unifications_met}/{len(UNIFICATIONS)}"


@admin.register(Volunteer)
class VolunteerAdmin(ScopedAdmin):
    selector = staticmethod(volunteer_list)
    create_service = staticmethod(volunteer_register)
    list_display = [
        "name",
        "branch",
        "team",
        "gender",
        "masked_phone",
        "masked_id_number",
        "registered_on",
        "status",
    ]
    list_filter = [
        RegionFilter,
        "status",
        "team__service_type",
        year_filter("registered_on", _("Year registered")),
    ]
    search_fields = ["name", "=phone", "=id_number"]
    search_help_text = _("Part of a name, or a whole phone or ID number.")
    autocomplete_fields = ["branch", "team"]
    add_fields = ["branch", "team", "name", "gender", "id_number", "phone", "registered_on"]
    masked_phone = masked_column("phone", mask_phone, _("Phone"))
    masked_id_number = masked_column("id_number", mask_id_number, _("ID number"))


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ScopedAdmin):
    selector = staticmethod(service_record_list)
    create_service = staticmethod(service_record_submit)
    # Hours are reviewed with the actions below; a wrong record is declined, never edited.
    changeable = False
    deletable = False
    list_display = [
        "volunteer",
        "team",
        "served_on",
        "hours",
        "activity",
        "status",
        "reviewed_by",
    ]
    list_filter = [RegionFilter, "status", year_filter("served_on")]
    # Pending records first: they are the ones waiting for a decision; then the latest.
    ordering = [
        Case(When(status=ServiceRecordStatus.PENDING, then=Value(0)), default=Value(1)),
        "-served_on",
        "-id",
    ]
    search_fields = ["volunteer__name", "activity"]
    autocomplete_fields = ["volunteer", "team"]
    add_fields = ["volunteer", "team", "served_on", "hours", "activity"]
    fields = [*add_fields, "status", "reviewed_by", "reviewed_at"]
    actions = ["approve", "decline"]

    def has_review_permission(self, request):
        return can(request.user, Action.APPROVE, self.model)

    @admin.action(description=_("Approve the selected service hours"), permissions=["review"])
    def approve(self, request, queryset):
        self._review(request, queryset, service_records_approve)

    @admin.action(description=_("Decline the selected service hours"), permissions=["review"])
    def decline(self, request, queryset):
        self._review(request, queryset, service_records_decline)

    def _review(self, request, queryset, service) -> None:
        """Decide the pending ones of the selected records; say how many were left alone."""
        selected = queryset.count()
        try:
            decided = service(records=queryset, user=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        message = gettext(
            "Reviewed: %(decided)d. Already reviewed and left as they were: %(skipped)d."
        )
        self.message_user(request, message % {"decided": decided, "skipped": selected - decided})
