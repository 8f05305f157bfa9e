"""The FilterSet base of every list endpoint: strict parameters, region subtree, search."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.utils import pretty_name
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as drf_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions

from core.models import FIRST_YEAR, LAST_YEAR, region_code_validator
from core.regions import REGION_CODE_PATTERN

REGION_CODE_SCHEMA = {"type": "string", "pattern": REGION_CODE_PATTERN}

#: Query parameters that are not filters: pagination and DRF's format override.
PASSTHROUGH_PARAMETERS = frozenset({"page", "page_size", "format"})
UNKNOWN_PARAMETER = _("Unknown query parameter.")
DESCENDING = _("{} (descending)")


class StrictFilterForm(forms.Form):
    """A filter form that rejects query parameters it does not know, instead of ignoring them."""

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        for name in sorted(set(self.data) - set(self.fields) - PASSTHROUGH_PARAMETERS):
            error = ValidationError(UNKNOWN_PARAMETER, code="unknown_parameter")
            self._errors[name] = self.error_class([error])


class RegionCodeField(forms.CharField):
    default_validators = [region_code_validator]


@extend_schema_field(REGION_CODE_SCHEMA)
class RegionFilter(django_filters.CharFilter):
    """Records in the region ``code`` or anywhere below it; a malformed code is a 400."""

    field_class = RegionCodeField

    def __init__(self, *, path: str | None = None, **kwargs):
        kwargs.setdefault("label", _("Region code (the whole subtree)"))
        super().__init__(**kwargs)
        self.path = path

    def filter(self, qs, value):
        if not value:
            return qs
        if self.path is None:
            return qs.within(value)
        return qs.filter(**{f"{self.path}__startswith": value})


@extend_schema_field(REGION_CODE_SCHEMA)
class RegionCodeFilter(django_filters.CharFilter):
    """Exact match on a region-code column; a malformed code is a 400."""

    field_class = RegionCodeField


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A record's id (a foreign key); an unknown or out-of-scope id just matches nothing."""

    field_class = forms.IntegerField


@extend_schema_field({"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR})
class YearFilter(django_filters.NumberFilter):
    """Records whose date ``field_name`` falls in the year given."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        kwargs.setdefault("lookup_expr", "year")
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        super().__init__(**kwargs)


@extend_schema_field(OpenApiTypes.STR)
class SearchFilter(django_filters.CharFilter):
    """Free-text search: records matching any of ``lookups`` (e.g. ``name__icontains``)."""

    def __init__(self, *, lookups: tuple[str, ...], **kwargs):
        kwargs.setdefault("label", _("Search"))
        super().__init__(**kwargs)
        self.lookups = lookups

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(Q(*[Q(**{lookup: value}) for lookup in self.lookups], _connector=Q.OR))


class OrderingFilter(django_filters.OrderingFilter):
    """``ordering=``: the listed fields; an empty list (``ordering=,``) keeps the default order
    instead of dropping it, so pages stay stable."""

    def build_choices(self, fields, labels):
        # django-filter formats the descending labels when the class is defined, in the
        # language active then; lazy labels follow the language of each request instead.
        ascending = [
            (param, labels.get(field, _(pretty_name(param)))) for field, param in fields.items()
        ]
        descending = [
            (f"-{param}", labels.get(f"-{param}", format_lazy(DESCENDING, label)))
            for param, label in ascending
        ]
        return [choice for pair in zip(ascending, descending, strict=True) for choice in pair]

    def filter(self, qs, value):
        if not [field for field in value or () if field]:
            return qs
        return super().filter(qs, value)


class PortalFilterSet(drf_filters.FilterSet):
    """Base of every FilterSet: unknown query parameters are errors (subclass its Meta)."""

    class Meta:
        form = StrictFilterForm


def query_parameters(serializer_class, request, *, paged: bool = False) -> dict:
    """The validated query parameters of a view that is not a filtered list (a rollup, the
    figures of a region); unknown ones are a 400, as on every list."""
    allowed = set(serializer_class().fields) | (PASSTHROUGH_PARAMETERS if paged else {"format"})
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise exceptions.ValidationError({name: [UNKNOWN_PARAMETER] for name in unknown})
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
