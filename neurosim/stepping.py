"""The observed step: the same training step as :func:`neurosim.propagation.train_step`, as a
generator that yields an immutable :mod:`event <neurosim.events>` before moving on.

``net.step_through(x, t)`` returns :func:`step` itself, so each ``next()`` advances the real
computation by one event: the neurons hold exactly the quantities computed so far, and the
weights change only when their update events are reached. ``net.train(x, t, record=True)``
collects the same events into a :class:`~neurosim.events.StepRecord`.

The formulas are the ones of :mod:`neurosim.propagation` (its docstring lists them), computed by
the same helpers or by the same operations in the same order, so the observed step gives the
same bits as the plain one; ``tests/unit/test_propagation.py`` checks it.
"""

from math import isfinite
from operator import mul

from .errors import NumericalError
from .events import (ActivationDerivative, BackwardMessage, BiasGradient, Delta, ForwardMessage,
                     HiddenErrorDerivative, NetInput, NeuronOutput, OutputError,
                     OutputErrorDerivative, TotalError, WeightGradient)
from .propagation import (_FIX, _forward, _raise_backward, _raise_forward, _raise_nonfinite,
                          _restore, _snapshot, _weight_gradients, train_step, update)

__all__ = ["step", "record", "forward"]

# The engine builds events from a tuple of every field, in order, unchecked (Event._make).
_ForwardMessage = ForwardMessage._make
_NetInput = NetInput._make
_NeuronOutput = NeuronOutput._make
_OutputError = OutputError._make
_TotalError = TotalError._make
_OutputErrorDerivative = OutputErrorDerivative._make
_BackwardMessage = BackwardMessage._make
_HiddenErrorDerivative = HiddenErrorDerivative._make
_ActivationDerivative = ActivationDerivative._make
_Delta = Delta._make
_WeightGradient = WeightGradient._make
_BiasGradient = BiasGradient._make


def step(net, x, targets, observe):
    """One online gradient-descent step on sample ``(x, targets)``: a generator of events.

    With ``observe=False`` nothing is yielded (it runs :func:`train_step`). Returns (as
    StopIteration's value) E_total.
    """
    if not observe:
        return train_step(net, x, targets)
    saved = _saved(net)
    try:
        for phase in _phases(net, x, targets):
            yield from phase
    except NumericalError:
        _restore(saved)
        raise
    return net.E_total


def record(net, x, targets):
    """The events of one step, in a list: :func:`step` run to the end, each phase's events
    taken by ``list.extend`` (one generator frame per event instead of two)."""
    events = []
    saved = _saved(net)
    try:
        for phase in _phases(net, x, targets):
            events.extend(phase)
    except NumericalError:
        _restore(saved)
        raise
    return events


def _phases(net, x, targets):
    """The generators of one step's phases, in the order of the hand calculation."""
    each_layer = net.hidden_deltas == "updated_weights"
    names = _names(net)
    yield forward(net, x, True, names)
    yield _error_events(net, targets, names[-1])
    yield _backward_events(net, each_layer, names)
    if not each_layer:
        yield update(net, net.layers, True)


def _saved(net):
    """What a NumericalError must put back: with ``hidden_deltas="updated_weights"`` updates
    start before every check passed (else nothing is written before all are checked)."""
    return _snapshot(net) if net.hidden_deltas == "updated_weights" else None


def _names(net):
    """``names[k]``: the senders into layer ``k`` (the inputs for k = 0), as a tuple;
    ``names[k + 1]``: the neurons of layer ``k``."""
    return [tuple(net.input_names)] + [tuple([n.name for n in layer.neurons])
                                       for layer in net.layers]


