"""Single-request timings: named scenarios, each run ``repeat`` times in this process with
Django's test client, reported as median and p95 with the SQL query count.

A scenario is a name, who asks, and what: a URL (GET), or a callable for work that is not
one page (the import, the sweep). Work that writes runs inside a transaction that is rolled
back afterwards, so every repetition sees the same data. A URL answering 404 (a page not
built yet, e.g. the dashboard) is reported as skipped with a message, not timed.
"""

import collections
import contextlib
import csv
import io
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import Max
from django.test import Client, override_settings
from django.utils import timezone

from api import tokens
from cases import duplicates
from cases.choices import OPEN_STATUSES, CategoryKind, JobState, RiskLevel, Status
from cases.jobs import run_job
from cases.models import Case, Category, Job, WageArrearsDetails
from cases.models.cases import version_of
from cases.tasks import escalate_overdue


class Rollback(Exception):
    """Raised to undo a repetition's writes."""


@dataclass
class Scenario:
    name: str
    user: str  # a username
    url: str = ""
    run: Callable | None = None  # run(client, user) -> HTTP status or None, for non-GET work
    repeat: int | None = None  # None: the run's default
    rollback: bool = False
    warmup: bool = True  # one run more first, not counted
    note: str = ""


@dataclass
class Timing:
    name: str
    runs: list = field(default_factory=list)  # seconds
    queries: int | None = None
    status: int | None = None
    skipped: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def median_ms(self):
        return round(statistics.median(self.runs) * 1000, 1) if self.runs else None

    @property
    def p95_ms(self):
        if not self.runs:
            return None
        ordered = sorted(self.runs)
        return round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 1)

    def as_dict(self):
        return {"name": self.name, "median_ms": self.median_ms, "p95_ms": self.p95_ms,
                "runs": len(self.runs), "queries": self.queries, "status": self.status,
                "skipped": self.skipped, "note": self.note, **self.extra}


def _consume(response) -> None:
    if getattr(response, "streaming", False):
        collections.deque(response.streaming_content, maxlen=0)  # read it all, keep none


class QueryCounter:
    """Counts the SQL statements run (all of them, unlike the debug log's 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _once(client, scenario, user):
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        if scenario.run is not None:
            status = scenario.run(client, user)
        else:
            response = client.get(scenario.url)
            _consume(response)
            status = response.status_code
        elapsed = time.perf_counter() - started
    return elapsed, counter.count, status


def time_scenario(scenario: Scenario, *, repeat: int) -> Timing:
    timing = Timing(scenario.name, note=scenario.note)
    user = get_user_model().objects.get(username=scenario.user)
    client = Client()
    client.force_login(user)  # no Argon2 per request: sign-in is not what is measured
    count = scenario.repeat or repeat
    first = 0 if scenario.warmup else 1
    for number in range(first, count + 1):  # run 0 warms caches and is not counted
        if scenario.rollback:
            with contextlib.suppress(Rollback), transaction.atomic():
                elapsed, queries, status = _once(client, scenario, user)
                raise Rollback  # every run sees the same data
        else:
            elapsed, queries, status = _once(client, scenario, user)
        if scenario.run is None and 300 <= status < 400:  # not the page: somewhere else
            timing.skipped = f"{scenario.url} redirects to {_location(client, scenario)}."
            return timing
        if status == 404 and scenario.run is None:
            timing.skipped = f"{scenario.url} answers 404 (not built yet); skipped."
            return timing
        timing.status, timing.queries = status, queries
        if status not in (200, 302, None):
            timing.skipped = f"{scenario.url or scenario.name} answered {status}."
            return timing
        if number:
            timing.runs.append(elapsed)
    return timing


def _location(client, scenario) -> str:
    return client.get(scenario.url).get("Location", "?")


def side_by_side(first: Scenario, second: Scenario, *, repeat: int,
                 label: str = "in turns") -> tuple[Timing, Timing]:
    """Time two pages in turns (A, B, A, B, ...) so both see the same background load:
    on a shared machine a minute's difference in load matters more than the pages do."""
    pair = []
    for scenario in (first, second):
        client = Client()
        user = get_user_model().objects.get(username=scenario.user)
        client.force_login(user)
        _once(client, scenario, user)  # warm-up
        pair.append((scenario, client, user,
                     Timing(f"{scenario.name} ({label})", note=scenario.note)))
    for _number in range(repeat):
        for scenario, client, user, timing in pair:
            elapsed, timing.queries, timing.status = _once(client, scenario, user)
            timing.runs.append(elapsed)
    return pair[0][3], pair[1][3]


