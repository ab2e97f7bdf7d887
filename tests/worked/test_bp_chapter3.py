"""The back propagation chapter's worked example: the book's sign of delta, hidden errors from
the changed weights.

Source read for these figures: the README of
https://github.com/nathansamsel/simple_backpropagation_example ("Super Simple Neural Net to
Demonstrate Backpropagation", by Nathan Egan, commit dbf80fb, February 2017), section "Working
through this example": a copy of the worked example of the book chapter it credits as "A
chapter from this book", https://www.fer.unizg.hr/_download/repository/BP_chapter3_-_bp.pdf
(the chapter itself was not read, and the copy does not name its author). A 2-2-1 network
without biases, sigmoid units, "a learning rate of 1"; the inputs 0.35 and 0.9, the target 0.5
and the weights are those its lines use (the copy's diagram is an image).
Quoted verbatim (the copy's ``math`` blocks):

    input to top neuron:     (0.35 * 0.1) + (0.9 * 0.8) = 0.755
    input to bottom neuron:  (0.9 * 0.6) + (0.35 * 0.4) = 0.68
    output of top neuron:    1 / (1 + e^(-0.755)) = 0.68
    output of bottom neuron: 1 / (1 + e^(-0.68)) = 0.6637
    input to final neuron:   (0.3 * 0.68) + (0.9 * 0.6637) = 0.80133
    output of final neuron:  1 / (1 + e^(-0.80133)) = 0.69
    δ = (target - output) * (1 - output) * output = (0.5 - 0.69) * (1 - 0.69) * 0.69 = -0.0406
    w1_new = w1_old + (δ * input) = 0.3 + (-.0406 * 0.68) = 0.272392
    w2_new = w2_old + (δ * input) = 0.9 + (-.0406 * 0.6637) = 0.87305
    δ1 = δ * w1 * output * (1 - output) = -0.0406 * 0.272392 * (1 - 0.68) * 0.68
    δ2 = δ * w2 * output * (1 - output) = -0.0406 * 0.87305 * (1 - 0.6637) * 0.6637
    w3_new = 0.1 + (-2.406 * 10^-3 * 0.35) = 0.09916
    w4_new = 0.1 + (-2.406 * 10^-3 * 0.9) = 0.7978
    w5_new = 0.1 + (-7.916 * 10^-3 * 0.35) = 0.3972
    w6_new = 0.1 + (-7.916 * 10^-3 * 0.9) = 0.5928

(the copy writes "0.1 +" in all four hidden lines; only w3's old value is 0.1: the results are
those of the old weights 0.8, 0.4 and 0.6, which the forward pass uses).

The copy's rules, as its numbers show:

* δ = out(1 - out)(target - out) is the error signal -dE/dnet for E = 1/2 (target - out)^2:
  neurosim's delta with its sign turned (``convention: delta = -dE/dnet``);
* the output weights are changed first, and the hidden errors are computed from the changed
  ones (δ1 uses w1 = 0.272392, not 0.3): neurosim's ``hidden_deltas="updated_weights"``;
* each figure is computed from the printed (rounded) figures before it.

Where the copy rounds, the engine follows the math: 0.80133, -0.0406, 0.272392, 0.87305 and
-2.406e-3 are exactly what the printed figures give, and the engine's unrounded values lie
within the rounding carried from them. Two last digits are the copy's own: δ2 = -7.916e-3
is not what its printed figures give (-7.912e-3) nor the unrounded value (-7.926e-3), but lies
within the rounding carried from the printed δ; and w6_new = 0.6 - 0.9 * 7.916e-3 = 0.5928756
is printed cut to four places, 0.5928, where w3_new (0.0991579 -> 0.09916) is rounded.
"""

import math
import os

import pytest

from neurosim import check
from neurosim.worked_examples import BP3_INPUTS, BP3_TARGETS, bp_chapter3

from published import after_one_step, half_unit  # the printed digits' tolerance

