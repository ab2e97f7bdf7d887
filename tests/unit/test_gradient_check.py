"""Unit tests of neurosim.gradient_check (neurosim.gradcheck).

Expected numbers come from Mazur (2015), "A Step by Step Backpropagation Example", as copied
in published-figures.md section A (dE_total/dw5 = 0.082167041, dE_total/dw1 = 0.000438568,
dE_total/dout_o1 = 0.74136507, dout_o1/dnet_o1 = 0.186815602, dE_o1/dnet_o1 = 0.138498562,
dE_total/dout_h1 = 0.036350306, dout_h1/dnet_h1 = 0.241300709), from exact algebra, or from
finite differences written in the test itself.
"""

import dataclasses
import math
import random

import pytest

from neurosim import NeuralNetwork, Neuron, NeuronLayer, propagation
from neurosim.errors import (ConfigurationError, GradientCheckError, NumericalError,
                             UnknownNameError)
from neurosim.decimal_oracle import _DECIMAL_ACTIVATIONS, _DECIMAL_LOSSES
from neurosim.gradient_check import GradientReport, gradcheck
from neurosim.worked_examples import MAZUR_INPUTS, MAZUR_TARGETS, mazur, seed002

# Mazur (2015), published-figures.md section A: the printed value of each partial.
MAZUR_PRINTED = {
    "dE/dw5": 0.082167041,
    "dE/dw1": 0.000438568,
    "dE/dout_o1": 0.74136507,
    "dout/dnet_o1": 0.186815602,
    "delta_o1": 0.138498562,
    "dE/dout_h1": 0.036350306,
    "dout/dnet_h1": 0.241300709,
}


def half_unit(printed):
    """Half a unit of the last printed digit of a 9-significant-digit figure (or 8 decimals)."""
    text = repr(printed)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10.0 ** -decimals


# -- a full picture of a network's state, to prove gradcheck leaves it as it found it ----------

def describe(value):
    """A comparable picture of an attribute: floats bit-exact, lists with their identity."""
    if isinstance(value, float):
        return ("float", value.hex())
    if isinstance(value, (bool, int, str, type(None))):
        return value
    if isinstance(value, list):
        return ("list", id(value), [describe(v) for v in value])
    if isinstance(value, tuple):
        return ("tuple", [describe(v) for v in value])
    if isinstance(value, dict):
        return ("dict", id(value), sorted((repr(k), describe(v)) for k, v in value.items()))
    if isinstance(value, random.Random):
        return ("rng", id(value), value.getstate())
    return ("object", id(value))  # neurons, layers, activations, losses: the same objects


def full_state(net):
    return [(id(obj), sorted((name, describe(v)) for name, v in vars(obj).items()))
            for obj in [net, *net.layers, *net.neurons]]


# -- Mazur's network -----------------------------------------------------------------------------

def test_mazur_every_row_passes_and_matches_the_printed_figures():
    report = gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS)
    assert report.ok
    assert report.failures == [] and report.kinks == []
    for name, printed in MAZUR_PRINTED.items():
        row = report[name]
        assert abs(row.analytic - printed) <= half_unit(printed), name
        assert abs(row.numeric - printed) <= half_unit(printed), name
        assert row.status == "ok"


def test_mazur_rows_are_every_weight_bias_and_neuron_partial_in_order():
    report = gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS)
    neuron_rows = [f"{q}_{n}" for n in ("h1", "h2", "o1", "o2")
                   for q in ("dE/dout", "dout/dnet", "delta")]
    assert [r.name for r in report] == [
        "dE/dw1", "dE/dw2", "dE/dw3", "dE/dw4", "dE/db1",
        "dE/dw5", "dE/dw6", "dE/dw7", "dE/dw8", "dE/db2"] + neuron_rows
    assert len(report) == 22


def test_shared_bias_is_one_parameter_with_the_sum_of_the_layer_deltas():
    # dE/db2 = delta_o1 + delta_o2 (exact algebra: b2 enters net_o1 and net_o2 with slope 1).
    report = gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS)
    assert report["dE/db2"].numeric == pytest.approx(
        report["delta_o1"].numeric + report["delta_o2"].numeric, rel=1e-8)


