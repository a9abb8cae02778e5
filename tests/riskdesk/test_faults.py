"""Faults: Redis down, a worker killed in the middle of a sweep, PostgreSQL connections
dropped under a running web server, and a mail server that refuses. Nothing is lost,
nothing is sent twice, and the pages keep working.

The tests with real processes (a Celery worker killed with SIGKILL, a gunicorn server)
need PostgreSQL and Redis and run under .ci/run; they are skipped otherwise.
"""

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.db.models import Count, F
from django.utils import timezone

from cases.choices import RiskLevel, SupervisionLevel
from cases.models import CaseAlert, SupervisionOrder
from riskdesk import tasks
from riskdesk.celery import app
from riskdesk.choices import EmailStatus, NoticeKind
from riskdesk.models import Notification
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("CELERY_BROKER_URL", "")
NOBODY_LISTENS = "127.0.0.1", 1  # connections to port 1 are refused at once


@contextmanager
def broker_at(url):
    """Point the Celery app (and /healthz) at ``url`` for a while."""
    saved = (app.conf.broker_url, app.conf.broker_write_url, app._pool,
             app.amqp._producer_pool, settings.CELERY_BROKER_URL)
    app.conf.broker_url = app.conf.broker_write_url = settings.CELERY_BROKER_URL = url
    app._pool = app.amqp._producer_pool = None
    try:
        yield
    finally:
        (app.conf.broker_url, app.conf.broker_write_url, app._pool, app.amqp._producer_pool,
         settings.CELERY_BROKER_URL) = saved


@contextmanager
def eager_tasks():
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = before


def issue_order(client, case):
    due = timezone.localdate() + timedelta(days=14)
    return client.post(f"/cases/{case.reference}/orders/new/", {
        "issue-level": SupervisionLevel.DISTRICT, "issue-instructions": "Pay the 80 workers.",
        "issue-due_date": due.isoformat()})


# ---------------------------------------------------------------- Redis down
def test_with_redis_down_pages_and_saves_work_and_the_next_sweep_sends_each_email_once(
        client_for, case, owner, colleague, district_supervisor, mailoutbox,
        django_capture_on_commit_callbacks, caplog):
    # given Redis is down
    with broker_at(f"redis://{NOBODY_LISTENS[0]}:{NOBODY_LISTENS[1]}/0"):
        # when a supervisor issues an order, which notifies the district's staff
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = issue_order(client_for(district_supervisor), case)
        took = time.monotonic() - started
        # then the save worked, quickly, and the notices are in the inbox
        assert response.status_code == 302
        assert took < 10, f"saving took {took:.1f} s with the broker down"
        print(f"\nsaving with the broker down took {took:.2f} s")
        order = SupervisionOrder.objects.get(case=case)
        notices = Notification.objects.filter(kind=NoticeKind.ORDER_ISSUED)
        assert {n.user for n in notices} == {owner, colleague}
        assert set(notices.values_list("email_status", flat=True)) == {EmailStatus.PENDING}
        assert "Could not queue the e-mail" in caplog.text
        # and the pages keep working; /healthz says what is down
        client = client_for(owner)
        for url in ("/", "/cases/", case.get_absolute_url(), order.get_absolute_url(),
                    "/notifications/", "/supervision/"):
            assert client.get(url).status_code == 200, url
        assert case.reference in client.get("/notifications/").content.decode()
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json()["broker"].startswith("down")
    assert mailoutbox == []
    # when Redis is back and the stale-mail sweep runs (twice, as beat might after a gap)
    with eager_tasks(), time_machine.travel(timezone.now() + tasks.STALE_PENDING
                                            + timedelta(minutes=1)):
        tasks.send_pending_emails()
        tasks.send_pending_emails()
    # then each e-mail went out exactly once
    assert sorted(m.to[0] for m in mailoutbox) == sorted([owner.email, colleague.email])
    assert set(notices.values_list("email_status", flat=True)) == {EmailStatus.SENT}


