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

All of it is one generator, :func:`step`. With ``observe=False`` it never yields and is the hot
path of ``net.train``; with ``observe=True`` it yields an :mod:`event <neurosim.events>` before
moving on, so ``net.step_through`` pauses the real computation, not a replay of it. Both modes
perform the same floating-point operations in the same order, hence give the same bits.

``hidden_deltas="updated_weights"`` moves each layer's update right after its gradients, so the
layer below computes its deltas from updated weights. That is not backpropagation; it exists to
reproduce figures printed under that rule.
"""

from math import isfinite
from operator import mul

from .errors import NumericalError
from .events import (ActivationDerivative, BackwardMessage, BiasGradient, Delta, ForwardMessage,
                     HiddenErrorDerivative, NetInput, NeuronOutput, OutputError,
                     OutputErrorDerivative, TotalError, Update, WeightGradient)

__all__ = ["step", "gradients", "update", "forward", "feed_forward", "evaluate"]

_FIX = "\nthe weights are as they were before this step; lower the learning rate or scale the data"


def feed_forward(net, x):
    """Run the forward pass on the neurons (storing inputs, net, out) and return the outputs."""
    for _ in forward(net, x, False):
        pass
    return [n.out for n in net.layers[-1].neurons]


def evaluate(net, x):
    """The network's outputs for ``x``, reading the weights from the neurons, storing nothing."""
    for layer in net.layers:
        f = layer.activation.f
        x = [f(sum(map(mul, n.weights, x)) + n.bias) for n in layer.neurons]
        if not isfinite(sum(x)):
            _raise_nonfinite([(n.name, "out", v) for n, v in zip(layer.neurons, x)], "")
    return x


def forward(net, x, observe):
    """The forward pass, layer by layer, neuron by neuron (a generator; see :func:`step`)."""
    senders = net.input_names
    from_input = True
    for layer in net.layers:
        f = layer.activation.f
        outs = []
        for n in layer.neurons:
            if observe:
                products = list(map(mul, n.weights, x))
                for w_name, sender, w, value, product in zip(
                        n.weight_names, senders, n.weights, x, products):
                    yield ForwardMessage(sender, n.name, w_name, value, w, product, from_input)
                # The same sum as below, over the same products: the same bits.
                n.net = sum(products) + n.bias
                n.inputs = x
                yield NetInput(n.name, tuple(n.weight_names), tuple(senders), tuple(n.weights),
                               tuple(x), n.bias_name, n.bias, n.net, from_input)
                n.out = f(n.net)
                yield NeuronOutput(n.name, layer.activation.name, layer.activation.formula,
                                   n.net, n.out)
                outs.append(n.out)
            else:
                n.inputs = x
                n.net = net_ = sum(map(mul, n.weights, x)) + n.bias
                n.out = out = f(net_)
                outs.append(out)
        if not isfinite(sum(outs)):  # one C-level sum per layer; inspect only on failure
            _raise_nonfinite([(n.name, q, getattr(n, q)) for n in layer.neurons
                              for q in ("net", "out")], _FIX)
        x = outs
        senders = [n.name for n in layer.neurons]
        from_input = False


def step(net, x, targets, observe):
    """One online gradient-descent step on sample ``(x, targets)``: a generator of events.

    With ``observe=False`` nothing is yielded. Returns (as StopIteration's value) E_total.
    """
    rollback = None
    if net.hidden_deltas == "updated_weights":  # updates start before every check has passed
        rollback = [(n, n.weights[:], n.bias) for layer in net.layers for n in layer.neurons]
    try:
        yield from forward(net, x, observe)
        E_total = yield from _error(net, targets, observe)
        updated = net.hidden_deltas == "updated_weights"
        yield from _backward(net, observe, update_each_layer=updated)
        if not updated:
            yield from update(net, net.layers, observe)
    except NumericalError:
        if rollback:
            for n, weights, bias in rollback:
                n.weights[:] = weights
                n.bias = bias
        raise
    return E_total


