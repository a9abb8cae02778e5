"""The identity platform's discovery document (``/.well-known/openid-configuration``):
where to send the user, where to exchange the code, its keys and its sign-out page.

Read once and kept in the cache for ``OIDC_DISCOVERY_CACHE_SECONDS``; a platform that does
not answer raises ``ProviderUnavailable`` (never kept), so the next click tries again.
"""

import logging

import requests
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")


class ProviderUnavailable(Exception):
    """The identity platform did not answer, or answered with something unusable."""


def _key() -> str:
    return f"riskdesk:oidc:discovery:{settings.OIDC_ISSUER}"


def metadata() -> dict:
    """The platform's discovery document, checked: it names the configured issuer
    (OpenID Connect Discovery 1.0, section 4.3) and every endpoint the code flow needs."""
    kept = cache.get(_key())
    if kept is not None:
        return kept
    url = f"{settings.OIDC_ISSUER}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT,
                                verify=settings.OIDC_VERIFY_SSL)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        logger.warning("identity platform unavailable: %s: %s", url, error)
        raise ProviderUnavailable(str(error)) from error
    missing = [name for name in REQUIRED if not document.get(name)]
    if missing or document["issuer"].rstrip("/") != settings.OIDC_ISSUER:
        logger.error("identity platform's discovery document refused: issuer %r, missing %s",
                     document.get("issuer"), missing)
        raise ProviderUnavailable("discovery document does not fit OIDC_ISSUER")
    if settings.OIDC_DISCOVERY_CACHE_SECONDS:
        cache.set(_key(), document, settings.OIDC_DISCOVERY_CACHE_SECONDS)
    return document


# mozilla-django-oidc's setting names for the endpoints, and where discovery has them.
ENDPOINT_SETTINGS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


# ... and its names for settings that RiskDesk names as the README does.
ALIASES = {
    "OIDC_RP_CLIENT_ID": "OIDC_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET": "OIDC_CLIENT_SECRET",
    "OIDC_RP_SCOPES": "OIDC_SCOPES",
    "OIDC_RP_SIGN_ALGO": "OIDC_SIGN_ALGO",
}


def setting(name, *default):
    """mozilla-django-oidc's ``get_settings``, with the endpoints from discovery."""
    if name in ENDPOINT_SETTINGS:
        return metadata().get(ENDPOINT_SETTINGS[name])
    name = ALIASES.get(name, name)
    if default:
        return getattr(settings, name, default[0])
    return getattr(settings, name)