# ---------------------------------------------------------------- mail server refusing
def test_with_the_mail_server_refusing_notices_arrive_and_emails_end_as_failures_admins_see(
        settings, client_for, case, owner, district_supervisor, admin_user,
        django_capture_on_commit_callbacks):
    # given a mail server that refuses every connection
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = NOBODY_LISTENS
    settings.EMAIL_TIMEOUT = 2
    # when an order is issued (the e-mail task runs at once, with its retries)
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        response = issue_order(client_for(district_supervisor), case)
    # then the save worked and the owner has the notice in the inbox
    assert response.status_code == 302
    notice = Notification.objects.get(user=owner, kind=NoticeKind.ORDER_ISSUED)
    assert case.reference in client_for(owner).get("/notifications/").content.decode()
    # and the e-mail was tried MAX_ATTEMPTS times, then recorded as failed with the reason
    assert notice.email_status == EmailStatus.FAILED
    assert notice.email_attempts == tasks.MAX_ATTEMPTS
    assert "ConnectionRefusedError" in notice.email_error
    # and administrators see it among the failed e-mails
    page = client_for(admin_user).get("/admin/riskdesk/notification/?email_status__exact=failed")
    assert page.status_code == 200
    assert "ConnectionRefusedError" in page.content.decode()
    assert owner.username in page.content.decode()


# ---------------------------------------------------------------- real processes
def needs_services():
    if connection.vendor != "postgresql" or not BROKER.startswith("redis"):
        pytest.skip("needs PostgreSQL and Redis (run under .ci/run)")


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


def service_env(tmp_path, **extra):
    return {**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": BROKER,
            "EMAIL_BACKEND": "file", "RISKDESK_VAR_DIR": str(tmp_path), **extra}


