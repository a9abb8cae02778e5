"""Database helpers the ORM does not offer."""

import itertools
import logging
import operator
import weakref
from functools import partialmethod

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models
from django.db.models import F, Q, Value
from django.utils.encoding import force_str

# Rows per INSERT: keeps the parameters under SQLite's limit of 32,766.
INSERT_CHUNK = 1000


def insert_new(objs, *, returning: str) -> list:
    """Insert the unsaved model instances ``objs`` (one model), skipping any that conflict
    with a unique constraint, and return ``returning`` of the rows actually inserted.

    ``INSERT ... ON CONFLICT DO NOTHING RETURNING``: what ``bulk_create(ignore_conflicts=
    True)`` does, but telling which rows were new. A row that a concurrent, uncommitted
    transaction inserted waits for it, then counts as a conflict: the unique row is a
    claim, and the first to insert it does the work. Rows go in a fixed order (as given),
    so two transactions inserting the same claims cannot deadlock if callers sort them.
    """
    if not objs:
        return []
    meta = objs[0]._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    column = quote(meta.get_field(returning).column)
    inserted = []
    with connection.cursor() as cursor:
        for start in range(0, len(objs), INSERT_CHUNK):
            chunk = objs[start:start + INSERT_CHUNK]
            params = [
                f.get_db_prep_save(f.pre_save(obj, add=True), connection)
                for obj in chunk for f in fields
            ]
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608 (names from the model)
                f"{', '.join([row_sql] * len(chunk))} ON CONFLICT DO NOTHING RETURNING {column}",
                params,
            )
            inserted.extend(row[0] for row in cursor.fetchall())
    return inserted


def quick_choice_labels(models) -> None:
    """Give every choice field of ``models`` a ``get_<field>_display`` that looks its label
    up in a dictionary made once, instead of Django's, which builds that dictionary again
    on every call (``dict(make_hashable(field.flatchoices))``): a 25-row case list calls it
    50 times. Same result: the label in the active language, or the value itself when it
    is not one of the choices. A model's own ``get_<field>_display`` is left alone, and so
    are fields whose choices are computed (a callable)."""
    for model in models:
        for field in model._meta.concrete_fields:
            name = f"get_{field.name}_display"
            if not field.choices or not isinstance(field.choices, (list, tuple)):
                continue
            if not isinstance(model.__dict__.get(name), partialmethod):
                continue  # written by hand on the model, or inherited: not ours to change
            setattr(model, name, _display(field.attname, dict(field.flatchoices)))


def _display(attname, labels):
    def display(self):
        value = getattr(self, attname)
        try:
            label = labels.get(value, value)
        except TypeError:  # an unhashable value cannot be one of the choices
            label = value
        return force_str(label, strings_only=True)

    display.__name__ = f"get_{attname}_display"
    return display


class Check(models.CheckConstraint):
    """A CHECK constraint that model forms and ``full_clean`` test in Python.

    Django tests a check constraint before saving by asking the database (a SELECT in a
    savepoint: three statements per constraint, 33 for a case's form). The conditions here
    are simple (``in``, comparisons, ``isnull``, ``F()`` of another field, and/or/not), so
    they are evaluated in Python with SQL's rules for NULL: a condition that comes out
    unknown passes, as in the database. Anything else (a transform, an expression) is
    still asked of the database. The database enforces the constraint either way; tests
    compare both ways for every constraint of the project."""

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        against = instance._get_field_expression_map(meta=model._meta, exclude=exclude)
        try:
            holds = evaluate(Q(self.condition), against)
        except NotInPython:
            return super().validate(model, instance, exclude=exclude, using=using)
        except FieldNotGiven:
            return  # a field it needs is excluded from validation: skipped, as Django does
        if holds is False:
            raise ValidationError(self.get_violation_error_message(),
                                  code=self.violation_error_code)


class NotInPython(Exception):
    """The condition needs the database to be evaluated."""


class FieldNotGiven(Exception):
    """The condition names a field that is not being validated."""


def evaluate(condition, against):
    """``condition`` (a ``Q``) for the values of ``against`` (field name: ``Value``):
    True, False, or None for SQL's unknown."""
    if isinstance(condition, Q):
        results = [evaluate(child, against) for child in condition.children]
        if condition.connector == Q.AND:
            result = False if False in results else None if None in results else True
        else:
            result = True if True in results else None if None in results else False
        return (None if result is None else not result) if condition.negated else result
    if not isinstance(condition, tuple):
        raise NotInPython
    name, wanted = condition
    field_name, _, lookup = name.partition("__")
    lookup = lookup or "exact"
    value = _given(field_name, against)
    try:
        return _LOOKUPS[lookup](value, _operand(wanted, against))
    except (KeyError, TypeError) as error:  # another lookup, or values Python cannot compare
        raise NotInPython from error


