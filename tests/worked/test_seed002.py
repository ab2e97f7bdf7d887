"""Seed 002 ("BP算法推演"): a 2-3-2-1 network computed by hand, and what its printed figures show.

Source: seed 002 (a Chinese blog post, "BP算法推演"), section "例子"; the same figures are listed in
the project's table of published figures, section B. Copied here, as printed.

Network: x = [1, 2], true label y = 1. Rows are receiving neurons (neu1..neu3 = h1..h3,
neu4, neu5 = h4, h5, neu6 = o1)::

    W1 = [[2, 1], [1, 3], [3, 2]]   b1 = [1, 2, 3]
    W2 = [[1, 1, 2], [3, 2, 2]]     b2 = [2, 1]
    W3 = [[1, 3]]                   b3 = [2]

Logistic sigmoid everywhere, L = 1/2 sum (y - y_hat)^2, learning rate 0.1, per-neuron biases that
are updated, and the update rule as printed (section 2.5)::

    W <- W - eta (delta n^T + W)        b <- b - eta delta

i.e. weight decay with lambda = 1 on the weights only (neurosim: ``weight_decay=1.0``).

What the figures show (each a test below; summary in /work/notes/seed002_findings.md):

* The first layer, z4 and f4'(z4) are right.
* Everything from y_hat on was computed with w_(2,5) = 3 instead of the 2 of W2 (the neighbouring
  entry w_(1,5) = 3 read twice) in the forward pass only: that single slip reproduces y_hat,
  y - y_hat, f'(z6), delta3, W3^T delta3, f5'(z5) and delta2 to all 15 printed digits, and the
  significant digits of delta1 and of the W1 update.
* The "first-layer derivatives" 0.006648..., 0.000123..., 0.0000453... are the right numbers,
  f'(z_k); the formula they sit in writes f^(1)(z^(1)) (no prime).
* Several tiny numbers are printed with the wrong count of zeros (powers of ten off), while their
  significant digits are right: delta2[0], the delta1 vectors, three entries of the new W1.

Expected values come from the printed text, from tests/reference.py (an independent
matrix-form engine) or from exact arithmetic, never from neurosim.
"""

import math
from decimal import Decimal

import pytest

import reference
from neurosim import NeuralNetwork
from neurosim.worked_examples import SEED002_INPUTS, SEED002_TARGETS, seed002

X = [1.0, 2.0]
Y = [1.0]
W = [[[2, 1], [1, 3], [3, 2]],
     [[1, 1, 2], [3, 2, 2]],
     [[1, 3]]]
B = [[1, 2, 3], [2, 1], [2]]
RULES = dict(bias="per_neuron", train_biases=True, learning_rate=0.1, weight_decay=1.0)

# The slip that explains the output-side figures: w_(2,5) (h2 -> h5, neurosim's w11) read as 3.
W_SLIP = [[[2, 1], [1, 3], [3, 2]],
          [[1, 1, 2], [3, 3, 2]],
          [[1, 3]]]

# --- printed figures (seed 002, "例子", sections 1.1 to 3.1), as strings, exactly as printed
PRINTED = {
    "f1(z1)": "0.993307149075715",
    "f2(z2)": "0.999876605424014",
    "f3(z3)": "0.999954602131298",
    "z4": "5.993092958762325",
    "f4(z4)": "0.997510281884102",
    "y - y_hat": "0.002479706176998",
    "y_hat": "0.997520293823002",
    "f'(z6)": "0.002473557234274",
    "delta3": "-0.000006133695153",
    "(W3^T delta3)[0]": "-0.000006133695153",
    "(W3^T delta3)[1]": "-0.000018401085459",
    "f4'(z4)": "0.002483519419601",
    "f5'(z5)": "0.000125939063189",
    "delta2[0]": "-0.0000000015233151",
    "delta2[1]": "-0.000000002317415",
    "first-layer derivative 1": "0.006648056670790",
    "first-layer derivative 2": "0.000123379349765",
    "first-layer derivative 3": "0.000045395807735",
}
# Section 2.3 prints delta1 with two entries; section 3.1 uses three, twice, with different
# zero counts; the bias update uses a third version.
PRINTED_DELTA1_23 = ["-0.000000000000147490", "-0.0000000000001593"]
PRINTED_DELTA1_31_FIRST = ["-0.000000000147490", "-0.0000000000002451", "-0.000000000001593"]
PRINTED_DELTA1_31_SECOND = ["-0.000000000147490", "-0.000000000002451", "-0.000000000001593"]
PRINTED_DELTA1_BIAS = ["-0.00000000147490", "-0.00000000002451", "-0.0000000001593"]
PRINTED_W1 = [["1.800000000014749", "0.900000000029498"],
              ["0.90000000000245", "2.70000000000490"],
              ["2.700000000000159", "1.80000000000319"]]


