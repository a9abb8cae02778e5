from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from riskdesk import notify, twofactor
from riskdesk.access import scope_of
from riskdesk.actions import check_membership, check_username_free
from riskdesk.calendar import WorkingCalendar
from riskdesk.choices import EmailStatus
from riskdesk.models import (
    AuditEntry,
    District,
    ExternalIdentity,
    Membership,
    Notification,
    WorkingDayOverride,
)
from riskdesk.signin import AdminSignInForm


def is_administrator(request) -> bool:
    user = request.user
    return bool(
        user.is_active and user.is_staff and (user.is_superuser or scope_of(user).is_admin)
    )


class AdministratorsOnly:
    """Administrators see and change; nobody deletes (rows are deactivated instead)."""

    def has_module_permission(self, request):
        return is_administrator(request)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request)

    def has_add_permission(self, request, *args):
        return is_administrator(request)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request)

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnly(AdministratorsOnly):
    """Administrators look; nobody adds, changes or deletes."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_zh", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name_en", "name_zh"]

    def has_delete_permission(self, request, obj=None):
        return False  # districts are deactivated, never deleted: cases point at them


class MembershipFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.forms:
            if not getattr(form, "cleaned_data", None) or form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            try:
                check_membership(
                    data.get("role"), list(data.get("districts") or []), data.get("city_wide")
                )
            except ValidationError as error:
                form.add_error(None, error)


class MembershipInline(admin.StackedInline):
    model = Membership
    formset = MembershipFormSet
    can_delete = False
    filter_horizontal = ["districts"]


class ExternalIdentityInline(admin.TabularInline):
    """The identity platform's account behind the user, as single sign-on linked it: shown,
    never edited here (the platform's subject is what signs the user in)."""

    model = ExternalIdentity
    extra = 0
    can_delete = False
    fields = readonly_fields = ["issuer", "subject", "created_at", "last_sign_in_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LookAlikeNameMixin:
    """Refuses a user name too like another user's (``check_username_free``)."""

    def clean_username(self):
        check_username_free(self.cleaned_data["username"], exclude_pk=self.instance.pk)
        parent = getattr(super(), "clean_username", None)  # the add form's own check
        return parent() if parent else self.cleaned_data["username"]


class UserAddForm(LookAlikeNameMixin, AdminUserCreationForm):
    """The admin's form for a new user, refusing look-alike names."""


class UserEditForm(LookAlikeNameMixin, UserChangeForm):
    """The admin's form for an existing user, refusing a rename to a look-alike name."""


User = get_user_model()
admin.site.unregister(User)
# django-otp's device pages would show administrators every user's secret key (and its QR
# code): gone. Their one tool is the user list's "Reset second factor" action.
admin.site.unregister([TOTPDevice, StaticDevice])
# The admin's sign-in page is throttled like the site's (riskdesk.signin).
admin.site.login_form = AdminSignInForm


@admin.register(User)
class RiskDeskUserAdmin(UserAdmin):
    add_form = UserAddForm
    form = UserEditForm
    inlines = [MembershipInline, ExternalIdentityInline]
    list_display = ["username", "first_name", "email", "role", "is_active", "last_login"]
    list_select_related = ["membership"]
    list_filter = ["is_active", "membership__role"]

    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset second factor"), permissions=["change"])
    def reset_second_factor(self, request, queryset):
        """Removes the authenticator app and recovery codes: each user sets up a new app
        at their next sign-in (lost phone, new phone). Audited."""
        users = list(queryset)
        for user in users:
            twofactor.reset(user, request=request)
        self.message_user(request, ngettext(
            "Second factor reset for %(count)s user: they set it up again at their next "
            "sign-in.",
            "Second factor reset for %(count)s users: they set it up again at their next "
            "sign-in.",
            len(users),
        ) % {"count": len(users)}, messages.SUCCESS)

    @admin.display(description=_("role"), ordering="membership__role")
    def role(self, obj):
        membership = getattr(obj, "membership", None)
        return membership.get_role_display() if membership else "-"

    def has_delete_permission(self, request, obj=None):
        return False  # people leave: deactivate them, their history stays attributed


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that are shown, never added, changed or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Read-only: what was notified, and what became of each e-mail (failures included)."""

    list_display = [
        "created_at", "recipient", "kind", "text", "email_status", "email_attempts",
        "short_error", "emailed_at", "read_at",
    ]
    list_filter = ["email_status", "kind"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email", "address", "key"]
    date_hierarchy = "created_at"
    fields = [
        "user", "address", "kind", "text", "key", "params", "url", "created_at", "read_at",
        "email_status", "email_attempts", "email_error", "emailed_at",
    ]
    readonly_fields = fields
    actions = ["send_again"]

    @admin.display(description=_("recipient"))
    def recipient(self, obj):
        return obj.user or obj.address

    @admin.display(description=_("text"))
    def text(self, obj):
        return notify.render(obj)

    @admin.display(description=_("e-mail error"))
    def short_error(self, obj):
        return truncatechars(obj.email_error, 80) or "-"

    @admin.action(description=_("Send the failed e-mails again"))
    def send_again(self, request, queryset):
        ids = list(
            queryset.filter(email_status=EmailStatus.FAILED)
            .filter(Q(user=None) | (Q(user__is_active=True) & ~Q(user__email="")))
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(
            email_status=EmailStatus.PENDING, email_attempts=0
        )
        for pk in ids:
            transaction.on_commit(lambda pk=pk: notify.enqueue_email(pk))
        self.message_user(request, ngettext(
            "%(count)s e-mail queued again.", "%(count)s e-mails queued again.", len(ids)
        ) % {"count": len(ids)}, messages.SUCCESS)


@admin.register(WorkingDayOverride)
class WorkingDayOverrideAdmin(admin.ModelAdmin):
    """Corrections of the public-holiday calendar, e.g. a new year's schedule announced
    before the ``holidays`` package knows it."""

    list_display = ["date", "is_working_day", "calendar_says", "note"]
    list_filter = ["is_working_day"]
    search_fields = ["note"]
    date_hierarchy = "date"
    fields = ["date", "is_working_day", "note"]

    @admin.display(description=_("without the correction"), boolean=True)
    def calendar_says(self, obj):
        """Whether the public-holiday calendar alone makes the date a working day."""
        return WorkingCalendar(overrides={}).is_working_day(obj.date)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: sign-ins, exports, downloads and reveals of personal data."""

    list_display = ["at", "action", "username", "address", "object_label", "query"]
    list_filter = ["action", "at", ("user", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["username", "address", "object_label", "query"]
    date_hierarchy = "at"
    fields = ["at", "action", "user", "username", "address", "object_label", "query"]
    readonly_fields = fields
    list_select_related = ["user"]
