"""Hypothesis profiles: ``ci`` (derandomized, no deadline) for CI, ``thorough`` for long local runs.

Select one with ``HYPOTHESIS_PROFILE=ci`` or ``HYPOTHESIS_PROFILE=thorough``; the default
is hypothesis's own random profile with no deadline.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", deadline=None)
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    # 200 examples keep the whole CI run (install, tests, docs, notebooks) inside its 20
    # minutes on a two-core machine; `thorough` (5,000) is for long local runs.
    max_examples=200,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", deadline=None, max_examples=5000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
