"""Our form renderer writes widgets in Python: it must write exactly what Django's
templates write, for every widget and value a form of ours can show."""

import re
from datetime import date

import django_filters
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import override_settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from cases.filtersets import DateRangeInput
from cases.forms import MultipleFileInput
from riskdesk.forms_renderer import FormRenderer

TRICKY = 'Li "Wei" <script>&amp; 李伟'
CHOICES = [("", "---------"), ("a", "Plain"), ("b&", TRICKY), (3, gettext_lazy("Status")),
           ("Group <1>", [("g1", "In a group"), ("g2", mark_safe("<b>safe</b>"))])]
ATTRS = {"class": "wide", "required": True, "disabled": False, "placeholder": TRICKY,
         "aria-label": gettext_lazy("From"), "data-safe": mark_safe("<i>"), "min": 0,
         "data-none": None}

class StoredFile:
    """A file already saved: what a form editing an upload shows as its current value."""

    url = "/media/a%20file.pdf"

    def __str__(self):
        return TRICKY + ".pdf"


WIDGETS = [
    (forms.TextInput(), "text", TRICKY),
    (forms.TextInput(attrs=ATTRS), "text", None),
    (forms.TextInput(), "text", ""),
    (forms.NumberInput(attrs={"step": "0.01"}), "amount", 1234567.5),
    (forms.NumberInput(), "count", 0),
    (forms.EmailInput(), "email", "a@b.cn"),
    (forms.PasswordInput(render_value=True), "password", TRICKY),
    (forms.HiddenInput(), "hidden", mark_safe("<already safe>")),
    (forms.DateInput(attrs={"type": "date"}), "date", date(2026, 11, 27)),
    (forms.DateInput(), "date", "2026-13-45"),
    (forms.CheckboxInput(), "flag", True),
    (forms.CheckboxInput(attrs=ATTRS), "flag", False),
    (forms.Textarea(), "notes", TRICKY + "\n\nsecond paragraph"),
    (forms.Textarea(attrs={"rows": 3}), "notes", ""),
    (forms.Select(choices=CHOICES), "choice", "b&"),
    (forms.Select(choices=CHOICES, attrs=ATTRS), "choice", None),
    (forms.Select(choices=CHOICES), "choice", 3),
    (forms.SelectMultiple(choices=CHOICES), "many", ["a", "g2"]),
    (forms.NullBooleanSelect(), "maybe", True),
    (forms.SplitDateTimeWidget(), "when", None),
    (forms.SelectDateWidget(years=[2025, 2026]), "day", date(2026, 2, 3)),
    (DateRangeInput(), "created", ["2026-01-01", ""]),
    (django_filters.widgets.RangeWidget(), "between", [1, 9]),
    (django_filters.widgets.DateRangeWidget(), "between", None),
    (forms.ClearableFileInput(), "file", None),
    (forms.ClearableFileInput(attrs=ATTRS), "file", None),
    (MultipleFileInput(), "files", None),
    (forms.ClearableFileInput(), "file", StoredFile()),  # left to Django's template
    (forms.FileInput(), "file", None),
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    ("widget", "name", "value"), WIDGETS,
    ids=[f"{type(w).__name__}-{n}-{i}" for i, (w, n, _v) in enumerate(WIDGETS)],
)
def test_every_widget_is_written_as_django_writes_it(widget, name, value, language):
    with override(language):
        expected = widget.render(name, value, attrs={"id": f"id_{name}"},
                                 renderer=DjangoTemplates())
        written = widget.render(name, value, attrs={"id": f"id_{name}"},
                                renderer=FormRenderer())
    assert written == expected


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def pages(case):
    return [
        "/cases/?q=<x>&status=reported&risk_level=high&created_after=2026-01-01&o=-updated",
        "/cases/new/", f"/cases/{case.reference}/edit/", f"/cases/{case.reference}/follow-ups/new/",
        "/supervision/?state=issued&overdue=on", "/decisions/", "/decisions/new/",
    ]


def test_pages_with_forms_are_the_same_with_django_templates(client_for, owner, case):
    client = client_for(owner)

    def fetch(path):
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        return CSRF.sub("", response.content.decode())

    ours = {path: fetch(path) for path in pages(case)}
    with override_settings(FORM_RENDERER="django.forms.renderers.DjangoTemplates"):
        from django.forms.renderers import get_default_renderer

        get_default_renderer.cache_clear()
        try:
            theirs = {path: fetch(path) for path in pages(case)}
        finally:
            get_default_renderer.cache_clear()
    for path in ours:
        assert ours[path] == theirs[path], path


def test_a_bound_form_with_errors_is_the_same(owner, case):
    from cases.forms import CaseForm

    data = {"title": TRICKY, "risk_level": "nonsense", "people_affected": "-1"}
    ours, django = (CaseForm(data=data, instance=case, user=owner, renderer=renderer)
                    for renderer in (FormRenderer(), DjangoTemplates()))
    assert not ours.is_valid() and not django.is_valid()
    for name in ours.fields:
        assert str(ours[name]) == str(django[name]), name
