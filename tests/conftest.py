import datetime

import pytest
from django.utils import translation

from tests.factories import DistrictFactory, make_user


def pytest_collection_modifyitems(config, items):
    """A test with committed rows (``transaction=True``) must also restore the database's
    first contents (``serialized_rollback=True``): without it, the flush after the test
    lets post_migrate write the content types again, and every later test that restores
    them fails at setup with a duplicate key, far from the cause."""
    wrong = [item.nodeid for item in items
             if (marker := item.get_closest_marker("django_db"))
             and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback")]
    if wrong:
        raise pytest.UsageError(
            "Mark these @pytest.mark.django_db(transaction=True, serialized_rollback=True):\n"
            + "\n".join(wrong))


@pytest.fixture(autouse=True)
def _live_dashboard(settings):
    """Figures computed afresh in every test (the cache is tested on its own)."""
    settings.DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Tests read English unless they switch; the product's default is Chinese."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def district(db):
    return DistrictFactory(code="kundulun", name_en="Kundulun District", name_zh="昆都仑区")


@pytest.fixture
def other_district(db):
    return DistrictFactory(code="qingshan", name_en="Qingshan District", name_zh="青山区")


@pytest.fixture
def owner(district):
    """A staff member of `district`; the usual owner of a case."""
    return make_user("owner.staff", "staff", district, full_name="Li Wei")


@pytest.fixture
def colleague(district):
    """Another staff member of the same district."""
    return make_user("colleague.staff", "staff", district)


@pytest.fixture
def outsider(other_district):
    """A staff member of another district: must never see `district`'s data."""
    return make_user("outsider.staff", "staff", other_district)


@pytest.fixture
def district_supervisor(district):
    return make_user("district.supervisor", "supervisor", district)


@pytest.fixture
def city_supervisor(db):
    return make_user("city.supervisor", "supervisor", city_wide=True)


@pytest.fixture
def admin_user(db):
    return make_user("the.admin", "admin")


@pytest.fixture
def client_for(client):
    """Sign a test client in as the given user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def make_drill():
    """Record a drill through the action: ``make_drill(user, district, **fields)``."""
    from drills import actions
    from drills.choices import DrillKind
    from drills.models import Drill

    def make(user, district, uploads=(), **fields):
        values = {"date": datetime.date.today(), "kind": DrillKind.FIRE, "participants": 30,
                  "scenario": "A fire in the district's grain store", **fields}
        return actions.record_drill(user=user, drill=Drill(district=district, **values),
                                    uploads=list(uploads))

    return make
