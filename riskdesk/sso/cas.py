"""Sign-in through the city's CAS server (CAS 2.0 or 3.0), beside OpenID Connect.

django-cas-ng sends the visitor to the CAS server, validates the service ticket brought
back (``p3/serviceValidate`` for CAS 3), keeps the session's ticket for the server's single
sign-out and ends the CAS session at sign-out (``CAS_LOGOUT_COMPLETELY``). What is
RiskDesk's is the same as for OpenID Connect: the CAS user is the subject and the CAS 3.0
attributes are the claims of ``accounts.user_for_claims`` (issuer: ``CAS_SERVER_URL``),
and every refusal goes through ``views.refuse`` (audited, no session left behind, the
reason on the sign-in page).
"""

from functools import wraps

import requests
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_cas_ng import views as cas_views
from django_cas_ng.backends import CASBackend
from django_cas_ng.utils import get_cas_client
from lxml import etree

from riskdesk.backends import ModelBackendWithScope
from riskdesk.signin import SECOND_FACTOR_BY_PROVIDER, record_sign_out
from riskdesk.sso import Refused, accounts
from riskdesk.sso.discovery import ProviderUnavailable
from riskdesk.sso.views import refuse

SIGNED_IN = "riskdesk_cas"  # session key: this session signed in through CAS


def enabled() -> bool:
    return bool(settings.CAS_SERVER_URL)


def signed_in_through(request) -> bool:
    return enabled() and bool(request.session.get(SIGNED_IN))


class _Session(requests.Session):
    """python-cas's HTTP session, with a time limit on the ticket validation."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", settings.CAS_TIMEOUT)
        return super().request(*args, **kwargs)


class CASSignInBackend(CASBackend, ModelBackendWithScope):
    """Answers a CAS service ticket only (a password goes to ``ModelBackendWithScope``):
    the ticket is validated at the CAS server, then the user is the one
    ``user_for_claims`` gives, or ``Refused``. Sessions it signs in are read like any
    other (``ModelBackendWithScope.get_user``)."""

    def authenticate(self, request, ticket, service):
        if not enabled():
            return None
        client = get_cas_client(service_url=service, request=request)
        client.session = _Session()
        try:
            username, attributes, _pgtiou = client.verify_ticket(ticket)
        except (requests.RequestException, etree.XMLSyntaxError) as error:
            raise ProviderUnavailable(str(error)) from error
        if not username:  # used already, expired, or for another service
            raise Refused("state", detail="CAS ticket not valid")
        claims = {**(attributes or {}), "sub": username, "preferred_username": username}
        return accounts.user_for_claims(
            settings.CAS_SERVER_URL, claims,
            role_claim=settings.CAS_ROLE_ATTRIBUTE,
            district_claim=settings.CAS_DISTRICT_ATTRIBUTE,
        )


class _Login(cas_views.LoginView):
    """django-cas-ng's way out to the CAS server and back, with RiskDesk's refusals."""

    def get(self, request):
        # django-cas-ng puts ``next`` into the service URL and follows it unchecked
        next_url = request.GET.get("next")
        if next_url and not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(request.path)
        was_signed_in = request.user.is_authenticated
        request.single_sign_on = True  # the audit entry of the sign-in says how
        try:
            response = super().get(request)
        except Refused as refused:
            return refuse(request, refused.reason, username=refused.username,
                          detail=refused.detail)
        except ProviderUnavailable as error:
            return refuse(request, "unavailable", detail=str(error)[:150])
        except PermissionDenied:  # no backend took the ticket
            return refuse(request, "state", detail="CAS ticket not taken")
        if not was_signed_in and request.user.is_authenticated:
            request.session[SIGNED_IN] = True
            request.session[SECOND_FACTOR_BY_PROVIDER] = False  # CAS asserts no second factor
        return response


class _Logout(cas_views.LogoutView):
    """Ends the RiskDesk session, then sends the visitor to the CAS server's logout, which
    ends the CAS session and sends them back to the sign-in page."""

    def post(self, request):
        record_sign_out(request)
        return super().post(request)


def _enabled_only(view):
    @wraps(view)  # keeps django-cas-ng's csrf_exempt for the single sign-out's POST
    def wrapped(request, *args, **kwargs):
        if not enabled():
            raise Http404
        return view(request, *args, **kwargs)
    return login_not_required(wrapped)


# GET: the way out and back; POST: the CAS server's single sign-out (csrf-exempt there)
login = _enabled_only(_Login.as_view())
logout = _enabled_only(require_POST(_Logout.as_view()))
