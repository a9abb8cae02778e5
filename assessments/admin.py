"""The Django admin for the registry's reference lists: departments, red lines, trainings
and which assessor works for which agency. Decisions, assessments and agencies are worked
in the app, where every step is a rule-checked action with its history; here they are
read-only, and the histories have no admin at all.
"""

from django.contrib import admin

from assessments.models import (
    Agency,
    AgencyMember,
    Attendance,
    Decision,
    Department,
    RedLine,
    Training,
)
from riskdesk.admin import AdministratorsOnly, ReadOnly


@admin.register(Department)
class DepartmentAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "district", "is_active"]
    list_filter = ["is_active", "district"]
    search_fields = ["name_zh", "name_en"]


@admin.register(RedLine)
class RedLineAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "consequence", "suspension_months",
                    "is_active"]
    list_filter = ["consequence", "is_active"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 3
    autocomplete_fields = ["agency"]


@admin.register(Training)
class TrainingAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["date", "topic", "trainer", "location"]
    date_hierarchy = "date"
    search_fields = ["topic", "trainer"]
    inlines = [AttendanceInline]

    def has_delete_permission(self, request, obj=None):
        return super().has_change_permission(request, obj)  # a mistaken session may go


@admin.register(AgencyMember)
class AgencyMemberAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["user", "agency"]
    autocomplete_fields = ["agency"]
    raw_id_fields = ["user"]

    def has_delete_permission(self, request, obj=None):
        return super().has_change_permission(request, obj)  # staff leave agencies


@admin.register(Agency)
class AgencyAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "credit_code", "reference", "status", "valid_until"]
    list_filter = ["status"]
    search_fields = ["name", "credit_code", "reference"]


@admin.register(Decision)
class DecisionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["title", "department", "level", "district", "status", "planned_date"]
    list_filter = ["status", "level", "decision_type"]
    search_fields = ["title"]
