"""manage.py adduser: create or update portal accounts, one at a time or from a CSV file.

``adduser USERNAME --region CODE --role viewer|staff|admin|security|auditor`` or ``adduser --from-csv FILE``
(columns ``username,region,role,password,email``; UTF-8 or GB18030 from Chinese Excel). A
file is all or nothing: any bad row and no account changes, every bad row reported. Running
again updates the region and role of existing accounts.
"""

import csv
import io
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.password_validation import (
    get_default_password_validators,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import UserRole
from imports.readers import FileError
from imports.readers import decode as decode_csv
from orgs.models import Region
from portal.models import User
from portal.passwords import HistoryValidator, classes_in

CSV_COLUMNS = ["username", "region", "role", "password", "email"]
UNAMBIGUOUS_CHARS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
HEADERS = [
    gettext_lazy("Username"),
    gettext_lazy("Region"),
    gettext_lazy("Role"),
    gettext_lazy("Password"),
    gettext_lazy("Result"),
]


@dataclass
class AccountRow:
    """One account to create or update, as given on the command line or in a CSV row."""

    username: str
    region: str
    role: str
    password: str = ""
    email: str = ""
    superuser: bool = False
    line: int = 0


def generate_password() -> str:
    """A random password of three groups of four unambiguous characters, with lower-case
    letters, capitals and digits (and the dashes: all four classes of the policy)."""
    while True:
        chars = "".join(secrets.choice(UNAMBIGUOUS_CHARS) for _n in range(12))
        if classes_in(chars) == 3:
            return "-".join(chars[i : i + 4] for i in range(0, 12, 4))


def user_ensure(
    *,
    username: str,
    region: Region | None,
    role: str,
    password: str = "",
    email: str = "",
    superuser: bool = False,
    reset: bool = False,
) -> tuple[User, bool]:
    """Create the account, or update its region and role; return it and whether it is new.

    The password and e-mail change only when given (the password meeting the policy, and
    left alone when it is the current one); ``reset`` puts back a known password even if the
    account had it before (the demo accounts). ``superuser`` only ever grants. Everyone gets
    ``is_staff`` so that they can sign in to the admin.
    """
    with transaction.atomic():
        user = User.objects.filter(username=username).first() or User(username=username)
        created = user.pk is None
        user.region, user.role, user.is_staff = region, role, True
        user.is_superuser = user.is_superuser or superuser
        if email:
            user.email = email
        if password and not (user.pk and user.check_password(password)):
            validators = [
                validator
                for validator in get_default_password_validators()
                if not (reset and isinstance(validator, HistoryValidator))
            ]
            validate_password(password, user, password_validators=validators)
            user.set_password(password)
        user.full_clean()
        user.save()
    return user, created


def bilingual(text) -> str:
    """``text`` (a lazy message) in Chinese and English, once when both read the same."""
    with translation.override("zh-hans"):
        chinese = str(text)
    with translation.override("en"):
        english = str(text)
    return english if chinese == english else f"{chinese} {english}"


def display_width(text: str) -> int:
    """Columns the text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def render_table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain-text table whose columns line up with Chinese text in them."""
    table = [headers, *rows]
    widths = [max(display_width(row[i]) for row in table) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        padded = (
            cell + " " * (w - display_width(cell)) for cell, w in zip(cells, widths, strict=True)
        )
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def region_label(region: Region | None) -> str:
    return f"{region.name} {region.code}" if region else bilingual(gettext_lazy("All regions"))


def role_label(user: User) -> str:
    if user.is_superuser:
        return bilingual(gettext_lazy("Superuser"))
    return bilingual(UserRole(user.role).label)


class Command(BaseCommand):
    help = (
        "Create or update a portal account (adduser USERNAME --region CODE --role ROLE), "
        "or many from a CSV file with columns username,region,role,password,email."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="the account's user name")
        parser.add_argument("--region", default="", help="region code of the account's scope")
        parser.add_argument(
            "--role", choices=UserRole.values, help="viewer, staff, admin, security or auditor"
        )
        parser.add_argument("--password", default="", help="generated and printed when omitted")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--superuser", action="store_true", help="sees and changes every region"
        )
        parser.add_argument("--from-csv", type=Path, help="a CSV file of accounts")

    def handle(self, *args, username, from_csv, **options):
        if bool(username) == bool(from_csv):
            raise CommandError(_("Give either a user name or --from-csv FILE."))
        rows = self.read_csv(from_csv) if from_csv else [self.single_row(username, options)]
        results = self.apply(rows)
        headers = [bilingual(header) for header in HEADERS]
        self.stdout.write(render_table(headers, results))

    def single_row(self, username: str, options: dict) -> AccountRow:
        superuser = options["superuser"]
        if not options["role"] and not superuser:
            raise CommandError(_("Give the account's role: --role viewer, staff or admin."))
        role = options["role"] or UserRole.ADMIN
        return AccountRow(
            username, options["region"], role, options["password"], options["email"], superuser
        )

    def read_csv(self, path: Path) -> list[AccountRow]:
        """The file's rows; its encoding is UTF-8 (with or without BOM), else GB18030."""
        try:
            text = decode(path.read_bytes())
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}
            ) from error
        reader = csv.DictReader(io.StringIO(text))
        reader.fieldnames = [name.strip().lower() for name in reader.fieldnames or []]
        missing = [c for c in ("username", "region", "role") if c not in reader.fieldnames]
        if missing:
            raise CommandError(
                _("The CSV file needs the columns %(columns)s; missing: %(missing)s.")
                % {"columns": ",".join(CSV_COLUMNS), "missing": ", ".join(missing)}
            )
        return [
            AccountRow(
                **{c: (record.get(c) or "").strip() for c in CSV_COLUMNS}, line=reader.line_num
            )
            for record in reader
        ]

    def apply(self, rows: list[AccountRow]) -> list[list[str]]:
        """Create or update every account in one transaction; any error and none changes."""
        errors = duplicate_errors(rows)
        results = []
        with transaction.atomic():
            for row in rows:
                try:
                    results.append(self.apply_row(row))
                except ValidationError as error:
                    errors.append((row.line, " ".join(error.messages)))
            if errors:
                transaction.set_rollback(True)
        if errors:
            raise CommandError(error_report(errors))
        return results

    def apply_row(self, row: AccountRow) -> list[str]:
        """Create or update one account; the row of the output table (queries: a few)."""
        region = Region.objects.filter(code=row.region).first() if row.region else None
        if row.region and region is None:
            raise ValidationError(
                _("Region %(code)s does not exist (load it with manage.py load_regions).")
                % {"code": row.region}
            )
        if row.role not in UserRole.values:
            raise ValidationError(
                _("Unknown role %(role)s: use viewer, staff or admin.") % {"role": row.role}
            )
        existing = User.objects.filter(username=row.username).exists()
        password = row.password or ("" if existing else generate_password())
        user, created = user_ensure(
            username=row.username, region=region, role=row.role, password=password,
            email=row.email, superuser=row.superuser,
        )  # fmt: skip
        shown = password
        if row.password:
            shown = _("(as given)")
        elif not password:
            shown = _("(unchanged)")
        result = _("created") if created else _("updated")
        return [user.username, region_label(user.region), role_label(user), shown, result]


def decode(data: bytes) -> str:
    """Text of a CSV file saved as UTF-8 (Excel adds a BOM) or GB18030 (Chinese Excel)."""
    try:
        return decode_csv(data)
    except FileError:
        raise CommandError(_("The CSV file is neither UTF-8 nor GB18030 text.")) from None


def duplicate_errors(rows: list[AccountRow]) -> list[tuple[int, str]]:
    """(line, message) for every row whose user name an earlier row already has."""
    seen: dict[str, int] = {}
    errors = []
    for row in rows:
        if row.username in seen:
            message = _("the user name %(name)s is already on line %(line)s.") % {
                "name": row.username,
                "line": seen[row.username],
            }
            errors.append((row.line, message))
        seen.setdefault(row.username, row.line)
    return errors


def error_report(errors: list[tuple[int, str]]) -> str:
    """The message for a failed run: the error itself for one account, else one per line."""
    if len(errors) == 1 and not errors[0][0]:
        return errors[0][1]
    lines = [
        _("line %(line)s: %(message)s") % {"line": line, "message": message}
        for line, message in sorted(errors)
    ]
    return "\n".join([_("Nothing was changed. Fix these rows and run again:"), *lines])
