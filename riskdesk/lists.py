"""Lists remember the user's last filters.

The filters stay in the URL (bookmarkable, shareable); in addition the last query string
of each list is kept in the user's session and restored when the list is opened bare, from
the navigation. ``?clear=1`` forgets it (the list's "Clear" button).
"""

from django.http import HttpResponseRedirect, QueryDict
from django.utils.translation import get_language

from riskdesk import fragments

SESSION_KEY = "riskdesk.list_filters"
NOT_REMEMBERED = ("page", "clear")  # where you were in the list is not a filter


def remembered(request, name: str) -> HttpResponseRedirect | None:
    """A redirect to the remembered filters of list ``name``, or None to show the list
    as asked. Remembers the filters of a filtered request."""
    saved = request.session.get(SESSION_KEY, {})
    if "clear" in request.GET:
        if name in saved:
            del saved[name]
            request.session[SESSION_KEY] = saved
        return HttpResponseRedirect(request.path)
    if not request.GET:
        query = saved.get(name)
        return HttpResponseRedirect(f"{request.path}?{query}") if query else None
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key not in NOT_REMEMBERED:
            query.setlist(key, values)
    encoded = query.urlencode()
    if saved.get(name, "") != encoded:
        if encoded:
            saved[name] = encoded
        else:
            saved.pop(name, None)
        request.session[SESSION_KEY] = saved
    return None


def form_fingerprint(form, *extra) -> str:
    """A digest of everything a filter form's HTML is made of: the language, the filters
    asked for (not the page), the options of each field whose options come from the
    database (the owners, districts and categories the user may pick), and ``extra``.
    Two requests with the same digest show the same form, whoever asks and whenever: the
    list caches the form's HTML under it (``{% cache %}``), and a new owner or a renamed
    category gives a new digest, never a stale form.

    The options are read as plain rows of the columns their labels are made of (a field's
    ``label_fields``, else every column): building a model instance for each of the 50
    or so options cost more than the rest of the digest. The same rows make the field's
    choices, and only when the form is written after a cache miss."""
    data = sorted((key, tuple(values)) for key, values in form.data.lists()
                  if key not in NOT_REMEMBERED) if form.is_bound else None
    options = []
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is not None:
            columns = option_columns(field)
            rows = list(queryset.values_list(*columns))
            options.append((name, rows))
            field.choices = Choices(field, columns, rows)
    return fragments.hashed((get_language(), data, options, extra))


def option_columns(field) -> list[str]:
    """The columns of a model choice field's options, in the model's order (as
    ``Model.from_db`` wants them)."""
    model = field.queryset.model
    named = getattr(field, "label_fields", None)
    return [column.attname for column in model._meta.concrete_fields
            if not named or column.primary_key or column.attname in named]


class Choices:
    """A model choice field's choices made from rows already read (``form_fingerprint``),
    the way Django's own iterator makes them, the first time the form is written."""

    def __init__(self, field, columns, rows):
        self.field, self.columns, self.rows = field, columns, rows
        self.made = None

    def __call__(self):
        if self.made is None:
            field, model = self.field, self.field.queryset.model
            choose = field.iterator(field).choice
            db = field.queryset.db
            self.made = [("", field.empty_label)] if field.empty_label is not None else []
            self.made += [choose(model.from_db(db, self.columns, row)) for row in self.rows]
        return self.made
