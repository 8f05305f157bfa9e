"""Every admin list as CSV and Excel: the list's rows and columns, scoped, masked and escaped."""

import csv
import datetime
import io
import tracemalloc
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import result_headers
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core.access import UserRole
from core.exports import ExportableAdmin, import_spec
from funds.services import donation_reverse
from orgs.choices import BranchKind
from orgs.models import Assessment, Standard
from tests.conftest import JIAN, JIZHOU, QINGYUAN, TIANYU, make_user
from tests.factories import (
    BranchFactory,
    CampaignFactory,
    DonationFactory,
    DonorFactory,
    MemberFactory,
    PositionFactory,
    ServiceRecordFactory,
    VolunteerFactory,
    VolunteerTeamFactory,
)

pytestmark = pytest.mark.django_db

ID_NUMBER = "360803199001011234"
FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]


def branch(code, **fields):
    """A school branch: sectoral branches sit at any level of the tree."""
    return BranchFactory(region_id=code, kind=BranchKind.SCHOOL, **fields)


def assessment(code, mark):
    standard = Standard.objects.get(is_default=True)
    return Assessment.objects.create(
        branch=branch(code), standard=standard, assessed_on=datetime.date(2024, 3, 5), note=mark
    )


#: ``make(region code, marker)``: a row of the model at that region showing ``marker``.
ROWS = {
    "orgs.branch": lambda code, mark: branch(code, name=mark),
    "orgs.assessment": assessment,
    "members.member": lambda code, mark: MemberFactory(branch=branch(code), name=mark),
    "members.position": lambda code, mark: PositionFactory(branch=branch(code), holder_name=mark),
    "members.volunteerteam": lambda code, mark: VolunteerTeamFactory(
        branch=branch(code), name=mark
    ),
    "members.volunteer": lambda code, mark: VolunteerFactory(team__branch=branch(code), name=mark),
    "members.servicerecord": lambda code, mark: ServiceRecordFactory(
        volunteer__team__branch=branch(code), activity=mark
    ),
    "funds.donor": lambda code, mark: DonorFactory(region_id=code, name=mark),
    "funds.campaign": lambda code, mark: CampaignFactory(region_id=code, name=mark),
    "funds.donation": lambda code, mark: DonationFactory(branch=branch(code), receipt_no=mark),
    "portal.user": lambda code, mark: make_user(mark, region=code, role=UserRole.STAFF),
    "portal.serviceaccount": lambda code, mark: make_user(
        mark, region=code, role=UserRole.VIEWER, is_service_account=True
    ),
}
#: Lists that also show rows of the regions above the user's (staff give to city campaigns).
SHOWS_ABOVE = {"funds.campaign"}
#: National settings, the same for every region.
UNSCOPED = {"orgs.standard"}
#: Lists only role admins open.
ADMIN_ONLY = {"portal.user", "portal.serviceaccount"}


def label(model) -> str:
    return model._meta.label_lower


#: The project's own lists; Django's groups, tokens (DRF's and the named API tokens), login
#: attempts and the access log are operators' screens without exports.
PROJECT_APPS = {"orgs", "members", "funds", "life", "portal"}
OPERATOR_SCREENS = {"portal.apitoken"}
REGISTERED = sorted(
    (
        model
        for model in admin.site._registry
        if model._meta.app_label in PROJECT_APPS and label(model) not in OPERATOR_SCREENS
    ),
    key=label,
)


def test_every_project_list_has_an_export():
    for model in REGISTERED:
        assert isinstance(admin.site._registry[model], ExportableAdmin), label(model)


def export_url(model, **params) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export")
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{url}?{query}"


def table(response) -> list[list]:
    """The rows of an exported file, header first (xlsx cells as Python values)."""
    if response["Content-Type"].startswith("text/csv"):
        text = b"".join(response.streaming_content).decode("utf-8")
        assert text.startswith("\ufeff"), "CSV needs its byte-order mark for Excel"
        return list(csv.reader(io.StringIO(text[1:])))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [list(row) for row in sheet.iter_rows()]
    assert not [cell.coordinate for row in cells for cell in row if cell.data_type == "f"]
    return [[cell.value for cell in row] for row in cells]


def texts(rows) -> set[str]:
    return {str(value) for row in rows for value in row if value is not None}


