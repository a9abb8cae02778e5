"""Reading the heavy, read-only work from a PostgreSQL hot standby (``DATABASE_REPLICA_URL``).

Nothing reads from the replica unless asked: the dashboards, the work summary, the
exports and the API's lists run inside ``reading_from_replica()``, and only there does
``ReplicaRouter`` send reads to it. Even there it does not when

- the request (or Celery task) already wrote: what it reads next must include what it
  wrote, and the replica may not have it yet. ``db_for_write`` notes every write but of
  the bookkeeping rows in ``NOT_READ_BACK`` (the audit entry an export writes, a token's
  "last used", a job's progress), which nothing reads back in the same request;
- the model is sign-in state (``PRIMARY_ONLY_APPS``): a session is read from the primary
  even if it was made a moment ago;
- the replica did not answer: reads go to the primary, one warning is logged, and this
  process tries the replica again after ``REPLICA_RETRY_SECONDS``.

The first read from the replica in a request asks it how far behind it is (one query a
request, which is also what proves it is up); pages show that when it passes
``REPLICA_LAG_NOTICE_SECONDS`` (``riskdesk.context_processors.replica_lag``). Writes
always go to the primary, and migrations run there only. Raw SQL writes
(``connection.cursor()``) are on the primary too but are not noted: run them outside
``reading_from_replica()``.

The state is kept per request (``request_started``) and per task (``task_prerun``) in
context variables; the back-off is this process's own, which is all a back-off needs.
"""

import logging
import time
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass

from celery.signals import task_prerun
from django.conf import settings
from django.core.signals import request_started
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY_ONLY_APPS = frozenset({"sessions", "otp_totp", "otp_static", "django_cas_ng"})
NOT_READ_BACK = frozenset({"riskdesk.auditentry", "api.apitoken", "cases.job"})

# How far the standby's replay is behind, in seconds: 0 when it has replayed all the WAL it
# received (an idle primary sends none, however old its last commit), NULL on a primary.
LAG_SQL = """
    SELECT CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn()
                THEN 0
                ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
           END
"""


@dataclass
class _Unit:
    """What one request or task did so far."""

    wrote: bool = False
    lag: float | None = None  # measured on the replica's first use; None: not read from it
    replica_up: bool | None = None  # None: not asked yet in this unit


_reading = ContextVar("riskdesk_reading_from_replica", default=False)
_unit = ContextVar("riskdesk_replica_unit", default=None)
_down_until = 0.0  # time.monotonic() before which this process does not try the replica


def begin_unit(**kwargs) -> None:
    """A new request or task: nothing written, replica not asked yet, and nothing read
    from it unless its code says so (even if an error left the last one's context open)."""
    _unit.set(_Unit())
    _reading.set(False)


def _current() -> _Unit:
    unit = _unit.get()
    if unit is None:  # a shell or command: one unit for the whole process
        unit = _Unit()
        _unit.set(unit)
    return unit


request_started.connect(begin_unit, dispatch_uid="riskdesk.replica.begin_unit")
task_prerun.connect(begin_unit, dispatch_uid="riskdesk.replica.begin_unit")


@contextmanager
def reading_from_replica():
    """Reads inside may come from the replica (see the module's docstring); also a
    decorator (``@reading_from_replica()``)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def streamed_from_replica(chunks):
    """A streaming response's body, read from the replica while the server sends it
    (after the view has returned)."""
    with reading_from_replica():
        yield from chunks


def configured() -> bool:
    """A replica alias that is another database than the primary (under test, the
    replica is a MIRROR of the test database: that is the primary itself)."""
    if REPLICA not in connections.settings:
        return False
    replica = connections[REPLICA].settings_dict
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    return any(replica.get(key) != primary.get(key) for key in ("HOST", "PORT", "NAME"))


def measure_lag() -> float | None:
    """Seconds the replica is behind (its own answer), raising when it does not answer."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(LAG_SQL)
        value = cursor.fetchone()[0]
    return None if value is None else float(value)


def close_quietly() -> None:
    """Drop the replica's connection after it failed (the next use connects afresh)."""
    # Closing a broken connection may fail too; it is gone either way.
    with suppress(DatabaseError):
        connections[REPLICA].close()


def _replica_up(unit: _Unit) -> bool:
    """Ask the replica once per unit; after a failure, not again for a while."""
    global _down_until
    if unit.replica_up is None:
        if time.monotonic() < _down_until:
            unit.replica_up = False
            return False
        try:
            unit.lag = measure_lag() or 0.0
            unit.replica_up = True
        except DatabaseError as error:
            _down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
            unit.replica_up = False
            close_quietly()
            log.warning("The read replica did not answer (%s): reading from the primary, "
                        "trying the replica again in %s s.", " ".join(str(error).split()) or
                        type(error).__name__, settings.REPLICA_RETRY_SECONDS)
    return unit.replica_up


def lag_seconds() -> float | None:
    """How far behind the replica was when this request first read from it; None when
    it read nothing from it."""
    unit = _current()
    return unit.lag if unit.replica_up else None


def forget_back_off() -> None:
    """Try the replica at the next read (tests; an operator's shell after a repair)."""
    global _down_until
    _down_until = 0.0


class ReplicaRouter:
    """``DATABASE_ROUTERS``: writes and migrations on the primary; reads on the replica
    only as the module's docstring says."""

    def db_for_read(self, model, **hints):
        if not configured():
            return None
        unit = _current()
        if (_reading.get() and not unit.wrote
                and model._meta.app_label not in PRIMARY_ONLY_APPS and _replica_up(unit)):
            return REPLICA
        # Said outright: left to Django, an object read from the replica would read its
        # related rows from there too.
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        if model._meta.label_lower not in NOT_READ_BACK:
            _current().wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: a row read from either may point to a row
        # read from the other.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
