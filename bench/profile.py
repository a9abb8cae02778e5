"""Where a request's CPU goes: the load test's mix, run in this process.

``python -m bench.profile [--requests 2000] [--cprofile N] [--kind NAME]`` after a
``make bench`` (or ``make bench BENCH_ARGS=--skip-load``) has seeded the bench database and
written ``var/bench/load-plan.json``. The same users make the same kinds of request as
under load (``bench.load.next_request``) through Django's test client, one after another:
no HTTP server, no other process competing for the cores. Prints the CPU milliseconds per
request of each kind (``time.process_time``: this process only, PostgreSQL's share is not
in it), the SQL statements per request, and with ``--cprofile N`` the N functions with the
most cumulative and own time. Follow-up saves are rolled back (in a transaction of
their own, so their COMMIT is not timed): every run sees the same data.

What it is for: deciding what to make faster before a 10-minute ``make bench``. The load
test's gunicorn figures run higher (HTTP parsing, two cores shared by the workers,
PostgreSQL and the generator), but the shares are the same.
"""

import argparse
import collections
import contextlib
import cProfile
import io
import json
import pstats
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.run import BASE_DIR, DEFAULT_URL, setup_django


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--cprofile", type=int, default=0, metavar="N",
                        help="print the N costliest functions (cumulative and own time)")
    parser.add_argument("--kind", default="", help="only requests of this kind, e.g. 'case list'")
    parser.add_argument("--plan", default=str(BASE_DIR / "var" / "bench" / "load-plan.json"))
    return parser.parse_args(argv)


@dataclass
class Mix:
    """What ``run_mix`` measured: per kind, the CPU seconds and SQL statements of each
    request; PostgreSQL's CPU over the counted requests (None if not on this machine);
    requests answered with an unexpected status."""

    cpu: dict = field(default_factory=lambda: collections.defaultdict(list))
    queries: dict = field(default_factory=lambda: collections.defaultdict(list))
    database_seconds: float | None = None
    unexpected: list = field(default_factory=list)


def run_mix(plan: dict, *, requests: int, kind: str = "", profiler=None) -> Mix:
    """The load test's users and mix (``plan``, as ``make bench`` writes it) through
    Django's test client in this process; each user's first request is not counted."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client

    from bench.load import CSRF_INPUT, database_cpu_seconds, next_request
    from bench.measure import QueryCounter, Rollback, _consume

    users = []
    for number, (user_kind, username) in enumerate(plan["users"]):
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(get_user_model().objects.get(username=username))
        refs = plan["references"][username]
        token = None
        if user_kind == "staff":
            page = client.get(f"/cases/{refs[0]}/follow-ups/new/").content.decode()
            match = CSRF_INPUT.search(page)
            token = match.group(1) if match else None
        users.append((user_kind, client, refs, token, random.Random(number)))

    mix = Mix()
    done = attempts = 0
    database_before = None
    while done < requests and attempts < requests * 50:
        attempts += 1
        user_kind, client, refs, token, rng = users[attempts % len(users)]
        name, method, path, body, expected = next_request(plan, user_kind, refs, token, rng)
        if kind and name != kind:
            continue
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            if profiler:
                profiler.enable()
            started = time.process_time()
            if method == "POST":  # undone afterwards: every run sees the same data
                with contextlib.suppress(Rollback), transaction.atomic():
                    response = client.post(path, body)
                    spent = time.process_time() - started
                    raise Rollback
            else:
                response = client.get(path)
                _consume(response)
                spent = time.process_time() - started
            if profiler:
                profiler.disable()
        if response.status_code not in expected:
            mix.unexpected.append(f"{name} {path}: {response.status_code}")
        if done == len(users):
            database_before = database_cpu_seconds()
        if done >= len(users):  # each user's first request warms the caches: not counted
            mix.cpu[name].append(spent)
            mix.queries[name].append(counter.count)
        done += 1
    database_after = database_cpu_seconds()
    if database_before is not None and database_after is not None:
        mix.database_seconds = database_after - database_before
    return mix


def main(argv=None) -> int:
    import os

    args = parse_args(argv)
    plan_path = Path(args.plan)
    if not plan_path.exists():
        print(f"No {plan_path}: run `make bench` first (it seeds the data and writes it).")
        return 1
    setup_django(os.environ.get("DATABASE_URL") or DEFAULT_URL)
    profiler = cProfile.Profile() if args.cprofile else None
    mix = run_mix(json.loads(plan_path.read_text()), requests=args.requests, kind=args.kind,
                  profiler=profiler)
    for line in mix.unexpected:
        print(line, file=sys.stderr)
    every = [value for values in mix.cpu.values() for value in values]
    print(f"{'kind':<16} {'requests':>8} {'CPU ms mean':>12} {'median':>8} {'queries':>8}")
    for name in sorted(mix.cpu):
        values = mix.cpu[name]
        print(f"{name:<16} {len(values):>8} {statistics.mean(values) * 1000:>12.2f}"
              f" {statistics.median(values) * 1000:>8.2f}"
              f" {statistics.mean(mix.queries[name]):>8.1f}")
    if every:
        print(f"{'all':<16} {len(every):>8} {statistics.mean(every) * 1000:>12.2f}"
              f" {statistics.median(every) * 1000:>8.2f}")
    if every and mix.database_seconds is not None:
        print(f"PostgreSQL (this machine's server, all its work meanwhile): "
              f"{mix.database_seconds * 1000 / len(every):.2f} CPU ms per request")
    if profiler:
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.cprofile)
            text = re.sub(rf"{re.escape(str(BASE_DIR))}/(\.venv/lib/python[^/]+/site-packages/)?",
                          "", out.getvalue())
            print(text[text.index("   ncalls"):] if "   ncalls" in text else text)
    return 0 if not mix.unexpected else 1


if __name__ == "__main__":
    sys.exit(main())
