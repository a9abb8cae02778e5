"""Sign-in: Argon2 hashes, password rules, throttling of failed attempts and their audit."""

import logging
from datetime import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from riskdesk.choices import AuditAction
from riskdesk.models import AuditEntry
from tests.factories import PASSWORD, make_user

WRONG = "not-the-right-passphrase"


def sign_in(client, username, password, address="203.0.113.7", **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password},
        REMOTE_ADDR=address, **extra,
    )


def signed_in(client):
    return "_auth_user_id" in client.session


def fail_times(client, username, count, address="203.0.113.7"):
    for _ in range(count):
        response = sign_in(client, username, WRONG, address)
        assert response.status_code == 200
        assert not signed_in(client)


# ---------------------------------------------------------------- passwords
def test_passwords_are_stored_as_argon2_hashes(owner):
    assert owner.password.startswith("argon2$")
    assert owner.check_password(PASSWORD)


def change_password(client, new):
    return client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": new, "new_password2": new,
    })


def test_an_eleven_character_password_is_refused(client_for, owner):
    response = change_password(client_for(owner), "Kx7#mQ2!vLp")  # 11 characters
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_a_common_password_is_refused(client_for, owner):
    response = change_password(client_for(owner), "password1234")  # 12, but on the list
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_a_twelve_character_uncommon_password_is_accepted(client_for, owner):
    response = change_password(client_for(owner), "Kx7#mQ2!vLp9")
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("Kx7#mQ2!vLp9")
    assert owner.password.startswith("argon2$")


# ---------------------------------------------------------------- the audit of sign-ins
def test_a_success_and_a_failure_are_both_recorded_with_user_address_and_time(
    client, owner, caplog
):
    caplog.set_level(logging.INFO, logger="riskdesk.audit")
    with time_machine.travel("2030-05-04 09:30:00+08:00", tick=False):
        sign_in(client, "owner.staff", WRONG, "198.51.100.20")
        sign_in(client, "owner.staff", PASSWORD, "198.51.100.20")
    failed, success = AuditEntry.objects.order_by("id")
    assert (failed.action, failed.username, failed.user, failed.address) == (
        AuditAction.SIGN_IN_FAILED, "owner.staff", None, "198.51.100.20")
    assert (success.action, success.user, success.address) == (
        AuditAction.SIGN_IN, owner, "198.51.100.20")
    assert success.at == datetime.fromisoformat("2030-05-04 09:30:00+08:00")
    logged = [r.getMessage() for r in caplog.records if r.name == "riskdesk.audit"]
    assert any("action=sign_in_failed user=owner.staff address=198.51.100.20" in m
               for m in logged)
    assert any("action=sign_in user=owner.staff address=198.51.100.20" in m for m in logged)


def test_a_failure_for_an_unknown_user_name_is_recorded_too(client, db):
    sign_in(client, "nobody.here", WRONG)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.username, entry.user) == (
        AuditAction.SIGN_IN_FAILED, "nobody.here", None)


def test_the_audit_cannot_be_edited_or_deleted(client, owner):
    sign_in(client, "owner.staff", WRONG)
    entry = AuditEntry.objects.get()
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.update(username="someone.else")


