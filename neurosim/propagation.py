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
from operator import mul

from .errors import NumericalError
from .events import Update

__all__ = ["train_step", "gradients", "update", "feed_forward", "evaluate"]

_FIX = "\nthe weights are as they were before this step; lower the learning rate or scale the data"


# -- the unobserved step: plain loops (the hot path) ------------------------------------------

def train_step(net, x, targets):
    """One online gradient-descent step on sample ``(x, targets)`` with no observer.

    Returns E_total (before the update). Every neuron is left holding its partials.
    """
    return _step(net, x, targets, True)


def gradients(net, x, targets):
    """Forward, error and backward on one sample, with no update; returns E_total.

    Every neuron is left holding its partials (``dE_dw``, ``dE_db``, ``delta``, ...), as after
    :func:`train_step` but with the weights untouched: batch training accumulates these, then calls
    :func:`update` once. Hidden deltas always use the current weights here.
    """
    return _step(net, x, targets, False)


def feed_forward(net, x):
    """Run the forward pass on the neurons (storing inputs, net, out) and return the outputs."""
    return _forward(net, x)


def _forward(net, x):
    for layer in net.layers:
        f = layer.activation.f
        outs = []
        for n in layer.neurons:
            n.inputs = x
            n.net = z = sum(map(mul, n.weights, x)) + n.bias  # net = sum_i w_i x_i + b
            n.out = a = f(z)  # out = f(net)
            outs.append(a)
        if not isfinite(sum(outs)):  # one C-level sum per layer; inspect only on failure
            _raise_forward(layer)
        x = outs
    return x


def _step(net, x, targets, apply):
    """Forward, error, backward and, with ``apply``, the update: the hot path, in one frame.

    The new weights are computed as soon as a neuron's gradient is known, and written only
    once every new value of the step (of the layer, with ``updated_weights``) is finite.
    """
    layers = net.layers
    loss = net.loss
    each_layer = apply and net.hidden_deltas == "updated_weights"
    saved = _snapshot(net) if each_layer else None  # updates start before every check passed
    try:
        _forward(net, x)
        # E_total = sum_o E_o; the backward pass starts at dE/dout_o = E_o'(out_o).
        outputs = layers[-1].neurons
        error, derivative = loss.error, loss.dE_dout
        n_out = len(outputs)
        errors = []
        dE_douts = []
        for n, t in zip(outputs, targets):
            n.target = t
            out = n.out
            n.error = e = error(t, out, n_out)
            errors.append(e)
            dE_douts.append(derivative(t, out, n_out))
        E_total = sum(errors)
        if not isfinite(E_total):
            _raise_nonfinite([(n.name, "error", n.error) for n in outputs], _FIX)
        net.E_total = E_total

        decay = net.weight_decay
        lr = net.learning_rate
        mu = net.momentum
        train_biases = net.train_biases
        plain = apply and not (decay or mu)  # plain gradient descent: the common case
        planned = []  # (neuron, new weights, new velocities or None)
        planned_biases = []  # (holder of the velocity, neurons, new bias, new velocity)
        check = 0.0  # the sum of every new value: finite if and only if each one is
        upper = upper_deltas = None
        for layer in reversed(layers):
            neurons = layer.neurons
            if upper is not None:  # dE/dout_h = sum_o delta_o w_oh (zip(*rows): the columns)
                dE_douts = [sum(map(mul, upper_deltas, column))
                            for column in zip(*[u.weights for u in upper])]
            df = layer.activation.df
            per_neuron_bias = train_biases and layer.bias_mode == "per_neuron"
            deltas = []
            for n, e in zip(neurons, dE_douts):
                n.dE_dout = e
                n.dout_dnet = s = df(n.net, n.out)  # dout/dnet = f'(net)
                n.delta = d = e * s  # delta = dE/dout * dout/dnet
                n.dnet_dw = x = n.inputs  # dnet/dw_i = x_i
                n.dE_db = d  # dE/db = delta
                deltas.append(d)
                if not plain:
                    n.dE_dw = g = _weight_gradients(d, x, n.weights, decay)
                    if not apply:
                        continue
                    new, velocity = _new_weights(n.weights, n.velocity, g, lr, mu)
                else:
                    # Plain gradient descent, the hot path: dE/dw_i = delta x_i and
                    # w+_i = w_i - eta dE/dw_i in one loop (as _weight_gradients, then
                    # _new_weights; measured faster than their two list comprehensions at
                    # every width from 2 to 128).
                    n.dE_dw = g = []
                    new = []
                    velocity = None
                    for w, xi in zip(n.weights, x):
                        gi = d * xi
                        g.append(gi)
                        new.append(w - lr * gi)
                check += sum(new)
                planned.append((n, new, velocity))
                if per_neuron_bias:
                    if mu:
                        new_bias, bias_velocity = _new_bias(n.bias, n.bias_velocity, d, lr, mu)
                    else:  # b+ = b - eta dE/db, as in _new_bias (inline: a call per neuron)
                        new_bias, bias_velocity = n.bias - lr * d, 0.0
                    check += new_bias
                    planned_biases.append((n, (n,), new_bias, bias_velocity))
            if layer.bias_mode == "shared":
                layer.dE_db = g = sum(deltas)  # dE/db = sum_j delta_j
                if apply and train_biases:
                    new_bias, bias_velocity = _new_bias(neurons[0].bias, layer.bias_velocity,
                                                        g, lr, mu)
                    check += new_bias
                    planned_biases.append((layer, neurons, new_bias, bias_velocity))
            if not isfinite(sum(deltas)):
                _raise_backward(layer)
            if each_layer:
                _commit(net, [layer], planned, planned_biases, check)
                planned, planned_biases, check = [], [], 0.0
            upper, upper_deltas = neurons, deltas
        if apply and not each_layer:
            _commit(net, layers, planned, planned_biases, check)
    except NumericalError:
        _restore(saved)
        raise
    return E_total


