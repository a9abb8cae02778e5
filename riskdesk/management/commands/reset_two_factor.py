from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from riskdesk import twofactor


class Command(BaseCommand):
    help = (
        "Break glass: remove a user's authenticator app and recovery codes (e.g. the only "
        "administrator lost their phone). They set up a new app at their next sign-in. "
        "Audited like the admin site's reset. Example: manage.py reset_two_factor li.wei"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        twofactor.reset(user, by_command=True)
        self.stdout.write(f"Second factor reset for {user.get_username()}: they set up a new "
                          "authenticator app at their next sign-in.")
