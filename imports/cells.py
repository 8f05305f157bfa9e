"""Reading one cell of a staff sheet: text, ID and phone numbers, dates, numbers, yes/no, choices.

Every parser takes what the reader gives (a string from a CSV file; a string, number, date
or ``None`` from an xlsx file) and returns the Python value or raises ``CellError`` with a
message for the user. Nothing else may escape: a sheet's content is untrusted input.
"""

import datetime
import re
import time
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import FORMULA_STARTS
from core.models import FIRST_RECORD_DATE
from funds.validators import parse_amount


class CellError(Exception):
    """A cell the importer cannot use; ``message`` says why, in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


#: Excel's way of writing a long number it stored as a float: 3.60803E+17.
SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
WHOLE_FLOAT = re.compile(r"^(\d+)\.0+$")
DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
#: Excel's day 0 (serial numbers count from 1899-12-30, after its 1900 leap-year quirk).
EXCEL_EPOCH = datetime.date(1899, 12, 30)
TRUE_WORDS = frozenset(["是", "有", "√", "✓", "y", "yes", "true", "1", "t"])
FALSE_WORDS = frozenset(["否", "无", "×", "n", "no", "false", "0", "f"])


#: What an export puts a ``'`` before, so that spreadsheets do not run it as a formula.


def unescape(value):
    """A cell as exported with formula escaping (``'=1+1``) → its value (``=1+1``)."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def is_blank(value) -> bool:
    """An empty cell: nothing, or only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def text(value, *, max_length: int | None = None) -> str:
    """A cell as trimmed text; numbers that Excel stored as floats lose their ``.0``."""
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    result = value.isoformat() if isinstance(value, datetime.date) else str(value).strip()
    if max_length is not None and len(result) > max_length:
        raise CellError(
            _("At most %(limit)d characters (this cell has %(count)d).")
            % {"limit": max_length, "count": len(result)}
        )
    return result


def digits(value, *, what: str) -> str:
    """An ID or phone number, read as text; says so when Excel stored it as a number.

    A number cell keeps at most 15 significant digits (an 18-digit ID loses its last
    digits) and drops leading zeros (a landline's 0796). Such a cell is an error with
    the advice to type the column as text, never a silently wrong number.
    """
    if is_blank(value):
        return ""
    if isinstance(value, bool | datetime.date):
        raise CellError(_("This is not a %(what)s.") % {"what": what})
    if isinstance(value, int | float):
        return _number_digits(value, what=what)
    result = "".join(str(value).split())
    if SCIENTIFIC.match(result):
        raise CellError(_damaged(what, result))
    if match := WHOLE_FLOAT.match(result):
        result = match.group(1)
    return result.upper()


def _number_digits(value: int | float, *, what: str) -> str:
    """A number cell in an ID or phone column: usable only if it is exact and short enough."""
    if isinstance(value, float):
        if not value.is_integer() or abs(value) >= 10**15:
            raise CellError(_damaged(what, repr(value)))
        value = int(value)
    if value < 0:
        raise CellError(_("This is not a %(what)s.") % {"what": what})
    return str(value)


def _damaged(what: str, shown: str) -> str:
    return _(
        "The %(what)s was stored as a number and is damaged (%(shown)s): Excel keeps only "
        "15 digits of a number. Format the column as text and type the number again."
    ) % {"what": what, "shown": shown}


def date_value(value, *, allow_future: bool = False) -> datetime.date | None:
    """A date cell (an Excel date, ``2024-03-05``, ``2024/3/5``, ``2024年3月5日``, ``20240305``)."""
    if is_blank(value):
        return None
    result = _to_date(value)
    if result is None:
        raise CellError(_("Enter a date such as 2024-03-05."))
    if not allow_future and result > _today():
        raise CellError(_("The date cannot be later than today."))
    if result < FIRST_RECORD_DATE:
        raise CellError(_("Dates before 1900 cannot be recorded."))
    return result


def _today() -> datetime.date:
    """The portal's local date, read once a minute at most (dates of a whole sheet)."""
    now = time.monotonic()
    if now - _TODAY[0] > 60:
        _TODAY[:] = [now, timezone.localdate()]
    return _TODAY[1]


_TODAY: list = [-1e9, None]


def _to_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_serial(value)
    cleaned = str(value).strip()
    cleaned = re.sub(r"\s+0{1,2}:0{2}(:0{2})?$", "", cleaned)  # "2024-03-05 00:00:00"
    for pattern in DATE_PATTERNS:
        if match := pattern.match(cleaned):
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                return None
    return None


def _from_serial(value: float) -> datetime.date | None:
    """An Excel serial day number, as a date cell formatted as a number reads."""
    if not 1 <= value < 2958466 or value != int(value):
        return None
    return EXCEL_EPOCH + datetime.timedelta(days=int(value))


def decimal(value, *, places: int) -> Decimal | None:
    """A number with at most ``places`` decimals (hours: ``2.5``)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("Enter a number."))
    raw = repr(value) if isinstance(value, float) else str(value).strip()
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CellError(_("Enter a number.")) from None
    if not number.is_finite():
        raise CellError(_("Enter a number."))
    if abs(number) >= 10**12:
        raise CellError(_("Enter a number."))
    if number != number.quantize(Decimal(1).scaleb(-places), rounding="ROUND_DOWN"):
        raise CellError(_("At most %(places)d decimal places.") % {"places": places})
    return number.quantize(Decimal(1).scaleb(-places))


def count(value) -> int | None:
    """A number of people or things: a whole number, 0 or more (``12``, ``12.0`` from Excel)."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = "" if isinstance(value, bool) else str(value).strip()
    if not COUNT.fullmatch(raw):
        raise CellError(_("Enter a whole number, 0 or more."))
    return int(raw)


#: A whole number that fits a PositiveIntegerField.
COUNT = re.compile(r"[0-9]{1,9}")


def amount(value) -> Decimal | None:
    """An amount of yuan: a positive number with at most 2 decimals (the funds rules)."""
    if is_blank(value):
        return None
    try:
        return parse_amount(value)
    except ValidationError as error:
        raise CellError(error.messages[0]) from None
    except InvalidOperation:  # parse_amount cannot quantize numbers of 28 digits and more
        raise CellError(_("The amount must be less than 1,000,000,000,000 yuan.")) from None


def signed_amount(value) -> Decimal | None:
    """An amount that may be negative (a reversal entry read back from an export)."""
    if isinstance(value, str) and value.strip().startswith("-"):
        positive = amount(value.strip()[1:])
        return None if positive is None else -positive
    if isinstance(value, Decimal) and not value.is_finite():
        raise CellError(_("Enter an amount in yuan, such as 1234.50."))
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool) and value < 0:
        positive = amount(-value)
        return None if positive is None else -positive
    return amount(value)


def boolean(value) -> bool | None:
    """是/否, yes/no, true/false, 1/0, ✓/×; blank is ``None`` (the default applies)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    word = text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("Enter 是 (yes) or 否 (no)."))


def choice(value, *, lookup: dict[str, str], labels) -> str:
    """One of a field's choices (``labels``), by its code or its label in Chinese or English."""
    if is_blank(value):
        return ""
    key = text(value).casefold()
    if key in lookup:
        return lookup[key]
    shown = "、".join(str(label) for label in labels.labels)
    raise CellError(_("Unknown value; use one of: %(choices)s.") % {"choices": shown})
