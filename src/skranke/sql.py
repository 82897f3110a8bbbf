"""The tools of the walk-in hot path's hand-written SQL: names, rows made into model instances, and plain writes.

Why by hand: the kiosk (`web.views_kiosk.kiosk_take`) and the counter's
issue → call → finish cycle are CPU-bound (docs/benchmarks.md, "Walk-in counter
day"), and most of their CPU went on the ORM building and compiling each query
anew. Measured per call on PostgreSQL (CPU of the Python process, driver
included, the ORM's query against the hand-written one): 0.6–3.3 ms against
0.14–0.54 ms. With them (2026-12-03, in-process, CPU of the Python process) the
kiosk's ticket request went from 10.6 to 3.5 ms and a cycle from 18 to 9 ms; with
the contact, its lines and the audit entry written here too, a cycle takes 3.3 ms.

On PostgreSQL the statements are also bound on the server and prepared per
connection (`sql_cursor`), and several writes that follow each other are one
statement (a WITH of INSERTs: `insert_with_rows`, and the ticket's number, row and
lines in queues.services): PostgreSQL's CPU per cycle went from 4.7 to 3.1 ms, and
the locks every counter waits for (the day's ticket number, the audit chain) are
held for fewer round trips.

The statements are each in a small named function beside their caller, with
the figure for it, portable between SQLite and PostgreSQL, with every value a
bound parameter (but for code constants the plan must know: `constant`) and
every table and column name taken from the models' `_meta` and quoted by the
backend, never from input. Their text is built once per backend (`statement`).

Values are read back through the same converters the ORM applies (booleans,
dates and times from SQLite's text, JSON), and written through the fields'
own `get_db_prep_save`, so an instance made here is the one the ORM would make.
"""

import functools

from django.db import DatabaseError, connection
from django.db.models import Model


def statement(build):
    """Decorator: the SQL text `build(*args)` returns, built once per database vendor and arguments.

    The text depends only on the models' names and the arguments (such as how
    many values an IN list has), so the hot path does not rebuild it every time.
    """
    texts: dict[tuple, str] = {}

    @functools.wraps(build)
    def text(*args) -> str:
        key = (connection.vendor, *args)
        found = texts.get(key)
        if found is None:
            found = texts[key] = build(*args)
        return found

    return text


def sql_cursor():
    """A cursor for the hand-written statements, with Django's wrappers (query logging, execute_wrapper).

    On PostgreSQL it binds the parameters on the server, so that psycopg can keep each
    statement prepared on the connection after `prepare_threshold` uses (settings:
    DATABASE_PREPARE_THRESHOLD) and PostgreSQL plans it once per connection, not on every
    call: the ORM's cursors send the values inside the SQL text, which is planned anew
    each time, and planning was about half of PostgreSQL's CPU per counter cycle
    (docs/benchmarks.md, "Walk-in counter day"). With prepared statements off (behind a
    pooler in transaction mode), or on SQLite, Django's own cursor; also while queries are
    logged (DEBUG, a test counting them), since psycopg sends a prepared statement without
    its text and the log would show None.
    """
    if (
        connection.vendor != "postgresql"
        or connection.settings_dict["OPTIONS"].get("prepare_threshold") is None
        or connection.queries_logged
    ):
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    return connection._prepare_cursor(ServerBindingCursor(connection.connection))


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table(model: type[Model]) -> str:
    """The model's table name, quoted."""
    return quote(model._meta.db_table)


def column(model: type[Model], name: str) -> str:
    """The column of the model's field `name` (e.g. "queue" → "queue_id"), quoted."""
    return quote(model._meta.get_field(name).column)


def constant(value: str) -> str:
    """A code constant (a choice's value such as "WAITING") written into the statement as a literal, not bound.

    For a prepared statement PostgreSQL soon plans once for any values (a generic
    plan), and a partial index (queues_ticket_waiting_day: the waiting tickets only)
    is usable in such a plan only when the statement itself says the status. Without
    them the call of the next ticket read every ticket of the queue's day through the
    (queue, day, number) index and filtered on the status: 3.6–4.3 ms of PostgreSQL's
    CPU per call with 16,000 tickets in the day, against 0.3 ms (docs/benchmarks.md).
    Only letters, digits and underscores: it is never a user's value.
    """
    if not isinstance(value, str) or not value.replace("_", "").isalnum() or not value.isascii():
        raise ValueError(f"not a code constant: {value!r}")
    return f"'{value}'"


def placeholders(count: int) -> str:
    """`count` bound parameters, comma-separated (for an IN list or a VALUES row)."""
    return ", ".join(["%s"] * count)


def for_update(alias: str, *, skip_locked: bool = False) -> str:
    """The row-lock clause for the rows of `alias` alone; empty where the database has none (SQLite), as in the ORM."""
    features = connection.features
    if not features.has_select_for_update:
        return ""
    clause = " FOR UPDATE"
    if features.has_select_for_update_of:
        clause += f" OF {alias}"
    if skip_locked and features.has_select_for_update_skip_locked:
        clause += " SKIP LOCKED"
    return clause


