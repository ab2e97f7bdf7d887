"""The worksheet in the books' sign of delta: ``convention="delta = -dE/dnet"``.

Expected numbers: Han, Kamber and Pei's printed Err values (Table 3 of the worked copy quoted
in tests/worked/test_han_kamber_pei.py, checked below to be quoted from there), their
definition Err_j = O_j(1 - O_j)(T_j - O_j) written out here independently, and exact algebra:
the book's delta is neurosim's with its sign turned, so every delta of the book sheet must be
the exact negative of the default sheet's, and every gradient and new weight the same number.
"""

import math
import os
import re

import pytest

from neurosim.cli import main
from neurosim.errors import ConfigurationError
from neurosim.formula import delta_sign
from neurosim.render.worksheet import worksheet
from neurosim.worked_examples import (EXAMPLES, HAN_INPUTS, HAN_TARGETS, MAZUR_INPUTS,
                                      MAZUR_TARGETS, han_kamber_pei, mazur)

BOOK = "delta = -dE/dnet"

#: Table 3 as tests/worked/test_han_kamber_pei.py quotes it (units 6, 5, 4 are o1, h2, h1).
TABLE_3 = """\
    Table 3: 6  (0.474)(1 - 0.474)(1 - 0.474) = 0.1311
             5  (0.525)(1 - 0.525)(0.1311)(-0.2) = -0.0065
             4  (0.332)(1 - 0.332)(0.1311)(-0.3) = -0.0087
"""
ERR_PRINTED = {"o1": "0.1311", "h2": "-0.0065", "h1": "-0.0087"}

HAN_TEST = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "worked", "test_han_kamber_pei.py")


def lines(sheet):
    """Each line of the calculation by its left side: lhs -> the number it ends with."""
    out = {}
    for line in sheet.splitlines():
        if line.startswith("  ") and " = " in line:
            sides = line.strip().split("    (")[0].split(" = ")
            out[sides[0]] = float(sides[-1])
    return out


def han_reference():
    """The book's Err_j, written out from its definitions (not from neurosim)."""
    s = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    x1, x2, x3 = HAN_INPUTS
    O4 = s(0.2 * x1 + 0.4 * x2 - 0.5 * x3 - 0.4)
    O5 = s(-0.3 * x1 + 0.1 * x2 + 0.2 * x3 + 0.2)
    O6 = s(-0.3 * O4 - 0.2 * O5 + 0.1)
    err6 = O6 * (1 - O6) * (HAN_TARGETS[0] - O6)
    return {"o1": err6, "h2": O5 * (1 - O5) * err6 * -0.2, "h1": O4 * (1 - O4) * err6 * -0.3}


def test_the_printed_table_is_quoted_from_the_worked_test():
    with open(HAN_TEST, encoding="utf-8") as f:
        assert TABLE_3 in f.read()


def test_the_book_sheet_shows_err_with_the_books_sign():
    book = lines(worksheet(han_kamber_pei(), HAN_INPUTS, HAN_TARGETS, convention=BOOK))
    ref = han_reference()
    for neuron, printed in ERR_PRINTED.items():
        shown = book[f"delta_{neuron}"]
        assert math.copysign(1, shown) == math.copysign(1, float(printed))
        assert shown == pytest.approx(ref[neuron], rel=1e-8)      # 9 digits shown
    # the hidden units' Err as printed, to their digits
    assert abs(book["delta_h1"] - -0.0087) <= 0.00005
    assert abs(book["delta_h2"] - -0.0065) <= 0.00005
    # Err6 = 0.1311 is printed from the rounded O6 = 0.474 (see test_han_kamber_pei.py);
    # the sheet follows the math: 0.131169..., within the rounding carried from O6
    assert abs(book["delta_o1"] - 0.1311) <= 0.00005 + 0.0001


def test_the_book_sheet_at_the_books_digits():
    sheet = worksheet(han_kamber_pei(), HAN_INPUTS, HAN_TARGETS, convention=BOOK, digits=2)
    assert re.search(r"^  delta_h1 = .* = -0\.0087$", sheet, re.M)
    assert re.search(r"^  delta_h2 = .* = -0\.0065$", sheet, re.M)
    assert re.search(r"^  delta_o1 = -dE_total/dnet_o1 = .* = 0\.13$", sheet, re.M)


