"""Text a person typed: full-width digits read as digits, hidden characters refused.

Chinese input methods type full-width digits and punctuation (``１２３．５０``): they are read
as the ASCII ones, explicitly. Digits of other scripts (Arabic-Indic ``١٢٣``, Devanagari …)
are refused rather than silently read as numbers. Bidirectional controls (U+202E turns text
around) and invisible characters (U+200B) are refused in names and identifiers: they make
two different values look the same.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

#: Full-width digits, sign, point and comma (U+FF0B…U+FF19) → ASCII.
FULL_WIDTH = str.maketrans(
    {chr(0xFF10 + n): str(n) for n in range(10)} | {"＋": "+", "－": "-", "．": ".", "，": ","}
)
#: Bidirectional controls, zero-width characters and other invisible format characters.
HIDDEN = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def ascii_number(text: str) -> str:
    """``text`` with full-width digits and signs as ASCII ones; other characters as given."""
    return text.translate(FULL_WIDTH)


def has_hidden_characters(text: str) -> bool:
    """Whether ``text`` holds a bidirectional control or an invisible character."""
    return bool(HIDDEN.search(text))


@deconstructible
class VisibleTextValidator:
    """Refuses text with bidirectional controls or invisible characters."""

    message = _("Remove the invisible or direction-changing characters from this text.")
    code = "hidden_characters"  # listed in core.errors.FIELD_CODES

    def __call__(self, value):
        if isinstance(value, str) and has_hidden_characters(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, VisibleTextValidator)


validate_visible_text = VisibleTextValidator()
