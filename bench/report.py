"""The bench's one table: each figure next to its target; and, from two runs' JSON, the
province's table with how each figure grew (``python -m bench.report SMALL LARGE``)."""

import json
import sys
from pathlib import Path


def line(timing) -> str:
    if timing.skipped:
        return f"  {timing.name:<34} skipped: {timing.skipped}"
    return (f"  {timing.name:<34} median {timing.median_ms:>8} ms  p95 {timing.p95_ms:>8} ms"
            f"  {timing.queries:>4} queries")


def _by_name(results):
    return {row["name"]: row for row in results["scenarios"]}


def checks(results) -> list[tuple[str, str, str, bool | None]]:
    """(what, measured, target, met) for every target of the issue."""
    rows = _by_name(results)
    out = []

    def get(name, key="p95_ms"):
        row = rows.get(name)
        return None if row is None or row.get("skipped") else row.get(key)

    load = results.get("load") or {}
    by_kind = load.get("by_kind", {})
    list_p95 = by_kind.get("case list", {}).get("p95_ms")
    out.append(("case list p95 under load", f"{list_p95} ms", "<= 150 ms",
                None if list_p95 is None else list_p95 <= 150))
    q10, q100 = get("case list, 10 rows", "queries"), get("case list, 100 rows", "queries")
    out.append(("queries at 10 / 100 rows", f"{q10} / {q100}", "equal",
                None if q10 is None else q10 == q100))
    p1, p2000 = get("case list", "median_ms"), get("case list, page 2000", "median_ms")
    ratio = round(p2000 / p1, 2) if p1 and p2000 else None
    out.append(("page 2000 / page 1 (median)", f"{ratio}x", "<= 2x",
                None if ratio is None else ratio <= 2))
    ours, admin = get("case list, 100 rows (in turns)", "median_ms"), get(
        "admin changelist, 100 rows (in turns)", "median_ms")
    if ours is None:  # not timed in turns (--only): the separate runs
        ours, admin = get("case list, 100 rows", "median_ms"), get(
            "admin changelist, 100 rows", "median_ms")
    ratio = round(ours / admin, 2) if ours and admin else None
    results["list_vs_admin_ratio"] = ratio
    out.append(("case list / admin changelist (median, 100 rows)",
                f"{ours} / {admin} ms = {ratio}", "<= 0.5",
                None if ratio is None else ratio <= 0.5))
    api, html = (get("API case list, 100 rows (in turns with the API)", "median_ms"),
                 get("case list, 100 rows (in turns with the API)", "median_ms"))
    if api is None:  # not timed in turns (--only): the separate runs
        api, html = get("API case list, 100 rows", "median_ms"), get("case list, 100 rows",
                                                                     "median_ms")
    ratio = round(api / html, 2) if api and html else None
    out.append(("API list / HTML list (median, 100 rows)", f"{api} / {html} ms = {ratio}",
                "<= 1", None if ratio is None else ratio <= 1))
    q10, q500 = get("API case list, 10 rows", "queries"), get("API case list, 500 rows",
                                                              "queries")
    out.append(("API queries at 10 / 500 rows", f"{q10} / {q500}", "equal",
                None if q10 is None else q10 == q500))
    sync = next((row for name, row in rows.items() if name.startswith("API sync")), None)
    if sync and not sync.get("skipped"):
        out.append((sync["name"] + " (median)", f"{round(sync['median_ms'] / 1000, 2)} s, "
                    f"{sync['queries']} queries", "no skip, no repeat", True))
    detail = get("case detail, 50 events")
    out.append(("case detail p95", f"{detail} ms", "<= 100 ms",
                None if detail is None else detail <= 100))
    dashboard = get("dashboard, city, computed")
    out.append(("dashboard (city, computed) p95", f"{dashboard} ms" if dashboard else "skipped",
                "<= 300 ms", None if dashboard is None else dashboard <= 300))
    export = results.get("export_csv") or {}
    seconds, peak = export.get("seconds"), export.get("peak_rss_mb")
    out.append(("CSV export, all cases", f"{seconds} s, peak {peak} MB", "<= 20 s, <= 200 MB",
                None if seconds is None else seconds <= 20 and peak <= 200))
    imports = [row for name, row in rows.items() if name.startswith("import")]
    value = imports[0]["median_ms"] if imports and not imports[0]["skipped"] else None
    out.append(("import (median)", f"{value and round(value / 1000, 2)} s", "<= 30 s",
                None if value is None else value <= 30_000))
    value = get("escalation sweep", "median_ms")
    committed = get("escalation sweep, committed", "median_ms")
    out.append(("escalation sweep (rolled back median; committed)",
                f"{value and round(value / 1000, 2)} s; "
                f"{committed and round(committed / 1000, 2)} s",
                "<= 5 s", None if value is None else max(value, committed or 0) <= 5000))
    bulk = next((row for name, row in rows.items()
                 if name.startswith("bulk close") and not row.get("skipped")), None)
    if bulk:
        out.append((bulk["name"] + " (median)",
                    f"{round(bulk['median_ms'] / 1000, 2)} s, {bulk['queries']} queries",
                    "<= 10 s", bulk["median_ms"] <= 10_000))
    value = get("duplicate suggestion")
    out.append(("duplicate suggestion p95", f"{value} ms", "<= 100 ms",
                None if value is None else value <= 100))
    rps, errors = load.get("throughput_rps"), load.get("errors")
    out.append(("throughput, mixed load", f"{rps} req/s, {errors} errors",
                ">= 100 req/s, 0 errors", None if rps is None else rps >= 100 and errors == 0))
    return out


