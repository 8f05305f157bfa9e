"""Recording who saw ID and phone numbers in full (one row per response, never per field)."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models, router
from django.db.models.sql import InsertQuery

from core.audit import AuditKind
from core.context import client_address
from history import audit_trail
from history.models import PersonalDataView


def record_personal_data_view(
    *,
    user,
    model: type[models.Model] | models.Model,
    object_ids: Iterable,
    fields: Iterable[str],
    source: str,
    request=None,
) -> PersonalDataView | None:
    """Write one row: ``user`` saw ``fields`` of the ``object_ids`` rows of ``model`` in full.

    One query (the content type comes from Django's cache). Nothing is written for an
    empty page.
    """
    ids = [str(pk) for pk in object_ids]
    fields = list(fields)
    searched = any(name.startswith("search:") for name in fields)
    if not ids and not searched:
        return None
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    signed_in = user is not None and user.is_authenticated
    view = PersonalDataView(
        user=user if signed_in else None,
        username=user.get_username() if signed_in else "",
        user_region=getattr(user, "region_id", None) or "",
        source=str(source),
        ip=client_address(request),
        url=request.get_full_path() if request is not None else "",
        content_type=content_type,
        model=model._meta.label,
        object_ids=ids,
        fields=list(fields),
    )
    # The log row and its event in the audit trail, in one statement (one query).
    view.pk = audit_trail.record(
        AuditKind.PERSONAL_DATA_VIEW,
        user=user,
        request=request,
        target=PersonalDataView,
        detail={
            "model": view.model,
            "fields": view.fields,
            "rows": len(ids),
            "source": view.source,
        },
        also=_insert_sql(view),
    )
    view._state.adding = False
    return view


def _insert_sql(view: PersonalDataView) -> tuple[str, list]:
    """``INSERT … RETURNING id`` of the log row, as the ORM would write it."""
    meta = PersonalDataView._meta
    query = InsertQuery(PersonalDataView)
    query.insert_values([f for f in meta.concrete_fields if not f.primary_key], [view])
    compiler = query.get_compiler(router.db_for_write(PersonalDataView))
    compiler.returning_fields = [meta.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, list(params)


def on_personal_data_shown(sender, *, user, object_ids, fields, source, request=None, **kwargs):
    """Receiver of ``core.audit.personal_data_shown``: one log row per response."""
    record_personal_data_view(
        user=user,
        model=sender,
        object_ids=object_ids,
        fields=fields,
        source=source,
        request=request,
    )
