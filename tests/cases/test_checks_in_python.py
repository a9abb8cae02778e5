"""Check constraints are tested in Python before saving (riskdesk.db.Check): for every
constraint of the project, Python must answer as the database does, NULLs included."""

import itertools
import random
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext

from riskdesk.db import Check, NotInPython, evaluate

CHECKS = [
    (model, constraint)
    for label in ("riskdesk", "cases", "assessments")
    for model in apps.get_app_config(label).get_models()
    for constraint in model._meta.constraints if isinstance(constraint, models.CheckConstraint)
]
ZONE = ZoneInfo("Asia/Shanghai")


def names(condition):
    for child in condition.children:
        if isinstance(child, Q):
            yield from names(child)
        else:
            yield child[0].split("__")[0]
            if isinstance(child[1], F):
                yield child[1].name


def candidates(field):
    if field.choices:
        values = [value for value, _label in field.flatchoices] + ["not-a-choice"]
    elif isinstance(field, models.ForeignKey):
        values = [1]
    elif isinstance(field, models.BooleanField):
        values = [True, False]
    elif isinstance(field, models.DecimalField):
        values = [Decimal("-1"), Decimal("0"), Decimal("1"), Decimal("150.50")]
    elif isinstance(field, (models.IntegerField, models.FloatField)):
        values = [-1, 0, 1, 2, 3, 5, 6, 100, 101]
    elif isinstance(field, models.DateTimeField):
        values = [datetime(2026, 1, 1, 9, tzinfo=ZONE), datetime(2026, 6, 1, 9, tzinfo=ZONE)]
    elif isinstance(field, models.DateField):
        values = [date(2026, 1, 1), date(2026, 6, 1)]
    else:
        values = ["", "x"]
    return [*values, None] if field.null else values


def test_every_constraint_of_the_project_is_checked_in_python():
    assert len(CHECKS) >= 40
    assert all(isinstance(constraint, Check) for _model, constraint in CHECKS)


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "constraint"), CHECKS,
                         ids=[constraint.name for _model, constraint in CHECKS])
def test_python_answers_as_the_database(model, constraint):
    fields = [model._meta.get_field(name) for name in dict.fromkeys(names(constraint.condition))]
    combinations = list(itertools.product(*(candidates(field) for field in fields)))
    random.Random(constraint.name).shuffle(combinations)
    for values in combinations[:80]:
        instance = model()
        for field, value in zip(fields, values, strict=True):
            setattr(instance, field.attname, value)
        against = instance._get_field_expression_map(meta=model._meta)
        try:
            in_python = evaluate(Q(constraint.condition), against)
        except NotInPython:
            continue  # asked of the database, as Django does
        in_database = Q(constraint.condition).check(against)
        assert (in_python is not False) == in_database, dict(
            zip([field.name for field in fields], values, strict=True))


def test_a_follow_up_is_checked_without_asking_the_database(case, owner):
    from cases.models import FollowUp

    follow_up = FollowUp(case=case, created_by=owner, date=date(2026, 6, 1), method="call",
                         summary="Visited", amount_recovered_added=Decimal("-5"))
    with CaptureQueriesContext(connection) as queries:
        with pytest.raises(ValidationError) as refused:
            follow_up.full_clean()
        follow_up.amount_recovered_added = Decimal("5")
        follow_up.full_clean()

    assert "amount_not_negative" in str(refused.value)
    assert not [query for query in queries if "_check" in query["sql"]]


def test_a_field_left_out_of_validation_skips_its_checks(case, owner):
    from cases.models import FollowUp

    follow_up = FollowUp(case=case, created_by=owner, date=date(2026, 6, 1), method="bogus",
                         summary="Visited")
    follow_up.full_clean(exclude={"method"})  # as a form without that field would


@pytest.mark.django_db
@pytest.mark.parametrize("condition", [
    ~Q(x=1), ~Q(x__in=[1, 2]), ~Q(x__gte=F("y")), Q(x=1) | ~Q(y=2), ~(Q(x=1) & Q(y__lt=3)),
    Q(x__in=[1, None]), ~Q(x__in=[1, None]), Q(x__isnull=True) | Q(y__gt=F("x")), Q(x=None),
])
@pytest.mark.parametrize(("x", "y"), [(None, None), (None, 2), (1, None), (1, 2), (3, 2)])
def test_unknown_is_unknown_as_in_sql(condition, x, y):
    from django.db.models import IntegerField, Value

    against = {"x": Value(x, IntegerField()), "y": Value(y, IntegerField())}
    assert (evaluate(Q(condition), against) is not False) == Q(condition).check(against)
