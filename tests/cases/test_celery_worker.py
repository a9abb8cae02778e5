"""A real Celery worker against the machine's Redis: a due reminder reaches the inbox and
the e-mail outbox. Runs under .ci/run (PostgreSQL + Redis); skipped on the SQLite default."""

import os
import time
from datetime import date

import pytest
import time_machine
from django.conf import settings
from django.db import connection

from cases.choices import RiskLevel
from riskdesk.celery import app
from riskdesk.choices import NoticeKind
from riskdesk.models import Notification
from tests.services import start_celery_worker

BROKER = os.environ.get("CELERY_BROKER_URL", "")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_delivers_a_due_reminder_to_inbox_and_mailbox(make_case, owner, tmp_path):
    if not BROKER.startswith("redis") or connection.vendor != "postgresql":
        pytest.skip("needs Redis and PostgreSQL (run under .ci/run)")
    # given an overdue follow-up, committed where the worker can read it
    with time_machine.travel("2026-01-01 09:00 +0800"):
        case = make_case(risk_level=RiskLevel.MAJOR)
    broker = BROKER.rsplit("/", 1)[0] + "/15"  # a database of its own on the same Redis
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "CELERY_BROKER_URL": broker,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                        f"{db['PORT'] or 5432}/{db['NAME']}",
        "EMAIL_BACKEND": "file",
        "RISKDESK_VAR_DIR": str(tmp_path),
    }
    worker = start_celery_worker(env, "ci")
    try:
        # when the sweep is queued, as beat would
        with app.connection_for_write(broker) as conn:
            app.send_task("cases.tasks.send_follow_up_reminders",
                          args=[date(2026, 1, 9).isoformat()], connection=conn)
        # then the reminder reaches the owner's inbox and an e-mail is written
        deadline = time.monotonic() + 90
        mail_dir = tmp_path / "mail"
        while time.monotonic() < deadline:
            sent = Notification.objects.filter(
                user=owner, kind=NoticeKind.FOLLOW_UP_OVERDUE, email_status="sent").exists()
            if sent and mail_dir.exists() and any(mail_dir.iterdir()):
                break
            time.sleep(0.5)
        else:
            worker.terminate()
            pytest.fail("no reminder within 90 s; worker said:\n" + worker.communicate()[0][-3000:])
        mail = "".join(p.read_text() for p in mail_dir.iterdir())
        assert case.reference in mail
        assert owner.email in mail
    finally:
        worker.terminate()
        worker.wait(timeout=30)
