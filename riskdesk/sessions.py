"""Sessions: Django's, in the database, read with SQL written once per process."""

import functools
from datetime import UTC, datetime

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import router
from django.utils import timezone

from riskdesk.db import CompiledQuery


class SessionStore(db.SessionStore):
    """``SESSION_ENGINE``: Django's database sessions. Every request reads its session;
    building that query in the ORM each time cost more CPU than running it, so it is
    written to SQL once (riskdesk.db.CompiledQuery). The row read is the same: the
    session of that key, if it has not expired."""

    def _get_session_from_db(self):
        if not self.session_key:  # as Django: no key, or one refused when it was set
            self._session_key = None
            return None
        alias = router.db_for_read(Session)
        rows = _session_query(alias).rows(session_key=self.session_key, now=timezone.now())
        if not rows:
            self._session_key = None
            return None
        return Session.from_db(alias, SESSION_COLUMNS, rows[0])


SESSION_COLUMNS = ("session_key", "session_data", "expire_date")


@functools.cache
def _session_query(alias):
    meta = Session._meta
    return CompiledQuery(
        alias,
        lambda session_key, now: Session.objects.using(alias).filter(
            session_key=session_key, expire_date__gt=now).values_list(*SESSION_COLUMNS),
        session_key=(meta.get_field("session_key"), "riskdesk-stand-in-session-key"),
        now=(meta.get_field("expire_date"), datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)),
    )
