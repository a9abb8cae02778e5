"""Sessions are read with SQL written once per process (riskdesk.sessions): they must
read exactly as Django's database sessions do."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.db import connection
from django.test.utils import CaptureQueriesContext

from riskdesk.sessions import SessionStore

pytestmark = pytest.mark.django_db


def saved(**data):
    store = DjangoStore()
    store.update(data)
    store.set_expiry(600)
    store.save()
    return store.session_key


def test_a_session_reads_as_djangos_in_one_query():
    key = saved(user="42", filters={"cases": "status=reported"})

    with CaptureQueriesContext(connection) as queries:
        ours = SessionStore(key).load()

    assert ours == DjangoStore(key).load()
    assert ours["user"] == "42" and ours["filters"] == {"cases": "status=reported"}
    assert len(queries) == 1


@pytest.mark.parametrize("key", ["", None, "no-such-session-key-000000000000", "x" * 40])
def test_no_session_reads_as_empty_and_forgets_the_key(key):
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


def test_an_expired_session_reads_as_empty():
    key = saved(user="42")
    with time_machine.travel(timedelta(minutes=11)):
        store = SessionStore(key)
        assert store.load() == DjangoStore(key).load() == {}
        assert store.session_key is None


def test_signing_in_and_out_still_works(client, owner):
    from tests.factories import PASSWORD

    assert client.post("/accounts/login/", {"username": owner.username,
                                            "password": PASSWORD}).status_code == 302
    assert client.get("/cases/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/cases/").status_code == 302
