"""Fill a database with a city's years of work, or a province's, fast.

The ten districts and nine categories of the demo, bench users with a known password
(hashed once), then ``cases`` cases with on average 9 follow-ups, 20 history events and
two attachments each, 500 supervision orders and 2,000 decisions. The big tables are
written with PostgreSQL's COPY (a bulk_create fallback keeps it usable on SQLite for the
smoke test); ids are given by the seeder and the sequences moved past them afterwards.
The cases are made and written ``CHUNK`` at a time, each chunk in its own transaction, so
a province's million takes no more memory than a city's hundred thousand.

A province is several cities' worth (one per ``CASES_PER_CITY`` cases: 13 for 1,000,000,
as the issue has it). RiskDesk knows no city above the district, so each further city is
its ten districts again under city-coded names (``c02-kundulun``, 第2市昆都仑区), its own
staff and supervisors, and one "city supervisor" whose membership lists the city's
districts; the ``city_wide`` supervisors see every district, i.e. the province.

Exactly ``due_count(cases)`` open cases (``DUE_CASES``, or 1 % of a province's) have a
follow-up overdue long enough to reach both escalation levels, so the escalation sweep has
a known amount of work; every other open case is due in the future. ``DETAIL_EVENTS``
events belong to the first case, the one the detail page is timed on.
"""

import io
import json
import multiprocessing
import os
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, connections, transaction
from django.utils import timezone

from assessments.choices import DecisionLevel, DecisionStatus, DecisionType
from assessments.models import Decision, Department
from cases.choices import (
    OPEN_STATUSES,
    CategoryKind,
    EventKind,
    FollowUpMethod,
    OrderState,
    RiskLevel,
    SchemeType,
    Source,
    Status,
    SupervisionLevel,
)
from cases.demo import seed_categories
from cases.models import (
    Attachment,
    Case,
    CaseEvent,
    FollowUp,
    MassVictimDetails,
    RealEstateDetails,
    ReferenceCounter,
    SupervisionOrder,
    WageArrearsDetails,
)
from riskdesk.choices import AttachmentKind, Role
from riskdesk.demo import DISTRICTS
from riskdesk.models import District, Membership

PASSWORD = "bench-password-2026"  # noqa: S105 (a throwaway database's users)
DUE_CASES = 1000
CASES_PER_CITY = 77_000  # 13 cities in the issue's province of 1,000,000 cases
CHUNK = 20_000  # cases made and written at a time
DETAIL_EVENTS = 50
ORDERS = 500
DECISIONS = 2000

# Realistic mixes (weights): most cases are being worked on, a quarter are closed.
STATUS_MIX = {
    Status.REPORTED: 10, Status.VERIFIED: 15, Status.IN_RESOLUTION: 40,
    Status.RESOLVED: 10, Status.CLOSED: 25,
}
RISK_MIX = {RiskLevel.MAJOR: 5, RiskLevel.HIGH: 15, RiskLevel.MEDIUM: 40, RiskLevel.LOW: 40}
DISTRICT_WEIGHTS = [22, 18, 14, 12, 4, 2, 8, 6, 5, 9]  # the big urban districts first
CATEGORY_WEIGHTS = [25, 20, 12, 10, 8, 8, 7, 5, 5]
WORDS = ["烂尾楼", "工资", "集资", "拆迁", "污染", "社保", "学校", "医院", "退役", "改制",
         "项目", "小区", "工地", "合作社", "物业", "安置", "补偿", "欠薪", "维权", "信访"]
# Addresses and wage projects as varied as a city's: a street and a residential compound
# (the duplicate suggestion compares them by similarity, so 3,000 addresses differing
# only by their number would make every case of a district alike). Taken from the case's
# number, not the random generator, so the other figures are as before.
STREETS = ["钢铁大街", "阿尔丁大街", "民族东路", "友谊大街", "青年路", "建设路", "林荫路",
           "少先路", "白云路", "团结大街", "富强路", "幸福路", "包钢路", "昆河路", "兵工路",
           "文化路", "健康路", "和平路", "光明路", "胜利路", "黄河大街", "站前路", "劳动路",
           "北沙梁路", "乌素图路", "呼得木林大街", "巴彦塔拉大街", "哈屯高勒路", "公园路",
           "银河广场路"]
