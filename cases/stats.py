"""The figures of the dashboard and the work summary, from a few grouped queries.

Every function takes an already scoped queryset (``Case.objects.for_user(user)``, maybe
narrowed to one district) and returns plain numbers together with the case list URL that
shows the same rows, so each figure on a page links to the list behind it. The number
of queries does not depend on the number of cases, districts or categories: each figure
family is one ``GROUP BY`` whose rows are summed up in Python.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from statistics import median

from django.db import connection
from django.db.models import Aggregate, Count, DateField, DurationField, F, Q, Sum
from django.db.models.functions import TruncMonth

from cases.choices import OPEN_STATUSES, RiskLevel, Status
from riskdesk.figures import Figure, filtered_url
from riskdesk.periods import Period

DONE_STATUSES = [Status.RESOLVED, Status.CLOSED]
# The cases whose figures (people, amounts) are summed: not a duplicate merged into
# another case (cases.actions.links.merge_cases), whose figures its survivor carries.
COUNTED = Q(merged_into__isnull=True)
SLIPPING_ROWS = 5


def list_url(base: dict, **params) -> str:
    return filtered_url("cases:list", base, **params)


def orders_url(base: dict, **params) -> str:
    return filtered_url("supervision:list", base, **params)


class Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5)`` of an interval."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


# ---------------------------------------------------------------- open cases, now
@dataclass
class OpenCases:
    total: Figure
    by_status: list  # (value, label, Figure)
    by_risk: list
    by_category: list  # (category, Figure)
    by_district: dict  # district id -> Figure
    follow_up_overdue: Figure
    target_overdue: Figure
    escalated: list  # (level, Figure)
    district_counts: dict = field(default_factory=dict)  # id -> {"open": n, "overdue": n}


def open_cases(cases, *, today: date, base: dict, categories, districts) -> OpenCases:
    """Open cases by status, risk level, category and district, and what is slipping."""
    rows = list(
        cases.open().order_by()
        .values("district_id", "category_id", "risk_level", "status")
        .annotate(
            n=Count("id"),
            follow_up_overdue=Count("id", filter=Q(next_follow_up_due__lt=today)),
            target_overdue=Count("id", filter=Q(target_date__lt=today)),
            level_1=Count("id", filter=Q(escalation_level=1)),
            level_2=Count("id", filter=Q(escalation_level=2)),
        )
    )
    sums = defaultdict(Counter)
    for row in rows:
        for key in ("district_id", "category_id", "risk_level", "status"):
            sums[key][row[key]] += row["n"]
        for key in ("follow_up_overdue", "target_overdue", "level_1", "level_2"):
            sums["total"][key] += row[key]
        sums["overdue"][row["district_id"]] += row["follow_up_overdue"]
        sums["total"]["n"] += row["n"]
    open_status = [str(value) for value in OPEN_STATUSES]
    status_labels = dict(Status.choices)
    return OpenCases(
        total=Figure(sums["total"]["n"], list_url(base, status=open_status)),
        by_status=[
            (value, status_labels[value],
             Figure(sums["status"][value], list_url(base, status=value)))
            for value in open_status
        ],
        by_risk=[
            (value, label, Figure(sums["risk_level"][value],
                                  list_url(base, status=open_status, risk_level=value)))
            for value, label in RiskLevel.choices
        ],
        by_category=[
            (category, Figure(sums["category_id"][category.pk],
                              list_url(base, status=open_status, category=category.pk)))
            for category in categories
            if sums["category_id"][category.pk] or category.is_active
        ],
        by_district={
            district.pk: Figure(sums["district_id"][district.pk],
                                list_url(base, status=open_status, district=district.pk))
            for district in districts
        },
        follow_up_overdue=Figure(sums["total"]["follow_up_overdue"],
                                 list_url(base, follow_up_overdue="on")),
        target_overdue=Figure(sums["total"]["target_overdue"],
                              list_url(base, target_overdue="on")),
        escalated=[
            (level, Figure(sums["total"][f"level_{level}"],
                           list_url(base, status=open_status, escalation_level=level)))
            for level in (1, 2)
        ],
        district_counts={
            district.pk: {
                "open": sums["district_id"][district.pk],
                "overdue": sums["overdue"][district.pk],
            }
            for district in districts
        },
    )


def oldest_slipping(cases, *, today: date) -> dict:
    """The oldest overdue follow-ups and passed target dates (two short lists)."""
    related = cases.with_related()
    return {
        "follow_ups": list(
            related.follow_up_overdue(today).order_by("next_follow_up_due", "id")[:SLIPPING_ROWS]
        ),
        "targets": list(
            related.target_overdue(today).order_by("target_date", "id")[:SLIPPING_ROWS]
        ),
    }


# ---------------------------------------------------------------- the chosen period
@dataclass
class CategoryResult:
    """What the cases of one category registered in the period achieved."""

    category: object
    cases: Figure
    done: int
    people_affected: int
    people_helped: int
    amount_involved: Decimal
    amount_recovered: Decimal
    households_affected: int
    households_delivered: int

    @property
    def kind(self) -> str:
        return self.category.kind


@dataclass
class PeriodCases:
    new: Figure
    done: Figure  # registered in the period and now resolved or closed
    resolved: Figure  # marked resolved within the period (whenever registered)
    categories_with_cases: int
    results: list  # CategoryResult, one per category with cases
    by_district: dict  # id -> {"new", "done", "resolved", "median_days"}

    @property
    def rate(self) -> float | None:
        """Share of the period's new cases that are resolved or closed by now."""
        return self.done.value / self.new.value if self.new.value else None


