"""The cases app's models, one module per use case; import them from here
(``from cases.models import Case``)."""

from cases.models.cases import (
    DETAILS_MODELS,
    Case,
    CaseEvent,
    Category,
    MassVictimDetails,
    RealEstateDetails,
    ReferenceCounter,
    WageArrearsDetails,
)
from cases.models.deadlines import EscalationRule, FollowUpInterval, SecurityPeriod
from cases.models.follow_ups import Attachment, FollowUp, attachment_path
from cases.models.jobs import Job, job_path
from cases.models.links import CaseLink
from cases.models.orders import CaseAlert, ExtensionRequest, SupervisionOrder
