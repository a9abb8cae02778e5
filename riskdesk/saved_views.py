"""Saved views: a list's filters, sort and columns kept under a name.

A view is personal, shared with the owner's district(s), or city-wide (supervisors and
administrators only). It carries filters, never rows: the list that opens it is always
computed with ``Model.objects.for_user(viewer)``, so a city-wide view shows each viewer
only their own part (``SavedView.objects.for_user``).

The navigation lists a handful of them (the user's defaults, their own, then shared ones),
kept in the session so that no page reads them again: filled at sign-in and refreshed
whenever a list or the saved views page reads the views anyway (a colleague's new shared
view appears there from then on).

A list opens a view with ``?open=<id>``: its query is checked against the list's
filterset form now (a category removed since, a parameter the list no longer knows),
what no longer applies is left out with a message, and the list is shown with its filters
and ``?view=<id>`` (which says whose columns to use). A list opened bare applies the
user's default view.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.dispatch import receiver
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from riskdesk.access import scope_of
from riskdesk.choices import SavedList, Visibility
from riskdesk.models import ListSetting, SavedView

OPEN_PARAM = "open"  # ?open=<id>: apply a saved view
VIEW_PARAM = "view"  # ?view=<id>: the list shows this view (its columns)
# Parameters a view keeps besides the filterset's; those it never keeps are where the
# user was (the page) and the list's own switches.
KEPT = ("per_page",)
NOT_SAVED = ("page", "clear", OPEN_PARAM, VIEW_PARAM, "from", "columns")
LIST_URLS = {
    SavedList.CASES: "cases:list",
    SavedList.ORDERS: "supervision:list",
    SavedList.DECISIONS: "decisions:list",
}
MAX_COLUMNS = 60
NAV_SESSION_KEY = "riskdesk.nav_views"
NAV_LIMIT = 8  # views in the navigation; the saved views page lists them all


def list_url(name) -> str:
    return reverse(LIST_URLS[name])


def open_url(view) -> str:
    return f"{list_url(view.list)}?{OPEN_PARAM}={view.pk}"


def may_share_city_wide(user) -> bool:
    scope = scope_of(user)
    return scope.is_supervisor or scope.is_admin


def visibility_choices(user) -> list:
    """The visibilities ``user`` may give a view: a district view needs districts, a
    city-wide one a supervisor or an administrator."""
    scope = scope_of(user)
    choices = [(Visibility.PERSONAL.value, Visibility.PERSONAL.label)]
    if scope.district_ids:
        choices.append((Visibility.DISTRICT.value, Visibility.DISTRICT.label))
    if may_share_city_wide(user):
        choices.append((Visibility.CITY.value, Visibility.CITY.label))
    return choices


# ---------------------------------------------------------------- checking a query
def _field_keys(name, field) -> list[str]:
    """The URL parameters of one filter form field (a date range has two)."""
    widget = field.widget
    if hasattr(widget, "suffixes"):
        return [widget.suffixed(name, suffix) for suffix in widget.suffixes]
    if getattr(widget, "widgets_names", None):
        return [name + suffix for suffix in widget.widgets_names]
    return [name]


def clean_query(query: str, make_filterset) -> tuple[QueryDict, list[str]]:
    """``query`` without what the list's filterset no longer accepts, and the names of
    what was left out (a filter's label, or an unknown parameter as it was written)."""
    data = QueryDict(query)
    form = make_filterset(data).form
    form.is_valid()
    owner_of = {key: name for name, field in form.fields.items()
                for key in _field_keys(name, field)}
    kept, dropped = QueryDict(mutable=True), []
    for key, values in data.lists():
        if key in NOT_SAVED:
            continue
        name = owner_of.get(key)
        if key in KEPT or (name is not None and name not in form.errors):
            kept.setlist(key, values)
            continue
        label = str(form.fields[name].label) if name is not None else key
        if label not in dropped:
            dropped.append(label)
    return kept, dropped


def saveable(query: QueryDict) -> str:
    """The list's query string as a view keeps it."""
    kept = QueryDict(mutable=True)
    for key, values in query.lists():
        if key not in NOT_SAVED:
            kept.setlist(key, values)
    return kept.urlencode()


def pk_of(value):
    return int(value) if value and value.isdigit() and len(value) < 19 else None


# ---------------------------------------------------------------- opening a list
def open_list(request, name, make_filterset, column_set=None) -> HttpResponseRedirect | None:
    """A redirect that applies a saved view (``?open=``, or the user's default view when
    the list is opened bare), or None to show the list as asked. Filters and columns
    (of ``column_set``) the list no longer knows are left out, with a message."""
    user = request.user
    if OPEN_PARAM in request.GET:
        view = SavedView.objects.for_user(user).filter(
            list=name, pk=pk_of(request.GET[OPEN_PARAM])).first()
        if view is None:
            raise Http404
        kept, dropped = clean_query(view.query, make_filterset)
        if dropped:
            messages.warning(request, _(
                "The view “%(name)s” refers to filters that no longer exist; they were "
                "left out: %(dropped)s.") % {"name": view.name, "dropped": ", ".join(dropped)})
        dropped = column_set.unknown(view.columns) if column_set else []
        if dropped:
            messages.warning(request, _(
                "The view “%(name)s” names columns that no longer exist; they were left "
                "out: %(dropped)s.") % {"name": view.name, "dropped": ", ".join(dropped)})
        kept[VIEW_PARAM] = str(view.pk)
        return HttpResponseRedirect(f"{request.path}?{kept.urlencode()}")
    if not request.GET:
        default = SavedView.objects.for_user(user).filter(
            list=name, pk__in=ListSetting.objects.filter(user=user, list=name)
            .values("default_view")).first()
        if default is not None:
            return HttpResponseRedirect(f"{request.path}?{OPEN_PARAM}={default.pk}")
    return None


def list_views(request, name, *, choose_columns=None) -> dict:
    """What a list page shows of its saved views: the views the user may open (one
    query), the one shown now, the user's setting (one query), the ``columns`` chosen
    (``choose_columns(view, setting)``, for a list that has a choice) and the form to
    save the current filters and columns as a view."""
    user = request.user
    setting = ListSetting.objects.filter(user=user, list=name).first()
    every = list(visible_views(user))  # of every list: the navigation's too
    remember_in_nav(request, every)
    views = [view for view in every if view.list == name]
    active = next((view for view in views
                   if view.pk == pk_of(request.GET.get(VIEW_PARAM))), None)
    for view in views:
        view.open_url = f"?{OPEN_PARAM}={view.pk}"
    columns = choose_columns(active, setting) if choose_columns else []
    return {
        "columns": columns,
        "saved_views": views,
        "active_view": active,
        "list_setting": setting,
        "save_view_form": SaveViewForm(user=user, initial={
            "list": name, "query": saveable(request.GET),
            "columns": ",".join(column.key for column in columns)}),
    }


# ---------------------------------------------------------------- the navigation
def visible_views(user):
    """The views ``user`` may open, each knowing whether it is the user's default view
    of its list (``is_default``): one query."""
    defaults = ListSetting.objects.filter(user=user, default_view=OuterRef("pk"))
    return (SavedView.objects.for_user(user).select_related("owner")
            .annotate(is_default=Exists(defaults)))


def remember_in_nav(request, views, user=None) -> None:
    """Keep the navigation's views in the session: the user's defaults first, then their
    own, then those shared with them (each in the lists' and names' order)."""
    user = user or request.user
    ranked = sorted(views, key=lambda view: (not view.is_default, view.owner_id != user.pk))
    entries = [[view.pk, view.list, view.name] for view in ranked[:NAV_LIMIT]]
    if request.session.get(NAV_SESSION_KEY) != entries:
        request.session[NAV_SESSION_KEY] = entries


def nav_views(request) -> list[dict]:
    """The navigation's views (read once for a session that has none yet)."""
    if NAV_SESSION_KEY not in request.session:
        remember_in_nav(request, visible_views(request.user))
    labels = dict(SavedList.choices)
    return [{"name": name, "list": labels[list_name],
             "url": f"{list_url(list_name)}?{OPEN_PARAM}={pk}"}
            for pk, list_name, name in request.session[NAV_SESSION_KEY]
            if list_name in labels]


@receiver(user_logged_in, dispatch_uid="riskdesk.saved_views.logged_in")
def _fill_nav(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember_in_nav(request, visible_views(user), user)


# ---------------------------------------------------------------- forms and actions
class SaveViewForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80, strip=True)
    visibility = forms.ChoiceField(label=gettext_lazy("Shared with"))
    list = forms.ChoiceField(choices=SavedList.choices, widget=forms.HiddenInput)
    query = forms.CharField(required=False, max_length=4000, widget=forms.HiddenInput)
    columns = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visibility"].choices = visibility_choices(user)

    def clean_query(self):
        return saveable(QueryDict(self.cleaned_data["query"]))

    def clean_columns(self):
        keys = [key.strip() for key in self.cleaned_data["columns"].split(",") if key.strip()]
        return keys[:MAX_COLUMNS]


class RenameViewForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("New name"), max_length=80, strip=True)


