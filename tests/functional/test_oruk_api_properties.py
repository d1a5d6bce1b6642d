"""Property-based testing of the Open Referral UK API with schemathesis, in-process (WSGI): requests
generated from our OpenAPI document, valid and invalid, must never answer 500, and every answer must
match the document (whose response schemas are the ORUK 3.0 UK profile's own), with a documented
status code and content type; invalid requests must be refused (4xx)."""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
EXAMPLES = 30


def operations(app: Flask) -> list[schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_wsgi("/api/oruk/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_the_api_answers_every_request_within_its_document(app: Flask, mode: GenerationMode) -> None:
    found = operations(app)
    assert len(found) == 9
    checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])
    for operation in found:
        if mode is GenerationMode.NEGATIVE and not operation.query:
            continue  # no parameter to get wrong ("/", and ids, which may be any text: a wrong one answers 400)

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def answers_within_the_document(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=checks)

        answers_within_the_document()
