"""The one scoping entry point: which rows a user may see.

Every view, export, import, task and form choice list gets cases, orders, decisions and
agencies through ``Model.objects.for_user(user)``, which is built on :func:`for_user` here
(netbox ``RestrictedQuerySet.restrict()``). Out-of-scope objects are answered with 404,
never 403, so their existence does not leak.
"""

from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, models

from riskdesk.choices import Role


@dataclass(frozen=True)
class Scope:
    """What a user may see: every district, or the listed district ids (maybe none).

    An integration account (``Role.INTEGRATION``) has the scope of its district's staff
    (``role`` is staff) with ``integration`` set: it registers, edits and follows up as
    staff do, and the few rights that are a person's (revealing personal data, signing
    in through a browser) check ``integration``."""

    role: str | None
    everything: bool = False
    district_ids: frozenset[int] = field(default_factory=frozenset)
    integration: bool = False

    @property
    def is_staff(self) -> bool:
        return self.role == Role.STAFF

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def covers(self, district_id: int | None) -> bool:
        return self.everything or (district_id is not None and district_id in self.district_ids)


NOTHING = Scope(role=None)
_CACHE_ATTR = "_riskdesk_scope"


def scope_of(user) -> Scope:
    """The user's scope, computed once per user object (i.e. once per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after the user's membership changed."""
    for attribute in (_CACHE_ATTR, IDS_ATTR):
        if hasattr(user, attribute):
            delattr(user, attribute)


IDS_ATTR = "_riskdesk_scope_district_ids"


def with_scope(users: models.QuerySet) -> models.QuerySet:
    """Users read with what their scope needs: the membership (joined) and, on
    PostgreSQL, their active districts' ids as an array. The signed-in user is read this
    way on every request (riskdesk.backends), one query instead of three."""
    users = users.select_related("membership")
    if connection.vendor == "postgresql":
        from riskdesk.models import Membership

        district_ids = Membership.districts.through.objects.filter(
            membership__user=models.OuterRef("pk"), district__is_active=True,
        ).values("district_id")
        users = users.annotate(**{IDS_ATTR: ArraySubquery(district_ids)})
    return users


def _compute_scope(user) -> Scope:
    membership = getattr(user, "membership", None)  # raises nothing: reverse one-to-one
    if membership is None:
        # A superuser made with createsuperuser and no membership yet is an administrator.
        return Scope(role=Role.ADMIN, everything=True) if user.is_superuser else NOTHING
    if membership.role == Role.ADMIN:
        return Scope(role=Role.ADMIN, everything=True)
    if membership.role == Role.SUPERVISOR and membership.city_wide:
        return Scope(role=Role.SUPERVISOR, everything=True)
    ids = getattr(user, IDS_ATTR, None)  # read with the user (with_scope), or now
    if ids is None:
        ids = membership.districts.filter(is_active=True).values_list("pk", flat=True)
    ids = frozenset(ids)
    if membership.role == Role.INTEGRATION:
        return Scope(role=Role.STAFF, district_ids=ids, integration=True)
    return Scope(role=membership.role, district_ids=ids)


def for_user(queryset: models.QuerySet, user, *, district_field: str = "district"):
    """Restrict ``queryset`` to the rows whose district lies in the user's scope."""
    scope = scope_of(user)
    if scope.everything:
        return queryset
    if not scope.district_ids:
        return queryset.none()
    return queryset.filter(**{f"{district_field}__in": scope.district_ids})


class ScopedQuerySet(models.QuerySet):
    """A queryset with ``for_user(user)``; subclasses name the path to the district."""

    district_field = "district"

    def for_user(self, user):
        return for_user(self, user, district_field=self.district_field)
