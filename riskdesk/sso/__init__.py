"""Single sign-on through the city's identity platform (OpenID Connect).

``discovery`` reads the platform's endpoints, ``tokens`` checks what it sends back,
``accounts`` turns its claims into a RiskDesk user with a role and districts, and ``views``
holds the three pages: the way out to the platform, the way back, and sign-out. The code
flow itself (state, nonce, PKCE, token exchange, the platform's keys) is
mozilla-django-oidc's.
"""

from django.conf import settings


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


class Refused(Exception):
    """A single sign-on refused, with the reason the sign-in page explains (``REASONS`` in
    ``riskdesk.sso.views``), the user name the platform gave if any, and a detail for the
    audit log."""

    def __init__(self, reason: str, *, username: str = "", detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.username, self.detail = reason, username, detail