def test_the_numbers_are_an_independent_central_difference():
    # E(w5 +- h) computed here with net.total_error on two copies of the network.
    h = 1e-6
    plus, minus = mazur(), mazur()
    plus["w5"] += h
    minus["w5"] -= h
    sample = [(MAZUR_INPUTS, MAZUR_TARGETS)]
    expected = (plus.total_error(sample) - minus.total_error(sample)) / (plus["w5"] - minus["w5"])
    assert gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, eps=h)["dE/dw5"].numeric == expected


# -- the network is left exactly as it was found ------------------------------------------------

def test_a_fresh_network_is_left_exactly_as_found():
    net = mazur()
    before = full_state(net)
    gradcheck(net, MAZUR_INPUTS, MAZUR_TARGETS, precise=True)
    assert full_state(net) == before
    assert all(n.delta is None and n.dE_dw is None for n in net.neurons)


def test_a_trained_network_with_momentum_keeps_its_partials_and_velocities():
    net = NeuralNetwork([2, 3, 2], seed=4, momentum=0.9, weight_decay=0.01)
    net.train([0.3, -0.2], [0.2, 0.7])
    net.train([0.1, 0.4], [0.9, 0.1])  # the last pass's partials and non-zero velocities
    before = full_state(net)
    assert any(v != 0.0 for n in net.neurons for v in n.velocity)
    gradcheck(net, [0.5, 0.5], [0.0, 1.0])
    assert full_state(net) == before


def test_the_network_is_restored_when_the_pass_fails():
    net = NeuralNetwork.from_weights([[[1e308, 1e308]], [[1.0]]], activation="identity")
    before = full_state(net)
    with pytest.raises(NumericalError):
        gradcheck(net, [10.0, 10.0], [0.0])
    assert full_state(net) == before


# -- options ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("bias, names", [
    ("none", []),
    ("shared", ["dE/db1", "dE/db2"]),
    ("per_neuron", ["dE/db_h1", "dE/db_h2", "dE/db_h3", "dE/db_o1"]),
])
def test_bias_rows_follow_the_bias_mode(bias, names):
    net = NeuralNetwork([2, 3, 1], bias=bias, seed=2)
    report = gradcheck(net, [0.4, -0.7], [0.3])
    assert [r.name for r in report if r.name.startswith("dE/db")] == names
    assert report.ok


def test_weight_decay_is_part_of_the_objective():
    # Seed 002 prints W <- W - eta (delta n^T + W): weight decay with lambda = 1. dE/dw then
    # includes lambda * w, and the numeric value must too.
    net = seed002()
    report = gradcheck(net, [1.0, 2.0], [1.0], precise=True)
    report.assert_ok()
    # dE/dw1 = delta_h1 * x1 + 1.0 * w1, with w1 = 2 and x1 = 1 (exact algebra).
    assert report["dE/dw1"].exact == pytest.approx(report["delta_h1"].exact * 1.0 + 2.0, rel=1e-14)
    assert report["dE/dw1"].numeric == pytest.approx(2.0 + report["delta_h1"].numeric, rel=1e-8)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "identity",
                                        "softplus"])
@pytest.mark.parametrize("loss", ["half_squared_error", "squared_error", "mean_squared_error",
                                  "binary_cross_entropy"])
def test_every_activation_and_loss_passes_and_agrees_with_the_oracle(activation, loss):
    net = NeuralNetwork([3, 4, 2], activation=activation, output_activation="sigmoid", loss=loss,
                        seed=11)
    report = gradcheck(net, [0.3, -0.8, 0.55], [0.25, 0.8], precise=True, rtol=1e-12,
                       atol=1e-15)
    assert report.kinks == []
    report.assert_ok()
    assert report.worst < 1e-12


@pytest.mark.parametrize("bad, message", [
    (dict(eps=0), "eps must be greater than 0, got 0"),
    (dict(eps=float("nan")), "eps must be a finite real number, got nan"),
    (dict(rtol=-1e-5), "rtol must be at least 0, got -1e-05"),
    (dict(atol="1e-8"), "atol must be a finite real number, got '1e-8'"),
    (dict(eps=float("inf")), "eps must be a finite real number, got inf"),
    (dict(rtol=True), "rtol must be a finite real number, got True"),
    (dict(atol=-0.5), "atol must be at least 0, got -0.5"),
    (dict(precise="no"), "precise must be True or False, got 'no'"),
    (dict(precise=1), "precise must be True or False, got 1"),
    (dict(precise=None), "precise must be True or False, got None"),
])
def test_tolerances_are_checked(bad, message):
    with pytest.raises(ConfigurationError) as caught:
        gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, **bad)
    assert str(caught.value) == message