def threshold_han():
    """Han-Kamber-Pei's network in the threshold form (theta = -b), as their book writes it."""
    from neurosim import NeuralNetwork
    net = han_kamber_pei()
    return NeuralNetwork.from_weights(
        [[n.weights for n in layer.neurons] for layer in net.layers],
        thresholds=[[-n.bias for n in layer.neurons] for layer in net.layers],
        learning_rate=0.9)


CASES = {name: (make(), x, t) for name, (make, x, t) in EXAMPLES.items()}
CASES["han_thresholds"] = (threshold_han(), HAN_INPUTS, HAN_TARGETS)


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_delta_is_the_exact_negative_and_the_step_is_unchanged(case):
    net, inputs, targets = CASES[case]
    ours = lines(worksheet(net, inputs, targets, digits=17))
    book = lines(worksheet(net, inputs, targets, digits=17, convention=BOOK))
    deltas = [k for k in ours if k.startswith("delta_")]
    assert deltas
    for k in deltas:
        assert book[k] == -ours[k]
    messages = [k for k in ours if re.match(r"dE_\w+/dout_h", k) or k.startswith("dE_total/di")]
    assert messages
    for k in messages:                          # messages and their sums: -dE/dout, negated
        assert book["-" + k] == -ours[k], k
    for k, v in ours.items():                   # everything else: the very same numbers
        if k not in deltas and k not in messages:
            assert book[k] == v, k


def test_the_update_reads_w_plus_eta_delta_x():
    sheet = worksheet(han_kamber_pei(), HAN_INPUTS, HAN_TARGETS, convention=BOOK)
    book = lines(sheet)
    # Table 4: w46 -0.261 (neurosim's w7 from h1), w06 0.218 (b_o1)
    assert re.search(r"^  w7\+ = w7 \+ eta\*delta_o1\*out_h1 = -0\.3 \+ 0\.9\*", sheet, re.M)
    assert re.search(r"^  b_o1\+ = b_o1 \+ eta\*delta_o1 = 0\.1 \+ 0\.9\*", sheet, re.M)
    assert abs(book["w7+"] - -0.261) <= 0.0005 and abs(book["b_o1+"] - 0.218) <= 0.0005
    # each number on the line is the book's: w + eta*Err*O = w+
    line = next(l for l in sheet.splitlines() if l.startswith("  w7+ = "))
    old, rest = line.split(" = ")[2].split(" + ")
    eta, err, out = (float(t.strip("()")) for t in rest.split("*"))
    assert err == book["delta_o1"] and float(old) + eta * err * out == pytest.approx(book["w7+"],
                                                                             rel=1e-8)


def test_a_threshold_moves_against_the_books_delta():
    theta = threshold_han()
    sheet = worksheet(theta, HAN_INPUTS, HAN_TARGETS, convention=BOOK, digits=17)
    book = lines(sheet)
    assert book["dE_total/dtheta_o1"] == book["delta_o1"]          # dnet/dtheta = -1
    assert re.search(r"^  theta_o1\+ = theta_o1 - eta\*delta_o1 = ", sheet, re.M)
    # theta = -b: the threshold moves by minus the bias's step, t6 + l*Err6 = 0.218
    assert abs(-book["theta_o1+"] - 0.218) <= 0.0005


def test_the_note_says_which_sign_the_sheet_uses():
    book = worksheet(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, convention=BOOK)
    ours = worksheet(mazur(), MAZUR_INPUTS, MAZUR_TARGETS)
    assert "This sheet writes delta as the book does, delta = -dE/dnet" in book
    assert "neurosim's own delta is delta = dE/dnet" in book
    assert "as the book does" not in ours
    # the default convention spelled out is the default
    assert worksheet(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, convention="delta=dE/dnet") == ours
    zh = worksheet(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, convention=BOOK, lang="zh")
    assert "按教材的写法" in zh and "误差信号" in zh


def test_markdown_and_html_carry_the_books_sign():
    md = worksheet(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, convention=BOOK, format="markdown")
    line = next(l for l in md.splitlines() if l.startswith(r"$$ \delta_{\mathrm{o1}} = "))
    assert line.startswith(r"$$ \delta_{\mathrm{o1}} = -\frac{\partial E_{\mathrm{total}}}"
                           r"{\partial \mathrm{net}_{\mathrm{o1}}}")
    assert line.endswith("= -0.138498562 $$")       # Mazur's delta_o1 = 0.138498562, negated
    default_md = worksheet(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, format="markdown")
    assert "= 0.138498562 $$" in default_md and "= -0.138498562 $$" not in default_md
    html = worksheet(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, convention=BOOK, format="html")
    default_html = worksheet(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, format="html")
    assert "as the book does" in html and "as the book does" not in default_html
    negative = "<mo>−</mo><mn>0.138498562</mn>"          # MathML's minus sign, then the number
    assert negative in html and negative not in default_html
    assert 'alttext="delta_o1 = -dE_total/dnet_o1 = ' in html


