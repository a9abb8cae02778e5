"""Training attendance by user account where the attendee has one, beside the names of
people without an account."""

import pytest

from assessments.models import Training

pytestmark = pytest.mark.django_db

SESSION = {"date": "2023-03-16", "topic": "Risk analysis", "trainer": "City committee"}


def test_attendees_with_accounts_are_recorded_by_account(client_for, admin_user, owner,
                                                         city_supervisor, assessor, agency,
                                                         district):
    client = client_for(admin_user)
    response = client.post("/trainings/new/", {
        **SESSION, "accounts": [owner.pk, assessor.pk, city_supervisor.pk],
        "attendees": "Zhao Min, kundulun"})
    assert response.status_code == 302, response.context["form"].errors
    rows = {(a.user_id, a.agency_id, a.district_id)
            for a in Training.objects.get().attendees.all()}
    assert rows == {(owner.pk, None, district.pk), (assessor.pk, agency.pk, None),
                    (city_supervisor.pk, None, None), (None, None, district.pk)}
    assert set(owner.trainings_attended.values_list("training__topic", flat=True)) == {
        "Risk analysis"}
    page = client.get("/trainings/").content.decode()
    assert f"({owner.get_username()})" in page and "Zhao Min" in page


def test_an_unknown_account_is_refused_and_nothing_saved(client_for, admin_user):
    response = client_for(admin_user).post("/trainings/new/", {
        **SESSION, "accounts": ["999999"], "attendees": ""})
    assert response.status_code == 200
    assert "Select a valid choice" in str(response.context["form"].errors["accounts"])
    assert not Training.objects.exists()


def test_the_same_person_by_account_and_by_name_is_refused(client_for, admin_user, owner):
    name = owner.get_full_name() or owner.get_username()
    response = client_for(admin_user).post("/trainings/new/", {
        **SESSION, "accounts": [owner.pk], "attendees": f"{name}, kundulun"})
    assert response.status_code == 200
    assert "Each attendee once" in str(response.context["form"].errors["attendees"])
    assert not Training.objects.exists()


def test_training_list_query_count_is_fixed(client_for, admin_user, owner, assessor,
                                            django_assert_max_num_queries):
    client = client_for(admin_user)
    client.post("/trainings/new/", {**SESSION, "accounts": [owner.pk]})
    client.get("/trainings/")
    with django_assert_max_num_queries(6) as few:
        client.get("/trainings/")
    for number in range(4):
        client.post("/trainings/new/", {**SESSION, "topic": f"Topic {number}",
                                        "accounts": [owner.pk, assessor.pk]})
    with django_assert_max_num_queries(6) as many:
        client.get("/trainings/")
    assert len(many.captured_queries) == len(few.captured_queries)
