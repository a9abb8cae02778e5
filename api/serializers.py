"""What the API shows of a case, a district and a category (read-only in this slice).

Personal numbers are masked as on the pages (``riskdesk.personal``); state words come as
the stored value and its label in the language of ``Accept-Language``; money is in yuan
(元, CNY) as a decimal string with two places, so no client rounds it through a float.
"""

from datetime import date

from django.utils import timezone
from rest_framework import serializers

from cases.choices import (
    CategoryKind,
    HousingStage,
    JudicialStage,
    RiskLevel,
    SchemeType,
    Source,
    Status,
    SupervisionLevel,
    Transition,
)
from cases.models import Case, Category, MassVictimDetails, RealEstateDetails, WageArrearsDetails
from riskdesk.models import District

YUAN = "In yuan (元, CNY): a decimal string with two places, e.g. \"49960000.00\"."


def money(help_text):
    return serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True,
                                    help_text=f"{help_text} {YUAN}")


class DistrictSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="The name in the request's language.")

    class Meta:
        model = District
        fields = ["id", "code", "name", "name_en", "name_zh", "is_active"]
        read_only_fields = fields


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="The name in the request's language.")
    kind = serializers.ChoiceField(
        choices=CategoryKind.choices, read_only=True,
        help_text="Which structured details its cases carry (real_estate, wage_arrears, "
                  "mass_victim), or general.",
    )

    class Meta:
        model = Category
        fields = ["id", "code", "name", "name_en", "name_zh", "kind", "is_active", "sort_order"]
        read_only_fields = fields


class RealEstateSerializer(serializers.ModelSerializer):
    stage = serializers.ChoiceField(choices=HousingStage.choices, read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)

    class Meta:
        model = RealEstateDetails
        fields = ["project_name", "developer", "households_affected", "households_delivered",
                  "stalled_since", "stage", "stage_label"]
        read_only_fields = fields


class WageArrearsSerializer(serializers.ModelSerializer):
    class Meta:
        model = WageArrearsDetails
        fields = ["employer", "project", "petition_number"]
        read_only_fields = fields


class MassVictimSerializer(serializers.ModelSerializer):
    scheme_type = serializers.ChoiceField(choices=SchemeType.choices, read_only=True)
    scheme_type_label = serializers.CharField(source="get_scheme_type_display", read_only=True)
    judicial_stage = serializers.ChoiceField(choices=JudicialStage.choices, read_only=True)
    judicial_stage_label = serializers.CharField(source="get_judicial_stage_display",
                                                 read_only=True)

    class Meta:
        model = MassVictimDetails
        fields = ["scheme_type", "scheme_type_label", "police_case_number", "judicial_stage",
                  "judicial_stage_label"]
        read_only_fields = fields


def details(serializer_class, kind):
    return serializer_class(read_only=True, allow_null=True,
                            help_text=f"Only for a case of a {kind} category; else null.")


class CaseSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True,
                                            help_text="The category's code.")
    district = serializers.SlugRelatedField(slug_field="code", read_only=True,
                                            help_text="The district's code.")
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True,
                                         help_text="The user name of the staff member in charge.")
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True,
                                         help_text="The status in the request's language.")
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, read_only=True)
    risk_level_label = serializers.CharField(source="get_risk_level_display", read_only=True)
    source = serializers.ChoiceField(choices=Source.choices, read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    supervision_level = serializers.ChoiceField(
        choices=[("", "none"), *SupervisionLevel.choices], read_only=True,
        help_text="Empty when the case is not under supervision.")
    registered_on = serializers.SerializerMethodField(
        help_text="The day the case was registered, in the server's time zone.")
    amount_involved = money("The amount involved.")
    amount_recovered = money("The amount recovered so far.")
    contact_id_number_masked = serializers.CharField(
        read_only=True, help_text="The contact's resident ID number, masked "
                                  "(1502**********1234); empty when none.")
    contact_phone_masked = serializers.CharField(
        read_only=True, help_text="The contact's phone number, masked (138****5678); "
                                  "empty when none.")
    real_estate = details(RealEstateSerializer, "real-estate")
    wage_arrears = details(WageArrearsSerializer, "wage-arrears")
    mass_victim = details(MassVictimSerializer, "mass-victim")

    class Meta:
        model = Case
        fields = [
            "reference", "title", "description", "category", "district", "address",
            "status", "status_label", "risk_level", "risk_level_label",
            "source", "source_label", "source_reference", "owner",
            "responsible_unit", "lead_official",
            "contact_name", "contact_id_number_masked", "contact_phone_masked",
            "people_affected", "people_helped", "amount_involved", "amount_recovered",
            "registered_on", "target_date", "next_follow_up_due",
            "escalation_level", "escalated_at", "supervision_level",
            "resolved_at", "closed_at", "created_at", "updated_at",
            "real_estate", "wage_arrears", "mass_victim",
        ]
        read_only_fields = fields

    def get_registered_on(self, case) -> date:
        return timezone.localdate(case.created_at)


# ---------------------------------------------------------------- what a write sends
# These describe the request bodies in the schema. The input itself is checked by the
# page's forms and the actions (api.forms.ApiCaseForm, cases.actions), not here.
class RealEstateInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = RealEstateDetails
        fields = ["project_name", "developer", "households_affected", "households_delivered",
                  "stalled_since", "stage"]


class WageArrearsInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = WageArrearsDetails
        fields = ["employer", "project", "petition_number"]


class MassVictimInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = MassVictimDetails
        fields = ["scheme_type", "police_case_number", "judicial_stage"]


def input_details(serializer_class, kind):
    return serializer_class(required=False, help_text=f"The details of a {kind} case; "
                                                      "ignored for a case of another kind.")


def input_money(help_text):
    return serializers.DecimalField(max_digits=16, decimal_places=2, required=False,
                                    help_text=f"{help_text} {YUAN} Default 0.")


class CaseInputSerializer(serializers.ModelSerializer):
    category = serializers.CharField(help_text="The category's code (GET /api/v1/categories/).")
    district = serializers.CharField(
        required=False, help_text="The district's code (GET /api/v1/districts/). Staff "
                                  "always register in their own district: theirs is used.")
    owner = serializers.CharField(
        required=False, help_text="The user name of the staff member or supervisor of the "
                                  "district in charge; on registering, you by default.")
    contact_id_number = serializers.CharField(
        required=False, allow_blank=True, max_length=40,
        help_text="The contact's resident ID number, whole; shown back only masked.")
    contact_phone = serializers.CharField(
        required=False, allow_blank=True, max_length=40,
        help_text="The contact's phone number; shown back only masked.")
    source_reference = serializers.CharField(
        required=False, allow_blank=True, max_length=64,
        help_text="Your system's identifier of the case (the hotline's ticket number). A "
                  "second POST with one the district already has returns that case with "
                  "200 and changes nothing. Set on registering only.")
    amount_involved = input_money("The amount involved.")
    amount_recovered = input_money("The amount recovered so far.")
    real_estate = input_details(RealEstateInputSerializer, "real-estate")
    wage_arrears = input_details(WageArrearsInputSerializer, "wage-arrears")
    mass_victim = input_details(MassVictimInputSerializer, "mass-victim")

    class Meta:
        model = Case
        fields = [
            "title", "description", "category", "district", "address", "risk_level", "source",
            "source_reference", "responsible_unit", "lead_official", "contact_name",
            "contact_id_number", "contact_phone", "owner", "target_date", "people_affected",
            "people_helped", "amount_involved", "amount_recovered",
            "real_estate", "wage_arrears", "mass_victim",
        ]
        extra_kwargs = {"people_affected": {"required": False},
                        "people_helped": {"required": False}}


class CaseUpdateSerializer(CaseInputSerializer):
    class Meta(CaseInputSerializer.Meta):
        fields = [name for name in CaseInputSerializer.Meta.fields
                  if name != "source_reference"]


class TransitionSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=Transition.choices,
                                   help_text="The step: which ones a case takes depends on "
                                             "its status and your role.")
    note = serializers.CharField(allow_blank=True, required=False, default="",
                                 help_text="Why: every status change needs a note.")


class RevealedSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=["contact_id_number", "contact_phone"],
                                   read_only=True, help_text="The personal number shown.")
    value = serializers.CharField(read_only=True,
                                  help_text="The number, whole; empty when the case has none.")
