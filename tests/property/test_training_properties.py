"""Property tests of one training step: descent, learning rate 0, determinism, frozen biases.

Finite differences cannot see a *consistent* sign error: a loss written as -1/2 (t - o)^2 with
the matching derivative (t - o) passes every gradient check, and training then climbs the
error it should descend. The descent property below measures the error with the loss formulas
written in this file, independently of ``net.loss``, so it catches that (see the last test).
"""

import copy
import dataclasses
import math

import pytest

pytest.importorskip("hypothesis", reason="property tests need hypothesis "
                    "(pip install hypothesis)")

from hypothesis import assume, given, strategies as st  # noqa: E402

from neurosim.gradient_check import gradcheck  # noqa: E402
from neurosim.testing.strategies import networks, samples_for  # noqa: E402
from neurosim.worked_examples import MAZUR_INPUTS, MAZUR_TARGETS, mazur  # noqa: E402

LEARNING_RATES = [10.0 ** -k for k in range(1, 13)]


def clip(o):
    return min(max(o, 1e-12), 1.0 - 1e-12)


# E_o and dE/dout_o from the textbook formulas (seed 004, seed 003, published-figures.md A).
ERRORS = {
    "half_squared_error": (lambda t, o, n: 0.5 * (t - o) ** 2, lambda t, o, n: o - t),
    "squared_error": (lambda t, o, n: (t - o) ** 2, lambda t, o, n: 2 * (o - t)),
    "mean_squared_error": (lambda t, o, n: (t - o) ** 2 / n, lambda t, o, n: 2 * (o - t) / n),
    "binary_cross_entropy": (
        lambda t, o, n: -(t * math.log(clip(o)) + (1 - t) * math.log(1 - clip(o))),
        lambda t, o, n: (clip(o) - t) / (clip(o) * (1 - clip(o)))),
}


def reference_error(net, loss_name, x, t):
    """E_total of the sample, from the outputs and this file's loss formula; and its noise:
    what rounding the outputs (a few units in their last place) can do to it."""
    outputs = copy.deepcopy(net).feed_forward(x)
    error, derivative = ERRORS[loss_name]
    n = len(outputs)
    E = math.fsum(error(ti, oi, n) for ti, oi in zip(t, outputs))
    noise = math.fsum(abs(derivative(ti, oi, n)) * 4 * math.ulp(oi)
                      for ti, oi in zip(t, outputs)) + 4 * math.ulp(E)
    return E, noise


def squared_gradient(net, x, t):
    """|dE/dtheta|^2 over every trainable parameter, from one pass with learning rate 0."""
    probe = copy.deepcopy(net)
    probe.learning_rate = 0.0
    probe.train(x, t)
    g2 = math.fsum(g * g for n in probe.neurons for g in n.dE_dw)
    if probe.train_biases:
        for layer in probe.layers:
            if layer.bias_mode == "shared":
                g2 += layer.dE_db ** 2
            elif layer.bias_mode == "per_neuron":
                g2 += math.fsum(n.dE_db ** 2 for n in layer.neurons)
    return g2


def check_descent(net, x, t, loss_name):
    """Small steps never increase the error, and some step decreases it.

    For learning rates 1e-1 ... 1e-12: E(w - eta g) = E - eta |g|^2 + O(eta^2), so below some
    rate every step must not increase E beyond rounding, and where eta |g|^2 beats rounding
    and curvature, a step must decrease it.
    """
    E0, noise = reference_error(net, loss_name, x, t)
    changes = []
    for eta in LEARNING_RATES:
        stepped = copy.deepcopy(net)
        stepped.learning_rate = eta
        stepped.train(x, t)
        changes.append(reference_error(stepped, loss_name, x, t)[0] - E0)
    small = changes[-5:]  # eta <= 1e-8
    assert all(change <= noise for change in small), (E0, noise, changes)
    assert any(change < -noise for change in changes), (E0, noise, changes)


@given(st.data())
def test_a_small_enough_step_never_increases_the_error(data):
    net = data.draw(networks(), label="net")
    x, t = data.draw(samples_for(net), label="sample")
    net.feed_forward(x)
    assume(all(abs(n.net) < 30 for n in net.neurons))
    # At a kink (ReLU's net = 0) E has no gradient: a step that moves net off it can raise E
    # at first order, whatever the rate. Keep away from kinks by more than a small step moves.
    assume(all(abs(n.net) > 1e-6 for layer in net.layers if layer.activation.kinks
               for n in layer.neurons))
    if net.loss.name == "binary_cross_entropy":
        assume(all(1e-4 < n.out < 1 - 1e-4 for n in net.output_layer.neurons))
    E0, _ = reference_error(net, net.loss.name, x, t)
    assume(squared_gradient(net, x, t) > 1e-6 * (1.0 + E0))
    check_descent(net, x, t, net.loss.name)


def bits(net, signed_zeros=True):
    """Every weight and bias, bit for bit, and the velocities.

    With ``signed_zeros=False`` -0.0 and 0.0 count as the same value: ``w - 0.0 * g`` turns a
    weight of -0.0 into 0.0 when g < 0 (IEEE 754: -0.0 - (-0.0) = +0.0), a change of bits but
    not of value.
    """
    def b(v):
        v = float(v)
        return v.hex() if signed_zeros or v != 0.0 else "zero"

    return [(n.name, [b(w) for w in n.weights], b(n.bias), [b(v) for v in n.velocity],
             b(n.bias_velocity)) for n in net.neurons]


@given(st.data())
def test_learning_rate_zero_changes_nothing(data):
    decay = data.draw(st.sampled_from([0.0, 0.1, 1.0]), label="weight_decay")
    net = data.draw(networks(learning_rate=0.0, weight_decay=decay), label="net")
    net.momentum = data.draw(st.sampled_from([0.0, 0.9]), label="momentum")
    x, t = data.draw(samples_for(net), label="sample")
    before = bits(net, signed_zeros=False)
    net.train(x, t)
    assert bits(net, signed_zeros=False) == before


@given(st.data())
def test_a_step_is_deterministic(data):
    net = data.draw(networks(), label="net")
    x, t = data.draw(samples_for(net), label="sample")
    twin = copy.deepcopy(net)
    E1, E2 = net.train(x, t), twin.train(x, t)
    assert E1.hex() == E2.hex()
    assert bits(net) == bits(twin)
    assert repr([vars(n) for n in net.neurons]) == repr([vars(n) for n in twin.neurons])


@given(st.data())
def test_frozen_biases_stay_bit_equal(data):
    net = data.draw(networks(train_biases=False, biases=["per_neuron", "shared"]), label="net")
    x, t = data.draw(samples_for(net), label="sample")
    before = [float(n.bias).hex() for n in net.neurons]
    for _ in range(3):
        net.train(x, t)
    assert [float(n.bias).hex() for n in net.neurons] == before


def test_a_consistent_sign_error_passes_gradcheck_but_fails_descent():
    # The mutant: E_o = -1/2 (t - o)^2 and dE/dout = (t - o), consistent with each other.
    net = mazur()
    half = net.loss
    net.loss = dataclasses.replace(half, error=lambda t, o, n: -0.5 * (t - o) * (t - o),
                                   dE_dout=lambda t, o, n: t - o)
    assert gradcheck(net, MAZUR_INPUTS, MAZUR_TARGETS).ok
    with pytest.raises(AssertionError):
        check_descent(net, MAZUR_INPUTS, MAZUR_TARGETS, "half_squared_error")
    net.loss = half
    check_descent(net, MAZUR_INPUTS, MAZUR_TARGETS, "half_squared_error")
