"""The use cases of decisions, assessments and the agency registry, one module per family
(as zulip's ``zerver/actions/``):

- ``rights``: who may do what;
- ``decisions``: a decision's own steps, and which steps a user may take now;
- ``assessments``: assigning an agency, recording, concluding and scoring an assessment;
- ``applications``: the public application form's limits, the application and its receipt;
- ``registry``: the registration lifecycle, violations, flags, assessors' accounts;
- ``trainings``: training sessions.

Each use case checks the user's right and the rule, changes the rows and writes the history
in one transaction; a refusal raises ``ValidationError`` saying why and changes nothing.
Callers import from here: ``from assessments import actions``.
"""

from assessments.actions.applications import (
    MB,
    Application,
    add_document,
    admit_application,
    apply,
    check_documents,
    send_application_receipt,
    too_large_message,
    too_many_files_message,
)
from assessments.actions.assessments import (
    assign_agency,
    check_assignable,
    conclude,
    record_expert_review,
    record_notice,
    record_risk,
    record_survey,
    score_assessment,
    upload_report,
)
from assessments.actions.decisions import (
    DECISION_STEPS,
    allowed_decision_steps,
    comment,
    link_case,
    mark_decided,
    record_outcome,
    register_decision,
    start_assessment,
    withdraw,
)
from assessments.actions.registry import (
    AGENCY_STEPS,
    add_months,
    admins,
    agency_step,
    allowed_agency_steps,
    flag_assessments,
    link_member_by_code,
    record_violation,
    supervisors_of,
)
from assessments.actions.rights import (
    agency_of,
    can_comment,
    can_manage,
    can_record,
    can_register,
    can_score,
    is_admin,
)
from assessments.actions.trainings import record_training
