# The public agency application form counts its attempts per address in the audit log.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('riskdesk', '0006_append_only_guards_from_pgtrigger'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='auditentry',
            name='riskdesk_auditentry_action_valid',
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='action',
            field=models.CharField(choices=[('sign_in', 'Signed in'), ('sign_in_failed', 'Sign-in failed'), ('sign_in_throttled', 'Sign-in refused: too many failures'), ('export', 'Export'), ('download', 'Attachment download'), ('reveal', 'Personal data revealed'), ('agency_application', 'Agency application sent')], max_length=20, verbose_name='action'),
        ),
        migrations.AddConstraint(
            model_name='auditentry',
            constraint=models.CheckConstraint(condition=models.Q(('action__in', ['sign_in', 'sign_in_failed', 'sign_in_throttled', 'export', 'download', 'reveal', 'agency_application'])), name='riskdesk_auditentry_action_valid'),
        ),
    ]