def test_the_cli_option(capsys):
    assert main(["worksheet", "--example", "han_kamber_pei", "--convention", BOOK]) == 0
    out = capsys.readouterr().out
    assert lines(out)["delta_o1"] > 0 and "as the book does" in out
    assert main(["worksheet", "--convention", "delta = dE/dnet"]) == 0
    assert "as the book does" not in capsys.readouterr().out


def test_the_cli_refuses_another_convention(capsys):
    assert main(["worksheet", "--convention", "delta = dE/dout"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert len(err.splitlines()) == 1
    assert "'delta = dE/dnet'" in err and "'delta = -dE/dnet'" in err and "dE/dout" in err


@pytest.mark.parametrize("bad", ["delta = dE/dout", "-dE/dnet", "", None, -1, b"delta = -dE/dnet"])
def test_a_bad_convention_is_a_configuration_error(bad):
    with pytest.raises(ConfigurationError, match=r"convention must be 'delta = dE/dnet'.*"
                                                 r"'delta = -dE/dnet'"):
        worksheet(convention=bad)
    with pytest.raises(ConfigurationError):
        delta_sign(bad)


def test_delta_is_written_as_the_books_write_it():
    sheet = worksheet(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, convention=BOOK)
    shown = {l.split(" = ")[0].strip(): l.split(" = ")[2] for l in sheet.splitlines()
             if l.startswith("  delta_")}
    # at an output, (t - y) f'(net): the loss's -(target - out) negated
    assert shown["delta_o1"] == "(target_o1 - out_o1)*out_o1 (1 - out_o1)"
    # at a hidden neuron, (sum of delta w) f'(net), the weights of Mazur's 2-2-2 network
    assert shown["delta_h1"] == "(delta_o1*w5 + delta_o2*w7)*out_h1 (1 - out_h1)"
    assert shown["delta_h2"] == "(delta_o1*w6 + delta_o2*w8)*out_h2 (1 - out_h2)"
    # and with the numbers: (0.01 - 0.75136507) * 0.186815602 = -0.138498562 (Mazur's
    # delta_o1 = 0.138498562 with the book's sign)
    line = next(l for l in sheet.splitlines() if l.startswith("  delta_o1"))
    assert line.endswith("= -0.74136507*0.186815602 = -0.138498562")


def matrix_lines(sheet):
    """The matrix lines by their left side: lhs -> the last side's text."""
    return {l.split(" = ")[0].strip(): l.split(" = ")[-1] for l in sheet.splitlines()
            if re.match(r"  (delta_[ho]|dE_total/dW_[ho]|W_[ho]\+) = ", l)}


def negated(matrix_text):
    return [-float(v) for v in re.findall(r"[-\d.e]+", matrix_text)]


def test_the_matrix_form_follows_the_books_sign():
    ours = matrix_lines(worksheet(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, matrix=True,
                                  digits=17))
    sheet = worksheet(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, matrix=True, digits=17,
                      convention=BOOK)
    book = matrix_lines(sheet)
    assert set(book) == set(ours) == {"delta_o", "delta_h", "dE_total/dW_o", "dE_total/dW_h",
                                      "W_o+", "W_h+"}
    for k in ("delta_o", "delta_h"):
        assert [float(v) for v in re.findall(r"[-\d.e]+", book[k])] == negated(ours[k])
    for k in ("dE_total/dW_o", "dE_total/dW_h", "W_o+", "W_h+"):
        assert book[k] == ours[k]
    assert re.search(r"^  delta_o = -dE_total/dout_o ⊙ f'\(z_o\) = ", sheet, re.M)
    assert re.search(r"^  delta_h = \(W_o\^T delta_o\) ⊙ f'\(z_h\) = ", sheet, re.M)
    assert re.search(r"^  dE_total/dW_o = -delta_o out_h\^T = ", sheet, re.M)
    assert re.search(r"^  W_o\+ = W_o \+ eta delta_o out_h\^T = ", sheet, re.M)
