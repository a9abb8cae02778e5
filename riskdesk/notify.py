"""In-app and e-mail notifications.

``notify()`` puts a notice in a user's inbox once per (user, key): a job that runs twice,
or two jobs at the same moment, create it once. The e-mail follows the user's choice for
that kind of notice: at once (a Celery task, after the transaction commits), in the daily
digest, or not at all. Texts are rendered when read, in the reader's language.
``notify_address()`` e-mails someone who has no account (an agency's applicant) through the
same record: the same task, retries and failures listed in the admin site.

The inbox and the settings page use the small functions at the end (``unread_count``,
``mark_read``, ``mark_all_read``, ``deliveries_for``, ``save_deliveries``).
"""

import contextlib
import hashlib
import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Func, IntegerField, OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from riskdesk.choices import ADDRESS_ONLY_KINDS, Delivery, EmailStatus, NoticeKind
from riskdesk.db import insert_new
from riskdesk.models import Notification, NotificationSetting

log = logging.getLogger(__name__)

# One sentence per kind; params are filled in when the notice is shown or e-mailed.
TEXTS = {
    NoticeKind.FOLLOW_UP_DUE: _("%(ref)s %(title)s: a follow-up is due by %(date)s."),
    NoticeKind.FOLLOW_UP_OVERDUE: _(
        "%(ref)s %(title)s: the follow-up due on %(date)s is overdue."
    ),
    NoticeKind.ESCALATION: _(
        "%(ref)s %(title)s escalated to level %(level)s: %(reason)s since %(date)s."
    ),
    NoticeKind.ORDER_ISSUED: _(
        "%(ref)s %(title)s: a supervision order was issued, due %(date)s."
    ),
    NoticeKind.ORDER_DUE: _("%(ref)s %(title)s: the supervision order is due by %(date)s."),
    NoticeKind.ORDER_OVERDUE: _(
        "%(ref)s %(title)s: the supervision order due on %(date)s is overdue."
    ),
    NoticeKind.ORDER_UPDATE: _("%(ref)s %(title)s: the supervision order was %(state)s."),
    NoticeKind.EXTENSION: _(
        "%(ref)s %(title)s: deadline extension to %(date)s %(state)s."
    ),
    NoticeKind.JOB_DONE: _("Your export or import #%(ref)s has finished: open it for the result."),
    NoticeKind.ASSESSMENT_FLAGGED: _(
        "Assessment flagged: %(title)s. %(reason)s: assign an approved agency before it is "
        "concluded."
    ),
    NoticeKind.APPLICATION_RECEIVED: _(
        "Application %(ref)s received: %(title)s applied to the registry of third-party "
        "assessors. Quote %(ref)s when you contact us."
    ),
    NoticeKind.AGENCY_EXPIRING: _(
        "%(title)s (%(ref)s): its registration in the registry of third-party assessors "
        "expires on %(date)s. Apply for renewal in time."
    ),
    NoticeKind.AGENCY_EXPIRED: _(
        "%(title)s (%(ref)s): its registration expired on %(date)s; it can no longer be "
        "assigned assessments."
    ),
    NoticeKind.WEBHOOK_DISABLED: _(
        "Webhook “%(title)s” was switched off: its deliveries failed for 24 hours "
        "(%(reason)s). Check the receiver, then switch it on again."
    ),
}

KEY_MAX_LENGTH = Notification._meta.get_field("key").max_length

# The words a notice names (a state, a reason) are kept in English, the catalogue's own
# language, and translated when the notice is shown or e-mailed: the reader's language,
# never the writer's. The context each kind's words were declared with (pgettext_lazy).
WORD_PARAMS = ("state", "reason")
WORD_CONTEXTS = {
    NoticeKind.ORDER_UPDATE: "supervision order notice",
    NoticeKind.EXTENSION: "extension notice",
}


def stored(params) -> dict:
    """``params`` as a notice keeps them: translatable words (lazy strings) in English."""
    with translation.override("en"):
        return {name: str(value) if isinstance(value, Promise) else value
                for name, value in (params or {}).items()}


