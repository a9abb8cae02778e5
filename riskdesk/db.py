"""Database helpers the ORM does not offer."""

from functools import partialmethod

from django.db import connection
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
