"""The API's resources: cases (read, register, edit, workflow steps), districts and
categories.

Every queryset starts from ``for_user(request.user)``, as the pages' do: a token acts
with its user's role and districts, and a case out of scope is a 404. Writes go through
the pages' forms and ``cases.actions`` (``api.writes``), which check them and write the
history; the API adds no rule of its own.
"""

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.db.transaction import non_atomic_requests
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api import idempotency, writes
from api.filtersets import ApiCaseFilterSet, ScopedFilterBackend
from api.serializers import (
    CaseInputSerializer,
    CaseSerializer,
    CaseUpdateSerializer,
    CategorySerializer,
    DistrictSerializer,
    TransitionSerializer,
)
from cases.models import Case, Category
from riskdesk.models import District
from riskdesk.replica import reading_from_replica

ERRORS = {
    400: OpenApiResponse(description="Bad input: each field named with its messages, in the "
                                     "language of Accept-Language."),
    401: OpenApiResponse(description="No credentials, or an unknown, expired or revoked token."),
    403: OpenApiResponse(description="A session that still owes its second factor, a "
                                     "read-only token on a method that writes, or a role "
                                     "that cannot make this change."),
    429: OpenApiResponse(description="Too many requests: wait the seconds in Retry-After."),
}
NOT_FOUND = {404: OpenApiResponse(description="No such object in your scope.")}
POST = {"parameters": [idempotency.PARAMETER]}


class ApiView:
    """What every API view is: authenticated by DRF (tokens or the session), so exempt
    from the sign-in redirect (``LoginRequiredMiddleware``), and checked for the second
    factor by ``api.authentication.SessionAuthentication`` rather than redirected to it."""

    # True: reads need no transaction (BEGIN/COMMIT), as the list pages; the view's
    # writes (unsafe methods) then get their own, around the whole request.
    reads_only = False
    idempotency_record = None
    replica_reads = None  # a list's reads from the replica, once the request may make them

    @classmethod
    def as_view(cls, *args, **kwargs):
        view = super().as_view(*args, **kwargs)
        view.second_factor_checked_in_view = True
        if cls.reads_only:
            view = non_atomic_requests(view)
        return login_not_required(view)

    def dispatch(self, request, *args, **kwargs):
        if self.reads_only and request.method not in permissions.SAFE_METHODS:
            with transaction.atomic():
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # who, may they, not too often
        self.idempotency_record = idempotency.claim(request)
        if getattr(self, "action", None) == "list":
            # The list itself, not who asks (read above, from the primary: a token revoked
            # a moment ago is refused), may come from the read replica (riskdesk.replica).
            self.replica_reads = reading_from_replica()
            self.replica_reads.__enter__()

    def handle_exception(self, exc):
        if isinstance(exc, idempotency.Replayed):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        if self.replica_reads is not None:  # always called, after the handler or its error
            self.replica_reads.__exit__(None, None, None)
            self.replica_reads = None
        response = super().finalize_response(request, response, *args, **kwargs)
        idempotency.store(self.idempotency_record, response)
        return response


@extend_schema_view(
    list=extend_schema(
        summary="Cases in your scope",
        description="The filters of the /cases/ page, plus updated_after; in the order of "
                    "(updated_at, id), page after page through the next link.",
        responses={200: CaseSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary="One case", responses={200: CaseSerializer, **ERRORS,
                                                          **NOT_FOUND}),
    create=extend_schema(
        summary="Register a case",
        description="Checked as the registration page checks it, and written to the case's "
                    "history. Staff register in their own district. A source_reference the "
                    "district already has returns that case (200) and changes nothing, so "
                    "a system can send its cases again without making duplicates.",
        request=CaseInputSerializer, **POST,
        responses={201: CaseSerializer,
                   200: OpenApiResponse(CaseSerializer, description="The district already "
                                        "has a case of this source_reference: that case, "
                                        "unchanged."),
                   **ERRORS, **idempotency.RESPONSES},
    ),
    partial_update=extend_schema(
        summary="Edit a case",
        description="The fields sent change, the others stay (as the edit page, which it "
                    "checks like); the changes are written to the case's history. A closed "
                    "case cannot be edited.",
        request=CaseUpdateSerializer,
        responses={200: CaseSerializer, **ERRORS, **NOT_FOUND},
    ),
    transitions=extend_schema(
        summary="Move a case one step along the workflow",
        description="As the buttons of the case page: the step must be open to the case's "
                    "status and your role, and needs a note; written to the history.",
        request=TransitionSerializer, **POST,
        responses={200: CaseSerializer, **ERRORS, **NOT_FOUND, **idempotency.RESPONSES},
    ),
)
class CaseViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    reads_only = True
    serializer_class = CaseSerializer
    filter_backends = [ScopedFilterBackend]
    filterset_class = ApiCaseFilterSet
    lookup_field = "reference"
    cursor_ordering = ("updated_at", "id")

    def get_queryset(self):
        return (Case.objects.for_user(self.request.user).with_related()
                .select_related("real_estate", "wage_arrears", "mass_victim"))

    def shown(self, case, status_code):
        case = self.get_queryset().get(pk=case.pk)  # as a GET shows it
        return Response(self.get_serializer(case).data, status=status_code)

    def create(self, request):
        case, created = writes.register(request.user, request.data)
        return self.shown(case, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def partial_update(self, request, reference):
        return self.shown(writes.update(request.user, self.get_object(), request.data),
                          status.HTTP_200_OK)

    @action(detail=True, methods=["post"])
    def transitions(self, request, reference):
        case = self.get_object()
        step = TransitionSerializer(data=request.data)
        step.is_valid(raise_exception=True)
        writes.transition(request.user, case, **step.validated_data)
        return self.shown(case, status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(summary="Districts in your scope", responses={200: DistrictSerializer(
        many=True), **ERRORS}),
)
class DistrictViewSet(ApiView, mixins.ListModelMixin, viewsets.GenericViewSet):
    reads_only = True
    serializer_class = DistrictSerializer

    def get_queryset(self):
        return District.objects.for_user(self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Case categories", responses={200: CategorySerializer(
        many=True), **ERRORS}),
)
class CategoryViewSet(ApiView, mixins.ListModelMixin, viewsets.GenericViewSet):
    reads_only = True
    serializer_class = CategorySerializer
    queryset = Category.objects.all()


class SchemaView(ApiView, SpectacularAPIView):
    """The OpenAPI 3 schema (JSON, or YAML with ?format=yaml), for a token or a session."""
