"""What the identity platform sends back, checked before anyone is signed in.

mozilla-django-oidc exchanges the code (with the PKCE verifier) and fetches the
platform's keys; this backend adds what it leaves out: the ID token's issuer, audience
and required claims are checked with its signature and expiry (OpenID Connect Core 1.0,
3.1.3.7), the nonce is compared, and every failure is a ``Refused`` with a reason the
sign-in page can explain, instead of an exception page.
"""

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from riskdesk.sso import Refused, accounts, discovery
from riskdesk.sso.discovery import ProviderUnavailable


def _decode_errors():
    # the most specific first: all of them are InvalidTokenError
    return (
        (jwt.ExpiredSignatureError, "expired"),
        (jwt.ImmatureSignatureError, "expired"),
        (jwt.InvalidAudienceError, "wrong_audience"),
        (jwt.InvalidIssuerError, "wrong_issuer"),
        (jwt.InvalidTokenError, "bad_token"),
    )


class SingleSignOnBackend(OIDCAuthenticationBackend):
    """The code flow's back half. Not in ``AUTHENTICATION_BACKENDS``: the callback view
    calls it, and the session is then read like any other (``ModelBackendWithScope``)."""

    get_settings = staticmethod(discovery.setting)
    id_token = None
    payload = None

    def get_token(self, payload):
        try:
            return super().get_token(payload)
        except requests.HTTPError as error:  # the platform refused the code (used, expired)
            status = error.response.status_code if error.response is not None else None
            if status is not None and status < 500:
                raise Refused("code", detail=str(status)) from error
            raise ProviderUnavailable(str(error)) from error
        except requests.RequestException as error:
            raise ProviderUnavailable(str(error)) from error

    def verify_token(self, token, **kwargs):
        if not token:
            raise Refused("bad_token", detail="no ID token")
        try:
            if self.OIDC_RP_SIGN_ALGO.startswith(("RS", "ES", "PS")):
                key = self.retrieve_matching_jwk(token)
            else:
                key = self.OIDC_RP_CLIENT_SECRET
        except requests.RequestException as error:
            raise ProviderUnavailable(str(error)) from error
        except (SuspiciousOperation, jwt.InvalidTokenError, KeyError, TypeError) as error:
            raise Refused("bad_token", detail=f"no key: {error}") from error
        payload = self._verify_jws(token, key)
        if "nonce" in kwargs and payload.get("nonce") != kwargs["nonce"]:
            raise Refused("nonce")
        return payload

    def _verify_jws(self, payload, key):
        try:
            algorithm = jwt.get_unverified_header(payload).get("alg")
        except jwt.InvalidTokenError as error:
            raise Refused("bad_token", detail=str(error)) from error
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise Refused("bad_token", detail=f"algorithm {algorithm}")
        try:
            claims = jwt.decode(
                payload, key, algorithms=[algorithm], audience=settings.OIDC_CLIENT_ID,
                issuer=settings.OIDC_ISSUER, leeway=settings.OIDC_CLOCK_LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as error:
            reason = next(r for kind, r in _decode_errors() if isinstance(error, kind))
            raise Refused(reason, detail=str(error)) from error
        audience = claims["aud"]
        if isinstance(audience, list) and len(audience) > 1 and (
            claims.get("azp") != settings.OIDC_CLIENT_ID
        ):
            raise Refused("wrong_audience", detail="azp")
        return claims

    def store_tokens(self, access_token, id_token):
        self.id_token = id_token  # the callback keeps it in the new session, for sign-out

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, completed by the userinfo endpoint's (where a platform
        puts the profile claims); both must be about the same subject."""
        if not self.get_settings("OIDC_OP_USER_ENDPOINT", None) or not access_token:
            return dict(payload)
        try:
            info = super().get_userinfo(access_token, id_token, payload)
        except requests.RequestException as error:
            raise ProviderUnavailable(str(error)) from error
        if info.get("sub") != payload["sub"]:
            raise Refused("bad_token", detail="userinfo is about another subject")
        return {**info, **payload}

    def get_or_create_user(self, access_token, id_token, payload):
        self.payload = payload
        claims = self.get_userinfo(access_token, id_token, payload)
        return accounts.user_for_claims(settings.OIDC_ISSUER, claims,
                                        role_claim=settings.OIDC_ROLE_CLAIM,
                                        district_claim=settings.OIDC_DISTRICT_CLAIM)


def second_factor_asserted(payload) -> bool:
    """The platform says the user gave a second factor (``amr`` holds ``mfa`` or ``otp``,
    RFC 8176)."""
    amr = (payload or {}).get("amr") or []
    if isinstance(amr, str):
        amr = amr.split()
    return bool({"mfa", "otp"} & set(amr))