def tolerance(printed, value=1.0):
    """One unit of the last printed digit, plus 2 ulp of the double being compared.

    One unit, not half: the seed prints 15 decimals and its derivatives were computed from its
    own 15-decimal outputs, so their last digit can be off by one (see
    test_derivatives_come_from_the_rounded_outputs). The wrong figures below are wrong by
    1e-6 or more, a billion units, so this tolerance cannot hide them."""
    unit = float(Decimal(1).scaleb(Decimal(printed).as_tuple().exponent))
    return unit + 2 * math.ulp(value)


def matches(value, printed):
    return abs(value - float(printed)) <= tolerance(printed, value)


def assert_printed(value, printed, what=""):
    assert matches(value, printed), f"{what}: computed {value!r}, printed {printed}"


def same_digits_times(printed, value, digits):
    """The power of ten k with printed == value * 10**k in its first ``digits`` significant
    digits, or None when the significant digits differ."""
    p = Decimal(printed)
    v = Decimal(repr(value))
    k = p.adjusted() - v.adjusted()
    v_scaled = v.scaleb(k)
    if abs(p - v_scaled) <= Decimal("0.5").scaleb(p.adjusted() - digits + 1):
        return k
    return None


def sigmoid(z):
    return reference.ACTIVATIONS["sigmoid"][0](z)


def dsigmoid(z):
    return reference.ACTIVATIONS["sigmoid"][1](z)


def build(weights=W, **options):
    rules = dict(RULES)
    rules.update(options)
    return NeuralNetwork.from_weights(weights, B, **rules)


@pytest.fixture(scope="module")
def trained():
    net = build()
    net.train(X, Y)
    return net


@pytest.fixture(scope="module")
def ref():
    return reference.step(W, B, X, Y, **RULES)


@pytest.fixture(scope="module")
def slip():
    """The hand calculation as actually carried out: forward pass with w_(2,5) = 3; delta2 from
    that pass; delta1 back through the printed W2 (w_(2,5) = 2), as section 2.3 writes it."""
    r = reference.step(W_SLIP, B, X, Y, **RULES)
    message = reference.matvec(reference.transpose(W[1]), r.delta[1])
    delta1 = reference.hadamard([dsigmoid(z) for z in r.z[0]], message)
    return r, delta1


def test_tolerance_and_digit_helpers():
    assert tolerance("0.993307149075715", 0.0) == pytest.approx(1e-15)
    assert same_digits_times("-0.0000000015233151", -1.5233151026e-08, 8) == -1
    assert same_digits_times("-0.0000000015233151", -1.5234151026e-08, 8) is None
    assert same_digits_times("1.5", 1.5, 2) == 0


def test_worked_example_builder_is_the_seed_network():
    net, explicit = seed002(), build()
    assert net.parameter_names() == explicit.parameter_names()
    assert [net[p] for p in net.parameter_names()] == [explicit[p] for p in
                                                      explicit.parameter_names()]
    assert SEED002_INPUTS == X and SEED002_TARGETS == Y
    assert (net.learning_rate, net.weight_decay, net.train_biases) == (0.1, 1.0, True)


def test_names_follow_seed_numbering(trained):
    """neu1..neu5 are h1..h5 (numbered across both hidden layers), neu6 is o1; w_(2,5), the
    weight from neu2 to neu5, is w11 (w1..w6 first layer, w7..w9 into h4, w10..w12 into h5)."""
    assert [[n.name for n in layer.neurons] for layer in trained.layers] == [
        ["h1", "h2", "h3"], ["h4", "h5"], ["o1"]]
    assert build()["w11"] == 2 and build(W_SLIP)["w11"] == 3


# --------------------------------------------------------------------------- correct values


def _close(a, b):
    return a == pytest.approx(b, rel=1e-12, abs=1e-12 * max(1e-12, abs(b)))