def test_postgresql_refuses_changes_to_the_audit_even_in_raw_sql(client, owner):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL")
    sign_in(client, "owner.staff", WRONG)
    for sql in ("UPDATE riskdesk_auditentry SET username = 'x'",
                "DELETE FROM riskdesk_auditentry"):
        with (
            pytest.raises(DatabaseError, match="Cannot update or delete rows"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEntry.objects.get().username == "owner.staff"


# ---------------------------------------------------------------- throttling
def test_after_five_failures_even_the_right_password_must_wait(client, owner):
    with time_machine.travel("2030-05-04 09:00:00+08:00", tick=False):
        fail_times(client, "owner.staff", 5)
        response = sign_in(client, "owner.staff", PASSWORD)
    assert response.status_code == 200
    assert not signed_in(client)
    assert ("Too many failed sign-ins for this user name from your address. "
            "Try again in 30 minutes.") in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_IN_THROTTLED).count() == 1


def test_four_failures_do_not_make_anyone_wait(client, owner):
    fail_times(client, "owner.staff", 4)
    sign_in(client, "owner.staff", PASSWORD)
    assert signed_in(client)


def test_the_message_says_how_long_is_left(client, owner):
    with time_machine.travel("2030-05-04 09:00:00+08:00", tick=False):
        fail_times(client, "owner.staff", 5)
    with time_machine.travel("2030-05-04 09:29:10+08:00", tick=False):
        response = sign_in(client, "owner.staff", PASSWORD)
    assert "Try again in 1 minute." in response.content.decode()


def test_after_the_window_the_right_password_works_again(client, owner):
    with time_machine.travel("2030-05-04 09:00:00+08:00", tick=False):
        fail_times(client, "owner.staff", 5)
    with time_machine.travel("2030-05-04 09:20:00+08:00", tick=False):
        sign_in(client, "owner.staff", PASSWORD)  # refused: still waiting
        assert not signed_in(client)
    with time_machine.travel("2030-05-04 09:30:01+08:00", tick=False):
        sign_in(client, "owner.staff", PASSWORD)
    assert signed_in(client)


def test_refused_attempts_during_the_wait_do_not_prolong_it(client, owner):
    with time_machine.travel("2030-05-04 09:00:00+08:00", tick=False):
        fail_times(client, "owner.staff", 5)
    with time_machine.travel("2030-05-04 09:29:00+08:00", tick=False):
        for _ in range(10):
            sign_in(client, "owner.staff", WRONG)
    with time_machine.travel("2030-05-04 09:30:01+08:00", tick=False):
        sign_in(client, "owner.staff", PASSWORD)
    assert signed_in(client)


def test_another_address_is_not_affected(client, owner):
    fail_times(client, "owner.staff", 5, address="203.0.113.7")
    sign_in(client, "owner.staff", PASSWORD, address="198.51.100.20")
    assert signed_in(client)


def test_another_user_name_from_the_same_address_is_not_affected(client, owner, colleague):
    fail_times(client, "owner.staff", 5)
    sign_in(client, "colleague.staff", PASSWORD)
    assert signed_in(client)


def test_a_success_starts_the_count_afresh(client, owner):
    fail_times(client, "owner.staff", 4)
    sign_in(client, "owner.staff", PASSWORD)
    client.post(reverse("logout"))
    fail_times(client, "owner.staff", 4)
    sign_in(client, "owner.staff", PASSWORD)
    assert signed_in(client)


def test_the_count_is_kept_in_the_database_so_every_worker_sees_it(client, owner):
    """Another process (a new client, no shared memory) is refused all the same."""
    fail_times(client, "owner.staff", 5)
    from django.test import Client

    other_worker = Client()
    sign_in(other_worker, "owner.staff", PASSWORD)
    assert "_auth_user_id" not in other_worker.session


def test_the_address_comes_from_a_trusted_proxy_header_only_when_configured(
    client, owner, settings
):
    # Without the setting a forged header changes nothing: the pair stays throttled.
    fail_times(client, "owner.staff", 5, address="10.0.0.2")
    sign_in(client, "owner.staff", PASSWORD, address="10.0.0.2",
            HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert not signed_in(client)
    # Behind a proxy that sets the header, its last entry is the visitor's address.
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    sign_in(client, "owner.staff", PASSWORD, address="10.0.0.2",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.99")
    assert signed_in(client)
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_IN).get().address == (
        "198.51.100.99")


def test_the_throttle_is_configurable(client, owner, settings):
    settings.SIGN_IN_MAX_FAILURES = 2
    settings.SIGN_IN_WINDOW_MINUTES = 5
    with time_machine.travel("2030-05-04 09:00:00+08:00", tick=False):
        fail_times(client, "owner.staff", 2)
        response = sign_in(client, "owner.staff", PASSWORD)
        assert "Try again in 5 minutes." in response.content.decode()
    with time_machine.travel("2030-05-04 09:05:01+08:00", tick=False):
        sign_in(client, "owner.staff", PASSWORD)
    assert signed_in(client)


def test_the_admin_sign_in_page_is_throttled_too(client, admin_user):
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "the.admin", "password": WRONG},
                    REMOTE_ADDR="203.0.113.7")
    response = client.post(url, {"username": "the.admin", "password": PASSWORD},
                           REMOTE_ADDR="203.0.113.7")
    assert "Try again in 30 minutes." in response.content.decode()
    assert not signed_in(client)


