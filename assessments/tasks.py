"""The registry's scheduled jobs: renewal reminders 60, 30 and 7 days before an agency's
registration expires, and its automatic expiry.

Sweeps over database state, like ``cases/tasks.py``: each reminder (agency, threshold,
valid-until date) and each expiry is claimed by inserting an ``AgencyAlert`` row with a
unique key in the same transaction as its effects, so a second, concurrent or late run
sends nothing twice. The notices go through ``riskdesk.notify``: e-mailed to the agency's
contact and to each administrator's inbox, sent after the transaction commits, retried,
and listed as failed if they keep failing.
"""

from datetime import date, timedelta

from celery import shared_task
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import events
from assessments.actions import admins, flag_assessments
from assessments.choices import RENEWAL_THRESHOLDS, AgencyAlertKind, AgencyStatus
from assessments.models import Agency, AgencyAlert
from riskdesk.choices import NoticeKind
from riskdesk.notify import notify_address, notify_many

BATCH = 500


def in_batches(queryset, size=BATCH):
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        yield from batch
        last = batch[-1].pk


def claim(*, agency, kind, valid_until) -> AgencyAlert | None:
    try:
        with transaction.atomic():
            return AgencyAlert.objects.create(agency=agency, kind=kind, valid_until=valid_until)
    except IntegrityError:
        return None


def _notify(alert, kind):
    """Tell the agency's contact (by e-mail) and the administrators (inbox, and e-mail as
    each chose) what the claimed ``alert`` is about."""
    agency = alert.agency
    key = f"agency-alert:{alert.pk}"
    params = {"ref": agency.reference, "title": agency.name,
              "date": agency.valid_until.isoformat()}
    notify_address(agency.contact_email, kind=kind, key=key, params=params)
    notify_many([(user, kind, key, params, agency.get_absolute_url()) for user in admins()])


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
            alert = claim(agency=agency, kind=RENEWAL_THRESHOLDS[days],
                          valid_until=agency.valid_until)
            if alert is None:
                skipped += 1
                continue
            events.agency_reminded(agency=agency, days=days, valid_until=agency.valid_until)
            _notify(alert, NoticeKind.AGENCY_EXPIRING)
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
            alert = claim(agency=agency, kind=AgencyAlertKind.EXPIRED,
                          valid_until=agency.valid_until)
            if alert is None:
                continue
            moved = Agency.objects.filter(pk=agency.pk, status=AgencyStatus.APPROVED,
                                          valid_until=agency.valid_until).update(
                status=AgencyStatus.EXPIRED, status_changed_at=timezone.now())
            if not moved:
                continue
            events.agency_expired(agency=agency, valid_until=agency.valid_until)
            flag_assessments(agency, reason=_("%(agency)s: registration expired on %(date)s")
                             % {"agency": agency.name, "date": agency.valid_until})
            _notify(alert, NoticeKind.AGENCY_EXPIRED)
            expired += 1
    return {"expired": expired}
