"""Choosing a list's columns as a user does (the columns form), for the tests of the case,
order and decision lists (riskdesk.columns)."""


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
