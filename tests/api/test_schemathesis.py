"""schemathesis against the live schema: every operation of ``/api/v1/schema/``, called on
a live server with a token of each role, answers no 5xx and as its schema says (a status
code it documents, its content type, a body of its schema).

The run is bounded: a fixed number of examples per operation and role, derandomized (the
same examples every run), no shrinking. Path parameters are the seeded world's objects
(``tests/world.py`` ``route_values``), so each operation reaches a real object; one more
round as staff lets schemathesis make up the path parameters (the 404s).
"""

import re
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import tokens
from tests.api.conftest import forget_requests
from tests.urlwalk import ROUTE_PARAM, walk
from tests.world import route_values, values_for

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES = 10  # per operation and role
MADE_UP = 5  # per operation, with the path parameters made up
WRONG = 10  # per operation, input that breaks the schema (it must be a 4xx, not a 500)
ROLES = ["owner", "district_supervisor", "admin_user", "assessor", "integration"]
BOUNDED = settings(
    max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
)


def bearer(user):
    token, key = tokens.issue(user, name="schemathesis")
    forget_requests(f"token-{token.pk}", f"user-{user.pk}")
    return {"Authorization": f"Bearer {key}"}


PLACEHOLDER = re.compile(r"\{(?P<name>[^}]+)\}")


def shape(path) -> str:
    """A path with its parameters unnamed: the schema names a route's ``pk`` ``id``."""
    return PLACEHOLDER.sub("{}", path)


def api_routes():
    """The api namespace's routes by their shape: {"/api/v1/cases/{}/": ("api:case-detail",
    ["reference"])}."""
    routes = {}
    for name, route in walk(raw=True):
        if name and name.startswith("api:"):
            path = ROUTE_PARAM.sub(lambda m: "{" + m["name"] + "}", route)
            routes[shape(path)] = (name, PLACEHOLDER.findall(path))
    return routes


def path_values(operation, table, routes):
    """The world's objects for the operation's path parameters (by the route's name, in
    the order of the path)."""
    if not operation.path_parameters:
        return {}
    name, route_names = routes.get(shape(operation.path), (None, []))
    values = values_for(name, route_names, table) if name else None
    assert values is not None, (f"{operation.label} ({name}): parameters {route_names} are "
                                "not mapped in tests/world.py route_values()")
    schema_names = PLACEHOLDER.findall(operation.path)
    return {schema_name: values[route_name]
            for schema_name, route_name in zip(schema_names, route_names, strict=True)}


def run(operation, *, base_url, headers, path_parameters, examples, failures, counts,
        mode=GenerationMode.POSITIVE):
    strategy = operation.as_strategy(mode, path_parameters=path_parameters or None)

    @settings(BOUNDED, max_examples=examples)
    @given(case=strategy)
    def check(case):
        counts["examples"] += 1
        try:
            case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS,
                                   timeout=30)
        except Exception as error:  # every failure of every operation, said at the end
            failures.setdefault(operation.label, str(error)[:2000])

    check()


@pytest.mark.schemathesis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_operation_answers_as_its_schema_says(
        request, live_server, world, foreign_case, integration, assessor, settings):
    settings.API_THROTTLE_RATE = "100000/minute"  # the limit is tested in test_tokens.py
    headers = {role: bearer(request.getfixturevalue(role)) for role in ROLES}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/",
                                           headers=headers["admin_user"], timeout=30)
    table, routes = route_values(world), api_routes()
    failures, counts, operations = {}, {"examples": 0}, 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        values = path_values(operation, table, routes)
        for role in ROLES:
            run(operation, base_url=live_server.url, headers=headers[role],
                path_parameters=values, examples=EXAMPLES, failures=failures, counts=counts)
        if values:
            run(operation, base_url=live_server.url, headers=headers["owner"],
                path_parameters=None, examples=MADE_UP, failures=failures, counts=counts)
        run(operation, base_url=live_server.url, headers=headers["owner"],
            path_parameters=values, examples=WRONG, failures=failures, counts=counts,
            mode=GenerationMode.NEGATIVE)
    took = time.monotonic() - started
    print(f"schemathesis: {operations} operations, {counts['examples']} examples, "
          f"{took:.0f} s")
    assert operations >= 8 and counts["examples"] >= operations * len(ROLES)
    assert not failures, "\n\n".join(f"{label}:\n{error}" for label, error in failures.items())
