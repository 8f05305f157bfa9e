"""Shapes of the rollup and coverage-gap endpoints."""

import datetime

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import FIRST_YEAR, LAST_YEAR
from core.summaries import FLAG, HOURS, MONEY, RATIO, Computed, Figure, PerKey
from orgs.choices import RegionLevel
from orgs.models import Region
from reports.rollups import COUNTRY, FIGURES

#: The level of a rollup's region: the country or one of the region levels.
ROLLUP_LEVELS = [(COUNTRY, _("Whole country")), *RegionLevel.choices]


class RollupQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text=_("Limit service hours and donations to this calendar year."),
    )
    on = serializers.DateField(
        required=False,
        help_text=_(
            "A past day (YYYY-MM-DD): branches, coverage and the children as they were that "
            "day, after later changes of region codes. Money, hours and people stay with the "
            "region their branch has now."
        ),
    )

    def validate_on(self, value: datetime.date) -> datetime.date:
        if value > timezone.localdate():
            raise serializers.ValidationError(_("The day cannot be later than today."))
        if value.year < FIRST_YEAR:
            raise serializers.ValidationError(
                _("The day cannot be earlier than %(year)d.") % {"year": FIRST_YEAR}
            )
        return value


class CoverageGapsQuerySerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=RegionLevel.choices, help_text=_("The level of the units to list.")
    )


class CoverageSerializer(serializers.Serializer):
    covered = serializers.IntegerField()
    total = serializers.IntegerField()
    ratio = serializers.FloatField(allow_null=True, help_text=_("Null when there is no unit."))


class CampaignAmountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    amount = serializers.DecimalField(max_digits=None, decimal_places=2)


#: The field of a figure of each kind (reports.rollups.FIGURES).
DECIMAL_PLACES = {MONEY: 2, HOURS: 1}
#: The fields of the figures the rollup computes itself.
COMPUTED_FIELDS = {
    "coverage": lambda help_text: serializers.DictField(
        child=CoverageSerializer(), help_text=help_text
    ),
    "donations.by_campaign": lambda help_text: CampaignAmountSerializer(
        many=True, help_text=help_text
    ),
}


def figure_field(figure: Figure) -> serializers.Field:
    """The documented field of one declared figure: titled with its heading (the label
    and unit the dashboards and exports show, in the schema's language)."""
    help_text = figure.help or None
    if isinstance(figure, Computed):
        return COMPUTED_FIELDS[figure.name](help_text)
    if isinstance(figure, PerKey):
        return serializers.DictField(child=_number(figure.kind), help_text=help_text)
    return _number(figure.kind, help_text=help_text, label=lazy_heading(figure))


def _heading(figure: Figure) -> str:
    return figure.heading


#: ``Figure.heading`` read when shown: the serializers are built once, at import.
lazy_heading = lazy(_heading, str)


def _number(kind: str, **options) -> serializers.Field:
    if kind == RATIO:
        return serializers.DecimalField(
            max_digits=None, decimal_places=4, allow_null=True, **options
        )
    if kind == FLAG:
        return serializers.BooleanField(**options)
    if kind in DECIMAL_PLACES:
        return serializers.DecimalField(
            max_digits=None, decimal_places=DECIMAL_PLACES[kind], **options
        )
    return serializers.IntegerField(**options)


def figure_fields() -> dict[str, serializers.Field]:
    """A field per group of figures (``donations``: a serializer of its figures), or per
    figure without a group (``coverage``), in the order of ``FIGURES``."""
    groups: dict[str, list[Figure]] = {}
    for figure in FIGURES:
        groups.setdefault(figure.name.partition(".")[0], []).append(figure)
    # Created in this order: a serializer lists its fields in the order they were created.
    return {group: _group_field(group, figures) for group, figures in groups.items()}


def _group_field(group: str, figures: list[Figure]) -> serializers.Field:
    if len(figures) == 1 and figures[0].name == group:
        return figure_field(figures[0])
    fields = {figure.name.partition(".")[2]: figure_field(figure) for figure in figures}
    # Named like the hand-written serializers they replace: BranchFigures, MemberFigures…
    singular = group[:-2] if group.endswith("ches") else group.removesuffix("s")
    return type(f"{singular.title()}FiguresSerializer", (serializers.Serializer,), fields)()


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField(allow_null=True, help_text=_("Null for the whole country."))
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=ROLLUP_LEVELS)
    as_of = serializers.DateTimeField(help_text=_("The moment the figures are true for."))


RegionFiguresSerializer = type(
    "RegionFiguresSerializer",
    (RegionSerializer,),
    {
        "__doc__": "The figures of one region: its own and, in a rollup, each of its children's.",
        **figure_fields(),
    },
)


class RegionRollupSerializer(RegionFiguresSerializer):
    children = RegionFiguresSerializer(many=True, help_text=_("Each direct child region."))


class CoverageGapSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "parent"]
        read_only_fields = fields