COMPOUNDS = ["阳光", "幸福", "锦绣", "翠苑", "金地", "绿都", "青山", "北梁", "鹿城", "万和",
             "华丰", "恒大", "碧水", "润泽", "瑞丰", "东方", "明珠", "景苑", "康乐", "富力",
             "丽景", "嘉园", "盛世", "泰和", "安居", "新城", "融创", "星河", "馨园", "万达",
             "海德", "天骄", "草原", "塞外", "稀土", "钢城", "振华", "宏达", "永盛", "北辰"]
STEPS = [Status.VERIFIED, Status.IN_RESOLUTION, Status.RESOLVED, Status.CLOSED]
TRANSITION_INTO = {Status.VERIFIED: "verify", Status.IN_RESOLUTION: "start",
                   Status.RESOLVED: "resolve", Status.CLOSED: "close"}


@dataclass
class Seeded:
    """What the measurements need to know about the data."""

    cases: int = 0
    cities: int = 1
    due: int = 0
    counts: dict = field(default_factory=dict)
    seconds: float = 0.0
    detail_reference: str = ""
    city_user: str = ""
    district_user: str = ""
    district_code: str = ""
    admin_user: str = ""
    city_supervisor: str = ""  # a supervisor of one city's districts (not city_wide)
    load_users: list = field(default_factory=list)


# ---------------------------------------------------------------- writing rows fast
def _text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, datetime):
        value = value.isoformat()
    else:
        value = str(value)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace(
        "\r", "\\r")


def write_rows(model, fields: list[str], rows) -> int:
    """Insert ``rows`` (tuples in ``fields`` order, attribute names) into ``model``'s
    table: COPY on PostgreSQL, bulk_create in big batches elsewhere. Returns the count."""
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=2000)
        return len(objects)
    # COPY knows nothing of Django's defaults: add them for the columns not given.
    defaults = [
        (f.attname, f.get_default()) for f in model._meta.concrete_fields
        if f.attname not in fields and not f.primary_key
    ]
    if defaults:
        fields = [*fields, *(name for name, _value in defaults)]
        tail = tuple(value for _name, value in defaults)
        rows = (tuple(row) + tail for row in rows)
    column = {f.attname: f.column for f in model._meta.concrete_fields}
    columns = ", ".join(
        connection.ops.quote_name(column[name]) for name in fields
    )
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    count = 0
    buffer = io.StringIO()
    with connection.cursor() as cursor:
        for row in rows:
            buffer.write("\t".join(_text(value) for value in row))
            buffer.write("\n")
            count += 1
            if count % 50_000 == 0:
                buffer.seek(0)
                cursor.cursor.copy_expert(sql, buffer)
                buffer = io.StringIO()
        buffer.seek(0)
        cursor.cursor.copy_expert(sql, buffer)
    return count


def next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def reset_sequences(*models) -> None:
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def city_count(cases: int) -> int:
    return max(1, round(cases / CASES_PER_CITY))


