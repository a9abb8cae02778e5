"""The second factor: set-up, the code after the password, recovery codes, the throttle,
the roles that must have it, the admin's reset."""

import re
import time

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from riskdesk import twofactor
from riskdesk.choices import AuditAction
from riskdesk.models import AuditEntry
from riskdesk.signin import SECOND_FACTOR_BY_PROVIDER
from tests.factories import PASSWORD

NOW = "2030-05-04 09:30:05+08:00"  # five seconds into a 30 s time step
ENROL = reverse("two_factor:enrol")
VERIFY = reverse("two_factor:verify")


@pytest.fixture(autouse=True)
def _required(settings):
    settings.REQUIRE_TWO_FACTOR = ["admin", "supervisor"]


def sign_in(client, user, next_url="", login_url=None):
    return client.post(login_url or reverse("login"), {
        "username": user.get_username(), "password": PASSWORD, "next": next_url,
    })


def code(device, offset=0) -> str:
    """The code the user's app shows now (or ``offset`` time steps from now)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():06d}"


def wrong_code(device) -> str:
    """A code that no time step near now gives."""
    near = {code(device, offset) for offset in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(123456, 999999) if f"{n:06d}" not in near)


def enrolled(user):
    device = TOTPDevice.objects.create(user=user, name="RiskDesk", confirmed=True)
    return device, twofactor.new_recovery_codes(user)


def actions(user):
    return list(AuditEntry.objects.filter(username=user.get_username())
                .exclude(action__in=[AuditAction.SIGN_IN]).order_by("id")
                .values_list("action", flat=True))


def page(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- enrolment
def test_a_supervisor_sets_up_the_app_with_the_qr_code_and_gets_ten_recovery_codes(
    client, district_supervisor
):
    with time_machine.travel(NOW, tick=False):
        # given a supervisor, who must have a second factor, signing in with the password
        response = sign_in(client, district_supervisor, "/cases/")
        response = client.get(response["Location"], follow=True)
        # then the set-up page asks them to begin, and shows the key once they do
        assert response.redirect_chain[-1][0] == f"{ENROL}?next=%2Fcases%2F"
        assert "Show my key" in page(response)
        response = client.post(ENROL, {"start": "1", "next": "/cases/"}, follow=True)
        device = TOTPDevice.objects.get(user=district_supervisor)
        assert not device.confirmed
        html = page(response)
        assert re.search(r'<svg [^>]*class="qrcode"[^>]*>\s*<path d="M', html)
        assert twofactor.key_in_groups(device) in html
        assert "style=" not in html.split("<main", 1)[1]
        # when a wrong code is entered, then the right one
        response = client.post(ENROL, {"code": wrong_code(device), "next": "/cases/"})
        assert "This code is not right" in page(response)
        device.refresh_from_db()
        assert not device.confirmed
        response = client.post(ENROL, {"code": code(device), "next": "/cases/"})
    # then the app is set up, ten recovery codes are shown once, and the cases open
    device.refresh_from_db()
    assert device.confirmed
    tokens = set(StaticToken.objects.filter(device__user=district_supervisor)
                 .values_list("token", flat=True))
    shown = set(re.findall(r"<li><code>(\w+)</code></li>", page(response)))
    assert len(tokens) == 10 and shown == tokens
    assert "only time they are shown" in page(response)
    assert 'href="/cases/"' in page(response)
    assert client.get("/cases/").status_code == 200
    assert AuditAction.TWO_FACTOR_ENROLLED in actions(district_supervisor)
    assert actions(district_supervisor).count(AuditAction.TWO_FACTOR_FAILED) == 1


def test_the_enrolment_page_allows_no_inline_script_or_style(client_for, owner):
    client = client_for(owner)
    client.post(ENROL, {"start": "1"})
    response = client.get(ENROL)
    assert response.status_code == 200 and "<svg" in page(response)
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy


# ---------------------------------------------------------------- the code at sign-in
def test_a_wrong_code_then_the_right_one_lets_the_user_in(client, district_supervisor):
    device, _codes = enrolled(district_supervisor)
    with time_machine.travel(NOW, tick=False):
        sign_in(client, district_supervisor, "/cases/")
        assert client.get("/cases/")["Location"] == f"{VERIFY}?next=%2Fcases%2F"
        response = client.post(VERIFY, {"code": wrong_code(device), "next": "/cases/"})
        assert response.status_code == 200
        assert "This code is not right" in page(response)
        response = client.post(VERIFY, {"code": code(device), "next": "/cases/"})
    assert response["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200
    assert actions(district_supervisor)[-2:] == [
        AuditAction.TWO_FACTOR_FAILED, AuditAction.TWO_FACTOR_PASSED]


def test_a_staff_member_who_set_up_the_app_is_asked_for_the_code_too(client, owner):
    enrolled(owner)
    sign_in(client, owner)
    assert client.get("/cases/")["Location"].startswith(VERIFY)


def test_a_code_already_used_is_refused_in_a_new_sign_in(client, district_supervisor):
    device, _codes = enrolled(district_supervisor)
    with time_machine.travel(NOW, tick=False):
        sign_in(client, district_supervisor)
        used = code(device)
        assert client.post(VERIFY, {"code": used})["Location"] == "/"
        client.post(reverse("logout"))
    with time_machine.travel("2030-05-04 09:30:20+08:00", tick=False):  # same 30 s step
        sign_in(client, district_supervisor)
        response = client.post(VERIFY, {"code": used})
        assert "This code is not right, or it was already used" in page(response)
        assert client.get("/cases/").status_code == 302
    with time_machine.travel("2030-05-04 09:31:05+08:00", tick=False):  # a new step
        assert client.post(VERIFY, {"code": code(device)})["Location"] == "/"


def test_a_recovery_code_works_once_and_is_audited(client, district_supervisor):
    _device, codes = enrolled(district_supervisor)
    sign_in(client, district_supervisor)
    response = client.post(VERIFY, {"code": codes[0].upper(), "next": "/cases/"}, follow=True)
    assert response.redirect_chain[0][0] == "/cases/"
    assert "You used a recovery code; 9 are left." in page(response)
    assert actions(district_supervisor)[-2:] == [
        AuditAction.RECOVERY_CODE_USED, AuditAction.TWO_FACTOR_PASSED]
    client.post(reverse("logout"))
    sign_in(client, district_supervisor)
    response = client.post(VERIFY, {"code": codes[0]})
    assert "This code is not right" in page(response)
    assert client.get("/cases/").status_code == 302


def test_five_wrong_codes_lock_the_step_even_for_the_right_code(client, district_supervisor):
    device, _codes = enrolled(district_supervisor)
    with time_machine.travel(NOW, tick=False):
        sign_in(client, district_supervisor)
        for _ in range(5):
            assert "This code is not right" in page(
                client.post(VERIFY, {"code": wrong_code(device)}))
        response = client.post(VERIFY, {"code": code(device)})
        assert ("Too many wrong codes for this user name from your address. "
                "Try again in 30 minutes.") in page(response)
        assert client.get("/cases/").status_code == 302
    assert actions(district_supervisor)[-1] == AuditAction.TWO_FACTOR_THROTTLED
    with time_machine.travel("2030-05-04 10:00:35+08:00", tick=False):  # the window is over
        sign_in(client, district_supervisor)  # (the idle session has ended meanwhile)
        assert client.post(VERIFY, {"code": code(device)})["Location"] == "/"


# ---------------------------------------------------------------- who must have it
@pytest.mark.parametrize("url", ["/cases/", "/dashboard/"])
def test_a_supervisor_without_a_factor_is_sent_to_set_it_up(client, district_supervisor, url):
    sign_in(client, district_supervisor)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{ENROL}?next={url.replace('/', '%2F')}"


def test_nothing_but_the_step_is_open_meanwhile_not_even_a_post(client, district_supervisor):
    sign_in(client, district_supervisor)
    response = client.post(reverse("notifications_read_all"))
    assert response.status_code == 302 and response["Location"] == ENROL
    assert client.get(reverse("two_factor:status"))["Location"].startswith(ENROL)
    assert client.get(reverse("healthz")).status_code in (200, 503)
    assert client.post(reverse("logout"))["Location"] == reverse("login")


def test_a_staff_member_signs_in_with_the_password_alone(client, owner):
    sign_in(client, owner)
    assert client.get("/cases/").status_code == 200


def test_nobody_is_asked_when_no_role_requires_it(client, district_supervisor, settings):
    settings.REQUIRE_TWO_FACTOR = []
    sign_in(client, district_supervisor)
    assert client.get("/cases/").status_code == 200


def test_a_second_factor_asserted_by_the_identity_platform_counts(client, district_supervisor):
    sign_in(client, district_supervisor)
    session = client.session
    session[SECOND_FACTOR_BY_PROVIDER] = True
    session.save()
    assert client.get("/cases/").status_code == 200


def test_the_admin_site_requires_the_second_factor(client, admin_user):
    device, _codes = enrolled(admin_user)
    with time_machine.travel(NOW, tick=False):
        response = sign_in(client, admin_user, "/admin/", login_url=reverse("admin:login"))
        assert response["Location"] == "/admin/"
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
        response = client.post(VERIFY, {"code": code(device), "next": "/admin/"})
        assert response["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200


def test_the_sign_in_page_of_the_demo_says_no_second_factor_is_asked(client, db, settings):
    settings.DEBUG, settings.REQUIRE_TWO_FACTOR = True, []
    assert "does not ask for a second factor" in page(client.get(reverse("login")))
    settings.DEBUG = False
    assert "does not ask for a second factor" not in page(client.get(reverse("login")))


# ---------------------------------------------------------------- recovery codes, status
def test_new_recovery_codes_need_a_current_code_and_replace_the_old_ones(
    client, district_supervisor
):
    device, old = enrolled(district_supervisor)
    with time_machine.travel(NOW, tick=False):
        sign_in(client, district_supervisor)
        client.post(VERIFY, {"code": code(device)})
        status = page(client.get(reverse("two_factor:status")))
        assert "You have 10 unused recovery codes." in status
        refused = client.post(reverse("two_factor:recovery_codes"), {"code": old[1]})
        assert "This code is not right" in page(refused)
    with time_machine.travel("2030-05-04 09:30:45+08:00", tick=False):
        response = client.post(reverse("two_factor:recovery_codes"), {"code": code(device)})
    shown = re.findall(r"<li><code>(\w+)</code></li>", page(response))
    assert len(shown) == 10 and not set(shown) & set(old)
    assert not StaticToken.objects.filter(token__in=old).exists()


def test_new_recovery_codes_reject_get(client_for, owner):
    assert client_for(owner).get(reverse("two_factor:recovery_codes")).status_code == 405


def test_the_user_menu_leads_to_the_status_page(client_for, owner):
    client = client_for(owner)
    assert reverse("two_factor:status") in page(client.get("/cases/"))
    assert "Off: you sign in with your password alone." in page(
        client.get(reverse("two_factor:status")))


# ---------------------------------------------------------------- reset
def test_an_admin_reset_makes_the_user_set_up_the_app_again_and_is_audited(
    client, district_supervisor, admin_user, settings
):
    settings.REQUIRE_TWO_FACTOR = ["supervisor"]
    device, _codes = enrolled(district_supervisor)
    with time_machine.travel(NOW, tick=False):
        sign_in(client, district_supervisor)
        client.post(VERIFY, {"code": code(device)})
    assert client.get("/cases/").status_code == 200
    # when an administrator resets the supervisor's second factor
    admin = Client()
    admin.force_login(admin_user)
    changelist = reverse(f"admin:{admin_user._meta.app_label}_{admin_user._meta.model_name}"
                         "_changelist")
    response = admin.post(changelist, {"action": "reset_second_factor",
                                       "_selected_action": [district_supervisor.pk]}, follow=True)
    assert "Second factor reset for 1 user" in page(response)
    # then the devices are gone, the open session is no longer verified, and it must enrol
    assert not TOTPDevice.objects.filter(user=district_supervisor).exists()
    assert not StaticDevice.objects.filter(user=district_supervisor).exists()
    response = client.get("/cases/", follow=True)
    assert response.redirect_chain[-1][0] == f"{ENROL}?next=%2Fcases%2F"
    entry = AuditEntry.objects.get(action=AuditAction.TWO_FACTOR_RESET)
    assert (entry.user, entry.object_label) == (admin_user, "district.supervisor")
    assert get_user_model().objects.filter(pk=district_supervisor.pk).exists()


def test_the_break_glass_command_resets_the_same_way(client, admin_user, capsys):
    enrolled(admin_user)
    call_command("reset_two_factor", "the.admin")
    assert "Second factor reset for the.admin" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=admin_user).exists()
    entry = AuditEntry.objects.get(action=AuditAction.TWO_FACTOR_RESET)
    assert (entry.user, entry.object_label, entry.query) == (
        None, "the.admin", "manage.py reset_two_factor")
    sign_in(client, admin_user)
    assert client.get("/admin/")["Location"].startswith(ENROL)


def test_the_admin_site_shows_nobody_s_secret_key(client_for, admin_user, settings):
    settings.REQUIRE_TWO_FACTOR = []
    client = client_for(admin_user)
    assert "totpdevice" not in page(client.get("/admin/")).lower()
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
