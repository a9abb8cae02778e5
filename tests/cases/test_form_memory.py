"""A refused form keeps what was typed and says next to each field what is wrong."""

from cases.choices import CategoryKind


def test_a_refused_case_form_keeps_the_input_and_marks_the_field(client_for, owner, categories):
    response = client_for(owner).post("/cases/new/", {
        "title": "", "description": "Eighty workers unpaid since March.",
        "category": categories[CategoryKind.WAGE_ARREARS].pk, "risk_level": "high",
        "source": "petition", "people_affected": "80", "amount_involved": "-5",
        "wa-employer": "Hongda Labour Ltd",
    })

    html = response.content.decode()
    assert response.status_code == 200
    assert "Eighty workers unpaid since March." in html  # kept
    assert 'value="Hongda Labour Ltd"' in html and 'value="80"' in html
    # the error sits with its field, and the field points to it for screen readers
    assert 'aria-invalid="true"' in html and 'id="id_title_error"' in html
    assert 'aria-describedby="id_title_error"' in html