def _given(name, against):
    if name not in against:
        raise FieldNotGiven
    value = against[name]
    if not isinstance(value, Value):
        raise NotInPython  # the instance holds an expression (F(), Now()...)
    return value.value


def _operand(wanted, against):
    if isinstance(wanted, F):
        return _given(wanted.name, against)
    if hasattr(wanted, "resolve_expression"):
        raise NotInPython
    return wanted


def _compare(operator):
    def lookup(value, wanted):
        return None if value is None or wanted is None else operator(value, wanted)
    return lookup


def _in(value, wanted):
    # Django leaves None out of an IN list (NULL equals nothing): only the others count.
    return None if value is None else value in [item for item in wanted if item is not None]


_LOOKUPS = {
    "exact": lambda value, wanted: (value is None if wanted is None
                                    else None if value is None else value == wanted),
    "in": _in,
    "gt": _compare(operator.gt), "gte": _compare(operator.ge),
    "lt": _compare(operator.lt), "lte": _compare(operator.le),
    "isnull": lambda value, wanted: (value is None) == bool(wanted),
}


class CompiledQuery:
    """A query that the ORM writes to SQL once per process instead of once per call.

    For the queries of every request (the session, the signed-in user): Django builds and
    compiles a queryset anew each time, which for these costs more CPU than running them.
    ``build(**stand_ins)`` returns the queryset (a ``values_list``) made with stand-in
    values; each call of ``rows(**values)`` runs its SQL with the real values in their
    place, prepared for the database as the field prepares them. ``stand_ins`` maps each
    name to ``(field, stand-in value)``; a stand-in must be a value no real call uses."""

    def __init__(self, alias, build, **stand_ins):
        self.alias = alias
        connection = connections[alias]
        self.fields = {name: field for name, (field, _value) in stand_ins.items()}
        query = build(**{name: value for name, (_field, value) in stand_ins.items()}).query
        self.compiler = query.get_compiler(using=alias)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        # what turns a column's value into the field's (JSON text into a dict, SQLite's
        # 0/1 into a bool...), as the ORM applies it to every row it reads
        self.converters = self.compiler.get_converters(
            [expression for expression, _sql, _alias in self.compiler.select])
        self.slots = {}
        for name, (field, value) in stand_ins.items():
            prepared = field.get_db_prep_value(value, connection, prepared=False)
            self.slots[name] = [i for i, param in enumerate(self.params) if param == prepared]
            if not self.slots[name]:
                raise ValueError(f"The stand-in for {name} is not among the query's parameters.")
        self.statement = (PreparedStatement(self, connection)
                          if connection.vendor == "postgresql"
                          and settings.DATABASE_PREPARED_STATEMENTS else None)

    def rows(self, **values) -> list[tuple]:
        connection = connections[self.alias]
        prepared = {name: self.fields[name].get_db_prep_value(value, connection, prepared=False)
                    for name, value in values.items()}
        with connection.cursor() as cursor:
            if self.statement is not None and self.statement.ready(connection):
                try:
                    cursor.execute(self.statement.execute_sql,
                                   [prepared[name] for name in self.statement.names])
                except DatabaseError as error:
                    PreparedStatement.check_lost(error)
                    raise
            else:
                params = list(self.params)
                for name, value in prepared.items():
                    for slot in self.slots[name]:
                        params[slot] = value
                cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = [tuple(row) for row in self.compiler.apply_converters(rows, self.converters)]
        return rows


logger = logging.getLogger(__name__)
_statement_numbers = itertools.count(1)
# each database connection's prepared statements, by the DB-API connection (a new
# connection, after a drop or CONN_MAX_AGE, starts with none)
_prepared_on = weakref.WeakKeyDictionary()
_statements = {}  # name -> PREPARE statement, for readable()


def readable(sql: str) -> str:
    """``sql``, or for ``EXECUTE riskdesk_N (...)`` the statement it runs (for the tests
    that read the SQL of a request, and for looking into one by hand)."""
    if sql.startswith("EXECUTE riskdesk_"):
        statement = _statements.get(sql.split()[1])
        if statement is not None:
            return f"{sql} -- {statement}"
    return sql


