"""Run the training step on a network: plain, observed, recorded, in parts.

The step itself is written once, as data, in :mod:`neurosim.calculation` (its docstring lists
the formulas, Mazur 2015 and seed 004); :mod:`neurosim.engine` turns it into Python for each
network shape. This module runs those compiled steps on the neuron objects::

    train_step   forward, error, backward, update: net.train            returns E_total
    observe      the same as a generator of events: net.step_through
    record       the same, recorded: net.train(record=True)             returns a StepRecord
    gradients    forward, error, backward, no update (batch training, gradient checks)
    update       the update from the gradients the neurons hold (after a batch)
    feed_forward the forward pass, stored on the neurons
    evaluate     the forward pass, storing nothing

Every variant performs the same floating-point operations in the same order, so they give the
same bits (``tests/unit/test_propagation.py``). None keeps a copy of the weights: each reads
them from the neurons when it starts and writes every partial and new weight back.

``hidden_deltas="updated_weights"`` moves each layer's update right after its gradients, so the
layer below computes its deltas from updated weights. That is not backpropagation; it exists to
reproduce figures printed under that rule.

A NaN or an infinity stops the step with :class:`~neurosim.errors.NumericalError` naming the
neuron and the quantity; the weights are left as they were before the step.
"""

from .engine import compiled
from .errors import NumericalError
from .record import StepRecord

__all__ = ["train_step", "observe", "record", "gradients", "update", "feed_forward",
           "evaluate"]


def train_step(net, x, targets):
    """One online gradient-descent step on sample ``(x, targets)``; returns E_total (before the
    update). Every neuron is left holding its partials."""
    return compiled(net, "train")(net, x, targets)


def observe(net, x, targets):
    """One step as a generator: each ``next()`` computes one quantity, stores it on its neuron
    and yields its event; weights change only at their update events. Returns (as
    StopIteration's value) E_total."""
    saved = _snapshot(net) if net.hidden_deltas == "updated_weights" else None
    try:
        return (yield from compiled(net, "observe")(net, x, targets))
    except NumericalError:
        # updated_weights: a layer's weights were written before the layers below were checked
        _restore(saved)
        raise


def record(net, x, targets):
    """One step, recorded: its :class:`~neurosim.record.StepRecord`, whose events are built
    from the values the step computed (never recomputed) when first read."""
    function = compiled(net, "record")
    _, values = function(net, x, targets)
    return StepRecord._of_values(function.events, values)


def gradients(net, x, targets):
    """Forward, error and backward on one sample, with no update; returns E_total.

    Every neuron is left holding its partials (``dE_dw``, ``dE_db``, ``delta``, ...), as after
    :func:`train_step` but with the weights untouched: batch training accumulates these, then
    calls :func:`update` once. Hidden deltas always use the current weights here.
    """
    return compiled(net, "gradients")(net, x, targets)


def update(net):
    """Apply gradient descent to every trainable weight and bias, reading the gradients the
    neurons hold (``dE_dw``, ``dE_db``; a shared bias's from ``layer.dE_db``). Every new value
    is computed and checked before any is written."""
    compiled(net, "apply")(net)


def feed_forward(net, x):
    """Run the forward pass on the neurons (storing inputs, net, out) and return the outputs."""
    return compiled(net, "forward")(net, x)


def evaluate(net, x):
    """The network's outputs for ``x``, reading the weights from the neurons, storing nothing."""
    return compiled(net, "evaluate")(net, x)


def _snapshot(net):
    """What a failed observed step under ``hidden_deltas="updated_weights"`` must put back."""
    neurons = [(n, n.weights[:], n.bias, n.velocity[:], n.bias_velocity)
               for layer in net.layers for n in layer.neurons]
    return neurons, [(layer, layer.bias_velocity) for layer in net.layers]


def _restore(saved):
    if saved is None:
        return
    neurons, layers = saved
    for n, weights, bias, velocity, bias_velocity in neurons:
        n.weights[:] = weights
        n.bias = bias
        n.velocity[:] = velocity
        n.bias_velocity = bias_velocity
    for layer, bias_velocity in layers:
        layer.bias_velocity = bias_velocity
