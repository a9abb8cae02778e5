"""The way out to the identity platform, the way back, and the platform's sign-out.

Every refusal on the way back is an audit entry, ends the visitor's session (nothing of
the attempt stays behind) and shows the sign-in page with the reason in the visitor's
language (``?sso=<reason>``, ``REASONS``).
"""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from riskdesk import audit
from riskdesk.choices import AuditAction
from riskdesk.signin import SECOND_FACTOR_BY_PROVIDER
from riskdesk.sso import Refused, discovery, enabled
from riskdesk.sso.discovery import ProviderUnavailable
from riskdesk.sso.tokens import SingleSignOnBackend, second_factor_asserted

logger = logging.getLogger(__name__)

ID_TOKEN = "riskdesk_oidc_id_token"  # noqa: S105 (a session key: the ID token, sign-out's hint)
# the session is read by this backend after a single sign-on, as after a password
SESSION_BACKEND = "riskdesk.backends.ModelBackendWithScope"

REASONS = {
    "unavailable": _("The city's identity platform does not answer at the moment. Try again "
                     "in a few minutes; an administrator can still sign in with a password."),
    "provider_error": _("The identity platform did not sign you in."),
    "state": _("This sign-in link was already used or has expired. Start again with the "
               "button below."),
    "code": _("The identity platform refused to complete this sign-in. Start again with the "
              "button below."),
    "bad_token": _("The identity platform's answer could not be verified, so nobody was "
                   "signed in."),
    "expired": _("The identity platform's answer has expired. Start again with the button "
                 "below, and check this server's clock if it happens again."),
    "wrong_audience": _("The identity platform's answer was meant for another application, "
                        "so nobody was signed in."),
    "wrong_issuer": _("The answer did not come from the configured identity platform, so "
                      "nobody was signed in."),
    "nonce": _("The identity platform's answer does not belong to this sign-in, so nobody "
               "was signed in."),
    "no_role": _("Your account at the identity platform has no RiskDesk role."),
    "membership": _("Your account at the identity platform has a RiskDesk role that does "
                    "not fit its districts."),
    "unknown_district": _("Your account at the identity platform names a district RiskDesk "
                          "does not know."),
    "disabled": _("Your RiskDesk account is disabled."),
    "integration": _("This RiskDesk account is an integration account: another system uses "
                     "it through the API with a token. It cannot sign in here."),
}
# Refusals that only the people who manage accounts can lift: the page says whom to ask.
ASK_FOR_ACCESS = {"no_role", "membership", "unknown_district", "disabled", "integration"}


def refusal(reason):
    """The sign-in page's explanation of ``?sso=<reason>``, or None."""
    return REASONS.get(reason)


def refuse(request, reason, *, username="", detail=""):
    audit.record(request, AuditAction.SIGN_IN_REFUSED, user=None, username=username,
                 object_label=f"single sign-on: {reason}" + (f": {detail}" if detail else ""))
    logger.warning("single sign-on refused: %s %s %s", reason, username or "-", detail)
    request.session.flush()
    return redirect(f"{reverse('login')}?{urlencode({'sso': reason})}")


def _enabled_only(view):
    def wrapped(request, *args, **kwargs):
        if not enabled():
            raise Http404
        return view(request, *args, **kwargs)
    return login_not_required(require_GET(wrapped))


class _Start(OIDCAuthenticationRequestView):
    """mozilla-django-oidc's first half (state, nonce and the PKCE challenge kept in the
    session), with the authorization endpoint from discovery."""

    get_settings = staticmethod(discovery.setting)

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the endpoint is read in get(), where a failure shows

    def get(self, request):
        try:
            self.OIDC_OP_AUTH_ENDPOINT = discovery.metadata()["authorization_endpoint"]
        except ProviderUnavailable:
            return refuse(request, "unavailable")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_CLIENT_ID
        return super().get(request)


start = _enabled_only(_Start.as_view())


@_enabled_only
def callback(request):
    """The way back: the state must be one this session started, once; then the code is
    exchanged and the token checked (``SingleSignOnBackend``) before anyone is signed in."""
    if request.GET.get("error"):
        return refuse(request, "provider_error", detail=request.GET.get("error", "")[:100])
    states = request.session.get("oidc_states") or {}
    state = request.GET.get("state", "")
    if not state or state not in states or not request.GET.get("code"):
        return refuse(request, "state")
    expected = states.pop(state)
    request.session["oidc_states"] = states  # a state is good for one answer only
    request.session.save()
    next_url = request.session.get("oidc_login_next")
    try:
        backend = SingleSignOnBackend()
        user = backend.authenticate(request, nonce=expected.get("nonce"),
                                    code_verifier=expected.get("code_verifier"))
    except Refused as refused:
        return refuse(request, refused.reason, username=refused.username,
                      detail=refused.detail)
    except ProviderUnavailable as error:
        return refuse(request, "unavailable", detail=str(error)[:150])
    if user is None:
        return refuse(request, "bad_token")
    request.single_sign_on = True  # the audit entry of the sign-in says how
    login(request, user, backend=SESSION_BACKEND)
    request.session[ID_TOKEN] = backend.id_token
    request.session[SECOND_FACTOR_BY_PROVIDER] = second_factor_asserted(backend.payload)
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def provider_sign_out_url(request) -> str | None:
    """Where to end the platform's session too (RP-initiated logout), for a session that
    signed in through it and a platform that offers it; None otherwise."""
    id_token = request.session.get(ID_TOKEN)
    if not (enabled() and id_token):
        return None
    try:
        endpoint = discovery.metadata().get("end_session_endpoint")
    except ProviderUnavailable:
        return None
    if not endpoint:
        return None
    return f"{endpoint}?" + urlencode({
        "id_token_hint": id_token,
        "client_id": settings.OIDC_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
    })
