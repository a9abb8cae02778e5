from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from riskdesk.actions import check_membership
from riskdesk.models import District, Membership


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


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class RiskDeskUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "email", "role", "is_active", "last_login"]
    list_select_related = ["membership"]
    list_filter = ["is_active", "membership__role"]

    @admin.display(description=_("role"), ordering="membership__role")
    def role(self, obj):
        membership = getattr(obj, "membership", None)
        return membership.get_role_display() if membership else "-"

    def has_delete_permission(self, request, obj=None):
        return False  # people leave: deactivate them, their history stays attributed
