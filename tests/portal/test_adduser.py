"""manage.py adduser: one account or a CSV file of them, all or nothing, re-runs update."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from core.access import UserRole
from portal.models import User
from tests.conftest import JIAN, JIZHOU, QINGYUAN, TIANYU

pytestmark = pytest.mark.django_db
GENERATED = re.compile(r"[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}")


@pytest.fixture(autouse=True)
def english():
    """Messages in English, whatever the catalog holds."""
    with translation.override("en"):
        yield


def adduser(*args, **options) -> str:
    out = io.StringIO()
    call_command("adduser", *args, stdout=out, **options)
    return out.getvalue()


def write_csv(tmp_path, text: str, encoding: str = "utf-8-sig"):
    path = tmp_path / "accounts.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_adduser_creates_a_staff_account_of_a_region():
    adduser("wangfang", region=QINGYUAN, role="staff", password="Qingyuan-desk-7", email="w@x.cn")
    user = User.objects.get(username="wangfang")
    assert (user.region_id, user.role, user.email) == (QINGYUAN, UserRole.STAFF, "w@x.cn")
    assert user.is_staff and not user.is_superuser
    assert user.check_password("Qingyuan-desk-7")


def test_adduser_generates_and_prints_a_password_when_none_is_given():
    out = adduser("liming", region=JIAN, role="viewer")
    password = GENERATED.search(out).group()
    assert User.objects.get(username="liming").check_password(password)
    assert "吉安市 3608" in out


def test_adduser_makes_a_superuser_without_a_region():
    adduser("root2", superuser=True, password="Whole-country-9")
    user = User.objects.get(username="root2")
    assert user.is_superuser and user.is_staff and user.region_id is None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"region": "369999", "role": "staff"}, "369999 does not exist"),
        ({"region": "", "role": "staff"}, "needs a region"),
        ({"region": QINGYUAN}, "role"),
        ({"region": QINGYUAN, "role": "staff", "password": "12345678"}, "too common"),
    ],
)
def test_adduser_refuses_a_bad_account_and_creates_nothing(options, message):
    with pytest.raises(CommandError, match=message):
        adduser("zhaolei", **options)
    assert not User.objects.filter(username="zhaolei").exists()


def test_adduser_rerun_updates_region_and_role_and_keeps_the_password():
    adduser("chenjing", region=TIANYU, role="staff", password="Tianyu-desk-2026")
    out = adduser("chenjing", region=QINGYUAN, role="admin")
    user = User.objects.get(username="chenjing")
    assert (user.region_id, user.role) == (QINGYUAN, UserRole.ADMIN)
    assert user.check_password("Tianyu-desk-2026")
    assert "unchanged" in out and "updated" in out


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_creates_every_account_in_either_excel_encoding(tmp_path, encoding):
    path = write_csv(
        tmp_path,
        "username,region,role,password,email\n"
        "刘洋,360803,staff,Qingyuan-desk-7,liu@example.cn\n"
        "huangmin,3608,viewer,,\n",
        encoding,
    )
    out = adduser(from_csv=path)
    liu, huang = User.objects.get(username="刘洋"), User.objects.get(username="huangmin")
    assert (liu.region_id, liu.role, liu.email) == (QINGYUAN, UserRole.STAFF, "liu@example.cn")
    assert liu.check_password("Qingyuan-desk-7")
    assert huang.check_password(GENERATED.search(out).group())
    assert "青原区 360803" in out


def test_csv_with_a_bad_row_creates_nothing_and_reports_every_bad_line(tmp_path):
    path = write_csv(
        tmp_path,
        "username,region,role,password,email\n"
        "good,360803,staff,,\n"
        "badregion,369999,staff,,\n"
        "badrole,360803,boss,,\n"
        "good,3608,viewer,,\n",
    )
    with pytest.raises(CommandError) as error:
        adduser(from_csv=path)
    report = str(error.value)
    assert "Nothing was changed" in report
    assert re.search(r"line 3: .*369999", report)
    assert re.search(r"line 4: .*boss", report)
    assert re.search(r"line 5: .*line 2", report)
    assert "line 2:" not in report
    assert not User.objects.exists()


def test_csv_rerun_updates_existing_accounts(tmp_path):
    header = "username,region,role,password,email\n"
    adduser(from_csv=write_csv(tmp_path, header + "sunli,360802,viewer,Jizhou-desk-11,\n"))
    out = adduser(from_csv=write_csv(tmp_path, header + "sunli,3608,staff,,\n"))
    user = User.objects.get(username="sunli")
    assert (user.region_id, user.role) == (JIAN, UserRole.STAFF)
    assert user.check_password("Jizhou-desk-11")
    assert User.objects.count() == 1
    assert "updated" in out and JIZHOU not in out


def test_csv_without_the_needed_columns_is_refused(tmp_path):
    path = write_csv(tmp_path, "name,code\nsunli,3608\n")
    with pytest.raises(CommandError, match="missing: username, region, role"):
        adduser(from_csv=path)


def test_adduser_needs_a_user_name_or_a_file():
    with pytest.raises(CommandError, match="either"):
        adduser(region=JIAN, role="viewer")


def test_csv_in_neither_utf8_nor_gb18030_is_refused(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes(b"username,region,role\n\xff\xfe,3608,viewer\n")
    with pytest.raises(CommandError, match="GB18030"):
        adduser(from_csv=path)
