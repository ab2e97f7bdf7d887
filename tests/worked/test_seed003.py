"""Seed 003: the loss without the 1/2, F = e1^2 + e2^2 with e = d - y.

Source: seed 003 (a Chinese blog post on BP networks), section 1.4: "dF/dw11(2) = -2 e1
phi'(v1(2)) y1(1)", and the matrix form (14) of the update, W(k+1) = W(k) + 2 eta [e phi'(v)]
y^T. Its worked formulas use no thresholds (biases).

The factor 2 is exact algebra, and exact in floating point too: doubling a double is exact
(barring overflow), dE/dout = -2 (t - out) is twice -(t - out) to the bit, and every later
partial is a product or sum with it, so every delta, dE/dw and dE/db of ``squared_error`` is
bit for bit twice that of ``half_squared_error``. The tests compare with ``==``.
"""

import pytest

from neurosim import NeuralNetwork

MAZUR_W = [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]]

# (id, builder options, inputs, targets): a few nets of different shapes and rules.
NETS = [
    ("mazur-shared", dict(weights=MAZUR_W, biases=[0.35, 0.60], bias="shared",
                          train_biases=False), [0.05, 0.10], [0.01, 0.99]),
    ("seed003-no-bias", dict(weights=MAZUR_W, bias="none"), [0.05, 0.10], [0.01, 0.99]),
    ("seed002-per-neuron", dict(weights=[[[2, 1], [1, 3], [3, 2]], [[1, 1, 2], [3, 2, 2]],
                                         [[1, 3]]],
                                biases=[[1, 2, 3], [2, 1], [2]], learning_rate=0.1),
     [1.0, 2.0], [1.0]),
    ("tanh-2-3-3-2", dict(layer_sizes=[2, 3, 3, 2], activation="tanh",
                          output_activation="identity", seed=3), [0.3, -0.7], [0.5, -0.25]),
    ("softplus-3-4-1", dict(layer_sizes=[3, 4, 1], activation="softplus",
                            output_activation="sigmoid", bias="shared", seed=11),
     [1.0, -0.5, 0.25], [0.8]),
]


def build(options, loss, **extra):
    options = dict(options, loss=loss, **extra)
    if "layer_sizes" in options:
        return NeuralNetwork(options.pop("layer_sizes"), **options)
    return NeuralNetwork.from_weights(options.pop("weights"), options.pop("biases", None),
                                      **options)


def step(options, x, t, loss, **extra):
    net = build(options, loss, **extra)
    E = net.train(x, t)
    return net, E


@pytest.mark.parametrize("options, x, t", [n[1:] for n in NETS], ids=[n[0] for n in NETS])
def test_squared_error_gives_exactly_twice_every_gradient(options, x, t):
    half, E_half = step(options, x, t, "half_squared_error")
    full, E_full = step(options, x, t, "squared_error")
    assert E_full == 2 * E_half
    for a, b in zip(half.neurons, full.neurons):
        assert b.dE_dout == 2 * a.dE_dout, a.name
        assert b.dout_dnet == a.dout_dnet, a.name
        assert b.delta == 2 * a.delta, a.name
        assert b.dE_dw == [2 * g for g in a.dE_dw], a.name
        assert b.dE_db == 2 * a.dE_db, a.name
    for la, lb in zip(half.layers, full.layers):
        if la.bias_mode == "shared":
            assert lb.dE_db == 2 * la.dE_db


@pytest.mark.parametrize("options, x, t", [n[1:] for n in NETS], ids=[n[0] for n in NETS])
def test_squared_error_step_equals_half_squared_error_at_twice_the_rate(options, x, t):
    """w - eta (2 g) and w - (2 eta) g are the same double, so the new weights are identical."""
    eta = build(options, "squared_error").learning_rate
    full, _ = step(options, x, t, "squared_error")
    half, _ = step(options, x, t, "half_squared_error", learning_rate=2 * eta)
    assert [n.weights for n in full.neurons] == [n.weights for n in half.neurons]
    assert [n.bias for n in full.neurons] == [n.bias for n in half.neurons]


@pytest.mark.parametrize("options, x, t", [n[1:] for n in NETS if len(n[3]) == 2],
                         ids=[n[0] for n in NETS if len(n[3]) == 2])
def test_mean_squared_error_with_two_outputs_equals_half_squared_error(options, x, t):
    """With n = 2 outputs, (1/n) sum (t - o)^2 = sum 1/2 (t - o)^2: identical gradients."""
    half, E_half = step(options, x, t, "half_squared_error")
    mean, E_mean = step(options, x, t, "mean_squared_error")
    assert E_mean == pytest.approx(E_half, rel=1e-15)
    for a, b in zip(half.neurons, mean.neurons):
        assert b.delta == a.delta and b.dE_dw == a.dE_dw, a.name


def test_seed003_output_weight_formula():
    """dF/dw11(2) = -2 e1 phi'(v1(2)) y1(1) (seed 003, section 1.4), on a 2-2-2 net without
    thresholds: e1 = d1 - y1, phi' = y1 (1 - y1) for the logistic function, y1(1) = out_h1."""
    net, _ = step(NETS[1][1], NETS[1][2], NETS[1][3], "squared_error")
    o1, h1 = net["o1"], net["h1"]
    e1 = 0.01 - o1.out
    expected = -2 * e1 * (o1.out * (1 - o1.out)) * h1.out
    assert o1.dE_dw[0] == pytest.approx(expected, rel=1e-15)
    # and the error itself is F = e1^2 + e2^2
    e2 = 0.99 - net["o2"].out
    assert net.E_total == pytest.approx(e1 ** 2 + e2 ** 2, rel=1e-15)
