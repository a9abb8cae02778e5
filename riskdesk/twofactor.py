"""The second factor: a code from an authenticator app (TOTP, RFC 6238) or a recovery code.

At sign-in (``on_signed_in``) the session is told what it still owes: ``verify`` when the
user has set up an authenticator app, ``enrol`` when their role is in
``REQUIRE_TWO_FACTOR`` and they have none, nothing otherwise. Until it is paid
(``request.user.is_verified()``, or the identity platform asserted a second factor:
``SECOND_FACTOR_BY_PROVIDER``), ``SecondFactorMiddleware`` lets the session reach that
step's page, sign-out, the language switch, static files and the health check, nothing else.

Wrong codes are throttled exactly like wrong passwords (``riskdesk.signin.wait_until``
over ``TWO_FACTOR_FAILED`` / ``TWO_FACTOR_PASSED``), and a code once used is refused
(django-otp keeps the last time step a device accepted). The devices themselves are
django-otp's ``TOTPDevice`` (one per user) and ``StaticDevice`` (the recovery codes).
"""

from base64 import b32encode
from dataclasses import dataclass
from urllib.parse import urlencode

import django_otp
import qrcode
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core import checks
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from riskdesk import audit
from riskdesk.choices import AuditAction, Role
from riskdesk.signin import SECOND_FACTOR_BY_PROVIDER, counted_as, minutes_left, wait_until

STEP = "riskdesk_second_factor_step"  # session key: what this sign-in still owes
VERIFY = "verify"
ENROL = "enrol"
RECOVERY_CODES = 10
# What a session that owes its second factor may still reach (URL names), besides static files.
OPEN_WHILE_OWED = {
    "two_factor:verify", "two_factor:enrol", "logout", "set_language", "healthz",
}


@checks.register(checks.Tags.security)
def check_required_roles(app_configs, **kwargs):
    unknown = sorted(set(settings.REQUIRE_TWO_FACTOR) - set(Role.values))
    if unknown:
        return [checks.Error(
            f"REQUIRE_TWO_FACTOR names unknown roles: {', '.join(unknown)}.",
            hint=f"Use a comma-separated list of: {', '.join(Role.values)} (or leave it empty).",
            id="riskdesk.E201",
        )]
    return []


# ---------------------------------------------------------------- who owes what
def demo_without_second_factor() -> bool:
    """``make run``: nobody is asked for a second factor (the sign-in page says so)."""
    return settings.DEBUG and not settings.REQUIRE_TWO_FACTOR


def is_required(user) -> bool:
    membership = getattr(user, "membership", None)
    return membership is not None and membership.role in settings.REQUIRE_TWO_FACTOR


def authenticator(user, *, confirmed=True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-id").first()


def step_for(user) -> str | None:
    """What a sign-in of ``user`` owes: VERIFY, ENROL or None."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return VERIFY
    return ENROL if is_required(user) else None


@receiver(user_logged_in, dispatch_uid="riskdesk.twofactor.logged_in")
def on_signed_in(sender, request, user, **kwargs):
    if request is None:
        return
    step = step_for(user)
    if step:
        request.session[STEP] = step


def owed_step(request) -> str | None:
    """The step this session still owes, or None. Reads the session only, unless a step
    was recorded at sign-in (then django-otp reads the device the session verified with)."""
    step = request.session.get(STEP)
    if not step or request.session.get(SECOND_FACTOR_BY_PROVIDER):
        return None
    if not request.user.is_authenticated or request.user.is_verified():
        return None
    return step


def refresh_step(request) -> str | None:
    """The step owed, recomputed from the user's devices (an administrator may have reset
    them since sign-in): for the step's own pages."""
    if owed_step(request) is None:
        return None
    step = step_for(request.user)
    if step:
        request.session[STEP] = step
    else:
        request.session.pop(STEP, None)
    return step


