from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DecisionLevel(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")


class DecisionType(models.TextChoices):
    PRICE = "price", _("Price change")
    EVENT = "event", _("Major event")
    RENEWAL = "renewal", _("Urban renewal or demolition")
    LAND = "land", _("Land")
    ENVIRONMENT = "environment", _("Environment")
    POLICY = "policy", _("Policy")


class DecisionStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    UNDER_ASSESSMENT = "under_assessment", _("Under assessment")
    ASSESSED = "assessed", _("Assessed")
    DECIDED = "decided", _("Decided")
    IMPLEMENTED = "implemented", _("Implemented")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AssessorKind(models.TextChoices):
    AGENCY = "agency", _("Registered agency")
    SELF = "self", _("The sponsoring department itself")


class AssessmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    CONCLUDED = "concluded", _("Concluded")


class Grade(models.TextChoices):
    """An assessment's risk grade (高/中/低风险), not a case's risk level (重大/较大/一般/低)."""

    HIGH = "high", pgettext_lazy("assessment risk grade", "High")
    MEDIUM = "medium", pgettext_lazy("assessment risk grade", "Medium")
    LOW = "low", pgettext_lazy("assessment risk grade", "Low")


class Recommendation(models.TextChoices):
    PROCEED = "proceed", _("Proceed")
    PROCEED_WITH_MITIGATION = "mitigate", _("Proceed with mitigation")
    POSTPONE = "postpone", _("Postpone")
    DO_NOT_PROCEED = "do_not_proceed", _("Do not proceed")


class NoticeChannel(models.TextChoices):
    WEBSITE = "website", _("Government website")
    BULLETIN = "bulletin", _("Bulletin board on site")
    NEWSPAPER = "newspaper", _("Newspaper")
    HEARING = "hearing", _("Public hearing")
    OTHER = "other", _("Other")


class AgencyStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class DecisionStep(models.TextChoices):
    """The steps a decision's page offers, each one form; who may take which, and when, is
    ``assessments.actions.allowed_decision_steps``."""

    START = "start", _("Start the assessment")
    ASSIGN = "assign", _("Assign another agency")
    NOTICE = "notice", _("Public notice")
    RISK = "risk", _("Add a risk")
    EXPERT = "expert", _("Expert review")
    SURVEY = "survey", _("Survey (optional)")
    REPORT = "report", _("Upload the report")
    CONCLUDE = "conclude", _("Conclude")
    SCORE = "score", _("Score the assessment")
    DECIDED = "decided", _("Mark decided")
    OUTCOME = "outcome", _("Record the outcome")
    LINK_CASE = "link_case", _("Link a risk case it caused")
    COMMENT = "comment", _("Comment")
    WITHDRAW = "withdraw", _("Withdraw")


class AgencyStep(models.TextChoices):
    """The steps of the registration lifecycle an administrator takes."""

    REVIEW = "review", _("Start review")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    SUSPEND = "suspend", _("Suspend")
    REINSTATE = "reinstate", _("Reinstate")
    REVOKE = "revoke", _("Revoke")
    RENEW = "renew", _("Renew")


class Consequence(models.TextChoices):
    WARNING = "warning", _("Warning")
    SUSPENSION = "suspension", _("Suspension")
    REVOCATION = "revocation", _("Revocation")


class AgencyEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Application submitted")
    STEP = "step", _("Status changed")
    VIOLATION = "violation", _("Red-line violation recorded")
    EXPIRED = "expired", _("Registration expired")
    REMINDER = "reminder", _("Renewal reminder sent")
    SCORED = "scored", _("Assessment scored")


class DecisionEventKind(models.TextChoices):
    CREATED = "created", _("Registered")
    ASSESSMENT_STARTED = "assessment", _("Assessment started")
    NOTICE = "notice", _("Public notice recorded")
    RISK = "risk", _("Risk recorded")
    EXPERT_REVIEW = "expert_review", _("Expert review recorded")
    SURVEY = "survey", _("Survey recorded")
    REPORT = "report", _("Report uploaded")
    CONCLUDED = "concluded", _("Assessment concluded")
    SCORED = "scored", _("Assessment scored")
    FLAGGED = "flagged", _("Assessment flagged")
    DECIDED = "decided", _("Marked decided")
    OUTCOME = "outcome", _("Outcome recorded")
    CASE_LINKED = "case_linked", _("Risk case linked")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    COMMENT = "comment", _("Supervisor's comment")


class AgencyAlertKind(models.TextChoices):
    RENEWAL_60 = "renewal_60", _("Expires within 60 days")
    RENEWAL_30 = "renewal_30", _("Expires within 30 days")
    RENEWAL_7 = "renewal_7", _("Expires within 7 days")
    EXPIRED = "expired", _("Expired")


# Days before expiry at which the agency and the administrators are reminded.
RENEWAL_THRESHOLDS = {7: AgencyAlertKind.RENEWAL_7, 30: AgencyAlertKind.RENEWAL_30,
                      60: AgencyAlertKind.RENEWAL_60}