def _shown(kind, params: dict) -> dict:
    """The params in the active language: words translated, ISO dates written out."""
    shown = dict(params)
    context = WORD_CONTEXTS.get(kind)
    for name in WORD_PARAMS:
        if isinstance(shown.get(name), str) and shown[name]:
            shown[name] = pgettext(context, shown[name]) if context else gettext(shown[name])
    if isinstance(shown.get("date"), str):
        with contextlib.suppress(ValueError):  # not an ISO date: shown as it was written
            shown["date"] = date_format(date.fromisoformat(shown["date"]), "DATE_FORMAT")
    return shown


def fit_key(key: str) -> str:
    """The key, shortened to fit the column without making two different keys one."""
    if len(key) <= KEY_MAX_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{key[: KEY_MAX_LENGTH - len(digest) - 1]}#{digest}"


def render(notification) -> str:
    """The notice's sentence in the active language; never fails on missing params."""
    template = TEXTS.get(notification.kind)
    params = {"ref": "", "title": "", "date": "", "level": "", "reason": "", "state": ""}
    if isinstance(notification.params, dict):
        params.update(notification.params)
    if template is None:
        return notification.get_kind_display()
    try:
        return str(template) % _shown(notification.kind, params)
    except (KeyError, TypeError, ValueError):
        return notification.get_kind_display()


def delivery_for(user, kind) -> str:
    setting = NotificationSetting.objects.filter(user=user, kind=kind).first()
    return setting.delivery if setting else Delivery.IMMEDIATE


def notify(user, *, kind, key, params=None, url="") -> Notification | None:
    """Create the notice unless this user already has one with this key.

    Returns the new notification, or None when it existed (nothing is sent twice) or the
    user is inactive (they get nothing).
    """
    if user is None or not user.is_active:
        return None
    key = fit_key(key)
    delivery = delivery_for(user, kind) if user.email else Delivery.OFF
    status = {
        Delivery.IMMEDIATE: EmailStatus.PENDING,
        Delivery.DIGEST: EmailStatus.DIGEST,
    }.get(delivery, EmailStatus.SKIPPED)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, kind=kind, key=key, params=stored(params), url=url,
                email_status=status,
            )
    except IntegrityError:
        return None  # this user already has this notice
    if status == EmailStatus.PENDING:
        transaction.on_commit(lambda: enqueue_email(notification.pk))
    return notification


def notify_address(address, *, kind, key, params=None) -> Notification | None:
    """E-mail a notice to ``address``, someone with no account: no inbox, but the e-mail is
    recorded, retried and, if it keeps failing, listed as failed like every other notice."""
    if not address:
        return None
    notification = Notification.objects.create(
        user=None, address=address, kind=kind, key=fit_key(key), params=stored(params),
        email_status=EmailStatus.PENDING,
    )
    transaction.on_commit(lambda: enqueue_email(notification.pk))
    return notification


def notify_many(notices) -> int:
    """``notify()`` for many ``(user, kind, key, params, url)`` at once, in a few queries
    and by the same rules: once per user and key, nothing for inactive users, e-mail as
    each user chose. Returns how many notices were created."""
    notices = [notice for notice in notices if notice[0] is not None and notice[0].is_active]
    if not notices:
        return 0
    chosen = {
        (user_id, kind): delivery for user_id, kind, delivery in
        NotificationSetting.objects.filter(
            user__in={notice[0].pk for notice in notices},
            kind__in={notice[1] for notice in notices},
        ).values_list("user_id", "kind", "delivery")
    }
    rows = []
    for user, kind, key, params, url in notices:
        delivery = chosen.get((user.pk, kind), Delivery.IMMEDIATE) if user.email else (
            Delivery.OFF)
        status = {
            Delivery.IMMEDIATE: EmailStatus.PENDING,
            Delivery.DIGEST: EmailStatus.DIGEST,
        }.get(delivery, EmailStatus.SKIPPED)
        rows.append(Notification(user=user, kind=kind, key=fit_key(key), params=stored(params),
                                 url=url, email_status=status))
    rows.sort(key=lambda row: (row.user_id, row.key))  # one order for everyone: no deadlock
    new_ids = insert_new(rows, returning="id")
    pending = list(
        Notification.objects.filter(pk__in=new_ids, email_status=EmailStatus.PENDING)
        .values_list("pk", flat=True)
    ) if new_ids else []
    if pending:
        transaction.on_commit(lambda: enqueue_emails(pending))
    return len(new_ids)


