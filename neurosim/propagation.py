"""The three passes of one training step, computed on the neuron objects themselves.

Forward, one message per connection (Mazur 2015, "the forward pass")::

    net_j = sum_i w_ji out_i + b_j          out_j = f(net_j)

Error, one term per output neuron::

    E_total = sum_o E_o(target_o, out_o)

Backward, from the output layer down (seed 004, formulas (1) to (3))::

    dE/dout_o = E_o'(out_o)                                  output neurons
    dE/dout_h = sum_o delta_o w_oh                           one message per connection
    dout/dnet = f'(net)
    delta     = dE/dout * dout/dnet                          (= dE/dnet)
    dE/dw_ji  = delta_j * dnet_j/dw_ji = delta_j out_i  (+ lambda w_ji with weight decay)
    dE/db_j   = delta_j                                      (a shared bias sums its layer's)

Update, after every gradient is known (so hidden deltas use the weights from before the
update, as the hand calculation's text says)::

    w+ = w - eta dE/dw                      or, with momentum mu:  v = mu v - eta dE/dw; w+ = w + v

The same step is written twice, formula for formula. :func:`train_step` here is plain loops, the
hot path of ``net.train``. :func:`neurosim.stepping.step` is a generator that yields an
:mod:`event <neurosim.events>` before moving on, so ``net.step_through`` pauses the real computation, not a replay of it. Both
perform the same floating-point operations in the same order (every sum is the builtin ``sum``
over the same values), hence give the same bits; ``tests/unit/test_propagation.py`` checks it.
Neither keeps a copy of the weights: every pass reads and writes ``neuron.weights``.

``hidden_deltas="updated_weights"`` moves each layer's update right after its gradients, so the
layer below computes its deltas from updated weights. That is not backpropagation; it exists to
reproduce figures printed under that rule.

A NaN or an infinity stops the step with :class:`~neurosim.errors.NumericalError` naming the
neuron and the quantity; the weights are left as they were before the step.
"""

from math import isfinite

from .engine import compiled
from .errors import NumericalError
from .events import Update

__all__ = ["train_step", "gradients", "update", "feed_forward", "evaluate"]

_FIX = "\nthe weights are as they were before this step; lower the learning rate or scale the data"


# -- the step, compiled from the plan of neurosim.calculation --------------------------------

def train_step(net, x, targets):
    """One online gradient-descent step on sample ``(x, targets)`` with no observer.

    Returns E_total (before the update). Every neuron is left holding its partials.
    """
    return compiled(net, "train")(net, x, targets)


def gradients(net, x, targets):
    """Forward, error and backward on one sample, with no update; returns E_total.

    Every neuron is left holding its partials (``dE_dw``, ``dE_db``, ``delta``, ...), as after
    :func:`train_step` but with the weights untouched: batch training accumulates these, then calls
    :func:`update` once. Hidden deltas always use the current weights here.
    """
    return compiled(net, "gradients")(net, x, targets)


def feed_forward(net, x):
    """Run the forward pass on the neurons (storing inputs, net, out) and return the outputs."""
    return compiled(net, "forward")(net, x)


def _new_weights(weights, velocity, g, lr, mu):
    """(new weights, new velocities or None): w+ = w - eta dE/dw, or with momentum mu
    v = mu v - eta dE/dw; w+ = w + v."""
    if mu:
        velocity = [mu * v - lr * gi for v, gi in zip(velocity, g)]
        return [w + v for w, v in zip(weights, velocity)], velocity
    return [w - lr * gi for w, gi in zip(weights, g)], None


def _new_bias(bias, velocity, g, lr, mu):
    """(new bias, new velocity): b+ = b - eta dE/db, or v = mu v - eta dE/db; b+ = b + v."""
    if mu:
        velocity = mu * velocity - lr * g
        return bias + velocity, velocity
    return bias - lr * g, 0.0


def _snapshot(net):
    """What a failed step under ``hidden_deltas="updated_weights"`` must put back."""
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


# The observed step (a generator of events) is in neurosim/stepping.py; update() serves both.
_Update = Update._make


