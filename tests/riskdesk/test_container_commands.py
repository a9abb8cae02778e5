"""The commands the containers start and check with: wait_for_database and healthcheck."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper

BROKER = os.environ.get("CELERY_BROKER_URL", "")


def manage(*args, timeout=60, **environment):
    """manage.py in a process of its own, with the suite's settings and ``environment``."""
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, capture_output=True,
        text=True, timeout=timeout, env={**os.environ, **environment}, check=False,
    )


def _database_url(name):
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def test_a_database_that_answers_is_ready_at_once(db, capsys):
    call_command("wait_for_database", "--migrated", "--timeout", "5")
    assert "every migration applied" in capsys.readouterr().out


def test_an_unreachable_database_gives_up_with_a_message():
    # given a database address nothing listens on
    started = time.monotonic()

    # when the command waits for it three seconds
    done = manage("wait_for_database", "--timeout", "3",
                  DATABASE_URL="postgres://riskdesk@127.0.0.1:1/riskdesk")

    # then it gives up after about that long, saying what to check
    assert done.returncode == 1
    assert time.monotonic() - started < 30
    assert "The database was not ready after 3 s" in done.stderr
    assert "DATABASE_URL" in done.stderr


# Transactional (CREATE DATABASE cannot run in a transaction), restoring the serialized
# data afterwards like the suite's other transactional tests, so that the ones after it
# find the content types where they left them.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_web_waits_while_migrations_are_not_applied():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    # given a new, empty database: the migrate service has not run yet
    name = f"riskdesk_unmigrated_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        # when web waits for a migrated database, two seconds
        done = manage("wait_for_database", "--migrated", "--timeout", "2",
                      DATABASE_URL=_database_url(name))

        # then it does not start, and says why
        assert done.returncode == 1
        assert "migrations not applied yet" in done.stderr
        assert "the migrate service ran" in done.stderr
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_web_is_healthy_when_healthz_answers(live_server, capsys):
    call_command("healthcheck", "web", "--url", f"{live_server.url}/healthz")
    assert "web: healthy" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_web_is_unhealthy_when_healthz_says_the_database_is_down(live_server, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    # the live server's thread asks its own connection: the method of every connection
    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", broken)
    with pytest.raises(CommandError, match=r"answered 503 \(database: down: OperationalError"):
        call_command("healthcheck", "web", "--url", f"{live_server.url}/healthz")


def test_web_is_unhealthy_when_nothing_answers():
    with pytest.raises(CommandError, match="did not answer"):
        call_command("healthcheck", "web", "--url", "http://127.0.0.1:1/healthz")


def test_beat_is_healthy_only_while_it_writes_its_schedule(tmp_path):
    schedule = tmp_path / "celerybeat-schedule"
    # no file yet: beat has not started
    with pytest.raises(CommandError, match="has not written"):
        call_command("healthcheck", "beat", "--schedule", str(schedule))
    # written just now (shelve may add a suffix)
    (tmp_path / "celerybeat-schedule.db").write_bytes(b"")
    call_command("healthcheck", "beat", "--schedule", str(schedule))
    # written twenty minutes ago: beat is stuck or gone
    old = time.time() - 1200
    os.utime(tmp_path / "celerybeat-schedule.db", (old, old))
    with pytest.raises(CommandError, match="last written"):
        call_command("healthcheck", "beat", "--schedule", str(schedule))


def test_a_worker_is_healthy_while_it_answers_pings(tmp_path):
    if not BROKER.startswith("redis"):
        pytest.skip("needs Redis (run under .ci/run)")
    broker = BROKER.rsplit("/", 1)[0] + "/14"  # a database of its own on the same Redis
    node = f"health-{os.getpid()}@localhost"
    # no worker of that name: unhealthy
    done = manage("healthcheck", "worker", "--node", f"celery@{node}", CELERY_BROKER_URL=broker)
    assert done.returncode == 1 and "did not answer a ping" in done.stderr
    # a real worker of that name: healthy
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "riskdesk", "worker", "--pool=solo",
         "--without-heartbeat", "--without-mingle", "--without-gossip", "--hostname", node],
        cwd=settings.BASE_DIR, env={**os.environ, "CELERY_BROKER_URL": broker,
                                    "RISKDESK_VAR_DIR": str(tmp_path)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            done = manage("healthcheck", "worker", "--node", node, CELERY_BROKER_URL=broker)
            if done.returncode == 0 or time.monotonic() > deadline:
                break
        assert done.returncode == 0, done.stderr
        assert "worker: healthy" in done.stdout
    finally:
        worker.terminate()
        worker.wait(timeout=30)
