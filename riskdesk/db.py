"""Database helpers the ORM does not offer."""


from django.db import connection

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
