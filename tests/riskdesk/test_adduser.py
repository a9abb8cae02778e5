import io
import os
import subprocess
import sys

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from riskdesk.access import scope_of


def adduser(*args, password=None):
    stdin = io.StringIO(f"{password}\n") if password is not None else io.StringIO("")
    out = io.StringIO()
    old = sys.stdin
    sys.stdin = stdin
    try:
        call_command("adduser", *args, stdout=out)
    finally:
        sys.stdin = old
    return out.getvalue()


def test_creates_a_staff_member_of_one_district(district):
    output = adduser("li.wei", "--role", "staff", "--district", "kundulun", "--password-stdin",
                     password="correct horse battery")
    assert "Created li.wei" in output
    user = authenticate(username="li.wei", password="correct horse battery")
    assert user is not None
    assert scope_of(user).district_ids == {district.pk}
    assert not user.is_staff  # no Django admin for staff


def test_updates_an_existing_user_without_touching_the_password(district, other_district):
    adduser("wang", "--role", "staff", "--district", "kundulun", "--password-stdin",
            password="first long password")
    output = adduser("wang", "--role", "supervisor", "--district", "kundulun",
                     "--district", "qingshan")
    assert "Updated wang" in output
    user = authenticate(username="wang", password="first long password")
    assert scope_of(user).district_ids == {district.pk, other_district.pk}


def test_admin_gets_the_django_admin_site(db):
    adduser("boss", "--role", "admin", "--password-stdin", password="an admin passphrase")
    user = authenticate(username="boss", password="an admin passphrase")
    assert user.is_staff and scope_of(user).everything


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "staff"], "exactly one district"),
        (["--role", "staff", "--district", "kundulun", "--district", "qingshan"],
         "exactly one district"),
        (["--role", "staff", "--district", "nowhere"], "Unknown district code: nowhere"),
        (["--role", "staff", "--district", "kundulun", "--city"], "whole city"),
        (["--role", "supervisor"], "at least one district"),
        (["--role", "admin", "--district", "kundulun"], "give no districts"),
    ],
)
def test_refuses_bad_combinations_and_creates_nothing(
    args, message, district, other_district, django_user_model
):
    with pytest.raises(CommandError, match=message) as raised:
        adduser("someone", *args, "--password-stdin", password="a fine long passphrase")
    assert raised.value.returncode == 1
    assert not django_user_model.objects.filter(username="someone").exists()


def test_refuses_a_weak_password(district, django_user_model):
    with pytest.raises(CommandError, match="too short"):
        adduser("weak", "--role", "staff", "--district", "kundulun", "--password-stdin",
                password="short")
    assert not django_user_model.objects.filter(username="weak").exists()


def test_new_user_needs_a_password(district):
    with pytest.raises(CommandError, match="needs a password"):
        adduser("nopass", "--role", "staff", "--district", "kundulun")


def test_command_line_exit_code_and_message_without_a_stack_trace(tmp_path):
    # The real command as an administrator types it: exit code 1 and one clear line.
    result = subprocess.run(
        [sys.executable, "manage.py", "adduser", "x", "--role", "staff", "--password-stdin"],
        input="a fine long passphrase\n", capture_output=True, text=True, check=False,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
             "LANGUAGE_CODE": "en"},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "district" in result.stderr
