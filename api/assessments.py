"""The API's decisions (with their assessments) and agencies of the registry: read only.

Every queryset starts from ``for_user(request.user)``, as the decision and agency pages'
do: an assessor sees the decisions assigned to their agency and their own agency, district
staff their districts' and the city's decisions and no registry; out of scope is a 404.
The lists take the pages' filtersets; the report download is the page's (audited, and
offered by the same rule, ``assessments.views.report_downloadable``).
"""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action

from api.filtersets import ScopedFilterBackend
from api.serializers_assessments import AgencySerializer, DecisionSerializer
from api.views import ERRORS, NOT_FOUND, ApiView
from assessments.filtersets import AgencyFilterSet, DecisionFilterSet
from assessments.models import Agency, Decision, Violation
from assessments.views import report_response


def caused_cases_count():
    """How many risk cases a decision later caused (a subquery: one query for a page)."""
    links = (Decision.caused_cases.through.objects.filter(decision=OuterRef("pk")).order_by()
             .values("decision").annotate(n=Count("*")).values("n"))
    return Coalesce(Subquery(links, output_field=IntegerField()), 0)


@extend_schema_view(
    list=extend_schema(
        summary="Decisions in your scope, with their assessments",
        description="The filters of the /decisions/ page, in the order of id, page after "
                    "page through the next link. Assessors see the decisions assigned to "
                    "their agency; district staff and supervisors their districts' and the "
                    "city's.",
        responses={200: DecisionSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary="One decision with its assessment",
                           responses={200: DecisionSerializer, **ERRORS, **NOT_FOUND}),
    report=extend_schema(
        summary="Download the assessment report",
        description="The report file, as the decision page offers it (audited as a "
                    "download). 404 when none is uploaded.",
        responses={(200, "*/*"): OpenApiResponse(
            OpenApiTypes.BINARY, description="The report, as an attachment."),
            **ERRORS, **NOT_FOUND},
    ),
)
class DecisionViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    reads_only = True
    serializer_class = DecisionSerializer
    filter_backends = [ScopedFilterBackend]
    filterset_class = DecisionFilterSet
    cursor_ordering = ("id",)  # a decision has no time of change: its number

    def get_queryset(self):
        return (Decision.objects.for_user(self.request.user).with_related()
                .select_related("assessment__notice", "assessment__expert_review",
                                "assessment__survey")
                .prefetch_related("assessment__risks")
                .annotate(caused_cases_count=caused_cases_count()))

    @action(detail=True, methods=["get"])
    def report(self, request, pk):
        return report_response(request, self.get_object())


@extend_schema_view(
    list=extend_schema(
        summary="Agencies of the registry in your scope",
        description="The filters of the /agencies/ page, in the order of id. "
                    "Administrators and supervisors see the registry; an assessor their own "
                    "agency; others none.",
        responses={200: AgencySerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary="One agency, with its red-line violations",
                           responses={200: AgencySerializer, **ERRORS, **NOT_FOUND}),
)
class AgencyViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    reads_only = True
    serializer_class = AgencySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = AgencyFilterSet
    cursor_ordering = ("id",)

    def get_queryset(self):
        return Agency.objects.for_user(self.request.user).with_scores().prefetch_related(
            "scopes", Prefetch("violations", Violation.objects.select_related("red_line")))
