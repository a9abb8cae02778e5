"""Who may do what with decisions, assessments and the registry.

The sponsoring side (staff and supervisors of the decision's district, city supervisors for
a city decision, administrators) manages a decision; the assigned agency's staff record its
assessment; supervisors covering it score and comment; administrators keep the registry.
"""

from django.core.exceptions import ValidationError

from assessments.choices import AssessmentStatus, AssessorKind, DecisionLevel
from assessments.models import AgencyMember, Decision
from riskdesk.access import scope_of
from riskdesk.choices import Role


def agency_of(user):
    """The agency an assessor works for, or None."""
    if scope_of(user).role != Role.ASSESSOR:
        return None
    member = AgencyMember.objects.filter(user=user).select_related("agency").first()
    return member.agency if member else None


def can_register(user) -> bool:
    scope = scope_of(user)
    return scope.role in (Role.STAFF, Role.SUPERVISOR, Role.ADMIN) and (
        scope.everything or bool(scope.district_ids)
    )


def can_manage(user, decision) -> bool:
    """The sponsoring side: staff and supervisors of the decision's district (for a city
    decision, city supervisors) and administrators."""
    scope = scope_of(user)
    if scope.role not in (Role.STAFF, Role.SUPERVISOR, Role.ADMIN):
        return False
    if decision.level == DecisionLevel.CITY:
        return scope.everything
    return scope.covers(decision.district_id)


def can_record(user, assessment) -> bool:
    """Who records the mechanisms: the assigned agency's staff, or for a self-assessment
    the sponsoring side."""
    if assessment.status != AssessmentStatus.IN_PROGRESS:
        return False
    if assessment.assessor_kind == AssessorKind.AGENCY:
        agency = agency_of(user)
        return agency is not None and agency.pk == assessment.agency_id
    return can_manage(user, assessment.decision)


def _is_supervisor_in_scope(user, decision) -> bool:
    scope = scope_of(user)
    if not scope.is_supervisor:
        return False
    return Decision.objects.for_user(user).filter(pk=decision.pk).exists()


def can_score(user, assessment) -> bool:
    return assessment.is_concluded and _is_supervisor_in_scope(user, assessment.decision)


def can_comment(user, decision) -> bool:
    return decision.key_sensitive and _is_supervisor_in_scope(user, decision)


def is_admin(user) -> bool:
    return scope_of(user).is_admin


def refuse_unless(allowed: bool, message: str):
    if not allowed:
        raise ValidationError(message)
