"""Database helpers the ORM does not offer."""

import operator
from functools import partialmethod

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, models
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
