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
    # _steps: the compiled steps the network keeps (neurosim.engine.compiled), not its state
    return [(id(obj), sorted((name, describe(v)) for name, v in vars(obj).items()
                             if name != "_steps"))
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
        "dE/dw5", "dE/dw6", "dE/dw7", "dE/dw8", "dE/db2"] + neuron_rows + ["dE/di1", "dE/di2"]
    assert len(report) == 24


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


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "bipolar_sigmoid", "relu", "leaky_relu", "identity",
                                        "softplus"])
@pytest.mark.parametrize("loss", ["half_squared_error", "squared_error", "mean_squared_error",
                                  "binary_cross_entropy"])
def test_every_activation_and_loss_passes_and_agrees_with_the_oracle(activation, loss):
    net = NeuralNetwork([3, 4, 2], activation=activation, output_activation="sigmoid", loss=loss,
                        seed=11)
    report = gradcheck(net, [0.3, -0.8, 0.55], [0.25, 0.8], precise=True, rtol=1e-12,
                       atol=1e-15)
    assert report.kinks == [] and report.unresolved == []
    report.assert_ok()
    assert max(r.rel_error for r in report) < 1e-12     # the backward pass, to rounding
    assert report.worst <= 1.0                          # no row beyond its tolerance


@pytest.mark.parametrize("bad, message", [
    (dict(eps=0), "eps must be greater than 0, got 0"),
    (dict(eps=float("nan")), "eps must be a finite real number, got nan"),
    (dict(rtol=-1e-5), "rtol must be at least 0, got -1e-05"),
    (dict(atol="1e-8"), "atol must be a number, got the text '1e-8'\n"
                        "write it without quotes, e.g. atol=1e-6"),
    (dict(eps=float("inf")), "eps must be a finite real number, got inf"),
    (dict(rtol=True), "rtol must be a finite real number, got True"),
    (dict(atol=-0.5), "atol must be at least 0, got -0.5"),
    (dict(precise="no"), "precise must be True or False, got 'no'"),
    (dict(precise=1), "precise must be True or False, got 1"),
    (dict(precise=None), "precise must be True or False, got None"),
    # an int beyond the floats (before: a bare OverflowError from math.isfinite)
    (dict(eps=10 ** 400), "eps must be a finite real number, got an integer of 401 digits "
                          "(beyond the largest float, 1.8e308)"),
    (dict(rtol=-10 ** 400), "rtol must be a finite real number, got an integer of 401 digits "
                            "(beyond the largest float, 1.8e308)"),
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


# -- the step: eps * max(1, |v|) ------------------------------------------------------------------

def test_the_step_is_relative_to_a_value_beyond_1():
    # net_o1 = w5 out_h1 + w6 out_h2 + b2 = 1.1059 (Mazur): delta_o1 steps by 1e-6 * 1.1059;
    # w5 = 0.4 steps by 1e-6.
    report = gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS)
    net_o1 = 0.4 * 0.593269992 + 0.45 * 0.596884378 + 0.6
    assert report["delta_o1"].step == pytest.approx(1e-6 * net_o1, rel=1e-8)
    assert report["dE/dw5"].step == 1e-6


def test_saturated_units_are_unresolved_not_failed_and_precise_resolves_them():
    # Inputs 113: net_h1 = 0.15 * 113 + 0.2 * 113 + 0.35 = 39.9 and net_h2 = 0.25 * 113 + 0.3
    # * 113 + 0.35 = 62.5: out_h1 = 1 - 4.7e-18 rounds to 1.0, and f'(net_h1) = e^-39.9 =
    # 4.7e-18, below what a difference of out can resolve (its rounding is about u / h).
    # Everything through h1 and h2 is as small: "unresolved", not failed. The Decimal oracle
    # resolves them (exact derivatives to about 1e-30 |E|).
    report = gradcheck(mazur(), [113.0, 113.0], MAZUR_TARGETS)
    assert report.ok and report.failures == []
    unresolved = [r.name for r in report.unresolved]
    assert unresolved == ["dE/dw1", "dE/dw2", "dE/dw3", "dE/dw4", "dE/db1", "dout/dnet_h1",
                          "delta_h1", "dout/dnet_h2", "delta_h2", "dE/di1", "dE/di2"]
    for name in unresolved:
        row = report[name]
        assert abs(row.analytic) < 1e-16 and abs(row.numeric) < 1e-16, name
        assert row.note.endswith("the derivative is below what differences resolve here "
                                 f"(estimate {row.estimate:.1e}, over 1% of it); precise=True "
                                 "resolves it")
    assert "11 unresolved" in str(report).splitlines()[0]
    precise = gradcheck(mazur(), [113.0, 113.0], MAZUR_TARGETS, precise=True)
    assert precise.ok and precise.unresolved == [] and precise.kinks == []
    row = precise["dout/dnet_h1"]   # the sigmoid's derivative at 39.9, e^-39.9 (1 - e^-39.9)
    assert row.status == "ok" and row.exact == pytest.approx(math.exp(-39.9), rel=1e-12)


def test_a_derivative_too_small_to_matter_is_resolved_as_zero_by_the_oracle():
    # Inputs 1e12: net_h1 = 3.5e11 (float spacing 6.1e-5: the old absolute step divided 0 by
    # 0 here) and f'(net_h1) = e^-3.5e11, which no float holds: every partial through h1 is 0.
    # The oracle bounds the derivative by ~1e-30, far below u |E| / max(1, |v|) (3e-17, a
    # derivative that could not move E's last digit): 0 is right, and the row is ok.
    floats = gradcheck(mazur(), [1e12, 1e12], MAZUR_TARGETS)
    assert floats.ok and len(floats.unresolved) == 11
    report = gradcheck(mazur(), [1e12, 1e12], MAZUR_TARGETS, precise=True)
    assert report.ok and report.unresolved == []
    row = report["delta_h1"]
    assert row.analytic == row.exact == 0.0 and row.estimate < 1e-20 and row.status == "ok"


def test_a_huge_weight_is_stepped_relative_to_it_and_every_other_row_still_checked():
    # 1e300 has a float spacing of 2^944 (it lies in [2^996, 2^997)), so w5 steps by 1e-6 *
    # 1e300. net_o1 = 1e300 * out_h1 + ... saturates the sigmoid (out_o1 = 1.0 exactly), so
    # dE/dw5 = delta_o1 * out_h1 = 0 in floats: unresolved, as is everything through o1.
    net = mazur()
    net["w5"] = 1e300
    report = gradcheck(net, MAZUR_INPUTS, MAZUR_TARGETS)
    assert len(report) == 24 and report.ok
    row = report["dE/dw5"]
    assert (row.analytic, row.numeric, row.status) == (0.0, 0.0, "unresolved")
    assert row.step >= 1e-6 * 1e300
    assert [r.name for r in report.unresolved] == ["dE/dw5", "dE/dw6", "dout/dnet_o1",
                                                   "delta_o1"]
    assert report["dE/dw1"].step == 1e-6 and report["dE/dw1"].status == "ok"
    assert gradcheck(net, MAZUR_INPUTS, MAZUR_TARGETS, precise=True).ok


def test_a_relative_step_checks_a_huge_gradient():
    # E = (t - w x)^2 / 2 with w = 1e40, x = 1, t = 0: dE/dw = dE/dout = delta = w x - t = 1e40.
    # w's spacing is 2^80 = 1.2e24, so an absolute step of 1e-6 is lost; the step is
    # 1e-6 * 1e40 = 1e34, and a central difference of a quadratic has no truncation error:
    # ((w + h)^2 - (w - h)^2) / 2 / 2h = w.
    net = NeuralNetwork.from_weights([[[1e40]]], activation="identity", bias="none")
    report = gradcheck(net, [1.0], [0.0])
    assert report.ok and [r.status for r in report] == ["ok"] * 5   # dE/dw1 ... dE/di1
    assert report["dE/dw1"].step == 1e34
    assert report["dE/dw1"].numeric == pytest.approx(1e40, rel=1e-9)
    # The Decimal oracle's own step, 1e-20, would vanish beside 1e40 at 50 digits (exact = 0);
    # it grows to 1e40 * 1e-30 = 1e10, which keeps 20 digits.
    precise = gradcheck(net, [1.0], [0.0], precise=True)
    assert precise["dE/dw1"].exact == 1e40 and precise["dE/dout_o1"].exact == 1e40
    assert precise.ok


@pytest.mark.parametrize("eps, quantity", [
    # Mazur's w1 = 0.15 lies in [2^-3, 2^-2): spacing 2^-55 = 2.8e-17, so 1e-300 vanishes.
    (1e-300, "w1 = 0.15 has spacing 2.8e-17, so w1 + eps * max(1, |w1|) == w1"),
    # 5e-17 survives beside w1..w6 (spacing at most 2^-54 = 5.6e-17: half is 2.8e-17) but not
    # beside w8 = 0.55 in [2^-1, 1): spacing 2^-53 = 1.1e-16, half 5.6e-17. (w7 = 0.5 = 2^-1
    # moves downwards, where the spacing is 2^-54.)
    (5e-17, "w8 = 0.55 has spacing 1.1e-16, so w8 + eps * max(1, |w8|) == w8"),
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


def test_a_step_whose_error_overflows_is_shrunk_until_it_does_not():
    # E = (w x)^2 / 2 with w = 1e154, x = 1, t = 0, eps = 0.9: the step 0.9e154 makes
    # E(w + 2h) = (2.8e154)^2 / 2 = 3.9e308 > 1.797e308: inf. (Before: "inf <= inf" passed;
    # then the row failed.) Such a stencil is skipped; h/4 keeps E finite and checks the row:
    # dE/dw = w x^2 = 1e154 exactly, and a quadratic has no truncation error.
    net = NeuralNetwork.from_weights([[[1e154]]], activation="identity", bias="none")
    report = gradcheck(net, [1.0], [0.0], eps=0.9)
    assert report.ok and [r.status for r in report] == ["ok"] * 5
    row = report["dE/dw1"]
    assert row.step == 0.9e154 / 4 and row.numeric == pytest.approx(1e154, rel=1e-12)
    assert row.note == f"judged at h = {0.9e154 / 4:.2g}, where the estimate is smallest"
    assert gradcheck(net, [1.0], [0.0], eps=0.9, precise=True).ok


def test_no_step_at_all_is_unresolved_with_the_reason():
    # eps = 1e300 on w = 1e10: every stencil from w +- 2e310 (inf) down to w +- 2e310 / 4^12
    # overflows E = (w x)^2 / 2; no difference can be taken, which is no evidence of a bug.
    net = NeuralNetwork.from_weights([[[1e10]]], activation="identity", bias="none")
    row = gradcheck(net, [1.0], [0.0], eps=1e300)["dE/dw1"]
    assert row.status == "unresolved"
    assert row.note.startswith("no difference around w1 = 1e+10 could be taken at any step")


def test_a_failing_row_at_a_huge_weight_is_named(monkeypatch):
    net = mazur()
    net["w5"] = 1e300
    # a wrong dE/dw5 where the true one is 0 (see the test of a huge weight above): E does not
    # move at all when w5 does, so any value beyond the rounding bound fails
    corrupt_after_the_pass(monkeypatch, lambda net: net["o1"].dE_dw.__setitem__(0, 1e-3))
    report = gradcheck(net, MAZUR_INPUTS, MAZUR_TARGETS)
    assert [r.name for r in report.failures] == ["dE/dw5"]
    assert report["dE/dw5"].numeric == 0.0 and report["dE/dw5"].tolerance < 1e-300
    with pytest.raises(GradientCheckError) as caught:
        report.assert_ok()
    assert str(caught.value).splitlines()[0] == (
        "gradient check failed for 1 of 24 quantities: dE/dw5")


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
                                              "delta_h1", "dE/di1", "dE/di2"]
    assert report.ok
    report.assert_ok()
    # The one-sided derivative differs from the central difference there (not a bug).
    row = report["dout/dnet_h1"]
    assert row.analytic != pytest.approx(row.numeric)
    slope = 1.0 if activation == "relu" else 0.01   # below the kink: 0, or the leak
    assert (row.left, row.right) == (pytest.approx(1 - slope if activation == "relu" else 0.01),
                                     pytest.approx(1.0))
    assert row.analytic == row.left                   # neurosim's f'(0): the left derivative
    assert row.note == (f"E is not differentiable within 2h of net_h1: one-sided derivatives "
                        f"{row.left:.6g} (left) and {row.right:.6g} (right); the analytic value "
                        f"is one of them or between them")
    assert "kink" in str(report)


def test_a_wrong_derivative_at_a_kink_fails(monkeypatch):
    # At leaky ReLU's kink the one-sided slopes of f are 0.01 and 1; a dout/dnet of -0.01 (the
    # leak with its sign flipped) agrees with neither and lies outside them: FAIL, not "kink".
    net = NeuralNetwork.from_weights([[[0.5, -0.5], [0.3, 0.2]], [[0.7, -0.4]]],
                                     [[0.0, 0.1], [0.2]], activation="leaky_relu",
                                     output_activation="sigmoid")
    corrupt_after_the_pass(monkeypatch, lambda net: setattr(net["h1"], "dout_dnet", -0.01))
    report = gradcheck(net, [1.0, 1.0], [1.0])
    assert [r.name for r in report.failures] == ["dout/dnet_h1"]
    assert report["dout/dnet_h1"].note.endswith(
        "the analytic value agrees with neither nor lies between them")


def test_several_kinks_at_once_are_kinks_not_failures():
    # Inputs 0 and no biases: every net is exactly 0, every ReLU at its kink. Nudging a weight
    # of the first layer moves net_h1 and then both output nets across their kinks at once:
    # the slope between the kinks (what the analytic value is) cannot be measured.
    net = NeuralNetwork.from_weights([[[0.5, -0.5], [0.3, 0.2]], [[0.7, -0.4], [-0.6, 0.9]]],
                                     activation="relu", bias="none")
    report = gradcheck(net, [0.0, 0.0], [1.0, -1.0])
    assert report.ok
    assert {r.status for r in report} <= {"ok", "kink", "unresolved"}
    several = [r for r in report.kinks if "kinks lie within 2h" in r.note]
    assert several, str(report)


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
    assert report.ok and report.failures == []


def test_cross_entropy_dE_dout_is_checked_through_the_change_of_out():
    # E is computed from net, so it does not read out: dE/dout = (out - t) / f'(net) is
    # checked as (E(net + d) - E(net - d)) / (out(net + d) - out(net - d)). At net = 20,
    # dE/dout = 1 / (1 - out) = e^20 (1 + e^-20) = 4.85e8 (t = 0, exact algebra).
    net = NeuralNetwork.from_weights([[[20.0]]], bias="none", loss="binary_cross_entropy")
    report = gradcheck(net, [1.0], [0.0])
    row = report["dE/dout_o1"]
    assert row.status == "ok" and row.analytic == pytest.approx(math.exp(20) + 1, rel=1e-9)
    assert row.numeric == pytest.approx(row.analytic, rel=1e-4)
    # At net = 40 out rounds to 1.0 and does not move: nothing to measure in floats, but the
    # 50-digit oracle resolves it (dE/dout = e^40 + 1 = 2.35e17).
    net["w1"] = 40.0
    assert gradcheck(net, [1.0], [0.0])["dE/dout_o1"].status == "unresolved"
    row = gradcheck(net, [1.0], [0.0], precise=True)["dE/dout_o1"]
    assert row.status == "ok" and row.exact == pytest.approx(math.exp(40) + 1, rel=1e-9)
    # At net = 800 f'(net) underflows: dE/dout is not defined in floats (None), not checked.
    net["w1"] = 800.0
    row = gradcheck(net, [1.0], [0.0])["dE/dout_o1"]
    assert (row.analytic, row.status) == (None, "unresolved")
    assert row.note == ("the analytic value is not defined in floating point (None): nothing "
                        "to check")


# -- the cases of the trust issue: no false FAIL, no false ok ------------------------------------

def test_a_sign_flipped_dE_dout_fails_when_the_output_is_3e_9_from_its_target():
    # Before, |t - o| = 3e-9 was within atol = 1e-8, and a flipped dE/dout = t - o passed as
    # "ok". E = (t - o)^2 / 2 is a quadratic in out: its differences have no truncation error
    # and a rounding error near u E / h = 1e-33, far below 3e-9.
    net = mazur()
    out = net.feed_forward(MAZUR_INPUTS)
    targets = [out[0] + 3e-9, out[1] - 3e-9]
    right = gradcheck(net, MAZUR_INPUTS, targets)
    assert right.ok and right.unresolved == []
    assert right["dE/dout_o1"].analytic == pytest.approx(-3e-9, rel=1e-6)
    half = net.loss
    net.loss = dataclasses.replace(half, dE_dout=lambda t, o, n: t - o)
    flipped = gradcheck(net, MAZUR_INPUTS, targets)
    assert {"dE/dout_o1", "dE/dout_o2", "delta_o1", "delta_o2", "dE/dw5"} <= {
        r.name for r in flipped.failures}
    row = flipped["dE/dout_o1"]
    assert row.numeric == pytest.approx(-3e-9, rel=1e-6) and row.tolerance < 1e-13


def test_a_wrong_derivative_where_the_error_is_clipped_flat_fails():
    # Cross-entropy as it was: E_o and dE/dout from a clipped out (neither from net). sigmoid(40)
    # rounds to 1.0, clipped to 1 - 1e-12, where E is flat. Before, every row that moved out
    # there was a "kink" and passed, a sign-flipped dE/dout too. Now: the flat E has slope 0
    # on both sides, and a dE/dout of -1e12 (or the clipped formula's +1e12, which is the slope
    # of no side either) fails.
    old = dataclasses.replace(NeuralNetwork([1, 1], loss="binary_cross_entropy").loss,
                              error_net=None, dE_dout_net=None, delta=None)
    flipped = dataclasses.replace(old, dE_dout=lambda t, o, n: -old.dE_dout(t, o, n))
    # (delta = dE/dout * f'(40) = +-1e12 * 4.2e-18 is then not 0 either, nor is dE/dw1.)
    for loss in (flipped, old):
        net = NeuralNetwork.from_weights([[[40.0]]], bias="none", loss=loss)
        report = gradcheck(net, [1.0], [0.0])
        # (dE/di1 = delta_o1 * w1 carries the wrong delta too)
        assert [r.name for r in report.failures] == ["dE/dw1", "dE/dout_o1", "delta_o1",
                                                     "dE/di1"]
        assert report.kinks == []
        row = report["dE/dout_o1"]
        assert row.numeric == 0.0 and abs(row.analytic) > 1e11
    # With the output a little inside the clipped margin (net = 20, 1 - out = 2e-9), the same
    # flipped derivative fails everywhere it enters, and the right one passes.
    net = NeuralNetwork.from_weights([[[20.0]]], bias="none", loss=old)
    assert gradcheck(net, [1.0], [0.0]).ok
    net.loss = flipped
    assert {"dE/dout_o1", "delta_o1", "dE/dw1", "dE/di1"} == {r.name for r in
                                                    gradcheck(net, [1.0], [0.0]).failures}


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
    lines = message.splitlines()
    assert lines[0] == f"gradient check failed for 1 of 24 quantities: {name}"
    assert "(rtol=1e-05, atol=0)" in lines[1] and "eps = 1e-06" in lines[2]
    assert lines[3].split() == ["name", "analytic", "numeric", "difference", "tolerance"]
    assert lines[4].split()[0] == name
    row = report[name]
    assert row.abs_error > row.tolerance and row.score > 1
    assert float(lines[4].split()[-1]) == pytest.approx(row.tolerance, rel=0.05)


def test_a_wrong_activation_derivative_is_traced_to_dout_dnet(monkeypatch):
    # A hidden-layer f' 10 % too large: dout/dnet is wrong, and everything computed from it
    # (delta, dE/dw, dE/db of that layer, dE/di below it), but not dE/dout, which comes from
    # the layer above.
    net = mazur()
    hidden = net.layers[0]
    sigmoid = hidden.activation
    hidden.activation = dataclasses.replace(sigmoid, df=lambda x, out: 1.1 * out * (1.0 - out))
    report = gradcheck(net, MAZUR_INPUTS, MAZUR_TARGETS)
    assert sorted(r.name for r in report.failures) == sorted(
        ["dE/dw1", "dE/dw2", "dE/dw3", "dE/dw4", "dE/db1", "dout/dnet_h1", "delta_h1",
         "dout/dnet_h2", "delta_h2", "dE/di1", "dE/di2"])
    assert report["dE/dout_h1"].status == "ok"


# -- the report --------------------------------------------------------------------------------------

def test_the_table_is_aligned_and_states_the_rule():
    report = gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, rtol=1e-6, atol=1e-9)
    lines = str(report).splitlines()
    worst = max(report, key=lambda r: r.score)
    assert lines[0] == (f"gradient check: 24 quantities, 24 ok, 0 at a kink, 0 unresolved, "
                        f"0 FAIL; worst difference / tolerance {worst.score:.2g} "
                        f"({worst.name}, ok)")
    assert lines[1] == ("a row fails when |analytic - numeric| > tolerance = estimate (rounding "
                        "+ truncation 2 |D(2h) - D(h)| / 3) + the analytic value's rounding + "
                        "atol + rtol * |numeric| (rtol=1e-06, atol=1e-09)")
    assert lines[2] == ("numeric = D(h) = (E(v+h) - E(v-h)) / 2h with h = eps * max(1, |v|), "
                        "eps = 1e-06; unresolved: estimate + the analytic value's rounding > 1% "
                        "of the derivative")
    table = lines[3:]
    assert table[0].split() == ["name", "analytic", "numeric", "difference", "estimate",
                                "tolerance", "status"]
    assert len(table) == 25
    assert len({len(line) for line in table}) == 1  # right-aligned columns: equal widths
    cells = table[6].split()
    assert cells[0] == "dE/dw5" and cells[-1] == "ok"
    row = report["dE/dw5"]
    assert [float(c) for c in cells[3:6]] == [float(f"{v:.1e}") for v in
                                              (row.abs_error, row.estimate, row.tolerance)]
    assert repr(report).startswith("<GradientReport ok=True rows=24 failures=0 worst=")


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


def test_each_row_is_judged_against_its_own_tolerance():
    report = gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS)
    for r in report:
        assert r.abs_error == abs(r.analytic - r.numeric)
        assert r.rel_error == pytest.approx(r.abs_error / max(abs(r.analytic), abs(r.numeric)))
        # tolerance = estimate + the analytic value's rounding + rtol |numeric| (atol = 0)
        assert r.estimate + 1e-5 * abs(r.numeric) <= r.tolerance <= (
            r.estimate + 1e-5 * abs(r.numeric) + 1e-13)
        assert r.score == r.abs_error / r.tolerance < 1
        # the estimate is tiny beside the derivative: a 0.1 % error would show
        assert r.estimate < 1e-5 * abs(r.analytic), r.name
    assert report.worst == max(r.score for r in report)