def _weight_gradients(d, x, weights, decay):
    """dE/dw_i = delta x_i, plus lambda w_i with weight decay (dnet/dw_i = x_i)."""
    if decay:
        return [d * xi + decay * w for xi, w in zip(x, weights)]
    return [d * xi for xi in x]


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


def _commit(net, layers, planned, planned_biases, check):
    """Write the planned weights and biases, once all of them are known to be finite."""
    if not isfinite(check):
        # Name the first culprit, value by value, as update() would. (A sum of finite values
        # can overflow: then nothing is wrong and the writes go ahead.)
        _check_update(net, layers)
    for n, new, velocity in planned:
        n.weights[:] = new
        if velocity is not None:
            n.velocity[:] = velocity
    for holder, neurons, new, velocity in planned_biases:
        for n in neurons:
            n.bias = new
        holder.bias_velocity = velocity


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
    for layer in net.layers:
        f = layer.activation.f
        x = [f(sum(map(mul, n.weights, x)) + n.bias) for n in layer.neurons]
        if not isfinite(sum(x)):
            _raise_nonfinite([(n.name, "out", v) for n, v in zip(layer.neurons, x)], "")
    return x


def _raise_forward(layer):
    _raise_nonfinite([(n.name, q, getattr(n, q)) for n in layer.neurons
                      for q in ("net", "out")], _FIX)


def _raise_backward(layer):
    _raise_nonfinite([(n.name, q, getattr(n, q)) for n in layer.neurons
                      for q in ("dE_dout", "dout_dnet", "delta")], _FIX)


def _raise_nonfinite(candidates, fix):
    """Raise NumericalError for the first non-finite (name, quantity, value); else return."""
    for name, quantity, value in candidates:
        if value is not None and not isfinite(value):
            raise NumericalError(f"{quantity} of {name} is {value!r}, expected a finite number"
                                 f"{fix}")
