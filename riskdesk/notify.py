"""In-app and e-mail notifications.

``notify()`` puts a notice in a user's inbox once per (user, key): a job that runs twice,
or two jobs at the same moment, create it once. The e-mail follows the user's choice for
that kind of notice: at once (a Celery task, after the transaction commits), in the daily
digest, or not at all. Texts are rendered when read, in the reader's language.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from riskdesk.choices import Delivery, EmailStatus, NoticeKind
from riskdesk.models import Notification, NotificationSetting

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
}


def render(notification) -> str:
    """The notice's sentence in the active language; never fails on missing params."""
    template = TEXTS.get(notification.kind)
    params = {"ref": "", "title": "", "date": "", "level": "", "reason": "", "state": ""}
    params.update(notification.params or {})
    if template is None:
        return notification.get_kind_display()
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return notification.get_kind_display()


def delivery_for(user, kind) -> str:
    setting = NotificationSetting.objects.filter(user=user, kind=kind).first()
    return setting.delivery if setting else Delivery.IMMEDIATE


def notify(user, *, kind, key, params=None, url="") -> Notification | None:
    """Create the notice unless this user already has one with this key.

    Returns the new notification, or None when it existed (nothing is sent twice).
    """
    if not user.is_active:
        return None
    delivery = delivery_for(user, kind) if user.email else Delivery.OFF
    status = {
        Delivery.IMMEDIATE: EmailStatus.PENDING,
        Delivery.DIGEST: EmailStatus.DIGEST,
    }.get(delivery, EmailStatus.SKIPPED)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, kind=kind, key=key[:200], params=params or {}, url=url,
                email_status=status,
            )
    except IntegrityError:
        return None  # this user already has this notice
    if status == EmailStatus.PENDING:
        from riskdesk.tasks import send_notification_email

        transaction.on_commit(lambda: send_notification_email.delay(notification.pk))
    return notification
