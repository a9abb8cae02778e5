"""Notices and their e-mails: once per key, once per e-mail, retried then recorded as failed,
one digest a day, nothing for "off" or for people who left."""

import smtplib
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections

from riskdesk import notify as notify_module
from riskdesk import tasks
from riskdesk.celery import app
from riskdesk.choices import Delivery, EmailStatus, NoticeKind
from riskdesk.models import DigestClaim, Notification, NotificationSetting
from riskdesk.notify import notify, render
from riskdesk.tasks import send_daily_digests, send_notification_email, send_pending_emails

PARAMS = {"ref": "RC-2026-00042", "title": "Baoxin Plaza", "date": "2026-03-01"}


@pytest.fixture(autouse=True)
def _mail_and_eager_tasks(settings):
    """E-mails land in django.core.mail.outbox; queued tasks run at once, in the test."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://riskdesk.example.gov.cn"
    mail.outbox = []
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def overdue(user, key="case:42:follow_up_overdue:2026-03-01", **extra):
    return notify(user, kind=NoticeKind.FOLLOW_UP_OVERDUE, key=key, params=PARAMS,
                  url="/cases/RC-2026-00042/", **extra)


def choose(user, delivery, kind=NoticeKind.FOLLOW_UP_OVERDUE):
    NotificationSetting.objects.create(user=user, kind=kind, delivery=delivery)


def smtp_down(monkeypatch, calls=None):
    def refuse(*args, **kwargs):
        if calls is not None:
            calls.append(args)
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(tasks, "send_mail", refuse)


# ---------------------------------------------------------------- one notice, one e-mail
def test_notifying_twice_with_the_same_key_makes_one_notice_and_one_email(
    owner, django_capture_on_commit_callbacks
):
    # when the same reminder is made twice (a sweep that ran twice)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        first = overdue(owner)
        second = overdue(owner)
    # then there is one notice, one task was queued and one e-mail went out
    assert first is not None and second is None
    assert Notification.objects.filter(user=owner).count() == 1
    assert len(queued) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [owner.email]
    assert "RC-2026-00042 Baoxin Plaza" in message.subject
    assert "https://riskdesk.example.gov.cn/cases/RC-2026-00042/" in message.body
    first.refresh_from_db()
    assert first.email_status == EmailStatus.SENT and first.emailed_at is not None


def test_the_email_is_queued_only_after_the_transaction_commits(
    owner, django_capture_on_commit_callbacks
):
    # given a notice made inside a transaction that has not committed yet
    with django_capture_on_commit_callbacks(execute=False) as queued:
        overdue(owner)
        # then nothing was sent yet
        assert mail.outbox == []
    assert len(queued) == 1


def test_the_email_task_run_twice_sends_once(owner, django_capture_on_commit_callbacks):
    # given a pending e-mail (its task not run yet)
    with django_capture_on_commit_callbacks(execute=False):
        notice = overdue(owner)
    # when its task runs twice (a redelivered message)
    first = send_notification_email.apply(args=[notice.pk]).get()
    second = send_notification_email.apply(args=[notice.pk]).get()
    # then one e-mail was sent; the second run found it no longer pending
    assert (first, second) == ("sent", "not pending")
    assert len(mail.outbox) == 1


def test_the_email_task_returns_quietly_when_the_notice_is_gone(db):
    assert send_notification_email.apply(args=[987654]).get() == "not pending"
    assert mail.outbox == []


# ---------------------------------------------------------------- failures
def test_an_smtp_failure_is_retried_and_recorded_as_failed_after_max_attempts(
    owner, monkeypatch, django_capture_on_commit_callbacks
):
    # given a mail server that refuses every connection
    calls = []
    smtp_down(monkeypatch, calls)
    with django_capture_on_commit_callbacks(execute=False):
        notice = overdue(owner)
    # when the task runs (apply() runs its retries at once)
    result = send_notification_email.apply(args=[notice.pk])
    # then it tried MAX_ATTEMPTS times, then gave up and says why, for the admins
    notice.refresh_from_db()
    assert len(calls) == tasks.MAX_ATTEMPTS
    assert result.get() == "failed"
    assert notice.email_status == EmailStatus.FAILED
    assert notice.email_attempts == tasks.MAX_ATTEMPTS
    assert "Connection unexpectedly closed" in notice.email_error
    assert notice.emailed_at is None
    # and a later run does not try again
    assert send_notification_email.apply(args=[notice.pk]).get() == "not pending"
    assert len(calls) == tasks.MAX_ATTEMPTS


def test_a_failed_attempt_keeps_the_notice_pending_with_its_error(
    owner, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        notice = overdue(owner)
    # when the first attempt fails (the task called directly, as a worker's first try)
    smtp_down(monkeypatch)
    with pytest.raises(smtplib.SMTPException):
        send_notification_email(notice.pk)
    # then the notice waits for the retry, with the attempt and the error recorded
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.PENDING
    assert notice.email_attempts == 1
    assert "SMTPServerDisconnected" in notice.email_error
    # when the server is back, the retry sends it and clears the error
    monkeypatch.undo()
    assert send_notification_email.apply(args=[notice.pk]).get() == "sent"
    notice.refresh_from_db()
    assert (notice.email_status, notice.email_attempts, notice.email_error) == (
        EmailStatus.SENT, 2, "")
    assert len(mail.outbox) == 1


def test_retries_wait_exponentially_longer_up_to_a_cap():
    waits = [tasks.retry_delay(attempt) for attempt in range(1, 12)]
    assert waits[:4] == [30, 60, 120, 240]
    assert waits == sorted(waits)
    assert max(waits) == tasks.RETRY_MAX_SECONDS


def test_the_retry_is_scheduled_with_the_backoff(owner, monkeypatch,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notice = overdue(owner)
    Notification.objects.filter(pk=notice.pk).update(email_attempts=2)
    smtp_down(monkeypatch)
    scheduled = {}

    def retry(**options):
        scheduled.update(options)
        return RuntimeError("retry scheduled")

    monkeypatch.setattr(send_notification_email, "retry", retry)
    with pytest.raises(RuntimeError, match="retry scheduled"):
        send_notification_email(notice.pk)
    assert scheduled["countdown"] == tasks.retry_delay(3) == 120


def test_a_line_break_in_a_case_title_does_not_stop_the_email(
    owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(owner, kind=NoticeKind.FOLLOW_UP_DUE, key="k",
               params={**PARAMS, "title": "Baoxin\nPlaza"})
    assert len(mail.outbox) == 1
    assert "\n" not in mail.outbox[0].subject


def test_a_broker_outage_does_not_fail_the_action_and_a_later_sweep_sends_it(
    owner, monkeypatch, django_capture_on_commit_callbacks
):
    # given a broker that is down when the notice is made
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    with time_machine.travel("2026-03-02 09:00 +0800"):
        with monkeypatch.context() as patch:
            patch.setattr(send_notification_email, "delay", broker_down)
            with django_capture_on_commit_callbacks(execute=True):
                notice = overdue(owner)  # does not raise
        assert Notification.objects.get(pk=notice.pk).email_status == EmailStatus.PENDING
        # a sweep right away leaves it alone (its own task may still be on the way)
        assert send_pending_emails() == 0
    # when the sweep runs after STALE_PENDING
    with time_machine.travel("2026-03-02 09:20 +0800"):
        assert send_pending_emails() == 1
        assert send_pending_emails() == 0
    # then the e-mail went out once
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=notice.pk).email_status == EmailStatus.SENT


# ---------------------------------------------------------------- delivery choices
def test_a_digest_user_gets_no_email_at_once_and_one_digest_a_day(
    owner, django_capture_on_commit_callbacks
):
    # given a user who wants overdue follow-ups in the daily digest
    choose(owner, Delivery.DIGEST)
    with time_machine.travel("2026-03-02 07:00 +0800"):
        with django_capture_on_commit_callbacks(execute=True):
            overdue(owner, key="a")
            overdue(owner, key="b")
        # then nothing is e-mailed at once
        assert mail.outbox == []
    # when the digest runs, and runs again the same day
    with time_machine.travel("2026-03-02 08:00 +0800"):
        assert send_daily_digests() == 1
        assert send_daily_digests() == 0
    # then one digest holds both notices
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [owner.email]
    assert "2 notices" in digest.subject
    assert digest.body.count("RC-2026-00042 Baoxin Plaza") == 2
    assert "https://riskdesk.example.gov.cn/notifications/settings/" in digest.body
    assert set(Notification.objects.values_list("email_status", flat=True)) == {
        EmailStatus.SENT}
    # when a new notice arrives, the same day's runs wait; the next day's digest has it
    with time_machine.travel("2026-03-02 15:00 +0800"):
        with django_capture_on_commit_callbacks(execute=True):
            overdue(owner, key="c")
        assert send_daily_digests() == 0
    with time_machine.travel("2026-03-03 08:00 +0800"):
        assert send_daily_digests() == 1
        assert send_daily_digests() == 0
    assert len(mail.outbox) == 2
    assert "1 notice" in mail.outbox[1].subject
    assert DigestClaim.objects.filter(user=owner).count() == 2


def test_the_digest_counts_only_the_kinds_chosen_for_it(
    owner, django_capture_on_commit_callbacks
):
    choose(owner, Delivery.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        overdue(owner)  # digest
        notify(owner, kind=NoticeKind.ESCALATION, key="esc", params=PARAMS)  # at once
    assert len(mail.outbox) == 1
    send_daily_digests()
    assert len(mail.outbox) == 2
    assert "1 notice" in mail.outbox[1].subject


def test_a_failed_digest_is_tried_again_by_the_next_run(
    owner, monkeypatch, django_capture_on_commit_callbacks
):
    choose(owner, Delivery.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        notice = overdue(owner)
    with time_machine.travel("2026-03-02 08:00 +0800"):
        with monkeypatch.context() as patch:
            smtp_down(patch)
            assert send_daily_digests() == 0
        notice.refresh_from_db()
        assert notice.email_status == EmailStatus.DIGEST
        assert notice.email_attempts == 1 and "SMTPServerDisconnected" in notice.email_error
        assert send_daily_digests() == 1
    assert len(mail.outbox) == 1
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.SENT and notice.email_error == ""


def test_a_digest_that_keeps_failing_is_recorded_as_failed(
    owner, monkeypatch, django_capture_on_commit_callbacks
):
    choose(owner, Delivery.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        notice = overdue(owner)
    smtp_down(monkeypatch)
    for _ in range(tasks.MAX_ATTEMPTS + 2):
        send_daily_digests()
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.FAILED
    assert notice.email_attempts == tasks.MAX_ATTEMPTS


def test_off_sends_nothing_but_the_notice_is_in_the_inbox(
    owner, django_capture_on_commit_callbacks
):
    choose(owner, Delivery.OFF)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        notice = overdue(owner)
    send_daily_digests()
    assert notice is not None and notice.email_status == EmailStatus.SKIPPED
    assert queued == [] and mail.outbox == []


def test_without_an_email_address_nothing_is_emailed(
    owner, django_capture_on_commit_callbacks
):
    owner.email = ""
    owner.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        notice = overdue(owner)
    send_daily_digests()
    assert notice.email_status == EmailStatus.SKIPPED
    assert mail.outbox == []


def test_an_inactive_user_gets_nothing(owner, django_capture_on_commit_callbacks):
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        assert overdue(owner) is None
    assert not Notification.objects.filter(user=owner).exists()
    assert mail.outbox == []


def test_someone_deactivated_after_the_notice_gets_no_email_nor_digest(
    owner, colleague, django_capture_on_commit_callbacks
):
    # given a pending e-mail and a digest notice, then both people leave
    choose(colleague, Delivery.DIGEST)
    with django_capture_on_commit_callbacks(execute=False):
        pending = overdue(owner)
    with django_capture_on_commit_callbacks(execute=True):
        waiting = overdue(colleague)
    for person in (owner, colleague):
        person.is_active = False
        person.save(update_fields=["is_active"])
    # when the e-mail task and the digest run
    assert send_notification_email.apply(args=[pending.pk]).get() == "skipped"
    assert send_daily_digests() == 0
    # then nothing is sent and nothing is left waiting
    assert mail.outbox == []
    waiting.refresh_from_db()
    assert waiting.email_status == EmailStatus.SKIPPED


# ---------------------------------------------------------------- texts and keys
def test_a_notice_reads_as_a_sentence_even_with_missing_details(owner):
    notice = Notification(user=owner, kind=NoticeKind.ORDER_DUE, key="x",
                          params={"ref": "RC-2026-00042"})
    assert render(notice) == "RC-2026-00042 : the supervision order is due by ."
    notice.params = None
    assert "supervision order" in render(notice)


def test_long_keys_stay_distinct(owner):
    long_key = "escalation:" + "x" * 300
    first = notify(owner, kind=NoticeKind.ESCALATION, key=long_key + "1")
    second = notify(owner, kind=NoticeKind.ESCALATION, key=long_key + "2")
    again = notify(owner, kind=NoticeKind.ESCALATION, key=long_key + "1")
    assert first is not None and second is not None and again is None
    assert len(first.key) <= notify_module.KEY_MAX_LENGTH


# ---------------------------------------------------------------- concurrency (PostgreSQL)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_sending_the_same_email_at_once_send_it_once(owner, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks (run under .ci/run)")
    notice = Notification.objects.create(
        user=owner, kind=NoticeKind.FOLLOW_UP_OVERDUE, key="k", params=PARAMS,
        email_status=EmailStatus.PENDING,
    )
    inside, release = threading.Event(), threading.Event()
    sent = []

    def slow_send(subject, body, sender, to):
        sent.append(to)
        inside.set()
        release.wait(10)

    monkeypatch.setattr(tasks, "send_mail", slow_send)
    results = []

    def run():
        try:
            results.append(send_notification_email.apply(args=[notice.pk]).get())
        finally:
            connections.close_all()

    first = threading.Thread(target=run)
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=run)  # while the first is talking to the server
    second.start()
    second.join(10)
    release.set()
    first.join(10)
    assert sorted(results) == ["not pending", "sent"]
    assert len(sent) == 1


def test_queueing_many_e_mails_queues_one_task_per_notice(monkeypatch):
    from riskdesk import notify, tasks

    queued = []
    monkeypatch.setattr(tasks.send_notification_email, "delay", queued.append)
    monkeypatch.setattr(tasks.queue_notification_emails, "delay",
                        lambda ids: tasks.queue_notification_emails.apply(args=[ids]).get())
    notify.enqueue_emails(list(range(1, 1201)))
    assert queued == list(range(1, 1201))