def update(net, layers, observe):
    """Apply gradient descent to every trainable weight and bias of ``layers`` (a generator).

    Reads the gradients the neurons hold (``dE_dw``, ``dE_db``; a shared bias's from
    ``layer.dE_db``), so batch training can accumulate them first. Every new value is computed
    and checked before any is written: a NaN or an infinity leaves all weights as they were.
    With ``observe`` it yields one :class:`~neurosim.events.Update` per weight and bias.
    """
    lr = net.learning_rate
    mu = net.momentum
    planned, planned_biases = _planned_update(net, layers)
    for n, new, velocity in planned:
        if observe:  # one weight at a time: at each event, the weights so far are updated
            weights = n.weights
            i = 0  # a counter: faster than enumerate() in 3.11
            if velocity is None:
                for name, old, g, w in zip(n.weight_names, weights, n.dE_dw, new):
                    weights[i] = w
                    i += 1
                    yield _Update((name, old, lr, g, w, mu, 0.0))
            else:
                velocities = n.velocity
                for name, old, g, w, v in zip(n.weight_names, weights, n.dE_dw, new, velocity):
                    weights[i] = w
                    velocities[i] = v
                    i += 1
                    yield _Update((name, old, lr, g, w, mu, v))
        else:
            n.weights[:] = new
            if velocity:
                n.velocity[:] = velocity
    for name, holder, g, new, velocity, neurons in planned_biases:
        old = neurons[0].bias
        for n in neurons:
            n.bias = new
        holder.bias_velocity = velocity
        if observe:
            yield _Update((name, old, lr, g, new, mu, velocity))


def _planned_update(net, layers):
    """Every new weight and bias of ``layers``, checked; raises NumericalError, writes nothing.

    Returns ``planned`` [(neuron, new weights, new velocities or None)] and ``planned_biases``
    [(name, holder of the velocity, gradient, new bias, new velocity, neurons to set)].
    """
    lr = net.learning_rate
    mu = net.momentum
    train_biases = net.train_biases
    planned = []
    planned_biases = []
    check = 0.0  # the sum of every new value: finite if and only if each one is
    for layer in layers:
        mode = layer.bias_mode if train_biases else "none"
        for n in layer.neurons:
            new, velocity = _new_weights(n.weights, n.velocity, n.dE_dw, lr, mu)
            check += sum(new)
            planned.append((n, new, velocity))
            if mode == "per_neuron":
                new_bias, bias_velocity = _new_bias(n.bias, n.bias_velocity, n.dE_db, lr, mu)
                check += new_bias
                planned_biases.append((n.bias_name, n, n.dE_db, new_bias, bias_velocity, (n,)))
        if mode == "shared":
            new_bias, bias_velocity = _new_bias(layer.neurons[0].bias, layer.bias_velocity,
                                                layer.dE_db, lr, mu)
            check += new_bias
            planned_biases.append((layer.bias_name, layer, layer.dE_db, new_bias, bias_velocity,
                                   layer.neurons))
    if not isfinite(check):
        # Name the first culprit, value by value. (A sum of finite values can overflow: then
        # nothing is wrong and the plan stands.)
        _check_update(net, layers)
    return planned, planned_biases


def _check_update(net, layers):
    """Raise NumericalError for the first non-finite new weight or bias of ``layers``, in
    the order of the update (the slow path of :func:`_planned_update` and :func:`_commit`)."""
    lr = net.learning_rate
    mu = net.momentum
    train_biases = net.train_biases
    for layer in layers:
        mode = layer.bias_mode if train_biases else "none"
        for n in layer.neurons:
            g = n.dE_dw
            new, _ = _new_weights(n.weights, n.velocity, g, lr, mu)
            if not isfinite(sum(new)):
                _raise_nonfinite([(n.name, f"dE/d{name}", gi) for name, gi in
                                  zip(n.weight_names, g)] +
                                 [(n.name, f"new {name}", v) for name, v in
                                  zip(n.weight_names, new)], _FIX)
            if mode == "per_neuron":
                _check_bias(n.bias_name, n, n.dE_db, lr, mu, [n])
        if mode == "shared":
            _check_bias(layer.bias_name, layer, layer.dE_db, lr, mu, layer.neurons)


def _check_bias(name, holder, g, lr, mu, neurons):
    new, _ = _new_bias(neurons[0].bias, holder.bias_velocity, g, lr, mu)
    if not isfinite(new):
        _raise_nonfinite([(neurons[0].name, f"dE/d{name}", g), (neurons[0].name, f"new {name}",
                                                                 new)], _FIX)


# -- evaluation without side effects, and the errors ---------------------------------------------

def evaluate(net, x):
    """The network's outputs for ``x``, reading the weights from the neurons, storing nothing."""
    return compiled(net, "evaluate")(net, x)


def _raise_nonfinite(candidates, fix):
    """Raise NumericalError for the first non-finite (name, quantity, value); else return."""
    for name, quantity, value in candidates:
        if value is not None and not isfinite(value):
            raise NumericalError(f"{quantity} of {name} is {value!r}, expected a finite number"
                                 f"{fix}")
