"""Drills on the dashboard and in the work summary: counted for the period and scope, and
said only when there are any."""

import datetime

import pytest

from drills.choices import DrillKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def drills_2023(make_drill, owner, outsider, district, other_district):
    make_drill(owner, district, date=datetime.date(2023, 3, 1), participants=120)
    make_drill(owner, district, date=datetime.date(2023, 7, 9), participants=35,
               kind=DrillKind.FLOOD)
    make_drill(owner, district, date=datetime.date(2022, 12, 31), participants=999)
    make_drill(outsider, other_district, date=datetime.date(2023, 5, 5), participants=4000)


def sentences(client, user, query):
    client.force_login(user)
    response = client.get(f"/reports/summary/{query}")
    assert response.status_code == 200
    return " ".join(" ".join(section.sentences) for section in response.context["sections"])


def test_the_dashboard_counts_the_periods_drills_in_scope(drills_2023, client, owner):
    client.force_login(owner)
    figures = client.get("/dashboard/?year=2023").context["drills"]
    assert (figures["count"].value, figures["participants"].value) == (2, 155)
    assert "date_after=2023-01-01" in figures["count"].url
    month = client.get("/dashboard/?year=2023&month=7").context["drills"]
    assert (month["count"].value, month["participants"].value) == (1, 35)


def test_the_city_supervisor_counts_every_district(drills_2023, client, city_supervisor):
    client.force_login(city_supervisor)
    figures = client.get("/dashboard/?year=2023").context["drills"]
    assert (figures["count"].value, figures["participants"].value) == (3, 4155)


def test_a_drill_appears_in_the_summary(drills_2023, client, district_supervisor):
    text = sentences(client, district_supervisor, "?year=2023")
    assert "Held 2 emergency drills with 155 participants." in text


def test_no_drills_no_sentence(drills_2023, client, district_supervisor):
    text = sentences(client, district_supervisor, "?year=2021")
    assert "drill" not in text