def persona_for(model, request):
    persona = "county_admin" if label(model) in ADMIN_ONLY else "county_staff"
    return request.getfixturevalue(persona)


@pytest.fixture
def export(client):
    """``export(user, model, format, **filters)``: the file's rows, header first."""

    def get(user, model, format_="csv", **params):
        client.force_login(user)
        response = client.get(export_url(model, format=format_, **params))
        assert response.status_code == 200, response.content
        return table(response)

    return get


def list_headers(client, user, model, **params) -> tuple[list[str], int]:
    """The column headers and the row count the changelist itself shows."""
    client.force_login(user)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    changelist = client.get(url, params).context["cl"]
    headers = [header["text"] for header in result_headers(changelist)]
    return [str(text) for text in headers if "action-toggle" not in str(text)], changelist


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
@pytest.mark.parametrize("model", REGISTERED, ids=label)
def test_every_list_exports_its_rows_with_the_expected_headers(
    request, client, export, model, format_
):
    user = persona_for(model, request)
    make = ROWS.get(label(model))
    if make:
        make(TIANYU, "内-甲")
    headers, changelist = list_headers(client, user, model)
    rows = export(user, model, format_)
    spec = import_spec(model)
    assert rows[0] == (spec.export_header() if spec else headers)
    assert len(rows) - 1 == changelist.queryset.count()
    if make:
        assert "内-甲" in texts(rows)


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
@pytest.mark.parametrize("model", [m for m in REGISTERED if label(m) in ROWS], ids=label)
def test_exports_keep_to_the_users_subtree(request, export, model, format_):
    make = ROWS[label(model)]
    make(TIANYU, "本县")
    make(JIZHOU, "邻县")
    make(JIAN, "市本级")
    found = texts(export(persona_for(model, request), model, format_))
    assert "本县" in found
    assert "邻县" not in found
    assert ("市本级" in found) == (label(model) in SHOWS_ABOVE)


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_the_region_list_exports_the_county_subtree(county_staff, export, format_):
    from orgs.models import Region

    codes = {row[0] for row in export(county_staff, Region, format_)[1:]}
    assert TIANYU in codes
    assert all(code.startswith(QINGYUAN) for code in codes)
    assert not {JIZHOU, JIAN} & codes


@pytest.mark.parametrize("model", [m for m in REGISTERED if label(m) in UNSCOPED], ids=label)
def test_national_settings_export_in_full(county_staff, export, model):
    rows = export(county_staff, model)
    assert len(rows) - 1 == model._default_manager.count()


def test_exports_follow_the_lists_filters(county_staff, export):
    from members.models import Member

    MemberFactory(name="在册", branch=branch(TIANYU))
    MemberFactory(
        name="已退", branch=branch(TIANYU), left_on=datetime.date(2024, 1, 1), leave_reason="迁出"
    )
    MemberFactory(name="县本级", branch=branch(QINGYUAN))
    names = {row[2] for row in export(county_staff, Member, ended="no")[1:]}
    assert names == {"在册", "县本级"}
    names = {row[2] for row in export(county_staff, Member, region=TIANYU)[1:]}
    assert names == {"在册", "已退"}


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_exports_follow_the_lists_search(county_staff, export, format_):
    from members.models import Position

    PositionFactory(holder_name="张会长", branch=branch(TIANYU))
    PositionFactory(holder_name="李理事", branch=branch(TIANYU))
    rows = export(county_staff, Position, format_, q="张")
    assert [row[0] for row in rows[1:]] == ["张会长"]


@pytest.mark.parametrize("model", [m for m in REGISTERED if label(m) in ROWS], ids=label)
def test_a_region_filter_outside_the_scope_exports_nothing(request, export, model):
    ROWS[label(model)](JIZHOU, "邻县")
    rows = export(persona_for(model, request), model, region=JIZHOU)
    assert rows[1:] == []


