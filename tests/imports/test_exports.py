"""Long exports written by the background worker: the same file as a short export, scoped,
logged, downloaded by its requester alone, counted on the to-do list until downloaded."""

import csv
import datetime
import io
import os

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core import exports as core_exports
from core import todo
from imports.exports import prune_exports
from imports.models import ExportJob, ExportStatus
from orgs.choices import BranchKind
from tests.conftest import JIZHOU, TIANYU
from tests.factories import BranchFactory, MemberFactory
from tests.imports.conftest import run_queued_tasks

pytestmark = pytest.mark.django_db

URL = reverse("admin:members_member_export")
ID_NUMBER = "360803199001011234"


@pytest.fixture(autouse=True)
def files(settings, tmp_path):
    """Export files under a temporary MEDIA_ROOT; lists above 2 rows go to the worker."""
    settings.MEDIA_ROOT = tmp_path
    settings.EXPORT_BACKGROUND_ROWS = 2


@pytest.fixture
def members():
    """Three members of 天玉镇 and one of the sibling county 吉州区."""
    tianyu = BranchFactory(name="天玉镇红十字会", region_id=TIANYU)
    found = [MemberFactory(branch=tianyu, name=f"会员{n}") for n in range(3)]
    found[0].id_number = ID_NUMBER
    found[0].save()
    jizhou = BranchFactory(region_id=JIZHOU, kind=BranchKind.COUNTY)
    MemberFactory(branch=jizhou, name="吉州会员")
    return found


def signed_in(user) -> Client:
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.force_login(user)
    return client


def rows_of(data: bytes, format_: str) -> list[list]:
    if format_ == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(data)).active
    return [["" if value is None else str(value) for value in row] for row in sheet.values]


