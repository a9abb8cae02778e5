from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from riskdesk.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Restore the database and the uploaded files from an archive written by "
            "manage.py backup, into an empty database (or --force to replace it).")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="riskdesk-<timestamp>.tar.gz")
        parser.add_argument("--force", action="store_true",
                            help="Replace a database and files that are not empty.")

    def handle(self, *args, file, force, **options):
        try:
            result = restore(file, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {file}: the database and {result['media_files']} files.")
