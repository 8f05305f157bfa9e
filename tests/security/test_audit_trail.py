"""The audit trail of security events: every door records, the chain shows tampering, old
months are archived and dropped, concurrent writers keep one chain, the auditor reads it."""

import csv
import datetime as dt
import gzip
import io
import threading

import pytest
from django.core.management import call_command
from django.db import IntegrityError, InternalError, connection, connections, transaction
from django.test import override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.access import UserRole
from core.audit import AuditKind, Outcome
from history import audit_trail
from history.models import AuditChainHead, AuditEvent, AuditPrune, PersonalDataView
from members.models import Member
from tests.conftest import QINGYUAN, make_user

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def events(kind) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=kind).order_by("seq"))


def verify() -> tuple[int, str]:
    """``manage.py verify_audit``: its exit code and what it said."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, err.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def auditor(db):
    return make_user("qingyuan-audit", region=QINGYUAN, role=UserRole.AUDITOR, is_staff=True)


# Every door -----------------------------------------------------------------------------------


def test_a_failed_admin_login_is_recorded_with_the_name_tried_and_the_address(client, county_staff):
    client.post(
        "/admin/login/",
        {"username": "qingyuan-staff", "password": "wrong"},
        REMOTE_ADDR="10.1.2.3",
    )
    [failure] = events(AuditKind.LOGIN_FAILED)
    assert (failure.username, failure.ip, failure.outcome) == (
        "qingyuan-staff",
        "10.1.2.3",
        Outcome.FAILURE,
    )
    assert failure.source == "admin"
    assert failure.user_id is None  # nobody signed in


def test_a_failed_token_request_is_recorded_and_an_issued_token_too(api, county_staff):
    refused = api().post(TOKEN, {"username": "qingyuan-staff", "password": "wrong"}, format="json")
    issued = api().post(
        TOKEN, {"username": "qingyuan-staff", "password": "pw-qingyuan-staff"}, format="json"
    )
    assert (refused.status_code, issued.status_code) == (400, 200)
    [failure] = events(AuditKind.LOGIN_FAILED)
    assert (failure.username, failure.source) == ("qingyuan-staff", "api")
    # (Tests over real HTTP commit their events: only this account's.)
    [token] = [e for e in events(AuditKind.TOKEN_ISSUED) if e.user_id == county_staff.pk]
    assert (token.user_id, token.detail["token"]) == (county_staff.pk, issued.json()["id"])
    assert issued.json()["token"] not in str(token.detail)  # never the key itself


def test_login_logout_and_a_lockout_are_recorded(client, county_staff):
    client.post("/accounts/login/", {"username": "qingyuan-staff", "password": "pw-qingyuan-staff"})
    client.post("/accounts/logout/")
    for _ in range(3):
        client.post("/accounts/login/", {"username": "qingyuan-staff", "password": "wrong"})
    assert [e.user_id for e in events(AuditKind.LOGIN)] == [county_staff.pk]
    assert [e.user_id for e in events(AuditKind.LOGOUT)] == [county_staff.pk]
    assert len(events(AuditKind.LOGIN_FAILED)) == 3
    [lockout] = events(AuditKind.LOCKOUT)
    assert lockout.username == "qingyuan-staff"


def test_a_refusal_is_recorded_in_the_admin_and_the_api(client, api, city_official):
    client.force_login(city_official)
    assert client.get("/admin/funds/donation/add/").status_code == 403
    answer = api(city_official).post("/api/v1/donations/", {"amount": "1.00"}, format="json")
    assert answer.status_code == 403
    refusals = events(AuditKind.PERMISSION_DENIED)
    assert [(e.source, e.detail["path"]) for e in refusals] == [
        ("admin", "/admin/funds/donation/add/"),
        ("api", "/api/v1/donations/"),
    ]
    assert {e.user_id for e in refusals} == {city_official.pk}
    assert {e.outcome for e in refusals} == {Outcome.FAILURE}


def test_a_role_change_in_the_admin_is_recorded_with_who_made_it(client, county_admin):
    clerk = make_user("clerk", region=QINGYUAN, role=UserRole.VIEWER, is_staff=True)
    client.force_login(county_admin)
    answer = client.post(
        f"/admin/portal/user/{clerk.pk}/change/",
        {
            "username": "clerk",
            "region": QINGYUAN,
            "role": UserRole.STAFF,
            "is_staff": "on",
            "is_active": "on",
        },
    )
    assert answer.status_code == 302
    change = events(AuditKind.ROLE_CHANGED)[-1]
    assert (change.user_id, change.model, change.object_id) == (
        county_admin.pk,
        "portal.User",
        str(clerk.pk),
    )
    assert change.detail["changes"] == {"role": ["viewer", "staff"]}
    assert change.source == "admin"


def test_adduser_records_a_new_role_and_says_nothing_when_nothing_changes(db):
    call_command("adduser", "new-admin", region=QINGYUAN, role="staff", stdout=io.StringIO())
    call_command("adduser", "new-admin", region=QINGYUAN, role="admin", stdout=io.StringIO())
    call_command("adduser", "new-admin", region=QINGYUAN, role="admin", stdout=io.StringIO())
    changes = [e.detail["changes"].get("role") for e in events(AuditKind.ROLE_CHANGED)]
    assert changes[-2:] == [[None, "staff"], ["staff", "admin"]]


def test_a_token_revoked_in_the_admin_is_recorded(client, county_admin, county_staff):
    token = Token.objects.create(user=county_staff)
    client.force_login(county_admin)
    answer = client.post(f"/admin/authtoken/tokenproxy/{token.user_id}/delete/", {"post": "yes"})
    assert answer.status_code == 302
    [revoked] = events(AuditKind.TOKEN_REVOKED)
    assert (revoked.user_id, revoked.object_id) == (county_admin.pk, str(county_staff.pk))


def test_a_confirmed_import_is_recorded_with_its_outcome(county_staff, monkeypatch):
    from imports.importers import MemberImporter
    from imports.services import import_check, import_confirm
    from tests.factories import BranchFactory
    from tests.imports.conftest import csv_bytes, sheet
    from tests.imports.test_engine import member

    BranchFactory(name="天玉镇红十字会", region_id="360803100")
    data = csv_bytes(sheet("members", member()))
    job = import_check(user=county_staff, kind="members", file_name="f.csv", data=data)

    def broken(self):
        raise IntegrityError("events refused")

    monkeypatch.setattr(MemberImporter, "after_write", broken)
    import_confirm(job=job, user=county_staff)
    monkeypatch.undo()
    import_confirm(job=job, user=county_staff)
    confirmed = events(AuditKind.IMPORT_CONFIRMED)
    assert [(e.outcome, e.detail["status"]) for e in confirmed] == [
        (Outcome.FAILURE, "failed"),
        (Outcome.SUCCESS, "done"),
    ]
    assert {(e.user_id, e.model, e.object_id) for e in confirmed} == {
        (county_staff.pk, "imports.ImportJob", str(job.pk))
    }


def test_a_personal_data_view_is_one_row_of_each_log_linked(county_staff):
    from history.audit import record_personal_data_view

    view = record_personal_data_view(
        user=county_staff, model=Member, object_ids=[4, 5], fields=["phone"], source="admin"
    )
    [event] = events(AuditKind.PERSONAL_DATA_VIEW)
    assert PersonalDataView.objects.get(pk=view.pk).object_ids == ["4", "5"]
    assert (event.model, event.object_id) == ("history.PersonalDataView", str(view.pk))
    assert event.detail == {
        "model": "members.Member",
        "fields": ["phone"],
        "rows": 2,
        "source": "admin",
    }
    assert verify()[0] == 0


def test_a_superusers_admin_change_is_flagged(client, superuser):
    clerk = make_user("clerk", region=QINGYUAN, role=UserRole.VIEWER, is_staff=True)
    client.force_login(superuser)
    client.post(
        f"/admin/portal/user/{clerk.pk}/change/",
        {"username": "clerk", "region": QINGYUAN, "role": UserRole.STAFF, "is_active": "on"},
    )
    [action] = events(AuditKind.SUPERUSER_ACTION)
    assert action.superuser is True
    assert action.detail["object_id"] == str(clerk.pk)
    assert events(AuditKind.ROLE_CHANGED)[-1].superuser is True


# The auditor reads it -------------------------------------------------------------------------


def test_the_auditor_lists_filters_and_exports_the_trail_and_others_do_not(
    client, auditor, county_admin, django_assert_num_queries
):
    audit_trail.record(AuditKind.LOGIN_FAILED, username="somebody", outcome=Outcome.FAILURE)
    client.force_login(auditor)
    client.get("/admin/")  # the session's user and the content types are loaded once
    url = "/admin/history/auditevent/?kind=login_failed&outcome=failure"
    # session, user, the user's permissions and their groups' (the admin's checks), the user
    # filter's names, the count of the filtered rows, the page's rows, the write context
    # (pghistory) and the read's own event
    with django_assert_num_queries(8):
        page = client.get(url)
    assert page.status_code == 200
    assert "somebody" in page.content.decode()
    export = client.get("/admin/history/auditevent/export/?kind=login_failed&format=csv")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "somebody" in text
    [exported] = events(AuditKind.EXPORT)
    assert exported.model == "history.AuditEvent"
    assert events(AuditKind.AUDIT_READ)[0].superuser is False

    client.force_login(county_admin)
    assert client.get("/admin/history/auditevent/").status_code == 403
    assert client.get("/admin/history/auditevent/export/").status_code == 403


def test_a_superusers_reading_of_the_trail_is_flagged(client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/history/auditevent/").status_code == 200
    [read] = events(AuditKind.AUDIT_READ)
    assert (read.user_id, read.superuser) == (superuser.pk, True)


# The chain ------------------------------------------------------------------------------------


def tampered(sql: str, *params) -> None:
    """Run ``sql`` with the append-only trigger off, as a database superuser could."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


