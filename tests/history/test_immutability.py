"""Nobody edits or deletes history: the database refuses, whatever the path."""

import pytest
from django.db import InternalError, connection, transaction

from history.audit import record_personal_data_view
from history.models import MemberEvent, PersonalDataView
from members.models import Member
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return MemberEvent.objects.get(pgh_obj_id=MemberFactory(name="刘丽").pk)


@pytest.fixture
def view(county_staff):
    return record_personal_data_view(
        user=county_staff, model=Member, object_ids=[1], fields=["phone"], source="admin"
    )


def refused(action) -> bool:
    try:
        with transaction.atomic():
            action()
    except InternalError as error:
        return "Cannot update or delete rows" in str(error) or "append_only" in str(error)
    return False


def raw(sql: str, *params):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run


def test_events_refuse_orm_update_and_delete(event):
    event.name = "王芳"
    assert refused(event.save)
    assert refused(lambda: MemberEvent.objects.filter(pk=event.pk).update(name="王芳"))
    assert refused(event.delete)
    assert MemberEvent.objects.get(pk=event.pk).name == "刘丽"


def test_events_refuse_raw_sql_update_and_delete(event):
    assert refused(raw("UPDATE history_memberevent SET name = 'x' WHERE pgh_id = %s", event.pk))
    assert refused(raw("DELETE FROM history_memberevent WHERE pgh_id = %s", event.pk))
    assert MemberEvent.objects.filter(pk=event.pk).exists()


def test_personal_data_views_refuse_update_and_delete(view):
    assert refused(lambda: PersonalDataView.objects.filter(pk=view.pk).update(username="x"))
    assert refused(view.delete)
    assert refused(raw("DELETE FROM history_personaldataview WHERE id = %s", view.pk))
    assert PersonalDataView.objects.get(pk=view.pk).username == "qingyuan-staff"


def test_every_event_table_is_append_only():
    """Each history table carries the trigger refusing UPDATE and DELETE (the audit trail's
    partitions theirs; the trail's head is the one row that moves)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c
            WHERE c.relname LIKE 'history\\_%%' AND c.relkind = 'r'
              AND c.relname <> 'history_auditchainhead'
              AND NOT EXISTS (
                SELECT 1 FROM pg_trigger t
                WHERE t.tgrelid = c.oid
                  AND (t.tgname LIKE 'pgtrigger_append_only_%%' OR t.tgname = 'audit_append_only')
              )
            """
        )
        assert cursor.fetchall() == []