def step_url(step: str, next_url: str = "") -> str:
    url = reverse(f"two_factor:{step}")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class SecondFactorMiddleware:
    """Sends a session that owes its second factor to the step's page; refuses everything
    else but ``OPEN_WHILE_OWED`` (a POST elsewhere is redirected, not performed)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "second_factor_checked_in_view", False):
            # The REST API: a token request has no session to owe anything, and the API's
            # session authentication refuses a session that owes its step with a 403 in
            # JSON (api.authentication.SessionAuthentication), never a redirect.
            return None
        step = owed_step(request)
        if step is None:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_WHILE_OWED:
            return None
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        return redirect(step_url(step, request.get_full_path() if request.method == "GET" else ""))


# ---------------------------------------------------------------- codes
@dataclass(frozen=True)
class Outcome:
    ok: bool
    error: str = ""
    recovery_codes_left: int | None = None  # when a recovery code was used


def _throttled(request, user) -> str:
    """The refusal while wrong codes make this user and address wait, else ""."""
    username = counted_as(user.get_username())
    until = wait_until(username, audit.client_address(request),
                       failed=AuditAction.TWO_FACTOR_FAILED, passed=AuditAction.TWO_FACTOR_PASSED)
    if until is None:
        return ""
    audit.record(request, AuditAction.TWO_FACTOR_THROTTLED, user=user, username=username)
    minutes = minutes_left(until)
    return ngettext(
        "Too many wrong codes for this user name from your address. "
        "Try again in %(minutes)d minute.",
        "Too many wrong codes for this user name from your address. "
        "Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def _record(request, user, action):
    audit.record(request, action, user=user, username=counted_as(user.get_username()))


def _failed(request, user) -> Outcome:
    _record(request, user, AuditAction.TWO_FACTOR_FAILED)
    return Outcome(False, _("This code is not right, or it was already used. "
                           "Enter the code your app shows now."))


def normalise(code: str) -> str:
    return "".join(str(code or "").split()).replace("-", "").lower()


def check_code(request, code: str, *, recovery=True) -> Outcome:
    """Check a code of the signed-in user: their authenticator app's, or (``recovery``)
    one of their recovery codes, which is then used up. A right code verifies the session."""
    user = request.user
    refusal = _throttled(request, user)
    if refusal:
        return Outcome(False, refusal)
    code = normalise(code)
    with transaction.atomic():
        # Locked: two requests with the same code cannot both pass.
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is not None and code.isdigit() and device.verify_token(code):
            return _passed(request, user, device)
        statics = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True)
        for static in statics if recovery and code else ():
            if static.verify_token(code):
                _record(request, user, AuditAction.RECOVERY_CODE_USED)
                left = StaticToken.objects.filter(device__user=user).count()
                return _passed(request, user, static, recovery_codes_left=left)
    return _failed(request, user)


def _passed(request, user, device, **details) -> Outcome:
    django_otp.login(request, device)
    request.session[STEP] = VERIFY  # if the device is removed, the session owes it again
    _record(request, user, AuditAction.TWO_FACTOR_PASSED)
    return Outcome(True, **details)


# ---------------------------------------------------------------- enrolment
def start_enrolment(user) -> TOTPDevice:
    """A new, unconfirmed authenticator for ``user`` (replacing one not confirmed)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="RiskDesk", confirmed=False)


def confirm_enrolment(request, device: TOTPDevice, code: str) -> tuple[Outcome, list[str]]:
    """Confirm ``device`` with its first code; returns the new recovery codes."""
    user = request.user
    refusal = _throttled(request, user)
    if refusal:
        return Outcome(False, refusal), []
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if not device.verify_token(normalise(code)):
            return _failed(request, user), []
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(user)
        _record(request, user, AuditAction.TWO_FACTOR_ENROLLED)
        return _passed(request, user, device), codes


def new_recovery_codes(user) -> list[str]:
    """``RECOVERY_CODES`` new single-use codes for ``user``; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def reset(user, *, request=None, by_command=False) -> None:
    """Remove ``user``'s authenticator and recovery codes (an administrator's reset, or
    ``manage.py reset_two_factor``): they set up a new app at their next sign-in, and a
    session verified with the removed app no longer counts as verified."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()  # their codes go with them
        audit.record(request, AuditAction.TWO_FACTOR_RESET, object_label=user.get_username(),
                     query="manage.py reset_two_factor" if by_command else "")


# ---------------------------------------------------------------- what the app is shown
def key_in_groups(device: TOTPDevice) -> str:
    """The secret key in base32, in groups of four, for typing into an app by hand."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device: TOTPDevice, label: str) -> str:
    """The app's set-up link as an inline SVG QR code (no script, no style attribute)."""
    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=10, border=2)
    root = image.get_image()  # the <svg> element, before it is written out
    for name in ("width", "height"):
        root.attrib.pop(name, None)  # the size comes from the stylesheet (.qrcode)
    root.set("class", "qrcode")
    root.set("role", "img")
    root.set("aria-label", label)  # escaped by ElementTree when written
    return mark_safe(image.to_string(encoding="unicode"))  # our own drawing
