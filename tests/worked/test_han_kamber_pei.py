"""Han, Kamber and Pei, *Data Mining: Concepts and Techniques*: the backpropagation example.

Source read for these figures (the search tool's "pages" corpus): "Appendix B: An Example of
Back-propagation Algorithm" (November 2011, author not named in the copy), a worked copy of the
book's example, stored at https://huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1. Quoted
verbatim from its Tables 1-4 (the copy writes the biases w04, w05, w06 where the book writes
theta4, theta5, theta6; both add them to the net input):

    Table 1: x1 x2 x3 = 1 0 1; w14 0.2, w15 -0.3, w24 0.4, w25 0.1, w34 -0.5, w35 0.2,
             w46 -0.3, w56 -0.2, w04 -0.4, w05 0.2, w06 0.1; "the learning rate eta is 0.9
             and the first training example, X = (1,0,1) whose class label is 1"
    Table 2: 4  0.2 + 0 - 0.5 - 0.4 = -0.7        1/(1+e^{0.7}) = 0.332
             5  -0.3 + 0 + 0.2 + 0.2 = 0.1        1/(1+e^{0.1}) = 0.525
             6  (-0.3)(0.332) - (0.2)(0.525) + 0.1 = -0.105   1/(1+e^{-0.105}) = 0.474
    Table 3: 6  (0.474)(1 - 0.474)(1 - 0.474) = 0.1311
             5  (0.525)(1 - 0.525)(0.1311)(-0.2) = -0.0065
             4  (0.332)(1 - 0.332)(0.1311)(-0.3) = -0.0087
    Table 4: w46 -0.261, w56 -0.138, w14 0.192, w15 -0.306, w24 0.4, w25 0.1, w34 -0.508,
             w35 0.194, w06 0.218, w05 0.194, w04 -0.408

The book's error Err_j = O_j(1 - O_j)(T_j - O_j) is -dE/dnet for E = 1/2 (T - O)^2: neurosim's
delta with its sign turned. Where the copy rounds, the engine follows the math:

* I6 = -0.105 is computed from the rounded O4 = 0.332 and O5 = 0.525 (-0.10454 either way);
* Err6 = 0.1311 is 0.474 (1 - 0.474)^2 from the rounded O6 = 0.474; from the unrounded
  O6 = 0.473889... it is 0.131169..., 0.1312 to four places. The engine gives 0.131169, and
  the checker accepts 0.1311 as a rounding carried from a printed figure.
"""

import math
import os

import pytest

from neurosim import check
from neurosim.worked_examples import HAN_INPUTS, HAN_TARGETS, han_kamber_pei

from published import after_one_step, half_unit  # the printed digits' tolerance

#: The printed figures, by neurosim's names (units 4, 5, 6 are h1, h2, o1); Err as printed.
PRINTED = {
    "net_h1": "-0.7", "net_h2": "0.1", "out_h1": "0.332", "out_h2": "0.525",
    "out_o1": "0.474",
    "w7+": "-0.261", "w8+": "-0.138", "w1+": "0.192", "w4+": "-0.306", "w2+": "0.4",
    "w5+": "0.1", "w3+": "-0.508", "w6+": "0.194", "b_o1+": "0.218", "b_h2+": "0.194",
    "b_h1+": "-0.408",
}
ERR_PRINTED = {"o1": "0.1311", "h2": "-0.0065", "h1": "-0.0087"}


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def reference():
    """The example's step written out independently, in the book's notation."""
    x1, x2, x3 = HAN_INPUTS
    T = HAN_TARGETS[0]
    w14, w15, w24, w25, w34, w35, w46, w56 = 0.2, -0.3, 0.4, 0.1, -0.5, 0.2, -0.3, -0.2
    t4, t5, t6, l = -0.4, 0.2, 0.1, 0.9
    I4 = w14 * x1 + w24 * x2 + w34 * x3 + t4
    I5 = w15 * x1 + w25 * x2 + w35 * x3 + t5
    O4, O5 = sigmoid(I4), sigmoid(I5)
    I6 = w46 * O4 + w56 * O5 + t6
    O6 = sigmoid(I6)
    Err6 = O6 * (1 - O6) * (T - O6)
    Err5 = O5 * (1 - O5) * Err6 * w56
    Err4 = O4 * (1 - O4) * Err6 * w46
    return {"I4": I4, "I5": I5, "I6": I6, "O4": O4, "O5": O5, "O6": O6,
            "Err4": Err4, "Err5": Err5, "Err6": Err6,
            "w46": w46 + l * Err6 * O4, "w56": w56 + l * Err6 * O5,
            "w14": w14 + l * Err4 * x1, "w24": w24 + l * Err4 * x2,
            "w34": w34 + l * Err4 * x3, "w15": w15 + l * Err5 * x1,
            "w25": w25 + l * Err5 * x2, "w35": w35 + l * Err5 * x3,
            "t6": t6 + l * Err6, "t5": t5 + l * Err5, "t4": t4 + l * Err4}


