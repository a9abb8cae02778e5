"""``make bench``: ``python -m bench.run --cases 100000 --duration 60``.

1. (Re)creates the benchmark database named by ``DATABASE_URL`` (default
   ``postgres://postgres@127.0.0.1:5432/riskdesk_bench``), migrates and seeds it.
2. Times the named scenarios in this process (median, p95, SQL queries), Django's admin
   changelist for cases among them, and the CSV export in a process of its own (time, peak
   memory).
3. Starts gunicorn with the production settings (DEBUG=false) on 127.0.0.1 and runs the load
   generator (bench/load.py) from a second process: 20 signed-in users for ``--duration``.
4. Prints one table and writes everything as JSON to ``var/bench/``.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/riskdesk_bench"
# Production settings on plain HTTP: what gunicorn and the in-process timings run with.
ENVIRONMENT = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
    "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "HTTPS": "false",
    "EMAIL_BACKEND": "locmem",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/5",
    "LOG_LEVEL": "ERROR",  # not a warning per 404 of the dashboard not built yet
    "REQUIRE_TWO_FACTOR": "",  # the pages are measured, not the second factor (bench/signin.py)
    "API_THROTTLE_RATE": "1000000/minute",  # the API's work is measured, not its limit
}
PROVINCE_CASES = 500_000  # from here on the province's scenarios are timed too
TARGETS_MS = {  # scenario: p95 target in ms (single requests); README explains each
    "case detail, 50 events": 100,
    "dashboard, city": 300,
    "duplicate suggestion": 100,
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--cities", type=int, default=None,
                        help="cities to spread the cases over (default: one per 77,000)")
    parser.add_argument("--province", action="store_true",
                        help="also time the province's scenarios and export one city "
                             "(always from 500,000 cases)")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=15, help="runs per scenario")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the existing bench database (skip creating and seeding)")
    parser.add_argument("--only", action="append", default=[],
                        help="time only scenarios whose name contains this (repeatable)")
    parser.add_argument("--url", action="append", default=[], metavar="NAME=PATH",
                        help="also time this page as the city supervisor (repeatable)")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    return parser.parse_args(argv)


def recreate_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def setup_django(url: str):
    for key, value in ENVIRONMENT.items():
        os.environ.setdefault(key, value)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskdesk.settings")
    import django

    django.setup()


def manage(*args):
    from django.core.management import call_command

    call_command(*args, verbosity=0)


def seeded_from_database():
    """The facts the measurements need, read back from a database seeded earlier."""
    from bench.seed import Seeded
    from cases.models import Case
    from riskdesk.demo import DISTRICTS
    from riskdesk.models import District

    first = Case.objects.filter(source_reference__startswith="BENCH-").order_by("pk").first()
    return Seeded(
        cases=Case.objects.count(), detail_reference=first.reference,
        cities=max(1, District.objects.count() // len(DISTRICTS)),
        city_user="bench-city-1", admin_user="bench-admin",
        city_supervisor="bench-c01-city-supervisor",
        district_user="bench-kundulun-supervisor", district_code="kundulun",
        load_users=[("city", f"bench-city-{n}") for n in range(1, 6)]
        + [("staff", f"bench-{code}-staff1") for code, *_names in DISTRICTS]
        + [("supervisor", f"bench-{code}-supervisor") for code, *_names in DISTRICTS[:5]],
    )


def load_plan(seeded, args):
    """Who signs in, and 200 open cases in each one's scope to look at and follow up."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from bench.seed import PASSWORD
    from cases.choices import OPEN_STATUSES
    from cases.models import Case

    references = {}
    users = seeded.load_users[: args.users]
    for _kind, username in users:
        user = get_user_model().objects.get(username=username)
        open_refs = list(Case.objects.for_user(user).filter(status__in=OPEN_STATUSES[:3])
                         .values_list("reference", flat=True)[:5000])
        references[username] = random.Random(username).sample(
            open_refs, min(200, len(open_refs)))
    return {
        "base": f"http://127.0.0.1:{args.port}", "password": PASSWORD,
        "duration": args.duration, "users": users, "references": references,
        "today": timezone.localdate().isoformat(), "dashboard": False,
    }


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_load(seeded, args, env) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    args.port = args.port or free_port()  # other people's servers may run on this machine
    plan = load_plan(seeded, args)
    client = Client()
    client.force_login(get_user_model().objects.get(username=seeded.city_user))
    plan["dashboard"] = client.get("/dashboard/").status_code == 200
    # gunicorn as the Dockerfile starts it: riskdesk/gunicorn_conf.py decides the workers
    # (one per core unless WEB_CONCURRENCY says otherwise) and what each does when it starts.
    from riskdesk import gunicorn_conf

    workers = gunicorn_conf.workers
    out_dir = BASE_DIR / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    plan_file = out_dir / "load-plan.json"
    server = subprocess.Popen(  # noqa: S603 (our own command line)
        [str(Path(sys.executable).parent / "gunicorn"), "riskdesk.wsgi",
         "--config", "python:riskdesk.gunicorn_conf", "--bind", f"127.0.0.1:{args.port}",
         "--access-logfile", "/dev/null", "--log-level", "warning"],
        cwd=BASE_DIR, env=env,
    )
    try:
        _wait_for(args.port)
        time.sleep(2)  # the workers boot after the master listens
        plan["server_pid"] = server.pid
        plan_file.write_text(json.dumps(plan))
        completed = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "bench.load", str(plan_file)], cwd=BASE_DIR, env=env,
            capture_output=True, text=True, check=False,
        )
        if completed.returncode:
            return {"error": completed.stderr[-2000:]}
        result = json.loads(completed.stdout.strip().splitlines()[-1])
        result["gunicorn_workers"] = workers
        result["dashboard_in_mix"] = plan["dashboard"]
        return result
    finally:
        server.terminate()
        server.wait(30)