def due_count(cases: int) -> int:
    """Open cases due for escalation: 1,000 in a city, 1 % of a province's."""
    return min(cases, max(DUE_CASES, cases // 100))


def _pick(rng, mix: dict):
    return rng.choices(list(mix), weights=list(mix.values()))[0]


# ---------------------------------------------------------------- people and reference data
def _address(district, offset, number) -> str:
    street = STREETS[offset % len(STREETS)]  # 1,200 pairs of street and compound
    compound = COMPOUNDS[offset // len(STREETS) % len(COMPOUNDS)]
    return f"{district.name_zh}{street}{number}号{compound}小区"


def _user(username, *, role, districts=(), city_wide=False, password_hash, staff=False):
    user_model = get_user_model()
    user, _created = user_model.objects.update_or_create(
        username=username,
        defaults={"password": password_hash, "is_active": True, "is_staff": staff,
                  "is_superuser": staff, "email": f"{username}@bench.invalid",
                  "first_name": username},
    )
    membership, _created = Membership.objects.update_or_create(
        user=user, defaults={"role": role, "city_wide": city_wide}
    )
    membership.districts.set(districts)
    return user


def city_districts(number: int) -> list[tuple[str, str, str]]:
    """(code, English name, Chinese name) of the districts of city ``number`` (from 1):
    the demo's for the first, city-coded copies of them for the others."""
    if number == 1:
        return list(DISTRICTS)
    return [(f"c{number:02d}-{code}", f"City {number} {name_en}", f"第{number}市{name_zh}")
            for code, name_en, name_zh in DISTRICTS]


def seed_people(result: Seeded, cities: int = 1):
    districts, by_city = [], []
    for number in range(1, cities + 1):
        by_city.append([])
        for code, name_en, name_zh in city_districts(number):
            district, _created = District.objects.get_or_create(
                code=code, defaults={"name_en": name_en, "name_zh": name_zh}
            )
            districts.append(district)
            by_city[-1].append(district)
    categories, _created = seed_categories()
    password_hash = make_password(PASSWORD)  # one slow Argon2 hash for everyone
    admin = _user("bench-admin", role=Role.ADMIN, password_hash=password_hash, staff=True)
    city = [_user(f"bench-city-{n}", role=Role.SUPERVISOR, city_wide=True,
                  password_hash=password_hash) for n in range(1, 6)]
    staff, supervisors = {}, {}
    for district in districts:
        staff[district.pk] = [
            _user(f"bench-{district.code}-staff{n}", role=Role.STAFF, districts=[district],
                  password_hash=password_hash) for n in (1, 2)
        ]
        supervisors[district.pk] = _user(
            f"bench-{district.code}-supervisor", role=Role.SUPERVISOR, districts=[district],
            password_hash=password_hash,
        )
    for number, members in enumerate(by_city, start=1):
        chosen = _user(f"bench-c{number:02d}-city-supervisor", role=Role.SUPERVISOR,
                       districts=members, password_hash=password_hash)
        if number == 1:
            result.city_supervisor = chosen.username
    result.city_user = city[0].username
    result.admin_user = admin.username
    result.district_user = supervisors[districts[0].pk].username
    result.district_code = districts[0].code
    # 20 signed-in users for the load test: 5 city supervisors, 10 staff, 5 supervisors.
    result.load_users = (
        [("city", u.username) for u in city]
        + [("staff", staff[d.pk][0].username) for d in districts]
        + [("supervisor", supervisors[d.pk].username) for d in districts[:5]]
    )
    return districts, list(categories.values()), staff, supervisors, city


# ---------------------------------------------------------------- the cases and their history
CASE_FIELDS = [
    "id", "reference", "title", "description", "category_id", "district_id", "address",
    "risk_level", "source", "responsible_unit", "lead_official", "owner_id", "status",
    "target_date", "next_follow_up_due", "people_affected", "people_helped",
    "amount_involved", "amount_recovered", "source_reference", "escalation_level",
    "escalated_at", "supervision_level", "resolved_at", "closed_at", "created_at",
    "created_by_id", "updated_at", "updated_by_id",
]


@contextmanager
def bulk_session():
    """The seeding connection skips the foreign-key triggers while it COPYs (the seeder
    writes only ids it made; checking 40 million references row by row would take most
    of a province's seeding) and does not wait for each commit to reach the disk. Both
    are PostgreSQL superuser settings of this session only, undone afterwards."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        superuser = cursor.fetchone()[0]
        if superuser:
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = DEFAULT")
            if superuser:
                cursor.execute("SET session_replication_role = DEFAULT")


def seed(*, cases: int = 100_000, seed: int = 2026, cities: int | None = None,
         workers: int | None = None, chunk: int = CHUNK, out=print) -> Seeded:
    """Add ``cases`` cases and their history to the current database, ``CHUNK`` cases at a
    time (made, written, forgotten: a province takes no more memory than a city).

    On PostgreSQL, outside a transaction, the chunks are made and written by ``workers``
    processes (default: one per core) with a connection each: making the rows is Python's
    work and writing them PostgreSQL's, so one process leaves a core idle. Each chunk has
    its own random generator and id ranges, so the data do not depend on who wrote what."""
    started = time.perf_counter()
    rng = random.Random(seed)
    cities = cities or city_count(cases)
    result = Seeded(cases=cases, cities=cities)
    with transaction.atomic():
        districts, categories, staff, supervisors, city = seed_people(result, cities)
    first_case = next_id(Case)
    result.due = due_count(cases)
    global _PLAN
    _PLAN = {
        "seed": seed, "cases": cases, "chunk": chunk, "first_case": first_case,
        "first_ids": {"followup": next_id(FollowUp), "event": next_id(CaseEvent),
                      "attachment": next_id(Attachment)},
        "due_ids": set(rng.sample(range(first_case, first_case + cases), result.due)),
        "districts": districts, "weights": DISTRICT_WEIGHTS * cities,  # every city alike
        "categories": categories, "staff": staff, "now": timezone.now(),
        "today": timezone.localdate(),
        # the reference numbers go on from the last given in each year
        "base": dict(ReferenceCounter.objects.values_list("year", "last")),
    }
    starts = range(0, cases, chunk)
    workers = workers or os.cpu_count() or 1
    parallel = (connection.vendor == "postgresql" and not connection.in_atomic_block
                and len(starts) > 1 and workers > 1)
    counts, per_year, open_sample = result.counts, {}, []

    def add_up(done):
        for number, written in enumerate(done, start=1):
            for key, count in written["counts"].items():
                counts[key] = counts.get(key, 0) + count
            for year, last in written["per_year"].items():
                per_year[year] = max(per_year.get(year, 0), last)
            open_sample.extend(written["open"])
            result.detail_reference = written["detail_reference"] or result.detail_reference
            if len(starts) > 1:
                out(f"  {min(cases, number * chunk):,} of {cases:,} cases written "
                    f"({time.perf_counter() - started:.0f} s)")

    if parallel:
        connections.close_all()  # each process opens its own
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            add_up(pool.imap_unordered(_seed_chunk, starts))
            pool.close()
            pool.join()
    else:
        add_up(map(_seed_chunk, starts))
    with transaction.atomic():
        counts["orders"] = seed_orders(rng, open_sample, supervisors, _PLAN["today"])
        counts["decisions"] = seed_decisions(rng, districts, city[0], _PLAN["today"])
        for year, last in per_year.items():
            counter, _created = ReferenceCounter.objects.get_or_create(year=year)
            counter.last = last
            counter.save(update_fields=["last"])
        reset_sequences(Case, FollowUp, CaseEvent, Attachment)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # What autovacuum does on a database that has been running for a while: fresh
        # statistics, and the visibility map that lets counts use index-only scans.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    result.seconds = time.perf_counter() - started
    out(f"Seeded {counts['cases']:,} cases in {cities} cities, "
        f"{counts['follow_ups']:,} follow-ups, "
        f"{counts['events']:,} events, {counts['attachments']:,} attachments, "
        f"{counts['orders']:,} orders, {counts['decisions']:,} decisions "
        f"in {result.seconds:.1f} s.")
    return result


_PLAN: dict = {}  # what every chunk needs, set by seed() before the workers fork
MAX_FOLLOW_UPS, MAX_EVENTS = 20, max(DETAIL_EVENTS, 30)  # per case: the chunks' id ranges


def _seed_chunk(start: int) -> dict:
    """Make and write the cases from offset ``start``, in one transaction; return what
    seed() adds up: the counts, the last reference number of each year, up to ``ORDERS``
    open cases that orders may go to, the detail page's case."""
    plan = _PLAN
    offsets = range(start, min(plan["cases"], start + plan["chunk"]))
    rng = random.Random(f"{plan['seed']}-{start}")
    ids = {"followup": plan["first_ids"]["followup"] + start * MAX_FOLLOW_UPS,
           "event": plan["first_ids"]["event"] + start * MAX_EVENTS,
           "attachment": plan["first_ids"]["attachment"] + start * MAX_EVENTS}
    per_year, open_plan = {}, []
    rows = _chunk_rows(rng, offsets, ids=ids, per_year=per_year, open_plan=open_plan, **{
        key: plan[key] for key in ("cases", "first_case", "due_ids", "districts", "weights",
                                   "categories", "staff", "now", "today", "base")})
    with bulk_session(), transaction.atomic():
        counts = _write_chunk(rows)
    return {"counts": counts, "per_year": per_year,
            "open": rng.sample(open_plan, min(ORDERS, len(open_plan))),
            "detail_reference": rows["cases"][0][1] if start == 0 else ""}


def _chunk_rows(rng, offsets, *, cases, first_case, ids, due_ids, districts, weights,
                categories, staff, now, today, per_year, base, open_plan) -> dict:
    """The rows of the cases at ``offsets`` and of their history, table by table."""
    case_values, follow_rows, event_rows, attachment_rows = [], [], [], []
    details = {CategoryKind.REAL_ESTATE: [], CategoryKind.WAGE_ARREARS: [],
               CategoryKind.MASS_VICTIM: []}
    span_days = 5 * 365
    for offset in offsets:
        case_id = first_case + offset
        district = rng.choices(districts, weights=weights)[0]
        category = rng.choices(categories, weights=CATEGORY_WEIGHTS)[0]
        owner = rng.choice(staff[district.pk])
        due = case_id in due_ids
        status = rng.choice(OPEN_STATUSES[:3]) if due else _pick(rng, STATUS_MIX)
        risk = _pick(rng, RISK_MIX)
        created = now - timedelta(days=span_days * (cases - offset) / cases,
                                  seconds=rng.randrange(3600))
        year = timezone.localtime(created).year
        # numbered by the case's place, so that chunks made apart never share a number
        number = base.get(year, 0) + offset + 1
        per_year[year] = max(per_year.get(year, 0), number)
        reference = f"RC-{year}-{number:05d}"
        is_open = status in OPEN_STATUSES
        if due:
            next_due = today - timedelta(days=61 + rng.randrange(30))
        elif is_open:
            next_due = today + timedelta(days=rng.randrange(1, 60))
        else:
            next_due = None
        affected = rng.randrange(1, 2000)
        involved = Decimal(rng.randrange(10_000, 50_000_000))
        closed_at = created + timedelta(days=rng.randrange(30, 300)) if not is_open else None
        words = rng.sample(WORDS, 3)
        title = f"{district.name_zh}{''.join(words)}问题 {offset}"
        case_values.append((
            case_id, reference, title,
            f"{'，'.join(rng.sample(WORDS, 6))}。涉及{affected}人，第{offset}号排查线索。",
            category.pk, district.pk, _address(district, offset, rng.randrange(1, 300)),
            risk, rng.choice(Source.values), f"{district.name_zh}住建局", "张副区长",
            owner.pk, status,
            today + timedelta(days=rng.randrange(30, 400)) if is_open else None,
            next_due, affected, rng.randrange(0, affected + 1), involved,
            (involved * Decimal(rng.randrange(0, 101)) / 100).quantize(Decimal("0.01")),
            f"BENCH-{case_id}", 0, None, "", closed_at if status == Status.RESOLVED else None,
            closed_at, created, owner.pk, closed_at or created, owner.pk,
        ))
        if status in OPEN_STATUSES[:3]:
            open_plan.append((case_id, district.pk, created))
        kind_rows = details.get(category.kind)
        if kind_rows is not None:
            kind_rows.append((case_id, words))
        # follow-ups (0..20, 10 on average) and history (about 20 events on average)
        wanted_events = DETAIL_EVENTS if offset == 0 else rng.randrange(10, 31)
        events = [(EventKind.CREATED, created, {"status": Status.REPORTED,
                                                "source_reference": f"BENCH-{case_id}"})]
        if status != Status.REPORTED:
            for step in STEPS[: STEPS.index(status) + 1]:
                previous = Status.REPORTED if step == STEPS[0] else STEPS[STEPS.index(step) - 1]
                events.append((EventKind.TRANSITION, created + timedelta(days=len(events)), {
                    "transition": TRANSITION_INTO[step], "from": previous, "to": step,
                    "note": "按计划推进"}))
        n_follow = min(rng.randrange(0, 21), wanted_events - len(events))
        for number in range(n_follow):
            follow_id = ids["followup"]
            ids["followup"] += 1
            day = (created + timedelta(days=7 * (number + 1))).date()
            follow_rows.append((
                follow_id, case_id, day, rng.choice(FollowUpMethod.values),
                f"第{number + 1}次跟进：{'、'.join(rng.sample(WORDS, 4))}", 0, Decimal(0), 0,
                created + timedelta(days=7 * (number + 1)), owner.pk,
            ))
            events.append((EventKind.FOLLOW_UP, created + timedelta(days=7 * (number + 1)), {
                "follow_up": follow_id, "date": day.isoformat(), "method": "meeting",
                "people_helped_added": 0, "amount_recovered_added": "0",
                "households_delivered_added": 0, "next_due": None}))
        while len(events) < wanted_events:
            at = created + timedelta(hours=len(events) * 13)
            if rng.random() < 0.25:
                attachment_id = ids["attachment"]
                ids["attachment"] += 1
                attachment_rows.append((
                    attachment_id, case_id, f"attachments/bench/{attachment_id}.pdf",
                    f"材料{attachment_id}.pdf", "application/pdf", AttachmentKind.DOCUMENT,
                    rng.randrange(10_000, 5_000_000), "0" * 64, at, owner.pk,
                ))
                events.append((EventKind.ATTACHMENT, at, {
                    "attachment": attachment_id, "name": f"材料{attachment_id}.pdf",
                    "size": 1, "follow_up": None}))
            else:
                events.append((EventKind.EDITED, at, {"changes": {
                    "responsible_unit": ["", f"{district.name_zh}住建局"],
                    "people_affected": [str(affected - 1), str(affected)]}}))
        for kind, at, data in events:
            event_rows.append((ids["event"], case_id, kind, owner.pk, at, data))
            ids["event"] += 1
    return {"cases": case_values, "details": details, "follow_ups": follow_rows,
            "attachments": attachment_rows, "events": event_rows}


def _write_chunk(rows) -> dict:
    details = rows["details"]
    return {
        "cases": write_rows(Case, CASE_FIELDS, rows["cases"]),
        "real_estate_details": write_rows(
            RealEstateDetails, ["case_id", "project_name", "developer", "households_affected"],
            ((cid, f"{w[0]}{w[1]}花园", f"{w[2]}置业有限公司", 300)
             for cid, w in details[CategoryKind.REAL_ESTATE])),
        "wage_arrears_details": write_rows(
            WageArrearsDetails, ["case_id", "employer", "project"],
            ((cid, f"{w[0]}{w[1]}建筑公司", f"{COMPOUNDS[cid * 11 % len(COMPOUNDS)]}{w[2]}工程")
             for cid, w in details[CategoryKind.WAGE_ARREARS])),
        "mass_victim_details": write_rows(
            MassVictimDetails, ["case_id", "scheme_type"],
            ((cid, SchemeType.ILLEGAL_FUNDRAISING)
             for cid, _w in details[CategoryKind.MASS_VICTIM])),
        "follow_ups": write_rows(FollowUp, [
            "id", "case_id", "date", "method", "summary", "people_helped_added",
            "amount_recovered_added", "households_delivered_added", "created_at",
            "created_by_id"], rows["follow_ups"]),
        "attachments": write_rows(Attachment, [
            "id", "case_id", "file", "original_name", "content_type", "kind", "size", "sha256",
            "uploaded_at", "uploaded_by_id"], rows["attachments"]),
        "events": write_rows(
            CaseEvent, ["id", "case_id", "kind", "user_id", "at", "data"], rows["events"]),
    }


def seed_orders(rng, open_plan, supervisors, today) -> int:
    """Orders on open cases, due in the future (the sweep's due work is the cases')."""
    chosen = rng.sample(open_plan, min(ORDERS, len(open_plan)))
    orders = []
    for case_id, district_id, created in chosen:
        due = today + timedelta(days=rng.randrange(5, 60))
        orders.append(SupervisionOrder(
            case_id=case_id, level=rng.choice(SupervisionLevel.values),
            instructions="请于期限内报送化解进展。", due_date=due, original_due_date=due,
            state=rng.choice([OrderState.ISSUED, OrderState.ACKNOWLEDGED]),
            issued_by=supervisors[district_id], issued_at=created + timedelta(days=3),
        ))
    SupervisionOrder.objects.bulk_create(orders, batch_size=1000)
    return len(orders)


def seed_decisions(rng, districts, user, today) -> int:
    departments = [Department.objects.get_or_create(
        name_zh="市发展和改革委员会（基准）", defaults={"name_en": "City DRC (bench)"})[0]]
    for district in districts:
        departments.append(Department.objects.get_or_create(
            name_zh=f"{district.name_zh}住建局（基准）",
            defaults={"name_en": f"{district.name_en} housing (bench)", "district": district},
        )[0])
    decisions = []
    for number in range(DECISIONS):
        department = rng.choice(departments)
        decisions.append(Decision(
            title=f"重大决策 {number}：{''.join(rng.sample(WORDS, 2))}",
            department=department,
            level=DecisionLevel.DISTRICT if department.district_id else DecisionLevel.CITY,
            district_id=department.district_id, decision_type=rng.choice(DecisionType.values),
            planned_date=today - timedelta(days=rng.randrange(-90, 1500)),
            status=rng.choice([DecisionStatus.REGISTERED, DecisionStatus.UNDER_ASSESSMENT,
                               DecisionStatus.ASSESSED]),
            created_by=user,
        ))
    Decision.objects.bulk_create(decisions, batch_size=1000)
    return len(decisions)
