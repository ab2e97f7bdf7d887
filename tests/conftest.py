"""Shared test configuration: hypothesis profiles and the import path of ``tests/reference.py``.

Profiles (select with the environment variable ``HYPOTHESIS_PROFILE``):

``default``   fast enough for every CI run: few examples, no deadline (timings on a shared
              2-core machine are noise, never a test result)
``thorough``  many more examples, for a local run before a release:
              ``HYPOTHESIS_PROFILE=thorough python -m pytest tests/property``
"""

import os
import sys

import pytest

# tests/reference.py (the independent matrix-form engine) is imported as ``reference``.
sys.path.insert(0, os.path.dirname(__file__))

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # pragma: no cover - hypothesis is in the [test] extra
    settings = None

if settings is not None:
    settings.register_profile(
        "default", max_examples=60, deadline=None, derandomize=False,
        suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile(
        "thorough", max_examples=2000, deadline=None,
        suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def mazur_sample():
    """Mazur's one training sample: inputs (i1, i2) and targets (o1, o2)."""
    return [0.05, 0.10], [0.01, 0.99]