@pytest.mark.parametrize("net, message", [
    (None, "net must be a NeuralNetwork, got None"),
    (3, "net must be a NeuralNetwork, got 3 (type int)"),
    ("mazur", "net must be a NeuralNetwork, got 'mazur' (type str)"),
    ([[0.15, 0.2], [0.25, 0.3]], "net must be a NeuralNetwork, got [[0.15, 0.2], [0.25, 0.3]] "
                                 "(type list)"),
    ([[0.1] * 20], "net must be a NeuralNetwork, got an object of type list"),
])
def test_the_first_argument_must_be_a_network(net, message):
    with pytest.raises(ConfigurationError) as caught:
        gradcheck(net, MAZUR_INPUTS, MAZUR_TARGETS)
    assert str(caught.value) == message


# -- a step below the float spacing of the nudged value ------------------------------------------

def test_a_value_whose_spacing_exceeds_eps_is_stepped_relative_to_it():
    # Inputs 1e12: net_h1 = 0.15e12 + 0.2e12 + 0.35 lies in [2^38, 2^39), where floats are
    # 2^(38-52) = 2^-14 = 6.1e-5 apart, so net_h1 + 1e-6 == net_h1 (0/0 before this was
    # handled); net_h2 = 5.5e11 + 0.35 lies in [2^39, 2^40): spacing 2^-13. Such a value steps
    # by eps * |value|. Both sigmoids are saturated (out = 1.0 exactly), so
    # dout/dnet = out (1 - out) = 0 exactly, and 0 on both sides of the difference.
    report = gradcheck(mazur(), [1e12, 1e12], MAZUR_TARGETS)
    assert len(report) == 22 and report.ok
    stepped = {r.name: r for r in report if r.note}
    assert sorted(stepped) == ["delta_h1", "delta_h2", "dout/dnet_h1", "dout/dnet_h2"]
    for h in ("h1", "h2"):
        assert stepped[f"dout/dnet_{h}"].analytic == stepped[f"dout/dnet_{h}"].numeric == 0.0
    assert stepped["delta_h1"].step == pytest.approx(1e-6 * (3.5e11 + 0.35), rel=1e-15)
    assert stepped["delta_h2"].step == pytest.approx(1e-6 * (5.5e11 + 0.35), rel=1e-15)
    assert stepped["delta_h1"].note == ("eps = 1e-06 is below the float spacing of net_h1 = "
                                        "3.5e+11 (6.1e-05), so net_h1 + eps == net_h1; stepped "
                                        "by eps * |net_h1| = 3.5e+05 instead")
    assert all(r.step == 1e-6 for r in report if not r.note)
    lines = str(report).splitlines()
    assert lines[1].endswith("with h = eps = 1e-06, or eps * |v| where noted")
    assert lines[-2:] == [
        "dout/dnet_h1, delta_h1: " + stepped["delta_h1"].note,
        "dout/dnet_h2, delta_h2: eps = 1e-06 is below the float spacing of net_h2 = 5.5e+11 "
        "(0.00012), so net_h2 + eps == net_h2; stepped by eps * |net_h2| = 5.5e+05 instead"]
    precise = gradcheck(mazur(), [1e12, 1e12], MAZUR_TARGETS, precise=True)
    assert precise.ok and precise["delta_h1"].exact == 0.0


def test_a_huge_weight_is_stepped_relative_to_it_and_every_other_row_still_checked():
    # 1e300 has a float spacing of 2^944 (it lies in [2^996, 2^997)). net_o1 = 1e300 * out_h1 +
    # ... saturates the sigmoid (out_o1 = 1.0 exactly), so dE/dw5 = delta_o1 * out_h1 = 0.
    net = mazur()
    net["w5"] = 1e300
    report = gradcheck(net, MAZUR_INPUTS, MAZUR_TARGETS)
    assert len(report) == 22 and report.ok
    row = report["dE/dw5"]
    assert (row.step, row.analytic, row.numeric, row.status) == (1e-6 * 1e300, 0.0, 0.0, "ok")
    assert sorted(r.name for r in report if r.note) == ["dE/dw5", "delta_o1", "dout/dnet_o1"]
    assert report["dE/dw1"].step == 1e-6 and report["dE/dw1"].note is None
    assert gradcheck(net, MAZUR_INPUTS, MAZUR_TARGETS, precise=True).ok


