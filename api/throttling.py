from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import UserRateThrottle

from api.models import ApiToken

CACHE = "api_throttle"  # Redis in production (settings.py): the count holds on every node


class TokenRateThrottle(UserRateThrottle):
    """``API_THROTTLE_RATE`` requests per token (per user for a session), counted in the
    ``api_throttle`` cache; beyond it, 429 with ``Retry-After``."""

    scope = "api"

    def __init__(self):
        self.cache = caches[CACHE]
        super().__init__()

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
