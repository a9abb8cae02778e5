from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from riskdesk.backup import BackupError, backup


class Command(BaseCommand):
    help = ("Write the database (pg_dump) and the uploaded files into one archive, "
            "var/backups/riskdesk-<timestamp>.tar.gz.")

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", type=Path,
                            default=Path(settings.VAR_DIR) / "backups",
                            help="Folder for the archive (default: var/backups).")

    def handle(self, *args, output_dir, **options):
        try:
            path = backup(output_dir)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backup written: {path}")
