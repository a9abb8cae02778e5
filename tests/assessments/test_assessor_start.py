"""An assessor's start page lists their agency's assessments and what each still needs."""


def test_the_assessor_starts_with_the_agencys_assignments_and_their_steps(
    assessment, other_assessor, assessor, client_for
):
    # given an assessment in progress assigned to the assessor's agency
    decision = assessment.decision

    # when the assessor, and an assessor of another agency, open the start page
    own = client_for(assessor).get("/").content.decode()
    other = client_for(other_assessor).get("/").content.decode()

    # then the first sees it with what is still to do, and nobody is told to ask for a
    # district; the other agency's assessor does not see it
    assert decision.reference in own and decision.title in own
    assert "public notice" in own and "expert review" in own and "conclusion" in own
    assert "ask an administrator to give you a district" not in own
    assert decision.reference not in other
    assert "No assessment is assigned to your agency at the moment." in other
