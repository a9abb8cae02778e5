"""gunicorn's settings for RiskDesk: ``gunicorn -c python:riskdesk.gunicorn_conf riskdesk.wsgi``.

The Dockerfile's command and ``make bench`` both start gunicorn with this file, so the
benchmark measures what a city runs. Command-line options (``--bind``, ``--workers``...)
still win over it.
"""

import gc
import os


def cores() -> int:
    """The cores this process may run on (what taskset or a container's cpuset allow)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


# One sync worker per core (WEB_CONCURRENCY overrides). A request is CPU work from end to
# end (templates, the ORM) and PostgreSQL shares the cores on a one-server install; a third
# worker on 2 cores only made the processes take turns: in make bench's load test (2 cores,
# 100,000 cases, 20 users), 2 workers served 183.9 and 199.0 requests/s where 3 served
# 171.3 and 180.7, and 4 served 164.0. With PostgreSQL on a machine of its own a worker
# also waits for it: try cores + 1 there.
workers = int(os.environ.get("WEB_CONCURRENCY") or cores())


def post_worker_init(worker):
    """The application is loaded: the objects made until now (modules, settings, URL
    patterns) live as long as the worker, so the cyclic garbage collector stops walking
    them at every full collection (what gc.freeze is for). Under make bench's load the
    slowest 1 % of requests came back in 196-197 ms with it, 235-242 ms without: a full
    collection no longer walks the whole application."""
    gc.freeze()