def start_worker(env, name, log: Path):
    """A worker whose output goes to ``log`` (a pipe nobody reads would block it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "riskdesk", "worker", "--pool=solo",
         "--loglevel=INFO", "--without-heartbeat", "--without-mingle", "--without-gossip",
         "--hostname", f"{name}-{os.getpid()}@localhost"],
        cwd=ROOT, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT,
    )


def wait_for(condition, seconds, what, process=None, detail=lambda: "", log=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    output = ""
    if process is not None:
        process.kill()
        process.wait()
    if log is not None:
        output = "\nthe process said:\n" + log.read_text()[-3000:]
    pytest.fail(f"{what} within {seconds} s {detail()}{output}")


def settled(count, quiet=2.0, seconds=60):
    """``count()`` once it has not changed for ``quiet`` seconds (the queue drained)."""
    last, since, deadline = count(), time.monotonic(), time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = count()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return last


def emails_in(folder: Path) -> list[str]:
    """The recipients of the e-mails the file backend wrote, one entry per message."""
    if not folder.exists():
        return []
    text = "".join(p.read_text() for p in folder.iterdir())
    return re.findall(r"^To: (.+)$", text, flags=re.MULTILINE)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_in_the_middle_of_a_sweep_sends_nothing_twice_and_misses_nothing(
        make_case, owner, tmp_path):
    needs_services()
    # given many cases whose follow-ups are overdue, committed where a worker reads them
    with time_machine.travel("2026-01-01 09:00 +0800"):
        cases = [make_case(risk_level=RiskLevel.MAJOR, title=f"Overdue {n}")
                 for n in range(300)]
    with app.connection_for_write(BROKER) as conn:
        conn.default_channel.queue_purge("celery")
    env = service_env(tmp_path)
    reminders = CaseAlert.objects.filter(kind="follow_up_overdue")

    def sweep():
        with app.connection_for_write(BROKER) as conn:
            app.send_task("cases.tasks.send_follow_up_reminders", args=["2026-01-09"],
                          connection=conn)

    # when a worker starts the sweep and is killed with SIGKILL half-way through
    log = tmp_path / "worker.log"
    worker = start_worker(env, "killed", log)
    try:
        sweep()
        wait_for(lambda: reminders.count() >= 20, 90, "the sweep did not start", worker, log=log)
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    done_before_kill = reminders.count()
    assert 0 < done_before_kill < len(cases), "the kill did not land in the middle"
    # and a new worker runs the next sweep, as beat queues it every SWEEP_SECONDS
    notices = Notification.objects.filter(user=owner, kind=NoticeKind.FOLLOW_UP_OVERDUE)
    worker = start_worker(env, "restarted", log)
    try:
        sweep()
        wait_for(lambda: reminders.count() == len(cases), 120, "the sweep did not finish",
                 worker, log=log)
        # and, a quarter of an hour later, the stale-mail sweep queues what the killed
        # worker had taken but not sent (its queued e-mails may still be on their way)
        lost = settled(lambda: notices.filter(email_status=EmailStatus.PENDING).count())
        notices.update(created_at=F("created_at") - tasks.STALE_PENDING - timedelta(minutes=1))
        with app.connection_for_write(BROKER) as conn:
            app.send_task("riskdesk.tasks.send_pending_emails", connection=conn)
        wait_for(lambda: notices.filter(email_status=EmailStatus.SENT).count() == len(cases),
                 120, "not every e-mail was sent", worker, detail=lambda: list(
                     notices.values_list("email_status").annotate(n=Count("id"))), log=log)
        # and both sweeps run once more, as beat would
        sweep()
        with app.connection_for_write(BROKER) as conn:
            app.send_task("riskdesk.tasks.send_pending_emails", connection=conn)
        time.sleep(3)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    # then every case has exactly one reminder, one notice and one e-mail
    assert reminders.count() == len(cases)
    assert notices.count() == len(cases)
    assert not notices.values("key").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert len(emails_in(tmp_path / "mail")) == len(cases)
    assert set(notices.values_list("email_status", flat=True)) == {EmailStatus.SENT}
    print(f"\nkilled after {done_before_kill} of {len(cases)} reminders; {lost} e-mails "
          f"left pending once the queue drained (the killed worker's); in the end "
          f"{reminders.count()} reminders, {len(emails_in(tmp_path / 'mail'))} e-mails")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_the_database_drops_every_connection_the_next_request_succeeds(
        case, owner, tmp_path):
    needs_services()
    # given a running web server (gunicorn) with a signed-in user
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "riskdesk.wsgi:application",
         "--config", "python:riskdesk.gunicorn_conf", "--workers", "1",
         "--bind", f"127.0.0.1:{port}", "--timeout", "60"],
        cwd=ROOT, env=service_env(tmp_path, DATABASE_CONN_MAX_AGE="600"),
        stdout=(tmp_path / "server.log").open("a"), stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    cookies = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))

    def get(path):
        try:
            with browser.open(base + path, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    try:
        def up():
            try:
                return get("/healthz")[0] in (200, 503)
            except OSError:
                return False

        wait_for(up, 60, "the web server did not start", None)
        status, page = get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        login = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
            base + "/accounts/login/", method="POST",
            data=urllib.parse.urlencode({"csrfmiddlewaretoken": token,
                                         "username": owner.username,
                                         "password": PASSWORD}).encode(),
            headers={"Referer": base + "/accounts/login/"})
        browser.open(login, timeout=20).read()
        assert get("/cases/")[0] == 200
        # when PostgreSQL drops every connection of the server (as in a restart)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            dropped = cursor.fetchone()[0]
        assert dropped >= 1
        # then the very next requests succeed on a new connection
        status, page = get("/cases/")
        assert status == 200, page[-2000:]
        assert case.reference in page
        status, health = get("/healthz")
        assert status == 200
        assert json.loads(health)["database"] == "ok"
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = (tmp_path / "server.log").read_text()
    assert "Traceback" not in output, output[-3000:]


def test_connection_health_checks_are_on():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True