# ---------------------------------------------------------------- the API, with a token
def _token_client(user, kept={}):  # noqa: B006 (one token per user for the whole run)
    if user.pk not in kept:
        _row, key = tokens.issue(user, name="bench")
        kept[user.pk] = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    return kept[user.pk]


def api_get(url):
    """A GET of the API as a system reads it: with a token of the scenario's user."""

    def run(client, user):
        response = _token_client(user).get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:300]}")
        return response.status_code

    return run


def mark_changed(user, count: int) -> str:
    """Touch ``count`` cases in ``user``'s scope (as edits would) after a moment; return that
    moment as the ``updated_after`` a poller would send."""
    latest = Case.objects.aggregate(latest=Max("updated_at"))["latest"]
    since = max(filter(None, [latest, timezone.now()]))  # after every change so far
    ids = list(Case.objects.for_user(user).order_by("pk").values_list("pk", flat=True)[:count])
    # One statement, all at the same moment: the cursor's (updated_at, id) order must
    # still read each once.
    Case.objects.filter(pk__in=ids).update(updated_at=since + timedelta(seconds=1))
    return since.isoformat()


def api_sync(count: int, page_size: int = 500):
    """A poller's sync: every case changed since its last run, page after page through
    the cursor; fails unless each changed case came exactly once."""

    def run(client, user):
        api = _token_client(user)
        if not hasattr(run, "since"):
            run.since = mark_changed(user, count)
        url = f"/api/v1/cases/?{urlencode({'updated_after': run.since, 'page_size': page_size})}"
        seen = []
        while url:
            response = api.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"The sync got {response.status_code}: {response.content[:300]}")
            page = response.json()
            seen += [row["reference"] for row in page["results"]]
            url = page["next"]
        if len(seen) != count or len(set(seen)) != count:
            raise RuntimeError(f"The sync read {len(seen)} rows ({len(set(seen))} distinct), "
                               f"not the {count} changed cases.")
        return 200

    return run


# ---------------------------------------------------------------- work that is not one page
def import_file(rows: int, district_code: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["source_reference", "title", "category", "district", "risk_level",
                     "people_affected", "amount_involved", "target_date"])
    codes = list(Category.objects.exclude(kind__in=["real_estate", "wage_arrears",
                                                    "mass_victim"])
                 .values_list("code", flat=True)) or ["land"]
    levels = RiskLevel.values
    for number in range(rows):
        writer.writerow([f"IMPORT-{number}", f"排查线索 {number}", codes[number % len(codes)],
                         district_code, levels[number % 4], number % 500, "1000.00",
                         "2027-06-30"])
    return buffer.getvalue().encode("utf-8")


def import_runner(content: bytes):
    def run(client, user):
        upload = SimpleUploadedFile("bench-import.csv", content, content_type="text/csv")
        response = client.post("/cases/import/", {"file": upload})
        if response.status_code != 302:
            raise RuntimeError(f"The import was refused ({response.status_code}).")
        # A file this big is checked, then imported by a background job: run it here, as
        # the worker would (the bench's transaction never commits, so on_commit does not).
        job = Job.objects.filter(user=user).order_by("-pk").first()
        if job is not None and job.state == JobState.QUEUED:
            run_job(job.pk)
            job.refresh_from_db()
            if job.state != JobState.DONE or job.summary.get("error_count"):
                raise RuntimeError(f"The import job failed: {job.summary}")
        return response.status_code
    return run


