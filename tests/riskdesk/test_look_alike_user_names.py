"""A new user name that normalises to an existing one (a full-width letter, another case)
is refused, by ``manage.py adduser`` and by the admin site, saying which name it is like."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import translation

import riskdesk.actions
from riskdesk.actions import save_user
from tests.riskdesk.test_adduser import adduser

FULL_WIDTH_O = "\uff4f"  # a full-width small o: looks like "o"
NEW_PASSWORD = "a long new passphrase"


def usernames():
    return sorted(get_user_model().objects.values_list("username", flat=True))


@pytest.mark.parametrize("look_alike", [f"{FULL_WIDTH_O}wner.staff", "Owner.Staff"])
def test_adduser_refuses_a_name_like_an_existing_one(owner, look_alike):
    # given owner.staff exists
    before = usernames()
    # when a look-alike is added
    with pytest.raises(CommandError, match=r"too like the existing user name owner\.staff"):
        adduser(look_alike, "--role", "staff", "--district", "kundulun", "--password-stdin",
                password=NEW_PASSWORD)
    # then no user was made
    assert usernames() == before


def test_adduser_says_it_in_chinese(owner):
    with translation.override("zh-hans"), pytest.raises(CommandError, match="过于相似"):
        adduser("Owner.Staff", "--role", "staff", "--district", "kundulun",
                "--password-stdin", password=NEW_PASSWORD)


def test_adduser_still_updates_the_same_user_by_its_exact_name(owner):
    output = adduser("owner.staff", "--role", "staff", "--district", "kundulun")
    assert "Updated owner.staff" in output


INLINE = {  # the inlines' management forms: no membership, no single sign-on identity
    "membership-TOTAL_FORMS": "0", "membership-INITIAL_FORMS": "0",
    "membership-MIN_NUM_FORMS": "0", "membership-MAX_NUM_FORMS": "1",
    "external_identities-TOTAL_FORMS": "0", "external_identities-INITIAL_FORMS": "0",
    "external_identities-MIN_NUM_FORMS": "0", "external_identities-MAX_NUM_FORMS": "0",
}


def test_the_admin_refuses_to_add_a_look_alike_user(client_for, admin_user, owner):
    # given an administrator on the admin's add-user page
    client = client_for(admin_user)
    before = usernames()
    # when they add a name that only looks different from owner.staff
    response = client.post(reverse("admin:auth_user_add"), {
        "username": f"{FULL_WIDTH_O}wner.staff", "usable_password": "true",
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **INLINE,
    })
    # then the form says so and no user is made
    assert response.status_code == 200
    assert "too like the existing user name owner.staff" in response.content.decode()
    assert usernames() == before


def test_the_admin_refuses_to_rename_a_user_like_another(
    client_for, admin_user, owner, colleague
):
    # given an administrator editing colleague.staff
    client = client_for(admin_user)
    url = reverse("admin:auth_user_change", args=[colleague.pk])
    # when they rename them to a different case of owner.staff
    response = client.post(url, {
        "username": "OWNER.staff", "first_name": "", "last_name": "", "email": "",
        "is_active": "on", **INLINE,
    }, HTTP_ACCEPT_LANGUAGE="zh-hans")
    # then the form says so, in the administrator's language, and nothing changes
    assert response.status_code == 200
    assert "与已有用户名" in response.content.decode()
    colleague.refresh_from_db()
    assert colleague.username == "colleague.staff"


# ---------------------------------------------------------------- the database's guard
def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the unique index on the normalised user name exists on PostgreSQL")


@pytest.mark.postgres
@pytest.mark.parametrize("look_alike", [f"{FULL_WIDTH_O}wner.staff", "OWNER.STAFF"])
def test_postgresql_refuses_a_look_alike_whatever_code_writes_it(owner, look_alike):
    needs_postgresql()
    with pytest.raises(IntegrityError), transaction.atomic():
        get_user_model().objects.create(username=look_alike)
    assert usernames() == ["owner.staff"]


@pytest.mark.postgres
def test_a_look_alike_added_at_the_same_moment_gets_the_message(owner, monkeypatch):
    needs_postgresql()
    # given the check in Python did not see the other name (written at the same moment)
    monkeypatch.setattr(riskdesk.actions, "check_username_free",
                        checked_after_the_write_only(riskdesk.actions.check_username_free))
    # when the look-alike is saved
    with pytest.raises(ValidationError, match=r"too like the existing user name owner\.staff"):
        save_user("OWNER.STAFF", role="staff", district_codes=["kundulun"],
                  password=NEW_PASSWORD)
    # then the database refused it and the person is told why
    assert usernames() == ["owner.staff"]


def checked_after_the_write_only(check):
    calls = []

    def check_later(*args, **kwargs):
        calls.append(args)
        if len(calls) > 1:
            check(*args, **kwargs)

    return check_later