@pytest.fixture
def chain(db):
    """Five events of an otherwise empty trail."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE history_auditevent")
    AuditChainHead.objects.update_or_create(pk=1, defaults={"seq": 0, "hash": audit_trail.GENESIS})
    return [
        audit_trail.record(AuditKind.LOGIN_FAILED, username=f"u{n}", outcome=Outcome.FAILURE)
        for n in range(5)
    ]


def test_the_trail_refuses_updates_and_deletes(chain):
    for sql in ("UPDATE history_auditevent SET username = 'x'", "DELETE FROM history_auditevent"):
        with (
            pytest.raises(InternalError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEvent.objects.count() == 5


def test_an_intact_chain_verifies(chain):
    assert chain == [1, 2, 3, 4, 5]
    assert verify() == (0, "The audit trail is intact: 5 events after event 0.\n")


def test_a_changed_row_is_the_first_broken_link(chain):
    tampered("UPDATE history_auditevent SET username = 'someone-else' WHERE seq = 3")
    code, message = verify()
    assert code == 1
    assert "event 3" in message


def test_a_removed_row_is_found(chain):
    tampered("DELETE FROM history_auditevent WHERE seq = 2")
    code, message = verify()
    assert (code, "event 3" in message, "missing" in message) == (1, True, True)


def test_removing_the_last_rows_is_found_by_the_head(chain):
    tampered("DELETE FROM history_auditevent WHERE seq >= 4")
    code, message = verify()
    assert (code, "event 4" in message) == (1, True)


def test_a_row_slipped_in_is_found(chain):
    tampered(
        """INSERT INTO history_auditevent (seq, created_at, kind, outcome, username, superuser,
           source, model, object_id, detail, hash)
           SELECT seq, created_at, 'login', 'success', 'intruder', false, '', '', '', '{}', hash
           FROM history_auditevent WHERE seq = 4"""
    )
    code, message = verify()
    assert (code, "event 4" in message) == (1, True)


# Retention ------------------------------------------------------------------------------------


def old_event(at: dt.datetime, username: str) -> None:
    """An event written ``at`` (months ago), chained as ``record`` chains it."""
    head = AuditChainHead.objects.get(pk=1)
    row = audit_trail.event_fields(AuditKind.LOGIN, username=username)
    seq = head.seq + 1
    digest = audit_trail.link_hash(head.hash, seq, at, row)
    AuditEvent.objects.create(seq=seq, created_at=at, hash=digest, **row)
    AuditChainHead.objects.filter(pk=1).update(seq=seq, hash=digest)


@pytest.fixture
def old_months(db):
    """Three events in March and two in April 2026 (UTC), then two of today."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE history_auditevent")
    AuditChainHead.objects.update_or_create(pk=1, defaults={"seq": 0, "hash": audit_trail.GENESIS})
    march, april = dt.datetime(2026, 3, 5, tzinfo=dt.UTC), dt.datetime(2026, 4, 9, tzinfo=dt.UTC)
    audit_trail.ensure_partitions(today=march.date(), ahead=1)
    for n in range(3):
        old_event(march + dt.timedelta(hours=n), f"march{n}")
    for n in range(2):
        old_event(april + dt.timedelta(hours=n), f"april{n}")
    for n in range(2):
        audit_trail.record(AuditKind.LOGIN, username=f"today{n}")


