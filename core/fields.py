"""Model fields for personal data encrypted at rest (core.crypto).

``EncryptedCharField`` holds an ID or phone number: Python code and forms see the value,
the column holds its encrypted form (a ``text`` column; ``max_length`` bounds the value).
Its companion ``BlindIndexField(source=...)``, named ``<field>_index``, holds the keyed
HMAC of the value, filled on every save and bulk insert. Exact look-ups on the encrypted
field (``exact``, ``in``, and so admin search ``=field``, filters and the importers'
natural keys) are answered from the index; an empty value matches an empty column.
"""

from django.db import models
from django.db.models.expressions import Col
from django.db.models.lookups import Exact, IExact, In
from django.db.models.query_utils import DeferredAttribute

from core import crypto


class _IndexedValue(DeferredAttribute):
    """Setting the value sets its blind index on the instance too: model validation (the
    unique constraints on the index) sees the index of the value being saved."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value
        if isinstance(value, str):
            instance.__dict__[f"{self.field.attname}_index"] = crypto.blind_index(value)


class EncryptedCharField(models.CharField):
    descriptor_class = _IndexedValue

    def db_type(self, connection):
        return "text"

    def cast_db_type(self, connection):
        return "text"

    def from_db_value(self, value, expression, connection):
        return crypto.decrypt(value) if value else value

    def get_db_prep_save(self, value, connection):
        value = super().get_db_prep_save(value, connection)
        if hasattr(value, "as_sql"):  # an expression (bulk_update): its values come back here
            return value
        return crypto.encrypt(value) if value else value

    #: Look-ups that would compare encrypted forms and answer wrongly: refused.
    REFUSED = frozenset(
        {"contains", "icontains", "startswith", "istartswith", "endswith", "iendswith"}
        | {"regex", "iregex", "gt", "gte", "lt", "lte", "range"}
    )

    def get_lookup(self, lookup_name):
        """Exact look-ups are answered by the index; text and order look-ups are refused."""
        if lookup_name in self.REFUSED:
            return None
        return super().get_lookup(lookup_name)

    @property
    def index_field(self):
        return self.model._meta.get_field(f"{self.name}_index")


class BlindIndexField(models.CharField):
    """The HMAC of the field ``source`` of the same model, computed when a row is saved."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("db_default", "")  # rows written by SQL (no index until rotate_keys)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key in ("max_length", "editable", "blank", "default", "db_default"):
            kwargs.pop(key, None)  # always those of __init__
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = crypto.blind_index(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


def with_indexes(model, fields):
    """``fields`` and the blind indexes of the encrypted ones among them: what a
    ``bulk_update`` of those fields must write (it does not call ``pre_save``)."""
    names = list(fields)
    for name in list(names):
        field = model._meta.get_field(name)
        if isinstance(field, EncryptedCharField) and field.index_field.name not in names:
            names.append(field.index_field.name)
    return names


def _index_col(lookup):
    """The index column beside the encrypted column the look-up is on."""
    lhs = lookup.lhs
    return Col(lhs.alias, lhs.target.index_field)


@EncryptedCharField.register_lookup
class EncryptedExact(Exact):
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if self.rhs in ("", None) or not isinstance(self.rhs, str):
            return super().as_sql(compiler, connection)  # the empty column: as it is
        column, params = compiler.compile(_index_col(self))
        return f"{column} = %s", (*params, crypto.blind_index(self.rhs))


@EncryptedCharField.register_lookup
class EncryptedIn(In):
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if not isinstance(self.rhs, (list, tuple, set, frozenset)):
            raise ValueError("An encrypted field is looked up in a list of values only.")
        values = [crypto.blind_index(value) for value in self.rhs if value]
        if not values:
            return "FALSE", ()
        column, params = compiler.compile(_index_col(self))
        return f"{column} = ANY(%s)", (*params, values)


@EncryptedCharField.register_lookup
class EncryptedIExact(IExact):
    """The admin's ``=field`` search: the value as typed, or in capitals (an ID number's X)."""

    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if self.rhs in ("", None) or not isinstance(self.rhs, str):
            return super().as_sql(compiler, connection)
        column, params = compiler.compile(_index_col(self))
        values = sorted({crypto.blind_index(self.rhs), crypto.blind_index(self.rhs.upper())})
        return f"{column} = ANY(%s)", (*params, values)
