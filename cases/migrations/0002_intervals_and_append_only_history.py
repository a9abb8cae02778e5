from django.db import migrations

DEFAULTS = {"major": 7, "high": 14, "medium": 30, "low": 60}

# On PostgreSQL the history table refuses UPDATE and DELETE whatever code tries.
APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION cases_caseevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'cases_caseevent is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cases_caseevent_append_only
    BEFORE UPDATE OR DELETE ON cases_caseevent
    FOR EACH ROW EXECUTE FUNCTION cases_caseevent_append_only();
"""
DROP_SQL = """
DROP TRIGGER IF EXISTS cases_caseevent_append_only ON cases_caseevent;
DROP FUNCTION IF EXISTS cases_caseevent_append_only();
"""


def create_intervals(apps, schema_editor):
    interval = apps.get_model("cases", "FollowUpInterval")
    for level, days in DEFAULTS.items():
        interval.objects.get_or_create(risk_level=level, defaults={"days": days})


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL, params=None)


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.RunPython(create_intervals, migrations.RunPython.noop),
        migrations.RunPython(append_only, drop_append_only),
    ]
