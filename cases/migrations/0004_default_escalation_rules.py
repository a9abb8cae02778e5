from django.db import migrations

# (risk level, escalation level, days overdue): level 1 notifies the district's
# supervisors, level 2 the city's. Admins change these in the admin site.
DEFAULTS = [
    ("major", 1, 3), ("major", 2, 7),
    ("high", 1, 5), ("high", 2, 14),
    ("medium", 1, 10), ("medium", 2, 30),
    ("low", 1, 20), ("low", 2, 60),
]


def create_rules(apps, schema_editor):
    rule = apps.get_model("cases", "EscalationRule")
    for risk_level, level, days in DEFAULTS:
        rule.objects.get_or_create(
            risk_level=risk_level, level=level, defaults={"days_overdue": days}
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_supervision_orders_escalation")]

    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
