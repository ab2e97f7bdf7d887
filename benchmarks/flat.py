"""The yardstick: the fastest flat pure-Python online SGD step we could write.

Same arithmetic as neurosim's default network (logistic sigmoid in every layer, half squared
error ``E = sum_k 1/2 (t_k - o_k)^2``, one online gradient-descent step per sample), written
with no objects in the loop: lists of lists, local variables, ``zip``/``map`` and
``sum(map(operator.mul, row, inputs))`` for every weighted sum. It is the physical limit a
neuron-level engine in pure Python is measured against (issue 3).

Layout, as neurosim's ``from_weights``: ``W[l][j][i]`` is the weight into neuron ``j`` of layer
``l+1`` from neuron ``i`` of layer ``l`` (rows are the receiving neurons) and ``B[l][j]`` the bias
of neuron ``j`` of layer ``l+1``. A shared bias (Mazur's b1, b2) is stored as a list of equal
values and never updated, which gives the same arithmetic as one shared frozen number.

One step, for a net with layers ``0..L`` (Mazur 2015; seed 004's delta rule)::

    out_j   = sigmoid(sum_i W[l][j][i] * out_i + B[l][j])                forward, layer by layer
    delta_k = (o_k - t_k) * (o_k * (1 - o_k))                            output layer
    delta_i = (sum_j delta_j * W[l][j][i]) * (out_i * (1 - out_i))       hidden, PRE-update W
    W[l][j][i] -= eta * (delta_j * out_i);   B[l][j] -= eta * delta_j    (biases if trained)

"Same arithmetic" is meant to the bit: :func:`make_step` performs neurosim's floating-point
operations in neurosim's order (the two-branch sigmoid, dE/dw = delta * x formed before the
product with eta), so its final weights equal neurosim's exactly, which the benchmark shows
(agreement 0.0). :func:`make_fused_step` is the variant with less arithmetic (eta * delta
once per row, a one-branch sigmoid): it rounds differently, and the benchmark times it too.

Every gradient is computed before the weights it depends on change: the deltas of layer ``l``
are computed from ``W[l]`` before ``W[l]`` is updated, so the hidden deltas use the original
weights, as the blog's text says. Updates of a layer only read that layer's deltas and the
forward activations, so doing them layer by layer (top down, right after the deltas below
have been taken) is the same arithmetic as "all gradients first, then all updates".

Why this shape (``timeit``, CPython 3.11 on the project's machines; ``python -m benchmarks``
prints today's times). What won, variant against variant:

* weighted sums as ``sum(map(mul, row, inputs))``: the whole loop runs in C;
* the update in place, ``row[i] -= ...`` with a counter: 10-60 % faster than building a new
  row with ``[w - g * x for w, x in zip(row, prev)]`` (3.11 specialises list indexing and float
  arithmetic; a comprehension is a function call), 20 % faster than
  ``map(sub, row, map(mul, repeat(g), prev))``, a little faster than ``enumerate``;
* short per-layer lists (outputs, deltas) built by ``append`` in a loop, not comprehensions
  (same speed for wide layers, 10-20 % faster on 2-2-2);
* back-propagation through ``zip(*W)`` (the transpose) beats accumulating
  ``map(add, back, map(mul, row, repeat(d)))`` row by row;
* a step unrolled for exactly one hidden layer was no faster than the generic layer loop.
"""

import sys
from functools import reduce
from math import exp
from operator import add, mul

#: Sums of floats left to right, as neurosim adds them: ``sum`` itself up to Python 3.11; from
#: 3.12 ``sum()`` compensates, and the bit-exact yardsticks add with ``reduce(add, ...)``.
_sum = sum if sys.version_info < (3, 12) else (lambda terms: reduce(add, terms))

__all__ = ["make_step", "make_fused_step", "make_step_with_partials", "forward", "total_error",
           "BIAS_MODES"]

BIAS_MODES = ("per_neuron", "shared", "none")


def _copy_weights(weights):
    return [[[float(w) for w in row] for row in layer] for layer in weights]


def _expand_biases(weights, biases, bias):
    """Per-neuron bias lists, one per non-input layer, from the ``from_weights`` forms."""
    if bias not in BIAS_MODES:
        raise ValueError(f"bias must be one of {BIAS_MODES}, got {bias!r}")
    out = []
    for l, layer in enumerate(weights):
        n = len(layer)
        if bias == "none" or biases is None:
            out.append([0.0] * n)
            continue
        b = biases[l]
        if isinstance(b, (int, float)):
            out.append([float(b)] * n)
        else:
            b = [float(v) for v in b]
            if len(b) != n:
                raise ValueError(f"biases[{l}] must have {n} values, got {len(b)}: {b!r}")
            if bias == "shared" and len(set(b)) > 1:
                raise ValueError(f"a shared bias needs one value per layer, got {b!r} for layer {l}")
            out.append(b)
    return out


