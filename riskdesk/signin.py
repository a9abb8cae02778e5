"""Sign-in: throttling of failed attempts, the audit of every attempt, session limits.

After ``SIGN_IN_MAX_FAILURES`` failed attempts for one user name from one address within
``SIGN_IN_WINDOW_MINUTES``, that pair waits until the oldest of those failures leaves the
window. Nothing locks an account: another address (the real user at their desk) or another
user name is not affected, and attempts refused during the wait do not prolong it. The
attempts are counted from the database (``AuditEntry``), so the limit holds across
gunicorn workers and machines.

Attempts are counted under the user name's key (``username_key``): ``\uff51ingshan.staff``
(a full-width q) or ``QingShan.Staff`` are the same guesses as ``qingshan.staff``.
"""

import math
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from riskdesk import audit
from riskdesk.choices import AuditAction, Role
from riskdesk.models import AuditEntry

SIGNED_IN_AT = "riskdesk_signed_in_at"  # session key: when this session signed in (epoch s)
LAST_SEEN = "riskdesk_last_seen"  # session key: the last request, to the minute (epoch s)
# session key: true when the identity platform asserted a second factor at this sign-in
# (the ID token's ``amr`` holds ``mfa`` or ``otp``): the session counts as two factors.
SECOND_FACTOR_BY_PROVIDER = "riskdesk_second_factor_by_provider"


def username_key(username: str) -> str:
    """The one form of a user name that look-alikes share: NFKC, then Django's own
    normalisation (what sign-in does before it looks the user up), then casefolded.

    The throttle counts and records attempts under it, and a new user name whose key is
    already taken is refused (``riskdesk.actions.check_username_free``)."""
    name = unicodedata.normalize("NFKC", str(username or "")).strip()
    return AbstractBaseUser.normalize_username(name).casefold()


def counted_as(username: str) -> str:
    """The name an attempt is recorded and counted under: its key, cut to the audit's
    column (a key can outgrow the name: casefolding writes "ß" as "ss")."""
    return username_key(username)[: AuditEntry._meta.get_field("username").max_length]


def _window() -> timedelta:
    return timedelta(minutes=settings.SIGN_IN_WINDOW_MINUTES)


def wait_until(username: str, address: str | None, now=None, *,
               failed=AuditAction.SIGN_IN_FAILED, passed=AuditAction.SIGN_IN):
    """When the pair may try again, or None if it may try now.

    ``failed`` and ``passed`` name the audit actions counted: the password's by default,
    the second factor's (``TWO_FACTOR_FAILED``, ``TWO_FACTOR_PASSED``) for the codes."""
    now = now or timezone.now()
    recent = AuditEntry.objects.filter(
        username=counted_as(username), address=address, at__gt=now - _window(),
        action__in=[passed, failed],
    ).order_by("-at", "-id").values_list("action", "at")[: settings.SIGN_IN_MAX_FAILURES]
    failures = []
    for action, at in recent:
        if action == passed:
            break  # a success starts the count afresh
        failures.append(at)
    if len(failures) < settings.SIGN_IN_MAX_FAILURES:
        return None
    return failures[-1] + _window()


def minutes_left(until) -> int:
    """Whole minutes (at least one) until ``until``, for the "try again in" messages."""
    return max(1, math.ceil((until - timezone.now()).total_seconds() / 60))


def is_integration_account(user) -> bool:
    """Whether ``user`` is a system's account (``Role.INTEGRATION``): the API's, with a
    token; no browser session is ever made for it."""
    membership = getattr(user, "membership", None)
    return membership is not None and membership.role == Role.INTEGRATION


class ThrottledSignInMixin:
    """Refuses a pair that must wait before checking the password at all."""

    def clean(self):
        username = counted_as(self.data.get("username"))
        if username and self.request is not None:
            address = audit.client_address(self.request)
            until = wait_until(username, address)
            if until is not None:
                audit.record(self.request, AuditAction.SIGN_IN_THROTTLED, user=None,
                             username=username)
                minutes = minutes_left(until)
                raise ValidationError(
                    ngettext(
                        "Too many failed sign-ins for this user name from your address. "
                        "Try again in %(minutes)d minute.",
                        "Too many failed sign-ins for this user name from your address. "
                        "Try again in %(minutes)d minutes.",
                        minutes,
                    ) % {"minutes": minutes},
                    code="throttled",
                )
        return super().clean()

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if is_integration_account(user):
            raise ValidationError(
                _("This is an integration account: another system uses it through the API "
                  "with a token. It cannot sign in here."),
                code="integration",
            )
        from riskdesk.sso.accounts import may_use_password  # sso reads the user's rules

        if settings.OIDC_ONLY and not may_use_password(user):
            raise ValidationError(
                _("Sign in through the city's identity platform: here, passwords are kept "
                  "for the emergency administrator only."),
                code="sso_only",
            )


class SignInForm(ThrottledSignInMixin, AuthenticationForm):
    """The sign-in page's form, throttled."""


class AdminSignInForm(ThrottledSignInMixin, AdminAuthenticationForm):
    """The admin site's sign-in form, throttled the same way."""


@receiver(user_logged_in, dispatch_uid="riskdesk.signin.logged_in")
def on_signed_in(sender, request, user, **kwargs):
    if request is None:
        return
    now = int(timezone.now().timestamp())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    audit.record(request, AuditAction.SIGN_IN, user=user,
                 username=counted_as(user.get_username()),
                 object_label="single sign-on" if getattr(request, "single_sign_on", False)
                 else "")


def record_sign_out(request):
    """The audit entry of a sign-out (of the user still signed in, if any)."""
    if request.user.is_authenticated:
        audit.record(request, AuditAction.SIGN_OUT,
                     username=counted_as(request.user.get_username()))


@receiver(user_login_failed, dispatch_uid="riskdesk.signin.login_failed")
def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    username = counted_as(credentials.get("username"))
    audit.record(request, AuditAction.SIGN_IN_FAILED, user=None, username=username)


class SessionLimitMiddleware:
    """Ends a session after ``SESSION_IDLE_MINUTES`` without a request, and
    ``SESSION_MAX_HOURS`` after sign-in however active it is.

    The last request's time is written to the session at most once a minute, so an
    active user does not cost a session write on every page.
    """

    TOUCH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(timezone.now().timestamp())
            signed_in_at = request.session.get(SIGNED_IN_AT)
            last_seen = request.session.get(LAST_SEEN, signed_in_at)
            if (
                signed_in_at is None
                or now - signed_in_at > settings.SESSION_MAX_HOURS * 3600
                or now - last_seen > settings.SESSION_IDLE_MINUTES * 60
            ):
                logout(request)
                request.session_ended = True
            elif now - last_seen >= self.TOUCH_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Send someone whose session just ended to sign in, saying why (pages open to
        everyone are served as to any visitor)."""
        if getattr(request, "session_ended", False) and getattr(
            view_func, "login_required", True
        ):
            return redirect_to_login(
                request.get_full_path(), f"{resolve_url(settings.LOGIN_URL)}?ended=1"
            )
        return None
