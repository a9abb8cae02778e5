"""``manage.py apitoken USERNAME [--read-only] [--expires DAYS] [--name NAME]``: a new
personal API token for the user, printed once (only its hash is kept)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api import tokens
from api.forms import MAX_DAYS


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it once (only its hash is kept)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--read-only", action="store_true",
                            help="The token can read but not change anything.")
        parser.add_argument("--expires", type=int, metavar="DAYS",
                            help="The token stops working after this many days (default: never).")
        parser.add_argument("--name", default="manage.py apitoken",
                            help="What the token is for, shown on the user's token page.")

    def handle(self, *args, username, read_only, expires, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}.")
        if not user.is_active:
            raise CommandError(f"The user {username!r} is deactivated.")
        if expires is not None and not 1 <= expires <= MAX_DAYS:
            raise CommandError(f"--expires takes a number of days from 1 to {MAX_DAYS}.")
        if not name.strip():
            raise CommandError("--name cannot be empty.")
        token, key = tokens.issue(user, name=name.strip(), read_only=read_only,
                                  expires_days=expires)
        self.stderr.write(
            f"Token {token.prefix}… for {username} ({token.get_scope_display()}, "
            f"{'expires ' + token.expires_at.isoformat() if token.expires_at else 'no expiry'})."
            " It is shown once, here:"
        )
        self.stdout.write(key)
