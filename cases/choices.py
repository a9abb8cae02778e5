from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CategoryKind(models.TextChoices):
    REAL_ESTATE = "real_estate", _("Real estate")
    WAGE_ARREARS = "wage_arrears", _("Wage arrears")
    MASS_VICTIM = "mass_victim", _("Mass-victim economic case")
    GENERAL = "general", _("General")


class RiskLevel(models.TextChoices):
    """A case's risk level (重大/较大/一般/低), not an assessment's grade."""

    MAJOR = "major", pgettext_lazy("case risk level", "Major")
    HIGH = "high", pgettext_lazy("case risk level", "High")
    MEDIUM = "medium", pgettext_lazy("case risk level", "Medium")
    LOW = "low", pgettext_lazy("case risk level", "Low")


# Default follow-up interval in days per risk level (DOMAIN.md); admins can change them.
DEFAULT_INTERVAL_DAYS = {
    RiskLevel.MAJOR: 7,
    RiskLevel.HIGH: 14,
    RiskLevel.MEDIUM: 30,
    RiskLevel.LOW: 60,
}


class Source(models.TextChoices):
    ROLLING = "rolling", _("Rolling investigation")
    PETITION = "petition", _("Petition")
    HOTLINE = "hotline", _("12345 hotline")
    POLICE = "police", _("Police referral")
    MEDIA = "media", _("Media")
    INSPECTION = "inspection", _("Inspection")


class Status(models.TextChoices):
    REPORTED = "reported", _("Reported")
    VERIFIED = "verified", _("Verified")
    IN_RESOLUTION = "in_resolution", _("In resolution")
    RESOLVED = "resolved", _("Resolved, awaiting verification")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = [Status.REPORTED, Status.VERIFIED, Status.IN_RESOLUTION, Status.RESOLVED]


class Transition(models.TextChoices):
    """The workflow's named steps; `cases.actions.TRANSITIONS` says from, to and who."""

    VERIFY = "verify", pgettext_lazy("transition", "Verify")
    START = "start", pgettext_lazy("transition", "Start resolution")
    RESOLVE = "resolve", pgettext_lazy("transition", "Mark resolved")
    CLOSE = "close", pgettext_lazy("transition", "Verify resolution and close")
    RETURN = "return", pgettext_lazy("transition", "Send back to resolution")
    REOPEN = "reopen", pgettext_lazy("transition", "Reopen")


class FollowUpMethod(models.TextChoices):
    SITE_VISIT = "site_visit", _("Site visit")
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Phone call")
    DOCUMENT = "document", _("Document")


class HousingStage(models.TextChoices):
    HALTED = "halted", _("Construction halted")
    REORGANISATION = "reorganisation", _("In bankruptcy reorganisation")
    RESUMED = "resumed", _("Construction resumed")
    DELIVERING = "delivering", _("Delivering in batches")
    DELIVERED = "delivered", _("Delivered")


class SchemeType(models.TextChoices):
    ILLEGAL_FUNDRAISING = "illegal_fundraising", _("Illegal fundraising")
    INVESTMENT_FRAUD = "investment_fraud", _("Investment fraud")
    PYRAMID = "pyramid", _("Pyramid selling")
    OTHER = "other", _("Other")


class JudicialStage(models.TextChoices):
    INVESTIGATION = "investigation", _("Police investigation")
    PROSECUTION = "prosecution", _("Prosecution")
    TRIAL = "trial", _("Trial")
    ENFORCEMENT = "enforcement", _("Enforcement and asset recovery")
    CONCLUDED = "concluded", _("Concluded")


class EventKind(models.TextChoices):
    CREATED = "created", _("Registered")
    IMPORTED = "imported", _("Imported")
    EDITED = "edited", _("Edited")
    TRANSITION = "transition", _("Status changed")
    FOLLOW_UP = "follow_up", _("Follow-up logged")
    ATTACHMENT = "attachment", _("Attachment added")
    ESCALATED = "escalated", _("Escalated")
    ORDER_ISSUED = "order_issued", _("Supervision order issued")
    ORDER_ACKNOWLEDGED = "order_acknowledged", _("Supervision order acknowledged")
    ORDER_ANSWERED = "order_answered", _("Supervision order answered")
    ORDER_RETURNED = "order_returned", _("Supervision order returned")
    ORDER_CLOSED = "order_closed", _("Supervision order closed")
    EXTENSION_REQUESTED = "extension_requested", _("Deadline extension requested")
    EXTENSION_DECIDED = "extension_decided", _("Deadline extension decided")
    LINKED = "linked", _("Linked to another case")
    UNLINKED = "unlinked", _("Link to another case removed")
    MERGED = "merged", _("Merged")


