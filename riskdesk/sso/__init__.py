"""Single sign-on through the city's identity platform (OpenID Connect).

``discovery`` reads the platform's endpoints, ``tokens`` checks what it sends back,
``accounts`` turns its claims into a RiskDesk user with a role and districts, and ``views``
holds the three pages: the way out to the platform, the way back, and sign-out. The code
flow itself (state, nonce, PKCE, token exchange, the platform's keys) is
mozilla-django-oidc's.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


@checks.register(checks.Tags.security, deploy=True)
def check_issuer_uses_https(app_configs, **kwargs):
    """``check --deploy``: tokens and the client secret cross the network in the clear
    with an http:// issuer anywhere but on this machine."""
    if not enabled():
        return []
    parts = urlsplit(settings.OIDC_ISSUER)
    if parts.scheme == "https" or parts.hostname in LOOPBACK:
        return []
    return [checks.Warning(
        f"OIDC_ISSUER={settings.OIDC_ISSUER} is not https: the client secret and the "
        "tokens would cross the network unencrypted.",
        hint="Use the identity platform's https:// address.", id="riskdesk.W301",
    )]


class Refused(Exception):
    """A single sign-on refused, with the reason the sign-in page explains (``REASONS`` in
    ``riskdesk.sso.views``), the user name the platform gave if any, and a detail for the
    audit log."""

    def __init__(self, reason: str, *, username: str = "", detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.username, self.detail = reason, username, detail
