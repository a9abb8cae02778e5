"""CACHE_URL selects a cache every node shares; with WEB_NODES > 1, `check --deploy` warns
about what one node keeps to itself (riskdesk/checks.py)."""

import os
import subprocess
import sys

from django.core import checks

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
FILES = "django.core.files.storage.FileSystemStorage"


def production(**env):
    """`manage.py check --deploy` as an operator runs it, with production settings."""
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DEBUG", "CACHE_URL", "WEB_NODES", "MEDIA_SHARED",
                          "API_THROTTLE_REDIS_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        env={**clean, "DEBUG": "false", "SECRET_KEY": "s" * 60, "ALLOWED_HOSTS": "rd.example",
             **env},
        capture_output=True, text=True, check=False, timeout=120,
    )


def warnings_of(ids):
    found = checks.run_checks(include_deployment_checks=True)
    return sorted(message.id for message in found if message.id in ids)


NODE_WARNINGS = {"riskdesk.W401", "riskdesk.W402", "riskdesk.W403"}


def test_cache_url_selects_djangos_redis_cache_with_the_release_in_every_key():
    script = ("import django; django.setup(); from django.conf import settings; "
              "c = settings.CACHES; print(c['default']['BACKEND'], c['default']['LOCATION'], "
              "c['default']['KEY_PREFIX'], c['api_throttle']['LOCATION'])")
    env = {k: v for k, v in os.environ.items() if k != "API_THROTTLE_REDIS_URL"}
    result = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True,
        env={**env, "DJANGO_SETTINGS_MODULE": "riskdesk.settings",
             "CACHE_URL": "redis://127.0.0.1:6379/7", "CACHE_VERSION": "r42"})
    backend, location, prefix, throttle = result.stdout.split()
    assert (backend, location, prefix) == (REDIS_CACHE, "redis://127.0.0.1:6379/7",
                                           "riskdesk:r42")
    assert throttle == "redis://127.0.0.1:6379/7"  # the API's limit counts there too


def test_a_cache_url_that_is_not_redis_stops_start_up():
    result = production(CACHE_URL="memcached://127.0.0.1:11211")
    assert result.returncode != 0
    assert "CACHE_URL='memcached://127.0.0.1:11211' is not a Redis URL" in result.stderr


def test_two_nodes_with_process_memory_cache_and_local_files_are_warned_about():
    result = production(WEB_NODES="2", CELERY_BROKER_URL="filesystem://")
    assert "riskdesk.W401" in result.stderr, result.stderr
    assert "every node computes and keeps its own dashboards" in result.stderr
    assert "Set CACHE_URL" in result.stderr
    assert "riskdesk.W402" in result.stderr  # the API's limit, with no Redis anywhere
    assert "riskdesk.W403" in result.stderr
    assert "MEDIA_SHARED=true" in result.stderr


def test_two_nodes_sharing_redis_and_a_declared_mount_are_not_warned_about():
    result = production(WEB_NODES="2", CACHE_URL="redis://127.0.0.1:6379/1",
                        MEDIA_SHARED="true")
    assert not NODE_WARNINGS & set(result.stderr.replace(":", " ").split()), result.stderr


def test_one_node_keeps_the_zero_setup_defaults_without_a_warning(settings):
    settings.WEB_NODES = 1
    settings.CACHES = {"default": {"BACKEND": LOCMEM},
                       "api_throttle": {"BACKEND": LOCMEM, "LOCATION": "t"}}
    settings.MEDIA_SHARED = False
    assert warnings_of(NODE_WARNINGS) == []


def test_each_warning_goes_with_its_own_cause(settings):
    settings.WEB_NODES = 3
    settings.MEDIA_SHARED = True
    settings.CACHES = {"default": {"BACKEND": LOCMEM},
                       "api_throttle": {"BACKEND": REDIS_CACHE,
                                        "LOCATION": "redis://127.0.0.1:6379/10"}}
    assert warnings_of(NODE_WARNINGS) == ["riskdesk.W401"]

    settings.CACHES = {"default": {"BACKEND": REDIS_CACHE,
                                   "LOCATION": "redis://127.0.0.1:6379/10"},
                       "api_throttle": {"BACKEND": LOCMEM, "LOCATION": "t"}}
    assert warnings_of(NODE_WARNINGS) == ["riskdesk.W402"]

    settings.CACHES = {"default": {"BACKEND": REDIS_CACHE,
                                   "LOCATION": "redis://127.0.0.1:6379/10"},
                       "api_throttle": {"BACKEND": REDIS_CACHE,
                                        "LOCATION": "redis://127.0.0.1:6379/10"}}
    settings.MEDIA_SHARED = False
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": FILES}}
    assert warnings_of(NODE_WARNINGS) == ["riskdesk.W403"]


def test_development_mode_is_never_warned_about_nodes(settings):
    settings.DEBUG = True
    settings.WEB_NODES = 2
    settings.CACHES = {"default": {"BACKEND": LOCMEM},
                       "api_throttle": {"BACKEND": LOCMEM, "LOCATION": "t"}}
    assert warnings_of(NODE_WARNINGS) == []
