"""Personal API tokens: a user's key for other systems, acting with the user's scope.

Only the SHA-256 of a token is stored; the token itself is shown once, when it is made
(``api.tokens.issue``). A revoked token keeps its row (``revoked_at``): nothing is deleted.
"""

from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.choices import TokenScope


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at=None).filter(Q(expires_at=None) | Q(expires_at__gt=now))


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    # sha256 hex digest of the whole token: the token is looked up by it
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    # the token's first characters, not secret: how people tell their tokens apart
    prefix = models.CharField(_("prefix"), max_length=16, editable=False)
    scope = models.CharField(
        _("scope"), max_length=20, choices=TokenScope.choices, default=TokenScope.READ_WRITE
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_scope_valid",
                condition=Q(scope__in=TokenScope.values),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_key_hash_is_sha256",
                condition=Q(key_hash__regex=r"^[0-9a-f]{64}$"),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_name_not_blank", condition=~Q(name=""),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_expires_after_created",
                condition=Q(expires_at=None) | Q(expires_at__gt=F("created_at")),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_revoked_after_created",
                condition=Q(revoked_at=None) | Q(revoked_at__gte=F("created_at")),
            ),
        ]
        indexes = [
            # the settings page: a user's tokens, newest first
            models.Index(name="api_apitoken_user_created", fields=["user", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.prefix}… {self.name}"

    @property
    def read_only(self) -> bool:
        return self.scope == TokenScope.READ

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class IdempotencyKeyQuerySet(models.QuerySet):
    def expired(self, now=None):
        return self.filter(created_at__lte=(now or timezone.now()) - IDEMPOTENCY_TTL)


IDEMPOTENCY_TTL = timedelta(hours=24)


class IdempotencyKey(models.Model):
    """A POST of the API sent with an ``Idempotency-Key`` header, and its answer: the same
    key with the same request within 24 h gets the stored answer again, and changes
    nothing (``api.idempotency``). Only successful answers are kept: a refused request
    changed nothing, so its retry is simply checked again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("user"),
    )
    token = models.ForeignKey(
        ApiToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("token"),
    )
    key = models.CharField(_("key"), max_length=255)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    # sha256 hex digest of the request's body: a reused key with another body is refused
    body_hash = models.CharField(_("body hash"), max_length=64)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    response_body = models.JSONField(_("response body"), null=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = IdempotencyKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            # claims the key: a second request with it waits for the first, then replays
            models.UniqueConstraint(name="%(app_label)s_%(class)s_unique_user_key",
                                    fields=["user", "key"]),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_body_hash_is_sha256",
                condition=Q(body_hash__regex=r"^[0-9a-f]{64}$"),
            ),
        ]
        indexes = [
            # expired(): the keys older than 24 h, cleared away
            models.Index(name="api_idempotencykey_created", fields=["created_at"]),
        ]

    def __str__(self):
        return f"{self.method} {self.path} {self.key}"