@override_settings(AUDIT_RETENTION_DAYS=180)
def test_prune_archives_and_drops_the_months_past_retention(old_months, tmp_path):
    assert timezone.now() - dt.timedelta(days=180) > dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    with override_settings(AUDIT_ARCHIVE_DIR=tmp_path):
        call_command("prune_audit", stdout=io.StringIO())
    names = [name for name, _start, _end in audit_trail.partitions()]
    assert "history_auditevent_y2026m03" not in names
    assert "history_auditevent_y2026m04" not in names
    assert AuditEvent.objects.count() == 2
    march, april = AuditPrune.objects.order_by("last_seq")
    assert (march.first_seq, march.last_seq, april.last_seq) == (1, 3, 5)
    assert april.file == f"history_auditevent_y2026m04-5-{april.last_hash}.csv.gz"
    with gzip.open(tmp_path / march.file, "rt", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [row["username"] for row in rows] == ["march0", "march1", "march2"]
    assert rows[-1]["hash"] == march.last_hash
    manifest = (tmp_path / "manifest.csv").read_text().splitlines()
    assert [line.split(",")[1] for line in manifest] == [march.partition, april.partition]
    # The chain goes on from the archived head, and still shows tampering.
    assert verify() == (0, "The audit trail is intact: 2 events after event 5.\n")
    tampered("UPDATE history_auditevent SET username = 'x' WHERE seq = 6")
    assert verify()[0] == 1


@override_settings(AUDIT_RETENTION_DAYS=400)
def test_prune_keeps_the_months_within_retention(old_months, tmp_path):
    with override_settings(AUDIT_ARCHIVE_DIR=tmp_path):
        call_command("prune_audit", stdout=io.StringIO())
    assert AuditEvent.objects.count() == 7
    assert not AuditPrune.objects.exists()
    assert verify()[0] == 0


# Concurrency ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain():
    """Eight threads on their own connections, each writing events in transactions that
    overlap (each holds its transaction open a moment after its insert)."""
    before = AuditEvent.objects.count()
    errors = []
    start = threading.Barrier(8)

    def writer(n):
        try:
            start.wait()
            for i in range(5):
                with transaction.atomic():
                    audit_trail.record(AuditKind.LOGIN, username=f"t{n}-{i}")
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_sleep(0.01)")
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert len(seqs) == before + 40
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # no number twice, none skipped
    assert verify()[0] == 0
