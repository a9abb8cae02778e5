"""E-mail for notifications: one message at once, or a daily digest.

Sending retries with exponential backoff up to a cap; a message that still fails is
recorded as failed (visible to admins in the admin site) and not retried for ever.

Each e-mail is sent at most once however often its task runs: the task locks the pending
notice while it sends (a second copy skips it) and marks it sent in the same transaction
(a later copy finds it no longer pending). Each user gets at most one digest a day: a
``DigestClaim`` row per user and day decides who sends it.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from riskdesk.choices import EmailStatus
from riskdesk.models import DigestClaim, Notification
from riskdesk.notify import render

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_FIRST_SECONDS = 30
RETRY_MAX_SECONDS = 3600
# A notice still pending this long after it was made lost its task (the broker was down
# when it was queued, or the message was lost); ``send_pending_emails`` queues it again.
# Longer than the whole backoff (30 s + 1 + 2 + 4 min), so it does not race a retry.
STALE_PENDING = timedelta(minutes=15)
STALE_BATCH = 500


def absolute(url: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{url}" if url.startswith("/") else url


def retry_delay(attempts: int) -> int:
    """Seconds to wait after ``attempts`` failed tries: 30 s, 1, 2, 4 min ..., at most 1 h."""
    return min(RETRY_FIRST_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS)


def one_line(text: str) -> str:
    """A subject line: line breaks in a case title would make the message unsendable."""
    return " ".join(text.split())


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def footer() -> str:
    return "\n\n".join([
        _("You receive this because of your notification settings in RiskDesk."),
        _("Your inbox: %(url)s") % {"url": absolute(reverse("notifications"))},
        _("Change your notification settings: %(url)s")
        % {"url": absolute(reverse("notification_settings"))},
    ])


def compose(notification) -> tuple[str, str]:
    """Subject and body of one notice's e-mail, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        text = render(notification)
        subject = one_line(_("RiskDesk: %(text)s") % {"text": text[:120]})
        link = absolute(notification.url)
        # someone without an account (an applicant) has no inbox or settings to point to
        closing = footer() if notification.user_id else ""
        body = "\n\n".join(part for part in (text, link, closing) if part)
    return subject, body


def compose_digest(notices) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        count = len(notices)
        subject = ngettext(
            "RiskDesk daily digest: %(count)s notice",
            "RiskDesk daily digest: %(count)s notices",
            count,
        ) % {"count": count}
        lines = [
            f"- {render(n)}" + (f"\n  {absolute(n.url)}" if n.url else "") for n in notices
        ]
        body = "\n".join(lines) + "\n\n" + footer()
    return one_line(subject), body


@shared_task(bind=True, max_retries=MAX_ATTEMPTS - 1, acks_late=True)
def send_notification_email(self, notification_id: int):
    """E-mail one notice. Returns quietly when it is gone or no longer pending.

    A failure counts as an attempt (kept with its error on the notice) and is retried
    after ``retry_delay``; after ``MAX_ATTEMPTS`` the notice is marked failed.
    """
    with transaction.atomic():
        # Locked while sending: a second copy of this task (redelivered, or queued again
        # by the stale sweep) skips it instead of sending it twice.
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk=notification_id, email_status=EmailStatus.PENDING)
            .first()
        )
        if notification is None:
            return "not pending"
        user = notification.user
        if user is not None and (not user.is_active or not user.email):
            Notification.objects.filter(pk=notification.pk).update(
                email_status=EmailStatus.SKIPPED
            )
            return "skipped"
        recipient = notification.address if user is None else user.email
        subject, body = compose(notification)
        attempts = notification.email_attempts + 1
        try:
            send_mail(subject, body, None, [recipient])
        except Exception as error:  # SMTP, network, or a broken backend: all count
            failure = error
            final = attempts >= MAX_ATTEMPTS or self.request.retries >= self.max_retries
            Notification.objects.filter(pk=notification.pk).update(
                email_attempts=attempts, email_error=describe(error),
                email_status=EmailStatus.FAILED if final else EmailStatus.PENDING,
            )
        else:
            Notification.objects.filter(pk=notification.pk).update(
                email_status=EmailStatus.SENT, emailed_at=timezone.now(),
                email_attempts=attempts, email_error="",
            )
            return "sent"
    # Outside the transaction: the attempt and its error are saved before the retry.
    if final:
        log.error("E-mail for notification %s failed for good after %s attempts: %s",
                  notification_id, attempts, failure)
        return "failed"
    delay = retry_delay(attempts)
    log.warning("E-mail for notification %s failed (attempt %s), retrying in %s s: %s",
                notification_id, attempts, delay, failure)
    raise self.retry(exc=failure, countdown=delay)


