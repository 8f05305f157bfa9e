"""The members app's to-do items (core.todo)."""

from django.utils.translation import gettext_lazy as _

from core import todo
from core.access import Action
from members.choices import ServiceRecordStatus
from members.models import ServiceRecord

todo.register(
    key="service_records_pending",
    label=_("Service records pending approval"),
    action=Action.APPROVE,
    rows=lambda: ServiceRecord.objects.filter(status=ServiceRecordStatus.PENDING),
    url=todo.changelist(ServiceRecord, status__exact=ServiceRecordStatus.PENDING),
)
