import datetime

import pytest

from drills import actions
from drills.choices import DrillKind
from drills.models import Drill


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def make_drill():
    """Record a drill through the action: ``make_drill(user, district, **fields)``."""

    def make(user, district, uploads=(), **fields):
        values = {"date": datetime.date.today(), "kind": DrillKind.FIRE, "participants": 30,
                  "scenario": "A fire in the district's grain store", **fields}
        return actions.record_drill(user=user, drill=Drill(district=district, **values),
                                    uploads=list(uploads))

    return make
