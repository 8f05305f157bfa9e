"""API responses that show ID and phone numbers in full are logged, once per response."""

from rest_framework import serializers

from history.audit import record_personal_data_view
from history.context import Source
from portal.personal_data import can_view_personal_data


class LogsPersonalDataViews:
    """Mixed into a serializer with ``masked_fields``: log the records it shows in full.

    A detail response logs its record; a list logs its page's ids in one row, when the first
    record of the page is shown (the page is in memory by then: no query but the log's).
    """

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if self.masked_fields and can_view_personal_data(user):
            ids = self._shown_ids(instance)
            if ids:
                record_personal_data_view(
                    user=user,
                    model=self.Meta.model,
                    object_ids=ids,
                    fields=sorted(self.masked_fields),
                    source=Source.API,
                    request=request,
                )
        return data

    def _shown_ids(self, instance) -> list:
        """The ids to log now: this record's, its page's on the page's first, else none."""
        if self.parent is None:
            return [instance.pk]
        page = self.parent
        if not isinstance(page, serializers.ListSerializer) or getattr(page, "_logged", False):
            return []
        page._logged = True
        return [obj.pk for obj in page.instance] if page.instance is not None else [instance.pk]
