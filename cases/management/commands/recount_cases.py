from django.core.management.base import BaseCommand, CommandError

from cases.counts import recount


class Command(BaseCommand):
    help = ("Check the case tally (the list's counts per status, kept by PostgreSQL "
            "triggers) against the cases; with --repair, rebuild it from them.")

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true",
                            help="Rewrite the tally from the cases where it differs.")

    def handle(self, *args, repair, **options):
        differences = recount(repair=repair)
        for district, category, status, risk_level, tallied, counted in differences:
            self.stdout.write(f"district {district}, category {category}, {status}, "
                              f"{risk_level}: tallied {tallied}, counted {counted}")
        if not differences:
            self.stdout.write("The tally matches the cases.")
        elif repair:
            self.stdout.write(f"Rebuilt the tally ({len(differences)} groups differed).")
        else:
            raise CommandError(f"{len(differences)} groups differ; run with --repair.")