def direct(client, format_: str, settings) -> bytes:
    """The same list exported in the request (the threshold raised)."""
    settings.EXPORT_BACKGROUND_ROWS = 1000
    response = client.get(URL, {"format": format_})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_a_long_list_is_written_in_the_background_as_the_request_would(
    county_staff, members, settings, format_
):
    client = signed_in(county_staff)
    response = client.get(URL, {"format": format_})
    assert response.status_code == 302 and response["Location"] == "/exports/"
    job = ExportJob.objects.get()
    # The test settings run tasks at once; a worker does in production.
    assert (job.status, job.rows, job.format, job.model) == ("done", 3, format_, "members.member")
    page = client.get("/exports/")
    assert "超过 2 行" in page.content.decode()
    download = client.get(reverse("exports:download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    written = rows_of(b"".join(download.streaming_content), format_)
    assert written == rows_of(direct(client, format_, settings), format_)
    names = {row[written[0].index("姓名（单位名称）")] for row in written[1:]}
    assert names == {"会员0", "会员1", "会员2"}


def test_a_list_at_the_limit_is_written_in_the_request(county_staff, members, settings):
    settings.EXPORT_BACKGROUND_ROWS = 3
    response = signed_in(county_staff).get(URL, {"format": "csv"})
    assert response.status_code == 200 and not ExportJob.objects.exists()


def test_the_filters_and_search_of_the_list_are_kept(county_staff, members):
    MemberFactory(branch=members[0].branch, name="张三")
    client = signed_in(county_staff)
    assert client.get(URL, {"format": "csv", "q": "会员"}).status_code == 302
    job = ExportJob.objects.get()
    download = client.get(reverse("exports:download", args=[job.pk]))
    written = rows_of(b"".join(download.streaming_content), "csv")
    assert sorted(row[written[0].index("姓名（单位名称）")] for row in written[1:]) == [
        "会员0",
        "会员1",
        "会员2",
    ]


def test_full_numbers_are_logged_with_the_requesters_address(county_staff, members):
    from history.models import PersonalDataView

    signed_in(county_staff).get(URL, {"format": "csv"})
    (view,) = PersonalDataView.objects.all()
    assert view.user == county_staff and view.source == "export"
    assert str(view.ip) == "10.1.2.3"
    assert sorted(view.object_ids) == sorted(str(m.pk) for m in members)


def test_a_viewer_gets_masked_numbers_in_the_background_too(city_official, members):
    client = signed_in(city_official)
    assert client.get(URL, {"format": "csv"}).status_code == 302
    job = ExportJob.objects.get()
    data = b"".join(client.get(reverse("exports:download", args=[job.pk])).streaming_content)
    text = data.decode("utf-8-sig")
    assert ID_NUMBER not in text and "3608" in text


def test_the_file_is_its_requesters_alone(county_staff, county_admin, members):
    signed_in(county_staff).get(URL, {"format": "csv"})
    job = ExportJob.objects.get()
    download = reverse("exports:download", args=[job.pk])
    assert signed_in(county_admin).get(download).status_code == 404
    assert "会员" not in signed_in(county_admin).get("/exports/").content.decode()
    anonymous = Client().get(download)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]


def test_too_many_rows_for_excel_fail_with_a_message(county_staff, members, monkeypatch):
    monkeypatch.setattr(core_exports, "XLSX_MAX_ROWS", 2)
    client = signed_in(county_staff)
    client.get(URL, {"format": "xlsx"})
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED and "CSV" in job.message
    assert not job.file
    page = client.get("/exports/").content.decode()
    assert job.message in page
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404


def test_a_user_who_lost_the_list_gets_no_file(county_staff, members):
    job = ExportJob.objects.create(
        user=county_staff,
        model="members.nothing",
        title="x",
        format="csv",
        status="queued",
        language="zh-hans",
    )
    from imports.exports import export_write

    assert export_write(job.pk) == ExportStatus.FAILED
    job.refresh_from_db()
    assert job.message == "您已无权读取这份清单。"
    # A job is written once: a second worker finds it taken.
    assert export_write(job.pk) is None


def test_ready_files_wait_on_the_to_do_list_until_downloaded(county_staff, outsider, members):
    def count(user):
        return {entry.key: entry.count for entry in todo.todo_list(user=user)}["exports_ready"]

    client = signed_in(county_staff)
    client.get(URL, {"format": "csv"})
    assert count(county_staff) == 1 and count(outsider) == 0
    job = ExportJob.objects.get()
    client.get(reverse("exports:download", args=[job.pk]))
    assert count(county_staff) == 0
    entry = next(e for e in todo.todo_list(user=county_staff) if e.key == "exports_ready")
    assert entry.url == "/exports/"


def test_old_exports_and_their_files_are_pruned(county_staff, members, settings):
    signed_in(county_staff).get(URL, {"format": "csv"})
    job = ExportJob.objects.get()
    path = job.file.path
    assert prune_exports() == 0
    later = timezone.now() + datetime.timedelta(days=settings.EXPORT_RETENTION_DAYS, minutes=1)
    assert prune_exports(later) == 1
    assert not ExportJob.objects.exists()
    assert not os.path.exists(path)
    out = io.StringIO()
    call_command("prune_exports", stdout=out)
    assert out.getvalue().strip() == "deleted 0 export(s)"


def test_my_exports_page_queries(county_staff, members, django_assert_num_queries):
    client = signed_in(county_staff)
    client.get(URL, {"format": "csv"})
    client.get(URL, {"format": "xlsx"})
    # The session, the user, the user's jobs, the user's region in the header.
    with django_assert_num_queries(4):
        response = client.get("/exports/")
    assert response.status_code == 200 and len(response.context["jobs"]) == 2


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_writes_the_file(database_tasks, county_staff, members, monkeypatch):
    """On the database task backend, the request only queues; `db_worker` writes the file."""
    monkeypatch.setenv("MEDIA_ROOT", str(django_settings.MEDIA_ROOT))
    client = signed_in(county_staff)
    assert client.get(URL, {"format": "xlsx"}).status_code == 302
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.QUEUED
    page = client.get("/exports/").content.decode()
    assert "等待生成" in page and 'http-equiv="refresh"' in page
    run_queued_tasks()
    job.refresh_from_db()
    assert (job.status, job.rows) == (ExportStatus.DONE, 3)
    download = client.get(reverse("exports:download", args=[job.pk]))
    written = rows_of(b"".join(download.streaming_content), "xlsx")
    assert len(written) == 4
