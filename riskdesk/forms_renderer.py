"""Django's form renderer, with the commonest widget templates written in Python.

Every form field Django shows goes through a template (``input.html`` including
``attrs.html``, ``select.html`` including ``select_option.html`` once per option...). The
case list's filter form alone rendered about thirty of them per request: a fifth of the
page's time. The renderer below writes exactly the HTML those templates write (tests:
tests/riskdesk/test_forms_renderer.py renders every kind of widget, a bound form with
errors and the main form pages both ways and compares them) and hands every other
template to Django as before.
"""

from pathlib import Path

import django.forms
import django_filters
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, strip_spaces_between_tags


def _value(value) -> str:
    """``{{ value }}`` in a template: localized, then escaped unless already safe."""
    return conditional_escape(localize(value))


def _string(value) -> str:
    """``{{ value|stringformat:'s' }}``: the value as %s, escaped unless it was safe."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return conditional_escape("%s" % (value,))


def _attrs(widget) -> str:
    return "".join(
        f" {_value(name)}" if value is True else f' {_value(name)}="{_string(value)}"'
        for name, value in widget["attrs"].items() if value is not False
    )


# Each writer returns what its template writes, unstripped: every template file ends with a
# newline, and an {% include %} keeps it (Django strips only the outermost widget's HTML).
def _input(widget, render) -> str:
    value = f' value="{_string(widget["value"])}"' if widget["value"] is not None else ""
    return (f'<input type="{_value(widget["type"])}" name="{_value(widget["name"])}"'
            f"{value}{_attrs(widget)}>\n")


def _input_type(widget, render) -> str:  # text.html etc.: {% include "input.html" %}
    return _input(widget, render) + "\n"


def _select(widget, render) -> str:
    parts = [f'<select name="{_value(widget["name"])}"{_attrs(widget)}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_value(group_name)}">')
        for option in group_choices:
            parts.append("\n  " + render(option["template_name"], option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _option(widget, render) -> str:
    return (f'<option value="{_string(widget["value"])}"{_attrs(widget)}>'
            f'{_value(widget["label"])}</option>\n')


def _textarea(widget, render) -> str:
    value = _value(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_value(widget["name"])}"{_attrs(widget)}>\n{value}</textarea>\n'


def _multiwidget(widget, render) -> str:  # {% spaceless %} around the subwidgets
    written = "".join(render(sub["template_name"], sub) for sub in widget["subwidgets"])
    return strip_spaces_between_tags(written.strip()) + "\n"


def _range(widget, render) -> str:  # django-filter's: a "-" after the first subwidget
    return "".join(render(sub["template_name"], sub) + ("-" if number == 0 else "")
                   for number, sub in enumerate(widget["subwidgets"])) + "\n"


def _file(widget, render) -> str | None:  # clearable_file_input.html, with no file yet
    if widget["is_initial"]:
        return None  # the current file, its link and a "clear" box: Django's template
    return (f'\n<input type="{_value(widget["type"])}" name="{_value(widget["name"])}"'
            f"{_attrs(widget)}>\n")


INPUT_TYPES = ("text", "number", "email", "url", "password", "hidden", "date", "datetime",
               "time", "checkbox", "search", "tel", "color")
WRITERS = {
    "django/forms/widgets/input.html": _input,
    **{f"django/forms/widgets/{name}.html": _input_type for name in INPUT_TYPES},
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/select_option.html": _option,
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/clearable_file_input.html": _file,
    "django/forms/widgets/multiwidget.html": _multiwidget,
    "django_filters/widgets/multiwidget.html": _range,
}


class FormRenderer(DjangoTemplates):
    """``FORM_RENDERER``: the templates above in Python, any other one as Django does (a
    project or app template overriding one of them is still found and used)."""

    def __init__(self):
        super().__init__()
        self.writers = {name: writer for name, writer in WRITERS.items()
                        if not self._overridden(name)}

    def _overridden(self, template_name) -> bool:
        """Whether an app's template replaces the one of Django or django-filter."""
        origin = Path(self.engine.get_template(template_name).origin.name)
        return not any(origin.is_relative_to(Path(package.__file__).parent)
                       for package in (django.forms, django_filters))

    def render(self, template_name, context, request=None):
        if template_name not in self.writers:
            return super().render(template_name, context, request)
        return self._written(template_name, context["widget"]).strip()

    def _written(self, template_name, widget) -> str:
        """What the template writes for ``widget`` (unstripped, as {% include %} puts it)."""
        writer = self.writers.get(template_name)
        written = writer(widget, self._written) if writer is not None else None
        if written is None:  # not ours, or a case the writer leaves to the template
            return self.get_template(template_name).render({"widget": widget})
        return written
