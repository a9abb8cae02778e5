"""Create or update a user of the test CAS server with a password, a role and districts:
``manage.py casuser NAME PASSWORD --role staff --district kundulun``."""

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create or update a CAS user with its RiskDesk role and districts."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("password")
        parser.add_argument("--role", action="append", default=[])
        parser.add_argument("--district", action="append", default=[])

    def handle(self, username, password, role, district, **options):
        user, _ = User.objects.get_or_create(username=username)
        user.email = f"{username}@cas.test"
        user.set_password(password)
        user.save()
        groups = [f"role:{name}" for name in role] + [f"district:{code}" for code in district]
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups])