def test_one_step_matches_reference(trained, ref):
    """Every quantity of one step, against the matrix form, to 1e-12 relative (the deltas are
    ~1e-10, so an absolute 1e-12 would say nothing)."""
    for l, layer in enumerate(trained.layers):
        for j, n in enumerate(layer.neurons):
            where = f"{n.name}"
            assert _close(n.net, ref.z[l][j]), where
            assert _close(n.out, ref.a[l][j]), where
            assert _close(n.dE_dout, ref.dE_da[l][j]), where
            assert _close(n.delta, ref.delta[l][j]), where
            assert _close(n.dE_db, ref.grad_b[l][j]), where
            for i in range(len(n.weights)):
                assert _close(n.dE_dw[i], ref.grad_W[l][j][i]), (where, i)
                assert _close(n.weights[i], ref.new_W[l][j][i]), (where, i)
            assert _close(n.bias, ref.new_b[l][j]), where


def test_correct_values_of_the_seed_example(trained):
    """The right answers, for the record (checked against the reference engine above):
    y_hat = 0.997518688140956, delta3 = -6.14163133165e-06, delta2 = [-1.52528606802e-08,
    -6.30403216484e-09], delta1 = [-2.27130571453e-10, -3.43746281157e-12, -1.95718512595e-12],
    and the new W1 = [[1.800000000022713, 0.900000000045426], [0.900000000000344,
    2.700000000000688], [2.700000000000196, 1.800000000000391]]."""
    expect = {
        "o1.out": (trained["o1"].out, 0.997518688140956),
        "o1.delta": (trained["o1"].delta, -6.14163133165e-06),
        "h4.delta": (trained["h4"].delta, -1.52528606802e-08),
        "h5.delta": (trained["h5"].delta, -6.30403216484e-09),
        "h1.delta": (trained["h1"].delta, -2.27130571453e-10),
        "h2.delta": (trained["h2"].delta, -3.43746281157e-12),
        "h3.delta": (trained["h3"].delta, -1.95718512595e-12),
    }
    for what, (value, expected) in expect.items():
        assert value == pytest.approx(expected, rel=1e-11), what
    new_w1 = [[1.800000000022713, 0.900000000045426], [0.900000000000344, 2.700000000000688],
              [2.700000000000196, 1.800000000000391]]
    for j, row in enumerate(new_w1):
        assert trained.layers[0].neurons[j].weights == pytest.approx(row, abs=1e-15)
    assert [n.bias for n in trained.layers[0].neurons] == pytest.approx(
        [1.000000000022713, 2.000000000000344, 3.000000000000196], abs=1e-15)


# --------------------------------------------------------------------------- printed: right


@pytest.mark.parametrize("label, read", [
    ("f1(z1)", lambda net: net["h1"].out),
    ("f2(z2)", lambda net: net["h2"].out),
    ("f3(z3)", lambda net: net["h3"].out),
    ("z4", lambda net: net["h4"].net),
    ("f4(z4)", lambda net: net["h4"].out),
    ("f4'(z4)", lambda net: net["h4"].dout_dnet),
    ("first-layer derivative 1", lambda net: net["h1"].dout_dnet),
    ("first-layer derivative 2", lambda net: net["h2"].dout_dnet),
    ("first-layer derivative 3", lambda net: net["h3"].dout_dnet),
])
def test_printed_figure_that_is_right(trained, label, read):
    assert_printed(read(trained), PRINTED[label], label)


def test_first_layer_derivatives_are_f_prime_though_written_f(trained):
    """Section 2.3 writes delta1 = f^(1)(z^(1)) * (W2^T delta2) with diag(f1(z1), f2(z2),
    f3(z3)), no prime; the numbers it puts in that diagonal are the derivatives f'(z_k) =
    f(z_k)(1 - f(z_k)), which is what the chain rule needs. The slip is in the formula only."""
    for k, name in enumerate(("h1", "h2", "h3"), start=1):
        printed = PRINTED[f"first-layer derivative {k}"]
        n = trained[name]
        assert matches(n.out * (1 - n.out), printed)
        assert not matches(n.out, printed)
        assert float(printed) < 0.01 < n.out


