"""The registry's scheduled jobs: renewal reminders 60, 30 and 7 days before an agency's
registration expires, and its automatic expiry.

Sweeps over database state, like ``cases/tasks.py``: each reminder (agency, threshold,
valid-until date) and each expiry is claimed by inserting an ``AgencyAlert`` row with a
unique key in the same transaction as its effects, so a second, concurrent or late run
sends nothing twice. The e-mails go out after the transaction commits.
"""

import logging
from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import events
from assessments.actions import admins, flag_assessments
from assessments.choices import RENEWAL_THRESHOLDS, AgencyAlertKind, AgencyStatus
from assessments.models import Agency, AgencyAlert

log = logging.getLogger(__name__)
BATCH = 500


def in_batches(queryset, size=BATCH):
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        yield from batch
        last = batch[-1].pk


def claim(*, agency, kind, valid_until) -> bool:
    try:
        with transaction.atomic():
            AgencyAlert.objects.create(agency=agency, kind=kind, valid_until=valid_until)
    except IntegrityError:
        return False
    return True


def _mail(agency, subject, body):
    recipients = [agency.contact_email, *admins().exclude(email="").values_list(
        "email", flat=True)]
    url = f"{settings.SITE_URL.rstrip('/')}{agency.get_absolute_url()}"

    def send():
        try:
            send_mail(subject, f"{body}\n\n{url}", None, recipients)
        except Exception:  # recorded in the log; the claim stands (no resend storm)
            log.exception("could not e-mail agency reminder for %s", agency.pk)

    transaction.on_commit(send)


@shared_task(acks_late=True)
def remind_agency_renewals(today: str | None = None):
    """Remind each approved agency (and the administrators) 60, 30 and 7 days before its
    registration expires, once per threshold and valid-until date. A late run sends only
    the nearest threshold reached, not the ones it missed."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    horizon = day + timedelta(days=max(RENEWAL_THRESHOLDS))
    due = Agency.objects.filter(status=AgencyStatus.APPROVED, valid_until__gte=day,
                                valid_until__lte=horizon)
    sent = skipped = 0
    for agency in in_batches(due):
        left = (agency.valid_until - day).days
        days = min(t for t in RENEWAL_THRESHOLDS if left <= t)
        with transaction.atomic():
            if not claim(agency=agency, kind=RENEWAL_THRESHOLDS[days],
                         valid_until=agency.valid_until):
                skipped += 1
                continue
            events.agency_reminded(agency=agency, days=days, valid_until=agency.valid_until)
            _mail(agency, _("Registration of %(name)s expires on %(date)s")
                  % {"name": agency.name, "date": agency.valid_until},
                  _("The registration of %(name)s (%(ref)s) in the registry of third-party "
                    "assessors expires in %(days)s days, on %(date)s. Apply for renewal in "
                    "time.") % {"name": agency.name, "ref": agency.reference, "days": left,
                                "date": agency.valid_until})
            sent += 1
    return {"sent": sent, "skipped": skipped}


@shared_task(acks_late=True)
def expire_agencies(today: str | None = None):
    """Move approved agencies past their valid-until date to "expired", once, and flag
    their in-progress assessments."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    due = Agency.objects.filter(status=AgencyStatus.APPROVED, valid_until__lt=day)
    expired = 0
    for agency in in_batches(due):
        with transaction.atomic():
            if not claim(agency=agency, kind=AgencyAlertKind.EXPIRED,
                         valid_until=agency.valid_until):
                continue
            moved = Agency.objects.filter(pk=agency.pk, status=AgencyStatus.APPROVED,
                                          valid_until=agency.valid_until).update(
                status=AgencyStatus.EXPIRED, status_changed_at=timezone.now())
            if not moved:
                continue
            events.agency_expired(agency=agency, valid_until=agency.valid_until)
            flag_assessments(agency, reason=_("%(agency)s: registration expired on %(date)s")
                             % {"agency": agency.name, "date": agency.valid_until})
            _mail(agency, _("Registration of %(name)s expired") % {"name": agency.name},
                  _("The registration of %(name)s (%(ref)s) expired on %(date)s; it can no "
                    "longer be assigned assessments.") % {
                      "name": agency.name, "ref": agency.reference, "date": agency.valid_until})
            expired += 1
    return {"expired": expired}