@shared_task
def queue_notification_emails(notification_ids: list[int]):
    """Queue one ``send_notification_email`` per notice. A sweep that notified thousands
    sends this one message instead of thousands (each took about 1 ms of its time)."""
    for notification_id in notification_ids:
        send_notification_email.delay(notification_id)
    return len(notification_ids)


@shared_task
def send_pending_emails():
    """Queue again the e-mails of notices pending for longer than ``STALE_PENDING``.

    Covers a broker that was down when ``notify()`` queued the e-mail. Safe to run at any
    time: ``send_notification_email`` sends each notice at most once.
    """
    cutoff = timezone.now() - STALE_PENDING
    ids = list(
        Notification.objects.filter(email_status=EmailStatus.PENDING, created_at__lt=cutoff)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:STALE_BATCH]
    )
    for pk in ids:
        send_notification_email.delay(pk)
    return len(ids)


@shared_task
def send_daily_digests():
    """One e-mail per user and day with the notices they chose to get as a digest.

    A ``DigestClaim`` row per (user, day) makes a second run that day send nothing. When
    the e-mail fails the claim is dropped, so the next run tries again; after
    ``MAX_ATTEMPTS`` failed digests a notice is marked failed.
    """
    today = timezone.localdate()
    waiting = Notification.objects.filter(email_status=EmailStatus.DIGEST)
    # order_by(): without it the model's ordering would make DISTINCT per notice.
    user_ids = set(waiting.order_by().values_list("user_id", flat=True).distinct())
    sent = 0
    for user in get_user_model().objects.filter(pk__in=user_ids).order_by("pk"):
        if not user.is_active or not user.email:
            # They get nothing; take their notices out of the queue.
            waiting.filter(user=user).update(email_status=EmailStatus.SKIPPED)
            continue
        sent += send_digest(user, today)
    return sent


def send_digest(user, day) -> int:
    """Send ``user``'s digest for ``day`` unless it was sent; returns 1 when sent."""
    try:
        with transaction.atomic():
            claim = DigestClaim.objects.create(user=user, day=day)
    except IntegrityError:
        return 0  # today's digest for this user was sent (or is being sent)
    notices = list(
        Notification.objects.filter(user=user, email_status=EmailStatus.DIGEST)
        .order_by("created_at", "id")
    )
    if not notices:
        DigestClaim.objects.filter(pk=claim.pk).delete()
        return 0
    ids = [n.pk for n in notices]
    subject, body = compose_digest(notices)
    try:
        send_mail(subject, body, None, [user.email])
    except Exception as error:  # SMTP, network, or a broken backend: all count
        log.warning("Digest for user %s failed: %s", user.pk, error)
        with transaction.atomic():
            batch = Notification.objects.filter(pk__in=ids, email_status=EmailStatus.DIGEST)
            batch.update(email_attempts=F("email_attempts") + 1, email_error=describe(error))
            batch.filter(email_attempts__gte=MAX_ATTEMPTS).update(
                email_status=EmailStatus.FAILED
            )
            DigestClaim.objects.filter(pk=claim.pk).delete()  # the next run tries again
        return 0
    now = timezone.now()
    with transaction.atomic():
        Notification.objects.filter(pk__in=ids, email_status=EmailStatus.DIGEST).update(
            email_status=EmailStatus.SENT, emailed_at=now, email_error="",
            email_attempts=F("email_attempts") + 1,
        )
        DigestClaim.objects.filter(pk=claim.pk).update(sent_at=now)
    return 1
