"""API responses that show ID and phone numbers in full are logged, once per response."""

from rest_framework import serializers

from core.access import Action, can
from core.audit import log_personal_data_shown
from core.context import Source


class LogsPersonalDataViews:
    """Mixed into a serializer with ``masked_fields``: log the records it shows in full.

    A detail response logs its record; a list logs its page's ids in one row, when the first
    record of the page is shown (the page is in memory by then: no query but the log's).
    """

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if self.masked_fields and can(user, Action.VIEW_PERSONAL_DATA):
            ids = self._shown_ids(instance)
            if ids:
                log_personal_data_shown(
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