def enqueue_emails(notification_ids, *, chunk=500) -> None:
    """``enqueue_email`` for many: one message per ``chunk`` notices, which a worker turns
    into one e-mail task each (``queue_notification_emails``); a sweep that notified
    thousands spent seconds queueing them one by one."""
    from riskdesk.tasks import queue_notification_emails

    for start in range(0, len(notification_ids), chunk):
        ids = list(notification_ids[start:start + chunk])
        try:
            queue_notification_emails.delay(ids)
        except Exception:  # the broker's errors vary by transport (kombu, redis, OSError)
            log.exception("Could not queue the e-mails of %s notifications", len(ids))


def enqueue_email(notification_id: int) -> None:
    """Queue the e-mail; a broker that is down must not undo or fail the committed work.

    The notice stays pending and ``riskdesk.tasks.send_pending_emails`` queues it later.
    """
    from riskdesk.tasks import send_notification_email

    try:
        send_notification_email.delay(notification_id)
    except Exception:  # the broker's errors vary by transport (kombu, redis, OSError)
        log.exception("Could not queue the e-mail for notification %s", notification_id)


# ---------------------------------------------------------------- the inbox
def unread_count(user) -> int:
    """Unread notices of ``user``: one COUNT on the partial index of unread notices."""
    return Notification.objects.filter(user=user).unread().count()


UNREAD_ATTR = "_riskdesk_unread_when_read"


def with_unread_count(users):
    """Users read with their unread count, as ``UNREAD_ATTR``: the signed-in user is read
    this way on every request (riskdesk.backends), so the inbox badge costs no query of
    its own. The count is the one of the moment the user was read."""
    # COUNT(*) with no GROUP BY: an index-only scan of the partial index of unread notices
    # (Django's Count("pk") groups, and reads the table).
    count = Func(template="COUNT(*)", output_field=IntegerField())
    unread = (Notification.objects.filter(user=OuterRef("pk")).unread().order_by()
              .annotate(count=count).values("count"))
    return users.annotate(**{UNREAD_ATTR: Subquery(unread)})


def mark_read(notification) -> bool:
    """Mark one notice read; False when it already was."""
    now = timezone.now()
    done = Notification.objects.filter(pk=notification.pk).unread().update(read_at=now)
    if done:
        notification.read_at = now
    return bool(done)


def mark_all_read(user) -> int:
    """Mark every unread notice of ``user`` read; returns how many."""
    return Notification.objects.filter(user=user).unread().update(read_at=timezone.now())


# ---------------------------------------------------------------- settings
def deliveries_for(user) -> dict[str, str]:
    """How each kind of notice reaches ``user``: {kind: delivery}, every kind present."""
    chosen = dict(
        NotificationSetting.objects.filter(user=user).values_list("kind", "delivery")
    )
    return {kind: chosen.get(kind, Delivery.IMMEDIATE) for kind in NoticeKind.values
            if kind not in ADDRESS_ONLY_KINDS}


def save_deliveries(user, deliveries: dict[str, str]) -> None:
    """Save the user's choice per kind (one row per kind, in one statement)."""
    rows = [
        NotificationSetting(user=user, kind=kind, delivery=Delivery(delivery))
        for kind, delivery in deliveries.items()
        if kind in NoticeKind.values and kind not in ADDRESS_ONLY_KINDS
    ]
    with transaction.atomic():
        NotificationSetting.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["user", "kind"],
            update_fields=["delivery"],
        )
