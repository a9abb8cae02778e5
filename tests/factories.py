"""Factories for the tests: districts, and users with a role and districts."""

import factory
from django.contrib.auth import get_user_model

from riskdesk.actions import save_user
from riskdesk.models import District

PASSWORD = "a-long-test-passphrase"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"district-{n}")
    name_en = factory.LazyAttribute(lambda d: f"{d.code.title()} District")
    name_zh = factory.LazyAttribute(lambda d: f"{d.code}区")


def make_user(username, role, *districts, city_wide=False, password=PASSWORD, **extra):
    """A user with a membership, made through the same action as `manage.py adduser`."""
    user, _created = save_user(
        username,
        role=role,
        district_codes=[d.code for d in districts],
        city_wide=city_wide,
        password=password,
        full_name=extra.get("full_name", username.replace(".", " ").title()),
        email=f"{username}@example.invalid",
    )
    return get_user_model().objects.get(pk=user.pk)  # fresh object: no cached scope