def gradients(net, x, targets):
    """Forward, error and backward on one sample, with no update; returns E_total.

    Every neuron is left holding its partials (``dE_dw``, ``dE_db``, ``delta``, ...), as after
    :func:`step` but with the weights untouched: batch training accumulates these, then calls
    :func:`update` once. Hidden deltas always use the current weights here.
    """
    run = _gradients(net, x, targets)
    try:
        next(run)  # never yields: observe is False
    except StopIteration as done:
        return done.value
    raise AssertionError("unreachable: an unobserved pass yielded an event")


def _gradients(net, x, targets):
    yield from forward(net, x, False)
    E_total = yield from _error(net, targets, False)
    yield from _backward(net, False, update_each_layer=False)
    return E_total


def _error(net, targets, observe):
    outputs = net.layers[-1].neurons
    loss = net.loss
    n_out = len(outputs)
    for n, t in zip(outputs, targets):
        n.target = t
        n.error = loss.error(t, n.out, n_out)
        if observe:
            yield OutputError(n.name, loss.name, loss.formula, t, n.out, n.error)
    E_total = sum(n.error for n in outputs)
    if not isfinite(E_total):
        _raise_nonfinite([(n.name, "error", n.error) for n in outputs], _FIX)
    net.E_total = E_total
    if observe:
        yield TotalError(tuple(n.name for n in outputs), tuple(n.error for n in outputs), E_total)
    return E_total


def _backward(net, observe, update_each_layer):
    layers = net.layers
    loss = net.loss
    decay = net.weight_decay
    for k in range(len(layers) - 1, -1, -1):
        layer = layers[k]
        neurons = layer.neurons
        # dE/dout: from the loss at the output layer, from the layer above elsewhere.
        if k == len(layers) - 1:
            n_out = len(neurons)
            for n in neurons:
                n.dE_dout = loss.dE_dout(n.target, n.out, n_out)
                if observe:
                    yield OutputErrorDerivative(n.name, loss.name, loss.derivative, n.target,
                                                n.out, n.dE_dout)
        else:
            upper = layers[k + 1].neurons
            deltas = [u.delta for u in upper]
            # zip(*rows) gives the columns: column i holds the weights leaving neuron i.
            for i, (n, column) in enumerate(zip(neurons, zip(*[u.weights for u in upper]))):
                if observe:
                    products = list(map(mul, deltas, column))
                    for u, d, w, p in zip(upper, deltas, column, products):
                        yield BackwardMessage(n.name, u.name, u.weight_names[i], d, w, p)
                    n.dE_dout = sum(products)
                    yield HiddenErrorDerivative(n.name, tuple(u.name for u in upper),
                                                tuple(products), n.dE_dout)
                else:
                    n.dE_dout = sum(map(mul, deltas, column))
        # dout/dnet, delta, and the gradients of the neuron's weights and bias.
        df = layer.activation.df
        for n in neurons:
            n.dout_dnet = df(n.net, n.out)
            n.delta = d = n.dE_dout * n.dout_dnet
            n.dnet_dw = x = n.inputs
            if decay:
                n.dE_dw = [d * xi + decay * w for xi, w in zip(x, n.weights)]
            else:
                n.dE_dw = [d * xi for xi in x]
            n.dE_db = d
            if observe:
                yield ActivationDerivative(n.name, layer.activation.name,
                                           layer.activation.derivative, n.net, n.out, n.dout_dnet)
                yield Delta(n.name, n.dE_dout, n.dout_dnet, d)
                for w_name, xi, w, g in zip(n.weight_names, x, n.weights, n.dE_dw):
                    yield WeightGradient(w_name, n.name, _sender(net, k, w_name, n), d, xi, decay,
                                         w, g)
                if layer.bias_mode == "per_neuron":
                    yield BiasGradient(n.bias_name, (n.name,), (d,), d)
        if layer.bias_mode == "shared":
            layer.dE_db = sum(n.delta for n in neurons)
            if observe:
                yield BiasGradient(layer.bias_name, tuple(n.name for n in neurons),
                                   tuple(n.delta for n in neurons), layer.dE_db)
        if not isfinite(sum(n.delta for n in neurons)):
            _raise_nonfinite([(n.name, q, getattr(n, q)) for n in neurons
                              for q in ("dE_dout", "dout_dnet", "delta")], _FIX)
        if update_each_layer:
            yield from update(net, [layer], observe)


