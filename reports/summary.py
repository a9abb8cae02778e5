"""The work summary of a year or month, in the active language, built only from figures
that exist; also as a Word document."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from assessments import stats as assessment_stats
from assessments.models import Agency
from cases import stats as case_stats
from cases.choices import CategoryKind
from cases.models import Category
from drills import stats as drill_stats
from reports.selection import Selection
from riskdesk.formatting import money, number, percent
from riskdesk.periods import Period


@dataclass
class Section:
    heading: str
    sentences: list[str]
    parts: list["Section"] = field(default_factory=list)  # level-2 headings (categories)

    @property
    def text(self) -> str:
        """The sentences as one paragraph: a space after an English full stop, none after
        a Chinese one ("。")."""
        text = ""
        for sentence in self.sentences:
            text += ("" if not text or not text[-1].isascii() else " ") + sentence
        return text


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
    if in_period.resolved.value and in_period.resolved.value != in_period.done.value:
        # Cases resolved in the period, whenever registered: said only when it adds to the
        # sentence above (the same figure twice reads as the text repeating itself).
        found.append(ngettext(
            "Counted by the date of resolution, %(count)s case was resolved %(when)s.",
            "Counted by the date of resolution, %(count)s cases were resolved %(when)s.",
            in_period.resolved.value,
        ) % {"count": number(in_period.resolved.value), "when": when})
    parts = [Section(row.category.name, category_sentences(row)) for row in in_period.results]
    if found or parts:
        sections.append(Section(_("Risk problems found and resolved"), found, parts))

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

    drills = drill_stats.period_drills(selection.drills(), period=period, base=selection.base)
    if drills["count"].value:
        sections.append(Section(_("Emergency drills"), [ngettext(
            "Held %(count)s emergency drill with %(people)s participants.",
            "Held %(count)s emergency drills with %(people)s participants.",
            drills["count"].value,
        ) % {"count": number(drills["count"].value),
             "people": number(drills["participants"].value)}]))

    if selection.sees_assessments:
        assessments = assessment_section(selection)
        if assessments:
            sections.append(Section(_("Risk assessments of major decisions"), assessments))
        registry = registry_section(selection)
        if registry:
            sections.append(Section(_("Assessment agencies"), registry))
    return sections


def category_sentences(row) -> list[str]:
    """What one category's paragraph says, after its name as a heading."""
    sentences = [ngettext(
        "%(count)s case, %(done)s resolved.",
        "%(count)s cases, %(done)s resolved.",
        row.cases.value,
    ) % {"count": number(row.cases.value), "done": number(row.done)}]
    if row.kind == CategoryKind.REAL_ESTATE and row.households_delivered:
        sentences.append(_(
            "Homes were delivered to %(delivered)s of %(affected)s households."
        ) % {"delivered": number(row.households_delivered),
             "affected": number(row.households_affected)})
    elif row.kind == CategoryKind.WAGE_ARREARS and row.people_helped:
        sentences.append(ngettext(
            "%(count)s worker was paid %(amount)s of wages owed.",
            "%(count)s workers were paid %(amount)s of wages owed.",
            row.people_helped,
        ) % {"count": number(row.people_helped),
             "amount": money(row.amount_recovered, trim=True)})
    elif row.kind == CategoryKind.MASS_VICTIM and row.amount_recovered:
        sentences.append(ngettext(
            "%(amount)s was recovered for victims; %(count)s victim was compensated.",
            "%(amount)s was recovered for victims; %(count)s victims were compensated.",
            row.people_helped,
        ) % {"count": number(row.people_helped),
             "amount": money(row.amount_recovered, trim=True)})
    elif row.kind == CategoryKind.GENERAL and row.people_helped:
        sentences.append(ngettext(
            "%(count)s person was helped.", "%(count)s people were helped.", row.people_helped,
        ) % {"count": number(row.people_helped)})
    return sentences


def assessment_section(selection: Selection) -> list[str]:
    figures = assessment_stats.assessed(
        selection.decisions(), period=selection.period, base=selection.base)
    total = figures["total"].value
    if not total:
        return []
    grades = pgettext("between the items of a list", "; ").join(
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


def summary_issuer(selection: Selection) -> str:
    """Who issues the summary: the district's committee when the user's scope is one
    district, else the city's (its name from ``SUMMARY_ISSUER`` when set)."""
    if not selection.scope.everything and len(selection.districts) == 1:
        return _("Political-Legal Committee of %(district)s") % {
            "district": selection.districts[0].name}
    return settings.SUMMARY_ISSUER or _("Political-Legal Committee of the City")


def summary_date(selection: Selection) -> str:
    """The date the summary is drawn up ("2026年3月5日")."""
    return formats.date_format(selection.today, "DATE_FORMAT")
