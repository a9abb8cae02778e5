"""The replay's clock: run one step of the demo's history as if it were a past moment.

Inside ``frozen_at(moment)`` Django's clock reads ``moment``: ``timezone.now()``,
``timezone.localdate()`` and the model fields whose default is ``timezone.now`` (a
history entry's time, a follow-up's "logged at"). The actions run unchanged and apply
their rules to that moment (no follow-up dated after it, no order due before it).

Django's ``now()`` asks the ``datetime`` class of its own module for the time; that one
name is replaced for the duration. Patching ``timezone.now`` itself would not do: the
fields' defaults hold the function object. Seeding runs once, in one thread, in
``manage.py seed_demo``; nothing else is running in that process meanwhile.
"""

from contextlib import contextmanager
from datetime import datetime
from unittest import mock

from django.utils import timezone


@contextmanager
def frozen_at(moment: datetime):
    """Django's clock stands at ``moment`` (an aware datetime) inside the block."""
    if timezone.is_naive(moment):
        raise ValueError("frozen_at() needs an aware datetime")

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return moment.astimezone(tz) if tz else timezone.make_naive(moment)

    with mock.patch.object(timezone, "datetime", Frozen):
        yield moment