def period_cases(cases, *, period: Period, base: dict, categories, districts) -> PeriodCases:
    """Cases registered in the period (with their figures) and cases resolved in it."""
    created = period.params("created")
    rows = list(
        cases.filter(**period.lookup("created_at")).order_by()
        .values("district_id", "category_id")
        .annotate(
            n=Count("id"),
            done=Count("id", filter=Q(status__in=DONE_STATUSES)),
            # a merged duplicate's figures are its survivor's: counted once
            people_affected=Sum("people_affected", filter=COUNTED),
            people_helped=Sum("people_helped", filter=COUNTED),
            amount_involved=Sum("amount_involved", filter=COUNTED),
            amount_recovered=Sum("amount_recovered", filter=COUNTED),
            households_affected=Sum("real_estate__households_affected", filter=COUNTED),
            households_delivered=Sum("real_estate__households_delivered", filter=COUNTED),
        )
    )
    by_category = defaultdict(Counter)
    by_district = {district.pk: Counter() for district in districts}
    for row in rows:
        for key, value in row.items():
            if key not in ("district_id", "category_id") and value:
                by_category[row["category_id"]][key] += value
        by_district.setdefault(row["district_id"], Counter())
        by_district[row["district_id"]]["new"] += row["n"]
        by_district[row["district_id"]]["done"] += row["done"]
    resolved = resolved_by_district(cases, period)
    for district_id, (count, days) in resolved.items():
        by_district.setdefault(district_id, Counter())
        by_district[district_id]["resolved"] = count
        by_district[district_id]["median_days"] = days
    results = [
        CategoryResult(
            category=category,
            cases=Figure(by_category[category.pk]["n"],
                         list_url(base, category=category.pk, **created)),
            done=by_category[category.pk]["done"],
            people_affected=by_category[category.pk]["people_affected"],
            people_helped=by_category[category.pk]["people_helped"],
            amount_involved=Decimal(by_category[category.pk]["amount_involved"]),
            amount_recovered=Decimal(by_category[category.pk]["amount_recovered"]),
            households_affected=by_category[category.pk]["households_affected"],
            households_delivered=by_category[category.pk]["households_delivered"],
        )
        for category in categories
        if by_category[category.pk]["n"]
    ]
    total_new = sum(row["n"] for row in rows)
    total_done = sum(row["done"] for row in rows)
    return PeriodCases(
        new=Figure(total_new, list_url(base, **created)),
        done=Figure(total_done, list_url(base, status=[str(s) for s in DONE_STATUSES],
                                         **created)),
        resolved=Figure(sum(count for count, _days in resolved.values()),
                        list_url(base, **period.params("resolved"))),
        categories_with_cases=len(results),
        results=results,
        by_district=by_district,
    )


