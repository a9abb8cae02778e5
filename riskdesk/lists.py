"""Lists remember the user's last filters.

The filters stay in the URL (bookmarkable, shareable); in addition the last query string
of each list is kept in the user's session and restored when the list is opened bare, from
the navigation. ``?clear=1`` forgets it (the list's "Clear" button).
"""

import hashlib

from django.http import HttpResponseRedirect, QueryDict
from django.utils.translation import get_language

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

    Those options are read once here and kept on the field, so a form rendered after a
    cache miss does not read them again."""
    data = sorted((key, tuple(values)) for key, values in form.data.lists()
                  if key not in NOT_REMEMBERED) if form.is_bound else None
    options = []
    for name, field in form.fields.items():
        if getattr(field, "queryset", None) is not None:
            field.choices = choices = list(iter(field.choices))  # iter: no COUNT first
            options.append((name, [(str(value), str(label)) for value, label in choices]))
    material = repr((get_language(), data, options, extra))
    return hashlib.sha256(material.encode()).hexdigest()