# The province table: (what, target, limit, unit). The figures are read by
# province_figures(); a ratio has no unit.
PROVINCE_TARGETS = [
    ("a city supervisor's case list (one city), p95", "≤ 200 ms", 200, "ms"),
    ("the province-wide list, p95", "≤ 400 ms", 400, "ms"),
    ("deep page / page 1 of the province's list (median, in turns)", "≤ 2×", 2, "×"),
    ("dashboard computed for the whole province, p95", "≤ 1.5 s", 1500, "ms"),
    ("dashboard computed for one city, p95", "≤ 300 ms", 300, "ms"),
    ("export of one city (CSV, background job): time", "≤ 30 s", 30, "s"),
    ("export of one city: peak memory of the process", "≤ 300 MB", 300, "MB"),
    ("escalation sweep (median, rolled back)", "≤ 30 s", 30, "s"),
]


def province_figures(results) -> list[dict]:
    """The province table's figures of one run (None where not measured)."""
    rows = _by_name(results)

    def get(name, key="p95_ms"):
        row = rows.get(name)
        return None if row is None or row.get("skipped") else row.get(key)

    first = get("province: province-wide list (in turns)", "median_ms")
    deep = get("province: province-wide list, deep page (in turns)", "median_ms")
    if first is None or deep is None:  # not timed in turns (--only): the separate runs
        first = get("province: province-wide list", "median_ms")
        deep = get("province: province-wide list, deep page", "median_ms")
    export = results.get("export_city_csv") or {}
    sweep = get("escalation sweep", "median_ms")
    values = [
        get("province: city supervisor's list"),
        get("province: province-wide list"),
        round(deep / first, 2) if first and deep else None,
        get("province: dashboard, province, computed"),
        get("province: dashboard, one city, computed"),
        export.get("seconds"),
        export.get("peak_rss_mb"),
        None if sweep is None else round(sweep / 1000, 2),
    ]
    return [{"what": what, "target": target, "value": value, "unit": unit,
             "met": None if value is None else value <= limit}
            for (what, target, limit, unit), value in zip(PROVINCE_TARGETS, values, strict=True)]


def _figure(value, unit) -> str:
    if value is None:
        return "not measured"
    return f"{value}{unit}" if unit == "×" else f"{value:,} {unit}"