#: The copy's names for neurosim's: output weights w1, w2; w3, w4 into the top hidden neuron
#: (from 0.35 and 0.9), w5, w6 into the bottom one; δ, δ1, δ2 are -delta of o1, h1, h2.
BOOK = {"w1": "w5", "w2": "w6", "w3": "w1", "w4": "w2", "w5": "w3", "w6": "w4"}

#: Printed figures the engine's own values round to (neurosim's names).
ROUNDS_TO = {"net_h1": "0.755", "net_h2": "0.68", "out_h1": "0.68", "out_h2": "0.6637",
             "out_o1": "0.69", "w1+": "0.09916", "w2+": "0.7978", "w3+": "0.3972"}


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def reference(out_h1=None, out_h2=None, out=None, delta=None, w1_new=None, w2_new=None):
    """The copy's step written out in its notation; a printed figure given as an argument is
    used in place of the computed one, as the copy carries its rounded figures forward."""
    x1, x2 = BP3_INPUTS
    target = BP3_TARGETS[0]
    w1, w2, w3, w4, w5, w6 = 0.3, 0.9, 0.1, 0.8, 0.4, 0.6
    top_in = x1 * w3 + x2 * w4
    bottom_in = x1 * w5 + x2 * w6
    top = sigmoid(top_in) if out_h1 is None else out_h1
    bottom = sigmoid(bottom_in) if out_h2 is None else out_h2
    final_in = w1 * top + w2 * bottom
    final = sigmoid(final_in) if out is None else out
    d = (target - final) * (1 - final) * final if delta is None else delta
    w1n = w1 + d * top if w1_new is None else w1_new
    w2n = w2 + d * bottom if w2_new is None else w2_new
    d1 = d * w1n * top * (1 - top)          # from the changed output weights
    d2 = d * w2n * bottom * (1 - bottom)
    return {"top_in": top_in, "bottom_in": bottom_in, "top": top, "bottom": bottom,
            "final_in": final_in, "final": final, "δ": d, "w1": w1n, "w2": w2n,
            "δ1": d1, "δ2": d2, "w3": w3 + d1 * x1, "w4": w4 + d1 * x2,
            "w5": w5 + d2 * x1, "w6": w6 + d2 * x2}


@pytest.fixture(scope="module")
def stepped():
    return after_one_step(bp_chapter3(), BP3_INPUTS, BP3_TARGETS)


@pytest.mark.parametrize("name", sorted(ROUNDS_TO))
def test_printed_figure_the_engine_rounds_to(stepped, name):
    text = ROUNDS_TO[name]
    assert abs(stepped[name] - float(text)) <= half_unit(text) + 1e-12


def test_figures_computed_from_the_printed_rounded_ones():
    printed = reference(out_h1=0.68, out_h2=0.6637, out=0.69)
    assert round(printed["final_in"], 5) == 0.80133
    assert round(printed["δ"], 4) == -0.0406
    carried = reference(out_h1=0.68, out_h2=0.6637, out=0.69, delta=-0.0406)
    assert round(carried["w1"], 6) == 0.272392
    assert round(carried["w2"], 5) == 0.87305
    assert round(carried["δ1"], 6) == -0.002406


def test_the_engine_differs_from_those_only_by_carried_rounding(stepped):
    # the exact values round differently ...
    assert round(stepped["net_o1"], 5) == 0.80144
    assert round(-stepped["delta_o1"], 4) == -0.0407
    assert round(stepped["w5+"], 6) == 0.272326
    # ... because out_o1 = 0.690283 was printed 0.69: (1 - 2 out) delta' moves delta by
    # 0.000283 * |d delta / d out| = 0.000283 * 0.141 = 4.0e-05, the whole difference
    slope = abs((1 - 2 * 0.69) * (0.5 - 0.69) - 0.69 * (1 - 0.69))
    assert abs(-stepped["delta_o1"] - (-0.0406)) <= (0.005 * slope) + half_unit("-0.0406")


