"""The dashboard's figures and the work summary, composed from ``cases.stats`` and
``assessments.stats`` for the signed-in user's scope.

Like ``riskdesk/views.py`` and ``riskdesk/urls.py``, this module composes the domain apps;
the figures themselves are computed by the apps' ``stats`` modules, each from one grouped
query, so the number of queries does not grow with the data.
"""

import io
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from assessments import stats as assessment_stats
from assessments.models import Agency, Decision
from cases import stats as case_stats
from cases.choices import CategoryKind
from cases.models import Case, Category, SupervisionOrder
from riskdesk import charts as charts_
from riskdesk.access import scope_of
from riskdesk.formatting import money, number, percent
from riskdesk.models import District
from riskdesk.periods import Period

LEAGUE_SORTS = ("district", "open", "overdue", "new", "rate", "median")


@dataclass
class Selection:
    """What the dashboard or summary is about: a period and the user's districts, or one."""

    user: object
    period: Period
    today: date
    districts: list  # the districts in the user's scope (active ones)
    district: District | None = None  # the one chosen, if any
    scope: object = field(init=False)

    def __post_init__(self):
        self.scope = scope_of(self.user)

    @classmethod
    def from_query(cls, user, query, today: date | None = None) -> "Selection":
        today = today or timezone.localdate()
        districts = list(District.objects.for_user(user).active())
        chosen = None
        wanted = query.get("district")
        if wanted and len(districts) > 1:
            chosen = next((d for d in districts if str(d.pk) == str(wanted)), None)
        return cls(user=user, period=Period.from_query(query, today), today=today,
                   districts=districts, district=chosen)

    @property
    def base(self) -> dict:
        """The list filters every link carries: the chosen district, if any."""
        return {"district": self.district.pk} if self.district else {}

    @property
    def shown_districts(self) -> list:
        return [self.district] if self.district else self.districts

    def cases(self):
        cases = Case.objects.for_user(self.user)
        return cases.filter(district=self.district) if self.district else cases

    def orders(self):
        orders = SupervisionOrder.objects.for_user(self.user)
        return orders.filter(case__district=self.district) if self.district else orders

    def decisions(self):
        decisions = Decision.objects.for_user(self.user)
        return decisions.filter(district=self.district) if self.district else decisions

    @property
    def sees_assessments(self) -> bool:
        return self.scope.is_admin or self.scope.is_supervisor

    def query(self) -> dict:
        return {**self.period.query(), **({"district": self.district.pk} if self.district else {})}