def growth(small, large) -> str:
    """The province table in Markdown: each figure at both sizes and how it grew."""
    lines = [f"| what | target | {small['cases']:,} cases | {large['cases']:,} cases "
             "| growth | met |", "| --- | --- | --- | --- | --- | --- |"]
    for before, after in zip(province_figures(small), province_figures(large), strict=True):
        ratio = (f"{after['value'] / before['value']:.2f}×"
                 if before["value"] and after["value"] is not None else "")
        met = {None: "-", True: "yes", False: "no"}[after["met"]]
        lines.append(f"| {after['what']} | {after['target']} | "
                     f"{_figure(before['value'], before['unit'])} | "
                     f"{_figure(after['value'], after['unit'])} | {ratio} | {met} |")
    return "\n".join(lines)


def table(results) -> str:
    lines = [f"\nRiskDesk bench: {results['cases']:,} cases, seeded in "
             f"{results['seed_seconds']} s; {results.get('data')}",
             f"load average {results.get('load_average_at_start')} at start, "
             f"{results.get('load_average_at_end')} at end, {results.get('cpus')} CPUs "
             "(others' work on the machine inflates every figure)", ""]
    lines.append(f"  {'scenario':<34} {'median':>10} {'p95':>10} {'queries':>8}")
    for row in results["scenarios"]:
        if row["skipped"]:
            lines.append(f"  {row['name']:<34} skipped: {row['skipped']}")
        else:
            lines.append(f"  {row['name']:<34} {row['median_ms']:>7} ms {row['p95_ms']:>7} ms"
                         f" {row['queries']:>8}")
    load = results.get("load")
    if load and "error" not in load:
        lines.append("")
        lines.append(f"  load: {load['users']} users, {load['seconds']} s, "
                     f"{load['requests']} requests, {load['throughput_rps']} req/s, "
                     f"p50 {load['p50_ms']} p95 {load['p95_ms']} p99 {load['p99_ms']} ms, "
                     f"errors {load['errors']}; gunicorn CPU per request "
                     f"{load.get('server_cpu_ms_per_request')} ms "
                     f"(at most ~{load.get('capacity_rps_per_core')} req/s per free core)")
        lines.append(f"  CPU per request: gunicorn {load.get('server_cpu_ms_per_request')} ms, "
                     f"PostgreSQL {load.get('database_cpu_ms_per_request')} ms, load generator "
                     f"{load.get('load_generator_cpu_ms_per_request')} ms; "
                     f"{load.get('gunicorn_workers')} gunicorn workers")
        for kind, row in load["by_kind"].items():
            lines.append(f"    {kind:<18} {row['requests']:>6} req  p50 {row['p50_ms']:>7}"
                         f"  p95 {row['p95_ms']:>7}  p99 {row['p99_ms']:>7} ms")
    elif load:
        lines.append(f"  load failed: {load['error']}")
    lines.append("")
    lines.append(f"  {'target':<48} {'measured':<34} {'goal':<20} met")
    for what, measured, goal, met in checks(results):
        mark = "-" if met is None else ("yes" if met else "NO")
        lines.append(f"  {what:<48} {measured:<34} {goal:<20} {mark}")
    if any(row["name"].startswith("province:") for row in results["scenarios"]) or (
            "export_city_csv" in results):
        lines.append("")
        lines.append(f"  province ({results.get('cities', 1)} cities):")
        for row in province_figures(results):
            mark = "-" if row["met"] is None else ("yes" if row["met"] else "NO")
            lines.append(f"  {row['what']:<62} {_figure(row['value'], row['unit']):<16} "
                         f"{row['target']:<10} {mark}")
    results["targets"] = [
        {"what": what, "measured": measured, "target": goal, "met": met}
        for what, measured, goal, met in checks(results)
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    small, large = (json.loads(Path(path).read_text(encoding="utf-8")) for path in sys.argv[1:3])
    print(growth(small, large))