def _wait_for(port):
    import socket

    for _attempt in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def run_export(username, env) -> dict:
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.export", username], cwd=BASE_DIR, env=env,
        capture_output=True, text=True, check=False,
    )
    if completed.returncode:
        return {"error": completed.stderr[-2000:]}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def purge_queue() -> None:
    """Drop the e-mail tasks the committed sweep queued: no worker runs for the bench."""
    from riskdesk.celery import app

    try:
        app.control.purge()
    except Exception as error:  # the broker's errors vary; the bench goes on without it
        print(f"Could not purge the bench's Celery queue: {error!r}")


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def main(argv=None) -> int:
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not args.reuse:
        recreate_database(url)
    setup_django(url)
    from bench import measure, report
    from bench.seed import seed

    manage("collectstatic", "--noinput")
    if args.reuse:
        seeded = seeded_from_database()
        vacuum()
    else:
        manage("migrate", "--noinput")
        seeded = seed(cases=args.cases, cities=args.cities)
    province = args.province or seeded.cases >= PROVINCE_CASES
    results = {"cases": seeded.cases, "cities": seeded.cities,
               "seed_seconds": round(seeded.seconds, 1),
               "load_average_at_start": os.getloadavg(), "cpus": os.cpu_count(),
               "rows": seeded.counts, "data": measure.count_due(), "scenarios": []}
    extra = [tuple(item.split("=", 1)) for item in args.url]
    all_scenarios = measure.scenarios(seeded, import_rows=args.import_rows, extra=extra)
    if province:
        all_scenarios += measure.province_scenarios(seeded)
    def selected(name):
        return not args.only or any(word in name for word in args.only)

    for scenario in all_scenarios:
        if not selected(scenario.name):
            continue
        timing = measure.time_scenario(scenario, repeat=args.repeat)
        if scenario.run is measure.sweep and getattr(measure.sweep, "last", None):
            timing.extra["result"] = measure.sweep.last
        print(report.line(timing), flush=True)
        results["scenarios"].append(timing.as_dict())
    names = {scenario.name: scenario for scenario in all_scenarios}
    for first, second, label in (
            ("case list, 100 rows", "admin changelist, 100 rows", "in turns"),
            ("API case list, 100 rows", "case list, 100 rows", "in turns with the API"),
            ("province: province-wide list", "province: province-wide list, deep page",
             "in turns")):
        if not {first, second} <= set(names) or not (selected(first) and selected(second)):
            continue
        for timing in measure.side_by_side(names[first], names[second], repeat=args.repeat * 2,
                                           label=label):
            print(report.line(timing), flush=True)
            results["scenarios"].append(timing.as_dict())
    purge_queue()
    vacuum()  # the rolled-back import and sweep runs left dead rows autovacuum would clear
    env = {**os.environ}
    if not args.skip_export and province:  # a province's every case is not one export
        results["export_city_csv"] = run_export(seeded.city_supervisor, env)
        print(f"CSV export of one city: {results['export_city_csv']}", flush=True)
    elif not args.skip_export:
        results["export_csv"] = run_export(seeded.city_user, env)
        print(f"CSV export: {results['export_csv']}", flush=True)
    if not args.skip_load:
        from django.db import connections

        connections.close_all()
        results["load"] = run_load(seeded, args, env)
    results["load_average_at_end"] = os.getloadavg()
    print(report.table(results))
    out_dir = BASE_DIR / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for name in (f"bench-{stamp}.json", "latest.json"):
        (out_dir / name).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"Written to var/bench/bench-{stamp}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
