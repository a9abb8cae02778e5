"""Assessment figures for the dashboard and the work summary (see ``cases/stats.py``).

Each function takes querysets already scoped with ``for_user`` and returns numbers with
the decision or agency list URL that shows the same rows.
"""

from collections import Counter
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q

from assessments.choices import AgencyStatus, AssessmentStatus, Grade, Recommendation
from assessments.models import AgencyEvent, Decision, Training
from riskdesk.figures import Figure, filtered_url
from riskdesk.periods import Period

EXPIRY_WINDOW_DAYS = 60


def decisions_url(base: dict, **params) -> str:
    return filtered_url("decisions:list", base, **params)


def assessed(decisions, *, period: Period, base: dict) -> dict:
    """Decisions whose assessment concluded in the period, by grade and recommendation,
    and how many of them later caused a stability problem (one grouped query)."""
    window = period.params("assessed")
    caused = Exists(Decision.caused_cases.through.objects.filter(decision=OuterRef("pk")))
    rows = (
        decisions.filter(assessment__status=AssessmentStatus.CONCLUDED,
                         **period.lookup("assessment__concluded_at"))
        .order_by()
        .values("assessment__grade", "assessment__recommendation")
        .annotate(n=Count("id"), caused_n=Count("id", filter=caused))
    )
    grades, recommendations, total, caused_total = Counter(), Counter(), 0, 0
    for row in rows:
        grades[row["assessment__grade"]] += row["n"]
        recommendations[row["assessment__recommendation"]] += row["n"]
        total += row["n"]
        caused_total += row["caused_n"]
    return {
        "total": Figure(total, decisions_url(base, **window)),
        "by_grade": [
            (value, label, Figure(grades[value], decisions_url(base, grade=value, **window)))
            for value, label in Grade.choices
        ],
        "by_recommendation": [
            (value, label,
             Figure(recommendations[value], decisions_url(base, recommendation=value, **window)))
            for value, label in Recommendation.choices
        ],
        "caused": Figure(caused_total, decisions_url(base, caused_problem="on", **window)),
    }


def expiring_agencies(agencies, *, today: date) -> dict:
    expiring = agencies.expiring_within(EXPIRY_WINDOW_DAYS, today)
    return {
        "days": EXPIRY_WINDOW_DAYS,
        "count": Figure(expiring.count(), filtered_url(
            "agencies:list", {}, expiring_within=EXPIRY_WINDOW_DAYS)),
        "soonest": list(expiring.order_by("valid_until", "id")[:5]),
    }


def registry_in(agencies, *, period: Period) -> dict:
    """Agencies approved (first registration) and suspended in the period; trainings held."""
    events = AgencyEvent.objects.filter(agency__in=agencies, **period.lookup("at"))
    figures = events.aggregate(
        approved=Count("agency", distinct=True,
                       filter=Q(data__step="approve", data__to=AgencyStatus.APPROVED)),
        suspended=Count("agency", distinct=True, filter=Q(data__to=AgencyStatus.SUSPENDED)),
    )
    figures["trainings"] = Training.objects.filter(**period.date_lookup("date")).count()
    return figures
