"""PostNetwork Academy's softmax + cross-entropy example, reproduced and checked.

Source read for these figures (the search tool's "pages" corpus): B. S. Kushwaha (PostNetwork
Academy), "Understanding Neural Networks: Softmax, Cross-Entropy, and Backpropagation",
https://www.postnetwork.co/understanding-neural-networks-softmax-cross-entropy-and-backpropagation
Quoted verbatim (its LaTeX flattened):

    x_1=1, x_2=2, x_3=-1
    w_1=0.2, w_2=-0.3, w_3=0.4, b^(1)=0.5
    w_4=-0.5, w_5=0.1, w_6=0.2
    z^(1) = 0.2(1) - 0.3(2) + 0.4(-1) + 0.5 = -0.3
    z^(2) = -0.5(1) + 0.1(2) + 0.2(-1) + 0.5 = 0
    a^(1) = sigma(z^(1)) = 1/(1+e^{0.3}) ~ 0.426
    a^(2) = sigma(z^(2)) = 1/(1+e^0) = 0.5
    w_7=0.3, w_8=-0.1, w_9=0.4, w_10=0.2, b^(2)=0.1
    z^(3) = 0.3(0.426) + 0.4(0.5) + 0.1 ~ 0.428
    z^(4) = -0.1(0.426) + 0.2(0.5) + 0.1 ~ 0.185
    y-hat_1 = e^{0.428}/(e^{0.428}+e^{0.185}) ~ 0.561
    y-hat_2 = e^{0.185}/(e^{0.428}+e^{0.185}) ~ 0.439
    L = -sum_{i=1}^2 y_i ln(y-hat_i); for y=[1,0]: L = -(1 ln(0.561)) ~ 0.579
    dL/dw_7 = (y-hat_1 - y_1) a^(1),  dL/dw_8 = (y-hat_1 - y_1) a^(2),
    dL/dw_9 = (y-hat_2 - y_2) a^(1),  dL/dw_10 = (y-hat_2 - y_2) a^(2)

Where the page slips, the engine follows the math:

* z(4) = -0.1(0.426) + 0.2(0.5) + 0.1 is 0.1574, printed 0.185; y-hat and L are computed from
  0.185, so they are wrong as its consequences (from z(3) = 0.428 and z(4) = 0.185,
  y-hat_1 = 0.56045, printed 0.561; L = -ln(0.56045) = 0.579 as printed, though -ln(0.561),
  the formula as printed, is 0.578). The engine gives z(4) = 0.15744, y-hat = (0.56715,
  0.43285) and L = 0.56714.
* The page's names for the four output weights disagree: Step 3 multiplies a(2) by w_9 = 0.4
  in z(3), its gradients by w_8. The numbers in z(3) and z(4) fix the network; neurosim names
  the weights into o1 w7, w8 and into o2 w9, w10, and no claim uses the page's names for them.
"""

import math
import os

from neurosim import check
from neurosim.worked_examples import (POSTNETWORK_INPUTS, POSTNETWORK_TARGETS,
                                      postnetwork_softmax)

CLAIMS = os.path.join(os.path.dirname(__file__), "..", "..", "demos", "claims",
                      "postnetwork_softmax.txt")

#: The printed figures by neurosim's names, as printed.
PRINTED = {"net_h1": "-0.3", "net_h2": "0", "out_h1": "0.426", "out_h2": "0.5",
           "net_o1": "0.428", "net_o2": "0.185", "out_o1": "0.561", "out_o2": "0.439",
           "E_total": "0.579"}
