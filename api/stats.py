"""``/api/v1/stats/``: the dashboard's figures, for the city's big screens and the
province's roll-up.

The same numbers as the ``/dashboard/`` page for the same user, scope and period: the
query parameters are the page's (``year``, ``month``, ``district``, ``sort``), read by the
page's own ``reports.views._selection`` (which also refuses the roles that have no
dashboard: 404), and the figures come from the page's own function,
``reports.dashboard.figures``. Here they are only written out as numbers.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.views import ERRORS, NOT_FOUND, ApiView
from assessments.choices import Grade, Recommendation
from cases.choices import CategoryKind, RiskLevel, Status
from reports import dashboard
from reports.views import _selection as page_selection
from riskdesk.models import District
from riskdesk.periods import FIRST_YEAR
from riskdesk.replica import reading_from_replica

SORTS = [sort for key in dashboard.LEAGUE_SORTS for sort in (key, f"-{key}")]
YUAN = "In yuan (元, CNY): a decimal string with two places."


def count(help_text):
    return serializers.IntegerField(read_only=True, help_text=help_text)


def money(help_text):
    return serializers.DecimalField(max_digits=20, decimal_places=2, read_only=True,
                                    help_text=f"{help_text} {YUAN}")


def rate(help_text):
    return serializers.FloatField(read_only=True, allow_null=True, help_text=help_text)


# ---------------------------------------------------------------- the query
class StatsQuerySerializer(serializers.Serializer):
    """The dashboard page's selector: a year or one month of it, and maybe one district."""

    year = serializers.IntegerField(
        required=False, min_value=FIRST_YEAR,
        help_text="The year (this year unless given).")
    month = serializers.IntegerField(
        required=False, min_value=1, max_value=12,
        help_text="One month (1 to 12) of the year; the whole year unless given.")
    district = serializers.IntegerField(
        required=False, min_value=1,
        help_text="One of your districts (its id, GET /api/v1/districts/); all of them "
                  "unless given.")
    sort = serializers.ChoiceField(
        choices=SORTS, required=False, default="-open",
        help_text="The order of the district table (league): a column, - for descending.")

    def validate_year(self, value):
        if value > timezone.localdate().year + 1:
            raise serializers.ValidationError(
                _("Enter a year from %(first)d to next year.") % {"first": FIRST_YEAR})
        return value

    def validate_district(self, value):
        user = self.context["request"].user
        if not District.objects.for_user(user).active().filter(pk=value).exists():
            raise serializers.ValidationError(_("Choose one of your districts."))
        return value


# ---------------------------------------------------------------- what it answers
class PeriodSerializer(serializers.Serializer):
    year = count("The year of the period.")
    month = serializers.IntegerField(read_only=True, allow_null=True,
                                     help_text="Its month (1 to 12); null for a whole year.")
    start = serializers.DateField(read_only=True, help_text="Its first day.")
    end = serializers.DateField(read_only=True, help_text="Its last day (inclusive).")
    label = serializers.CharField(read_only=True, help_text="As the page names it.")


class StatusCountSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    label = serializers.CharField(read_only=True, help_text="In the request's language.")
    count = count("Open cases in this status.")


class RiskCountSerializer(serializers.Serializer):
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, read_only=True)
    label = serializers.CharField(read_only=True, help_text="In the request's language.")
    count = count("Open cases of this risk level.")


class CategoryCountSerializer(serializers.Serializer):
    category = serializers.CharField(read_only=True, help_text="The category's code.")
    name = serializers.CharField(read_only=True, help_text="In the request's language.")
    count = count("Open cases of this category.")


class DistrictCountSerializer(serializers.Serializer):
    district = serializers.CharField(read_only=True, help_text="The district's code.")
    name = serializers.CharField(read_only=True, help_text="In the request's language.")
    count = count("Open cases of this district.")


class EscalatedSerializer(serializers.Serializer):
    level = count("The escalation level: 1 the district's supervisors, 2 the city's.")
    count = count("Open cases escalated to this level.")


class OpenSerializer(serializers.Serializer):
    total = count("Cases open now (not closed).")
    by_status = StatusCountSerializer(many=True, read_only=True,
                                      help_text="Open cases by status.")
    by_risk = RiskCountSerializer(many=True, read_only=True,
                                  help_text="Open cases by risk level.")
    by_category = CategoryCountSerializer(
        many=True, read_only=True,
        help_text="Open cases by category (active categories, and any other with cases).")
    by_district = DistrictCountSerializer(many=True, read_only=True,
                                          help_text="Open cases by district shown.")
    follow_up_overdue = count("Open cases whose next follow-up is overdue.")
    target_overdue = count("Open cases whose target resolution date has passed.")
    escalated = EscalatedSerializer(many=True, read_only=True,
                                    help_text="Open cases by escalation level.")


