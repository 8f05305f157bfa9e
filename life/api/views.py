"""The activity endpoint: the ledger of activities the branches held."""

from core.api.base import NO_DELETE, AttachmentMixin, ScopedViewSet
from life.api import serializers as s
from life.filtersets import ActivityFilterSet
from life.models import Activity
from life.selectors import activity_list
from life.services import activity_record, activity_update


class ActivityViewSet(AttachmentMixin, ScopedViewSet):
    """Activities are recorded and corrected; an activity entered late is flagged, not refused."""

    http_method_names = NO_DELETE
    queryset = Activity.objects.all()
    selector = activity_list
    serializer_class = s.ActivitySerializer
    update_serializer_class = s.ActivityUpdateSerializer
    filterset_class = ActivityFilterSet
    create_service = activity_record

    def update_record(self, instance, fields):
        return activity_update(activity=instance, user=self.request.user, **fields)
