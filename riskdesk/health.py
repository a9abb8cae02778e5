"""Liveness of the services RiskDesk depends on, for /healthz: this node's own view of
them, so a proxy in front of several nodes can tell which one is unwell."""

import os
import secrets
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from riskdesk import replica

# What the node cannot serve requests without: 503 when one of them is down. The others
# (a replica, the cache, the file store) are reported; a replica that is down is
# read around (riskdesk.replica).
REQUIRED = ("database", "broker")


def _down(error: Exception) -> str:
    return f"down: {type(error).__name__}"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "down"; the reason is reported
        return _down(error)
    return "ok"


def check_broker() -> str:
    from riskdesk.celery import app

    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        folder = Path(options["data_folder_in"])
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            return _down(error)
        return "ok" if os.access(folder, os.W_OK) else "down: queue folder not writable"
    try:
        with app.connection_for_write(url) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as error:  # connection refused, DNS, auth...: all mean "down"
        return _down(error)
    return "ok"


def check_cache() -> str:
    """A value written to the default cache reads back (the cache all nodes share, when
    it is Redis)."""
    value = secrets.token_hex(8)
    try:
        cache.set("healthz-probe", value, 30)
        kept = cache.get("healthz-probe")
    except Exception as error:  # Redis refused, timed out...
        return _down(error)
    return "ok" if kept == value else "down: the value written did not read back"


def check_replica() -> str:
    """The read replica's answer, asked now (not through the back-off of reads)."""
    if not replica.configured():
        return "not configured"
    try:
        lag = replica.measure_lag() or 0.0
    except Exception as error:
        replica.close_quietly()
        return _down(error)
    return f"ok, lag {round(lag)} s"


def check_storage() -> str:
    """Write and delete a tiny probe file through the storage every node shares (the
    MEDIA_ROOT mount or the S3 bucket): a node that cannot do this cannot take uploads,
    nor serve another node's files."""
    try:
        name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
        default_storage.delete(name)
    except Exception as error:  # refused, timed out, denied, disk full...: all mean "down"
        return f"down: {type(error).__name__}"
    return "ok"


def status() -> tuple[bool, dict[str, str]]:
    report = {
        "node": settings.NODE_NAME,
        "database": check_database(),
        "broker": check_broker(),
        "cache": check_cache(),
        "replica": check_replica(),
        "storage": check_storage(),
    }
    return all(report[name] == "ok" for name in REQUIRED), report
