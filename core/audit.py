"""Events the history app records, sent by the base classes that cannot import it.

``personal_data_shown`` is sent once per response that showed ID or phone numbers in full
(admin page, API response, export file); the history app's receiver writes the log row
(``history.audit``). Sending it costs that one insert, nothing else.
"""

from collections.abc import Iterable

from django.db import models
from django.dispatch import Signal

#: Sent with user, model, object_ids, fields, source, request.
personal_data_shown = Signal()


def log_personal_data_shown(
    *,
    user,
    model: type[models.Model] | models.Model,
    object_ids: Iterable,
    fields: Iterable[str],
    source: str,
    request=None,
    searched: bool = False,
) -> None:
    """Record that ``user`` saw ``fields`` of the ``object_ids`` rows of ``model`` in full.

    ``searched``: the user searched by those fields (a phone or ID number); logged even when
    nothing was found, with the fields named ``search:<field>``.
    """
    ids = [str(pk) for pk in object_ids]
    if searched:
        fields = [f"search:{name}" for name in fields]
    if ids or searched:
        personal_data_shown.send(
            sender=model if isinstance(model, type) else type(model),
            user=user,
            object_ids=ids,
            fields=list(fields),
            source=source,
            request=request,
        )