def _sender(net, k, weight_name, neuron):
    senders = net.input_names if k == 0 else [n.name for n in net.layers[k - 1].neurons]
    return senders[neuron.weight_names.index(weight_name)]


def update(net, layers, observe):
    """Apply gradient descent to every trainable weight and bias of ``layers``.

    Reads the gradients the neurons hold (``dE_dw``, ``dE_db``; a shared bias's from
    ``layer.dE_db``), so batch training can accumulate them first. Every new value is computed
    and checked before any is written: a NaN or an infinity leaves all weights as they were.
    """
    lr = net.learning_rate
    mu = net.momentum
    train_biases = net.train_biases
    plan = []  # (neuron, new weights, new velocities)
    biases = []  # (name, holder, gradient, new bias, new velocity, neurons to set)
    for layer in layers:
        mode = layer.bias_mode if train_biases else "none"
        for n in layer.neurons:
            if mu:
                velocity = [mu * v - lr * g for v, g in zip(n.velocity, n.dE_dw)]
                new = [w + v for w, v in zip(n.weights, velocity)]
            else:
                velocity = None
                new = [w - lr * g for w, g in zip(n.weights, n.dE_dw)]
            if not isfinite(sum(new)):
                _raise_nonfinite([(n.name, f"dE/d{name}", g) for name, g in
                                  zip(n.weight_names, n.dE_dw)] +
                                 [(n.name, f"new {name}", v) for name, v in
                                  zip(n.weight_names, new)], _FIX)
            plan.append((n, new, velocity))
            if mode == "per_neuron":
                biases.append(_new_bias(n.bias_name, n, n.dE_db, lr, mu, [n]))
        if mode == "shared":
            biases.append(_new_bias(layer.bias_name, layer, layer.dE_db, lr, mu, layer.neurons))
    for n, new, velocity in plan:
        if observe:
            for i, (name, old, g) in enumerate(zip(n.weight_names, n.weights, n.dE_dw)):
                n.weights[i] = new[i]
                if velocity:
                    n.velocity[i] = velocity[i]
                yield Update(name, old, lr, g, new[i], mu, velocity[i] if velocity else 0.0)
        else:
            n.weights[:] = new
            if velocity:
                n.velocity[:] = velocity
    for name, holder, g, new, velocity, neurons in biases:
        old = neurons[0].bias
        for n in neurons:
            n.bias = new
        holder.bias_velocity = velocity
        if observe:
            yield Update(name, old, lr, g, new, mu, velocity)


def _new_bias(name, holder, g, lr, mu, neurons):
    if mu:
        velocity = mu * holder.bias_velocity - lr * g
        new = neurons[0].bias + velocity
    else:
        velocity = 0.0
        new = neurons[0].bias - lr * g
    if not isfinite(new):
        _raise_nonfinite([(neurons[0].name, f"dE/d{name}", g), (neurons[0].name, f"new {name}",
                                                                 new)], _FIX)
    return name, holder, g, new, velocity, neurons


def _raise_nonfinite(candidates, fix):
    """Raise NumericalError for the first non-finite (name, quantity, value); else return."""
    for name, quantity, value in candidates:
        if value is not None and not isfinite(value):
            raise NumericalError(f"{quantity} of {name} is {value!r}, expected a finite number"
                                 f"{fix}")
