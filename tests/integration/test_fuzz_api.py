"""A bounded schemathesis run inside ``make test``: every operation of the OpenAPI document, past auth,
with a fixed seed; no server error and every answer as documented. ``python -m tests.fuzz`` runs longer."""

from __future__ import annotations

import pytest

from tests.fuzz.run import fuzz_stack
from tests.support.stack import Stack


@pytest.mark.timeout(300)
async def test_fuzzing_the_openapi_document_finds_nothing(stack: Stack) -> None:
    result = await fuzz_stack(stack, seed=20240612, max_examples=5)
    print(result.summary())
    assert result.operations == result.documented, result.documented - result.operations
    assert result.examples > 10 * len(result.documented)
    assert result.server_errors == 0
    assert result.failures == [], "\n".join(result.failures[:20])
