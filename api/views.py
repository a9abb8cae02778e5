"""The API's resources (read-only in this slice): cases, districts and categories.

Every queryset starts from ``for_user(request.user)``, as the pages' do: a token acts
with its user's role and districts, and a case out of scope is a 404.
"""

from django.contrib.auth.decorators import login_not_required
from django.db.transaction import non_atomic_requests
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import mixins, viewsets

from api.filtersets import ApiCaseFilterSet, ScopedFilterBackend
from api.serializers import CaseSerializer, CategorySerializer, DistrictSerializer
from cases.models import Case, Category
from riskdesk.models import District

ERRORS = {
    400: OpenApiResponse(description="Bad input: each field named with its messages, in the "
                                     "language of Accept-Language."),
    401: OpenApiResponse(description="No credentials, or an unknown, expired or revoked token."),
    403: OpenApiResponse(description="A session that still owes its second factor, or a "
                                     "read-only token on a method that writes."),
    429: OpenApiResponse(description="Too many requests: wait the seconds in Retry-After."),
}
NOT_FOUND = {404: OpenApiResponse(description="No such object in your scope.")}


class ApiView:
    """What every API view is: authenticated by DRF (tokens or the session), so exempt
    from the sign-in redirect (``LoginRequiredMiddleware``), and checked for the second
    factor by ``api.authentication.SessionAuthentication`` rather than redirected to it."""

    reads_only = False  # True: no transaction around it (BEGIN/COMMIT), as the list pages

    @classmethod
    def as_view(cls, *args, **kwargs):
        view = super().as_view(*args, **kwargs)
        view.second_factor_checked_in_view = True
        if cls.reads_only:
            view = non_atomic_requests(view)
        return login_not_required(view)


@extend_schema_view(
    list=extend_schema(
        summary="Cases in your scope",
        description="The filters of the /cases/ page, plus updated_after; in the order of "
                    "(updated_at, id), page after page through the next link.",
        responses={200: CaseSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary="One case", responses={200: CaseSerializer, **ERRORS,
                                                          **NOT_FOUND}),
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