def test_a_relative_step_checks_a_huge_gradient():
    # E = (t - w x)^2 / 2 with w = 1e40, x = 1, t = 0: dE/dw = dE/dout = delta = w x - t = 1e40.
    # w's spacing is 2^80 = 1.2e24, so w steps by 1e-6 * 1e40 = 1e34; the central difference of
    # a quadratic has no truncation error: ((w + h)^2 - (w - h)^2) / 2 / 2h = w.
    net = NeuralNetwork.from_weights([[[1e40]]], activation="identity", bias="none")
    report = gradcheck(net, [1.0], [0.0])
    assert report.ok and [r.name for r in report if not r.note] == []
    assert report["dE/dw1"].numeric == pytest.approx(1e40, rel=1e-9)
    # The Decimal oracle's own step, 1e-20, would vanish beside 1e40 at 50 digits (exact = 0);
    # it grows to 1e40 * 1e-30 = 1e10, which keeps 20 digits.
    precise = gradcheck(net, [1.0], [0.0], precise=True)
    assert precise["dE/dw1"].exact == 1e40 and precise["dE/dout_o1"].exact == 1e40
    assert precise.ok


@pytest.mark.parametrize("eps, quantity", [
    # Mazur's w1 = 0.15 lies in [2^-3, 2^-2): spacing 2^-55 = 2.8e-17, so 1e-300 vanishes.
    (1e-300, "w1 = 0.15 has spacing 2.8e-17, so w1 + eps == w1"),
    # 5e-17 survives beside w1..w6 (spacing at most 2^-54 = 5.6e-17: half is 2.8e-17) but not
    # beside w8 = 0.55 in [2^-1, 1): spacing 2^-53 = 1.1e-16, half 5.6e-17; nor beside
    # 0.55 * 5e-17. (w7 = 0.5 = 2^-1 moves downwards, where the spacing is 2^-54.)
    (5e-17, "w8 = 0.55 has spacing 1.1e-16, so w8 + eps == w8"),
])
def test_an_eps_lost_in_rounding_is_a_configuration_error(eps, quantity):
    with pytest.raises(ConfigurationError) as caught:
        gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, eps=eps)
    assert str(caught.value) == (
        f"eps must be more than half the float spacing of the values it nudges, got {eps:g}: "
        f"{quantity}; use an eps of about 1e-6 (the default)")


def test_an_overflowed_value_fails_its_rows_and_says_why():
    # w5 = w6 = 1.7e308: net_o1 = 1.7e308 (out_h1 + out_h2) + 0.6 with out_h1 + out_h2 = 1.19
    # (Mazur) exceeds the largest float, 1.8e308: inf. No central difference exists around it
    # (before: a silent nan, and with --precise a decimal.InvalidOperation).
    net = mazur()
    net["w5"] = net["w6"] = 1.7e308
    for precise in (False, True):
        report = gradcheck(net, MAZUR_INPUTS, MAZUR_TARGETS, precise=precise)
        assert [r.name for r in report.failures] == ["dout/dnet_o1", "delta_o1"]
        row = report["delta_o1"]
        assert math.isnan(row.numeric) and row.rel_error == math.inf
        assert row.note == ("net_o1 = inf in the forward pass of this sample (an overflow), so "
                            "no central difference can be taken there")
        assert report["delta_o2"].status == "ok"


def test_an_error_that_overflows_at_the_nudge_fails_the_row():
    # E = (w x)^2 / 2 with w = 1e154, x = 1, t = 0: the step 0.9 * 1e154 (relative, as 0.9 is
    # below w's spacing) makes E(w + h) = (1.9e154)^2 / 2 = 1.8e308 > 1.797e308: inf, and the
    # difference is inf. That once passed ("inf <= inf"); now the row fails and says why.
    net = NeuralNetwork.from_weights([[[1e154]]], activation="identity", bias="none")
    report = gradcheck(net, [1.0], [0.0], eps=0.9)
    assert [r.name for r in report.failures] == ["dE/dw1", "dE/dout_o1", "delta_o1"]
    assert report["dE/dw1"].note.endswith(
        "; E(v + h) - E(v - h) is inf for w1 = 1e+154 and h = 9e+153: the forward pass "
        "overflows there")
    assert report["dout/dnet_o1"].status == "ok"  # f(net) = net does not overflow
    # The Decimal oracle does not overflow: judged against it, every row passes.
    assert gradcheck(net, [1.0], [0.0], eps=0.9, precise=True).ok


