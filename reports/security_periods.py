"""What was done during each security period (敏感期) in the user's scope: cases
registered, supervision orders issued and drills held. One query for every period shown:
each figure is a subquery of the scoped rows."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Func, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from cases import stats as case_stats
from cases.models import Case, SecurityPeriod, SupervisionOrder
from drills.models import Drill
from riskdesk.figures import Figure, filtered_url


def _count(rows, field: str):
    """The number of ``rows`` whose ``field`` (a date, or a timestamp read as a local day)
    falls within the outer period, as a subquery."""
    inside = rows.filter(**{f"{field}__gte": OuterRef("starts_on"),
                            f"{field}__lte": OuterRef("ends_on")})
    # COUNT as a plain function: one row for the whole subquery, no GROUP BY.
    counted = inside.order_by().annotate(
        count=Func("pk", function="COUNT", output_field=IntegerField())).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def periods_with_work(user):
    """The security periods, newest first, each with ``cases``, ``orders`` and ``drills``:
    the counts of the user's own scope (never anyone else's)."""
    return SecurityPeriod.objects.annotate(
        cases=_count(Case.objects.for_user(user), "created_at__date"),
        orders=_count(SupervisionOrder.objects.for_user(user), "issued_at__date"),
        drills=_count(Drill.objects.for_user(user), "date"),
    ).order_by("-starts_on", "-id")


@dataclass
class PeriodRow:
    period: SecurityPeriod
    cases: Figure
    orders: Figure
    drills: Figure
    current: bool


def rows(periods, today: date) -> list[PeriodRow]:
    """Each period's figures with the lists behind them."""
    result = []
    for period in periods:
        span = {"_after": period.starts_on.isoformat(), "_before": period.ends_on.isoformat()}

        def params(name, span=span):
            return {f"{name}{suffix}": value for suffix, value in span.items()}

        result.append(PeriodRow(
            period=period,
            cases=Figure(period.cases, case_stats.list_url({}, **params("created"))),
            orders=Figure(period.orders, case_stats.orders_url({}, **params("issued"))),
            drills=Figure(period.drills, filtered_url("drills:list", {}, **params("date"))),
            current=period.starts_on <= today <= period.ends_on,
        ))
    return result
