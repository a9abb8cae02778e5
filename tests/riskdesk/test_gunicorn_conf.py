"""The gunicorn settings the image and make bench start the web server with."""

import gc
import importlib
import os

from riskdesk import gunicorn_conf


def reloaded(monkeypatch, **environ):
    for name, value in environ.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    return importlib.reload(gunicorn_conf)


def test_one_worker_per_core_unless_web_concurrency_says_otherwise(monkeypatch):
    try:
        assert reloaded(monkeypatch, WEB_CONCURRENCY=None).workers == len(
            os.sched_getaffinity(0))
        assert reloaded(monkeypatch, WEB_CONCURRENCY="5").workers == 5
    finally:
        monkeypatch.undo()
        importlib.reload(gunicorn_conf)


def test_a_started_worker_keeps_the_loaded_application_out_of_full_collections():
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        gunicorn_conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
