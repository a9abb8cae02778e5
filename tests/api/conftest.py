import pytest
from django.core.cache import caches
from django.test import Client

from api import tokens
from api.throttling import CACHE
from tests.assessments.conftest import (  # noqa: F401
    agency,
    assessment,
    assessor,
    city_department,
    decision,
    department,
    make_decision,
    other_agency,
    other_assessor,
    recorded,
)
from tests.cases.conftest import case, categories, foreign_case, make_case  # noqa: F401
from tests.world import world  # noqa: F401  (the API scope matrix and schemathesis)


def forget_requests(*idents):
    """Request counts (api.throttling) live in Redis on CI, and ids come back with each
    new test database: a test starts with none counted for its tokens and users."""
    caches[CACHE].delete_many([f"throttle_api_{ident}" for ident in idents])


@pytest.fixture
def api_for(db):
    """A client whose every request carries a new token of ``user`` (``read_only``,
    ``expires_days`` as for ``api.tokens.issue``); its row is ``client.token``."""

    def make(user, **options):
        token, key = tokens.issue(user, name="test", **options)
        forget_requests(f"token-{token.pk}", f"user-{user.pk}")
        client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        client.token, client.key = token, key
        return client

    return make


@pytest.fixture
def integration(district):
    """The 12345 hotline's integration account, bound to ``district``."""
    from tests.factories import make_user

    return make_user("hotline.kundulun", "integration", district, full_name="12345 Hotline")


@pytest.fixture
def foreign_integration(other_district):
    """An integration account of another district: must never reach ``district``'s data."""
    from tests.factories import make_user

    return make_user("hotline.qingshan", "integration", other_district)
