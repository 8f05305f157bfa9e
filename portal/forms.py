"""Forms of the pages: the dashboard's year, the coverage-gap level, the region search, a
service account's new API token."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.choices import CODE_LENGTH, RegionLevel

#: The earliest year the dashboards' year selector offers.
FIRST_YEAR = 2015


def _year_choices() -> list[tuple[int, int]]:
    """This year first, back to FIRST_YEAR."""
    return [(year, year) for year in range(timezone.localdate().year, FIRST_YEAR - 1, -1)]


class YearForm(forms.Form):
    """``?year=`` of a dashboard; this year when absent or not offered."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_year_choices)

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data and "year" in data else None, **kwargs)

    def selected_year(self) -> int:
        """The valid year asked for, else this year."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["year"]
        return timezone.localdate().year


def levels_below(code: str | None) -> list[RegionLevel]:
    """The region levels under a region (every level under the country when ``code`` is None)."""
    length = len(code) if code else 0
    return [level for level, n in CODE_LENGTH.items() if n > length]


class GapLevelForm(forms.Form):
    """``?level=`` of the coverage-gap list: one of the levels under the region."""

    level = forms.ChoiceField(label=_("Level"), choices=())

    def __init__(self, data=None, *, code: str | None, **kwargs):
        super().__init__(data if data and "level" in data else None, **kwargs)
        self.levels = levels_below(code)
        self.fields["level"].choices = [(level.value, level.label) for level in self.levels]

    def selected_level(self) -> RegionLevel:
        """The valid level asked for, else the township level (or the one level below)."""
        if self.is_bound and self.is_valid():
            return RegionLevel(self.cleaned_data["level"])
        if RegionLevel.TOWNSHIP in self.levels:
            return RegionLevel.TOWNSHIP
        return self.levels[0]


class RegionSearchForm(forms.Form):
    """``?q=`` of the region search: part of a name (in Chinese) or the start of a code."""

    q = forms.CharField(label=_("Region name or code"), max_length=50, strip=True)

    def query(self) -> str:
        return self.cleaned_data["q"] if self.is_valid() else ""


class TokenIssueForm(forms.Form):
    """A service account's new API token: its name, read-only or not, its days."""

    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    read_only = forms.BooleanField(
        label=_("Read-only"),
        required=False,
        help_text=_("Only reads (GET, HEAD, OPTIONS)."),
    )
    expires_in_days = forms.IntegerField(
        label=_("Days"),
        required=False,
        min_value=1,
        help_text=_("Empty: API_TOKEN_MAX_AGE_DAYS, also the most."),
    )

    def clean_expires_in_days(self):
        days = self.cleaned_data["expires_in_days"]
        limit = settings.API_TOKEN_MAX_AGE_DAYS
        if days is not None and limit and days > limit:
            raise forms.ValidationError(
                _("A token lasts at most %(days)d days."), params={"days": limit}, code="max_value"
            )
        return days
