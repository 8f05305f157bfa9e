"""Reads of the members app: scoped lists with the relations their pages show."""

from django.db.models import Count, Q, QuerySet

from members.choices import VolunteerStatus
from members.models import Member, Position, ServiceRecord, Volunteer, VolunteerTeam


def member_list(*, user) -> QuerySet[Member]:
    """Members the user may see, with their branch."""
    return Member.objects.visible_to(user).select_related("branch")


def volunteer_list(*, user) -> QuerySet[Volunteer]:
    """Volunteers the user may see, with their branch and team."""
    return Volunteer.objects.visible_to(user).select_related("branch", "team")


def team_list(*, user) -> QuerySet[VolunteerTeam]:
    """Teams the user may see, with their branch; ``volunteer_count`` counts registered ones."""
    registered = Count("volunteers", filter=Q(volunteers__status=VolunteerStatus.ACTIVE))
    return (
        VolunteerTeam.objects.visible_to(user)
        .select_related("branch")
        .annotate(volunteer_count=registered)
    )


def service_record_list(*, user) -> QuerySet[ServiceRecord]:
    """Service records the user may see, with volunteer, team and reviewer."""
    return ServiceRecord.objects.visible_to(user).select_related("volunteer", "team", "reviewed_by")


def position_list(*, user) -> QuerySet[Position]:
    """Leadership positions the user may see, with their branch and member record."""
    return Position.objects.visible_to(user).select_related("branch", "member")
