"""The case list's filter form keeps what was chosen and names every control."""

import re

from cases.choices import CategoryKind


def _input(html, name, value=None):
    """The attributes of the <input> named ``name`` (with ``value``, for checkboxes)."""
    for tag in re.findall(r"<input [^>]*>", html):
        attrs = dict(re.findall(r'([\w-]+)(?:="([^"]*)")?', tag[len("<input "):-1]))
        if attrs.get("name") == name and (value is None or attrs.get("value") == value):
            return attrs
    raise AssertionError(f"no input named {name} in the page")


def test_a_date_range_names_both_of_its_dates_and_keeps_them(client_for, city_supervisor):
    # given the case list of a city supervisor
    client = client_for(city_supervisor)

    # when it is shown for a registration period
    html = client.get("/cases/?created_after=2026-01-01&created_before=2026-03-31").content.decode()

    # then each date of the pair has its own name for a screen reader and keeps its value
    start, end = _input(html, "created_after"), _input(html, "created_before")
    assert (start["type"], start["value"], start["aria-label"]) == ("date", "2026-01-01", "From")
    assert (end["type"], end["value"], end["aria-label"]) == ("date", "2026-03-31", "To")


def test_the_chosen_category_and_status_stay_checked(client_for, city_supervisor, categories):
    # given a category and a status chosen in the list's filters
    chosen = categories[CategoryKind.WAGE_ARREARS]
    client = client_for(city_supervisor)

    # when the list is shown
    html = client.get(f"/cases/?category={chosen.pk}&status=verified").content.decode()

    # then their boxes are checked, and only theirs
    assert "checked" in _input(html, "category", str(chosen.pk))
    assert "checked" in _input(html, "status", "verified")
    for other in categories.values():
        if other != chosen:
            assert "checked" not in _input(html, "category", str(other.pk))
    assert "checked" not in _input(html, "status", "reported")
