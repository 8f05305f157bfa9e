"""Region scope for querysets: the one filter every read and write path goes through."""

import datetime

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.access import visible_to
from core.errors import code
from core.regions import REGION_CODE_PATTERN

#: The years a record's date may fall in: the range every figure and year filter takes.
FIRST_YEAR, LAST_YEAR = 1900, 2100
FIRST_RECORD_DATE = datetime.date(FIRST_YEAR, 1, 1)

region_code_validator = RegexValidator(
    REGION_CODE_PATTERN,
    _("A region code has 2, 4, 6, 9 or 12 digits."),
    code=code("invalid_region_code", "A region code has 2, 4, 6, 9 or 12 digits."),
)


class RegionScopedQuerySet(models.QuerySet):
    """A queryset of records that lie at a region; ``region_path`` names the code column."""

    region_path = "region_code"

    def within(self, code: str):
        """Records at the region ``code`` or anywhere below it (a btree range scan)."""
        return self.filter(**{f"{self.region_path}__startswith": code})

    def visible_to(self, user):
        """Records the user may see (``core.access.visible_to``)."""
        return visible_to(user, self)

    def at_regions(self, codes: list[str]):
        """Records at exactly the regions ``codes`` (not below them)."""
        return self.filter(**{f"{self.region_path}__in": codes})
