"""Validators of the funds app: amounts of money and unified social credit codes."""

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.attachments import check_attachment
from core.errors import code
from core.text import ascii_number

AMOUNT_NOT_POSITIVE = code("amount_not_positive", "An amount must be more than 0.")
AMOUNT_TOO_LARGE = code("amount_too_large", "An amount must be less than 10^12 yuan.")
AMOUNT_FEN = code("amount_fen", "An amount has at most 2 decimal places.")
AMOUNT_INVALID = code("amount_invalid", "Not an amount of yuan such as 1234.50.")
CREDIT_CODE_FORMAT = code("credit_code_format", "Not 18 characters of a credit code.")
CREDIT_CODE_CHECK = code("credit_code_check", "The credit code's check character is wrong.")

FEN = Decimal("0.01")
#: The amount columns hold 14 digits, 2 of them fen: amounts stay below 10^12 yuan.
AMOUNT_LIMIT = Decimal(10) ** 12
#: "1234.5", "1,234.50", "-5": plain digits or thousands grouped by commas, with a sign.
AMOUNT_PATTERN = re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$", re.ASCII)

#: GB 32100-2015: 31 characters (no I, O, S, V, Z) and the weights of the check character.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def parse_amount(value) -> Decimal:
    """Read an amount of yuan (``"1,234.5"``, ``1234.5``, a Decimal) as a Decimal with 2 places.

    Raises ValidationError unless it is a positive number with at most 2 decimals, below 10^12.
    """
    amount = _to_decimal(value)
    if amount <= 0:
        raise ValidationError(_("The amount must be more than 0."), code=AMOUNT_NOT_POSITIVE)
    # The limit first: quantizing a number of 28 digits or more exceeds Decimal's precision.
    if amount >= AMOUNT_LIMIT:
        raise ValidationError(
            _("The amount must be less than 1,000,000,000,000 yuan."), code=AMOUNT_TOO_LARGE
        )
    if amount != amount.quantize(FEN):
        raise ValidationError(_("An amount has at most 2 decimal places."), code=AMOUNT_FEN)
    return amount.quantize(FEN)


def _to_decimal(value) -> Decimal:
    """The finite Decimal that ``value`` spells, or ValidationError."""
    invalid = ValidationError(_("Enter an amount in yuan, such as 1234.50."), code=AMOUNT_INVALID)
    if isinstance(value, bool):
        raise invalid
    if isinstance(value, str):
        # Full-width digits are read as digits; those of other scripts are refused.
        text = ascii_number(value.strip())
        if not AMOUNT_PATTERN.match(text):
            raise invalid
        value = text.replace(",", "")
    elif isinstance(value, float):
        # repr gives the shortest decimal that reads back as the float: 1234.5, not 1234.4999…
        value = repr(value)
    elif not isinstance(value, int | Decimal):
        raise invalid
    amount = Decimal(value)  # no InvalidOperation: strings passed the pattern above
    if not amount.is_finite():
        raise invalid
    return amount


def validate_credit_code(value: str) -> None:
    """Validate an 18-character unified social credit code (统一社会信用代码) and its check character."""
    if not CREDIT_CODE_PATTERN.match(value or ""):
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters: digits and capital letters "
                "other than I, O, S, V and Z, with the region code in places 3 to 8."
            ),
            code=CREDIT_CODE_FORMAT,
        )
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("The unified social credit code's check character is wrong."),
            code=CREDIT_CODE_CHECK,
        )


def credit_code_check_char(first17: str) -> str:
    """The check character of a unified social credit code's first 17 characters."""
    total = sum(
        CREDIT_CODE_CHARS.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARS[-total % 31]


def validate_attachment(file) -> None:
    """The attachment rule (core.attachments) within SPENDING_ATTACHMENT_MAX_BYTES."""
    check_attachment(file, settings.SPENDING_ATTACHMENT_MAX_BYTES)
