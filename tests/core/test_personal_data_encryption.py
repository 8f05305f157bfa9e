"""ID and phone numbers encrypted at rest (core/crypto.py, core/fields.py, manage.py rotate_keys)."""

import base64
import subprocess
from io import StringIO

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import IntegrityError

from core import crypto
from funds.models import Donor
from history.models import MemberEvent
from members.models import Member
from portal import backup
from tests.factories import BranchFactory, DonorFactory, MemberFactory

pytestmark = pytest.mark.django_db

ID_NUMBER = "360803199001011234"
PHONE = "13912345678"


def stored(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM {table} WHERE id = %s', [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def new_keys(settings):
    """Use other keys for the test (the cached keys are read again afterwards)."""

    def use(text: str):
        settings.PERSONAL_DATA_KEYS = text
        crypto.keys.cache_clear()
        crypto._aead.cache_clear()

    yield use
    crypto.keys.cache_clear()
    crypto._aead.cache_clear()


def key_line(name: str, byte: int) -> str:
    return f"{name}:{base64.b64encode(bytes([byte]) * 32).decode()}"


def test_the_columns_hold_encrypted_forms_and_the_model_the_values():
    member = MemberFactory(id_number=ID_NUMBER, phone=PHONE)
    for column, value in (("id_number", ID_NUMBER), ("phone", PHONE)):
        raw = stored("members_member", column, member.pk)
        assert raw.startswith(f"ENC1${crypto.algorithm()}$") and value not in raw
    assert crypto.algorithm() == crypto.SM4  # this platform's OpenSSL provides SM4
    fresh = Member.objects.get(pk=member.pk)
    assert (fresh.id_number, fresh.phone) == (ID_NUMBER, PHONE)
    # The same value under the same key is stored the same: an unchanged save changes nothing.
    before = stored("members_member", "id_number", member.pk)
    fresh.save()
    assert stored("members_member", "id_number", member.pk) == before


def test_exact_lookups_use_the_blind_index_and_text_lookups_are_refused():
    member = MemberFactory(id_number=ID_NUMBER, phone=PHONE)
    MemberFactory(id_number="440301198506150016", phone="13800000000")
    assert list(Member.objects.filter(id_number=ID_NUMBER)) == [member]
    assert list(Member.objects.filter(phone__in=[PHONE, "10000000000"])) == [member]
    assert list(Member.objects.filter(id_number__iexact=ID_NUMBER.lower())) == [member]
    assert Member.objects.filter(id_number="").count() == 0
    with pytest.raises(FieldError):
        list(Member.objects.filter(phone__startswith="139"))
    with pytest.raises(FieldError):
        list(Member.objects.filter(id_number__icontains="1990"))


def test_uniqueness_holds_on_the_index():
    branch = BranchFactory()
    MemberFactory(branch=branch, id_number=ID_NUMBER)
    twin = Member(branch=branch, region_code=branch.region_id, name="重复", joined_on="2020-01-01")
    twin.id_number = ID_NUMBER
    with pytest.raises(ValidationError, match="该组织已有此身份证号码的会员"):
        twin.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_history_rows_hold_the_encrypted_forms_too():
    member = MemberFactory(id_number=ID_NUMBER, phone=PHONE)
    event = MemberEvent.objects.filter(pgh_obj_id=member.pk).latest("pgh_id")
    assert event.id_number == ID_NUMBER
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone FROM history_memberevent WHERE pgh_id = %s", [event.pk]
        )
        raw = cursor.fetchone()
    assert all(value.startswith("ENC1$") for value in raw)


@pytest.mark.django_db(transaction=True)
def test_a_dump_of_the_database_holds_no_id_number_or_phone(tmp_path):
    member = MemberFactory(id_number=ID_NUMBER, phone=PHONE, name="明文可见的名字")
    DonorFactory(identifier="11010519491231002X", phone="13700001111", name="捐赠人甲")
    args, env = backup.connection_args()
    dump = subprocess.run(  # noqa: S603
        [backup.client("pg_dump"), "--format=plain", *args],
        env=env,
        check=True,
        capture_output=True,
    ).stdout.decode()
    assert member.name in dump and "捐赠人甲" in dump  # the dump holds the rows
    for secret in (ID_NUMBER, PHONE, "11010519491231002X", "13700001111"):
        assert secret not in dump


def test_a_wrong_key_is_a_clear_error(new_keys):
    member = MemberFactory(id_number=ID_NUMBER)
    new_keys(f"{key_line('other', 7)};{key_line('index', 8)}")
    with pytest.raises(crypto.PersonalDataKeyError, match="not configured"):
        Member.objects.get(pk=member.pk)


def test_rotate_keys_re_encrypts_old_keys_and_legacy_values_in_batches(new_keys):
    new_keys(f"{key_line('old', 1)};{key_line('index', 9)}")
    members = [MemberFactory(id_number=ID_NUMBER, phone=PHONE), *MemberFactory.create_batch(4)]
    donor = DonorFactory(identifier="11010519491231002X")
    # A value stored before encryption: plain text, no index.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE funds_donor SET phone = '13600000000', phone_index = '' WHERE id = %s",
            [donor.pk],
        )
    assert Donor.objects.get(pk=donor.pk).phone == "13600000000"  # still read
    assert not Donor.objects.filter(phone="13600000000").exists()  # but not found yet
    history_before = MemberEvent.objects.count()

    new_keys(f"{key_line('new', 2)};{key_line('old', 1)};{key_line('index', 9)}")
    out = StringIO()
    call_command("rotate_keys", batch=2, stdout=out)

    assert "members_member: 5 rows re-encrypted" in out.getvalue()
    for member in members:
        assert crypto.key_id_of(stored("members_member", "phone", member.pk)) == "new"
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM history_memberevent WHERE phone <> ''")
        history = [value for (value,) in cursor.fetchall()]
    assert history and all(crypto.key_id_of(value) == "new" for value in history)
    assert MemberEvent.objects.count() == history_before  # no history of its own
    assert crypto.key_id_of(stored("funds_donor", "phone", donor.pk)) == "new"
    assert Donor.objects.get(phone="13600000000") == donor  # the index is filled
    assert Member.objects.get(id_number=ID_NUMBER) == members[0]

    # The old key can go now; a second run changes nothing.
    new_keys(f"{key_line('new', 2)};{key_line('index', 9)}")
    again = StringIO()
    call_command("rotate_keys", stdout=again)
    assert "changed 0 rows" in again.getvalue()
    assert Member.objects.get(pk=members[0].pk).phone == PHONE


def test_a_missing_key_file_is_made_once_private_and_read_back(tmp_path, settings, new_keys):
    settings.PERSONAL_DATA_KEY_FILE = str(tmp_path / "keys" / "personal-data.keys")
    new_keys("")  # no keys in the environment: the file
    first = crypto.keys()
    path = tmp_path / "keys" / "personal-data.keys"
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_text().startswith("# ")  # a comment line explains it
    crypto.keys.cache_clear()
    assert crypto.keys() == first  # read back, not made again
    assert crypto.decrypt(crypto.encrypt(ID_NUMBER)) == ID_NUMBER
