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
from neurosim.errors import ConfigurationError, GradientCheckError, NumericalError, ShapeError
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
])
def test_tolerances_are_checked(bad, message):
    with pytest.raises(ConfigurationError) as caught:
        gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, **bad)
    assert str(caught.value) == message


def test_a_wrong_sample_is_a_shape_error():
    with pytest.raises(ShapeError, match="inputs must have 2 values"):
        gradcheck(mazur(), [0.05], MAZUR_TARGETS)


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


def test_a_saturated_output_under_clipped_cross_entropy_is_a_kink():
    # sigmoid(40) rounds to 1.0; binary cross-entropy clips it to 1 - 1e-12, where E is flat.
    net = NeuralNetwork.from_weights([[[40.0]]], bias="none", loss="binary_cross_entropy")
    report = gradcheck(net, [1.0], [0.0])
    assert "dE/dout_o1" in [r.name for r in report.kinks]
    assert report.ok


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
    with pytest.raises(KeyError, match="no row is named 'dE/dw9'"):
        report["dE/dw9"]


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
