"""A new user name that normalises to an existing one (a full-width letter, another case)
is refused, by ``manage.py adduser`` and by the admin site, saying which name it is like."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError
from django.urls import reverse
from django.utils import translation

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


INLINE = {  # the membership inline's management form, no membership
    "membership-TOTAL_FORMS": "0", "membership-INITIAL_FORMS": "0",
    "membership-MIN_NUM_FORMS": "0", "membership-MAX_NUM_FORMS": "1",
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