def test_the_summary_names_the_worst_row_by_the_rule_that_judged_it(monkeypatch):
    # Before, it named the row with the largest relative error, even one that passed (a
    # derivative of 1e-12 with a relative error of 1). Now the largest difference / tolerance:
    # the failing row, whose score is above 1.
    corrupt_after_the_pass(monkeypatch, lambda net: net["o1"].dE_dw.__setitem__(
        1, net["o1"].dE_dw[1] * 1.001))
    report = gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS)
    row = report["dE/dw6"]
    assert report.worst == row.score > 1
    assert str(report).splitlines()[0].endswith(
        f"worst difference / tolerance {row.score:.2g} (dE/dw6, FAIL)")


# -- precise=True: truncation and rounding, separated ------------------------------------------------

def test_precise_columns_split_the_numeric_error():
    report = gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, precise=True)
    assert isinstance(report, GradientReport) and report.precise
    lines = str(report).splitlines()
    assert lines[1].startswith("a row fails when |analytic - exact| > tolerance = the oracle's "
                               "estimate")
    assert lines[3].split()[:6] == ["name", "analytic", "numeric", "exact", "truncation",
                                    "rounding"]
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


def test_the_trust_benchmark_runs_and_holds_on_a_few_networks():
    # benchmarks/accuracy.py trust, on 6 networks a kind instead of 300 (the property tests in
    # tests/property/test_gradcheck_trust.py hold the same promises on drawn networks)
    from benchmarks import accuracy
    lines = []
    results = accuracy.trust(n=6, seed=3, out=lines.append)
    for name, (count, total) in results.items():
        if name.startswith(("correct", "cross-entropy, correct")):
            assert count == 0, (name, lines)         # no correct network fails
        else:
            assert count == total > 0, (name, lines)  # every mutant fails
    assert lines[0].startswith("6 correct networks (unit inputs and targets): 0 with a FAIL")


def test_assert_ok_names_the_failures_when_an_exact_value_overflowed():
    """precise=True: a row whose exact value overflowed (None) fails with GradientCheckError,
    its difference shown as "-", never a TypeError."""
    net = mazur()
    net["w5"] = net["w6"] = 1.7e308
    report = gradcheck(net, MAZUR_INPUTS, MAZUR_TARGETS, precise=True)
    assert not report.ok
    with pytest.raises(GradientCheckError, match="gradient check failed for"):
        report.assert_ok()
