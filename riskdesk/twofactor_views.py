"""The second factor's pages under /accounts/two-factor/: status, set-up, the code asked
at sign-in, new recovery codes. The rules are in riskdesk/twofactor.py."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render, resolve_url
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from riskdesk import twofactor
from riskdesk.views import safe_next


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"), max_length=32, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                      "spellcheck": "false", "autocapitalize": "off"}),
    )

    def __init__(self, *args, recovery=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = (
            _("The six digits your authenticator app shows now, or one of your recovery codes.")
            if recovery else _("The six digits your authenticator app shows now.")
        )


def _next(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next", "")
    return safe_next(request, wanted, resolve_url(settings.LOGIN_REDIRECT_URL))


def _enrol_url(next_url: str) -> str:
    return twofactor.step_url(twofactor.ENROL, next_url)


@require_GET
def status(request):
    """Whether the user has set up an authenticator app, and how many recovery codes are left."""
    return _status_page(request, CodeForm())


def _status_page(request, form):
    user = request.user
    return render(request, "registration/two_factor_status.html", {
        "enrolled": twofactor.authenticator(user) is not None,
        "codes_left": twofactor.recovery_codes_left(user),
        "required": twofactor.is_required(user),
        "form": form,
    })


@require_http_methods(["GET", "POST"])
def enrol(request):
    """Set up an authenticator app: a POST creates the key, the page shows it as a QR code
    and as text, and the app's first code confirms it (then the recovery codes, once)."""
    next_url = _next(request)
    user = request.user
    if twofactor.refresh_step(request) == twofactor.VERIFY:
        return redirect(twofactor.step_url(twofactor.VERIFY, next_url))
    if twofactor.authenticator(user) is not None:
        messages.info(request, _("Your authenticator app is already set up. To move to a new "
                                 "phone, ask an administrator to reset your second factor."))
        return redirect("two_factor:status")
    device = twofactor.authenticator(user, confirmed=False)
    if request.method == "POST" and (device is None or "start" in request.POST):
        twofactor.start_enrolment(user)
        return redirect(_enrol_url(next_url))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        outcome, codes = twofactor.confirm_enrolment(request, device, form.cleaned_data["code"])
        if outcome.ok:
            return _show_codes(request, codes, next_url, enrolled=True)
        form.add_error("code", outcome.error)
    return render(request, "registration/two_factor_enrol.html", {
        "device": device, "form": form, "next": next_url,
        "qr_code": device and twofactor.qr_code_svg(
            device, _("QR code to scan with your authenticator app")),
        "key": device and twofactor.key_in_groups(device),
    })


@require_http_methods(["GET", "POST"])
def verify(request):
    """The code asked after the password, from the app or a recovery code."""
    next_url = _next(request)
    step = twofactor.refresh_step(request)
    if step is None:
        return redirect(next_url)
    if step == twofactor.ENROL:
        return redirect(_enrol_url(next_url))
    form = CodeForm(request.POST if request.method == "POST" else None, recovery=True)
    if form.is_bound and form.is_valid():
        outcome = twofactor.check_code(request, form.cleaned_data["code"])
        if outcome.ok:
            left = outcome.recovery_codes_left
            if left is not None:
                messages.warning(request, ngettext(
                    "You used a recovery code; %(count)d is left. "
                    "Make new ones on the Two-factor authentication page.",
                    "You used a recovery code; %(count)d are left. "
                    "Make new ones on the Two-factor authentication page.",
                    left,
                ) % {"count": left})
            return redirect(next_url)
        form.add_error("code", outcome.error)
    return render(request, "registration/two_factor_verify.html",
                  {"form": form, "next": next_url})


@require_POST
def recovery_codes(request):
    """New recovery codes (the old ones stop working), against a code from the app."""
    form = CodeForm(request.POST)
    if form.is_valid():
        outcome = twofactor.check_code(request, form.cleaned_data["code"], recovery=False)
        if outcome.ok:
            codes = twofactor.new_recovery_codes(request.user)
            return _show_codes(request, codes, reverse("two_factor:status"), enrolled=False)
        form.add_error("code", outcome.error)
    return _status_page(request, form)


def _show_codes(request, codes, next_url, *, enrolled):
    """The recovery codes, shown this once (they are stored only as used-once tokens)."""
    return render(request, "registration/two_factor_codes.html",
                  {"codes": codes, "next": next_url, "enrolled": enrolled})


app_name = "two_factor"
urlpatterns = [
    path("", status, name="status"),
    path("enrol/", enrol, name="enrol"),
    path("verify/", verify, name="verify"),
    path("recovery-codes/", recovery_codes, name="recovery_codes"),
]