def bulk_closer(count: int):
    """Close ``count`` resolved cases in one bulk action, as a supervisor does from the
    list: the page posts the cases with their versions, then the confirmation. Cases are
    first marked resolved if the data has too few (the run is rolled back)."""

    def run(client, user):
        scoped = Case.objects.for_user(user).order_by("pk")
        missing = count - scoped.filter(status=Status.RESOLVED).count()
        if missing > 0:
            more = scoped.exclude(status=Status.RESOLVED).values_list("pk", flat=True)[:missing]
            Case.objects.filter(pk__in=list(more)).update(status=Status.RESOLVED)
        chosen = list(scoped.filter(status=Status.RESOLVED).values_list("pk", "updated_at")[:count])
        tokens = ",".join(f"{pk}:{version_of(at)}" for pk, at in chosen)
        started = timezone.now()
        response = client.post("/cases/bulk/", {
            "action": "close", "note": "Verified on site (bench).", "page": tokens,
            "confirm": "1"})
        closed = Case.objects.filter(pk__in=[pk for pk, _at in chosen], status=Status.CLOSED,
                                     closed_at__gte=started).count()
        if response.status_code != 302 or closed != len(chosen):
            raise RuntimeError(f"The bulk close closed {closed} of {len(chosen)} cases "
                               f"({response.status_code}).")
        return response.status_code

    return run


def sweep(client, user):
    result = escalate_overdue()
    sweep.last = result
    return None


def duplicate_suggestion(district_code: str):
    """``cases.duplicates.suggestions`` for a new wage case, as the registration form asks
    before saving: an employer that owes wages on open sites already, a project and an
    address like seeded ones (the trigram comparisons), a new contact ID number."""
    wages = (WageArrearsDetails.objects.filter(case__status__in=OPEN_STATUSES,
                                               case__district__code=district_code)
             .select_related("case__district").order_by("case_id").first())
    category = Category.objects.filter(kind=CategoryKind.WAGE_ARREARS).first()

    def run(client, user):
        case = Case(title="新登记：欠薪", category=category, district=wages.case.district,
                    address=wages.case.address + "附近", risk_level=RiskLevel.HIGH,
                    contact_id_number="150203199001011234")
        details = WageArrearsDetails(employer=wages.employer, project=wages.project + "二期")
        found = duplicates.suggestions(user, case, details)
        if not found:
            raise RuntimeError("No duplicate suggested for a seeded employer.")
        return None

    return run


def computed(url):
    """A GET of ``url`` with the dashboard's cache off: the figures computed every time."""

    def run(client, user):
        with override_settings(DASHBOARD_CACHE_SECONDS=0):
            response = client.get(url)
        _consume(response)
        return response.status_code

    return run