def test_delta2_is_the_copys_own_last_digit(stepped):
    own = reference(out_h1=0.68, out_h2=0.6637, out=0.69, delta=-0.0406, w2_new=0.87305)
    assert round(own["δ2"], 6) == -0.007912          # what the printed figures give
    assert round(-stepped["delta_h2"], 6) == -0.007926  # the unrounded value
    # the printed -7.916e-3 lies within the rounding carried from the printed delta (4 digits)
    low = reference(out_h2=0.6637, delta=-0.04065, w2_new=0.87305)["δ2"]
    high = reference(out_h2=0.6637, delta=-0.04055, w2_new=0.87305)["δ2"]
    assert low < -7.916e-3 < high


def test_w6_is_printed_cut_not_rounded(stepped):
    w6 = 0.6 + (-7.916e-3 * 0.9)                     # the copy's own line
    assert round(w6, 4) == 0.5929 and math.floor(w6 * 1e4) / 1e4 == 0.5928
    w3 = 0.1 + (-2.406e-3 * 0.35)                    # while w3_new is rounded
    assert round(w3, 5) == 0.09916 and math.floor(w3 * 1e5) / 1e5 == 0.09915
    assert abs(stepped["w4+"] - 0.5928) < 1e-4        # the engine: 0.592866


def test_the_engine_agrees_with_the_written_out_reference(stepped):
    ref = reference()
    pairs = {"top_in": "net_h1", "bottom_in": "net_h2", "top": "out_h1", "bottom": "out_h2",
             "final_in": "net_o1", "final": "out_o1"}
    pairs.update({book: ours + "+" for book, ours in BOOK.items()})
    for book, ours in pairs.items():
        assert stepped[ours] == pytest.approx(ref[book], rel=1e-12, abs=1e-15)
    for book, ours in (("δ", "delta_o1"), ("δ1", "delta_h1"), ("δ2", "delta_h2")):
        assert -stepped[ours] == pytest.approx(ref[book], rel=1e-12)


def test_the_hidden_errors_come_from_the_changed_weights():
    net = bp_chapter3(hidden_deltas="original_weights")
    net.train(BP3_INPUTS, BP3_TARGETS)
    # from the old w1 = 0.3 the top hidden error would be -2.654e-3, not the printed -2.406e-3
    assert round(-net["h1"].delta, 6) == -0.002654


CLAIMS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__)))), "demos", "claims", "bp_chapter3.txt")


def claims_text():
    with open(CLAIMS, encoding="utf-8") as f:
        return f.read()


def test_the_checker_accepts_the_figures_as_printed():
    report = check(CLAIMS)
    assert report.ok, str(report)
    assert len(report.results) == 15
    assert {"δ", "δ1", "δ2", "w1+", "w6+", "net_o1"} <= {r.name for r in report.results}
    assert report["δ1"].printed == "-2.406e-3"
    assert report["δ1"].simulated == pytest.approx(reference()["δ1"], rel=1e-12)


def test_the_checker_flags_a_corrupted_figure():
    text = claims_text()
    assert "w2+ = 0.87305 " in text
    report = check(text.replace("w2+ = 0.87305 ", "w2+ = 0.87350 "))
    assert not report.ok
    assert report.first_wrong.name == "w2+"


def test_the_checker_finds_the_rule_of_the_hidden_errors():
    # stated with neurosim's default rule, the printed hidden error is wrong, and the diagnosis
    # names the copy's rule
    text = claims_text().replace("hidden_deltas = updated_weights",
                                 "hidden_deltas = original_weights")
    report = check(text)
    assert not report.ok
    assert report.first_wrong.name == "δ1"
    assert "updated weights" in report["δ1"].explanation


def test_the_sign_convention_matters():
    report = check(claims_text().replace("convention: delta = -dE/dnet\n", ""))
    assert not report.ok
    assert report["δ"].status == "wrong"
