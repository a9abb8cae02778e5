"""Sessions end after 30 idle minutes and 12 hours at most; deactivating a user or
changing their password ends their other sessions."""

import time_machine
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

HOME = "/"


def signed_in_client(username, when):
    client = Client()
    with time_machine.travel(when, tick=False):
        client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert "_auth_user_id" in client.session
    return client


def is_signed_in(client, when) -> bool:
    with time_machine.travel(when, tick=False):
        response = client.get(HOME)
    return response.status_code == 200


def test_a_session_ends_after_thirty_idle_minutes(owner):
    client = signed_in_client("owner.staff", "2030-05-04 09:00:00+08:00")
    assert is_signed_in(client, "2030-05-04 09:29:00+08:00")
    assert not is_signed_in(client, "2030-05-04 10:00:00+08:00")  # 31 minutes idle


def test_the_idle_limit_sends_the_user_to_sign_in_again(owner):
    client = signed_in_client("owner.staff", "2030-05-04 09:00:00+08:00")
    with time_machine.travel("2030-05-04 09:31:00+08:00", tick=False):
        response = client.get(reverse("cases:list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert "_auth_user_id" not in client.session
        page = client.get(response["Location"])
    assert "Your session has ended. Please sign in again." in page.content.decode()
    assert page.context["next"] == reverse("cases:list")


def test_a_public_page_is_still_served_when_the_session_ends(owner):
    client = signed_in_client("owner.staff", "2030-05-04 09:00:00+08:00")
    with time_machine.travel("2030-05-04 09:31:00+08:00", tick=False):
        response = client.get(reverse("agencies:apply"))
    assert response.status_code == 200


def test_activity_keeps_a_session_alive_up_to_twelve_hours(owner):
    client = signed_in_client("owner.staff", "2030-05-04 08:00:00+08:00")
    for hour in range(8, 20):
        for minute in (0, 20, 40):
            assert is_signed_in(client, f"2030-05-04 {hour:02d}:{minute:02d}:00+08:00")
    # 12 hours and 10 minutes after signing in, however active: sign in again.
    assert not is_signed_in(client, "2030-05-04 20:10:00+08:00")


def test_both_limits_are_configurable(owner, settings):
    settings.SESSION_IDLE_MINUTES = 5
    settings.SESSION_MAX_HOURS = 1
    client = signed_in_client("owner.staff", "2030-05-04 09:00:00+08:00")
    assert not is_signed_in(client, "2030-05-04 09:06:00+08:00")
    client = signed_in_client("owner.staff", "2030-05-04 09:00:00+08:00")
    for minute in range(4, 60, 4):
        assert is_signed_in(client, f"2030-05-04 09:{minute:02d}:00+08:00")
    assert not is_signed_in(client, "2030-05-04 10:01:00+08:00")


def test_the_session_cookie_lives_no_longer_than_the_limit(owner, settings):
    client = Client()
    response = client.post(reverse("login"), {"username": "owner.staff", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 12 * 3600
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_deactivating_a_user_ends_their_sessions(owner):
    client = signed_in_client("owner.staff", "2030-05-04 09:00:00+08:00")
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert not is_signed_in(client, "2030-05-04 09:01:00+08:00")


def test_deactivating_a_user_in_the_admin_ends_their_sessions(owner, admin_user):
    client = signed_in_client("owner.staff", "2030-05-04 09:00:00+08:00")
    admin = Client()
    admin.force_login(admin_user)
    page = admin.get(reverse("admin:auth_user_change", args=[owner.pk]))
    form = page.context["adminform"].form
    data = {
        name: value for name, value in form.initial.items()
        if value is not None and name not in ("password", "groups", "user_permissions")
    }
    data.update({
        "is_active": "", "date_joined_0": "2026-05-01", "date_joined_1": "09:00:00",
        "last_login_0": "", "last_login_1": "",
        "membership-TOTAL_FORMS": "1", "membership-INITIAL_FORMS": "1",
        "membership-MIN_NUM_FORMS": "0", "membership-MAX_NUM_FORMS": "1",
        "membership-0-id": owner.membership.pk, "membership-0-user": owner.pk,
        "membership-0-role": "staff",
        "membership-0-districts": [d.pk for d in owner.membership.districts.all()],
        # the single sign-on identities shown on the page (none: a local user)
        "external_identities-TOTAL_FORMS": "0", "external_identities-INITIAL_FORMS": "0",
        "external_identities-MIN_NUM_FORMS": "0", "external_identities-MAX_NUM_FORMS": "0",
    })
    data.pop("is_active")
    response = admin.post(reverse("admin:auth_user_change", args=[owner.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    owner.refresh_from_db()
    assert not owner.is_active
    assert not is_signed_in(client, "2030-05-04 09:01:00+08:00")


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(owner):
    laptop = signed_in_client("owner.staff", "2030-05-04 09:00:00+08:00")
    phone = signed_in_client("owner.staff", "2030-05-04 09:00:00+08:00")
    with time_machine.travel("2030-05-04 09:05:00+08:00", tick=False):
        response = laptop.post(reverse("password_change"), {
            "old_password": PASSWORD, "new_password1": "Kx7#mQ2!vLp9",
            "new_password2": "Kx7#mQ2!vLp9",
        })
    assert response.status_code == 302
    assert is_signed_in(laptop, "2030-05-04 09:06:00+08:00")
    assert not is_signed_in(phone, "2030-05-04 09:06:00+08:00")
