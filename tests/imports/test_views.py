"""Import pages: who may import, upload and dry run, confirm, limits, templates, progress."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from funds.models import Donation
from imports.models import ImportJob, ImportStatus
from imports.progress import Progress
from imports.specs import SPECS
from tests.imports.conftest import csv_bytes, donation, sheet, xlsx_bytes

pytestmark = pytest.mark.django_db


def upload(client, data, name="捐赠.xlsx", kind="donations", **headers):
    url = reverse("imports:upload", args=[kind])
    return client.post(url, {"file": SimpleUploadedFile(name, data)}, **headers)


@pytest.fixture
def staff_client(client, county_staff):
    client.force_login(county_staff)
    return client


@pytest.mark.parametrize(
    "name",
    ["imports:job_list", ("imports:upload", "donations"), ("imports:template", "members")],
)
def test_viewers_get_403(client, city_official, name):
    client.force_login(city_official)
    name, *args = name if isinstance(name, tuple) else (name,)
    assert client.get(reverse(name, args=args)).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("imports:job_list"))
    assert response.status_code == 302 and "login" in response.url


def test_unknown_kind_is_404(staff_client):
    assert staff_client.get(reverse("imports:upload", args=["regions"])).status_code == 404


def test_pages_render_in_chinese_and_list_every_kind(staff_client):
    page = staff_client.get(reverse("imports:job_list")).content.decode()
    assert "从 Excel 或 CSV 导入记录" in page
    for spec in SPECS.values():
        assert reverse("imports:upload", args=[spec.slug]) in page
    form = staff_client.get(reverse("imports:upload", args=["donations"])).content.decode()
    assert "收据编号" in form and "下载模板（.xlsx）" in form


def test_nav_link_for_staff_only(client, county_staff, city_official):
    client.force_login(county_staff)
    assert reverse("imports:job_list") in client.get(reverse("imports:job_list")).content.decode()
    client.force_login(city_official)
    assert (
        reverse("imports:job_list")
        not in client.get(reverse("portal:home"), follow=True).content.decode()
    )


def test_template_download_has_headers_example_and_text_columns(staff_client):
    response = staff_client.get(reverse("imports:template", args=["members"]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == SPECS["members"].export_header()
    assert list(rows[1]) == [value or None for value in SPECS["members"].example_row()]
    assert sheet["F3"].number_format == "@"  # 身份证号 typed as text
    csv_template = staff_client.get(reverse("imports:template", args=["members"]) + "?format=csv")
    assert csv_template.content.decode("utf-8-sig").startswith("所在区划,所属组织")


def test_upload_dry_run_then_confirm(staff_client, county_staff, tianyu_branch):
    data = xlsx_bytes(sheet("donations", donation("A1"), donation("A2")))
    response = upload(staff_client, data)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "imports:job_detail", args=[job.pk]
    )
    page = staff_client.get(response.url).content.decode()
    assert "将新建" in page and "确认导入" in page
    assert Donation.objects.count() == 0
    response = staff_client.post(reverse("imports:job_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.created_count == 2
    assert Donation.objects.filter(recorded_by=county_staff).count() == 2
    assert "导入完成" in staff_client.get(response.url).content.decode()


def test_dry_run_page_lists_errors_and_offers_no_confirm(staff_client, tianyu_branch):
    data = csv_bytes(sheet("donations", donation("A1", 所在区划="360802")))
    job_url = upload(staff_client, data, "d.csv").url
    page = staff_client.get(job_url).content.decode()
    assert "不在您的管辖区划内" in page and "确认导入" not in page
    job = ImportJob.objects.get()
    assert staff_client.post(reverse("imports:job_confirm", args=[job.pk])).status_code == 409
    assert Donation.objects.count() == 0


def test_dry_run_in_english(staff_client, tianyu_branch):
    data = csv_bytes(sheet("donations", donation("A1", 所在区划="999999")))
    job_url = upload(staff_client, data, "d.csv", HTTP_ACCEPT_LANGUAGE="en").url
    page = staff_client.get(job_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Unknown region code 999999" in page and "Will be created" in page


def test_oversized_file_is_refused(staff_client, settings):
    settings.IMPORTS_MAX_UPLOAD_BYTES = 1000
    response = upload(staff_client, b"x" * 2000, "big.csv")
    assert response.status_code == 413
    assert "文件超过" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_huge_request_is_refused_before_reading_it(staff_client, settings):
    settings.IMPORTS_MAX_UPLOAD_BYTES = 10
    response = upload(staff_client, b"x" * 200_000, "big.csv")
    assert response.status_code == 413 and "文件超过" in response.content.decode()


@pytest.mark.parametrize("data", [b"not a zip at all", b"PK\x03\x04\x00\x00corrupt"])
def test_malformed_xlsx_gives_a_message_not_a_500(staff_client, data):
    job_url = upload(staff_client, data, "坏文件.xlsx").url
    page = staff_client.get(job_url).content.decode()
    assert "工作簿" in page or "xlsx" in page
    assert ImportJob.objects.get().status == ImportStatus.INVALID


def test_upload_needs_the_csrf_token(county_staff, tianyu_branch):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(county_staff)
    assert upload(client, csv_bytes(sheet("donations", donation("A1"))), "d.csv").status_code == 403


def test_wrong_file_type_is_a_form_error(staff_client):
    response = upload(staff_client, b"%PDF", "a.pdf")
    assert response.status_code == 400 and "请上传 Excel" in response.content.decode()


def test_jobs_of_others_are_404(client, outsider, county_staff, tianyu_branch):
    client.force_login(county_staff)
    upload(client, csv_bytes(sheet("donations", donation("A1"))), "d.csv")
    job = ImportJob.objects.get()
    client.force_login(outsider)
    assert client.get(reverse("imports:job_detail", args=[job.pk])).status_code == 404
    assert client.post(reverse("imports:job_confirm", args=[job.pk])).status_code == 404


def test_progress_endpoint_reads_the_shared_cache(staff_client, county_staff, tianyu_branch):
    upload(staff_client, csv_bytes(sheet("donations", donation("A1"))), "d.csv")
    job = ImportJob.objects.get()
    url = reverse("imports:progress", args=[job.pk])
    assert staff_client.get(url).json() == {
        "status": "checked",
        "phase": "finished",
        "done": 1,
        "total": 1,
    }
    Progress(job.pk)("writing", 5, 10)
    assert staff_client.get(url).json()["done"] == 5


def test_a_queued_job_shows_its_progress_and_the_script(staff_client, county_staff, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    job_url = upload(staff_client, csv_bytes(sheet("donations", donation("A1"))), "d.csv").url
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.QUEUED
    page = staff_client.get(job_url).content.decode()
    assert "后台" in page and "js/imports.js" in page and "确认导入" not in page
    assert reverse("imports:progress", args=[job.pk]) in page
    assert staff_client.get(reverse("imports:progress", args=[job.pk])).json() == {
        "status": "queued",
        "phase": "waiting",
        "done": 0,
        "total": 0,
    }


def test_history_records_the_import_as_its_source(staff_client, county_staff, tianyu_branch):
    from history.models import DonationEvent

    upload(staff_client, csv_bytes(sheet("donations", donation("H1"))), "d.csv")
    staff_client.post(reverse("imports:job_confirm", args=[ImportJob.objects.get().pk]))
    event = DonationEvent.objects.get(receipt_no="H1")
    assert event.pgh_context["source"] == "import"
    assert event.pgh_context["user"] == county_staff.pk


def test_the_untouched_template_has_no_rows_to_import(staff_client):
    template = staff_client.get(reverse("imports:template", args=["donations"])).content
    job_url = upload(staff_client, template, "import-donations.xlsx").url
    assert "没有可导入的行" in staff_client.get(job_url).content.decode()


def test_finished_unseen_lists_a_result_until_its_page_is_opened(
    staff_client, county_staff, outsider, tianyu_branch
):
    from imports.selectors import finished_unseen

    job_url = upload(staff_client, csv_bytes(sheet("donations", donation("U1"))), "d.csv").url
    job = ImportJob.objects.get()
    assert list(finished_unseen(county_staff)) == [job]  # the dry run ended
    assert not finished_unseen(outsider).exists()
    staff_client.get(job_url)
    assert not finished_unseen(county_staff).exists()
    staff_client.post(reverse("imports:job_confirm", args=[job.pk]))
    assert list(finished_unseen(county_staff).values_list("status", flat=True)) == ["done"]
    staff_client.get(job_url)
    assert not finished_unseen(county_staff).exists()