@pytest.fixture(scope="module")
def stepped():
    return after_one_step(han_kamber_pei(), HAN_INPUTS, HAN_TARGETS)


@pytest.mark.parametrize("name", sorted(PRINTED))
def test_printed_figure(stepped, name):
    text = PRINTED[name]
    assert abs(stepped[name] - float(text)) <= half_unit(text) + 1e-12


@pytest.mark.parametrize("neuron", ["h1", "h2"])
def test_printed_error_of_a_hidden_unit(stepped, neuron):
    text = ERR_PRINTED[neuron]          # Err_j = -delta_j
    assert abs(-stepped[f"delta_{neuron}"] - float(text)) <= half_unit(text)


def test_err6_is_printed_from_the_rounded_output(stepped):
    # the engine follows the math: 0.131169..., which is 0.1312, not the printed 0.1311 ...
    assert round(-stepped["delta_o1"], 4) == 0.1312
    # ... which is what the rounded O6 = 0.474 gives
    assert round(0.474 * (1 - 0.474) * (1 - 0.474), 4) == 0.1311
    # and the net input of unit 6 rounds to the printed -0.105 either way
    assert round(stepped["net_o1"], 3) == round(-0.3 * 0.332 - 0.2 * 0.525 + 0.1, 3) == -0.105


def test_the_engine_agrees_with_the_written_out_reference(stepped):
    ref = reference()
    pairs = {"I4": "net_h1", "I5": "net_h2", "I6": "net_o1", "O4": "out_h1", "O5": "out_h2",
             "O6": "out_o1", "w46": "w7+", "w56": "w8+", "w14": "w1+", "w24": "w2+",
             "w34": "w3+", "w15": "w4+", "w25": "w5+", "w35": "w6+", "t6": "b_o1+",
             "t5": "b_h2+", "t4": "b_h1+"}
    for book, ours in pairs.items():
        assert stepped[ours] == pytest.approx(ref[book], rel=1e-12, abs=1e-15)
    for book, ours in (("Err4", "delta_h1"), ("Err5", "delta_h2"), ("Err6", "delta_o1")):
        assert -stepped[ours] == pytest.approx(ref[book], rel=1e-12)


CLAIMS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__)))), "demos", "claims", "han_kamber_pei.txt")


def test_the_checker_accepts_the_figures_as_printed():
    report = check(CLAIMS)
    assert report.ok, str(report)
    assert len(report.results) == 20
    # the report speaks the book's names
    assert {"Err6", "w46+", "w04+", "O4", "I6"} <= {r.name for r in report.results}
    # ... and the book's sign of delta: Err6 shown as printed, beside -delta_o1
    assert report["Err6"].printed == "0.1311"
    assert report["Err6"].simulated == pytest.approx(reference()["Err6"], rel=1e-12)


def test_the_checker_flags_a_corrupted_figure():
    with open(CLAIMS, encoding="utf-8") as f:
        text = f.read()
    assert "w46+ = -0.261\n" in text
    report = check(text.replace("w46+ = -0.261\n", "w46+ = -0.216\n"))
    assert not report.ok
    assert report["w46+"].status == "wrong"


def test_the_sign_convention_matters():
    with open(CLAIMS, encoding="utf-8") as f:
        text = f.read()
    # without the convention line the book's Err_j = -dE/dnet are read in neurosim's sign
    report = check(text.replace("convention: delta = -dE/dnet\n", ""))
    assert not report.ok
    assert report["Err6"].status == "wrong"