def test_a_stepped_row_that_fails_says_why_in_the_failure(monkeypatch):
    net = mazur()
    net["w5"] = 1e300
    # a wrong dE/dw5 where the true one is 0 (see the test of a huge weight above)
    corrupt_after_the_pass(monkeypatch, lambda net: net["o1"].dE_dw.__setitem__(0, 1e-3))
    report = gradcheck(net, MAZUR_INPUTS, MAZUR_TARGETS)
    assert [r.name for r in report.failures] == ["dE/dw5"]
    with pytest.raises(GradientCheckError) as caught:
        report.assert_ok()
    assert str(caught.value).endswith(
        "\ndE/dw5: eps = 1e-06 is below the float spacing of w5 = 1e+300 (1.5e+284), so "
        "w5 + eps == w5; stepped by eps * |w5| = 1e+294 instead")


# -- kinks -------------------------------------------------------------------------------------------

def relu_net_with_h1_at_its_kink():
    # net_h1 = 0.5 * 1 - 0.5 * 1 + 0 = 0 exactly: ReLU's kink.
    return NeuralNetwork.from_weights([[[0.5, -0.5], [0.3, 0.2]], [[0.7, -0.4]]],
                                      [[0.0, 0.1], [0.2]], activation="relu",
                                      output_activation="sigmoid")


@pytest.mark.parametrize("activation", ["relu", "leaky_relu"])
def test_a_nudge_across_a_kink_is_flagged_not_failed(activation):
    net = relu_net_with_h1_at_its_kink()
    if activation == "leaky_relu":
        net = NeuralNetwork.from_weights([[[0.5, -0.5], [0.3, 0.2]], [[0.7, -0.4]]],
                                         [[0.0, 0.1], [0.2]], activation="leaky_relu",
                                         output_activation="sigmoid")
    report = gradcheck(net, [1.0, 1.0], [1.0])
    # Everything that moves net_h1 straddles the kink; perturbing out_h1 does not.
    assert [r.name for r in report.kinks] == ["dE/dw1", "dE/dw2", "dE/db_h1", "dout/dnet_h1",
                                              "delta_h1"]
    assert report.ok
    report.assert_ok()
    # The one-sided derivative differs from the central difference there (not a bug).
    assert report["dout/dnet_h1"].analytic != pytest.approx(report["dout/dnet_h1"].numeric)
    assert "kink" in str(report)


def test_relu_away_from_its_kink_has_no_kink_rows():
    report = gradcheck(relu_net_with_h1_at_its_kink(), [1.0, 0.9], [1.0])
    assert report.kinks == [] and report.ok


def test_a_saturated_output_under_cross_entropy_keeps_exact_gradients():
    # sigmoid(40) rounds to 1.0. Cross-entropy is computed from net (as BCEWithLogits): with
    # t = 0, E = softplus(w1 x) = 40 + e^-40 (40.0 in floating point), delta = out - t = 1 and
    # dE/dw1 = x * sigmoid(40) = 1: exact algebra, where the old clipped form gave E = 27.6.
    net = NeuralNetwork.from_weights([[[40.0]]], bias="none", loss="binary_cross_entropy")
    assert net.train([1.0], [0.0]) == 40.0
    assert net["o1"].delta == 1.0 and net["o1"].dE_dw == [1.0]
    net = NeuralNetwork.from_weights([[[40.0]]], bias="none", loss="binary_cross_entropy")
    report = gradcheck(net, [1.0], [0.0])
    assert report["dE/dw1"].analytic == 1.0
    assert report["dE/dw1"].numeric == pytest.approx(1.0, rel=1e-6)


# -- mutation checks: a corrupted derivative is named, and only it -------------------------------

def corrupt_after_the_pass(monkeypatch, corrupt):
    real = propagation.gradients

    def gradients(net, x, targets):
        E = real(net, x, targets)
        corrupt(net)
        return E

    monkeypatch.setattr(propagation, "gradients", gradients)


