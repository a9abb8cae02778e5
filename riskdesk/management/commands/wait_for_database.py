"""``manage.py wait_for_database [--migrated] [--timeout 120]``: for containers that start
together. The one-shot migrate service waits until PostgreSQL answers; web, worker and
beat wait (``--migrated``) until every migration is applied. Retries every two seconds,
says what it is waiting for every ten, and gives up with a message naming the cause."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor

RETRY_SECONDS = 2
SAY_EVERY_SECONDS = 10


def not_ready(connection, *, migrated: bool) -> str | None:
    """Why the database is not ready yet, or None."""
    try:
        connection.ensure_connection()
        if migrated:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
            if pending:
                return f"{len(pending)} migrations not applied yet"
    except OperationalError as error:
        connection.close()
        return str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
    return None


class Command(BaseCommand):
    help = "Wait until the database answers (--migrated: and has every migration applied)."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=int, default=120, help="seconds (default 120)")
        parser.add_argument("--migrated", action="store_true",
                            help="also wait until no migration is left to apply")

    def handle(self, *args, timeout, migrated, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        started = time.monotonic()
        said = started
        while (reason := not_ready(connection, migrated=migrated)) is not None:
            waited = time.monotonic() - started
            if waited >= timeout:
                raise CommandError(
                    f"The database was not ready after {timeout} s: {reason}. Check that "
                    "PostgreSQL is running and DATABASE_URL (host, user, password, database) "
                    "is right" + (", and that the migrate service ran" if migrated else "")
                    + "."
                )
            if time.monotonic() - said >= SAY_EVERY_SECONDS:
                self.stderr.write(f"Waiting for the database ({waited:.0f} s): {reason}")
                said = time.monotonic()
            time.sleep(RETRY_SECONDS)
        self.stdout.write("The database is ready" + (", every migration applied." if migrated
                                                      else "."))
