import pytest
from django.db import OperationalError, connection


@pytest.mark.django_db
def test_healthz_answers_ok_without_sign_in(client, settings):
    settings.NODE_NAME = "web-a"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"node": "web-a", "database": "ok", "broker": "ok",
                               "cache": "ok", "replica": "not configured", "storage": "ok"}


@pytest.mark.django_db
def test_healthz_names_the_cache_when_it_is_down_and_stays_up(client, settings):
    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
    }}
    response = client.get("/healthz")
    assert response.status_code == 200  # the pages work without it, only slower
    assert response.json()["cache"].startswith("down: ")


@pytest.mark.django_db
def test_healthz_names_the_broker_when_it_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("down")


@pytest.mark.django_db
def test_healthz_names_the_database_when_it_is_down(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down: OperationalError"