@pytest.mark.parametrize("name, corrupt", [
    ("dE/dw6", lambda net: net["o1"].dE_dw.__setitem__(1, net["o1"].dE_dw[1] * 1.001)),
    ("dE/dw1", lambda net: net["h1"].dE_dw.__setitem__(0, net["h1"].dE_dw[0] + 1e-6)),
    ("dE/db2", lambda net: setattr(net.layers[1], "dE_db", net.layers[1].dE_db + 1e-4)),
    ("delta_h1", lambda net: setattr(net["h1"], "delta", -net["h1"].delta)),
    ("dE/dout_h2", lambda net: setattr(net["h2"], "dE_dout", net["h2"].dE_dout * 0.99)),
    ("dout/dnet_o2", lambda net: setattr(net["o2"], "dout_dnet", 0.25)),
])
def test_a_corrupted_partial_is_the_only_failure(monkeypatch, name, corrupt):
    corrupt_after_the_pass(monkeypatch, corrupt)
    report = gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS)
    assert [r.name for r in report.failures] == [name]
    assert not report.ok
    with pytest.raises(GradientCheckError) as caught:
        report.assert_ok()
    message = str(caught.value)
    assert isinstance(caught.value, AssertionError)
    assert message.splitlines()[0] == f"gradient check failed for 1 of 22 quantities: {name}"
    assert "rtol=1e-05, atol=1e-08" in message and "h = eps = 1e-06" in message
    table = message.splitlines()[2:]
    assert table[0].split() == ["name", "analytic", "numeric", "difference"]
    assert [line.split()[0] for line in table[1:]] == [name]


def test_a_wrong_activation_derivative_is_traced_to_dout_dnet(monkeypatch):
    # A hidden-layer f' 10 % too large: dout/dnet is wrong, and everything computed from it
    # (delta, dE/dw, dE/db of that layer), but not dE/dout, which comes from the layer above.
    net = mazur()
    hidden = net.layers[0]
    sigmoid = hidden.activation
    hidden.activation = dataclasses.replace(sigmoid, df=lambda x, out: 1.1 * out * (1.0 - out))
    report = gradcheck(net, MAZUR_INPUTS, MAZUR_TARGETS)
    assert sorted(r.name for r in report.failures) == sorted(
        ["dE/dw1", "dE/dw2", "dE/dw3", "dE/dw4", "dE/db1", "dout/dnet_h1", "delta_h1",
         "dout/dnet_h2", "delta_h2"])
    assert report["dE/dout_h1"].status == "ok"


# -- the report --------------------------------------------------------------------------------------

def test_the_table_is_aligned_and_states_the_tolerances():
    report = gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, rtol=1e-6, atol=1e-9)
    lines = str(report).splitlines()
    assert lines[0].startswith("gradient check: 22 quantities, 22 ok, 0 at a kink, 0 FAIL")
    assert lines[1] == ("a row fails when |analytic - numeric| > atol + rtol * |numeric| "
                        "(rtol=1e-06, atol=1e-09); numeric = (E(v+h) - E(v-h)) / 2h "
                        "with h = eps = 1e-06")
    table = lines[2:]
    assert table[0].split() == ["name", "analytic", "numeric", "abs", "error", "rel", "error",
                                "status"]
    assert len(table) == 23
    assert len({len(line) for line in table}) == 1  # right-aligned columns: equal widths
    assert table[6].split()[0] == "dE/dw5" and table[6].split()[-1] == "ok"
    assert repr(report).startswith("<GradientReport ok=True rows=22 failures=0 worst=")


@pytest.mark.parametrize("name, first_line", [
    ("dE/dw9", "no row is named 'dE/dw9'; did you mean dE/dw8, dE/dw7, dE/dw6?"),
    ("w5", "no row is named 'w5'; did you mean dE/dw5?"),
    ("h1", "no row is named 'h1'; did you mean dE/dout_h1, dout/dnet_h1, delta_h1?"),
    ("nope", "no row is named 'nope'"),
])
def test_an_unknown_row_name_suggests_close_ones(name, first_line):
    report = gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS)
    with pytest.raises(UnknownNameError) as caught:
        report[name]
    assert isinstance(caught.value, KeyError)
    lines = str(caught.value).splitlines()
    assert lines[0] == first_line
    assert lines[1] == "rows: " + ", ".join(r.name for r in report)


