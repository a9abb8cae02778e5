"""The dashboard's figures, composed from ``cases.stats`` and ``assessments.stats`` for
the signed-in user's scope.

The figures themselves are computed by the apps' ``stats`` modules, each from one grouped
query, so the number of queries does not grow with the data.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from assessments import stats as assessment_stats
from assessments.models import Agency
from cases import stats as case_stats
from cases.models import Category
from drills import stats as drill_stats
from reports import charts as charts_
from reports.selection import Selection
from riskdesk.figures import Figure

LEAGUE_SORTS = ("district", "open", "overdue", "new", "rate", "median")


def dashboard(selection: Selection, sort: str = "-open") -> dict:
    """The page's context: ``figures()`` and the charts drawn from them."""
    context = figures(selection, sort)
    open_cases, districts = context["open"], selection.shown_districts
    charts = {
        "category": charts_.horizontal(
            (category.name, figure) for category, figure in open_cases.by_category),
        "risk": charts_.horizontal((label, figure) for _v, label, figure in open_cases.by_risk),
        "status": charts_.horizontal(
            (label, figure) for _v, label, figure in open_cases.by_status),
        "trend": charts_.trend(context["trend"]),
    }
    if len(districts) > 1:
        charts["district"] = charts_.horizontal(
            (district.name, open_cases.by_district[district.pk]) for district in districts)
    if "assessed" in context:
        charts["grade"] = charts_.horizontal(
            (label, figure) for _v, label, figure in context["assessed"]["by_grade"])
        charts["recommendation"] = charts_.horizontal(
            (label, figure) for _v, label, figure in context["assessed"]["by_recommendation"])
    context["charts"] = charts
    # The page's own figure (the API's /stats/ does not give it, nor pay for it).
    context["drills"] = drill_stats.period_drills(selection.drills(), period=selection.period,
                                                  base=selection.base)
    return context


def figures(selection: Selection, sort: str = "-open") -> dict:
    """Every figure of the dashboard for ``selection`` (the page and ``/api/v1/stats/``)."""
    categories = list(Category.objects.all())
    cases, base = selection.cases(), selection.base
    today, period = selection.today, selection.period
    districts = selection.shown_districts
    open_cases = case_stats.open_cases(cases, today=today, base=base, categories=categories,
                                       districts=districts)
    in_period = case_stats.period_cases(cases, period=period, base=base, categories=categories,
                                        districts=districts)
    context = {
        "selection": selection,
        "open": open_cases,
        "period_cases": in_period,
        "slipping": case_stats.oldest_slipping(cases, today=today),
        "orders": case_stats.overdue_orders(selection.orders(), today=today, base=base),
        "trend": case_stats.trend(cases, period=period, base=base),
        "league": league(selection, open_cases, in_period, sort),
        "sort": sort if sort.lstrip("-") in LEAGUE_SORTS else "-open",
        "league_columns": [
            ("district", _("District")), ("open", _("Open")),
            ("overdue", _("Follow-ups overdue")),
            ("new", _("Registered in the period")), ("rate", _("Resolution rate")),
            ("median", _("Median days to resolve")),
        ],
    }
    if selection.scope.is_staff:
        context["week"] = case_stats.due_this_week(
            cases, selection.orders(), user=selection.user, today=today, base=base)
    if selection.sees_assessments:
        context["assessed"] = assessment_stats.assessed(
            selection.decisions(), period=period, base=base)
        context["agencies"] = assessment_stats.expiring_agencies(
            Agency.objects.for_user(selection.user), today=today)
    return context


def cached_dashboard(selection: Selection, sort: str = "-open") -> dict:
    """``dashboard()`` with its figures written as HTML (``figures``), kept
    ``DASHBOARD_CACHE_SECONDS`` per user, scope, selection and language (the figures are
    the user's own: nobody else's scope can be served from it). ``computed_at`` tells the page
    how old the figures are. Keeping the written HTML, not only the numbers, saves the
    page most of its time when it is kept.

    Only what the page shows is kept (the HTML, its time and the sort), not the figures
    behind it: reading those back cost more than the rest of a kept page (every lazy
    label is rebuilt when unpickled). A page served from the cache has the live
    ``selection`` and none of ``dashboard()``'s other keys."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    query = urlencode(sorted({**selection.query(), "sort": sort}.items()))
    # The scope is in the key: a user given or refused a district (or a new role) gets
    # figures computed for their new scope at the next request. The release is in
    # CACHES' KEY_PREFIX.
    scope = selection.scope
    districts = "all" if scope.everything else ",".join(map(str, sorted(scope.district_ids)))
    key = (f"riskdesk:dashboard:{selection.user.pk}:{scope.role}:{districts}:"
           f"{get_language()}:{query}")
    kept = cache.get(key) if seconds else None
    if kept is not None:
        return {**kept, "selection": selection}
    context = {**dashboard(selection, sort), "computed_at": timezone.now(),
               "cached": bool(seconds)}
    context["figures"] = render_to_string("reports/_dashboard_figures.html", {
        **context, "query": urlencode(selection.query())})
    if seconds:
        cache.set(key, {name: context[name] for name in KEPT}, seconds)
    return context


KEPT = ("figures", "computed_at", "cached", "sort")  # what a kept dashboard page shows


def league(selection: Selection, open_cases, in_period, sort: str) -> list[dict]:
    """One row per district: open, overdue, new, resolution rate, median days to resolve."""
    base_period = selection.period.params("created")
    rows = []
    for district in selection.shown_districts:
        counts = open_cases.district_counts.get(district.pk, {})
        figures = in_period.by_district.get(district.pk, {})
        new, done = figures.get("new", 0), figures.get("done", 0)
        one = {"district": district.pk}
        rows.append({
            "district": district,
            "open": Figure(counts.get("open", 0), open_cases.by_district[
                district.pk].url),
            "overdue": Figure(
                counts.get("overdue", 0), case_stats.list_url(one, follow_up_overdue="on")),
            "new": Figure(new, case_stats.list_url(one, **base_period)),
            "rate": done / new if new else None,
            "resolved": figures.get("resolved", 0),
            "median": figures.get("median_days"),
        })
    key = sort.lstrip("-")
    if key not in LEAGUE_SORTS:
        key, sort = "open", "-open"

    def value(row):
        if key == "district":
            return row["district"].name
        figure = row[key]
        figure = figure.value if isinstance(figure, Figure) else figure
        return (figure is not None, figure if figure is not None else 0)

    rows.sort(key=value, reverse=sort.startswith("-"))
    return rows
