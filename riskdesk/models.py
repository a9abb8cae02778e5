import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from riskdesk.access import ScopedQuerySet
from riskdesk.choices import (
    AuditAction,
    Delivery,
    EmailStatus,
    NoticeKind,
    Role,
    SavedList,
    Visibility,
)


class DistrictQuerySet(ScopedQuerySet):
    district_field = "pk"

    def active(self):
        return self.filter(is_active=True)


class District(models.Model):
    """A district, banner or county (区/旗/县) of the city: the unit of data scope."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en


class Membership(models.Model):
    """A user's role and the districts whose data they may see.

    Staff belong to exactly one district; a supervisor has a set of districts or the whole
    city; an admin sees everything. The rules that span the many-to-many relation are
    enforced by ``riskdesk.actions.set_membership``; the row itself is constrained here.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    city_wide = models.BooleanField(
        _("whole city"), default=False, help_text=_("Supervisors only: every district.")
    )
    districts = models.ManyToManyField(
        District, blank=True, related_name="memberships", verbose_name=_("districts")
    )

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_city_wide_only_supervisors",
                condition=Q(city_wide=False) | Q(role=Role.SUPERVISOR),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_role_valid",
                condition=Q(role__in=Role.values),
            ),
        ]

    def __str__(self):
        return f"{self.user.get_username()} ({self.get_role_display()})"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A notice in a user's inbox, and its e-mail's fate.

    ``key`` identifies what the notice is about (e.g. ``case:42:follow_up_overdue:2026-03-01``);
    it is unique per user, so a job that runs twice creates the notice once.
    The text is rendered when shown, in the reader's language (``riskdesk.notify``).
    A notice for someone without an account (an agency's applicant) has no user, only the
    ``address`` it is e-mailed to, with the same retries and failure record.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        null=True, blank=True,
    )
    address = models.EmailField(_("e-mail address"), blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=NoticeKind.choices)
    key = models.CharField(_("key"), max_length=200)
    params = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.SKIPPED
    )
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_error = models.TextField(_("e-mail error"), blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_unique_user_key", fields=["user", "key"]
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_kind_valid", condition=Q(kind__in=NoticeKind.values)
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_has_recipient",
                condition=Q(user__isnull=False) | ~Q(address=""),
            ),
        ]
        indexes = [
            # the unread count in the navigation, on every page
            models.Index(
                name="riskdesk_notification_unread", fields=["user"],
                condition=Q(read_at__isnull=True),
            ),
            # the inbox, newest first
            models.Index(name="riskdesk_notification_inbox", fields=["user", "-created_at"]),
            # the daily digest's work queue
            models.Index(
                name="riskdesk_notification_digest", fields=["user"],
                condition=Q(email_status="digest"),
            ),
        ]

    def __str__(self):
        return f"{self.user_id or self.address} {self.kind} {self.key}"


class NotificationSetting(models.Model):
    """How one kind of notice reaches a user by e-mail (default: at once)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NoticeKind.choices)
    delivery = models.CharField(
        _("e-mail"), max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_unique_user_kind", fields=["user", "kind"]
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind}: {self.delivery}"


class DigestClaim(models.Model):
    """One row per user and day: whoever inserts it sends that day's digest, once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        constraints = [
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_unique_user_day", fields=["user", "day"]
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.day}"


class WorkingDayOverride(models.Model):
    """An administrator's correction of the public-holiday calendar for one date."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("working-day correction")
        verbose_name_plural = _("working-day corrections")

    def __str__(self):
        return f"{self.date}: {'working' if self.is_working_day else 'day off'}"


class AppendOnlyQuerySet(models.QuerySet):
    """For history and audit tables: rows are only ever inserted."""

    def update(self, **kwargs):
        raise TypeError("History is append-only: events are never changed.")

    def delete(self):
        raise TypeError("History is append-only: events are never deleted.")


def append_only() -> pgtrigger.Protect:
    """The database's own guard of a history or audit table, for each model's
    ``Meta.triggers``: PostgreSQL refuses every UPDATE and DELETE of its rows, whatever
    code (or raw SQL) runs them. Other databases have only the model's guard below."""
    return pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)