def test_worst_is_the_largest_relative_error():
    report = gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS)
    assert report.worst == max(r.rel_error for r in report)
    for r in report:
        assert r.abs_error == abs(r.analytic - r.numeric)
        assert r.rel_error == pytest.approx(r.abs_error / max(abs(r.analytic), abs(r.numeric)))


# -- precise=True: truncation and rounding, separated ------------------------------------------------

def test_precise_columns_split_the_numeric_error():
    report = gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, precise=True)
    assert isinstance(report, GradientReport) and report.precise
    header = str(report).splitlines()[2].split()
    assert header[:6] == ["name", "analytic", "numeric", "exact", "truncation", "rounding"]
    for r in report:
        # numeric - exact = truncation + rounding (by construction; the float subtraction on
        # the left rounds to a unit in the last place of the values)
        assert r.numeric - r.exact == pytest.approx(r.truncation + r.rounding,
                                                    abs=2.3e-16 * abs(r.exact))
        # the analytic backward pass is exact to a few units in the last place
        assert abs(r.analytic - r.exact) <= 1e-15 * abs(r.exact), r.name
    # Mazur's printed figures, from the oracle
    for name, printed in MAZUR_PRINTED.items():
        assert abs(report[name].exact - printed) <= half_unit(printed), name


def test_truncation_error_shrinks_as_h_squared_and_rounding_error_grows_as_1_over_h():
    coarse = gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, eps=1e-2, precise=True)["dE/dw5"]
    finer = gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, eps=1e-3, precise=True)["dE/dw5"]
    tiny = gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, eps=1e-10, precise=True,
                     rtol=1e-3)["dE/dw5"]
    assert coarse.truncation / finer.truncation == pytest.approx(100, rel=0.01)
    assert abs(coarse.truncation) > 1e3 * abs(coarse.rounding)
    assert abs(tiny.rounding) > 1e3 * abs(tiny.truncation)


def test_precise_needs_a_known_activation():
    net = mazur()
    net.layers[0].activation = dataclasses.replace(net.layers[0].activation, name="swish")
    with pytest.raises(ConfigurationError, match="no Decimal version of 'swish'"):
        gradcheck(net, MAZUR_INPUTS, MAZUR_TARGETS, precise=True)


@pytest.mark.parametrize("x", [-800.0, -200.0, -30.0, -1.5, -1e-9, 0.0, 1e-9, 0.7, 25.0, 800.0])
def test_decimal_activations_match_the_textbook_formulas(x):
    import decimal

    with decimal.localcontext() as context:
        context.prec = 50
        d = decimal.Decimal(x)
        got = {name: float(f(d)) for name, f in _DECIMAL_ACTIVATIONS.items()}
    sig = 1 / (1 + math.exp(-x)) if x > -700 else 0.0
    assert got["sigmoid"] == pytest.approx(sig, rel=1e-15, abs=1e-300)
    assert got["tanh"] == pytest.approx(math.tanh(x), rel=1e-15)
    assert got["relu"] == max(x, 0.0)
    assert got["leaky_relu"] == (x if x > 0 else 0.01 * x)
    assert got["identity"] == x
    # softplus = log(1 + e^x); for x << 0 it equals e^x to first order (the series path)
    expected = math.log1p(math.exp(x)) if x < 30 else x + math.log1p(math.exp(-x))
    assert got["softplus"] == pytest.approx(expected, rel=1e-15, abs=1e-320)


def test_decimal_losses_match_the_formulas():
    import decimal

    t, o = decimal.Decimal("0.25"), decimal.Decimal("0.75")
    assert _DECIMAL_LOSSES["half_squared_error"](t, o, 2) == decimal.Decimal("0.125")
    assert _DECIMAL_LOSSES["squared_error"](t, o, 2) == decimal.Decimal("0.25")
    assert _DECIMAL_LOSSES["mean_squared_error"](t, o, 2) == decimal.Decimal("0.125")
    bce = float(_DECIMAL_LOSSES["binary_cross_entropy"](t, o, 2))
    assert bce == pytest.approx(-(0.25 * math.log(0.75) + 0.75 * math.log(0.25)), rel=1e-15)


def test_neuron_and_layer_are_plain_objects_for_the_snapshot():
    # The snapshot in the tests above relies on vars(); make sure the objects have no slots.
    assert hasattr(Neuron("h1", [0.1]), "__dict__")
    assert hasattr(NeuronLayer([], None), "__dict__")