def resolved_by_district(cases, period: Period) -> dict:
    """District id -> (cases resolved in the period, median days from registration)."""
    resolved = cases.filter(**period.lookup("resolved_at")).order_by()
    took = F("resolved_at") - F("created_at")
    if connection.vendor == "postgresql":
        rows = resolved.values("district_id").annotate(n=Count("id"), median=Median(took))
        return {row["district_id"]: (row["n"], _days(row["median"])) for row in rows}
    # Other databases (SQLite in development) have no percentile: compute it here.
    spans = defaultdict(list)
    for district_id, created_at, resolved_at in resolved.values_list(
        "district_id", "created_at", "resolved_at"
    ):
        spans[district_id].append(resolved_at - created_at)
    return {
        district_id: (len(values), _days(median(values))) for district_id, values in spans.items()
    }


def _days(span: timedelta | None) -> float | None:
    return None if span is None else round(span.total_seconds() / 86400, 1)


def trend(cases, *, period: Period, base: dict) -> list[dict]:
    """New and resolved cases in each of the 12 months ending with the period."""
    months = period.months(12)
    first = Period(months[0].year, months[0].month).bounds()[0]
    last = period.bounds()[1]

    def per_month(field_name):
        rows = (
            cases.filter(**{f"{field_name}__gte": first, f"{field_name}__lt": last})
            .order_by()
            .annotate(month=TruncMonth(field_name, output_field=DateField()))
            .values("month").annotate(n=Count("id"))
        )
        return {row["month"]: row["n"] for row in rows}

    new, resolved = per_month("created_at"), per_month("resolved_at")
    result = []
    for month in months:
        one = Period(month.year, month.month)
        result.append({
            "month": month,
            "new": Figure(new.get(month, 0), list_url(base, **one.params("created"))),
            "resolved": Figure(resolved.get(month, 0), list_url(base, **one.params("resolved"))),
        })
    return result


# ---------------------------------------------------------------- supervision orders
def overdue_orders(orders, *, today: date, base: dict) -> dict:
    overdue = orders.overdue(today)
    return {
        "count": Figure(overdue.count(), orders_url(base, overdue="on")),
        "oldest": list(
            overdue.select_related("case", "case__district").order_by("due_date", "id")[
                :SLIPPING_ROWS
            ]
        ),
    }


def period_orders(orders, *, period: Period) -> dict:
    """Orders issued in the period; answered, and answered by their due date."""
    return orders.filter(**period.lookup("issued_at")).aggregate(
        issued=Count("id"),
        answered=Count("id", filter=Q(answered_at__isnull=False)),
        on_time=Count("id", filter=Q(answered_at__date__lte=F("due_date"))),
    )


def escalated_in(cases, *, period: Period) -> int:
    return cases.filter(**period.lookup("escalated_at")).count()


# ---------------------------------------------------------------- a staff member's week
def due_this_week(cases, orders, *, user, today: date, base: dict) -> dict:
    """What a district's staff must do in the next seven days, soonest first."""
    week_end = today + timedelta(days=7)
    due = cases.open().filter(next_follow_up_due__gte=today, next_follow_up_due__lte=week_end)
    open_status = [str(value) for value in OPEN_STATUSES]
    window = {"follow_up_due_after": today.isoformat(),
              "follow_up_due_before": week_end.isoformat()}
    return {
        "mine": Figure(cases.open().filter(owner=user).count(),
                       list_url(base, mine="on", status=open_status)),
        "follow_ups": Figure(due.count(), list_url(base, status=open_status, **window)),
        "follow_up_rows": list(
            due.with_related().order_by("next_follow_up_due", "id")[:10]
        ),
        "orders": list(
            orders.awaiting_answer().filter(due_date__lte=week_end)
            .select_related("case").order_by("due_date", "id")[:10]
        ),
    }
