"""Hypothesis profiles for the property tests, and the capped ingest worker.

``ci`` (the default) is bounded and reproducible: a fixed number of examples per
property, derandomized, so the whole folder takes a couple of minutes and fails the same
way on every run. ``long`` is selected with ``BAZAARWATCH_FUZZ_PROFILE=long`` (which
``benchmarks/fuzz.py`` does): random seeds and many more examples;
``BAZAARWATCH_FUZZ_EXAMPLES`` overrides its example count.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from properties.support import IngestWorker

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
         HealthCheck.large_base_example]

settings.register_profile("ci", max_examples=20, deadline=None, derandomize=True,
                          database=None, suppress_health_check=_SLOW, print_blob=True)
settings.register_profile("long",
                          max_examples=int(os.environ.get("BAZAARWATCH_FUZZ_EXAMPLES", "2000")),
                          deadline=None, suppress_health_check=_SLOW, print_blob=True,
                          report_multiple_bugs=True)
settings.load_profile(os.environ.get("BAZAARWATCH_FUZZ_PROFILE", "ci"))


@pytest.fixture(scope="session")
def worker() -> Iterator[IngestWorker]:
    running = IngestWorker()
    yield running
    running.close()
