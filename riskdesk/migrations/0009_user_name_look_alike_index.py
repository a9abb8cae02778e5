"""On PostgreSQL a unique index refuses a second user name that differs from another only
by case or by a look-alike character (a full-width letter): its key is
lower(normalize(username, NFKC)), the database's side of riskdesk.signin.username_key.
The rule itself (with Python's casefold) is checked in riskdesk.actions.check_username_free
before anything is written; the index holds it against two writers at the same moment.
SQLite has no normalize(): there the check alone holds."""

from django.db import migrations

INDEX = "riskdesk_user_username_key"
KEY = "lower(normalize(username, NFKC))"


def _applies(connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_encoding")
        return cursor.fetchone()[0].upper() in ("UTF8", "UTF-8")  # normalize() needs UTF8


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if not _applies(connection):
        return
    table = apps.get_model("auth", "User")._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT string_agg(username, ', ' ORDER BY username) FROM {table} "
            f"GROUP BY {KEY} HAVING count(*) > 1"
        )
        clashes = [row[0] for row in cursor.fetchall()]
    if clashes:
        raise RuntimeError(
            "These user names differ only by case or by look-alike characters: "
            + "; ".join(clashes) + ". Rename all but one of each group (in the admin "
            "site), then migrate again."
        )
    schema_editor.execute(f"CREATE UNIQUE INDEX {INDEX} ON {table} (({KEY}))")


def drop_index(apps, schema_editor):
    if _applies(schema_editor.connection):
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("riskdesk", "0008_notices_for_agencies"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