def scenarios(seeded, *, import_rows: int, extra: list[tuple[str, str]] = (),
              bulk_cases: int = 2_000) -> list[Scenario]:
    """The named scenarios; ``extra`` adds (name, URL) pairs timed as the city supervisor."""
    category = Category.objects.order_by("sort_order").first()
    city, district = seeded.city_user, seeded.district_user
    three = f"status={Status.IN_RESOLUTION}&risk_level={RiskLevel.MEDIUM}&category={category.pk}"
    staff_user = f"bench-{seeded.district_code}-staff1"
    total = Case.objects.count()
    last_page = max(1, -(-total // 25))  # 25 a page, the list's default
    sync = min(10_000, total // 2)
    return [
        Scenario("case list", city, "/cases/"),
        Scenario("case list, 10 rows", city, "/cases/?per_page=10"),
        Scenario("case list, 100 rows", city, "/cases/?per_page=100"),
        Scenario("case list, three filters", city, f"/cases/?{three}"),
        Scenario("case list, search", city, "/cases/?q=%E7%83%82%E5%B0%BE%E6%A5%BC",
                 note="q=烂尾楼 (in about 40% of the cases' titles or descriptions)"),
        Scenario("case list, search, rare", city, "/cases/?q=%E9%97%AE%E9%A2%98+4242",
                 note="q=问题 4242 (about 11 titles)"),
        Scenario("case list, page 2000", city, "/cases/?page=2000"),
        Scenario("case list, last page", city, f"/cases/?page={last_page}",
                 note="the oldest cases: read from the other end of the order"),
        Scenario("admin changelist, 100 rows", seeded.admin_user, "/admin/cases/case/",
                 note="Django admin, same data, list_per_page=100"),
        Scenario("API case list, 10 rows", city, run=api_get("/api/v1/cases/?page_size=10"),
                 note="GET /api/v1/cases/ with a token"),
        Scenario("API case list, 100 rows", city, run=api_get("/api/v1/cases/?page_size=100"),
                 note="GET /api/v1/cases/ with a token"),
        Scenario("API case list, 500 rows", city, run=api_get("/api/v1/cases/?page_size=500"),
                 note="GET /api/v1/cases/ with a token, the largest page"),
        Scenario(f"API sync, {sync:,} changed cases", city, run=api_sync(sync), repeat=3,
                 note="updated_after, then the cursor's next links, 500 a page"),
        Scenario("case detail, 50 events", city, f"/cases/{seeded.detail_reference}/"),
        Scenario("dashboard, city", city, "/dashboard/"),
        Scenario("dashboard, one district", district, "/dashboard/"),
        Scenario("dashboard, city, computed", city, run=computed("/dashboard/"),
                 note="the dashboard's cache off: every figure computed"),
        Scenario(f"import, {import_rows:,} rows", staff_user,
                 run=import_runner(import_file(import_rows, seeded.district_code)),
                 repeat=3, rollback=True, note="rolled back after each run"),
        Scenario(f"bulk close, {bulk_cases:,} cases", city, run=bulk_closer(bulk_cases),
                 repeat=3, rollback=True,
                 note="one transaction, as confirmed on the list (rolled back after each run)"),
        Scenario("duplicate suggestion", staff_user,
                 run=duplicate_suggestion(seeded.district_code),
                 note="suggestions() for a new wage case: same employer, similar project "
                      "and address"),
        Scenario("escalation sweep", city, run=sweep, repeat=3, rollback=True,
                 note="first run on the data each time (rolled back after each run)"),
        Scenario("escalation sweep, committed", city, run=sweep, repeat=1, warmup=False,
                 note="once for real: commits, then queues each notice's e-mail (Celery)"),
        Scenario("escalation sweep, rerun", city, run=sweep, repeat=3, warmup=False,
                 note="everything already claimed: nothing to do"),
        *[Scenario(name, city, url) for name, url in extra],
    ]


DEEP_PAGE = 10_000  # the issue's deep page of the province's list


def province_scenarios(seeded) -> list[Scenario]:
    """The issue's province table (1,000,000 cases in 13 cities): a city supervisor's list
    and dashboard (one city's districts in the membership), the province's (a ``city_wide``
    supervisor sees every district), and a page deep in the province's list: page 10,000,
    or the middle page of a smaller list (the page furthest from both ends)."""
    province, city = seeded.city_user, seeded.city_supervisor
    last_page = max(1, -(-Case.objects.count() // 25))
    deep = max(1, min(DEEP_PAGE, last_page // 2))
    return [
        Scenario("province: city supervisor's list", city, "/cases/",
                 note="one city's districts in the supervisor's membership"),
        Scenario("province: province-wide list", province, "/cases/"),
        Scenario("province: province-wide list, deep page", province, f"/cases/?page={deep}",
                 note=f"page {deep:,} of {last_page:,}"),
        Scenario("province: dashboard, one city, computed", city, run=computed("/dashboard/"),
                 note="the dashboard's cache off: every figure computed"),
        Scenario("province: dashboard, province, computed", province,
                 run=computed("/dashboard/"),
                 note="the dashboard's cache off: every figure computed"),
    ]


def count_due() -> dict:
    today = timezone.localdate()
    return {"open_cases": Case.objects.open().count(),
            "follow_up_overdue": Case.objects.follow_up_overdue(today).count()}
