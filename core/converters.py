"""Path converters: a malformed region code in an address matches no route (404)."""

from django.urls import register_converter


class RegionCodeConverter:
    """A region code: 2, 4, 6, 9 or 12 digits (anything else, a NUL byte included, is 404)."""

    regex = r"\d{2}|\d{4}|\d{6}|\d{9}|\d{12}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RegionCodeConverter, "region")
