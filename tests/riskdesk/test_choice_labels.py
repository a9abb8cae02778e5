"""Every choice field shows the same label as Django's own ``get_<field>_display``, in
both languages, for every choice and for a value that is not one (shown as it is)."""

import pytest
from django.apps import apps
from django.db.models import Model
from django.utils import translation

CHOICE_FIELDS = [
    (model, field)
    for label in ("riskdesk", "cases", "assessments")
    for model in apps.get_app_config(label).get_models()
    for field in model._meta.concrete_fields if field.choices
]


def test_the_choice_fields_are_found():
    names = {f"{model.__name__}.{field.name}" for model, field in CHOICE_FIELDS}
    assert {"Case.status", "Case.risk_level", "CaseEvent.kind", "Decision.status"} <= names


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(("model", "field"), CHOICE_FIELDS,
                         ids=[f"{m.__name__}.{f.name}" for m, f in CHOICE_FIELDS])
def test_labels_are_djangos_labels(model, field, language):
    display = getattr(model, f"get_{field.name}_display")
    assert display.__name__ == f"get_{field.attname}_display"  # ours, not Django's
    with translation.override(language):
        for value in [value for value, _label in field.flatchoices] + ["not-a-choice", None]:
            instance = model()
            setattr(instance, field.attname, value)
            expected = Model._get_FIELD_display(instance, field)
            assert display(instance) == expected
            assert type(display(instance)) is type(expected)
