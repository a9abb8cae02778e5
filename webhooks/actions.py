"""What a person does with webhooks: save, switch on or off, test, deliver again."""

import secrets

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from riskdesk.access import scope_of
from riskdesk.choices import Announcement
from webhooks.choices import DeliveryStatus
from webhooks.emit import create_event, queue
from webhooks.models import Delivery, Subscription


def new_secret() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def save_subscription(*, user, form) -> tuple[Subscription, str]:
    """Save the form's subscription (owned by ``user`` when new); returns it and the
    secret when one was made now (to be shown once), else ''."""
    subscription = form.save(commit=False)
    made = ""
    if form.cleaned_data.get("new_secret"):
        subscription.secret = form.cleaned_data["new_secret"]
    elif not subscription.secret:
        subscription.secret = made = new_secret()
    if subscription.pk is None:
        subscription.owner = user
    subscription.save()
    form.save_m2m()
    if not Subscription.objects.for_user(user).filter(pk=subscription.pk).exists():
        raise Http404  # never: owners and admins only
    return subscription, made


@transaction.atomic
def switch(*, subscription, on: bool) -> None:
    fields = {"active": on}
    if on:
        fields.update(disabled_at=None, disabled_reason="", failing_since=None)
    else:
        fields.update(disabled_at=timezone.now(), disabled_reason="")
    Subscription.objects.filter(pk=subscription.pk).update(**fields)


def send_test(*, subscription):
    with transaction.atomic():
        return create_event(Announcement.TEST, [subscription])


def deliver_again(*, user, delivery) -> None:
    """An administrator's replay: the delivery waits again, as if new."""
    if not scope_of(user).is_admin:
        raise Http404
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), claimed_until=None,
            delivered_at=None)
        transaction.on_commit(lambda: queue([delivery.pk]))
