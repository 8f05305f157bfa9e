"""Validators and masks for personal identifiers: national ID numbers and phone numbers."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import code

#: Province prefixes of resident ID numbers (GB 11643), including 71/81/82/83.
ID_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "  # noqa: SIM905
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_PATTERN = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")

code("id_format", "An ID number has 18 characters, the last a digit or X.")
code("id_province", "The ID number's province code does not exist.")
code("id_birth", "The birth date in the ID number is not a real date from 1900 to today.")
code("id_check", "The ID number's check character is wrong.")
code("phone_format", "Not a mobile number (11 digits) or a landline with its area code.")


def id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def validate_id_number(value: str) -> None:
    """Validate an 18-character resident ID number: format, province, birth date, check digit."""
    value = (value or "").upper()
    if not ID_PATTERN.match(value):
        raise ValidationError(
            _("An ID number has 18 characters (the last may be X)."), code="id_format"
        )
    if value[:2] not in ID_PROVINCES:
        raise ValidationError(_("The ID number's province code is invalid."), code="id_province")
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date in the ID number is invalid."), code="id_birth"
        ) from None
    if birth.year < 1900 or birth > timezone.localdate():
        raise ValidationError(_("The birth date in the ID number is invalid."), code="id_birth")
    if id_check_char(value[:17]) != value[17]:
        raise ValidationError(_("The ID number's check digit is wrong."), code="id_check")


def validate_phone(value: str) -> None:
    """Validate a mainland mobile number (11 digits) or a landline with area code."""
    if not (MOBILE_PATTERN.match(value or "") or LANDLINE_PATTERN.match(value or "")):
        raise ValidationError(
            _(
                "Invalid phone number: a mobile number has 11 digits; a landline needs its area code (e.g. 0796-8221234)."
            ),
            code="phone_format",
        )


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``."""
    if not value or len(value) < 7:
        return value
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_id_number(value: str) -> str:
    """``360803199001011234`` → ``3608**********1234``."""
    if not value or len(value) < 8:
        return value
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"
