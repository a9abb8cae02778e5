"""The assessments app's models, one module per use case; import them from here
(``from assessments.models import Decision``)."""

from assessments.models.agencies import (
    Agency,
    AgencyAlert,
    AgencyDocument,
    AgencyEvent,
    AgencyMember,
    AgencyScope,
    Department,
    Expert,
    agency_document_path,
)
from assessments.models.decisions import (
    Assessment,
    Decision,
    DecisionEvent,
    ExpertReview,
    PublicNotice,
    RiskItem,
    Survey,
    report_path,
)
from assessments.models.redlines import RedLine, Violation
from assessments.models.trainings import Attendance, Training
