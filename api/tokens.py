"""Issuing, finding and revoking personal API tokens (only their SHA-256 is stored)."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from api.choices import TokenScope
from api.models import ApiToken
from riskdesk.access import with_scope

PREFIX = "rd_"  # what a RiskDesk token starts with, so a secret scanner can find a leaked one
SHOWN = len(PREFIX) + 8  # the characters of the token kept, not secret, to tell tokens apart
TOUCH_SECONDS = 60  # last_used_at is written at most once a minute


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue(user, *, name: str, read_only: bool = False, expires_days: int | None = None):
    """A new token for ``user``: (the row, the token). The token is in no row: show it once."""
    key = PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hash_key(key), prefix=key[:SHOWN],
        scope=TokenScope.READ if read_only else TokenScope.READ_WRITE,
        expires_at=now + timedelta(days=expires_days) if expires_days else None,
        created_at=now,
    )
    return token, key


def find(key: str) -> ApiToken | None:
    """The token with this key, whatever its state (expired, revoked), its user read with
    their scope (``riskdesk.access.with_scope``); None for an unknown key."""
    token = ApiToken.objects.filter(key_hash=hash_key(key)).first()
    if token is None:
        return None
    user = with_scope(get_user_model().objects.filter(pk=token.user_id)).first()
    if user is None:
        return None
    token.user = user
    return token


def touch(token: ApiToken) -> None:
    """Record the token's use: at most one write a minute, whatever the number of nodes."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=TOUCH_SECONDS)
    if token.last_used_at is not None and token.last_used_at > stale_before:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at=None) | Q(last_used_at__lte=stale_before)
    ).update(last_used_at=now)
    token.last_used_at = now


def revoke(user, pk: int) -> ApiToken:
    """Revoke ``user``'s token ``pk`` (ApiToken.DoesNotExist for anyone else's): it stops
    working at once, and its row stays, with the time it was revoked."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=pk, user=user)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token