def test_the_waiting_message_is_translated(client, owner):
    fail_times(client, "owner.staff", 5)
    client.cookies["django_language"] = "zh-hans"
    response = sign_in(client, "owner.staff", PASSWORD, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "分钟后再试" in response.content.decode()


def test_sign_in_attempts_are_read_only_in_the_admin(client_for, admin_user, owner, client):
    sign_in(client, "owner.staff", WRONG, "198.51.100.20")
    client = client_for(admin_user)
    listing = client.get(reverse("admin:riskdesk_auditentry_changelist"),
                         {"action__exact": AuditAction.SIGN_IN_FAILED})
    assert listing.status_code == 200
    assert "198.51.100.20" in listing.content.decode()
    assert client.get(reverse("admin:riskdesk_auditentry_add")).status_code == 403
    entry = AuditEntry.objects.get(action=AuditAction.SIGN_IN_FAILED)
    page = client.get(reverse("admin:riskdesk_auditentry_change", args=[entry.pk]))
    assert page.status_code == 200
    assert 'name="username"' not in page.content.decode()  # shown, not editable
    assert client.post(reverse("admin:riskdesk_auditentry_delete", args=[entry.pk]),
                       {"post": "yes"}).status_code == 403
    assert get_user_model().objects.filter(username="owner.staff").exists()


# ---------------------------------------------------------------- look-alike user names
LOOK_ALIKE = "\uff4fwner.staff"  # a full-width small o (U+FF4F), then "wner.staff"


def test_a_look_alike_user_name_is_throttled_with_the_real_one(client, owner):
    # given five failures under the real user name
    with time_machine.travel("2030-05-04 09:00:00+08:00", tick=False):
        fail_times(client, "owner.staff", 5)
        # when the guesses go on under a name that only looks different
        response = sign_in(client, LOOK_ALIKE, WRONG)
    # then they are throttled like the real name
    assert "Try again in 30 minutes." in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_IN_THROTTLED).count() == 1


def test_failures_under_a_look_alike_count_for_the_real_name(client, owner):
    # given five failures under the look-alike name
    with time_machine.travel("2030-05-04 09:00:00+08:00", tick=False):
        fail_times(client, LOOK_ALIKE, 5)
        # when the real name is tried with the right password
        response = sign_in(client, "owner.staff", PASSWORD)
    # then it waits like the look-alike
    assert "Try again in 30 minutes." in response.content.decode()
    assert not signed_in(client)


def test_the_look_alike_with_the_right_password_is_refused_while_the_real_name_waits(
    client, owner
):
    # given the real name throttled
    fail_times(client, "owner.staff", 5)
    # when the look-alike name is tried with the right password
    response = sign_in(client, LOOK_ALIKE, PASSWORD)
    # then it is refused too, and says why
    assert not signed_in(client)
    assert "Too many failed sign-ins" in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.SIGN_IN).exists()


def test_a_user_name_in_another_case_counts_the_same(client, owner):
    # given failures typed in capitals and in mixed case
    fail_times(client, "OWNER.STAFF", 3)
    fail_times(client, "Owner.Staff", 2)
    # when the real name is tried with the right password
    response = sign_in(client, "owner.staff", PASSWORD)
    # then the five failures count together
    assert "Try again in 30 minutes." in response.content.decode()
    assert not signed_in(client)


def test_attempts_are_recorded_under_one_normalised_user_name(client, owner):
    # when a failure is typed as a look-alike and in capitals, then a success follows
    sign_in(client, "\uff2fWNER.STAFF", WRONG)  # a full-width capital O
    sign_in(client, "owner.staff", PASSWORD)
    # then both are recorded under the one name they stand for
    assert list(AuditEntry.objects.order_by("id").values_list("action", "username")) == [
        (AuditAction.SIGN_IN_FAILED, "owner.staff"), (AuditAction.SIGN_IN, "owner.staff"),
    ]


def test_a_name_that_grows_past_150_characters_when_normalised_is_throttled(client, district):
    # given a user whose name of 100 sharp s is 200 characters once casefolded ("ss")
    name = "\u00df" * 100
    make_user(name, "staff", district)
    # when five failures are followed by the right password
    fail_times(client, name, 5)
    response = sign_in(client, name, PASSWORD)
    # then it waits like any other name
    assert "Try again in 30 minutes." in response.content.decode()
    assert not signed_in(client)
