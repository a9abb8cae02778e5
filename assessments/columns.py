"""The decision list's columns: every field of a decision and of its assessment, of
which each user chooses which to show, in which order (``riskdesk.columns``), kept per
user and per saved view (``riskdesk.saved_views``).

The list reads the department, the district and the assessment with its agency with the
page (``DecisionQuerySet.with_related``); a column that reads more names it
(``related``), so no column choice adds a query.
"""

from django.utils.translation import gettext as _

from assessments.models import Assessment, Decision
from cases.exports import _local
from riskdesk.columns import Column, ColumnSet, field_label, person, yes_no


def _decision(name, value=None, **kwargs):
    return Column(name, field_label(Decision, name),
                  value or (lambda decision: getattr(decision, name)), **kwargs)


def _assessment(name, value=None, **kwargs):
    """A field of the decision's assessment (empty without one), "Status (assessment)"."""
    def read(decision):
        assessment = decision.assessment_or_none
        if assessment is None:
            return None
        return value(assessment) if value else getattr(assessment, name)
    return Column(f"assessment_{name}", field_label(Assessment, name, of=Assessment), read,
                  **kwargs)


def _level(decision):
    return decision.district.name if decision.district else decision.get_level_display()


def _assessed_by(decision):
    assessment = decision.assessment_or_none
    if assessment is None:
        return None
    return assessment.agency.name if assessment.agency else assessment.get_assessor_kind_display()


DECISION_COLUMNS = ColumnSet(columns=(
    Column("reference", lambda: _("Reference"), lambda decision: decision.reference),
    _decision("title", wide=True),
    _decision("description", wide=True),
    Column("department", lambda: _("Department"), lambda decision: decision.department.name),
    Column("level", lambda: _("Level"), _level),
    _decision("decision_type", lambda decision: decision.get_decision_type_display()),
    Column("planned_date", lambda: _("Planned"), lambda decision: decision.planned_date),
    _decision("status", lambda decision: decision.get_status_display()),
    _decision("key_sensitive", lambda decision: yes_no(decision.key_sensitive)),
    _decision("decided_on"),
    _decision("implemented", lambda decision: yes_no(decision.implemented)),
    _decision("created_at", lambda decision: _local(decision.created_at)),
    _decision("created_by", lambda decision: person(decision.created_by),
              related=("created_by",)),
    Column("assessment", lambda: _("Assessment"), _assessed_by),
    _assessment("status", lambda assessment: assessment.get_status_display()),
    _assessment("grade", lambda assessment: assessment.get_grade_display()),
    _assessment("recommendation", lambda assessment: assessment.get_recommendation_display()),
    _assessment("mitigation", wide=True),
    _assessment("flagged", lambda assessment: yes_no(assessment.flagged)),
    _assessment("concluded_at", lambda assessment: _local(assessment.concluded_at)),
    _assessment("quality_score", numeric=True),
), default=("reference", "title", "department", "level", "decision_type", "planned_date",
            "status", "assessment"))
