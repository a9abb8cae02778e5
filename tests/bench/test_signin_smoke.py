"""The sign-in benchmark's code cannot rot: every way of signing in once, against the test
provider (the real run is `.venv/bin/python -m bench.signin`, see the README)."""

from bench import signin
from riskdesk.models import ExternalIdentity


def test_every_way_of_signing_in_runs_once(sso):
    ways = signin.Ways(sso, runs=1)
    timings = signin.time_ways(ways, runs=1)
    assert [t.name for t in timings] == [name for name, _way in ways.all()]
    assert all(len(t.runs) == 1 and t.queries for t in timings)
    # the first sign-ins created their users (the warm-up's and the timed run's)
    assert ExternalIdentity.objects.filter(subject__startswith="bench-new-").count() == 2
