"""Load generator: N signed-in users hitting a running server for a fixed time.

A process of its own (``python -m bench.load PLAN.json``), so it does not share the
interpreter with what it measures. Each simulated user is a thread with its own session:
it signs in once (Argon2 makes each sign-in slow on purpose) and then loops over a mix of
the case list (pages, filters), case pages, the dashboard and follow-up saves. Prints one
JSON line: requests, throughput, p50/p95/p99 per kind and overall, and errors.

Plain ``http.client`` and threads: nothing to install, and light enough that 20 users cost
the server far more than the generator.
"""

import http.client
import json
import os
import random
import re
import statistics
import sys
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Session:
    def __init__(self, base: str):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.cookies: dict[str, str] = {}
        self.connection = None

    def request(self, method, path, body=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "Host": f"{self.host}:{self.port}", "Accept-Language": "zh-hans"}
        if body is not None:
            body = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        for header in response.msg.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return response.status, content

    def sign_in(self, username, password):
        status, page = self.request("GET", "/accounts/login/")
        token = CSRF_INPUT.search(page.decode()).group(1)
        status, _page = self.request("POST", "/accounts/login/", {
            "csrfmiddlewaretoken": token, "username": username, "password": password})
        if status != 302:
            raise RuntimeError(f"{username} could not sign in ({status})")


def next_request(plan, kind, refs, token, rng):
    """One user's next request in the mix: (name, method, path, body, expected statuses).
    Staff save a follow-up one time in five; everyone reads the dashboard (when it is in
    the mix), the case list and case pages."""
    roll = rng.random()
    if kind == "staff" and token and roll < 0.2:
        body = {"csrfmiddlewaretoken": token, "date": plan["today"], "method": "call",
                "summary": "电话回访，情况稳定。", "people_helped_added": "0",
                "amount_recovered_added": "0"}
        return ("follow-up save", "POST", f"/cases/{rng.choice(refs)}/follow-ups/new/",
                body, (302,))
    if plan["dashboard"] and roll < 0.35:
        return "dashboard", "GET", "/dashboard/", None, (200,)
    if roll < 0.65:
        path = rng.choice([
            # not the bare /cases/: it brings back the user's last filters (302)
            "/cases/?page=1", f"/cases/?page={rng.randrange(1, 40)}",
            "/cases/?status=in_resolution&risk_level=high",
            "/cases/?follow_up_overdue=on", "/cases/?o=-updated",
        ])
        return "case list", "GET", path, None, (200,)
    return "case detail", "GET", f"/cases/{rng.choice(refs)}/", None, (200,)


def user_loop(plan, kind, username, start_gate, records, errors, rng):
    session = Session(plan["base"])
    session.sign_in(username, plan["password"])
    refs = plan["references"][username]
    token = None
    if kind == "staff":
        _status, page = session.request("GET", f"/cases/{refs[0]}/follow-ups/new/")
        match = CSRF_INPUT.search(page.decode())
        token = match.group(1) if match else None
    start_gate.wait()  # everyone has signed in: the timed part starts now
    deadline = time.monotonic() + plan["duration"]
    while time.monotonic() < deadline:
        name, method, path, body, expected = next_request(plan, kind, refs, token, rng)
        started = time.perf_counter()
        try:
            status, _content = session.request(method, path, body)
        except Exception as error:  # timeouts, refused connections: all are errors
            status = repr(error)
        elapsed = time.perf_counter() - started
        records.append((name, elapsed))
        if status not in expected:
            errors.append(f"{name} {path}: {status}")


def server_cpu_seconds(master_pid) -> float | None:
    """CPU seconds used so far by the gunicorn workers (children of ``master_pid``), read
    from /proc: what the requests cost the web server, whatever else runs on the machine.
    PostgreSQL's share is not in it."""
    if not master_pid:
        return None
    try:
        with open(f"/proc/{master_pid}/task/{master_pid}/children") as handle:
            pids = handle.read().split()
        total = 0
        for pid in pids:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
        return total / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def database_cpu_seconds() -> float | None:
    """CPU seconds used so far by the local PostgreSQL server, read from /proc: every
    postgres process's own time plus the time of the ones that have exited (a connection
    closed after DATABASE_CONN_MAX_AGE), which the kernel adds to the postmaster's
    children time. None where PostgreSQL runs elsewhere."""
    total, found = 0.0, False
    try:
        pids = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return None
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        if stat[stat.index("(") + 1:stat.rindex(")")] == "postgres":
            fields = stat.rsplit(")", 1)[1].split()  # utime, stime, cutime, cstime
            total += sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")
            found = True
    return total if found else None


def percentile(values, share):
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 1)


def run(plan: dict) -> dict:
    records, errors = [], []
    duration = plan["duration"]
    gate = threading.Barrier(len(plan["users"]) + 1)
    threads = []
    for number, (kind, username) in enumerate(plan["users"]):
        rng = random.Random(number)

        def target(kind=kind, username=username, rng=rng):
            try:
                user_loop(plan, kind, username, gate, records, errors, rng)
            except Exception as error:
                errors.append(f"{username}: {error!r}")
                gate.abort()

        threads.append(threading.Thread(target=target, daemon=True))
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.monotonic()
    cpu_before = server_cpu_seconds(plan.get("server_pid"))
    database_before, own_before = database_cpu_seconds(), time.process_time()
    for thread in threads:
        thread.join(duration + 120)
    elapsed = time.monotonic() - started
    cpu_after = server_cpu_seconds(plan.get("server_pid"))
    database_after = database_cpu_seconds()
    database = (database_after - database_before
                if database_before is not None and database_after is not None else None)
    own = time.process_time() - own_before
    by_kind = {}
    for name in sorted({name for name, _ in records}):
        times = [t for n, t in records if n == name]
        by_kind[name] = {"requests": len(times), "p50_ms": percentile(times, 0.5),
                         "p95_ms": percentile(times, 0.95), "p99_ms": percentile(times, 0.99)}
    times = [t for _n, t in records]
    return {
        "users": len(plan["users"]), "seconds": round(elapsed, 1), "requests": len(times),
        "throughput_rps": round(len(times) / elapsed, 1) if elapsed else 0,
        "p50_ms": percentile(times, 0.5) if times else None,
        "p95_ms": percentile(times, 0.95) if times else None,
        "p99_ms": percentile(times, 0.99) if times else None,
        "mean_ms": round(statistics.mean(times) * 1000, 1) if times else None,
        "errors": len(errors), "error_samples": errors[:10], "by_kind": by_kind,
        "server_cpu_ms_per_request": (
            round((cpu_after - cpu_before) * 1000 / len(times), 1)
            if times and cpu_before is not None and cpu_after is not None else None),
        "database_cpu_ms_per_request": (
            round(database * 1000 / len(times), 1) if times and database is not None else None),
        "load_generator_cpu_ms_per_request": round(own * 1000 / len(times), 1) if times else None,
        "load_average": os.getloadavg(),
        "capacity_rps_per_core": (
            round(len(times) / (cpu_after - cpu_before), 1)
            if times and cpu_before is not None and cpu_after and cpu_after > cpu_before
            else None),
    }


if __name__ == "__main__":
    with open(sys.argv[1]) as handle:
        print(json.dumps(run(json.load(handle))))
