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
