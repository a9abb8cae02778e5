from django.db import migrations

TABLES = ("assessments_decisionevent", "assessments_agencyevent")

# On PostgreSQL the history tables refuse UPDATE and DELETE whatever code tries.
APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{table} is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
"""
DROP_SQL = """
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP FUNCTION IF EXISTS {table}_append_only();
"""


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(APPEND_ONLY_SQL.format(table=table), params=None)


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(DROP_SQL.format(table=table), params=None)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_decisions_agencies_registry")]

    operations = [migrations.RunPython(append_only, drop_append_only)]
