"""Choosing a list's columns as a user does (the columns form), for the tests of the case,
order and decision lists (riskdesk.columns), and reading their exports."""

import csv
import datetime
import io

from django.http import QueryDict
from openpyxl import load_workbook

from riskdesk.choices import AuditAction
from riskdesk.models import AuditEntry


def choose(client, url, keys, view=None):
    """Post the columns form of the list whose form posts to ``url``: ``keys`` ticked and
    numbered in their order, with ``view`` open."""
    data = {"columns": keys, **{f"order_{key}": n for n, key in enumerate(keys, 1)},
            "next": f"view={view.pk}" if view else ""}
    return client.post(url, data)


def headers(response):
    return [column.key for column in response.context["columns"]]


def with_every_column(client, list_url, columns_url, column_set, most, assert_max_queries):
    """The list shown with every column chosen, in at most ``most`` queries (the session
    already holds its filters)."""
    choose(client, columns_url, [column.key for column in column_set.columns])
    client.get(list_url)
    with assert_max_queries(most):
        response = client.get(list_url)
    assert headers(response) == [column.key for column in column_set.columns]
    return response


def export_link(page, suffix):
    """The address of the list page's "Export CSV" (``csv``) or "Export Excel" (``xlsx``)
    link, as a user would follow it."""
    html = page.content.decode()
    start = html.index('href="', html.index(f"/export.{suffix}?") - 40) + len('href="')
    return html[start:html.index('"', start)].replace("&amp;", "&")


def exported(response):
    """An export's rows (header first), from its CSV or its workbook, all as text."""
    raw = (b"".join(response.streaming_content) if getattr(response, "streaming", False)
           else response.content)
    if response["Content-Type"].startswith("text/csv"):
        text = raw.decode("utf-8")
        assert text.startswith("\ufeff")  # Excel reads it as UTF-8
        return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    sheet = load_workbook(io.BytesIO(raw), read_only=True).worksheets[0]
    rows = [[_as_csv(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    width = len(rows[0])  # a row's empty cells at its end are not in the file
    return [row + [""] * (width - len(row)) for row in rows]


def _as_csv(value) -> str:
    """A workbook cell as the CSV writes it (a date cell reads back as a midnight)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d" if value.time() == datetime.time() else "%Y-%m-%d %H:%M")
    return str(value)


def export_as_shown(client, list_url, suffix, *, name, columns, shows):
    """Choose ``columns`` (keys) on the list at ``list_url`` (a path and its filters), show
    it (it lists the objects of ids ``shows``, in that order) and follow its export link:
    the file's rows, whose header is the page's columns, labelled and ordered as the page
    shows them; the export is audited with the list's filters and its file ``name``
    (riskdesk-<name>-)."""
    path = list_url.split("?", 1)[0]
    choose(client, f"{path}columns/", columns)
    page = client.get(list_url)
    assert headers(page) == columns
    assert [row["object"].pk for row in page.context["rows"]] == shows
    link = export_link(page, suffix)
    response = client.get(link)
    assert response.status_code == 200
    rows = exported(response)
    assert rows[0] == [column.label for column in page.context["columns"]]
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("at")
    assert entry.user == page.context["user"]
    assert entry.object_label.startswith(f"riskdesk-{name}-")
    assert entry.object_label.endswith(f".{suffix}")
    assert QueryDict(entry.query) == QueryDict(link.split("?", 1)[1])
    return rows


def export_every_column(client, path, column_set, suffix, most, assert_max_queries):
    """The list at ``path`` exported with every column (the user's choice: the address
    names none) in at most ``most`` queries: its rows, each checked to have every column."""
    choose(client, f"{path}columns/", [column.key for column in column_set.columns])
    with assert_max_queries(most):
        rows = exported(client.get(f"{path}export.{suffix}"))
    assert {len(row) for row in rows} == {len(column_set.columns)}
    return rows
