"""Single sign-on through the city's identity platform (OpenID Connect).

``discovery`` reads the platform's endpoints, ``tokens`` checks what it sends back,
``accounts`` turns its claims into a RiskDesk user with a role and districts, and ``views``
holds the three pages: the way out to the platform, the way back, and sign-out. The code
flow itself (state, nonce, PKCE, token exchange, the platform's keys) is
mozilla-django-oidc's.
"""

from urllib.parse import urlsplit

from django.conf import settings


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def sign_out_form_action(get_response):
    """Lets every page's sign-out form reach the platform's sign-out page: the browser holds
    a form's redirects to the page's Content-Security-Policy ``form-action`` too, and
    ``'self'`` alone blocks the sign-out's redirect to the platform (Chromium does)."""

    def middleware(request):
        response = get_response(request)
        if enabled():
            issuer = urlsplit(settings.OIDC_ISSUER)
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", ()),
                                     f"{issuer.scheme}://{issuer.netloc}"]
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
