"""The shape of region codes: the code is the materialized path of the region tree."""

#: The lengths of the codes from the province down to the village.
CODE_LENGTHS = (2, 4, 6, 9, 12)
#: A region code has 2, 4, 6, 9 or 12 digits.
REGION_CODE_PATTERN = r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$"


def child_code_length(code: str) -> int:
    """The length of the codes directly below ``code`` ("" for the country: the provinces');
    the code's own length when nothing lies below it (a village)."""
    return min((n for n in CODE_LENGTHS if n > len(code)), default=len(code))


def ancestor_codes(code: str) -> list[str]:
    """Codes of the regions above ``code``, from the province down (no query)."""
    return [code[:n] for n in CODE_LENGTHS if n < len(code)]
