"""Single sign-on through the city's identity platform (OpenID Connect).

``discovery`` reads the platform's endpoints, ``tokens`` checks what it sends back,
``accounts`` turns its claims into a RiskDesk user with a role and districts, and ``views``
holds the three pages: the way out to the platform, the way back, and sign-out. The code
flow itself (state, nonce, PKCE, token exchange, the platform's keys) is
mozilla-django-oidc's. ``cas`` is the other way to a platform, a CAS 2.0/3.0 server
(django-cas-ng), with the same ``accounts`` and refusals.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


@checks.register(checks.Tags.security, deploy=True)
def check_issuer_uses_https(app_configs, **kwargs):
    """``check --deploy``: tokens and the client secret (or CAS tickets and attributes)
    cross the network in the clear with an http:// platform anywhere but on this machine."""
    found = []
    for name, url, what, check_id in (
        ("OIDC_ISSUER", settings.OIDC_ISSUER, "the client secret and the tokens",
         "riskdesk.W301"),
        ("CAS_SERVER_URL", settings.CAS_SERVER_URL, "the CAS tickets and attributes",
         "riskdesk.W302"),
    ):
        parts = urlsplit(url or "")
        if not url or parts.scheme == "https" or parts.hostname in LOOPBACK:
            continue
        found.append(checks.Warning(
            f"{name}={url} is not https: {what} would cross the network unencrypted.",
            hint="Use the identity platform's https:// address.", id=check_id,
        ))
    return found


def sign_out_form_action(get_response):
    """Lets every page's sign-out form reach the platform's sign-out page: the browser holds
    a form's redirects to the page's Content-Security-Policy ``form-action`` too, and
    ``'self'`` alone blocks the sign-out's redirect to the platform (Chromium does). The
    OpenID Connect issuer's and the CAS server's origins are added when configured."""

    def middleware(request):
        response = get_response(request)
        origins = [f"{parts.scheme}://{parts.netloc}" for parts in map(urlsplit, (
            settings.OIDC_ISSUER or "", settings.CAS_SERVER_URL or "")) if parts.netloc]
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", ()), *origins]
            response._csp_update = update
        return response

    return middleware


class Refused(Exception):
    """A single sign-on refused, with the reason the sign-in page explains (``REASONS`` in
    ``riskdesk.sso.views``), the user name the platform gave if any, and a detail for the
    audit log."""

    def __init__(self, reason: str, *, username: str = "", detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.username, self.detail = reason, username, detail
