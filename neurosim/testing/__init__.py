"""Tools for testing code built on neurosim: Hypothesis strategies in :mod:`.strategies`.

This package needs `Hypothesis <https://hypothesis.readthedocs.io>`_, which the ``test`` extra
installs (``pip install hypothesis``). ``import neurosim`` never imports it: only
``import neurosim.testing`` does, as xarray keeps its strategies out of ``import xarray``.

>>> from neurosim.testing.strategies import networks, inputs_for, samples_for
"""

try:
    import hypothesis  # noqa: F401  (checked here, once, with a message that says what to do)
except ImportError as error:
    raise ImportError(
        "neurosim.testing needs hypothesis, which is not installed\n"
        "pip install hypothesis  (or, in a checkout: pip install -e '.[test]')",
        name="hypothesis") from error

from . import strategies

__all__ = ["strategies"]
