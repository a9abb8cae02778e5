"""The API's periodic work: forgetting ``Idempotency-Key`` answers after 24 h."""

from celery import shared_task
from django.utils import timezone

from api.models import IdempotencyKey


@shared_task
def forget_idempotency_keys() -> int:
    """Delete the keys older than 24 h (a sweep: late or twice, the same result). A key
    sent again meanwhile is already cleared when it comes (``api.idempotency.claim``)."""
    deleted, _by_model = IdempotencyKey.objects.expired(timezone.now()).delete()
    return deleted
