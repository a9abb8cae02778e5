"""The identity platform's claims as a RiskDesk user, role and districts.

The same for both ways to the platform: OpenID Connect's ID token claims, and CAS 3.0's
attributes (with the CAS user as ``sub``, the CAS server's URL as issuer).
A user is found by the platform's stable subject (issuer + ``sub``, ``ExternalIdentity``),
never by an e-mail address or a user name. The first sign-in creates the user when the
claims give a valid role and known districts; every later sign-in gives the user the role
and districts the claims give then, so a district the platform takes away is gone at once
(scopes are read per request, and the dashboard's cache is keyed by scope).
"""

import hashlib
import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from riskdesk.actions import (
    apply_membership,
    check_membership,
    check_username_free,
    resolve_districts,
)
from riskdesk.choices import Role
from riskdesk.models import ExternalIdentity
from riskdesk.signin import is_integration_account
from riskdesk.sso import Refused

# Roles a platform may give: assessor agencies' staff are not the government's and keep
# local accounts.
ROLES = (Role.STAFF, Role.SUPERVISOR, Role.ADMIN)
CITY_WIDE = "*"


def _strings(value) -> list[str]:
    """A claim as a list of strings: a JSON list, or one string of items separated by
    commas or spaces."""
    if value is None:
        return []
    if isinstance(value, str):
        return [item for item in re.split(r"[\s,]+", value) if item]
    if isinstance(value, list | tuple):
        return [str(item).strip() for item in value if str(item).strip()]
    return [str(value)]


def role_of(claims, claim_name) -> str:
    """The one RiskDesk role among the claim's values (a platform may list other roles of
    its own beside it, e.g. Keycloak's realm roles)."""
    roles = {value for value in _strings(claims.get(claim_name)) if value in ROLES}
    if len(roles) != 1:
        raise Refused("no_role", username=_name(claims),
                      detail=f"{claim_name}={claims.get(claim_name)!r}")
    return roles.pop()


def districts_of(claims, claim_name) -> tuple[list[str], bool]:
    """The district codes, and whether the claim says the whole city (``*``)."""
    codes = _strings(claims.get(claim_name))
    return [code for code in codes if code != CITY_WIDE], CITY_WIDE in codes


def _name(claims) -> str:
    return str(claims.get("preferred_username") or claims.get("sub") or "")[:150]


def _new_username(issuer, claims) -> str:
    """The platform's user name where it is a valid one nobody here has (nor a look-alike
    of it); otherwise one made from the subject."""
    User = get_user_model()
    wanted = _name(claims)
    try:
        User.username_validator(wanted)
        check_username_free(wanted)
        if wanted and not User.objects.filter(username=wanted).exists():
            return wanted
    except ValidationError:
        pass
    digest = hashlib.sha256(f"{issuer}|{claims['sub']}".encode()).hexdigest()[:12]
    return f"sso-{digest}"


@transaction.atomic
def user_for_claims(issuer: str, claims: dict, *, role_claim: str, district_claim: str):
    """The user these claims sign in, created or brought up to date; ``Refused`` (and
    nothing written) when the claims do not give a valid role and known districts.
    ``role_claim`` and ``district_claim`` name the claims (or CAS attributes) that hold
    them."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise Refused("bad_token", detail="no subject")
    role = role_of(claims, role_claim)
    codes, city_wide = districts_of(claims, district_claim)
    try:
        check_membership(role, codes, city_wide)
    except ValidationError as error:
        raise Refused("membership", username=_name(claims),
                      detail=" ".join(error.messages)) from error
    try:
        districts = resolve_districts(codes)
    except ValidationError as error:
        raise Refused("unknown_district", username=_name(claims),
                      detail=" ".join(error.messages)) from error

    identity = (ExternalIdentity.objects.select_for_update().select_related("user")
                .filter(issuer=issuer, subject=subject).first())
    if identity is None:
        User = get_user_model()
        user = User(username=_new_username(issuer, claims))
        user.set_unusable_password()  # signs in through the platform only
        identity = ExternalIdentity(user=user, issuer=issuer, subject=subject)
    else:
        user = identity.user
        if not user.is_active:
            raise Refused("disabled", username=user.get_username())
        if is_integration_account(user):  # a system's account: the API's only
            raise Refused("integration", username=user.get_username())
    user.email = str(claims.get("email") or user.email)[:254]
    user.first_name = str(claims.get("name") or user.first_name)[:150]
    user.is_staff = user.is_superuser = role == Role.ADMIN
    user.save()
    identity.user = user
    identity.last_sign_in_at = timezone.now()
    identity.save()
    apply_membership(user, role, districts, city_wide)
    return user


def may_use_password(user) -> bool:
    """With ``OIDC_ONLY``, a password still signs in an administrator who has no identity
    at the platform: the break-glass account for when the platform is down."""
    membership = getattr(user, "membership", None)
    return (
        membership is not None and membership.role == Role.ADMIN
        and not user.external_identities.exists()
    )
