"""The checks across the whole site (outsider matrix, GET changes nothing, CSRF, faults)
use the cases' and the assessments' fixtures and one of everything (tests/world.py)."""

from tests.assessments.conftest import (  # noqa: F401
    agency,
    assessment,
    assessor,
    decision,
    department,
    make_decision,
    other_agency,
    other_assessor,
    recorded,
)
from tests.cases.conftest import case, categories, foreign_case, make_case  # noqa: F401
from tests.world import world  # noqa: F401