def make_step(weights, biases=None, *, learning_rate=0.5, bias="per_neuron", train_biases=True):
    """Return ``(step, W, B)``: ``step(x, t)`` does one online SGD step, in place on W and B.

    ``weights`` and ``biases`` are copied (``W``, ``B``: the live lists, read them after
    training). ``bias``: ``"per_neuron"`` (each neuron its own bias), ``"shared"`` (one per
    layer, as Mazur's b1 and b2; only frozen: ``train_biases`` must be false) or ``"none"``.

    neurosim's arithmetic, operation for operation, so the two agree to the last bit: the
    sigmoid in two branches (``activations._sigmoid``), ``w+ = w - eta * (delta * x)`` (dE/dw
    first, as the hand calculation) and ``b+ = b - eta * delta``.

    Mazur's example, one step; the published w5+ is 0.35891648 and w1+ 0.149780716:

    >>> step, W, B = make_step([[[.15, .2], [.25, .3]], [[.4, .45], [.5, .55]]], [.35, .6],
    ...                        bias="shared", train_biases=False)
    >>> step([0.05, 0.1], [0.01, 0.99])
    >>> round(W[1][0][0], 8), round(W[0][0][0], 9)
    (0.35891648, 0.149780716)
    """
    W, B, layers, top_down, lr, train = _setup(weights, biases, learning_rate, bias,
                                               train_biases)

    def step(x, t):
        acts = [x]
        nets = [None]
        a = x
        for Wl, Bl in layers:
            below = a
            a = []
            zs = []
            ap = a.append
            for row, b in zip(Wl, Bl):
                z = _sum(map(mul, row, below)) + b
                zs.append(z)
                if z >= 0.0:        # two branches, as neurosim: exp never overflows
                    ap(1.0 / (1.0 + exp(-z)))
                else:
                    e = exp(z)
                    ap(e / (1.0 + e))
            acts.append(a)
            nets.append(zs)
        delta = []
        ap = delta.append
        for o, y, z in zip(a, t, nets[-1]):
            # dout/dnet as neurosim computes it: out (1 - out), or out out e^-net for net >= 0
            ap((o - y) * (o * (1.0 - o) if z < 0.0 else o * o * exp(-z)))
        for l in top_down:
            Wl, Bl = layers[l]
            prev = acts[l]
            dl = delta
            if l:   # deltas of the layer below, from the weights before their update
                delta = []
                ap = delta.append
                for col, h, z in zip(zip(*Wl), prev, nets[l]):
                    ap(_sum(map(mul, dl, col)) * (h * (1.0 - h) if z < 0.0 else
                                                 h * h * exp(-z)))
            j = 0
            for row, d in zip(Wl, dl):
                i = 0
                for xi in prev:
                    row[i] -= lr * (d * xi)
                    i += 1
                if train:
                    Bl[j] -= lr * d
                j += 1

    return step, W, B


def make_fused_step(weights, biases=None, *, learning_rate=0.5, bias="per_neuron",
                    train_biases=True):
    """:func:`make_step` with less arithmetic: ``g = eta * delta`` once per row, then
    ``w -= g * x`` (one multiplication per connection fewer), and the one-branch sigmoid
    ``1 / (1 + exp(-z))``. Different rounding (it agrees with neurosim to about 1e-15, not to
    the bit); the benchmark shows it to say what those operations cost.

    >>> step, W, B = make_fused_step([[[.15, .2], [.25, .3]], [[.4, .45], [.5, .55]]],
    ...                              [.35, .6], bias="shared", train_biases=False)
    >>> step([0.05, 0.1], [0.01, 0.99])
    >>> round(W[1][0][0], 8), round(W[0][0][0], 9)
    (0.35891648, 0.149780716)
    """
    W, B, layers, top_down, lr, train = _setup(weights, biases, learning_rate, bias,
                                               train_biases)

    def step(x, t):
        acts = [x]
        a = x
        for Wl, Bl in layers:
            below = a
            a = []
            ap = a.append
            for row, b in zip(Wl, Bl):
                ap(1.0 / (1.0 + exp(-(sum(map(mul, row, below)) + b))))
            acts.append(a)
        delta = []
        ap = delta.append
        for o, y in zip(a, t):
            ap((o - y) * (o * (1.0 - o)))
        for l in top_down:
            Wl, Bl = layers[l]
            prev = acts[l]
            dl = delta
            if l:
                delta = []
                ap = delta.append
                for col, h in zip(zip(*Wl), prev):
                    ap(sum(map(mul, col, dl)) * (h * (1.0 - h)))
            j = 0
            for row, d in zip(Wl, dl):
                g = lr * d
                i = 0
                for xi in prev:
                    row[i] -= g * xi
                    i += 1
                if train:
                    Bl[j] -= g
                j += 1

    return step, W, B