SLIP = {"net_o2", "out_o1", "out_o2", "E_total"}


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def reference(z4=None):
    """The page's forward pass written out here; ``z4`` replaces z(4) (the page's slip)."""
    x1, x2, x3 = POSTNETWORK_INPUTS
    z1 = 0.2 * x1 - 0.3 * x2 + 0.4 * x3 + 0.5
    z2 = -0.5 * x1 + 0.1 * x2 + 0.2 * x3 + 0.5
    a1, a2 = sigmoid(z1), sigmoid(z2)
    z3 = 0.3 * a1 + 0.4 * a2 + 0.1
    z4 = -0.1 * a1 + 0.2 * a2 + 0.1 if z4 is None else z4
    e3, e4 = math.exp(z3), math.exp(z4)
    y1, y2 = e3 / (e3 + e4), e4 / (e3 + e4)
    return {"net_h1": z1, "net_h2": z2, "out_h1": a1, "out_h2": a2, "net_o1": z3,
            "net_o2": z4, "out_o1": y1, "out_o2": y2, "E_total": -math.log(y1)}


def half_unit(printed):
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return 0.5 * 10.0 ** -decimals


def test_the_reference_gives_every_printed_figure_but_the_slip():
    ref = reference()
    for name, printed in PRINTED.items():
        agrees = abs(ref[name] - float(printed)) <= half_unit(printed)
        assert agrees == (name not in SLIP), (name, ref[name], printed)


def test_the_printed_outputs_and_loss_follow_from_the_slip():
    # from z(3) = 0.428 and z(4) = 0.185 as printed: y-hat_1 = 0.56045, printed 0.561 (one unit
    # of the third decimal off), and L = -ln(0.56045) = 0.57901, printed 0.579 (where
    # -ln(0.561), the formula as printed, is 0.57803)
    e3, e4 = math.exp(0.428), math.exp(0.185)
    y1, y2 = e3 / (e3 + e4), e4 / (e3 + e4)
    assert abs(y1 - 0.561) <= 1e-3 and abs(y2 - 0.439) <= 1e-3
    assert round(y1, 4) == 0.5605 and round(y2, 4) == 0.4395
    assert abs(-math.log(y1) - 0.579) <= half_unit("0.579")
    assert round(-math.log(0.561), 3) == 0.578


def test_neurosim_reproduces_the_step_and_the_pages_gradients():
    net = postnetwork_softmax()
    E = net.train(POSTNETWORK_INPUTS, POSTNETWORK_TARGETS)
    ref = reference()
    assert math.isclose(E, ref["E_total"], rel_tol=1e-14)
    for name in ("net_h1", "net_h2", "out_h1", "out_h2", "net_o1", "net_o2", "out_o1",
                 "out_o2"):
        kind, neuron = name.split("_")
        assert math.isclose(getattr(net[neuron], kind), ref[name], rel_tol=1e-14,
                            abs_tol=1e-15), name
    # the page's gradients: dL/dw = (y-hat_k - y_k) a^(j), here exactly (y - t is delta)
    o1, o2 = net["o1"], net["o2"]
    a1, a2 = ref["out_h1"], ref["out_h2"]
    assert math.isclose(o1.dE_dw[0], (ref["out_o1"] - 1.0) * a1, rel_tol=1e-13)
    assert math.isclose(o1.dE_dw[1], (ref["out_o1"] - 1.0) * a2, rel_tol=1e-13)
    assert math.isclose(o2.dE_dw[0], (ref["out_o2"] - 0.0) * a1, rel_tol=1e-13)
    assert math.isclose(o2.dE_dw[1], (ref["out_o2"] - 0.0) * a2, rel_tol=1e-13)


def test_the_checker_flags_the_slip_and_its_consequences():
    report = check(CLAIMS)
    assert not report.ok
    assert report.first_wrong.name == "net_o2"
    for name, printed in PRINTED.items():
        assert report[name].status == ("wrong" if name in SLIP else "right"), name
    assert "slip" in report["net_o2"].explanation
    for name in ("out_o1", "out_o2"):
        assert "follows from net_o2" in report[name].explanation


def test_the_checker_flags_a_corrupted_figure():
    with open(CLAIMS, encoding="utf-8") as f:
        text = f.read()
    corrupted = text.replace("out_h1 = 0.426", "out_h1 = 0.462")
    assert corrupted != text
    report = check(corrupted)
    assert report.first_wrong.name == "out_h1"
