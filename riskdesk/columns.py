"""A list's columns: every field the list can show, of which each user chooses which to
show and in which order (the cases, the supervision orders, the decisions).

Each list declares its :class:`ColumnSet` once, next to its views; this module holds
what all of them do alike: read the choice kept per user and per saved view
(``riskdesk.saved_views``), drop a key that is no longer a column, turn the columns form
(checkboxes and order numbers, no script needed) into a choice, lay out the rows, and
tell a list's export which columns to write (``requested``: those the page shows).

A column names the related rows its value reads (``related``), so a list reads them with
its page in the same query (``select_related``) and no column choice adds a query. A
column only ever shows what the list's own page may show (personal numbers masked).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from riskdesk import saved_views
from riskdesk.models import ListSetting, SavedView

COLUMNS_PARAM = "columns"  # ?columns=number,state,...: an export's columns, as the list shows


@dataclass(frozen=True)
class Column:
    key: str
    label_of: Callable[[], str]  # called when shown: the label in the active language
    value: Callable[[Any], Any]
    related: tuple = ()  # select_related paths the value reads
    numeric: bool = False
    wide: bool = False  # long text (wide in a spreadsheet)

    @property
    def label(self) -> str:
        return str(self.label_of())


@dataclass
class ColumnSet:
    """The columns of one list and its default choice."""

    columns: tuple
    default: tuple
    by_key: dict = field(init=False)

    def __post_init__(self):
        self.by_key = {column.key: column for column in self.columns}

    def known(self, keys) -> list[str]:
        """``keys`` that are columns, each once, in their order."""
        seen = []
        for key in keys or ():
            if key in self.by_key and key not in seen:
                seen.append(key)
        return seen

    def unknown(self, keys) -> list[str]:
        return [str(key) for key in keys or () if key not in self.by_key]

    def chosen(self, *, view=None, setting=None, hidden=()) -> list[Column]:
        """The columns to show: the open view's, else the user's, else the default
        (without the ``hidden`` keys)."""
        for keys in (view.columns if view else None, setting.columns if setting else None):
            keys = self.known(keys)
            if keys:
                return [self.by_key[key] for key in keys]
        return [self.by_key[key] for key in self.default if key not in hidden]

    def related(self, columns) -> list[str]:
        """What ``columns`` read besides the row, for ``select_related``."""
        return sorted({path for column in columns for path in column.related})

    def with_related(self, queryset, columns):
        """``queryset`` reading what ``columns`` need with its rows (a bare
        ``select_related()`` would follow every foreign key instead)."""
        related = self.related(columns)
        return queryset.select_related(*related) if related else queryset

    def ordered_from_post(self, post) -> list[str]:
        """The columns ticked in the columns form (``columns``), in the order of their
        numbers (``order_<key>``); a missing or unreadable number puts a column last."""
        ticked = self.known(post.getlist("columns"))

        def position(item):
            index, key = item
            try:
                return (int(post.get(f"order_{key}", "")), index)
            except ValueError:
                return (10**6, index)

        return [key for _index, key in sorted(enumerate(ticked), key=position)]

    def choices(self, current) -> list[dict]:
        """Every column for the columns form: the chosen ones first, in their order, with
        their numbers, then the others."""
        keys = [column.key for column in current]
        rest = [column for column in self.columns if column.key not in keys]
        return ([{"column": column, "on": True, "order": number}
                 for number, column in enumerate(current, start=1)]
                + [{"column": column, "on": False, "order": ""} for column in rest])


def requested(request, list_name, column_set, *, hidden=()) -> list[Column]:
    """The columns an export of a list writes: those its link names (``?columns=``, the
    list's as shown), else those the list would show this user (the open view's, the
    user's, the default)."""
    keys = column_set.known(request.GET.get(COLUMNS_PARAM, "").split(","))
    if keys:
        return [column_set.by_key[key] for key in keys]
    pk = saved_views.pk_of(request.GET.get(saved_views.VIEW_PARAM))
    view = (SavedView.objects.for_user(request.user).filter(list=list_name, pk=pk).first()
            if pk else None)
    setting = ListSetting.objects.filter(user=request.user, list=list_name).first()
    return column_set.chosen(view=view, setting=setting, hidden=hidden)


def rows(objects, columns) -> list[dict]:
    """Each row's object and its (column, value) cells."""
    return [{"object": item, "cells": [(column, column.value(item)) for column in columns]}
            for item in objects]


def page_context(column_set, shown, url_name) -> dict:
    """What a list's template needs to show ``shown`` and its columns form."""
    return {
        "column_choices": column_set.choices(shown),
        "columns_param": ",".join(column.key for column in shown),
        "columns_url": reverse(url_name),
    }


def choose_view(list_name, column_set, list_url_name):
    """The POST view that keeps a list's columns: as the user's, and as the open view's
    when it is the user's own. Another's view keeps its author's columns: the list goes
    on with the same filters and the user's own columns."""

    @require_POST
    def choose_columns(request):
        # Back to the list as it was: only a query string is taken, never an address.
        back = QueryDict(request.POST.get("next", ""), mutable=True)
        url = f"{reverse(list_url_name)}?{back.urlencode()}"
        chosen = column_set.ordered_from_post(request.POST)
        if not chosen:
            messages.error(request, _("Choose at least one column."))
            return HttpResponseRedirect(url)
        view = SavedView.objects.for_user(request.user).filter(
            list=list_name, pk=saved_views.pk_of(back.get(saved_views.VIEW_PARAM))).first()
        saved_views.set_columns(user=request.user, name=list_name, columns=chosen, view=view)
        if view is not None and view.owner_id == request.user.pk:
            messages.success(request, _("Columns saved for you and for the view “%(name)s”.")
                             % {"name": view.name})
            return HttpResponseRedirect(url)
        back.pop(saved_views.VIEW_PARAM, None)
        messages.success(request, _("Columns saved."))
        return HttpResponseRedirect(f"{reverse(list_url_name)}?{back.urlencode()}")

    return choose_columns


# ---------------------------------------------------------------- common values
def person(user) -> str:
    """A user as lists name them: the full name, else the user name."""
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def yes_no(value) -> str:
    return "" if value is None else (_("Yes") if value else _("No"))


def field_label(model, name, *, of=None):
    """A column's label: the verbose name of ``model``'s field ``name``, followed by the
    model it belongs to ("Risk level (case)") when ``of`` says so."""
    def label():
        text = capfirst(model._meta.get_field(name).verbose_name)
        if of is None:
            return text
        return _("%(field)s (%(details)s)") % {"field": text, "details": of._meta.verbose_name}
    return label
