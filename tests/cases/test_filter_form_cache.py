"""The case list keeps its filter form's HTML under a digest of what the form is made of
(language, filters, the options the user may pick). Whatever was kept before, a user sees
the form for their own filters, their own districts' owners and today's categories."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from cases.filtersets import CaseFilterSet
from cases.models import Case, Category
from riskdesk.lists import form_fingerprint
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("empty_cache")


def filter_form(response) -> str:
    html = response.content.decode()
    return re.search(r'<form class="filters card".*?</form>', html, re.S).group(0)


def checked(form_html, name) -> set[str]:
    return set(re.findall(rf'name="{name}" value="([^"]*)"[^>]*checked', form_html))


def test_each_filter_query_shows_its_own_choices_ticked(client_for, owner, case):
    client = client_for(owner)
    first = filter_form(client.get("/cases/?status=reported"))
    second = filter_form(client.get("/cases/?status=verified&risk_level=high"))
    again = filter_form(client.get("/cases/?status=reported&page=1"))

    assert checked(first, "status") == {"reported"}
    assert checked(second, "status") == {"verified"}
    assert checked(second, "risk_level") == {"high"}
    assert again == first  # the page is not a filter: the same form, kept


def test_a_new_owner_shows_in_the_filter_at_once(client_for, owner, district, case):
    client = client_for(owner)
    assert "Zhao Min" not in filter_form(client.get("/cases/?status=reported"))

    make_user("zhao.min", "staff", district, full_name="Zhao Min")

    assert "Zhao Min" in filter_form(client.get("/cases/?status=reported"))


def test_a_renamed_category_shows_at_once_in_both_languages(client_for, owner, categories):
    client = client_for(owner)
    client.get("/cases/?risk_level=high")
    client.get("/cases/?risk_level=high", HTTP_ACCEPT_LANGUAGE="zh-hans")
    Category.objects.filter(code="land").update(name_en="Land and housing", name_zh="征地与房屋")

    english = filter_form(client.get("/cases/?risk_level=high"))
    client.cookies.clear()
    client.force_login(owner)
    chinese = filter_form(client.get("/cases/?risk_level=high", HTTP_ACCEPT_LANGUAGE="zh-hans"))

    assert "Land and housing" in english and "征地与房屋" not in english
    assert "征地与房屋" in chinese and "Land and housing" not in chinese


def test_a_form_kept_for_the_city_never_shows_its_owners_to_a_district(
    client_for, city_supervisor, owner, outsider, case, foreign_case
):
    city_form = filter_form(client_for(city_supervisor).get("/cases/?status=reported"))
    staff_form = filter_form(client_for(outsider).get("/cases/?status=reported"))

    assert "Li Wei" in city_form  # the owner of the Kundulun case
    assert "Li Wei" not in staff_form
    assert 'name="district"' in city_form and 'name="district"' not in staff_form


def test_the_kept_form_runs_no_more_queries_than_a_fresh_one(client_for, owner, case):
    client = client_for(owner)
    client.get("/cases/?status=reported")  # the session's filters are saved once
    cache.clear()
    with CaptureQueriesContext(connection) as fresh:
        first = client.get("/cases/?status=reported")
    with CaptureQueriesContext(connection) as kept:
        again = client.get("/cases/?status=reported")

    assert len(kept.captured_queries) == len(fresh.captured_queries)
    assert filter_form(again) == filter_form(first)


def test_two_filtersets_never_share_a_field(owner, outsider, case, foreign_case):
    ours = CaseFilterSet({}, queryset=Case.objects.all(), user=owner)
    theirs = CaseFilterSet({}, queryset=Case.objects.all(), user=outsider)

    assert ours.form.fields["owner"] is not theirs.form.fields["owner"]
    assert {label for _value, label in ours.form.fields["owner"].choices} != {
        label for _value, label in theirs.form.fields["owner"].choices}
    assert form_fingerprint(ours.form) != form_fingerprint(theirs.form)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_options_made_from_the_digest_rows_are_written_as_django_writes_them(
    city_supervisor, owner, case, foreign_case, categories, language
):
    from django.utils import translation

    data = QueryDict(mutable=True)
    data.update({"owner": str(owner.pk), "category": str(case.category_id),
                 "district": str(case.district_id)})
    with translation.override(language):
        ours = CaseFilterSet(data, queryset=Case.objects.all(), user=city_supervisor)
        django = CaseFilterSet(data, queryset=Case.objects.all(), user=city_supervisor)
        form_fingerprint(ours.form)
        for name in ("owner", "category", "district"):
            assert str(ours.form[name]) == str(django.form[name])
        assert 'selected>Li Wei</option>' in str(ours.form["owner"])