def dashboard(selection: Selection, sort: str = "-open") -> dict:
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
    if selection.scope.is_staff:
        context["week"] = case_stats.due_this_week(
            cases, selection.orders(), user=selection.user, today=today, base=base)
    if selection.sees_assessments:
        context["assessed"] = assessment_stats.assessed(
            selection.decisions(), period=period, base=base)
        context["agencies"] = assessment_stats.expiring_agencies(
            Agency.objects.for_user(selection.user), today=today)
        charts["grade"] = charts_.horizontal(
            (label, figure) for _v, label, figure in context["assessed"]["by_grade"])
        charts["recommendation"] = charts_.horizontal(
            (label, figure) for _v, label, figure in context["assessed"]["by_recommendation"])
    context["charts"] = charts
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
    context["figures"] = render_to_string("riskdesk/_dashboard_figures.html", {
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
            "open": case_stats.Figure(counts.get("open", 0), open_cases.by_district[
                district.pk].url),
            "overdue": case_stats.Figure(
                counts.get("overdue", 0), case_stats.list_url(one, follow_up_overdue="on")),
            "new": case_stats.Figure(new, case_stats.list_url(one, **base_period)),
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
        figure = figure.value if isinstance(figure, case_stats.Figure) else figure
        return (figure is not None, figure if figure is not None else 0)

    rows.sort(key=value, reverse=sort.startswith("-"))
    return rows


# ---------------------------------------------------------------- the work summary
@dataclass
class Section:
    heading: str
    sentences: list[str]


def period_phrase(period: Period, *, starts_sentence: bool = False) -> str:
    if starts_sentence:
        if period.month is None:
            return pgettext("summary period, sentence start", "In %(year)s") % {
                "year": period.year}
        return pgettext("summary period, sentence start", "In %(month)s") % {
            "month": period.label}
    if period.month is None:
        return pgettext("summary period", "in %(year)s") % {"year": period.year}
    return pgettext("summary period", "in %(month)s") % {"month": period.label}


def summary(selection: Selection) -> list[Section]:
    """The work summary, in the active language, built only from figures that exist."""
    categories = list(Category.objects.all())
    cases, period = selection.cases(), selection.period
    in_period = case_stats.period_cases(
        cases, period=period, base=selection.base, categories=categories,
        districts=selection.shown_districts)
    when = period_phrase(period)
    sections = []

    found = []
    if in_period.new.value:
        found.append(ngettext(
            "%(when)s, %(count)s risk problem was found in %(categories)s categories; "
            "%(done)s of them have been resolved (%(rate)s).",
            "%(when)s, %(count)s risk problems were found in %(categories)s categories; "
            "%(done)s of them have been resolved (%(rate)s).",
            in_period.new.value,
        ) % {"when": period_phrase(period, starts_sentence=True),
             "count": number(in_period.new.value),
             "categories": number(in_period.categories_with_cases),
             "done": number(in_period.done.value), "rate": percent(in_period.rate)})
    if in_period.resolved.value:
        found.append(ngettext(
            "%(count)s case was marked resolved %(when)s.",
            "%(count)s cases were marked resolved %(when)s.",
            in_period.resolved.value,
        ) % {"count": number(in_period.resolved.value), "when": when})
    for row in in_period.results:
        found.append(category_sentence(row))
    if found:
        sections.append(Section(_("Risk problems found and resolved"), found))

    supervision = []
    orders = case_stats.period_orders(selection.orders(), period=period)
    if orders["issued"]:
        supervision.append(ngettext(
            "%(count)s supervision order was issued; %(answered)s answered, %(on_time)s of "
            "them by the due date.",
            "%(count)s supervision orders were issued; %(answered)s answered, %(on_time)s of "
            "them by the due date.",
            orders["issued"],
        ) % {"count": number(orders["issued"]), "answered": number(orders["answered"]),
             "on_time": number(orders["on_time"])})
    escalated = case_stats.escalated_in(cases, period=period)
    if escalated:
        supervision.append(ngettext(
            "%(count)s case was escalated for missing its deadlines.",
            "%(count)s cases were escalated for missing their deadlines.",
            escalated,
        ) % {"count": number(escalated)})
    if supervision:
        sections.append(Section(_("Supervision"), supervision))

    if selection.sees_assessments:
        assessments = assessment_section(selection)
        if assessments:
            sections.append(Section(_("Risk assessments of major decisions"), assessments))
        registry = registry_section(selection)
        if registry:
            sections.append(Section(_("Assessment agencies"), registry))
    return sections


def category_sentence(row) -> str:
    figures = {"category": row.category.name, "count": number(row.cases.value),
               "done": number(row.done)}
    sentence = ngettext(
        "%(category)s: %(count)s case, %(done)s resolved.",
        "%(category)s: %(count)s cases, %(done)s resolved.",
        row.cases.value,
    ) % figures
    if row.kind == CategoryKind.REAL_ESTATE and row.households_delivered:
        sentence += " " + _(
            "Homes were delivered to %(delivered)s of %(affected)s households."
        ) % {"delivered": number(row.households_delivered),
             "affected": number(row.households_affected)}
    elif row.kind == CategoryKind.WAGE_ARREARS and row.people_helped:
        sentence += " " + ngettext(
            "%(count)s worker was paid %(amount)s of wages owed.",
            "%(count)s workers were paid %(amount)s of wages owed.",
            row.people_helped,
        ) % {"count": number(row.people_helped), "amount": money(row.amount_recovered, trim=True)}
    elif row.kind == CategoryKind.MASS_VICTIM and row.amount_recovered:
        sentence += " " + ngettext(
            "%(amount)s was recovered for victims; %(count)s victim was compensated.",
            "%(amount)s was recovered for victims; %(count)s victims were compensated.",
            row.people_helped,
        ) % {"count": number(row.people_helped), "amount": money(row.amount_recovered, trim=True)}
    elif row.kind == CategoryKind.GENERAL and row.people_helped:
        sentence += " " + ngettext(
            "%(count)s person was helped.", "%(count)s people were helped.", row.people_helped,
        ) % {"count": number(row.people_helped)}
    return sentence


def assessment_section(selection: Selection) -> list[str]:
    figures = assessment_stats.assessed(
        selection.decisions(), period=selection.period, base=selection.base)
    total = figures["total"].value
    if not total:
        return []
    grades = "; ".join(
        _("%(grade)s risk: %(count)s") % {"grade": label, "count": number(figure.value)}
        for _value, label, figure in figures["by_grade"] if figure.value
    )
    sentences = [ngettext(
        "%(count)s major decision was assessed (%(grades)s).",
        "%(count)s major decisions were assessed (%(grades)s).",
        total,
    ) % {"count": number(total), "grades": grades}]
    caused = figures["caused"].value
    if caused:
        sentences.append(ngettext(
            "%(count)s of them later caused a stability problem.",
            "%(count)s of them later caused stability problems.",
            caused,
        ) % {"count": number(caused)})
    else:
        sentences.append(_("None of them has caused a stability problem."))
    return sentences


def registry_section(selection: Selection) -> list[str]:
    figures = assessment_stats.registry_in(
        Agency.objects.for_user(selection.user), period=selection.period)
    sentences = []
    phrases = {
        "approved": lambda n: ngettext("%(count)s assessment agency was registered.",
                                       "%(count)s assessment agencies were registered.", n),
        "suspended": lambda n: ngettext(
            "%(count)s agency was suspended for crossing a red line.",
            "%(count)s agencies were suspended for crossing a red line.", n),
        "trainings": lambda n: ngettext("%(count)s training for assessors was held.",
                                        "%(count)s trainings for assessors were held.", n),
    }
    for key, phrase in phrases.items():
        if figures[key]:
            sentences.append(phrase(figures[key]) % {"count": number(figures[key])})
    return sentences


def summary_title(selection: Selection) -> str:
    where = selection.district.name if selection.district else (
        _("the whole city") if selection.scope.everything
        else "、".join(d.name for d in selection.districts))
    return _("Work summary %(period)s: %(where)s") % {
        "period": period_phrase(selection.period), "where": where}


def summary_docx(title: str, sections: list[Section]) -> bytes:
    """The summary as a Word document (python-docx escapes whatever the text holds)."""
    from docx import Document
    from docx.oxml.ns import qn

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "SimSun"
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    document.add_heading(title, level=0)
    for section in sections:
        document.add_heading(section.heading, level=1)
        for sentence in section.sentences:
            document.add_paragraph(sentence)
    if not sections:
        document.add_paragraph(_("No work was recorded for this period."))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