class CategoryResultSerializer(serializers.Serializer):
    category = serializers.CharField(read_only=True, help_text="The category's code.")
    name = serializers.CharField(read_only=True, help_text="In the request's language.")
    kind = serializers.ChoiceField(choices=CategoryKind.choices, read_only=True,
                                   help_text="Which results the page names for it.")
    cases = count("Cases of the category registered in the period.")
    done = count("Of these, resolved or closed by now.")
    people_affected = count("People affected, summed over these cases.")
    people_helped = count("People helped (workers paid, victims compensated).")
    amount_involved = money("The amounts involved, summed.")
    amount_recovered = money("The amounts recovered (wages paid, money returned), summed.")
    households_affected = count("Real estate: households affected.")
    households_delivered = count("Real estate: households whose homes were delivered.")


class PeriodCasesSerializer(serializers.Serializer):
    new = count("Cases registered in the period.")
    done = count("Of these, resolved or closed by now.")
    resolved = count("Cases marked resolved within the period, whenever registered.")
    rate = rate("The resolution rate: done / new (0 to 1); null when none are new.")
    categories_with_cases = count("Categories with cases registered in the period.")
    results = CategoryResultSerializer(many=True, read_only=True,
                                       help_text="What the period's cases achieved, by category.")


class MonthSerializer(serializers.Serializer):
    month = serializers.DateField(read_only=True, help_text="The month's first day.")
    new = count("Cases registered in the month.")
    resolved = count("Cases marked resolved in the month.")


class LeagueSerializer(serializers.Serializer):
    district = serializers.CharField(read_only=True, help_text="The district's code.")
    name = serializers.CharField(read_only=True, help_text="In the request's language.")
    open = count("Its open cases.")
    overdue = count("Its open cases whose follow-up is overdue.")
    new = count("Its cases registered in the period.")
    rate = rate("Its resolution rate for the period (0 to 1); null when none are new.")
    resolved = count("Its cases marked resolved in the period.")
    median_days = serializers.FloatField(
        read_only=True, allow_null=True,
        help_text="Median days from registration to resolution of the cases resolved in "
                  "the period; null when none.")


class WeekSerializer(serializers.Serializer):
    mine = count("Your open cases.")
    follow_ups = count("Follow-ups due in the next 7 days.")


class GradeCountSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Grade.choices, read_only=True)
    label = serializers.CharField(read_only=True, help_text="In the request's language.")
    count = count("Decisions assessed in the period with this risk grade.")


class RecommendationCountSerializer(serializers.Serializer):
    recommendation = serializers.ChoiceField(choices=Recommendation.choices, read_only=True)
    label = serializers.CharField(read_only=True, help_text="In the request's language.")
    count = count("Decisions assessed in the period with this recommendation.")


class AssessedSerializer(serializers.Serializer):
    total = count("Decisions whose assessment was concluded in the period.")
    caused = count("Of these, decisions that later caused a stability problem (a risk case).")
    by_grade = GradeCountSerializer(many=True, read_only=True, help_text="By risk grade.")
    by_recommendation = RecommendationCountSerializer(many=True, read_only=True,
                                                      help_text="By recommendation.")


class ExpiringSerializer(serializers.Serializer):
    days = count("The window: registrations ending within this many days from today.")
    count = count("Approved agencies whose registration ends within the window.")


class StatsSerializer(serializers.Serializer):
    today = serializers.DateField(read_only=True, help_text="The day the figures are for "
                                                            "(\"now\" for the open cases).")
    period = PeriodSerializer(read_only=True, help_text="The period chosen.")
    district = serializers.CharField(read_only=True, allow_null=True,
                                     help_text="The district chosen (its code); null: all "
                                               "of yours.")
    districts = serializers.ListField(child=serializers.CharField(), read_only=True,
                                      help_text="The codes of the districts counted.")
    open = OpenSerializer(read_only=True, help_text="Open cases, now.")
    period_cases = PeriodCasesSerializer(read_only=True, help_text="The chosen period's cases.")
    orders_overdue = count("Supervision orders overdue, now.")
    trend = MonthSerializer(many=True, read_only=True,
                            help_text="New and resolved cases in each of the 12 months "
                                      "ending with the period.")
    league = LeagueSerializer(many=True, read_only=True,
                              help_text="One row per district counted, in the order of sort.")
    week = WeekSerializer(read_only=True, allow_null=True,
                          help_text="Staff only (else null): what is due for you this week.")
    assessed = AssessedSerializer(
        read_only=True, allow_null=True,
        help_text="Administrators and supervisors only (else null): decisions assessed in "
                  "the period.")
    agencies_expiring = ExpiringSerializer(
        read_only=True, allow_null=True,
        help_text="Administrators and supervisors only (else null): agencies whose "
                  "registration ends soon.")


