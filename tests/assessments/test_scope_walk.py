"""Every decision and agency URL answers an outsider with 404, never with the data."""

from tests.urlwalk import SAMPLE, walk


def _urls(prefix, pk):
    for name, url in walk():
        if name and name.startswith(prefix) and SAMPLE["int"] in url:
            yield name, url.replace(SAMPLE["int"], str(pk), 1)


def test_outsider_gets_404_on_every_url_of_a_decision(client_for, outsider, recorded):
    client = client_for(outsider)
    checked = 0
    for name, url in _urls("decisions:", recorded.decision.pk):
        assert client.post(url).status_code in (404, 405), name
        assert client.get(url).status_code in (404, 405), name
        checked += 1
    assert checked >= 15


def test_an_assessor_of_another_agency_gets_404_on_every_url(client_for, other_assessor,
                                                               recorded, agency):
    client = client_for(other_assessor)
    for name, url in [*_urls("decisions:", recorded.decision.pk), *_urls("agencies:", agency.pk)]:
        assert client.post(url).status_code in (404, 405), name
        assert client.get(url).status_code in (404, 405), name


def test_navigation_by_role(client_for, owner, assessor, admin_user):
    def labels(user):
        response = client_for(user).get("/decisions/")
        return [str(item.label) for item in response.context["nav_items"]]

    assert "Decisions" in labels(owner) and "Agencies" not in labels(owner)
    assert "Assignments" in labels(assessor) and "Cases" not in labels(assessor)
    assert {"Decisions", "Agencies", "Trainings"} <= set(labels(admin_user))