def test_derivatives_come_from_the_rounded_outputs(trained):
    """The printed derivatives were computed as f (1 - f) from the printed 15-decimal outputs,
    not from the exact ones: f4'(z4) is printed 0.002483519419601; the exact value
    0.0024835194196017 rounds to ...602, while 0.997510281884102 (1 - 0.997510281884102) =
    0.0024835194196014 rounds to ...601. Likewise f3'(z3): exact 0.00004539580773591, printed
    ...735 (from the rounded f3: 0.00004539580773552, cut rather than rounded). Hence the
    tolerance of one unit of the last digit in this file."""
    exact = trained["h4"].dout_dnet
    f4 = Decimal(PRINTED["f4(z4)"])
    from_printed = f4 * (1 - f4)
    half = Decimal("0.5e-15")
    assert abs(from_printed - Decimal(PRINTED["f4'(z4)"])) <= half
    assert abs(Decimal(repr(exact)) - Decimal(PRINTED["f4'(z4)"])) > half
    f3 = Decimal(PRINTED["f3(z3)"])
    printed3 = Decimal(PRINTED["first-layer derivative 3"])
    assert abs(Decimal(repr(trained["h3"].dout_dnet)) - printed3) > half
    assert Decimal(0) <= f3 * (1 - f3) - printed3 < Decimal("1e-15")


# --------------------------------------------------------------------------- printed: wrong


@pytest.mark.parametrize("label, read", [
    ("y_hat", lambda net: net["o1"].out),
    ("y - y_hat", lambda net: 1.0 - net["o1"].out),
    ("f'(z6)", lambda net: net["o1"].dout_dnet),
    ("delta3", lambda net: net["o1"].delta),
    ("(W3^T delta3)[0]", lambda net: net["h4"].dE_dout),
    ("(W3^T delta3)[1]", lambda net: net["h5"].dE_dout),
    ("f5'(z5)", lambda net: net["h5"].dout_dnet),
])
def test_output_side_figure_follows_w25_read_as_3(trained, label, read):
    """From y_hat on, the printed figures are not those of the stated network: they are those
    of the same network with w_(2,5) = 3 instead of 2 (W2 row 2 read as [3, 3, 2]: w_(1,5) = 3
    repeated). Then z5 = 3 f1 + 3 f2 + 2 f3 + 1 = 8.97946 instead of 7.97958, f5'(z5) =
    0.000125939063189 instead of 0.000342147540527, y_hat = 0.997520293823002 instead of
    0.997518688140956, and everything downstream follows to all 15 printed digits. (b5 = 2
    or w_(3,5) = 3, the other one-unit slips giving z5 ~ 8.98, miss in the 5th digit.)"""
    printed = PRINTED[label]
    assert not matches(read(trained), printed), "the stated network gives the printed figure"
    slipped = build(W_SLIP)
    slipped.train(X, Y)
    assert_printed(read(slipped), printed, f"{label} with w_(2,5) = 3")


def test_other_one_unit_slips_do_not_explain_f5_prime():
    f1, f2, f3 = sigmoid(5.0), sigmoid(9.0), sigmoid(10.0)
    candidates = {
        "w_(2,5) = 3": 3 * f1 + 3 * f2 + 2 * f3 + 1,
        "b5 = 2": 3 * f1 + 2 * f2 + 2 * f3 + 2,
        "w_(3,5) = 3": 3 * f1 + 2 * f2 + 3 * f3 + 1,
        "w_(1,5) = 4": 4 * f1 + 2 * f2 + 2 * f3 + 1,
    }
    explain = [k for k, z5 in candidates.items() if matches(dsigmoid(z5), PRINTED["f5'(z5)"])]
    assert explain == ["w_(2,5) = 3"]


def test_delta2_first_entry_is_printed_ten_times_too_small(slip):
    """delta2[0] = f4'(z4) * (W3^T delta3)[0] = 0.002483519419601 * (-0.000006133695153)
    = -1.5233151e-08, printed -0.0000000015233151 (one zero too many: -1.5e-09). delta2[1] =
    0.000125939063189 * (-0.000018401085459) = -2.317415e-09 is printed right (for the slipped
    network). delta1 was then computed from the right -1.52e-08: with -1.52e-09 its first entry
    would be -5.63e-11, not the printed digits 14749."""
    r, delta1 = slip
    own_product = float(PRINTED["f4'(z4)"]) * float(PRINTED["(W3^T delta3)[0]"])
    assert same_digits_times(PRINTED["delta2[0]"], own_product, 8) == -1
    assert same_digits_times(PRINTED["delta2[0]"], r.delta[1][0], 8) == -1
    assert_printed(r.delta[1][1], PRINTED["delta2[1]"], "delta2[1], w_(2,5) = 3")
    with_printed = reference.hadamard(
        [dsigmoid(z) for z in r.z[0]],
        reference.matvec(reference.transpose(W[1]), [float(PRINTED["delta2[0]"]), r.delta[1][1]]))
    assert same_digits_times(PRINTED_DELTA1_31_SECOND[0], with_printed[0], 5) is None
    assert same_digits_times(PRINTED_DELTA1_31_SECOND[0], delta1[0], 5) == 0


