"""An independent matrix-form backpropagation engine, used only by the tests.

Written from the equations, in the style of seed 000 (a numpy 2-layer net, here with plain
lists), without looking at ``neurosim``: a neuron-level simulator must give the same numbers
as this matrix form, to rounding (published-figures.md, section E).

Notation (Nielsen): layer ``l`` = 1..L are the non-input layers, ``a[0]`` is the input.

    z[l] = W[l] @ a[l-1] + b[l]                  forward
    a[l] = f(z[l])                               elementwise
    delta[L] = dE/da[L] * f'(z[L])               output error
    delta[l] = (W[l+1]^T @ delta[l+1]) * f'(z[l])    hidden error (seed 000, seed 004)
    dE/dW[l] = delta[l] @ a[l-1]^T + lambda W[l] weight decay only on weights
    dE/db[l] = delta[l]          (per_neuron)    or sum(delta[l]) (shared: one scalar per layer)
    dE/dx = W[1]^T delta[1]                      the gradient on the inputs (before the update)
    W[l] <- W[l] - eta dE/dW[l],  b[l] <- b[l] - eta dE/db[l]  (if train_biases)

Every gradient is computed before any parameter changes, except with
``hidden_deltas="updated_weights"``: then ``W[l+1]`` in the hidden error is the already
updated matrix (the order of seed 000's code, which updates the output weights first).

``weights[l][j][i]`` is the weight into neuron j of layer l+1 from neuron i of layer l (rows are
receivers), as in the neurosim contract; ``biases[l]`` is a list per neuron (per_neuron), one
number (shared; a number is also accepted for per_neuron and copied to every neuron) or ignored
(none).
"""

import math

# ---------------------------------------------------------------------------- linear algebra


def matvec(W, x):
    """W @ x for W a list of rows."""
    return [sum(w * xi for w, xi in zip(row, x)) for row in W]


def transpose(W):
    return [list(col) for col in zip(*W)]


def outer(u, v):
    """u v^T."""
    return [[ui * vj for vj in v] for ui in u]


def add(u, v):
    return [a + b for a, b in zip(u, v)]


def hadamard(u, v):
    return [a * b for a, b in zip(u, v)]


# ---------------------------------------------------------------------------- activations
# Each: (f(x), f'(x)) written from the textbook formula, independently of neurosim.


