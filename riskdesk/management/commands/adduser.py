import sys

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from riskdesk.actions import save_user
from riskdesk.choices import Role


class Command(BaseCommand):
    help = (
        "Create or update a user with a role and districts. "
        "Example: echo 'a long passphrase' | manage.py adduser li.wei --role staff "
        "--district kundulun --password-stdin"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--district", action="append", default=[], dest="districts", metavar="CODE",
            help="District code; repeat for a supervisor of several districts.",
        )
        parser.add_argument("--city", action="store_true", help="Supervisor of the whole city.")
        parser.add_argument(
            "--agency", metavar="CODE",
            help="Assessors only: the unified social credit code of their (approved) agency.",
        )
        parser.add_argument("--email")
        parser.add_argument("--name", help="Full name shown in the application.")
        parser.add_argument(
            "--password-stdin", action="store_true",
            help="Read the password from the first line of standard input.",
        )

    def handle(self, *args, **options):
        password = None
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("No password was given on standard input.")
        if options["agency"] and options["role"] != Role.ASSESSOR:
            raise CommandError("Only an assessor works for an agency: use --role assessor.")
        try:
            with transaction.atomic():
                user, created = save_user(
                    options["username"],
                    role=options["role"],
                    district_codes=options["districts"],
                    city_wide=options["city"],
                    password=password,
                    email=options["email"],
                    full_name=options["name"],
                )
                if options["agency"]:
                    link_agency(user, options["agency"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {user.username} ({options['role']})."))


def link_agency(user, code):
    """Link the assessor to an agency through the app that keeps the registry
    (``AppConfig.link_agency_member``); the core app knows no agencies itself."""
    for config in apps.get_app_configs():
        link = getattr(config, "link_agency_member", None)
        if callable(link):
            link(user, code)
            return
    raise ValidationError("No installed app keeps a registry of agencies.")
