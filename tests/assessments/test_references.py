"""Decisions are quoted by a reference (JC-2026-00004) in lists, the page and searches."""

import time_machine


def test_a_decision_has_a_reference_of_its_year_and_number(make_decision):
    with time_machine.travel("2026-03-05 10:00 +0800"):
        decision = make_decision()
    assert decision.reference == f"JC-2026-{decision.pk:05d}"


def test_the_list_and_the_page_show_the_reference_and_a_search_finds_it(
    make_decision, owner, client_for
):
    # given two decisions of the district
    decision = make_decision()
    other = make_decision(title="Relocation of the Donghe wholesale market")
    client = client_for(owner)

    # when the list and the decision's page are opened, and the reference is searched
    listed = client.get("/decisions/").content.decode()
    page = client.get(decision.get_absolute_url()).content.decode()
    found = client.get(f"/decisions/?q={decision.reference.lower()}")

    # then the reference is shown in both and the search finds that decision alone
    assert decision.reference in listed and other.reference in listed
    assert decision.reference in page
    assert list(found.context["page"].object_list) == [decision]
