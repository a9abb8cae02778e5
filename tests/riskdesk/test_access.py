"""The one scoping entry point: who sees which districts."""

import pytest

from riskdesk.access import for_user, scope_of
from riskdesk.models import District
from tests.factories import DistrictFactory, make_user


@pytest.fixture
def third_district(db):
    return DistrictFactory(code="donghe")


def visible(user):
    return set(District.objects.for_user(user).values_list("code", flat=True))


def test_staff_member_sees_only_their_district(owner, other_district, third_district):
    assert visible(owner) == {"kundulun"}


def test_district_supervisor_sees_their_districts(district, other_district, third_district):
    supervisor = make_user("two.districts", "supervisor", district, third_district)
    assert visible(supervisor) == {"kundulun", "donghe"}


def test_city_supervisor_and_admin_see_every_district(
    city_supervisor, admin_user, district, other_district, third_district
):
    assert visible(city_supervisor) == {"kundulun", "qingshan", "donghe"}
    assert visible(admin_user) == {"kundulun", "qingshan", "donghe"}


def test_inactive_user_sees_nothing(owner, city_supervisor, other_district):
    owner.is_active = False
    city_supervisor.is_active = False
    assert visible(owner) == set()
    assert visible(city_supervisor) == set()


def test_anonymous_and_roleless_users_see_nothing(django_user_model, district):
    from django.contrib.auth.models import AnonymousUser

    nobody = django_user_model.objects.create_user("no.role", password="x" * 12)
    assert visible(AnonymousUser()) == set()
    assert visible(nobody) == set()


def test_superuser_without_membership_is_an_administrator(django_user_model, district):
    root = django_user_model.objects.create_superuser("root", password="y" * 12)
    assert scope_of(root).is_admin
    assert visible(root) == {"kundulun"}


def test_deactivated_district_drops_out_of_scope(owner, district):
    district.is_active = False
    district.save()
    fresh = type(owner).objects.get(pk=owner.pk)
    assert visible(fresh) == set()


def test_for_user_follows_a_path_to_the_district(owner, district, other_district):
    # Any model reaching a district through a relation is scoped the same way.
    from riskdesk.models import Membership

    memberships = for_user(Membership.objects.all(), owner, district_field="districts")
    assert list(memberships.values_list("user__username", flat=True)) == ["owner.staff"]


# The signed-in user is read on every request by riskdesk.backends.ModelBackendWithScope,
# with the membership and the district ids in the same query: the scope must be the one
# computed from the database the usual way, and follow every change at the next request.
def test_the_signed_in_user_has_the_scope_computed_the_usual_way(
    owner, district_supervisor, city_supervisor, admin_user, other_district, third_district
):
    from riskdesk.backends import ModelBackendWithScope

    district_supervisor.membership.districts.add(third_district)
    for user in (owner, district_supervisor, city_supervisor, admin_user):
        signed_in = ModelBackendWithScope().get_user(user.pk)
        assert scope_of(signed_in) == scope_of(type(user).objects.get(pk=user.pk))


def test_a_moved_or_closed_district_changes_the_scope_at_the_next_request(
    owner, district, other_district
):
    from riskdesk.backends import ModelBackendWithScope

    owner.membership.districts.set([other_district])
    assert scope_of(ModelBackendWithScope().get_user(owner.pk)).district_ids == {
        other_district.pk}
    other_district.is_active = False
    other_district.save()
    assert scope_of(ModelBackendWithScope().get_user(owner.pk)).district_ids == set()


@pytest.mark.parametrize("who", ["owner", "district_supervisor", "city_supervisor",
                                 "admin_user", "no membership", "superuser"])
def test_the_signed_in_user_is_read_with_scope_and_inbox_in_one_query(
    request, who, django_user_model, district, third_district
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from riskdesk.backends import ModelBackendWithScope
    from riskdesk.notify import UNREAD_ATTR
    from tests.riskdesk.test_notifications import make_notice

    # given a user of each kind with one unread and one read notice
    if who == "no membership":
        user = django_user_model.objects.create_user("no.role", password="x" * 12)
    elif who == "superuser":
        user = django_user_model.objects.create_superuser("root", password="y" * 12)
    else:
        user = request.getfixturevalue(who)
    if who == "district_supervisor":
        user.membership.districts.add(third_district)
    make_notice(user, 1)
    make_notice(user, 2, read=True)

    # when a request reads the signed-in user and their scope
    with CaptureQueriesContext(connection) as queries:
        signed_in = ModelBackendWithScope().get_user(user.pk)
        scope = scope_of(signed_in)

    # then the scope is the usual one and the badge's count came with the user
    if connection.vendor == "postgresql":  # one query; elsewhere the scope costs one more
        assert len(queries) == 1
    assert signed_in == user
    assert scope == scope_of(django_user_model.objects.get(pk=user.pk))
    assert getattr(signed_in, UNREAD_ATTR) == 1


def test_an_unknown_user_id_reads_nobody(db):
    from riskdesk.backends import ModelBackendWithScope

    assert ModelBackendWithScope().get_user(10**9) is None
