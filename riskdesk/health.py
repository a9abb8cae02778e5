"""Liveness of the services RiskDesk depends on, for /healthz."""

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "down"; the reason is reported
        return f"down: {type(error).__name__}"
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
            return f"down: {type(error).__name__}"
        return "ok" if os.access(folder, os.W_OK) else "down: queue folder not writable"
    try:
        with app.connection_for_write(url) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as error:  # connection refused, DNS, auth...: all mean "down"
        return f"down: {type(error).__name__}"
    return "ok"


def check_storage() -> str:
    """Write and delete a tiny probe file through the storage every node shares (the
    MEDIA_ROOT mount or the S3 bucket): a node that cannot do this cannot take uploads,
    nor serve another node's files. Not part of ``status()`` until /healthz reports it."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    try:
        name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
        default_storage.delete(name)
    except Exception as error:  # refused, timed out, denied, disk full...: all mean "down"
        return f"down: {type(error).__name__}"
    return "ok"


def status() -> tuple[bool, dict[str, str]]:
    report = {"database": check_database(), "broker": check_broker()}
    return all(value == "ok" for value in report.values()), report
