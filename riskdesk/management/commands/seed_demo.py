from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from riskdesk import demo
from riskdesk.actions import save_user
from riskdesk.choices import Role
from riskdesk.models import District, Membership


class Command(BaseCommand):
    help = (
        "Load the demo data (districts, one user per role, and each app's demo records). "
        "Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="Also with DEBUG=false (demo users have a published password).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refusing to load demo users with a published password while DEBUG=false. "
                "Use --force on a machine that is not production."
            )
        with transaction.atomic():
            districts = self.seed_districts()
            users = self.seed_users()
            for app_seed in self.app_seeders():
                app_seed(stdout=self.stdout)
        self.stdout.write(
            f"Demo data ready: {districts} new districts, {users} new users."
        )
        self.stdout.write(f"Demo sign-ins (password for all: {demo.DEMO_PASSWORD}):")
        for username, role, codes, city_wide, _name in demo.USERS:
            where = "whole city" if city_wide else (", ".join(codes) or "everything")
            self.stdout.write(f"  {role:<11} {username:<20} {where}")
        # Roles the domain apps add (the assessor agencies' staff).
        listed = {username for username, *_rest in demo.USERS}
        for username in (
            Membership.objects.filter(role=Role.ASSESSOR, user__is_active=True)
            .exclude(user__username__in=listed)
            .values_list("user__username", flat=True)
        ):
            role = Role.ASSESSOR.value
            self.stdout.write(f"  {role:<11} {username:<20} its agency's assignments")

    def seed_districts(self):
        created = 0
        for code, name_en, name_zh in demo.DISTRICTS:
            _district, was_created = District.objects.get_or_create(
                code=code, defaults={"name_en": name_en, "name_zh": name_zh}
            )
            created += was_created
        return created

    def seed_users(self):
        existing = set(get_user_model().objects.values_list("username", flat=True))
        created = 0
        for username, role, codes, city_wide, full_name in demo.USERS:
            if username in existing:
                continue  # never overwrite a demo user someone has since changed
            save_user(
                username, role=role, district_codes=codes, city_wide=city_wide,
                password=demo.DEMO_PASSWORD, full_name=full_name,
                email=f"{username}@example.invalid",
            )
            created += 1
        return created

    def app_seeders(self):
        """Each domain app's ``AppConfig.seed_demo(stdout=...)``, in INSTALLED_APPS order."""
        return [
            config.seed_demo
            for config in apps.get_app_configs()
            if callable(getattr(config, "seed_demo", None))
        ]
