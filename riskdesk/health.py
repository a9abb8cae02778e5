"""Liveness of the services RiskDesk depends on, for /healthz."""

import os
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


def status() -> tuple[bool, dict[str, str]]:
    report = {"database": check_database(), "broker": check_broker()}
    return all(value == "ok" for value in report.values()), report