class LinkKind(models.TextChoices):
    """How two cases are linked (``CaseLink``): one problem reported twice, or several
    problems of one project or one employer."""

    SAME_PROJECT = "same_project", _("Same project")
    SAME_EMPLOYER = "same_employer", _("Same employer")
    DUPLICATE_OF = "duplicate_of", _("Duplicate of")


# How the four figures every case carries are called for each kind of category. Shown
# amounts carry their unit (yuan, 万元: riskdesk.formatting.money); a form's amount field
# says it is typed in yuan (with_unit).
FIGURE_LABELS = {
    CategoryKind.WAGE_ARREARS: {
        "people_affected": _("Workers affected"),
        "people_helped": _("Workers paid"),
        "amount_involved": _("Wages owed"),
        "amount_recovered": _("Wages paid"),
    },
    CategoryKind.MASS_VICTIM: {
        "people_affected": _("Victims"),
        "people_helped": _("Victims compensated"),
        "amount_involved": _("Amount involved"),
        "amount_recovered": _("Amount recovered"),
    },
}
DEFAULT_FIGURE_LABELS = {
    "people_affected": _("People affected"),
    "people_helped": _("People helped"),
    "amount_involved": _("Amount involved"),
    "amount_recovered": _("Amount recovered"),
}
AMOUNTS = ("amount_involved", "amount_recovered")


def with_unit(name: str, label) -> str:
    """A figure's label for a form: amounts are typed in yuan."""
    return _("%(figure)s (CNY)") % {"figure": label} if name in AMOUNTS else str(label)


class SupervisionLevel(models.TextChoices):
    DISTRICT = "district", _("District-level supervision")
    CITY = "city", _("City-level supervision")


class OrderState(models.TextChoices):
    ISSUED = "issued", _("Issued")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ANSWERED = "answered", _("Answered")
    RETURNED = "returned", _("Returned")
    CLOSED = "closed", _("Closed")


# An order waits for the district while it is in one of these states.
ORDER_AWAITING_ANSWER = [OrderState.ISSUED, OrderState.ACKNOWLEDGED, OrderState.RETURNED]


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class AlertKind(models.TextChoices):
    """What a scheduled job claimed for a case (see ``CaseAlert``)."""

    FOLLOW_UP_SOON = "follow_up_soon", _("Follow-up coming due")
    FOLLOW_UP_OVERDUE = "follow_up_overdue", _("Follow-up overdue")
    FOLLOW_UP_ESCALATION = "follow_up_escalation", _("Follow-up overdue: escalated")
    TARGET_ESCALATION = "target_escalation", _("Target date passed: escalated")
    ORDER_SOON = "order_soon", _("Supervision order coming due")
    ORDER_OVERDUE = "order_overdue", _("Supervision order overdue")
    ORDER_ESCALATION = "order_escalation", _("Supervision order overdue: escalated")


class EscalationTrigger(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Follow-up overdue")
    TARGET_DATE = "target_date", _("Target resolution date passed")
    ORDER = "order", _("Supervision order overdue")


class JobKind(models.TextChoices):
    """Long operations that run in the background (cases/jobs.py)."""

    EXPORT_CSV = "export_csv", _("Export to CSV")
    EXPORT_XLSX = "export_xlsx", _("Export to Excel")
    IMPORT = "import", _("Import")
    BULK = "bulk", _("Bulk action")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class BulkAction(models.TextChoices):
    """What the case list's bulk actions do, each to every selected case through the same
    action as on one case's page (cases/actions/bulk.py)."""

    VERIFY = "verify", _("Verify")
    CLOSE = "close", _("Close")
    RETURN = "return", _("Send back to resolution")
    REOPEN = "reopen", _("Reopen")
    REASSIGN = "reassign", _("Reassign the owner")
    RISK_LEVEL = "risk_level", _("Change the risk level")
    TARGET_DATE = "target_date", _("Set the target date")
    ISSUE_ORDER = "issue_order", _("Issue supervision orders")
