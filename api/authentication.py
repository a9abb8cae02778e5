"""Who makes an API request: a personal token (``Authorization: Bearer <token>``, also
``Token <token>``), or the browser's session, which must have paid its second factor."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from api import tokens
from riskdesk.twofactor import owed_step

KEYWORDS = (b"bearer", b"token")


class TokenAuthentication(authentication.BaseAuthentication):
    """A personal API token: the request acts as the token's user, with their role and
    districts (``riskdesk.access.scope_of``), nothing more. Unknown, expired and revoked
    tokens, and tokens of deactivated users, get 401."""

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None  # not ours: the session may still authenticate
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as: Authorization: Bearer <token>."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        token = tokens.find(key)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This token is not valid."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This token was revoked."))
        if not token.is_usable():
            raise exceptions.AuthenticationFailed(_("This token has expired."))
        tokens.touch(token)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'  # makes an unauthenticated request a 401, not a 403


class SecondFactorOwed(exceptions.PermissionDenied):
    default_detail = _("Your session still owes its second factor: sign in again in the "
                       "browser and give your code, or use an API token.")
    default_code = "second_factor_required"


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session (CSRF checked on unsafe methods), refused with 403 while it
    owes its second factor (``riskdesk.twofactor``): the API answers JSON, it does not
    redirect to the step's page as the pages do."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and owed_step(request._request):
            raise SecondFactorOwed()
        return result

    def enforce_csrf(self, request):
        # Django's request: it reads a form's token without DRF's parsers, which take JSON
        # only (a forged form post is then a 403, not a 415).
        super().enforce_csrf(request._request)
