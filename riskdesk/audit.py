"""The audit log: sign-ins, exports, attachment downloads and reveals of personal data.

Every entry is one ``AuditEntry`` row (append-only, visible to admins in the admin site)
and one line on the ``riskdesk.audit`` logger, so a log shipper sees it too.
"""

import ipaddress
import logging

from django.conf import settings

from riskdesk.models import AuditEntry

logger = logging.getLogger("riskdesk.audit")


def client_address(request) -> str | None:
    """The visitor's IP address: ``REMOTE_ADDR``, or the header named by
    ``CLIENT_ADDRESS_HEADER`` when a trusted proxy sets it (its last entry: the address
    the proxy itself saw; earlier entries can be forged by the client)."""
    value = request.META.get("REMOTE_ADDR", "")
    header = getattr(settings, "CLIENT_ADDRESS_HEADER", None)
    if header and request.META.get(header):
        value = request.META[header].split(",")[-1]
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def record(request, action, *, user=None, username=None, object_label="", query=""):
    """Write one audit entry for ``request`` and log it."""
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    if username is None:
        username = user.get_username() if user is not None else ""
    address = client_address(request) if request is not None else None
    entry = AuditEntry.objects.create(
        action=action, user=user, username=username[:150], address=address,
        object_label=object_label[:200], query=query[:2000],
    )
    logger.info(
        "audit action=%s user=%s address=%s object=%s query=%s",
        action, username or "-", address or "-", object_label or "-", query or "-",
    )
    return entry
