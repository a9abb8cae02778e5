from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("District staff")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrator")
    ASSESSOR = "assessor", _("Assessor agency staff")
    # Another system (the 12345 hotline, the petition system): works as its district's
    # staff through the API with a token, and never signs in through a browser.
    INTEGRATION = "integration", _("Integration (system account)")


class NoticeKind(models.TextChoices):
    """Kinds of notices; each user chooses how each kind reaches them by e-mail."""

    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up coming due")
    FOLLOW_UP_OVERDUE = "follow_up_overdue", _("Follow-up overdue")
    ESCALATION = "escalation", _("Escalation")
    ORDER_ISSUED = "order_issued", _("Supervision order issued")
    ORDER_DUE = "order_due", _("Supervision order coming due")
    ORDER_OVERDUE = "order_overdue", _("Supervision order overdue")
    ORDER_UPDATE = "order_update", _("Supervision order answered, returned or closed")
    EXTENSION = "extension", _("Deadline extension requested or decided")
    JOB_DONE = "job_done", _("Export or import finished")
    ASSESSMENT_FLAGGED = "assessment_flagged", _("Assessment flagged")
    APPLICATION_RECEIVED = "application_received", _("Agency application received")
    AGENCY_EXPIRING = "agency_expiring", _("Agency registration expiring")
    AGENCY_EXPIRED = "agency_expired", _("Agency registration expired")
    WEBHOOK_DISABLED = "webhook_disabled", _("Webhook switched off after failing")


# Notices e-mailed to an address with no account behind it (an applicant): no inbox, and
# nobody chooses how they arrive.
ADDRESS_ONLY_KINDS = frozenset({NoticeKind.APPLICATION_RECEIVED})


class Announcement(models.TextChoices):
    """What RiskDesk announces to other systems (``riskdesk.signals.announce``; the
    ``webhooks`` app delivers them). The value is the ``kind`` of the webhook's body."""

    CASE_REGISTERED = "case.registered", _("Case registered")
    STATUS_CHANGED = "case.status_changed", _("Case status changed")
    ESCALATED = "case.escalated", _("Case escalated")
    ORDER_ISSUED = "order.issued", _("Supervision order issued")
    ORDER_ANSWERED = "order.answered", _("Supervision order answered")
    ORDER_OVERDUE = "order.overdue", _("Supervision order overdue")
    ASSESSMENT_CONCLUDED = "assessment.concluded", _("Assessment concluded")
    AGENCY_RED_LINE = "agency.red_line", _("Agency red line violated")
    TEST = "test", _("Test event")


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("E-mail at once")
    DIGEST = "digest", _("In the daily digest")
    OFF = "off", _("No e-mail (inbox only)")


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    DIGEST = "digest", _("Waiting for the digest")
    SKIPPED = "skipped", _("Not e-mailed")


class AuditAction(models.TextChoices):
    """What an audit entry records: sign-ins, every read of sensitive data, and each
    public agency application (their hourly limit per address is counted from here)."""

    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    SIGN_IN_THROTTLED = "sign_in_throttled", _("Sign-in refused: too many failures")
    EXPORT = "export", _("Export")
    DOWNLOAD = "download", _("Attachment download")
    REVEAL = "reveal", _("Personal data revealed")
    AGENCY_APPLICATION = "agency_application", _("Agency application sent")
    SIGN_IN_REFUSED = "sign_in_refused", _("Single sign-on refused")
    SIGN_OUT = "sign_out", _("Signed out")
    TWO_FACTOR_ENROLLED = "2fa_enrolled", _("Second factor set up")
    TWO_FACTOR_PASSED = "2fa_passed", _("Second factor passed")
    TWO_FACTOR_FAILED = "2fa_failed", _("Second factor: wrong code")
    TWO_FACTOR_THROTTLED = "2fa_throttled", _("Second factor refused: too many wrong codes")
    RECOVERY_CODE_USED = "2fa_recovery_used", _("Recovery code used")
    TWO_FACTOR_RESET = "2fa_reset", _("Second factor reset by an administrator")


class AttachmentKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    PHOTO = "photo", _("Photo")


class SavedList(models.TextChoices):
    """The lists whose filters, sort and columns can be saved as named views."""

    CASES = "cases", _("Risk cases")
    ORDERS = "orders", _("Supervision orders")
    DECISIONS = "decisions", _("Major decisions")


class Visibility(models.TextChoices):
    """Who sees a saved view (each viewer still sees only the rows of their own scope)."""

    PERSONAL = "personal", _("Only me")
    DISTRICT = "district", _("My district(s)")
    CITY = "city", _("The whole city")
