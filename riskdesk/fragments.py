"""Pieces of HTML kept in the cache under a digest of everything they are made of.

A list row or a history entry is written by its own small template from a few model rows
and the request's setting (the language, the site's address...). Kept under a digest of
every column of those rows and of that setting, a piece is never stale: a row changed in
any way, even by a bulk UPDATE, gives a new digest and is written afresh. Writing them
through Django's templates was a third of a list page's time and half of a case page's,
and most of them are the same from one request to the next.
"""

import functools
import hashlib
from collections.abc import Callable, Sequence

from django.core.cache import cache
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.translation import get_language


def setting(*extra) -> tuple:
    """What every piece depends on besides its rows: the language, the site's address
    (links), the time zone (times) and ``extra``."""
    return (get_language(), get_script_prefix(), timezone.get_current_timezone_name(), *extra)


# Columns no piece shows and that change on their own: a user's last sign-in (at every
# sign-in: the user's rows would be written afresh each time) and password hash.
NEVER_SHOWN = frozenset({"last_login", "password"})


def digest(context, *rows) -> str:
    """A digest of ``context`` and of every column (but ``NEVER_SHOWN``) of each model
    instance in ``rows`` (None for a missing one, such as an event without a user)."""
    values = [context]
    for row in rows:
        values.append(None if row is None else tuple(
            getattr(row, field.attname) for field in _columns(type(row))))
    return hashed(values)


def hashed(material) -> str:
    """The digest a kept piece is filed under: SHA-256 of ``repr(material)``."""
    return hashlib.sha256(repr(material).encode()).hexdigest()


@functools.cache
def _columns(model) -> tuple:
    return tuple(field for field in model._meta.concrete_fields
                 if field.attname not in NEVER_SHOWN)


def kept_html(kind: str, items: Sequence, *, key: Callable, write: Callable,
              seconds: int) -> list[str]:
    """The HTML of each of ``items``: kept under ``key(item)`` (a digest), else made by
    ``write(item)`` and kept for ``seconds``. One cache read and at most one write."""
    keys = [f"riskdesk:{kind}:{key(item)}" for item in items]
    kept = cache.get_many(keys)
    written, pieces = {}, []
    for item, name in zip(items, keys, strict=True):
        piece = kept.get(name) or written.get(name)
        if piece is None:
            piece = written[name] = write(item)
        pieces.append(piece)
    if written:
        cache.set_many(written, seconds)
    return pieces
