"""E-mail for notifications: one message at once, or a daily digest.

Sending retries with exponential backoff up to a cap; a message that still fails is
recorded as failed (visible to admins) and not retried for ever.
"""

import logging
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from riskdesk.choices import EmailStatus
from riskdesk.models import DigestClaim, Notification
from riskdesk.notify import render

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def absolute(url: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{url}" if url.startswith("/") else url


@shared_task(bind=True, max_retries=MAX_ATTEMPTS - 1, acks_late=True)
def send_notification_email(self, notification_id: int):
    """E-mail one notice. Returns quietly when it is gone or no longer pending."""
    notification = (
        Notification.objects.select_related("user")
        .filter(pk=notification_id, email_status=EmailStatus.PENDING).first()
    )
    if notification is None:
        return "not pending"
    user = notification.user
    with translation.override(settings.LANGUAGE_CODE):
        text = render(notification)
        body = f"{text}\n\n{absolute(notification.url)}\n\n" + _(
            "You receive this because of your notification settings in RiskDesk."
        )
        subject = _("RiskDesk: %(text)s") % {"text": text[:120]}
    try:
        send_mail(subject, body, None, [user.email])
    except (SMTPException, OSError) as error:
        attempts = notification.email_attempts + 1
        final = attempts >= MAX_ATTEMPTS
        Notification.objects.filter(pk=notification.pk).update(
            email_attempts=attempts, email_error=str(error)[:2000],
            email_status=EmailStatus.FAILED if final else EmailStatus.PENDING,
        )
        if final:
            log.error("E-mail for notification %s failed for good: %s", notification.pk, error)
            return "failed"
        raise self.retry(exc=error, countdown=min(30 * 2 ** (attempts - 1), 3600)) from error
    Notification.objects.filter(pk=notification.pk, email_status=EmailStatus.PENDING).update(
        email_status=EmailStatus.SENT, emailed_at=timezone.now(),
        email_attempts=notification.email_attempts + 1, email_error="",
    )
    return "sent"


@shared_task
def send_daily_digests():
    """One e-mail per user and day with the notices they chose to get as a digest.

    A ``DigestClaim`` row per (user, day) makes a second run that day send nothing.
    """
    today = timezone.localdate()
    user_ids = (
        Notification.objects.filter(email_status=EmailStatus.DIGEST)
        .values_list("user_id", flat=True).distinct()
    )
    sent = 0
    for user in get_user_model().objects.filter(pk__in=list(user_ids), is_active=True):
        try:
            with transaction.atomic():
                claim = DigestClaim.objects.create(user=user, day=today)
        except IntegrityError:
            continue  # today's digest for this user was sent (or is being sent)
        notices = list(
            Notification.objects.filter(user=user, email_status=EmailStatus.DIGEST)
            .order_by("created_at", "id")
        )
        if not notices:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            lines = [f"- {render(n)}\n  {absolute(n.url)}" for n in notices]
            subject = _("RiskDesk daily digest: %(count)s notices") % {"count": len(notices)}
        try:
            send_mail(subject, "\n".join(lines), None, [user.email])
        except (SMTPException, OSError) as error:
            log.error("Digest for user %s failed: %s", user.pk, error)
            DigestClaim.objects.filter(pk=claim.pk).delete()  # the next run tries again
            continue
        Notification.objects.filter(pk__in=[n.pk for n in notices]).update(
            email_status=EmailStatus.SENT, emailed_at=timezone.now()
        )
        DigestClaim.objects.filter(pk=claim.pk).update(sent_at=timezone.now())
        sent += 1
    return sent