class PreparedStatement:
    """A ``CompiledQuery`` prepared in PostgreSQL once per connection (``PREPARE``), then
    run with ``EXECUTE``: PostgreSQL no longer parses and plans it on every request, which
    was a third of its work on a case page. The query's other parameters are written into
    the statement as constants; its stand-ins become typed parameters.

    Prepared statements belong to one database session: behind PgBouncer in transaction
    mode set DATABASE_PREPARED_STATEMENTS=false. A statement PostgreSQL refuses is run the
    usual way from then on. If the database forgets statements it prepared (a pooler
    that shares sessions out, a DISCARD ALL), that request fails and the process stops
    preparing, saying so in the log."""

    lost = False  # the database forgot a prepared statement: prepare nothing more

    @classmethod
    def check_lost(cls, error):
        """After an EXECUTE failed: if the statement was unknown to the database (SQLSTATE
        26000), stop preparing in this process and say why in the log."""
        if getattr(error.__cause__, "pgcode", None) == "26000" and not cls.lost:
            cls.lost = True
            logger.error(
                "PostgreSQL no longer knows a statement this process prepared: a pooler in "
                "transaction mode, or DISCARD ALL? Queries are no longer prepared; set "
                "DATABASE_PREPARED_STATEMENTS=false to say so from the start.")

    def __init__(self, query, connection):
        from psycopg2.extensions import AsIs

        self.name = f"riskdesk_{next(_statement_numbers)}"
        self.names = list(query.slots)
        params = list(query.params)
        for number, name in enumerate(self.names, start=1):
            for slot in query.slots[name]:
                params[slot] = AsIs(f"${number}")
        types = ", ".join(query.fields[name].db_type(connection) for name in self.names)
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            body = cursor.mogrify(query.sql, params).decode()
        self.prepare_sql = _statements[self.name] = f"PREPARE {self.name} ({types}) AS {body}"
        self.execute_sql = f"EXECUTE {self.name} ({', '.join(['%s'] * len(self.names))})"
        self.refused = False

    def ready(self, connection) -> bool:
        """Whether the statement is prepared on ``connection`` (an open one), preparing
        it if not. Runs on the DB-API connection: a request's query count stays the same,
        and inside a transaction a savepoint keeps a refusal from spoiling it."""
        import psycopg2

        if self.refused or PreparedStatement.lost:
            return False
        raw = connection.connection
        done = _prepared_on.setdefault(raw, set())
        if self.name in done:
            return True
        in_transaction = (raw.info.transaction_status
                          != psycopg2.extensions.TRANSACTION_STATUS_IDLE)
        with raw.cursor() as cursor:
            if in_transaction:
                cursor.execute("SAVEPOINT riskdesk_prepare")
            try:
                cursor.execute(self.prepare_sql)
            except psycopg2.Error:
                logger.warning("PostgreSQL refused to prepare %s: %s", self.name,
                               self.prepare_sql, exc_info=True)
                if in_transaction:
                    cursor.execute("ROLLBACK TO SAVEPOINT riskdesk_prepare")
                self.refused = True
                return False
            finally:
                if in_transaction and not raw.closed:
                    cursor.execute("RELEASE SAVEPOINT riskdesk_prepare")
        done.add(self.name)
        return True


class CompiledObjects:
    """Model instances read with SQL written once per process, ``select_related`` style.

    ``build(**stand_ins)`` returns a queryset of ``model`` (filters, order, annotations, as
    usual); its rows are read with the model's columns, those of each relation in
    ``related`` (a foreign key or a one-to-one, either way) and the annotations named in
    ``annotations``, and made into instances as ``select_related(*related)`` makes them (a
    missing related row is cached as None, no query later; a one-to-one is cached on both
    sides) with each annotation as an attribute. ``known`` in ``objects()`` sets
    relations the caller already holds (the case whose history this is)."""

    def __init__(self, alias, model, related, build, annotations=(), **stand_ins):
        self.alias, self.model, self.annotations = alias, model, tuple(annotations)
        self.names = [field.attname for field in model._meta.concrete_fields]
        self.related = []
        columns = list(self.names)
        for name in related:
            field = model._meta.get_field(name)
            target = field.related_model
            names = [f.attname for f in target._meta.concrete_fields]
            self.related.append((field, target, names, names.index(target._meta.pk.attname)))
            columns += [f"{name}__{attname}" for attname in names]
        columns += self.annotations
        self.query = CompiledQuery(
            alias, lambda **values: build(**values).values_list(*columns), **stand_ins)

    def objects(self, known=None, **values) -> list:
        found = []
        for row in self.query.rows(**values):
            start = len(self.names)
            instance = self.model.from_db(self.alias, self.names, row[:start])
            for field, target, names, pk_index in self.related:
                part = row[start:start + len(names)]
                start += len(names)
                other = None if part[pk_index] is None else target.from_db(self.alias, names, part)
                field.set_cached_value(instance, other)
                if other is not None and field.one_to_one:  # the other side, as Django does
                    field.remote_field.set_cached_value(other, instance)
            for name, value in zip(self.annotations, row[start:], strict=True):
                setattr(instance, name, value)
            for name, value in (known or {}).items():
                self.model._meta.get_field(name).set_cached_value(instance, value)
            found.append(instance)
        return found
