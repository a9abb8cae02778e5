# The case fixtures (categories, make_case, case, foreign_case) are shared with tests/cases.
from tests.cases.conftest import case, categories, foreign_case, make_case  # noqa: F401
