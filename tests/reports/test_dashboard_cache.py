"""The dashboard's kept figures (DASHBOARD_CACHE_SECONDS): never another release's, never
a district the user no longer has."""

import os
import runpy
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.reports.test_dashboard import at_noon, city, dashboard  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
SETTINGS_FILE = Path(django_settings.BASE_DIR) / "riskdesk" / "settings.py"


def redis_url() -> str:
    """The Redis the suite runs with (CELERY_BROKER_URL: db 0 in CI, the helper's own db
    elsewhere); its keys are prefixed, and only this test's own are removed."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        pytest.skip("needs Redis: CELERY_BROKER_URL=redis://...")
    return url


def release_caches(monkeypatch, version: str) -> dict:
    """``CACHES`` as release ``version``'s settings make them, pointed at the shared Redis."""
    monkeypatch.setenv("CACHE_VERSION", version)
    caches = runpy.run_path(str(SETTINGS_FILE))["CACHES"]
    monkeypatch.delenv("CACHE_VERSION")
    return {"default": {**caches["default"], "OPTIONS": {},
                        "BACKEND": "django.core.cache.backends.redis.RedisCache",
                        "LOCATION": redis_url()}}


@pytest.mark.usefixtures("city")
def test_two_releases_on_one_shared_cache_never_serve_each_others_figures(
    client, settings, monkeypatch, city_supervisor, make_case
):
    from django.core.cache import cache

    # given release A has kept the city supervisor's dashboard in the shared Redis
    run = uuid.uuid4().hex[:8]
    settings.DASHBOARD_CACHE_SECONDS = 120
    settings.CACHES = release_caches(monkeypatch, f"A-{run}")
    try:
        old = dashboard(client, city_supervisor)
        old_total = old.context["open"].total.value
        make_case(title="Registered while release B was deployed")

        # when release B answers the same request, on the same Redis
        settings.CACHES = release_caches(monkeypatch, f"B-{run}")
        try:
            new = dashboard(client, city_supervisor)
            # then it computes its own figures, not A's kept HTML
            assert "open" in new.context
            assert new.context["open"].total.value == old_total + 1
        finally:
            cache.delete_many(_dashboard_keys(cache))
    finally:
        settings.CACHES = release_caches(monkeypatch, f"A-{run}")
        cache.delete_many(_dashboard_keys(cache))


def _dashboard_keys(cache) -> list[str]:
    """The keys this test's dashboards were kept under (without the release's prefix)."""
    client = cache._cache.get_client(write=False)
    prefix = cache.make_key("")
    return [key.decode()[len(prefix):] for key in client.keys(f"{prefix}*")]


@pytest.mark.usefixtures("city")
def test_a_district_taken_from_a_user_leaves_their_dashboard_at_the_next_request(
    client, settings, district_supervisor, other_district
):
    from django.core.cache import cache

    # given a supervisor of two districts whose dashboard is kept
    settings.DASHBOARD_CACHE_SECONDS = 120
    cache.clear()
    district_supervisor.membership.districts.add(other_district)
    assert "Qingshan" in dashboard(client, district_supervisor).content.decode()

    # when Qingshan is taken from them
    district_supervisor.membership.districts.remove(other_district)

    # then the next dashboard shows nothing of it
    page = dashboard(client, district_supervisor)
    assert "Qingshan" not in page.content.decode()
    assert page.context["selection"].districts == [district_supervisor.membership
                                                   .districts.get()]