def test_delta1_digits_follow_the_slip_and_zero_counts_vary(slip, trained):
    """delta1 of the slipped calculation is [-1.47490e-10, -2.451e-12, -1.593e-12]: section
    3.1's second vector has it right. Elsewhere the same digits appear with other zero counts:
    section 2.3 prints two entries only, -1.4749e-13 (x 1e-3) and -1.593e-13 (x 1e-1); 3.1's
    first vector has -2.451e-13 (x 1e-1); the bias update uses -1.4749e-09, -2.451e-11,
    -1.593e-10 (x 10, x 10, x 100). The right delta1 (stated network) is
    [-2.2713e-10, -3.4375e-12, -1.9572e-12]; none of the printed vectors has its digits."""
    _, delta1 = slip
    powers = {
        "3.1 second": ([0, 0, 0], PRINTED_DELTA1_31_SECOND, delta1),
        "3.1 first": ([0, -1, 0], PRINTED_DELTA1_31_FIRST, delta1),
        "bias update": ([1, 1, 2], PRINTED_DELTA1_BIAS, delta1),
        "2.3": ([-3, -1], PRINTED_DELTA1_23, [delta1[0], delta1[2]]),
    }
    for where, (expected, printed, values) in powers.items():
        digits = [5 if p.endswith("0") else 4 for p in printed]
        found = [same_digits_times(p, v, d) for p, v, d in zip(printed, values, digits)]
        assert found == expected, where
    right = [trained[n].delta for n in ("h1", "h2", "h3")]
    for printed in (PRINTED_DELTA1_31_SECOND, PRINTED_DELTA1_BIAS):
        assert [same_digits_times(p, v, 4) for p, v in zip(printed, right)] == [None] * 3


def test_W1_update_printed(slip, trained):
    """The printed W1 follows the printed rule W - 0.1 (delta1 x^T + W) = 0.9 W - 0.1 delta1 x^T
    with delta1 of the slipped calculation: the decay term gives 1.8, 0.9 / 0.9, 2.7 / 2.7, 1.8
    and the sign is right (delta1 < 0, so each weight ends a little above 0.9 W).

    Entries (1,1), (1,2), (3,1) are exact: 2 - 0.1 (-1.47490e-10 * 1 + 2) = 1.800000000014749.
    Entries (2,1), (2,2), (3,2) show an increment ten times too large (one zero missing:
    0.90000000000245 where the rule gives 0.9000000000002451; 2.70000000000490 for
    2.7000000000004902; 1.80000000000319 for 1.8000000000003187), the zero-count slip of the
    delta1 vectors again (-2.451e-11, the bias update's value, would give row 2 exactly).

    Every printed entry differs from the right new W1 (delta1 of the stated network), e.g.
    1.800000000022713 for (1,1)."""
    _, delta1 = slip
    powers = [[0, 0], [1, 1], [0, 1]]
    for j in range(3):
        for i in range(2):
            w = W[0][j][i]
            rule = w - 0.1 * (delta1[j] * X[i] + w)
            printed = PRINTED_W1[j][i]
            increment_printed = Decimal(printed) - Decimal(repr(0.9 * w))
            increment_rule = -0.1 * delta1[j] * X[i]     # rule = 0.9 w + this, exactly
            assert increment_printed > 0
            assert same_digits_times(str(increment_printed), increment_rule, 3) == powers[j][i], \
                (j, i)
            if powers[j][i] == 0:
                assert_printed(rule, printed, f"W1[{j}][{i}]")
            assert not matches(trained.layers[0].neurons[j].weights[i], printed), (j, i)


def test_W1_update_includes_the_decay_term():
    """Without the "+ W" term (weight_decay=0) the new W1 would stay within 1e-10 of the old
    one; the printed 1.8, 0.9, ... need lambda = 1: the seed's rule is weight decay."""
    net = build(weight_decay=0.0)
    net.train(X, Y)
    assert net.layers[0].neurons[0].weights == pytest.approx([2.0, 1.0], abs=1e-9)
    assert not matches(net["w1"], PRINTED_W1[0][0])
    net = build()
    net.train(X, Y)
    assert abs(net["w1"] - float(PRINTED_W1[0][0])) < 1e-11
