"""The case page keeps each history entry's HTML under a digest of its event, the event's
user and the setting (cases.views.history). Whatever was kept, the history shows every
event as it is now, in the reader's language."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import actions
from cases.choices import RiskLevel
from cases.models import Case

pytestmark = pytest.mark.usefixtures("empty_cache")


def history(response) -> str:
    html = response.content.decode()
    return re.search(r'<ol class="timeline">(.*?)</ol>\s*</section>', html, re.S).group(1)


@pytest.fixture
def worked_case(case, owner):
    edited = Case.objects.get(pk=case.pk)
    edited.risk_level = RiskLevel.MAJOR
    actions.update_case(user=owner, case=edited)
    actions.transition(user=owner, case=Case.objects.get(pk=case.pk),
                       name="verify", note="Checked on site.")
    return case


def test_kept_entries_are_the_entries_written_afresh(client_for, owner, worked_case,
                                                     empty_cache):
    client = client_for(owner)
    url = f"/cases/{worked_case.reference}/"
    with CaptureQueriesContext(connection) as fresh:
        first = client.get(url)
    with CaptureQueriesContext(connection) as kept:
        again = client.get(url)
    empty_cache.clear()
    written_again = client.get(url)

    assert history(again) == history(first) == history(written_again)
    assert "Registered the case." in history(first) and "Checked on site." in history(first)
    assert "Major" in history(first) and "Verified" in history(first)
    assert len(kept.captured_queries) == len(fresh.captured_queries)


def test_a_new_event_shows_at_once_on_top(client_for, owner, worked_case):
    client = client_for(owner)
    url = f"/cases/{worked_case.reference}/"
    before = history(client.get(url))

    actions.transition(user=owner, case=Case.objects.get(pk=worked_case.pk),
                       name="start", note="Talks with the employer.")
    after = history(client.get(url))

    assert "Talks with the employer." not in before
    assert after.index("Talks with the employer.") < after.index("Checked on site.")
    assert before.strip() in after  # the older entries, unchanged, below it


def test_a_renamed_author_shows_at_once(client_for, owner, worked_case):
    client = client_for(owner)
    url = f"/cases/{worked_case.reference}/"
    assert "Li Wei" in history(client.get(url))

    type(owner).objects.filter(pk=owner.pk).update(first_name="Wang", last_name="Fang")

    shown = history(client.get(url))
    assert "Wang Fang" in shown and "Li Wei" not in shown


def test_entries_kept_in_one_language_are_not_shown_in_the_other(client_for, owner,
                                                                  worked_case):
    client = client_for(owner)
    url = f"/cases/{worked_case.reference}/"
    english = history(client.get(url))
    client.cookies.clear()
    client.force_login(owner)
    chinese = history(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans"))

    assert "Registered the case." in english
    assert "Registered the case." not in chinese and "登记了案件。" in chinese


def test_history_kept_for_the_city_never_reaches_another_district(
    client_for, city_supervisor, outsider, worked_case, foreign_case
):
    # given the city supervisor has opened a Kundulun case, so its history is kept
    city_page = client_for(city_supervisor).get(f"/cases/{worked_case.reference}/")
    assert "Checked on site." in history(city_page)
    # when a staff member of another district asks for that case, or opens their own
    client = client_for(outsider)
    theirs = client.get(f"/cases/{worked_case.reference}/")
    own = client.get(f"/cases/{foreign_case.reference}/")
    # then the case is not found, and their own case's history shows none of it
    assert theirs.status_code == 404 and "Checked on site." not in theirs.content.decode()
    assert own.status_code == 200 and "Checked on site." not in history(own)