@pytest.fixture
def numbers():
    """A member and a donor with full phone and ID numbers."""
    MemberFactory(branch=branch(TIANYU), phone="13812345678", id_number=ID_NUMBER)
    DonorFactory(region_id=TIANYU, identifier=ID_NUMBER, phone="13812345678")


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
@pytest.mark.parametrize("model_label", ["members.member", "funds.donor"])
def test_viewers_export_masked_numbers(numbers, city_official, export, model_label, format_):
    model = next(m for m in REGISTERED if label(m) == model_label)
    found = texts(export(city_official, model, format_))
    assert {"138****5678", "3608**********1234"} <= found
    assert not {"13812345678", ID_NUMBER} & found


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
@pytest.mark.parametrize("model_label", ["members.member", "funds.donor"])
def test_staff_export_full_numbers_and_the_export_is_logged(
    numbers, county_staff, export, model_label, format_
):
    model = next(m for m in REGISTERED if label(m) == model_label)
    found = texts(export(county_staff, model, format_))
    assert {"13812345678", ID_NUMBER} <= found
    views = personal_data_views()
    if views is not None:
        view = views.get()
        assert (view.source, view.username, view.model) == (
            "export",
            "qingyuan-staff",
            model._meta.label,
        )
        assert view.object_ids == [str(model._default_manager.get().pk)]


def test_viewer_exports_are_not_logged(numbers, city_official, export):
    from members.models import Member

    export(city_official, Member)
    views = personal_data_views()
    assert views is None or not views.exists()


def personal_data_views():
    """The access log's rows, or None while the history app is not installed."""
    try:
        from history.models import PersonalDataView
    except ImportError:
        return None
    return PersonalDataView.objects.all()


@pytest.mark.parametrize("start", FORMULA_STARTS, ids=repr)
@pytest.mark.parametrize("format_", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("model_label", "column"), [("members.member", 2), ("members.position", 0)]
)
def test_formula_like_text_is_escaped(county_staff, export, start, format_, model_label, column):
    """Members write the import template's columns, positions the list's: both escape."""
    model = next(m for m in REGISTERED if label(m) == model_label)
    value = f'{start}HYPERLINK("http://x","点我")'
    ROWS[model_label](TIANYU, value)
    [_header, row] = export(county_staff, model, format_)
    # XML reads a carriage return back as a line feed.
    assert row[column].replace("\n", "\r") == f"'{value}".replace("\n", "\r")


def test_negative_amounts_stay_numbers(county_staff, export):
    from funds.models import Donation

    donation_reverse(donation=DonationFactory(), reason="重复录入", user=county_staff)
    rows = export(county_staff, Donation, "xlsx")
    amounts = [row[rows[0].index("金额（元）")] for row in rows[1:]]
    assert sorted(amounts) == [Decimal("-1000"), Decimal("1000")]


