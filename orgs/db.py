"""Database helpers shared by every app: the local date, the region-code column."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import FIRST_RECORD_DATE


class LocalToday(models.Func):
    """Today's date in the portal's time zone, evaluated by PostgreSQL at write time."""

    template = f"((now() AT TIME ZONE '{settings.TIME_ZONE}')::date)"
    output_field = models.DateField()

    def __init__(self):
        super().__init__()


class RegionCodeField(models.CharField):
    """A copy of a branch's region code on a large record table (C collation, prefix scans)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("db_collation", "C")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("verbose_name", _("Region code"))
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, value in {"max_length": 12, "db_collation": "C", "editable": False}.items():
            if kwargs.get(key) == value:
                kwargs.pop(key)
        return name, path, args, kwargs


class TimeStampedModel(models.Model):
    """Every record knows when it was created and last changed."""

    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    class Meta:
        abstract = True


def not_in_future(field: str) -> models.CheckConstraint:
    """A named constraint that ``field`` is not later than today (when it is set)."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__isnull": True})
        | models.Q(**{f"{field}__lte": LocalToday()}),
        name=f"%(app_label)s_%(class)s_{field}_not_future",
        violation_error_message=_("The date cannot be later than today."),
    )


def not_before_first_year(field: str) -> models.CheckConstraint:
    """A named constraint that ``field`` is not before 1900 (when it is set): no figure
    counts earlier years, so no record may be dated there."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__isnull": True})
        | models.Q(**{f"{field}__gte": FIRST_RECORD_DATE}),
        name=f"%(app_label)s_%(class)s_{field}_from_1900",
        violation_error_message=_("Dates before 1900 cannot be recorded."),
    )


def record_date(field: str) -> list[models.CheckConstraint]:
    """The constraints of a record's date: from 1900 to today."""
    return [not_before_first_year(field), not_in_future(field)]


def copy_region_code_trigger(*, name: str, source_table: str, source_key: str, column: str):
    """A trigger that copies the region code of the row's branch (or volunteer) onto it.

    The copy makes rollups and scope filters prefix scans on the record table itself,
    with no join through branches; the trigger keeps it right whatever writes the row.
    """
    import pgtrigger

    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.UpdateOf(f"{source_key}_id"),
        # Table and column names come from the model definitions, never from input.
        func=f"NEW.region_code := (SELECT {column} FROM {source_table} "  # noqa: S608
        f"WHERE id = NEW.{source_key}_id); RETURN NEW;",
    )
