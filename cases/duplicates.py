"""Likely duplicates of a case being registered or imported, among the open cases of
every district: the same contact resident ID, the same developer (real estate) or
employer (wage arrears), or a project name or address at least ``DUPLICATE_SIMILARITY``
similar (PostgreSQL ``pg_trgm``). SQLite (``make run``) has no trigrams: there a project
name or address must be the same, ignoring case.

A suggested case the user may not see is named only by its district and reference
(``Suggestion.visible`` is false and ``reasons`` is empty): its content stays hidden.

Two queries whatever the number of cases: the ids of the matching cases (a UNION of one
small index-served query per criterion, see migration 0012), then those cases.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import F, Lookup, Value
from django.utils.translation import gettext_lazy as _

from cases.choices import OPEN_STATUSES, CategoryKind
from cases.models import Case, RealEstateDetails, WageArrearsDetails
from riskdesk.access import scope_of

LIMIT = 10
# ``a % b`` is true when similarity(a, b) >= pg_trgm.similarity_threshold (0.3 unless the
# server says otherwise): it finds candidates through the trigram indexes, and
# similarity() then keeps those above DUPLICATE_SIMILARITY.
TRIGRAM_OPERATOR_THRESHOLD = 0.3

REASONS = {
    "contact": _("same contact ID number"),
    "developer": _("same developer"),
    "employer": _("same employer"),
    "project": _("similar project name"),
    "address": _("similar address"),
}


class _Similar(Lookup):
    lookup_name = "trigram_similar_to"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} %% {rhs}", [*lhs_params, *rhs_params]


@dataclass
class Suggestion:
    case: Case
    visible: bool
    reasons: list = field(default_factory=list)


def _facts(case, details) -> dict:
    """What a case being registered is compared by (empty values compare nothing)."""
    facts = {
        "contact": (case.contact_id_number or "").strip().upper(),
        "address": (case.address or "").strip(),
        "developer": "", "employer": "", "project": "",
    }
    kind = case.category.kind if case.category_id else None
    if kind == CategoryKind.REAL_ESTATE and isinstance(details, RealEstateDetails):
        facts["developer"] = (details.developer or "").strip()
        facts["project"] = (details.project_name or "").strip()
    if kind == CategoryKind.WAGE_ARREARS and isinstance(details, WageArrearsDetails):
        facts["employer"] = (details.employer or "").strip()
        facts["project"] = (details.project or "").strip()
    return facts


def _similar(queryset, column, value, threshold, trigrams):
    """``queryset`` narrowed to rows whose ``column`` is like ``value``."""
    if not trigrams:
        return queryset.filter(**{f"{column}__iexact": value})
    if threshold >= TRIGRAM_OPERATOR_THRESHOLD:
        queryset = queryset.filter(_Similar(F(column), Value(value)))
    return queryset.alias(
        similarity=_similarity(column, value)).filter(similarity__gte=threshold)


def _similarity(column, value):
    from django.contrib.postgres.search import TrigramSimilarity

    return TrigramSimilarity(column, Value(value))


def _candidate_ids(facts, exclude, threshold, trigrams) -> set:
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES, merged_into__isnull=True)
    open_real_estate = RealEstateDetails.objects.filter(
        case__status__in=OPEN_STATUSES, case__merged_into__isnull=True)
    open_wages = WageArrearsDetails.objects.filter(
        case__status__in=OPEN_STATUSES, case__merged_into__isnull=True)
    parts = []
    if facts["contact"]:
        parts.append(open_cases.filter(contact_id_number=facts["contact"]).values_list("pk"))
    if facts["developer"]:
        parts.append(open_real_estate.filter(developer__iexact=facts["developer"])
                     .values_list("case_id"))
    if facts["employer"]:
        parts.append(open_wages.filter(employer__iexact=facts["employer"])
                     .values_list("case_id"))
    if facts["project"]:
        for queryset, column in ((open_real_estate, "project_name"), (open_wages, "project")):
            parts.append(_similar(queryset, column, facts["project"], threshold, trigrams)
                         .values_list("case_id"))
    if facts["address"]:
        parts.append(_similar(open_cases, "address", facts["address"], threshold, trigrams)
                     .values_list("pk"))
    if not parts:
        return set()
    parts = [part.order_by() for part in parts]
    ids = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
    return {pk for (pk,) in ids} - exclude


def suggestions(user, case, details=None, *, limit=LIMIT, exclude=()) -> list[Suggestion]:
    """Open cases that may be the same problem as ``case`` (unsaved, or saved: then it
    is not its own duplicate), with its kind ``details`` (unsaved too), best first;
    never the cases of ``exclude`` (ids: the other rows of one import)."""
    facts = _facts(case, details)
    threshold = settings.DUPLICATE_SIMILARITY
    trigrams = connection.vendor == "postgresql"
    ids = _candidate_ids(facts, {case.pk, *exclude}, threshold, trigrams)
    if not ids:
        return []
    found = Case.objects.filter(pk__in=ids).select_related(
        "district", "category", "real_estate", "wage_arrears")
    if trigrams:
        found = found.annotate(**{
            f"{name}_similarity": _similarity(column, facts[fact])
            for name, fact, column in (("address", "address", "address"),
                                       ("project", "project", "real_estate__project_name"),
                                       ("wage_project", "project", "wage_arrears__project"))
            if facts[fact]
        })
    scope = scope_of(user)
    result = []
    for other in found:
        visible = scope.covers(other.district_id)
        reasons = _reasons(other, facts, threshold, trigrams)
        result.append((Suggestion(other, visible, reasons if visible else []), reasons))
    # exact matches first, then the most reasons, then the newest
    result.sort(key=lambda item: (
        not any(r in item[1] for r in ("contact", "developer", "employer")),
        -len(item[1]), -item[0].case.created_at.timestamp()))
    return [_labelled(suggestion) for suggestion, _reasons in result[:limit]]


def _labelled(suggestion):
    suggestion.reasons = [REASONS[name] for name in suggestion.reasons]
    return suggestion


def _details(case, name):
    try:
        return getattr(case, name)
    except (RealEstateDetails.DoesNotExist, WageArrearsDetails.DoesNotExist):
        return None


def _alike(value, other, similarity, threshold, trigrams) -> bool:
    if not value or not other:
        return False
    if trigrams:
        return similarity is not None and similarity >= threshold
    return value.casefold() == other.casefold()


def _reasons(other, facts, threshold, trigrams) -> list[str]:
    reasons = []
    estate, wages = _details(other, "real_estate"), _details(other, "wage_arrears")
    if facts["contact"] and other.contact_id_number.upper() == facts["contact"]:
        reasons.append("contact")
    if facts["developer"] and estate and estate.developer.casefold() == facts[
            "developer"].casefold():
        reasons.append("developer")
    if facts["employer"] and wages and wages.employer.casefold() == facts["employer"].casefold():
        reasons.append("employer")
    if (estate and _alike(facts["project"], estate.project_name,
                          getattr(other, "project_similarity", None), threshold, trigrams)) or (
        wages and _alike(facts["project"], wages.project,
                         getattr(other, "wage_project_similarity", None), threshold, trigrams)):
        reasons.append("project")
    if _alike(facts["address"], other.address, getattr(other, "address_similarity", None),
              threshold, trigrams):
        reasons.append("address")
    return reasons