def _sigmoid(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softplus(x):
    # ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|)
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _bipolar(x):
    e = math.exp(-abs(x))
    f = -math.expm1(-abs(x)) / (1.0 + e)
    return f if x >= 0 else -f


ACTIVATIONS = {
    # sigma'(x) = e^-|x| / (1 + e^-|x|)^2: exact to a few ulps at any x (sigma (1 - sigma)
    # loses digits as sigma rounds towards 1, from x of a few units on).
    "sigmoid": (_sigmoid, lambda x: math.exp(-abs(x)) / (1.0 + math.exp(-abs(x))) ** 2),
    "tanh": (math.tanh, lambda x: 1.0 - math.tanh(x) ** 2),
    # Fausett's bipolar sigmoid 2 / (1 + e^-x) - 1 = (1 - e^-x) / (1 + e^-x), an odd function
    # (written with expm1 so that small x keep their digits); its derivative
    # 1/2 (1 + f)(1 - f) = 2 sigma(x) sigma(-x), without the cancellation of 1 - f near f = 1.
    "bipolar_sigmoid": (_bipolar,
                        lambda x: 2.0 * _sigmoid(x) * _sigmoid(-x)),
    "relu": (lambda x: x if x > 0 else 0.0, lambda x: 1.0 if x > 0 else 0.0),
    "leaky_relu": (lambda x: x if x > 0 else 0.01 * x, lambda x: 1.0 if x > 0 else 0.01),
    "identity": (lambda x: x, lambda x: 1.0),
    "softplus": (_softplus, _sigmoid),
}

# ---------------------------------------------------------------------------- losses
# Each: (E(t, o) summed over the n outputs, dE/do_k).

LOSSES = {
    "half_squared_error": (
        lambda t, o: sum(0.5 * (tk - ok) ** 2 for tk, ok in zip(t, o)),
        lambda t, o: [ok - tk for tk, ok in zip(t, o)],
    ),
    "squared_error": (
        lambda t, o: sum((tk - ok) ** 2 for tk, ok in zip(t, o)),
        lambda t, o: [2.0 * (ok - tk) for tk, ok in zip(t, o)],
    ),
    "mean_squared_error": (
        lambda t, o: sum((tk - ok) ** 2 for tk, ok in zip(t, o)) / len(o),
        lambda t, o: [2.0 * (ok - tk) / len(o) for tk, ok in zip(t, o)],
    ),
    "binary_cross_entropy": (
        lambda t, o: -sum(tk * math.log(ok) + (1 - tk) * math.log(1 - ok) for tk, ok in zip(t, o)),
        lambda t, o: [(ok - tk) / (ok * (1.0 - ok)) for tk, ok in zip(t, o)],
    ),
    # categorical cross-entropy (after a softmax): E = -sum_k t_k ln o_k, dE/do_k = -t_k / o_k
    "cross_entropy": (
        lambda t, o: -sum(tk * math.log(ok) for tk, ok in zip(t, o)),
        lambda t, o: [-tk / ok for tk, ok in zip(t, o)],
    ),
}


# ---------------------------------------------------------------------------- softmax
# A whole-layer activation: a = softmax(z), a_k = e^z_k / sum_j e^z_j (with max z subtracted
# from every z, which cancels), and its Jacobian J[k][j] = da_k/dz_j = a_k (delta_kj - a_j);
# the backward pass through it is delta = J^T dE/da (the chain rule summed over every a_k).

def softmax(z):
    m = max(z)
    e = [math.exp(v - m) for v in z]
    s = sum(e)
    return [v / s for v in e]


def softmax_jacobian(a):
    return [[ak * ((1.0 if k == j else 0.0) - aj) for j, aj in enumerate(a)]
            for k, ak in enumerate(a)]


# ---------------------------------------------------------------------------- the engine


class Result:
    """What one step computed. Lists are per non-input layer (index 0 = first hidden layer).

    z, a: net inputs and outputs; dE_da: the backward message into each layer (for the output
    layer, dE/dout of the loss); delta: dE/dz; grad_W (including weight decay), grad_b (per
    neuron: delta; for a shared bias the layer's scalar is grad_b_shared = sum(delta));
    new_W, new_b (per layer: list per neuron, or a float for shared, or None for none);
    error: E before the update.
    """

    def __repr__(self):
        return "Result(%s)" % ", ".join("%s=%r" % kv for kv in sorted(vars(self).items()))


def _layer_bias_vectors(biases, sizes, bias):
    out = []
    for l, n in enumerate(sizes[1:]):
        if bias == "none" or biases is None:
            out.append([0.0] * n)
        else:
            b = biases[l]
            out.append([float(b)] * n if isinstance(b, (int, float)) else [float(v) for v in b])
    return out


def forward(weights, biases, x, *, activation="sigmoid", output_activation=None, bias="per_neuron"):
    """Return (z, a) lists per non-input layer."""
    sizes = [len(x)] + [len(W) for W in weights]
    bvec = _layer_bias_vectors(biases, sizes, bias)
    L = len(weights)
    acts = [activation] * (L - 1) + [output_activation or activation]
    zs, as_ = [], []
    a = [float(v) for v in x]
    for l in range(L):
        z = add(matvec(weights[l], a), bvec[l])
        if acts[l] == "softmax":
            a = softmax(z)
        else:
            f, _ = ACTIVATIONS[acts[l]]
            a = [f(v) for v in z]
        zs.append(z)
        as_.append(a)
    return zs, as_


def step(weights, biases, x, target, *, activation="sigmoid", output_activation=None,
         loss="half_squared_error", learning_rate=0.5, bias="per_neuron", train_biases=True,
         weight_decay=0.0, hidden_deltas="original_weights"):
    """One online gradient-descent step on (x, target). Does not modify its arguments."""
    if hidden_deltas not in ("original_weights", "updated_weights"):
        raise ValueError(hidden_deltas)
    L = len(weights)
    sizes = [len(x)] + [len(W) for W in weights]
    acts = [activation] * (L - 1) + [output_activation or activation]
    bvec = _layer_bias_vectors(biases, sizes, bias)
    zs, as_ = forward(weights, biases, x, activation=activation,
                      output_activation=output_activation, bias=bias)
    inputs = [[float(v) for v in x]] + as_[:-1]  # a[l-1] for each layer l
    E, dE_do = LOSSES[loss]

    r = Result()
    r.z, r.a, r.output = zs, as_, as_[-1]
    r.error = E(target, as_[-1])
    r.delta = [None] * L
    r.dE_da = [None] * L
    r.grad_W = [None] * L
    r.grad_b = [None] * L
    r.grad_b_shared = [None] * L
    r.new_W = [None] * L
    r.new_b = [None] * L
    eta, lam = learning_rate, weight_decay

    message = dE_do(target, as_[-1])
    for l in reversed(range(L)):
        r.dE_da[l] = message
        if acts[l] == "softmax":    # delta = J^T dE/da
            delta = matvec(transpose(softmax_jacobian(as_[l])), message)
        else:
            df = ACTIVATIONS[acts[l]][1]
            delta = hadamard(message, [df(v) for v in zs[l]])
        r.delta[l] = delta
        gW = outer(delta, inputs[l])
        gW = [[g + lam * w for g, w in zip(grow, wrow)] for grow, wrow in zip(gW, weights[l])]
        r.grad_W[l] = gW
        r.grad_b[l] = list(delta)
        r.grad_b_shared[l] = sum(delta)
        r.new_W[l] = [[w - eta * g for w, g in zip(wrow, grow)]
                      for wrow, grow in zip(weights[l], gW)]
        if bias == "none":
            r.new_b[l] = None
        elif bias == "shared":
            b0 = bvec[l][0]
            r.new_b[l] = b0 - eta * r.grad_b_shared[l] if train_biases else b0
        else:
            r.new_b[l] = ([b - eta * d for b, d in zip(bvec[l], delta)] if train_biases
                          else list(bvec[l]))
        W_back = r.new_W[l] if hidden_deltas == "updated_weights" else weights[l]
        if l == 0:   # dE/dx = W[1]^T delta[1]: the gradient on the inputs, at this step's W[1]
            r.dE_dx = matvec(transpose(weights[0]), delta)
        message = matvec(transpose(W_back), delta)  # W^T delta, message to layer l-1
    return r


def train(weights, biases, x, target, steps, **options):
    """Apply ``steps`` steps; return (weights, biases, list of E before each step)."""
    errors = []
    for _ in range(steps):
        r = step(weights, biases, x, target, **options)
        errors.append(r.error)
        weights = r.new_W
        biases = r.new_b
    return weights, biases, errors


def total_error(weights, biases, x, target, *, loss="half_squared_error", activation="sigmoid",
                output_activation=None, bias="per_neuron", **training_options):
    """E(target, output) of one sample; training options (learning_rate, ...) are ignored."""
    _, as_ = forward(weights, biases, x, activation=activation,
                     output_activation=output_activation, bias=bias)
    return LOSSES[loss][0](target, as_[-1])
