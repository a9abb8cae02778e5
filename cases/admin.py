"""The Django admin for risk cases: administrators keep the categories and the follow-up
intervals, and may look at cases. Cases are worked in the app, never here; their history
(``CaseEvent``) has no admin at all, since nobody edits it.

Access goes by the RiskDesk role, not by Django's per-model permissions: administrators
(and superusers) only.
"""

from django.contrib import admin

from cases.choices import CategoryKind
from cases.models import (
    Case,
    CaseAlert,
    Category,
    EscalationRule,
    FollowUpInterval,
    Job,
    MassVictimDetails,
    RealEstateDetails,
    SecurityPeriod,
    WageArrearsDetails,
)
from riskdesk.admin import AdministratorsOnly, ReadOnly


@admin.register(Category)
class CategoryAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["code", "name_en", "name_zh", "kind", "sort_order", "is_active"]
    list_display_links = ["code", "name_en"]
    list_editable = ["sort_order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name_en", "name_zh"]
    fields = ["code", "name_en", "name_zh", "kind", "sort_order", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # The code identifies the category (demo data, imports); the kind decides which
        # details its cases carry, so it is fixed once cases use it.
        return ["code", "kind"] if obj.cases.exists() else ["code"]


@admin.register(FollowUpInterval)
class FollowUpIntervalAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["risk_level", "days"]
    list_editable = ["days"]
    fields = ["risk_level", "days"]
    readonly_fields = ["risk_level"]

    def has_add_permission(self, request, *args):
        return False  # the four risk levels each have their row (migration 0002)


class DetailsInline(ReadOnly, admin.StackedInline):
    extra = 0
    max_num = 1
    can_delete = False


class RealEstateDetailsInline(DetailsInline):
    model = RealEstateDetails


class WageArrearsDetailsInline(DetailsInline):
    model = WageArrearsDetails


class MassVictimDetailsInline(DetailsInline):
    model = MassVictimDetails


DETAILS_INLINES = {
    CategoryKind.REAL_ESTATE: RealEstateDetailsInline,
    CategoryKind.WAGE_ARREARS: WageArrearsDetailsInline,
    CategoryKind.MASS_VICTIM: MassVictimDetailsInline,
}


@admin.register(Case)
class CaseAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "reference", "title", "category", "district", "status", "risk_level", "owner",
        "next_follow_up_due", "updated_at",
    ]
    list_filter = ["status", "risk_level", "category", "district"]
    search_fields = ["reference", "title"]
    list_select_related = ["category", "district", "owner"]

    # Personal numbers are shown masked here too: whole only through the audited reveal.
    MASKED = {"contact_id_number": "contact_id_masked", "contact_phone": "contact_phone_masked"}

    def get_readonly_fields(self, request, obj=None):
        return [
            self.MASKED.get(f.name, f.name) for f in Case._meta.concrete_fields if f.name != "id"
        ]

    @admin.display(description=Case._meta.get_field("contact_id_number").verbose_name)
    def contact_id_masked(self, obj):
        return obj.contact_id_number_masked

    @admin.display(description=Case._meta.get_field("contact_phone").verbose_name)
    def contact_phone_masked(self, obj):
        return obj.contact_phone_masked

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    def get_inlines(self, request, obj):
        """Only the details of the case's kind of category."""
        inline = DETAILS_INLINES.get(obj.category.kind) if obj is not None else None
        return [inline] if inline else []


@admin.register(EscalationRule)
class EscalationRuleAdmin(AdministratorsOnly, admin.ModelAdmin):
    """After how many days overdue cases escalate, per risk level and level."""

    list_display = ["risk_level", "level", "days_overdue", "working_days"]
    list_editable = ["days_overdue", "working_days"]
    list_filter = ["risk_level"]
    ordering = ["risk_level", "level"]

    def has_add_permission(self, request, *args):
        return False  # the eight rules exist; their thresholds are edited

    def get_readonly_fields(self, request, obj=None):
        return ["risk_level", "level"] if obj else []


@admin.register(SecurityPeriod)
class SecurityPeriodAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "major_days", "high_days"]
    date_hierarchy = "starts_on"
    search_fields = ["name"]


@admin.register(CaseAlert)
class CaseAlertAdmin(ReadOnly, admin.ModelAdmin):
    """What the scheduled jobs did: each reminder and escalation step, once."""

    list_display = ["created_at", "kind", "case", "order", "due_date", "level"]
    list_filter = ["kind", "trigger", "level"]
    list_select_related = ["case", "order", "order__case"]
    search_fields = ["case__reference", "key"]
    date_hierarchy = "created_at"


@admin.register(Job)
class JobAdmin(ReadOnly, admin.ModelAdmin):
    """Background exports and imports: administrators see what ran and what failed (the
    files themselves are downloaded only by their owner, from the job's page)."""

    list_display = ["pk", "kind", "state", "user", "created_at", "finished_at", "rows"]
    list_filter = ["state", "kind"]
    exclude = ["source", "result"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Job._meta.fields if f.name not in self.exclude]