class AppendOnlyModel(models.Model):
    """A row that is only ever inserted (histories, the audit log)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise TypeError("History is append-only: events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("History is append-only: events are never deleted.")


class AuditEntry(AppendOnlyModel):
    """Who did what to sensitive data, from where and when: sign-ins (also failed ones),
    exports, attachment downloads and reveals of personal data. Append-only.

    ``username`` is, for sign-ins, the key of what was typed (``riskdesk.signin.
    username_key``: look-alikes and other cases of a name share it; a failed attempt may
    name no real user); the sign-in throttle counts failures per ``username`` and
    ``address`` from here, so it holds across processes and machines.
    """

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=False)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("user"),
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    query = models.CharField(_("filter"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        triggers = [append_only()]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_action_valid",
                condition=Q(action__in=AuditAction.values),
            ),
        ]
        indexes = [
            # the sign-in throttle: recent entries for one user name from one address
            models.Index(
                name="riskdesk_audit_signin", fields=["username", "address", "-at"],
                condition=Q(action__in=[AuditAction.SIGN_IN, AuditAction.SIGN_IN_FAILED]),
            ),
            # the second factor's throttle: recent codes for one user from one address
            models.Index(
                name="riskdesk_audit_second_factor", fields=["username", "address", "-at"],
                condition=Q(action__in=[AuditAction.TWO_FACTOR_PASSED,
                                        AuditAction.TWO_FACTOR_FAILED]),
            ),
            # the admin's list, newest first, by action
            models.Index(name="riskdesk_audit_action_at", fields=["action", "-at"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.username} {self.object_label}"


class ExternalIdentity(models.Model):
    """The identity platform's account behind a RiskDesk user: the issuer and its stable
    subject (``sub``), never an e-mail address. A user signing in through single sign-on is
    found by this pair alone (``riskdesk.oidc``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="external_identities",
        verbose_name=_("user"),
    )
    issuer = models.CharField(_("issuer"), max_length=300)
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(_("linked at"), default=timezone.now)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        ordering = ["issuer", "subject"]
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_unique_subject", fields=["issuer", "subject"]
            ),
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_one_per_issuer", fields=["user", "issuer"]
            ),
        ]

    def __str__(self):
        return f"{self.subject} @ {self.issuer}"


def no_columns():
    return []  # a callable: each row gets its own list (and ``list`` is a field below)


class SavedViewQuerySet(models.QuerySet):
    def for_user(self, user):
        """The views ``user`` may open: their own, the district views of a colleague of
        one of their districts, and the city-wide ones. A view carries filters only:
        the rows it shows are always the viewer's (``Model.objects.for_user(viewer)``)."""
        from riskdesk.access import scope_of

        scope = scope_of(user)
        if scope.role is None:
            return self.none()
        shared = Q(visibility=Visibility.CITY) | Q(owner=user)
        if scope.district_ids:
            shared |= Q(visibility=Visibility.DISTRICT,
                        owner__membership__districts__in=scope.district_ids)
        # distinct: an owner with two districts in common would be joined twice
        return self.filter(shared).distinct()


class SavedView(models.Model):
    """A list's filters and sort (its query string) and columns, saved under a name
    (``riskdesk.saved_views``)."""

    list = models.CharField(_("list"), max_length=20, choices=SavedList.choices)
    name = models.CharField(_("name"), max_length=80)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views",
        verbose_name=_("owner"),
    )
    visibility = models.CharField(
        _("shared with"), max_length=10, choices=Visibility.choices,
        default=Visibility.PERSONAL,
    )
    query = models.TextField(_("filters and sort"), blank=True,
                             help_text=_("The list's query string."))
    columns = models.JSONField(_("columns"), default=no_columns, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        ordering = ["list", "name", "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_unique_name", fields=["owner", "list", "name"]
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_list_valid", condition=Q(list__in=SavedList.values)
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_visibility_valid",
                condition=Q(visibility__in=Visibility.values),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_name_not_blank", condition=~Q(name=""),
            ),
        ]

    def __str__(self):
        return self.name


class ListSetting(models.Model):
    """One user's settings of one list: the default view (opened when the list is opened
    without parameters) and the columns chosen outside a view."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_settings",
    )
    list = models.CharField(_("list"), max_length=20, choices=SavedList.choices)
    default_view = models.ForeignKey(
        SavedView, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("default view"),
    )
    columns = models.JSONField(_("columns"), default=no_columns, blank=True)

    class Meta:
        ordering = ["user", "list"]
        verbose_name = _("list setting")
        verbose_name_plural = _("list settings")
        constraints = [
            models.UniqueConstraint(
                name="%(app_label)s_%(class)s_unique_user_list", fields=["user", "list"]
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_list_valid", condition=Q(list__in=SavedList.values)
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.list}"
