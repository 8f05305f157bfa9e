"""Summary tables declared once: the SQL that keeps, rebuilds and reads them is generated.

A summary table holds figures of records per region key: the record's region code cut to the
table's ``grain`` (9 digits: a township-level unit; 6: a county; a record registered higher up
keeps its own code), and per the declaration's other keys. Each table declares, in its
model's ``summary`` attribute (a ``Summary``):

- the record tables it counts (``Records``: the table, the rows that count, their region-code
  column);
- its keys and its figures as SQL expressions over one record row; a figure is the sum of its
  expression over the rows of the key.

From the declarations this module generates:

- the statement-level triggers that keep the tables in the writing transaction
  (``trigger_functions``): one function per record table, fired once per INSERT, UPDATE,
  DELETE or COPY, reading the statement's changes from its transition tables and adding them
  to every summary of that table as deltas, ``INSERT … ON CONFLICT DO UPDATE SET n = s.n +
  excluded.n``, in key order, the tables in declaration order. Migrations hold this SQL as
  frozen text (``manage.py summary_triggers`` writes them);
- the rows of each table computed from the records (``rebuild_sql``): ``verify_rollups``
  compares the tables with them, and reads finer than every table's grain use them;
- the rows a rollup reads (``read_sql``), from the coarsest table that is fine enough
  (``serving``).

A county copy (``copy_of``) is kept from the changes of the township table it copies, by a
statement trigger on that table, and is rebuilt from the records through it. Where a figure
is no sum over record rows (coverage counts distinct units, compliance follows the latest
assessment), the declaration carries its hand-written SQL (``rebuild``, ``maintain``,
``functions``) and the triggers wrap it the same way.

Imports no project app: the apps import it.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from django.apps import apps
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from core.regions import CODE_LENGTHS

#: Length of a township-level region code: the grain of the finest summaries.
TOWNSHIP_GRAIN = 9
#: Length of a county code: the grain of the summaries a country, province or city reads.
COUNTY_GRAIN = 6

#: The year key of rows that hold every year together (``in_every_region``).
ALL_YEARS = 0

#: A statement's changes, per operation: every row written with ``sign`` +1, every row
#: replaced or removed with ``sign`` -1.
CHANGES = {
    "INSERT": "(SELECT n.*, 1 AS sign FROM new_rows n)",
    "UPDATE": "(SELECT n.*, 1 AS sign FROM new_rows n "
    "UNION ALL SELECT o.*, -1 AS sign FROM old_rows o)",
    "DELETE": "(SELECT o.*, -1 AS sign FROM old_rows o)",
}
#: The statement triggers of a function, with the transition tables each one reads.
REFERENCING = {
    "insert": "AFTER INSERT ON {t} REFERENCING NEW TABLE AS new_rows",
    "update": "AFTER UPDATE ON {t} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "AFTER DELETE ON {t} REFERENCING OLD TABLE AS old_rows",
}


# The declarations --------------------------------------------------------------------------


@dataclass(frozen=True)
class Records:
    """Rows a summary counts: a table, the rows of it that count, their region-code column.

    ``join`` is joined to each row, aliased ``c``, where a figure needs another table's row
    (e.g. a branch's latest assessment). ``figures`` names the summary's figures these rows
    feed when the summary counts several tables (the others are zero); empty: all of them.
    """

    table: str
    where: str = ""
    code: str = "region_code"
    join: str = ""
    figures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Function:
    """A PL/pgSQL function; ``source`` is its body as PostgreSQL stores it (``prosrc``)."""

    name: str
    source: str
    arguments: str = ""
    returns: str = "trigger"

    def create_sql(self, *, replace: bool = False) -> str:
        create = "CREATE OR REPLACE FUNCTION" if replace else "CREATE FUNCTION"
        return (
            f"{create} {self.name}({self.arguments}) RETURNS {self.returns} "
            f"LANGUAGE plpgsql AS $${self.source}$$;\n"
        )

    def drop_sql(self) -> str:
        return f"DROP FUNCTION IF EXISTS {self.name}({self.arguments});\n"


@dataclass(frozen=True)
class Summary:
    """What a summary table holds, declared once.

    ``keys`` and ``figures`` map the table's columns (other than ``region_code``) to SQL over
    one record row; ``copy_of`` names the township summary a county copy is kept from, its
    keys and figures then being SQL over that table's rows. ``rebuild`` replaces the generated
    rows from the records (slots ``{key}``: the region key, ``{where}``: the subtree filter);
    ``maintain`` adds hand-written trigger bodies per table (reading ``{changes}``),
    ``declare`` their PL/pgSQL variables, ``functions`` the functions they call.
    ``verified`` is False for a table that counts writes rather than records (nothing to
    rebuild it from): ``verify_rollups`` leaves it out and a new one starts empty.
    """

    grain: int = TOWNSHIP_GRAIN
    records: tuple[Records, ...] = ()
    keys: dict[str, str] = field(default_factory=dict)
    figures: dict[str, str] = field(default_factory=dict)
    copy_of: type[SummaryTable] | None = None
    rebuild: str = ""
    maintain: dict[str, str] = field(default_factory=dict)
    declare: dict[str, str] = field(default_factory=dict)
    functions: tuple[Function, ...] = ()
    verified: bool = True

    def at(self, grain: int) -> Summary:
        """The same figures at another grain, kept from the same records."""
        return dataclasses.replace(self, grain=grain)


def in_every_region(records: Records) -> Records:
    """``records`` once for every region that holds them, each row keyed by that region's code:
    the whole country (code ``''``), its province, city, county, township and its own region,
    and, for each of them, once in its year and once among all years (``year_or_all_years``).

    For figures that are no sum of finer rows (a donor who gave in two townships is one donor
    of their county): a table of such rows is read at the region's own code, never grouped.
    """
    code = f"c.{records.code}"
    lengths = ", ".join(f"({n})" for n in (0, *CODE_LENGTHS))
    join = (
        f"JOIN (VALUES {lengths}) p(n) ON p.n <= length({code})"
        " CROSS JOIN (VALUES (false), (true)) a(all_years)"
    )
    return dataclasses.replace(
        records,
        code=f"left({code}, p.n)",
        join=f"{records.join} {join}".strip(),
    )


def per_region_index(table: str) -> models.Index:
    """The index a ``PerRegion`` figure reads a table by: a year's rows of one code length."""
    from django.db.models import F
    from django.db.models.functions import Length

    return models.Index(F("year"), Length("region_code"), F("region_code"), name=f"{table}_level")


def year_or_all_years(year: str) -> str:
    """The year key of ``in_every_region``'s rows: the record's year, or ``ALL_YEARS``."""
    return f"CASE WHEN a.all_years THEN {ALL_YEARS} ELSE {year} END"


class SummaryTable(models.Model):
    """A table of figures written only by the triggers its ``summary`` declaration generates."""

    summary: ClassVar[Summary]

    class Meta:
        abstract = True


def summary_tables() -> list[type[SummaryTable]]:
    """Every summary table in the order the triggers write them: the apps' declaration order,
    each county copy right after the table it copies (a repair locks them in this order)."""
    declared = [model for model in apps.get_models() if issubclass(model, SummaryTable)]
    ordered = []
    for model in declared:
        if model.summary.copy_of is None:
            ordered.append(model)
            ordered += [copy for copy in declared if copy.summary.copy_of is model]
    return ordered


# The triggers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TriggerFunction:
    """The function that keeps the summaries of one table, and its three statement triggers."""

    name: str
    table: str
    body: str
    declare: str = ""
    app_label: str = ""

    @property
    def function(self) -> Function:
        """The function; ``body`` repeated per operation with that operation's changes."""
        branches = "\n    ELSIF ".join(
            f"TG_OP = '{op}' THEN\n" + self.body.replace("{changes}", rows)
            for op, rows in CHANGES.items()
        )
        declarations = f"DECLARE\n{self.declare}\n" if self.declare else ""
        source = f"\n{declarations}BEGIN\n    IF {branches}\n    END IF;\n    RETURN NULL;\nEND;\n"
        return Function(name=self.name, source=source)

    @property
    def triggers(self) -> dict[str, str]:
        """``{trigger name: CREATE TRIGGER statement}``."""
        return {
            f"{self.name}_{op}": f"CREATE TRIGGER {self.name}_{op} {when.format(t=self.table)} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {self.name}()"
            for op, when in REFERENCING.items()
        }


def trigger_functions() -> list[TriggerFunction]:
    """The trigger functions the declarations generate, one per table whose writes change
    summaries: ``<table>_summarize`` on a record table, ``<table>_to_county`` on a township
    summary that county copies follow."""
    bodies: dict[str, list[str]] = {}
    declare: dict[str, list[str]] = {}
    for model in summary_tables():
        for records in _records_of(model):
            bodies.setdefault(records.table, []).append(upsert_sql(model, records))
        for table, body in model.summary.maintain.items():
            bodies.setdefault(table, []).append(body)
        for table, variables in model.summary.declare.items():
            declare.setdefault(table, []).append(variables)
    # A proxy model shares its table with the model it stands for, which owns the table.
    owners = {model._meta.db_table: model for model in apps.get_models() if not model._meta.proxy}
    return [
        TriggerFunction(
            name=f"{table}_{'to_county' if issubclass(owners[table], SummaryTable) else 'summarize'}",
            table=table,
            body="".join(parts),
            declare="\n".join(declare.get(table, [])),
            app_label=owners[table]._meta.app_label,
        )
        for table, parts in bodies.items()
    ]


def helper_functions() -> list[tuple[str, Function]]:
    """``(app label, function)`` of every function the hand-written trigger bodies call."""
    return [
        (model._meta.app_label, function)
        for model in summary_tables()
        for function in model.summary.functions
    ]


def upsert_sql(model: type[SummaryTable], records: Records) -> str:
    """PL/pgSQL adding the changes ``{changes}`` of ``records`` to ``model``'s rows, in key order.

    Rows whose changes net to nothing are left alone; an UPDATE that leaves the counted
    columns as they were adds nothing.
    """
    spec = model.summary
    fed = [name for name in spec.figures if not records.figures or name in records.figures]
    columns = ", ".join(["region_code", *spec.keys, *spec.figures])
    sums = [_delta(spec.figures[name]) for name in fed]
    values = [_delta(spec.figures[name]) if name in fed else "0" for name in spec.figures]
    positions = ", ".join(str(n) for n in range(1, len(spec.keys) + 2))
    join = f" {records.join}" if records.join else ""
    where = f"     WHERE {records.where}\n" if records.where else ""
    add = ", ".join(f"{name} = s.{name} + excluded.{name}" for name in fed)
    select = ", ".join([f"left({records.code}, {spec.grain})", *spec.keys.values(), *values])
    return (
        f"\n    INSERT INTO {model._meta.db_table} AS s ({columns})\n"  # noqa: S608 (declared SQL)
        f"    SELECT {select}\n"
        f"      FROM {{changes}} c{join}\n"
        f"{where}"
        f"     GROUP BY {positions}\n"
        f"    HAVING ROW({', '.join(sums)}) <> ROW({', '.join('0' for _ in sums)})\n"
        f"     ORDER BY {positions}\n"
        f"    ON CONFLICT ({', '.join(['region_code', *spec.keys])}) DO UPDATE\n"
        f"       SET {add};\n"
    )


def _delta(expression: str) -> str:
    """The change of a figure over a statement's rows: a count is the sum of the signs."""
    return "sum(sign)" if expression == "1" else f"sum(sign * ({expression}))"


def _records_of(model: type[SummaryTable]) -> tuple[Records, ...]:
    """The rows whose changes the table follows: its records, or the table it copies."""
    spec = model.summary
    if spec.copy_of is not None:
        return (Records(spec.copy_of._meta.db_table),)
    return spec.records


# The rows from the records -----------------------------------------------------------------


def rebuild_sql(
    model: type[SummaryTable], *, cut: bool = True, scoped: bool = False, copied: str = ""
) -> str:
    """SQL computing ``model``'s rows from the records.

    ``cut`` keys the rows like the table does (the code cut to the grain); without it every
    record keeps its full code, for reads finer than the grain. ``scoped`` keeps only the
    subtree ``%(prefix)s`` (a ``LIKE`` pattern, e.g. ``'360803%'``). For a copy, ``copied``
    names a table that already holds the copied table's rows rebuilt from the records (so
    that ``verify_rollups`` does not compute them twice).
    """
    spec = model.summary
    if spec.rebuild:
        code = spec.records[0].code if spec.records else "region_code"
        key = f"left({code}, {spec.grain})" if cut else code
        return spec.rebuild.format(key=key, where=f"{code} LIKE %(prefix)s" if scoped else "TRUE")
    if spec.copy_of is not None:
        rows = Records(copied or f"({rebuild_sql(spec.copy_of, scoped=scoped)})")
        return _grouped(model, rows, cut=cut, scoped=False)
    if len(spec.records) == 1:
        return _grouped(model, spec.records[0], cut=cut, scoped=scoped)
    parts = "\n         UNION ALL\n".join(
        _grouped(model, records, cut=cut, scoped=scoped, typed=False) for records in spec.records
    )
    keys = ["region_code", *spec.keys]
    sums = [f"{_typed(model, name, f'sum({name})')} AS {name}" for name in spec.figures]
    return (
        f"SELECT {', '.join([*keys, *sums])}\n"  # noqa: S608 (declared SQL)
        f"  FROM ({parts}) records\n"
        f" GROUP BY {', '.join(str(n) for n in range(1, len(keys) + 1))}"
    )


def _grouped(
    model: type[SummaryTable], records: Records, *, cut: bool, scoped: bool, typed: bool = True
) -> str:
    """The rows of ``records`` grouped by the summary's keys, its figures summed."""
    spec = model.summary
    code = records.code
    key = f"left({code}, {spec.grain})" if cut else code
    figures = []
    for name, expression in spec.figures.items():
        fed = not records.figures or name in records.figures
        total = ("count(*)" if expression == "1" else f"sum({expression})") if fed else "0"
        figures.append(f"{_typed(model, name, total) if typed else total} AS {name}")
    keys = [_as(expression, name) for name, expression in spec.keys.items()]
    where = [
        condition
        for condition in (records.where, scoped and f"{code} LIKE %(prefix)s")
        if condition
    ]
    join = f" {records.join}" if records.join else ""
    return (
        f"SELECT {', '.join([f'{key} AS region_code', *keys, *figures])}\n"  # noqa: S608 (declared SQL)
        f"  FROM {records.table} c{join}\n"
        f" WHERE {' AND '.join(where) or 'TRUE'}\n"
        f" GROUP BY {', '.join(str(n) for n in range(1, len(spec.keys) + 2))}"
    )


def _as(expression: str, name: str) -> str:
    return name if expression == name else f"{expression} AS {name}"


def _typed(model: type[SummaryTable], column: str, expression: str) -> str:
    """``expression`` cast to the type of ``column``: the rows as the table holds them."""
    return f"({expression})::{model._meta.get_field(column).db_type(connection)}"


# The reads ---------------------------------------------------------------------------------


def serving(tables: Sequence[type[SummaryTable]], length: int) -> type[SummaryTable] | None:
    """The coarsest of ``tables`` (listed coarse to fine) whose rows are fine enough for
    groups of region codes cut to ``length``; None when every table is too coarse."""
    for table in tables:
        if length <= table.summary.grain:
            return table
    return None


def rows_sql(tables: Sequence[type[SummaryTable]], length: int) -> str:
    """The rows that answer groups of codes cut to ``length``, in the columns of the first of
    ``tables``: the serving table (a township table through the county copy's expressions),
    else the finest table's rows computed from the subtree's records (``%(prefix)s``)."""
    table = serving(tables, length)
    if table is None:
        return f"({rebuild_sql(tables[-1], cut=False, scoped=True)})"
    coarsest = tables[0].summary
    if table is tables[0] or coarsest.copy_of is not table:
        return table._meta.db_table
    columns = {**coarsest.keys, **coarsest.figures}
    if all(name == expression for name, expression in columns.items()):
        return table._meta.db_table
    mapped = ", ".join(
        ["region_code", *(_as(expression, name) for name, expression in columns.items())]
    )
    return f"(SELECT {mapped} FROM {table._meta.db_table})"  # noqa: S608 (declared SQL)


def read_sql(
    tables: Sequence[type[SummaryTable]],
    *,
    length: int,
    columns: dict[str, str],
    by: Sequence[str] = (),
    year: str = "year",
) -> str:
    """SELECT of the rows of the subtree ``%(prefix)s`` grouped per code cut to ``length``
    (column ``child``) and per ``by``: each of ``columns`` (alias: aggregate over the rows).

    A table keyed by year is read for the year in the parameter ``year`` (all years when it
    is null).
    """
    selected = [_child(length), *by, *(f"{sql} AS {alias}" for alias, sql in columns.items())]
    return _select(tables, length, selected, group_by=_positions(len(by) + 1), year=year)


def _select(
    tables: Sequence[type[SummaryTable]],
    length: int,
    selected: list[str],
    *,
    group_by: str,
    year: str = "year",
    cumulative: bool = False,
    rows: str = "",
) -> str:
    conditions = ["region_code LIKE %(prefix)s"]
    if "year" in tables[0].summary.keys:
        up_to = "<=" if cumulative else "="
        conditions.append(f"(%({year})s::int IS NULL OR year {up_to} %({year})s::int)")
    return (
        f"SELECT {', '.join(selected)}\n"  # noqa: S608 (declared SQL)
        f"  FROM {rows or rows_sql(tables, length)} s\n"
        f" WHERE {' AND '.join(conditions)}\n"
        f" GROUP BY {group_by}"
    )


def _child(length: int) -> str:
    return f"left(region_code, {length}) AS child"


def _positions(count: int) -> str:
    return ", ".join(str(n) for n in range(1, count + 1))


# The rollup's figures ----------------------------------------------------------------------

#: How a figure is shown: a count, money (yuan, to the fen), hours (to a tenth), a share
#: (to 4 places, null when there is nothing to divide) or a flag (yes or no).
COUNT, MONEY, HOURS, RATIO, FLAG = "count", "money", "hours", "ratio", "flag"
ZEROS = {COUNT: 0, MONEY: Decimal("0.00"), HOURS: Decimal("0.0"), RATIO: None, FLAG: False}
#: The unit a column heading adds to a figure's label: its cells are bare numbers.
UNITS = {MONEY: _("%(label)s (yuan)"), HOURS: _("%(label)s (hours)")}


@dataclass(frozen=True)
class Figure:
    """A figure of the rollups, named as docs/METRICS.md names it (``group.figure``), read
    from ``tables`` (the coarsest first) for a region and for each of its children.

    ``label`` is its one name (docs/METRICS.md gives the Chinese): the dashboards' cards,
    charts and table, the exports and the API documentation all say it, tables and exports
    with the unit (``heading``). ``headline`` shows it among a dashboard's key figures, as a share
    of the figure ``out_of`` if given; ``help`` documents it in the API. A figure of a table
    keyed by year belongs to the year asked for, or, ``cumulative``, to every year up to it.
    """

    name: str
    tables: tuple[type[SummaryTable], ...]
    _: KW_ONLY
    label: str = ""
    headline: bool = False
    help: str = ""
    kind: str = COUNT
    out_of: str = ""
    cumulative: bool = False

    @property
    def heading(self) -> str:
        """Its label as a column heading, in the active language: with the unit of money
        and hours (募集资金（元）), whose cells are bare numbers."""
        unit = UNITS.get(self.kind)
        return unit % {"label": self.label} if unit else str(self.label)

    @property
    def column(self) -> str:
        """Its column in a flat row (``as_row``): the name with underscores."""
        return self.name.replace(".", "_")

    @property
    def yearly(self) -> bool:
        return "year" in self.tables[0].summary.keys

    @property
    def records(self) -> tuple[str, ...]:
        """The record tables its rows come from: figures of the same records are read in one
        statement."""
        table = self.tables[-1]
        while table.summary.copy_of is not None:
            table = table.summary.copy_of
        return tuple(records.table for records in table.summary.records)

    def zero(self) -> Any:
        return ZEROS[self.kind]

    def row(self, value: Any) -> dict[str, Any]:
        """Its columns in a flat row."""
        return {self.column: value}


@dataclass(frozen=True)
class Total(Figure):
    """The sum over a region's rows of ``sql``, an aggregate of the summary's columns: the
    region's is its children's and its own records' together."""

    sql: str

    def add(self, values: dict, row: dict) -> None:
        for key in (row["child"], None):
            values[key][self.name] += row[self.name]


@dataclass(frozen=True)
class PerKey(Figure):
    """``sql`` per value of the key column ``key``, every value of its choices included."""

    key: str
    sql: str

    def zero(self) -> dict:
        field = self.tables[0]._meta.get_field(self.key)
        return dict.fromkeys((value for value, _label in field.choices), ZEROS[self.kind])

    def add(self, values: dict, row: dict) -> None:
        for key in (row["child"], None):
            values[key][self.name][row[self.key]] += row[self.name]

    def row(self, value: Any) -> dict[str, Any]:
        return {}


@dataclass(frozen=True)
class PerRegion(Figure):
    """The column ``value`` of a table kept at every region's own code (``in_every_region``),
    read as it is for the region and for each child: no sum of finer rows (a donor who gave
    under two children counts once for the region). Keyed by year; without a year, the
    ``ALL_YEARS`` rows. The table needs an index on ``(year, length(region_code),
    region_code)`` (``per_region_index``)."""

    value: str

    def add(self, values: dict, row: dict) -> None:
        values[row["child"]][self.name] = row[self.name]

    def sql(self, figures: Sequence[Figure], keys: list[str]) -> str:
        """Its part of ``figures_sql``: the region's row (``child`` null) and its children's,
        each found by the index on (year, length of the code, code)."""
        table = self.tables[0]._meta.db_table
        year = f"coalesce(%(year)s::int, {ALL_YEARS})"
        parts = []
        for child, where in [
            ("NULL", "region_code = %(code)s"),
            (
                "region_code",
                "length(region_code) = %(n)s AND region_code LIKE %(prefix)s AND %(has_children)s",
            ),
        ]:
            selected = [
                f"{child} AS child",
                *(f"NULL AS {key}" for key in keys),
                *(_aligned(f, self.value if f is self else "") for f in figures),
            ]
            parts.append(
                f"SELECT {', '.join(selected)} FROM {table}\n"  # noqa: S608 (declared SQL)
                f" WHERE year = {year} AND {where}"
            )
        return "\nUNION ALL\n".join(parts)


@dataclass(frozen=True)
class Computed(Figure):
    """A figure the rollup computes by queries of its own (``tables`` are those it reads);
    ``flat`` spreads its nested value into the columns of a flat row."""

    flat: bool = False

    def row(self, value: Any) -> dict[str, Any]:
        return _flattened(self.column, value) if self.flat else {}


@dataclass(frozen=True)
class Derived(Figure):
    """A figure computed from the other figures of the same region (``compute``: from their
    values by name), declared after them; ``tables`` are those of the figures it reads."""

    compute: Callable[[dict[str, Any]], Any]


def _flattened(prefix: str, value: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(value):
        value = dataclasses.asdict(value)
    if not isinstance(value, dict):
        return {prefix: value}
    return {
        column: item
        for key, nested in value.items()
        for column, item in _flattened(f"{prefix}_{key}", nested).items()
    }


def read_together(figures: Iterable[Figure]) -> list[list[Figure]]:
    """The figures read by generated SQL, in statements: one per table of records."""
    statements: dict[tuple[str, ...], list[Figure]] = {}
    for figure in figures:
        if not isinstance(figure, Computed | Derived):
            statements.setdefault(figure.records, []).append(figure)
    return list(statements.values())


def figures_sql(
    figures: Sequence[Figure],
    length: int,
    rows: Mapping[tuple[type[SummaryTable], ...], str] | None = None,
) -> str:
    """One SELECT of ``figures`` per child (the codes cut to ``length``; column ``child``),
    a UNION ALL of one part per family of tables (and of cumulative figures of them), in
    aligned columns. Sums are per child and key; a figure kept per region also has the
    region's own row (``child`` null). ``rows`` replaces the rows of a family of tables by
    another relation of the same columns (the summary as it was on a past day)."""
    keys = list(dict.fromkeys(figure.key for figure in figures if isinstance(figure, PerKey)))
    families: dict[tuple, list[Figure]] = {}
    for figure in figures:
        families.setdefault((figure.tables, figure.cumulative), []).append(figure)
    parts = []
    for (tables, cumulative), family in families.items():
        sums = [figure for figure in family if not isinstance(figure, PerRegion)]
        if sums:
            by = list(dict.fromkeys(f.key for f in sums if isinstance(f, PerKey)))
            selected = [_child(length), *(key if key in by else f"NULL AS {key}" for key in keys)]
            selected += [
                _aligned(figure, figure.sql if figure in sums else "") for figure in figures
            ]
            group_by = ", ".join(["1", *(str(keys.index(key) + 2) for key in by)])
            parts.append(
                _select(
                    tables,
                    length,
                    selected,
                    group_by=group_by,
                    cumulative=cumulative,
                    rows=(rows or {}).get(tables, ""),
                )
            )
        parts += [f.sql(figures, keys) for f in family if isinstance(f, PerRegion)]
    return "\nUNION ALL\n".join(parts)


#: The type of a figure's empty column in the parts of ``figures_sql`` that do not read it:
#: typed, so that a UNION of parts of which the first two leave it empty still matches.
NULLS = {COUNT: "NULL::bigint", MONEY: "NULL::numeric", HOURS: "NULL::numeric"}


def _aligned(figure: Figure, sql: str) -> str:
    return f'{sql or NULLS.get(figure.kind, "NULL")} AS "{figure.name}"'


def collect(figures: Sequence[Figure], rows: Iterable[dict]) -> defaultdict:
    """``{child code: {figure name: value}}`` from the rows of ``figures_sql``, the region's
    own figures under None; every figure zero where it has no row."""
    values = defaultdict(lambda: {figure.name: figure.zero() for figure in figures})
    for row in rows:
        for figure in figures:
            if row[figure.name] is not None:
                figure.add(values, row)
    return values


# What the database holds, and the migration to the declarations ---------------------------


def installed_functions(cursor, names: Iterable[str]) -> dict[str, str]:
    """``{name: source}`` of the functions of the current schema named ``names``."""
    cursor.execute(
        "SELECT p.proname, p.prosrc FROM pg_proc p"
        " JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = current_schema() AND p.proname = ANY (%s)",
        [list(names)],
    )
    return dict(cursor.fetchall())


def installed_triggers(cursor, tables: Iterable[str]) -> dict[str, str]:
    """``{name: CREATE TRIGGER statement}`` of the user triggers on ``tables``, written as the
    declarations write them (without the schema)."""
    cursor.execute(
        "SELECT t.tgname, replace(pg_get_triggerdef(t.oid),"
        " ' ON ' || current_schema() || '.', ' ON ')"
        " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " WHERE NOT t.tgisinternal AND c.relname = ANY (%s)",
        [list(tables)],
    )
    return dict(cursor.fetchall())


def _definitions(cursor, names: Iterable[str]) -> dict[str, str]:
    """``{name: CREATE OR REPLACE FUNCTION statement}`` of the installed functions ``names``."""
    cursor.execute(
        "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p"
        " JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = current_schema() AND p.proname = ANY (%s)",
        [list(names)],
    )
    return {name: f"{definition};\n" for name, definition in cursor.fetchall()}


def migration_sql(cursor, app_label: str) -> tuple[str, str]:
    """SQL bringing the app's summary functions and triggers in the database to what the
    declarations generate, and SQL undoing that (back to what the database holds now); both
    empty when they agree. A summary table no installed function writes yet is filled from
    the records, the tables its triggers follow locked against writers until the migration
    commits (a write in between would be in neither the fill nor the table)."""
    triggered = [function for function in trigger_functions() if function.app_label == app_label]
    helpers = [function for app, function in helper_functions() if app == app_label]
    functions = [*helpers, *(function.function for function in triggered)]
    new_tables = _new_tables(cursor, app_label)
    steps = [
        *_function_steps(cursor, functions),
        *_trigger_steps(cursor, triggered),
        *_stale_steps(cursor, app_label, {function.name for function in functions}),
        *((_fill_sql(model), _empty_sql(model)) for model in new_tables),
    ]
    if not steps:
        return "", ""
    if new_tables:
        locked = ", ".join(sorted({function.table for function in triggered}))
        steps.insert(0, (f"LOCK TABLE {locked} IN SHARE ROW EXCLUSIVE MODE;\n", ""))
    # Undone in the opposite order: triggers before the functions they call.
    return "".join(step[0] for step in steps), "".join(step[1] for step in reversed(steps))


def _function_steps(cursor, functions: list[Function]) -> list[tuple[str, str]]:
    """The declared functions that differ from the installed ones: replace, restore."""
    installed = installed_functions(cursor, [function.name for function in functions])
    changed = [f for f in functions if installed.get(f.name) != f.source]
    previous = _definitions(cursor, [function.name for function in changed])
    return [
        (function.create_sql(replace=True), previous.get(function.name) or function.drop_sql())
        for function in changed
    ]


def _trigger_steps(cursor, triggered: list[TriggerFunction]) -> list[tuple[str, str]]:
    """The declared triggers missing or different in the database: create, drop or restore."""
    installed = installed_triggers(cursor, [function.table for function in triggered])
    steps = []
    for function in triggered:
        for name, statement in function.triggers.items():
            if installed.get(name) != statement:
                drop = f"DROP TRIGGER IF EXISTS {name} ON {function.table};\n"
                restore = f"{installed[name]};\n" if name in installed else ""
                steps.append((f"{drop}{statement};\n", f"{drop}{restore}"))
    return steps


def _stale_steps(cursor, app_label: str, declared: set[str]) -> list[tuple[str, str]]:
    """Installed summary trigger functions of the app that no declaration generates (named
    ``<app>_…_summarize`` or ``<app>_…_to_county``): drop, restore."""
    cursor.execute(
        "SELECT p.proname, pg_get_functiondef(p.oid),"
        " array_remove(array_agg(t.tgname || ' ON ' || c.relname), NULL),"
        " array_remove(array_agg(pg_get_triggerdef(t.oid)), NULL)"
        " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " LEFT JOIN pg_trigger t ON t.tgfoid = p.oid LEFT JOIN pg_class c ON c.oid = t.tgrelid"
        " WHERE n.nspname = current_schema() AND p.proname LIKE %s"
        " AND (p.proname LIKE '%%\\_summarize' OR p.proname LIKE '%%\\_to\\_county')"
        " GROUP BY 1, 2 ORDER BY 1",
        [f"{app_label}\\_%"],
    )
    return [
        (
            "".join(f"DROP TRIGGER IF EXISTS {trigger};\n" for trigger in triggers)
            + f"DROP FUNCTION IF EXISTS {name}();\n",
            f"{definition};\n" + "".join(f"{statement};\n" for statement in statements),
        )
        for name, definition, triggers, statements in cursor.fetchall()
        if name not in declared
    ]


def _new_tables(cursor, app_label: str) -> list[type[SummaryTable]]:
    """The app's summary tables keyed by region that no installed function writes yet (a
    table that is not ``verified`` has no records to be filled from: it starts empty)."""
    cursor.execute(
        "SELECT string_agg(p.prosrc, ' ') FROM pg_proc p"
        " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema()"
    )
    written = cursor.fetchone()[0] or ""
    return [
        model
        for model in summary_tables()
        if model._meta.app_label == app_label
        and (not model.summary.rebuild or _keyed_by_region(model))
        and model.summary.verified
        and f"INSERT INTO {model._meta.db_table} " not in written
    ]


def _keyed_by_region(model: type[SummaryTable]) -> bool:
    return any(field.column == "region_code" for field in model._meta.concrete_fields)


def _fill_sql(model: type[SummaryTable]) -> str:
    """Rows of a new summary table from the records (when it is still empty), and estimates
    of the groups the rollups make of its rows."""
    table = model._meta.db_table
    columns = ", ".join(field.column for field in model._meta.concrete_fields)
    prefixes = ", ".join(
        f"(left(region_code, {n}))" for n in (2, 4, COUNTY_GRAIN) if n < model.summary.grain
    )
    return (
        f"INSERT INTO {table} ({columns})\n"  # noqa: S608 (declared SQL)
        f"SELECT {columns} FROM ({rebuild_sql(model)}) r\n"
        f" WHERE NOT EXISTS (SELECT 1 FROM {table});\n"
        f"CREATE STATISTICS IF NOT EXISTS {table}_prefixes ON {prefixes} FROM {table};\n"
    )


def _empty_sql(model: type[SummaryTable]) -> str:
    table = model._meta.db_table
    return f"TRUNCATE {table};\nDROP STATISTICS IF EXISTS {table}_prefixes;\n"
