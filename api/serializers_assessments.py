"""What the API shows of a decision with its assessment, and of an agency of the registry
(read only), as the decision and agency pages show them to the same user.

State words come as the stored value and its label in the language of ``Accept-Language``.
The grade, recommendation and mitigation are shown once the assessment is concluded, as on
the decision page; the agency's contact phone is masked (``riskdesk.personal``).
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.choices import (
    AgencyStatus,
    AssessmentStatus,
    AssessorKind,
    Consequence,
    DecisionLevel,
    DecisionStatus,
    DecisionType,
    Grade,
    Recommendation,
)
from assessments.models import Agency, Assessment, Decision, Violation
from assessments.views import report_downloadable
from riskdesk.access import scope_of
from riskdesk.personal import mask_phone


def label(source, help_text="In the request's language."):
    return serializers.CharField(source=source, read_only=True, help_text=help_text)


class AssessmentSerializer(serializers.ModelSerializer):
    assessor_kind = serializers.ChoiceField(
        choices=AssessorKind.choices, read_only=True,
        help_text="agency: a third-party agency of the registry; self: the sponsoring "
                  "department itself.")
    assessor_kind_label = label("get_assessor_kind_display")
    agency_name = serializers.CharField(
        source="agency.name", read_only=True, allow_null=True, default=None,
        help_text="The agency's name; null for a self-assessment.")
    agency_url = serializers.SerializerMethodField(
        help_text="The agency in the registry (GET /api/v1/agencies/{id}/), for those the "
                  "decision page links it for (administrators and supervisors); else null.")
    status = serializers.ChoiceField(choices=AssessmentStatus.choices, read_only=True)
    status_label = label("get_status_display")
    grade = serializers.SerializerMethodField(
        help_text="The risk grade (high, medium, low) once concluded; else null.")
    grade_label = serializers.SerializerMethodField(help_text="The grade in the request's "
                                                              "language; null until concluded.")
    recommendation = serializers.SerializerMethodField(
        help_text="proceed, mitigate (proceed with mitigation), postpone or do_not_proceed, "
                  "once concluded; else null.")
    recommendation_label = serializers.SerializerMethodField(
        help_text="The recommendation in the request's language; null until concluded.")
    mitigation = serializers.SerializerMethodField(
        help_text="The mitigation measures once concluded; else null.")
    notice_recorded = serializers.SerializerMethodField(
        help_text="Whether the public notice (公开公示) is recorded.")
    risks_recorded = serializers.SerializerMethodField(
        help_text="How many risks the risk analysis (风险研判) has recorded.")
    expert_review_recorded = serializers.SerializerMethodField(
        help_text="Whether the expert review (专家论证) is recorded.")
    survey_recorded = serializers.SerializerMethodField(
        help_text="Whether the optional public-opinion survey is recorded.")
    report_present = serializers.SerializerMethodField(
        help_text="Whether the assessment report is uploaded.")
    report_name = serializers.SerializerMethodField(
        help_text="The report's file name; null when none.")
    report_size = serializers.SerializerMethodField(
        help_text="The report's size in bytes; null when none.")
    report_url = serializers.SerializerMethodField(
        help_text="Where to download the report (GET, audited), when the decision page "
                  "offers it to you; else null.")
    concluded_at = serializers.DateTimeField(read_only=True, allow_null=True,
                                             help_text="When it was concluded; null until then.")
    quality_score = serializers.IntegerField(
        read_only=True, allow_null=True,
        help_text="The quality score (1 to 5) supervisors gave the concluded assessment; "
                  "null until scored.")
    quality_comment = serializers.CharField(read_only=True,
                                            help_text="The supervisor's comment on the score.")
    flagged = serializers.BooleanField(
        read_only=True, help_text="Flagged: its agency was suspended or revoked while it "
                                  "was in progress.")
    flag_reason = serializers.CharField(read_only=True, help_text="Why it is flagged.")

    class Meta:
        model = Assessment
        fields = [
            "assessor_kind", "assessor_kind_label", "agency_name", "agency_url",
            "status", "status_label", "grade", "grade_label", "recommendation",
            "recommendation_label", "mitigation", "notice_recorded", "risks_recorded",
            "expert_review_recorded", "survey_recorded", "report_present", "report_name",
            "report_size", "report_url", "started_at", "concluded_at", "quality_score",
            "quality_comment", "flagged", "flag_reason",
        ]
        read_only_fields = fields
        extra_kwargs = {"started_at": {"help_text": "When the assessment was started."}}

    # the conclusion: shown once concluded, as on the decision page
    @extend_schema_field(serializers.ChoiceField(choices=Grade.choices, allow_null=True))
    def get_grade(self, assessment):
        return assessment.grade if assessment.is_concluded else None

    def get_grade_label(self, assessment) -> str | None:
        return assessment.get_grade_display() if assessment.is_concluded else None

    @extend_schema_field(serializers.ChoiceField(choices=Recommendation.choices,
                                                 allow_null=True))
    def get_recommendation(self, assessment):
        return assessment.recommendation if assessment.is_concluded else None

    def get_recommendation_label(self, assessment) -> str | None:
        return assessment.get_recommendation_display() if assessment.is_concluded else None

    def get_mitigation(self, assessment) -> str | None:
        return assessment.mitigation if assessment.is_concluded else None

    def get_agency_url(self, assessment) -> str | None:
        scope = scope_of(self.context["request"].user)
        if assessment.agency_id is None or not (scope.is_admin or scope.is_supervisor):
            return None
        return self.absolute("api:agency-detail", assessment.agency_id)

    def get_notice_recorded(self, assessment) -> bool:
        return hasattr(assessment, "notice")

    def get_risks_recorded(self, assessment) -> int:
        return len(assessment.risks.all())  # prefetched with the page

    def get_expert_review_recorded(self, assessment) -> bool:
        return hasattr(assessment, "expert_review")

    def get_survey_recorded(self, assessment) -> bool:
        return hasattr(assessment, "survey")

    def get_report_present(self, assessment) -> bool:
        return bool(assessment.report)

    def get_report_name(self, assessment) -> str | None:
        return assessment.report_name if assessment.report else None

    def get_report_size(self, assessment) -> int | None:
        return assessment.report_size if assessment.report else None

    def get_report_url(self, assessment) -> str | None:
        if not report_downloadable(assessment):
            return None
        return self.absolute("api:decision-report", assessment.decision_id)

    def absolute(self, name, pk) -> str:
        return self.context["request"].build_absolute_uri(reverse(name, args=[pk]))


class DecisionSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True,
                                      help_text="How the decision is quoted: JC-2026-00004.")
    department = serializers.CharField(source="department.name", read_only=True,
                                       help_text="The sponsoring department, in the "
                                                 "request's language.")
    level = serializers.ChoiceField(choices=DecisionLevel.choices, read_only=True)
    level_label = label("get_level_display")
    district = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True,
        help_text="The district's code; null for a city decision.")
    decision_type = serializers.ChoiceField(choices=DecisionType.choices, read_only=True)
    decision_type_label = label("get_decision_type_display")
    status = serializers.ChoiceField(choices=DecisionStatus.choices, read_only=True)
    status_label = label("get_status_display")
    implemented = serializers.BooleanField(
        read_only=True, allow_null=True,
        help_text="Whether the decision was implemented; null until the outcome is recorded.")
    caused_cases_count = serializers.IntegerField(
        read_only=True, help_text="How many risk cases the decision later caused (0: it "
                                  "caused no stability problem).")
    assessment = serializers.SerializerMethodField(
        help_text="Its social-stability risk assessment; null until it is started.")

    class Meta:
        model = Decision
        fields = [
            "id", "reference", "title", "description", "department", "level", "level_label",
            "district", "decision_type", "decision_type_label", "planned_date",
            "key_sensitive", "status", "status_label", "decided_on", "implemented",
            "caused_cases_count", "created_at", "assessment",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The decision's number (GET /api/v1/decisions/{id}/)."},
            "title": {"help_text": "What is to be decided."},
            "description": {"help_text": "The decision in more words; may be empty."},
            "planned_date": {"help_text": "The planned decision date."},
            "key_sensitive": {"help_text": "Key sensitive: supervisors follow it closely."},
            "decided_on": {"help_text": "The day it was decided; null until then."},
            "created_at": {"help_text": "When it was registered."},
        }

    @extend_schema_field(AssessmentSerializer(allow_null=True))
    def get_assessment(self, decision):
        assessment = decision.assessment_or_none
        if assessment is None:
            return None
        return AssessmentSerializer(assessment, context=self.context).data


class ViolationSerializer(serializers.ModelSerializer):
    red_line = serializers.SlugRelatedField(slug_field="code", read_only=True,
                                            help_text="The red line's code.")
    red_line_name = serializers.CharField(source="red_line.name", read_only=True,
                                          help_text="The red line in the request's language.")
    consequence = serializers.ChoiceField(choices=Consequence.choices, read_only=True,
                                          help_text="What was applied when it was recorded.")
    consequence_label = label("get_consequence_display")

    class Meta:
        model = Violation
        fields = ["occurred_on", "red_line", "red_line_name", "description", "consequence",
                  "consequence_label", "suspended_until", "recorded_at"]
        read_only_fields = fields
        extra_kwargs = {
            "occurred_on": {"help_text": "The day of the violation."},
            "description": {"help_text": "What happened."},
            "suspended_until": {"help_text": "The suspension it brought: until when; null "
                                             "when none."},
            "recorded_at": {"help_text": "When it was recorded."},
        }


class AgencySerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=AgencyStatus.choices, read_only=True,
                                     help_text="Where the registration stands.")
    status_label = label("get_status_display")
    credit_code = serializers.CharField(
        read_only=True, help_text="The unified social credit code (统一社会信用代码, 18 "
                                  "characters).")
    contact_phone_masked = serializers.SerializerMethodField(
        help_text="The contact's phone number, masked (0472-***0000).")
    scope = serializers.SerializerMethodField(
        help_text="The types of decision it declared it assesses (its \"lane\").")
    valid_until = serializers.DateField(read_only=True, allow_null=True,
                                        help_text="The end of its registration period.")
    suspended_until = serializers.DateField(read_only=True, allow_null=True,
                                            help_text="While suspended: until when.")
    violations_count = serializers.SerializerMethodField(
        help_text="How many red-line violations are recorded against it.")
    violations = ViolationSerializer(many=True, read_only=True,
                                     help_text="Its red-line violations, latest first.")
    score_average = serializers.DecimalField(
        max_digits=4, decimal_places=2, read_only=True, allow_null=True,
        help_text="The average quality score (1-5) of its scored assessments, as a decimal "
                  "string; null when none is scored.")
    scored_count = serializers.IntegerField(
        read_only=True, help_text="How many of its assessments are scored.")

    class Meta:
        model = Agency
        fields = [
            "id", "reference", "name", "credit_code", "status", "status_label", "valid_until",
            "suspended_until", "legal_representative", "contact_name", "contact_phone_masked",
            "address", "qualifications", "scope", "submitted_at", "status_changed_at",
            "violations_count", "violations", "score_average", "scored_count",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The agency's number (GET /api/v1/agencies/{id}/)."},
            "reference": {"help_text": "The registry's reference number (AG-2026-00001); "
                                       "empty until the application is received."},
            "name": {"help_text": "The agency's name."},
            "legal_representative": {"help_text": "Its legal representative."},
            "contact_name": {"help_text": "Its contact person."},
            "address": {"help_text": "Its address."},
            "qualifications": {"help_text": "The qualifications it declared."},
            "submitted_at": {"help_text": "When it applied."},
            "status_changed_at": {"help_text": "When its status last changed."},
        }

    def get_contact_phone_masked(self, agency) -> str:
        return mask_phone(agency.contact_phone)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(
        choices=DecisionType.choices)))
    def get_scope(self, agency):
        return agency.scope_types()

    def get_violations_count(self, agency) -> int:
        return len(agency.violations.all())
