"""Schemathesis against the API's own OpenAPI schema, through the WSGI app: no input makes it answer 5xx.

Every operation of /api/schema/ is called with generated valid and invalid input (path parameters are
also drawn from the seed world's real task ids, demarche and posts, so writes reach the services) as a
desk officer and as embassy staff. Each response must not be a server error and must match the schema
wherever the schema documents its status code.
"""

import traceback

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)

from tests.conftest import read_cable

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, response_headers_conformance]
EXAMPLES = 25  # per operation, generation mode and role: ~60 s for the whole file
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same cases every run
    database=None,  # no example database under .hypothesis/
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the failing case is reported as sent
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def wsgi_app():
    """The project's WSGI application, kept on the test's own transaction.

    A real request closes "old" connections when it starts and ends, which would drop the test's
    uncommitted world; Django's test Client disconnects the same signal for the same reason.
    """
    from config.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def server_errors():
    """Tracebacks of exceptions the views raised: a 500 alone says nothing about where it came from."""
    seen: list[str] = []

    def record(sender, request=None, **kwargs):
        seen.append(f"{request.method} {request.get_full_path()}\n{traceback.format_exc()}")

    got_request_exception.connect(record, weak=False)
    yield seen
    got_request_exception.disconnect(record)


def known_values(world) -> dict:
    """Path parameter values that exist, so that generated bodies reach validation and the services."""
    task_ids = [i for code in ("abu-dhabi", "hong-kong", "astana") for i in world.tasks_by_post[code]]
    return {
        "id": task_ids,
        "reference_id": [world.demarche.reference_id],
        "code": ["abu-dhabi", "hong-kong", "astana"],
    }


def strategies_for(operation, mode: GenerationMode, known: dict) -> list:
    """Generated cases, plus the same with each path parameter set to a value that exists."""
    found = [operation.as_strategy(mode)]
    names = [p.name for p in operation.path_parameters]
    for name in names:
        if name in known:
            found.append(
                st.sampled_from(known[name]).flatmap(
                    lambda value, name=name: operation.as_strategy(mode, path_parameters={name: value})
                )
            )
    if operation.path == "/api/cables/" and mode is GenerationMode.POSITIVE:
        body = {"text": read_cable("09STATE4690.txt"), "filename": "09STATE4690.txt"}
        found.append(operation.as_strategy(mode, body=body, media_type="application/json"))
    return found


def fuzz(schema, headers: dict, known: dict) -> list[str]:
    """Run every operation in both generation modes; return the failures, one message each."""
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @FUZZ
            @given(case=st.one_of(strategies_for(operation, mode, known)))
            def run(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:  # e.g. no invalid input exists for a lone string path parameter
                continue
            except (Exception, FailureGroup) as exc:  # noqa: BLE001 - collect every operation's, report all
                failures.append(f"{operation.label} ({mode.value}): {getattr(exc, 'message', exc)}")
    return failures


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["desk", "ad"])
def test_it_answers_no_generated_request_with_a_server_error(role, world, wsgi_app, server_errors):
    user = world.users[role]
    headers = {"Authorization": f"Token {Token.objects.create(user=user).key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, headers=headers)
    operations = [r.ok().label for r in schema.get_all_operations()]
    assert "PATCH /api/tasks/{id}/" in operations and "POST /api/cables/" in operations

    failures = fuzz(schema, headers, known_values(world))

    assert not failures, "\n\n".join(failures + server_errors)
    assert not server_errors, "\n\n".join(server_errors)


def test_its_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/tasks/{id}/" in out.read_text()
