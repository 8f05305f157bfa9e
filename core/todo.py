"""The to-do list of the home page: what waits for a user in their region, item by item.

Each app declares its own items in its ``todo.py`` (found at start-up, as the admin finds
``admin.py``), a few lines each::

    todo.register(
        key="service_records_pending",
        label=_("Service records pending approval"),
        action=Action.APPROVE,
        rows=lambda: ServiceRecord.objects.filter(status=ServiceRecordStatus.PENDING),
        url=todo.changelist(ServiceRecord, status__exact=ServiceRecordStatus.PENDING),
    )

A user sees an item only when ``core.access.can(user, action, model)`` allows it (a viewer,
who cannot act, sees none); its count is one query over the rows ``visible_to`` the user
(or those ``scope`` keeps, for records that belong to a person rather than a region). An
item with nothing waiting is listed as done, so the list reads the same every day.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.module_loading import autodiscover_modules

from core.access import Action, can, visible_to

#: The items by key, in the order they were registered (the apps' order in INSTALLED_APPS).
REGISTRY: dict[str, "TodoItem"] = {}


@dataclass(frozen=True)
class TodoItem:
    """A kind of work that waits: the rows it counts, who may act on it, where it is done."""

    key: str
    label: str
    action: Action
    rows: Callable[[], QuerySet]
    url: Callable[[], str]
    scope: Callable[[object, QuerySet], QuerySet] = visible_to
    #: The kind of record the work is done to, when not the kind counted (an assessment is
    #: added for each branch not assessed).
    acts_on: type | None = None

    @property
    def model(self):
        return self.acts_on or self.rows().model

    def applies_to(self, user) -> bool:
        """Whether the user's role may do the work (no query)."""
        return can(user, self.action, self.model)

    def count(self, user) -> int:
        """The rows waiting for the user (one query)."""
        return self.scope(user, self.rows()).count()


@dataclass(frozen=True)
class TodoEntry:
    """An item as the home page shows it to one user."""

    key: str
    label: str
    count: int
    url: str

    @property
    def done(self) -> bool:
        return self.count == 0


def register(**fields) -> TodoItem:
    """Declare an item (``TodoItem``'s fields, by keyword); a key registers once."""
    item = TodoItem(**fields)
    if item.key in REGISTRY:
        raise ValueError(f"The to-do item {item.key!r} is registered twice.")
    REGISTRY[item.key] = item
    return item


def changelist(model, **filters) -> Callable[[], str]:
    """The admin list of ``model`` filtered by ``filters`` (its query string), resolved late."""

    def url() -> str:
        opts = model._meta
        path = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        return f"{path}?{urlencode(filters)}" if filters else path

    return url


def page(name: str, **filters) -> Callable[[], str]:
    """A named page (``app:view``), with ``filters`` as its query string, resolved late."""

    def url() -> str:
        return f"{reverse(name)}?{urlencode(filters)}" if filters else reverse(name)

    return url


def autodiscover() -> None:
    """Import every installed app's ``todo`` module (called once, at start-up)."""
    autodiscover_modules("todo")


def todo_list(*, user) -> list[TodoEntry]:
    """The items the user may act on with their counts: one query per item, none for a user
    whose role may act on none (a viewer)."""
    return [
        TodoEntry(key=item.key, label=item.label, count=item.count(user), url=item.url())
        for item in REGISTRY.values()
        if item.applies_to(user)
    ]
