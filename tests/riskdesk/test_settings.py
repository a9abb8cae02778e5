"""Settings read the environment strictly and refuse to start half-configured."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from riskdesk.env import env_bool, env_int, env_list


def start(**env):
    """Import the settings in a fresh interpreter, as a server would at start-up."""
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "riskdesk.settings", **env},
        capture_output=True, text=True, check=False,
    )


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("False", False), ("1", True),
                                               ("off", False), ("", True)])
def test_booleans_accept_only_clear_values(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", default=True) is expected


def test_a_malformed_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe' is not a boolean"):
        env_bool("FLAG", default=False)


def test_numbers_and_lists(monkeypatch):
    monkeypatch.setenv("SIZE", "twenty")
    with pytest.raises(ImproperlyConfigured, match="SIZE='twenty' is not a whole number"):
        env_int("SIZE", 20)
    monkeypatch.setenv("SIZE", "0")
    with pytest.raises(ImproperlyConfigured, match="minimum is 1"):
        env_int("SIZE", 20, minimum=1)
    monkeypatch.setenv("HOSTS", " a.example, ,b.example ")
    assert env_list("HOSTS") == ["a.example", "b.example"]


def test_production_without_secret_key_stops_with_a_clear_message():
    result = start(DEBUG="false", ALLOWED_HOSTS="riskdesk.example")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_without_allowed_hosts_stops_with_a_clear_message():
    result = start(DEBUG="false", SECRET_KEY="s" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_a_bad_debug_value_stops_start_up():
    result = start(DEBUG="yes please")
    assert result.returncode != 0
    assert "DEBUG='yes please' is not a boolean" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = subprocess.run(
        [sys.executable, "-c",
         "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"],
        env={**{k: v for k, v in os.environ.items() if k != "DEBUG"},
             "SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "x.example"},
        capture_output=True, text=True, check=False,
    )
    assert result.stdout.strip() == "False", result.stderr


def test_development_mode_starts_with_no_configuration_at_all():
    result = start(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_time_zone_and_languages(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert [code for code, _name in settings.LANGUAGES] == ["en", "zh-hans"]


def required_roles(**env):
    """REQUIRE_TWO_FACTOR as a fresh server reads it from ``env``."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "REQUIRE_TWO_FACTOR"}}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import "
         "settings; print(','.join(settings.REQUIRE_TWO_FACTOR) or '-')"],
        env={**clean, "SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "x.example", **env},
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_asks_admins_and_supervisors_for_a_second_factor_unless_told_otherwise():
    assert required_roles(DEBUG="false") == "admin,supervisor"
    assert required_roles(DEBUG="false", REQUIRE_TWO_FACTOR="admin") == "admin"
    assert required_roles(DEBUG="false", REQUIRE_TWO_FACTOR="") == "-"  # set, empty: nobody
    assert required_roles(DEBUG="true") == "-"  # make run: nobody