def _setup(weights, biases, learning_rate, bias, train_biases):
    """Copies of the weights and biases, checked, and what a step closure needs."""
    W = _copy_weights(weights)
    B = _expand_biases(W, biases, bias)
    if train_biases and bias == "shared":
        raise ValueError("the flat reference trains per-neuron biases only; "
                         "use bias='per_neuron' or train_biases=False")
    for l in range(1, len(W)):
        for row in W[l]:
            if len(row) != len(W[l - 1]):
                raise ValueError(f"layer {l + 1} rows need {len(W[l - 1])} weights, got {len(row)}")
    layers = list(zip(W, B))          # W[l], B[l] are mutated in place: these pairs stay valid
    top_down = list(range(len(layers) - 1, -1, -1))
    train = bool(train_biases) and bias == "per_neuron"
    return W, B, layers, top_down, float(learning_rate), train


def make_step_with_partials(weights, biases=None, *, learning_rate=0.5, bias="per_neuron",
                            train_biases=True):
    """Return ``(step, W, B, P)``: :func:`make_step`'s step, also keeping every partial.

    The yardstick for "what does keeping the hand calculation cost in pure Python": after each
    step ``P`` holds, per layer ``l`` (0 = the first hidden layer) and neuron ``j``, what a
    neurosim neuron holds (``inputs`` is ``P["dnet_dw"]``: dnet/dw_i = x_i)::

        P["net"][l][j], P["out"][l][j], P["dE_dout"][l][j], P["dout_dnet"][l][j],
        P["delta"][l][j] (= P["dE_db"][l][j]), P["dnet_dw"][l][j] (a list), P["dE_dw"][l][j]

    New lists every step, as a user reading them after the step needs; still no objects, and
    the update ``w+ = w - eta * dE/dw`` in neurosim's order (dE/dw first, then the product).

    >>> step, W, B, P = make_step_with_partials(
    ...     [[[.15, .2], [.25, .3]], [[.4, .45], [.5, .55]]], [.35, .6], bias="shared",
    ...     train_biases=False)
    >>> step([0.05, 0.1], [0.01, 0.99])
    >>> round(P["delta"][1][0], 9), round(P["dE_dw"][1][0][0], 9), round(W[1][0][0], 8)
    (0.138498562, 0.082167041, 0.35891648)
    """
    W, B, layers, top_down, lr, train = _setup(weights, biases, learning_rate, bias,
                                               train_biases)
    P = {}

    def step(x, t):
        nets, outs, acts = [], [], [x]
        a = x
        for Wl, Bl in layers:
            below = a
            z_l, a = [], []
            zp, ap = z_l.append, a.append
            for row, b in zip(Wl, Bl):
                z = _sum(map(mul, row, below)) + b
                zp(z)
                if z >= 0.0:
                    ap(1.0 / (1.0 + exp(-z)))
                else:
                    e = exp(z)
                    ap(e / (1.0 + e))
            nets.append(z_l)
            outs.append(a)
            acts.append(a)
        n = len(layers)
        dE_dout, dout_dnet, deltas = [None] * n, [None] * n, [None] * n
        dnet_dw, dE_dw = [None] * n, [None] * n
        e_l = []
        ep = e_l.append
        for o, y in zip(a, t):
            ep(o - y)                                   # dE/dout_o = -(t - o)
        for l in top_down:
            Wl, Bl = layers[l]
            prev = acts[l]
            s_l, d_l = [], []
            sp, dp = s_l.append, d_l.append
            for e, h, z in zip(e_l, outs[l], nets[l]):
                # dout/dnet = out (1 - out), computed as neurosim does: out out e^-net, net >= 0
                s = h * (1.0 - h) if z < 0.0 else h * h * exp(-z)
                sp(s)
                dp(e * s)                               # delta = dE/dout * dout/dnet
            dE_dout[l], dout_dnet[l], deltas[l] = e_l, s_l, d_l
            if l:   # dE/dout of the layer below, from the weights before their update
                e_l = []
                ep = e_l.append
                for col in zip(*Wl):
                    ep(_sum(map(mul, col, d_l)))
            grads = []
            gp = grads.append
            j = 0
            for row, d in zip(Wl, d_l):
                g = []
                ga = g.append
                i = 0
                for xi in prev:
                    gi = d * xi                         # dE/dw = delta * dnet/dw
                    ga(gi)
                    row[i] -= lr * gi
                    i += 1
                gp(g)
                if train:
                    Bl[j] -= lr * d
                j += 1
            dE_dw[l] = grads
            dnet_dw[l] = [prev] * len(Wl)
        P.update(net=nets, out=outs, dE_dout=dE_dout, dout_dnet=dout_dnet, delta=deltas,
                 dE_db=deltas, dnet_dw=dnet_dw, dE_dw=dE_dw)

    return step, W, B, P


def forward(W, B, x):
    """The outputs of the net ``W``, ``B`` (as from :func:`make_step`) for inputs ``x``."""
    a = x
    for Wl, Bl in zip(W, B):
        a = [1.0 / (1.0 + exp(-(sum(map(mul, row, a)) + b))) for row, b in zip(Wl, Bl)]
    return a


def total_error(W, B, samples):
    """``E = sum over samples and outputs of 1/2 (t - o)^2`` (Mazur's E_total for one sample)."""
    return sum(0.5 * (y - o) ** 2 for x, t in samples for o, y in zip(forward(W, B, x), t))