class Columns:
    """Some (default: all) concrete fields of a model: their SELECT list, and an instance made from a row of them."""

    def __init__(self, model: type[Model], fields: list[str] | None = None):
        self.model = model
        meta = model._meta
        self.fields = [meta.get_field(name) for name in fields] if fields else list(meta.concrete_fields)
        self.names = [f.attname for f in self.fields]
        self.width = len(self.fields)
        self._converters: dict[str, list] = {}

    def select(self, alias: str | None = None) -> str:
        """The columns as a SELECT (or RETURNING) list, qualified with `alias` when given."""
        prefix = f"{alias}." if alias else ""
        return ", ".join(f"{prefix}{quote(f.column)}" for f in self.fields)

    def _converters_now(self) -> list:
        """(position, converters, column) per field that needs converting on this backend, as SQLCompiler finds them."""
        key = connection.vendor
        found = self._converters.get(key)
        if found is None:
            found = []
            for position, field in enumerate(self.fields):
                col = field.get_col(self.model._meta.db_table)
                converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                if converters:
                    found.append((position, converters, col))
            self._converters[key] = found
        return found

    def make(self, row, start: int = 0) -> Model | None:
        """The instance of the row's columns from `start`; None when its primary key is NULL (an outer join's miss)."""
        values = list(row[start : start + self.width])
        if values[0] is None and self.fields[0].primary_key:
            return None
        for position, converters, col in self._converters_now():
            value = values[position]
            for converter in converters:
                value = converter(value, col, connection)
            values[position] = value
        return self.model.from_db(connection.alias, self.names, values)


def written(model: type[Model]) -> list:
    """The fields an INSERT writes: every concrete one but the automatic primary key."""
    meta = model._meta
    return [f for f in meta.concrete_fields if f is not meta.auto_field]


def insert_values(obj: Model) -> list:
    """The values of a new instance for `insert_sql`, in its column order, as the ORM would write them."""
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in written(type(obj))]


@statement
def insert_sql(model: type[Model], rows: int = 1, returning: bool = True) -> str:
    fields = written(model)
    row = f"({placeholders(len(fields))})"
    text = f"INSERT INTO {table(model)} ({', '.join(quote(f.column) for f in fields)}) VALUES {', '.join([row] * rows)}"
    return f"{text} RETURNING {quote(model._meta.pk.column)}" if returning else text


def saved(obj: Model) -> None:
    """Mark an instance written by hand as saved, as Model.save does."""
    obj._state.adding = False
    obj._state.db = connection.alias


def insert(obj: Model) -> Model:
    """INSERT one new instance, as `obj.save()` does, and set its primary key from RETURNING (SQLite 3.35+)."""
    with sql_cursor() as cursor:
        cursor.execute(insert_sql(type(obj)), insert_values(obj))
        obj.pk = cursor.fetchone()[0]
    saved(obj)
    return obj


def insert_rows(objs: list[Model]) -> None:
    """INSERT new instances of one model in one statement, as bulk_create does, without reading their ids back.

    For rows nothing keeps after saving them (a ticket's or a contact's service lines).
    """
    if not objs:
        return
    with sql_cursor() as cursor:
        cursor.execute(insert_sql(type(objs[0]), len(objs), False), [v for obj in objs for v in insert_values(obj)])
    for obj in objs:
        saved(obj)


@statement
def _insert_with_rows_sql(model: type[Model], child: type[Model], link: str, rows: int) -> str:
    """PostgreSQL: the parent's INSERT and its children's in one statement; the parent's id back.

    The children's values are a VALUES list, each cast to its column's type (a list of NULLs
    would otherwise be text), joined to the parent's new id for their `link` column.
    """
    pk = quote(model._meta.pk.column)
    link_field = child._meta.get_field(link)
    fields = [f for f in written(child) if f is not link_field]
    row = "(" + ", ".join(f"CAST(%s AS {f.cast_db_type(connection)})" for f in fields) + ")"
    names = [f"c{n}" for n in range(len(fields))]
    return (
        f"WITH p AS ({insert_sql(model)}), "
        f"l AS (INSERT INTO {table(child)} ({quote(link_field.column)}, {', '.join(quote(f.column) for f in fields)}) "
        f"SELECT p.{pk}, {', '.join(f'v.{n}' for n in names)} FROM p "
        f"CROSS JOIN (VALUES {', '.join([row] * rows)}) AS v ({', '.join(names)})) "
        f"SELECT p.{pk} FROM p"
    )


def insert_with_rows(obj: Model, rows: list[Model], link: str) -> Model:
    """INSERT a new instance and new rows of another model pointing to it through their ForeignKey `link`.

    One statement on PostgreSQL (a WITH), `insert` and `insert_rows` elsewhere; the rows' ids
    are not read back. For a contact and its lines, which every finished ticket writes.
    """
    if connection.vendor != "postgresql" or not rows:
        insert(obj)
        for row in rows:
            setattr(row, link, obj)
        insert_rows(rows)
        return obj
    child = type(rows[0])
    link_field = child._meta.get_field(link)
    values = insert_values(obj)
    for row in rows:
        values += [f.get_db_prep_save(f.pre_save(row, True), connection) for f in written(child) if f is not link_field]
    with sql_cursor() as cursor:
        cursor.execute(_insert_with_rows_sql(type(obj), child, link, len(rows)), values)
        obj.pk = cursor.fetchone()[0]
    saved(obj)
    for row in rows:
        setattr(row, link, obj)
        saved(row)
    return obj


@statement
def _update_sql(model: type[Model], fields: tuple[str, ...]) -> str:
    meta = model._meta
    sets = ", ".join(f"{quote(meta.get_field(name).column)} = %s" for name in fields)
    return f"UPDATE {table(model)} SET {sets} WHERE {quote(meta.pk.column)} = %s"


def update(obj: Model, fields: list[str]) -> None:
    """UPDATE these fields of one saved instance, as `obj.save(update_fields=fields)` does (and fails as it does)."""
    meta = obj._meta
    values = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in map(meta.get_field, fields)]
    with sql_cursor() as cursor:
        cursor.execute(_update_sql(type(obj), tuple(fields)), [*values, obj.pk])
        if cursor.rowcount != 1:
            raise DatabaseError("Save with update_fields did not affect any rows.")
