import pytest
from django.test import Client

from api import tokens
from tests.cases.conftest import case, categories, foreign_case, make_case  # noqa: F401

# Request counts (api.throttling) are kept per token and per user id, which no two tests
# share on PostgreSQL (sequences are not rolled back): no test is throttled by another's.


@pytest.fixture
def api_for(db):
    """A client whose every request carries a new token of ``user`` (``read_only``,
    ``expires_days`` as for ``api.tokens.issue``); its row is ``client.token``."""

    def make(user, **options):
        token, key = tokens.issue(user, name="test", **options)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        client.token, client.key = token, key
        return client

    return make
