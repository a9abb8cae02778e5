"""Announcements of what happened, for whoever listens (the ``webhooks`` app).

The domain apps call :func:`announce` from their event creators, inside the transaction
that made the change; a receiver that records something does so in the same transaction.
The core imports no domain app, and the domain apps import no integration: the arrows of
ARCHITECTURE.md stay one way.
"""

from django.dispatch import Signal

from riskdesk.choices import Announcement

# kwargs: kind (an Announcement) and items: one dict per thing that happened, with what
# it is about (case, order, decision, agency, violation; each may be missing) and data
# (plain JSON with the details of the change).
announced = Signal()


def announce(kind: Announcement, *, case=None, order=None, decision=None, agency=None,
             violation=None, data=None) -> None:
    announce_each(kind, [{"case": case, "order": order, "decision": decision,
                          "agency": agency, "violation": violation, "data": data}])


def announce_each(kind: Announcement, items: list[dict]) -> None:
    """Announce the same kind of change to several things at once (a bulk action): a
    receiver handles them together, e.g. reads its subscriptions once."""
    if items:
        announced.send(sender=Announcement, kind=kind, items=items)
