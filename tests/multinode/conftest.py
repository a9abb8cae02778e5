import pytest

from tests.multinode import postgres_pair as pg


@pytest.fixture
def postgres_pair():
    """A fresh primary and its hot standby (tests/multinode/postgres_pair.py), removed
    afterwards; skipped where the PostgreSQL server binaries are not installed."""
    reason = pg.missing()
    if reason:
        pytest.skip(reason)
    pair = pg.start_pair()
    yield pair
    pair.stop()