def numbers(context) -> dict:
    """The figures of ``reports.dashboard.figures()`` as plain numbers, for StatsSerializer."""
    selection, opened, period_cases = (context["selection"], context["open"],
                                       context["period_cases"])
    period, shown = selection.period, selection.shown_districts
    week, assessed, agencies = (context.get(key) for key in ("week", "assessed", "agencies"))
    return {
        "today": selection.today,
        "period": {"year": period.year, "month": period.month, "start": period.start,
                   "end": period.end, "label": period.label},
        "district": selection.district.code if selection.district else None,
        "districts": [district.code for district in shown],
        "open": {
            "total": opened.total.value,
            "by_status": [{"status": value, "label": label, "count": figure.value}
                          for value, label, figure in opened.by_status],
            "by_risk": [{"risk_level": value, "label": label, "count": figure.value}
                        for value, label, figure in opened.by_risk],
            "by_category": [{"category": category.code, "name": category.name,
                             "count": figure.value} for category, figure in opened.by_category],
            "by_district": [{"district": district.code, "name": district.name,
                             "count": opened.by_district[district.pk].value}
                            for district in shown],
            "follow_up_overdue": opened.follow_up_overdue.value,
            "target_overdue": opened.target_overdue.value,
            "escalated": [{"level": level, "count": figure.value}
                          for level, figure in opened.escalated],
        },
        "period_cases": {
            "new": period_cases.new.value, "done": period_cases.done.value,
            "resolved": period_cases.resolved.value, "rate": period_cases.rate,
            "categories_with_cases": period_cases.categories_with_cases,
            "results": [{**{name: getattr(row, name) for name in (
                "done", "people_affected", "people_helped", "amount_involved",
                "amount_recovered", "households_affected", "households_delivered", "kind")},
                "category": row.category.code, "name": row.category.name,
                "cases": row.cases.value} for row in period_cases.results],
        },
        "orders_overdue": context["orders"]["count"].value,
        "trend": [{"month": row["month"], "new": row["new"].value,
                   "resolved": row["resolved"].value} for row in context["trend"]],
        "league": [{"district": row["district"].code, "name": row["district"].name,
                    "open": row["open"].value, "overdue": row["overdue"].value,
                    "new": row["new"].value, "rate": row["rate"], "resolved": row["resolved"],
                    "median_days": row["median"]} for row in context["league"]],
        "week": week and {"mine": week["mine"].value, "follow_ups": week["follow_ups"].value},
        "assessed": assessed and {
            "total": assessed["total"].value, "caused": assessed["caused"].value,
            "by_grade": [{"grade": value, "label": label, "count": figure.value}
                         for value, label, figure in assessed["by_grade"]],
            "by_recommendation": [{"recommendation": value, "label": label,
                                   "count": figure.value}
                                  for value, label, figure in assessed["by_recommendation"]],
        },
        "agencies_expiring": agencies and {"days": agencies["days"],
                                           "count": agencies["count"].value},
    }


class StatsView(ApiView, APIView):
    reads_only = True

    @extend_schema(
        summary="The dashboard's figures",
        description="The same numbers as the /dashboard/ page shows you for the same "
                    "parameters: your districts (or the one chosen), the period chosen, "
                    "open cases now. Computed live (the page may keep its figures up to "
                    "DASHBOARD_CACHE_SECONDS). Assessors have no dashboard: 404.",
        parameters=[OpenApiParameter(name, description=field.help_text,
                                     type=int if name != "sort" else str,
                                     enum=SORTS if name == "sort" else None)
                    for name, field in StatsQuerySerializer().fields.items()],
        responses={200: StatsSerializer, **ERRORS, **NOT_FOUND},
    )
    @reading_from_replica()  # the dashboard's figures, read as the page reads them
    def get(self, request):
        selection = page_selection(request)  # the page's: 404 for a role without one
        query = StatsQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        context = dashboard.figures(selection, query.validated_data["sort"])
        return Response(StatsSerializer(numbers(context)).data)