def _unique_name_error():
    return forms.ValidationError(_("You already have a view of this list with this name."))


def save_view(*, user, data) -> SavedView:
    """Save a new view of ``user`` from a valid :class:`SaveViewForm`'s data."""
    view = SavedView(owner=user, list=data["list"], name=data["name"],
                     visibility=data["visibility"], query=data["query"],
                     columns=data["columns"])
    try:
        with transaction.atomic():
            view.save()
    except IntegrityError:
        raise _unique_name_error() from None
    return view


def rename_view(*, view, name) -> None:
    view.name = name
    try:
        with transaction.atomic():
            view.save(update_fields=["name", "updated_at"])
    except IntegrityError:
        raise _unique_name_error() from None


def set_default(*, user, view, on: bool) -> None:
    """Make ``view`` the user's default view of its list, or no longer."""
    setting, _created = ListSetting.objects.get_or_create(user=user, list=view.list)
    if on:
        setting.default_view = view
    elif setting.default_view_id == view.pk:
        setting.default_view = None
    setting.save(update_fields=["default_view"])


def set_columns(*, user, name, columns, view=None) -> None:
    """Keep ``columns`` as the user's columns of list ``name``, and as those of ``view``
    when it is the user's own."""
    with transaction.atomic():
        ListSetting.objects.update_or_create(user=user, list=name,
                                             defaults={"columns": columns})
        if view is not None and view.owner_id == user.pk:
            view.columns = columns
            view.save(update_fields=["columns", "updated_at"])
