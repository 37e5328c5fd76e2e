"""Insert many rows from plain tuples: multi-row INSERT … VALUES (… RETURNING id), one code path for
SQLite and PostgreSQL. For writers of thousands of rows (the sweep) where building a model instance
per row and Django's per-value preparation cost more than the database's own work."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import connections
from django.db.models import Field, Model

ROWS_PER_STATEMENT = 1000  # PostgreSQL; SQLite's parameter limit makes it fewer
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
    instance would. Returns the new primary keys in row order if `returning` (both databases return
    the rows of a multi-row VALUES in order, as Django's bulk_create relies on), else []."""
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
    preparers = [_preparer(f, connection) for f in fields]
    qn = connection.ops.quote_name
    names = ", ".join(qn(f.column) for f in fields + constant_fields)
    width = len(fields) + len(constant_fields)
    one = "(" + ", ".join(["%s"] * width) + ")"
    limit = connection.features.max_query_params or 65535
    per_statement = max(1, min(ROWS_PER_STATEMENT, limit // width))
    tail = f" RETURNING {qn(opts.pk.column)}" if returning else ""
    ids: list[int] = []
    batch: list[Any] = []
    n = 0

    def flush() -> None:
        nonlocal batch, n
        if not n:
            return
        sql = f"INSERT INTO {qn(opts.db_table)} ({names}) VALUES {', '.join([one] * n)}{tail}"
        with connection.cursor() as cursor:
            cursor.execute(sql, batch)
            if returning:
                ids.extend(pk for (pk,) in cursor.fetchall())
        batch, n = [], 0

    for row in rows:
        batch.extend(v if p is None else p(v) for p, v in zip(preparers, row, strict=True))
        batch.extend(constants)
        n += 1
        if n == per_statement:
            flush()
    flush()
    return ids