def test_anonymous_users_are_sent_to_the_login(client):
    from members.models import Member

    response = client.get(export_url(Member, format="csv"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_unknown_format_is_refused_in_chinese(client, county_staff):
    from members.models import Member

    client.force_login(county_staff)
    response = client.get(export_url(Member, format="pdf"))
    assert response.status_code == 400
    assert "csv 或 xlsx" in response.content.decode()


def test_users_without_the_list_cannot_export_it(client, county_staff):
    from portal.models import User

    client.force_login(county_staff)
    assert client.get(export_url(User, format="csv")).status_code == 403


def test_file_names_say_what_and_when(client, county_staff):
    from members.models import Position

    client.force_login(county_staff)
    response = client.get(export_url(Position, format="xlsx"))
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith(".xlsx")


def test_the_list_links_to_its_exports_with_its_filters(client, county_staff):
    from members.models import Position

    client.force_login(county_staff)
    page = client.get(
        reverse("admin:members_position_changelist"), {"q": "张", "region": TIANYU, "p": "2"}
    )
    text = page.content.decode()
    assert "导出 CSV" in text and "导出 Excel" in text
    csv_url, xlsx_url = page.context["export_csv_url"], page.context["export_xlsx_url"]
    assert export_url(Position) in csv_url
    assert f"region={TIANYU}" in csv_url and "format=csv" in csv_url and "p=2" not in csv_url
    assert "format=xlsx" in xlsx_url
    assert "import_url" not in page.context


def test_lists_with_an_import_link_to_it_for_writers(client, county_staff, city_official):
    from members.models import Member

    spec = import_spec(Member)
    if spec is None:
        pytest.skip("imports not installed")
    changelist = reverse("admin:members_member_changelist")
    client.force_login(county_staff)
    page = client.get(changelist)
    assert page.context["import_url"] == reverse("imports:upload", args=[spec.slug])
    assert "导入" in page.content.decode()
    client.force_login(city_official)
    assert "import_url" not in client.get(changelist).context


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
@pytest.mark.parametrize("model", [m for m in REGISTERED if label(m) in ROWS], ids=label)
def test_export_queries_do_not_grow_with_rows(request, client, model, format_):
    """Session, user, the list filters' lookups, the rows (one streamed query), and for full
    phone and ID numbers the ids and one access-log entry per 2,000 rows."""
    user = persona_for(model, request)
    client.force_login(user)
    make = ROWS[label(model)]
    for number in range(3):
        make(TIANYU, f"行{number}")
    # The first export also reads what stays cached for the process (content types).
    table(client.get(export_url(model, format=format_)))
    counts = []
    for round_ in range(2):
        with CaptureQueriesContext(connection) as queries:
            rows = table(client.get(export_url(model, format=format_)))
        counts.append((len(rows) - 1, len(queries)))
        for number in range(len(rows) - 1):
            make(TIANYU, f"行{round_}-{number}")
    print(f"\n{label(model)} {format_}: (rows, queries) {counts}")
    assert counts[1][0] == 2 * counts[0][0]
    assert counts[0][1] == counts[1][1]


def test_an_exported_member_file_imports_without_changes(county_staff, client):
    """Export, then import the same file as the same user: nothing to create or update."""
    try:
        from imports import engine
    except ImportError:
        pytest.skip("imports not installed")
    from members.models import Member

    MemberFactory(branch=branch(TIANYU), phone="13812345678", id_number=ID_NUMBER)
    MemberFactory(
        branch=branch(QINGYUAN),
        phone="13912345678",
        left_on=datetime.date(2024, 1, 1),
        leave_reason="迁出",
    )
    for format_ in ("csv", "xlsx"):
        client.force_login(county_staff)
        response = client.get(export_url(Member, format=format_))
        data = b"".join(response.streaming_content)
        spec = import_spec(Member)
        result, _importer = engine.check(spec, data, f"members.{format_}", user=county_staff)
        assert result.errors == []
        assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_export_memory_stays_flat_when_rows_double(county_staff, client, monkeypatch, format_):
    """Rows are read a chunk at a time and written as they come: with chunks of 100 rows,
    4 and then 8 chunks' worth of rows reach about the same peak of Python memory."""
    from members.models import Member

    monkeypatch.setattr(ExportableAdmin, "export_chunk_size", 100)
    if import_spec(Member) is not None:
        monkeypatch.setattr("imports.specs.EXPORT_CHUNK", 100)
    home = branch(TIANYU)
    client.force_login(county_staff)
    # The first export also loads code and fills caches once per process.
    table(client.get(export_url(Member, format=format_)))
    peaks = []
    for size in (400, 800):
        Member.objects.bulk_create(
            Member(
                branch=home,
                region_code=TIANYU,
                name=f"会员{number}",
                phone=f"139{number:08d}",
                joined_on=datetime.date(2020, 3, 1),
            )
            for number in range(Member.objects.count(), size)
        )
        tracemalloc.start()
        response = client.get(export_url(Member, format=format_))
        size_bytes = sum(len(chunk) for chunk in response.streaming_content)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        print(f"\n{format_}: {size} rows, {size_bytes} bytes, peak {peaks[-1] / 2**10:.0f} KiB")
    assert peaks[1] < 1.3 * peaks[0]


def test_more_rows_than_a_sheet_holds_are_refused(county_staff, client, monkeypatch):
    from members.models import Position

    monkeypatch.setattr("core.exports.XLSX_MAX_ROWS", 2)
    for number in range(2):
        PositionFactory(branch=branch(TIANYU), holder_name=f"理事{number}")
    client.force_login(county_staff)
    response = client.get(export_url(Position, format="xlsx"))
    assert response.status_code == 400
    assert "导出 CSV" in response.content.decode()


def test_viewers_get_the_export_buttons(client, city_official):
    client.force_login(city_official)
    page = client.get(reverse("admin:members_member_changelist"))
    assert "导出 CSV" in page.content.decode()


def test_a_filter_the_list_does_not_know_is_refused(client, county_staff):
    from members.models import Member

    client.force_login(county_staff)
    response = client.get(export_url(Member, format="csv", name__nonsense="1"))
    assert response.status_code == 400
    assert "筛选条件无效" in response.content.decode()
