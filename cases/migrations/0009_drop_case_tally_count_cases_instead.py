# The list counts its cases with a plain COUNT(*) ... GROUP BY status on the covering index
# cases_case_list_counts (CaseFilterSet.status_counts). The trigger-kept tally of 0008 goes:
# its row locks made a colleague's edit wait for a running import, and could deadlock.

import importlib

from django.db import migrations

tally = importlib.import_module("cases.migrations.0008_case_tally_updated_indexes")


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_case_tally_updated_indexes'),
    ]

    operations = [
        # the triggers and their function first (PostgreSQL only), then the table
        migrations.RunPython(tally.drop_tally_triggers, tally.create_tally_triggers),
        migrations.DeleteModel(
            name='CaseTally',
        ),
    ]
