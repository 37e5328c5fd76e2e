"""Insert many rows from plain tuples, for writers of thousands of rows (the sweep) where building a
model instance per row, Django's per-value preparation and the driver's placeholder handling cost
more than the database's own work. One call for every database: COPY on PostgreSQL, multi-row
INSERT … VALUES … RETURNING elsewhere (SQLite), the same rows and ids either way."""

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import connections, transaction
from django.db.models import Field, Model

ROWS_PER_STATEMENT = 1000  # SQLite's parameter limit makes it fewer
# Plain Python values go to the driver as they are: no per-value preparation.
PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}
REPEATED = {"DateField", "DateTimeField"}  # few distinct values per batch (now, due dates): prepared once each


def _concrete(model: type[Model], name: str) -> Field:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.concrete:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field


def _preparer(field: Field, connection: Any) -> Callable[[Any], Any] | None:
    kind = field.get_internal_type()
    if kind in PLAIN:
        return None
    if kind in REPEATED:
        seen: dict[Any, Any] = {}

        def once(value: Any) -> Any:
            if value not in seen:
                seen[value] = field.get_db_prep_save(value, connection)
            return seen[value]

        return once
    return lambda value: field.get_db_prep_save(value, connection)


def insert(
    model: type[Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    fixed: Mapping[str, Any] | None = None,
    returning: bool = False,
    using: str = "default",
) -> list[int]:
    """Insert `rows` (tuples of values for `columns`, field names or attnames) into `model`'s table.

    `fixed` gives one value for every row; every other concrete field takes its default, as an unsaved
    instance would. Returns the new primary keys in row order if `returning`, else []."""
    if getattr(model, "sealed_at_commit", False):  # events: the commit chains them (events.backends)
        from luoshi.events.models import pending_token

        with transaction.atomic(using=using, savepoint=False):
            fixed = {**(fixed or {}), "pending": pending_token(using)}
            return _insert(model, columns, rows, fixed=fixed, returning=returning, using=using)
    return _insert(model, columns, rows, fixed=fixed, returning=returning, using=using)


def _insert(
    model: type[Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    fixed: Mapping[str, Any] | None,
    returning: bool,
    using: str,
) -> list[int]:
    connection = connections[using]
    opts = model._meta
    fixed = dict(fixed or {})
    fields = [_concrete(model, c) for c in columns]
    named = {f.name for f in fields} | {_concrete(model, c).name for c in fixed}
    for f in opts.concrete_fields:
        if not f.primary_key and f.name not in named:
            fixed[f.attname] = f.get_default()
    constant_fields = [_concrete(model, c) for c in fixed]
    constants = [f.get_db_prep_save(v, connection) for f, v in zip(constant_fields, fixed.values(), strict=True)]
    preparers = [(i, p) for i, f in enumerate(fields) if (p := _preparer(f, connection))]
    prepared = []
    for row in rows:
        if len(row) != len(fields):
            raise ValueError(f"{len(row)} values for {len(fields)} columns")
        values = [*row, *constants]
        for i, prepare in preparers:
            values[i] = prepare(values[i])
        prepared.append(values)
    if not prepared:
        return []
    columns_all = [f.column for f in fields + constant_fields]
    if connection.vendor == "postgresql":
        return _copy(connection, opts.db_table, opts.pk.column, columns_all, prepared, returning)
    return _values(connection, opts.db_table, opts.pk.column, columns_all, prepared, returning)


def _copy(
    connection: Any, table: str, pk: str, columns: list[str], rows: list[list[Any]], returning: bool
) -> list[int]:
    """PostgreSQL: COPY, several times faster than any INSERT from the client; the ids, when wanted,
    are taken from the table's sequence first (as an INSERT would take them)."""
    qn = connection.ops.quote_name
    ids: list[int] = []
    with connection.cursor() as cursor:
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, len(rows)]
            )
            ids = [new for (new,) in cursor.fetchall()]
            columns = [pk, *columns]
            rows = [[new, *row] for new, row in zip(ids, rows, strict=True)]
        with cursor.copy(f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    return ids


def _max_params(connection: Any) -> int:
    """SQLite says its own limit (32,766 since 3.32), well above the 999 Django assumes: fewer statements."""
    getlimit = getattr(connection.connection, "getlimit", None)
    if getlimit is not None:
        return int(getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return connection.features.max_query_params or 65535


def _values(
    connection: Any, table: str, pk: str, columns: list[str], rows: list[list[Any]], returning: bool
) -> list[int]:
    """Other databases (SQLite): multi-row INSERT … VALUES, as many rows per statement as the
    parameter limit allows; RETURNING gives the ids in row order (as Django's bulk_create relies on)."""
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    tail = f" RETURNING {qn(pk)}" if returning else ""
    ids: list[int] = []
    with connection.cursor() as cursor:
        per_statement = max(1, min(ROWS_PER_STATEMENT, _max_params(connection) // len(columns)))
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            sql = f"INSERT INTO {qn(table)} ({names}) VALUES {', '.join([one] * len(batch))}{tail}"
            cursor.execute(sql, [v for row in batch for v in row])
            if returning:
                ids.extend(new for (new,) in cursor.fetchall())
    return ids


def update(model: type[Model], fields: Sequence[str], objs: Iterable[Model]) -> int:
    """Write `fields` of each instance by its primary key: one prepared UPDATE run for every row
    (executemany), where Django's bulk_update builds a CASE per field and row (at 10,000 rows it spent a
    minute resolving its expressions). The instances' values are prepared as save() prepares them."""
    connection = connections[transaction.get_connection().alias]
    concrete = [_concrete(model, name) for name in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in concrete)
    pk = connection.ops.quote_name(model._meta.pk.column)
    rows = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in concrete] + [obj.pk] for obj in objs]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", rows)
    return len(rows)
