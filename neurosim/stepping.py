"""The observed step: the training step of :mod:`neurosim.calculation` as a generator that
yields an immutable :mod:`event <neurosim.events>` before moving on.

``net.step_through(x, t)`` returns :func:`step` itself, so each ``next()`` advances the real
computation by one event: the neurons hold exactly the quantities computed so far, and the
weights change only when their update events are reached. ``net.train(x, t, record=True)``
runs the compiled step that also returns every value it computed, and builds the same events
from them (:func:`record`).

All of them are compiled from one plan by :mod:`neurosim.engine`, line for line, so the
observed, recorded and plain steps give the same bits; ``tests/unit/test_propagation.py``
checks it.
"""

from .engine import compiled
from .errors import NumericalError
from .propagation import _restore, _snapshot
from .record import StepRecord

__all__ = ["step", "record"]


def step(net, x, targets, observe):
    """One online gradient-descent step on sample ``(x, targets)``: a generator of events.

    With ``observe=False`` nothing is yielded. Returns (as StopIteration's value) E_total.
    """
    if not observe:
        return compiled(net, "train")(net, x, targets)
    saved = _saved(net)
    try:
        return (yield from compiled(net, "observe")(net, x, targets))
    except NumericalError:
        _restore(saved)
        raise


def record(net, x, targets):
    """One step, recorded: its :class:`~neurosim.record.StepRecord`, whose events are built
    from the values the step computed (never recomputed) when first read."""
    function = compiled(net, "record")
    _, values = function(net, x, targets)
    return StepRecord._of_values(function.events, values)


def _saved(net):
    """What a NumericalError must put back: with ``hidden_deltas="updated_weights"`` the
    observed step writes a layer's weights before the layers below are checked."""
    return _snapshot(net) if net.hidden_deltas == "updated_weights" else None