def forward(net, x, observe, names=None):
    """The forward pass, layer by layer, neuron by neuron (a generator; see :func:`step`)."""
    if not observe:
        _forward(net, x)
        return
    if names is None:
        names = _names(net)
    from_input = True
    for layer, senders in zip(net.layers, names):
        activation = layer.activation
        f, act_name, formula = activation.f, activation.name, activation.formula
        values = tuple(x)
        outs = []
        for n in layer.neurons:
            name = n.name
            weights = n.weights
            products = list(map(mul, weights, x))
            for sender, w_name, value, w, product in zip(senders, n.weight_names, x, weights,
                                                         products):
                yield _ForwardMessage((sender, name, w_name, value, w, product, from_input))
            # The same sum as in _forward, over the same products: the same bits.
            n.net = z = sum(products) + n.bias
            n.inputs = x
            yield _NetInput((name, tuple(n.weight_names), senders, tuple(weights), values,
                             n.bias_name, n.bias, z, from_input))
            n.out = a = f(z)
            yield _NeuronOutput((name, act_name, formula, z, a))
            outs.append(a)
        if not isfinite(sum(outs)):
            _raise_forward(layer)
        x = outs
        from_input = False


def _error_events(net, targets, output_names):
    outputs = net.layers[-1].neurons
    loss = net.loss
    n_out = len(outputs)
    errors = []
    for n, t in zip(outputs, targets):
        n.target = t
        n.error = e = loss.error(t, n.out, n_out)
        errors.append(e)
        yield _OutputError((n.name, loss.name, loss.formula, t, n.out, e))
    E_total = sum(errors)
    if not isfinite(E_total):
        _raise_nonfinite([(n.name, "error", n.error) for n in outputs], _FIX)
    net.E_total = E_total
    yield _TotalError((output_names, tuple(errors), E_total))
    return E_total


def _backward_events(net, each_layer, names):
    layers = net.layers
    loss = net.loss
    decay = net.weight_decay
    upper = upper_deltas = None
    for k in range(len(layers) - 1, -1, -1):
        layer = layers[k]
        neurons = layer.neurons
        if upper is None:
            n_out = len(neurons)
            for n in neurons:
                n.dE_dout = e = loss.dE_dout(n.target, n.out, n_out)
                yield _OutputErrorDerivative((n.name, loss.name, loss.derivative, n.target,
                                              n.out, e))
        else:
            receivers = names[k + 2]
            for n, column, w_names in zip(neurons, zip(*[u.weights for u in upper]),
                                          zip(*[u.weight_names for u in upper])):
                name = n.name
                products = tuple(map(mul, upper_deltas, column))
                for receiver, w_name, d, w, p in zip(receivers, w_names, upper_deltas, column,
                                                     products):
                    yield _BackwardMessage((name, receiver, w_name, d, w, p))
                # The same sum as in _backward, over the same products: the same bits.
                n.dE_dout = e = sum(products)
                yield _HiddenErrorDerivative((name, receivers, products, e))
        activation = layer.activation
        df, act_name, derivative = activation.df, activation.name, activation.derivative
        per_neuron = layer.bias_mode == "per_neuron"
        senders = names[k]
        deltas = []
        for n in neurons:
            name = n.name
            # Each quantity is stored just before its event, so a pause shows no later one.
            n.dout_dnet = s = df(n.net, n.out)
            yield _ActivationDerivative((name, act_name, derivative, n.net, n.out, s))
            n.delta = n.dE_db = d = n.dE_dout * s
            deltas.append(d)
            yield _Delta((name, n.dE_dout, s, d))
            n.dnet_dw = x = n.inputs
            weights = n.weights
            n.dE_dw = g = _weight_gradients(d, x, weights, decay)
            for w_name, sender, xi, w, gi in zip(n.weight_names, senders, x, weights, g):
                yield _WeightGradient((w_name, name, sender, d, xi, decay, w, gi))
            if per_neuron:
                yield _BiasGradient((n.bias_name, (name,), (d,), d))
        if layer.bias_mode == "shared":
            layer.dE_db = sum(deltas)
            yield _BiasGradient((layer.bias_name, names[k + 1], tuple(deltas),
                                 layer.dE_db))
        if not isfinite(sum(deltas)):
            _raise_backward(layer)
        if each_layer:
            yield from update(net, [layer], True)
        upper, upper_deltas = neurons, deltas
