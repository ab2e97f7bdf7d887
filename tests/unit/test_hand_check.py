"""neurosim.hand_check: checking a hand calculation, finding its first wrong number and the slip.

Expected numbers and slips come from outside neurosim:

* the published figures of Mazur (2015) and of seeds 001 and 002 (the claims files in
  demos/claims/ copy them, citing the source; /work/notes/mazur_findings.md and
  seed002_findings.md say which rule or slip produced each wrong one);
* correct calculations computed here with tests/reference.py (an independent matrix-form
  engine), into which one slip at a time is planted on purpose: the checker must name it.
"""

import json
import math
import os
import sys

import pytest

import reference
from neurosim import quantities
from neurosim.errors import FormatError, UnknownNameError
from neurosim.hand_check import check
from neurosim.hand_check.claims import half_unit, parse_json, parse_text
from neurosim.hand_check.graph import Graph, Structure
from neurosim.hand_check.slips import difference, given_values, near_values
from neurosim.worked_examples import mazur, seed002, MAZUR_INPUTS, SEED002_INPUTS

CLAIMS = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "demos", "claims")

X = [0.05, 0.10]
T = [0.01, 0.99]
W = [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]]
B = [0.35, 0.60]
NAMES = [[["w1", "w2"], ["w3", "w4"]], [["w5", "w6"], ["w7", "w8"]]]


# --------------------------------------------------------------------------- a correct calculation
# Every quantity of Mazur's step by name, from the reference engine (not from neurosim), with the
# rules of the calculation as options: the hand calculation a student would write.

def worked(weights=W, biases=B, names=NAMES, *, activation="sigmoid", loss="half_squared_error",
           hidden_deltas="original_weights", bias="shared", train_biases=False):
    r = reference.step(weights, biases, X, T, activation=activation, loss=loss,
                       learning_rate=0.5, bias=bias, train_biases=train_biases,
                       hidden_deltas=hidden_deltas)
    df = reference.ACTIVATIONS[activation][1]
    error = reference.LOSSES[loss][0]
    hidden, outputs = ["h1", "h2"], ["o1", "o2"]
    v = {}
    for layer, neurons in enumerate((hidden, outputs)):
        for j, n in enumerate(neurons):
            v[f"net_{n}"], v[f"out_{n}"] = r.z[layer][j], r.a[layer][j]
    for j, o in enumerate(outputs):
        v[f"E_{o}"] = error([T[j]], [r.a[1][j]])
    v["E_total"] = r.error
    w_back = r.new_W[1] if hidden_deltas == "updated_weights" else weights[1]
    for layer, neurons in ((1, outputs), (0, hidden)):
        inputs = X if layer == 0 else r.a[0]
        for j, n in enumerate(neurons):
            if layer == 0:
                for u, o in enumerate(outputs):
                    v[f"dE_{o}/dout_{n}"] = r.delta[1][u] * w_back[u][j]
            v[f"dE/dout_{n}"] = r.dE_da[layer][j]
            v[f"dout_{n}/dnet_{n}"] = df(r.z[layer][j])
            v[f"delta_{n}"] = r.delta[layer][j]
            for i in range(2):
                w = names[layer][j][i]
                v[f"dnet_{n}/d{w}"] = inputs[i]
                v[f"dE/d{w}"] = r.grad_W[layer][j][i]
    for layer in range(2):
        for j in range(2):
            for i in range(2):
                v[f"{names[layer][j][i]}+"] = r.new_W[layer][j][i]
    v["E_total+"] = reference.total_error(r.new_W, r.new_b, X, T, loss=loss,
                                          activation=activation, bias=bias)
    return v


def claims_text(values, digits=9, **changed):
    """The values printed to ``digits`` decimals as claim lines; ``changed`` replaces printed
    texts (keys with '/' or '+' given as name strings through a dict)."""
    lines = ["network = mazur"]
    for name, value in values.items():
        lines.append(f"{name} = {changed.get(name, f'{value:.{digits}f}')}")
    return "\n".join(lines)


def wrong_kinds(report):
    return {r.name: r.kind for r in report.results if r.status == "wrong"}


# --------------------------------------------------------------------------- the graph


@pytest.mark.parametrize("build, x, options", [
    (mazur, MAZUR_INPUTS, {}),
    (mazur, MAZUR_INPUTS, {"hidden_deltas": "updated_weights"}),
    (mazur, MAZUR_INPUTS, {"bias": "per_neuron", "train_biases": True}),
    (mazur, MAZUR_INPUTS, {"loss": "squared_error", "weight_decay": 0.1}),
    (seed002, SEED002_INPUTS, {}),
])
def test_the_graph_names_every_quantity_as_the_worksheet_and_agrees_with_the_simulator(
        build, x, options):
    """The recomputation has exactly the names of neurosim.quantities, and with the stated
    rules the same values as the simulator, bit for bit (the same operations in order)."""
    net = build(**options)
    t = [0.01, 0.99] if build is mazur else [1.0]
    graph = Graph(Structure(net, x, t))
    values = graph.evaluate()
    simulated = quantities.of_step(net, x, t)
    assert set(quantities.names(net)) == set(graph.index) | set(graph.leaves) - {"learning_rate", "weight_decay"}
    assert {name: values[name] for name in simulated} == simulated


@pytest.mark.parametrize("rules, reference_options", [
    (dict(hidden_deltas="updated_weights"), dict(hidden_deltas="updated_weights")),
    (dict(bias="per_neuron", train_biases=True), dict(bias="per_neuron", train_biases=True)),
    (dict(train_biases=True), dict(train_biases=True)),
])
def test_rule_variants_of_the_graph_match_the_reference_engine(rules, reference_options):
    structure = Structure(mazur(), X, T)
    values = Graph(structure, structure.rules.but(**rules)).evaluate()
    options = dict(bias="shared", train_biases=False)
    options.update(reference_options)
    expected = worked(**options)
    for name, value in expected.items():
        assert values[name] == pytest.approx(value, rel=1e-12, abs=1e-15), name


def test_the_loss_without_the_half_in_the_graph():
    from neurosim import losses
    structure = Structure(mazur(), X, T)
    values = Graph(structure, structure.rules.but(loss=losses.get("squared_error"))).evaluate()
    for name, value in worked(loss="squared_error").items():
        assert values[name] == pytest.approx(value, rel=1e-12, abs=1e-15), name


def test_forcing_a_value_carries_it_forward_and_use_changes_one_formula():
    g = Graph(Structure(mazur(), X, T))
    forced = g.evaluate(force={"net_h1": 0.3875})
    assert forced["out_h1"] == pytest.approx(1 / (1 + math.exp(-0.3875)))
    used = g.evaluate(use={("w1*i1", "w1"): 0.35})
    assert used["net_h1"] == pytest.approx(0.35 * 0.05 + 0.2 * 0.1 + 0.35)
    assert used["w1+"] == g.evaluate()["w1+"] or used["w1+"] != 0.35  # w1 itself unchanged
    assert used["dE/dw1"] != g.evaluate()["dE/dw1"]  # but everything after net_h1 moved


# --------------------------------------------------------------------------- claims and tolerances


def test_half_a_unit_of_the_last_digit():
    assert half_unit("0.593269992") == pytest.approx(5e-10)
    assert half_unit("0.3775") == pytest.approx(5e-5)
    assert half_unit("0.0000351085") == pytest.approx(5e-11)
    assert half_unit("2") == 0.5


def test_text_claims_settings_labels_and_tolerances():
    sheet = parse_text("# a comment\nnetwork = mazur\ninputs = 0.05 0.1\neta = 0.5\n"
                       "out_h1 = 0.593269992   # f(net_h1)\n"
                       "dE_total/dw5 = 0.08217 ± 1e-5\nw5+ = 0.35891648 +- 1e-8\n")
    assert sheet.settings == {"network": "mazur", "inputs": [0.05, 0.1], "learning_rate": 0.5}
    first, second, third = sheet.entries
    assert (first.name, first.text, first.label, first.tol) == ("out_h1", "0.593269992",
                                                                "f(net_h1)", None)
    assert (second.name, second.tol, third.tol) == ("dE_total/dw5", 1e-5, 1e-8)


def test_json_claims_keep_printed_zeros():
    sheet = parse_json('{"_source": "a comment", "targets": [0.01, 0.99], '
                       '"claims": {"w7+": 0.511301270, "E_total": {"value": "0.298371109", '
                       '"tol": 1e-9, "label": "E"}}}')
    assert sheet.settings == {"targets": [0.01, 0.99]}
    assert [(c.name, c.text, c.tol, c.label) for c in sheet.entries] == [
        ("w7+", "0.511301270", None, ""), ("E_total", "0.298371109", 1e-9, "E")]


@pytest.mark.parametrize("text, error, message", [
    ("out_h1 = 0.5\nout_h2 0.59", FormatError,
     "line 2: expected 'name = value', got 'out_h2 0.59'"),
    ("no_such_file.txt", FormatError, "cannot read claims file 'no_such_file.txt'"),
    ("out_h1 = zero", FormatError, "line 1: expected a number, got 'zero'"),
    ("out_h1 = 0.5 ± -1", FormatError, "a tolerance must not be negative"),
    ("out_h9 = 0.5", UnknownNameError, "'out_h9' is not a quantity of this step; did you mean"),
    ("out_h1 = 0.5\nout_h1 = 0.6", FormatError, "out_h1 is claimed twice (also line 1)"),
    ("E_total@0 = 0.1", FormatError, "the count after @ must be a whole number of updates"),
    ("dE/dw5@10 = 0.1", UnknownNameError, "is not a forward quantity or parameter"),
    ("network = lenet\nout_h1 = 0.5", UnknownNameError, "no worked example is named 'lenet'"),
    ('{"out_h1": [1, 2]}', FormatError, "expected a number, a string or an object"),
    ("{not json", FormatError, "not valid JSON"),
    # A finite decimal past the largest double (about 1.8e308) would become float inf: it is
    # refused as nan and inf are, not judged right by an infinite difference.
    ("out_h1 = 1e999", FormatError, "line 1: expected a finite number, got '1e999', which is "
                                    "beyond the largest float"),
    ("out_h1 = -1e999", FormatError, "line 1: expected a finite number, got '-1e999'"),
    ("E_total@5 = 1e999", FormatError, "line 1: expected a finite number, got '1e999'"),
    ("out_h1 = " + "9" * 5000, FormatError, "expected a finite number, got "
                                            "'99999999999999999999...999999999999999 "
                                            "(5000 characters)'"),
    ("out_h1 = 0.5 ± 1e999", FormatError, "line 1: expected a finite number, got '1e999'"),
    ('{"out_h1": {"value": "0.5", "tol": "1e999"}}', FormatError,
     "$.out_h1: expected a finite number, got '1e999'"),
    ("inputs = 1e999, 0.1\nout_h1 = 0.5", FormatError, "expected a finite number, got '1e999'"),
    # Nothing to check is no pass: an autograder must not accept a blank submission.
    ("", FormatError, "<claims>: no claims to check: expected at least one 'name = value' "
                      "naming a quantity of the step"),
    ("# nothing\n\n  # at all", FormatError,
     "no claims to check: expected at least one 'name = value' naming a quantity of the step "
     "(such as 'out_h1 = 0.593269992'), got none (the text is empty or only comments)"),
    ("inputs = 0.05, 0.1\nw1 = 0.15\n", FormatError,
     "no claims to check: expected at least one 'name = value' naming a quantity of the step "
     "(such as 'out_h1 = 0.593269992'), got only settings and givens (inputs, w1)"),
    ("{}", FormatError, "got none (the text is empty or only comments)"),
    ('{"_source": "x", "network": "mazur"}', FormatError, "got only settings and givens "
                                                          "(network)"),
    # One line without '=' is a claims text, not a missing file: the error says what is wrong.
    ("out_h1 0.59", FormatError, "<claims> line 1: expected 'name = value', got 'out_h1 0.59'"),
    ("# nothing", FormatError, "got none (the text is empty or only comments)"),
    # ... while a name that looks like a path is still read as one.
    ("my answers.txt", FormatError, "cannot read claims file 'my answers.txt': No such file"),
    ("answers", FormatError, "cannot read claims file 'answers': No such file"),
    ("claims/answers", FormatError, "cannot read claims file 'claims/answers': No such file"),
    # An autograder must not be fooled. Half a unit of the last printed digit is the tolerance:
    # 0e999 made it infinite, so any value was right; 1e-999999999999 raised InvalidOperation.
    ("out_h1 = 0e999", FormatError, "<claims> line 1: expected a number whose last printed "
                                    "digit is worth from 1e-323 to 1e308 (half a unit of it is "
                                    "the claim's tolerance), got '0e999', whose last digit is "
                                    "worth 1e999"),
    ('{"out_h1": "0E+309"}', FormatError, "$.out_h1: expected a number whose last printed digit"),
    # (Pyodide's decimal module is the pure-Python one, which refuses the number itself:
    # "expected a number, got '1e-999999999999'"; the check is the same one line there.)
    ("out_h1 = 1e-999999999999", FormatError,
     "got '1e-999999999999'" if sys.platform == "emscripten" else
     "got '1e-999999999999', whose last digit is worth 1e-999999999999"),
    ("out_h1 = 0.5" + "0" * 400, FormatError, "got '0.500000000000000000...000000000000000 "
                                              "(403 characters)', whose last digit is worth "
                                              "1e-401"),
    # A JSON reader keeps the last of two equal keys: the first, wrong, claim went unchecked.
    ('{"out_h1": 0.1, "out_h1": 0.593269992}', FormatError,
     "<claims>: the key 'out_h1' appears twice in one object; a JSON reader keeps only the last "
     "of the two, so the first would be dropped unchecked"),
    ('{"out_h1": {"value": 0.1, "value": 0.593269992}}', FormatError,
     "the key 'value' appears twice in one object"),
    ('{"claims": {"out_h1": 0.1}, "out_h1": 0.593269992}', FormatError,
     "<claims> $.claims.out_h1: out_h1 is claimed twice (also $.out_h1)"),
    # ... and a setting given twice kept its last value, in both forms.
    ("eta = 0.5\nlearning_rate = 0.1\nout_h1 = 0.593269992", FormatError,
     "<claims> line 2: learning_rate is given twice (also line 1)"),
    ('{"eta": 0.5, "claims": {"learning_rate": 0.4, "out_h1": 0.5}}', FormatError,
     "<claims> $.claims.learning_rate: learning_rate is given twice (also $.eta)"),
    # The count of a long-run name: int() raised ValueError past 4,300 digits.
    ("E_total@" + "9" * 5000 + " = 0.5", FormatError,
     "line 1: 'E_total@999999999999...999999999999999 (5008 characters)': the count after @ "
     "must be a whole number of updates from 1 to 100,000"),
    ("E_total@\u00b2 = 0.5", FormatError, "the count after @ must be a whole number"),
    ("E_total@010 = 0.1\nE_total@10 = 0.1", FormatError, "line 2: E_total@10 is claimed twice "
                                                         "(also line 1)"),
    # JSON nested 100,000 deep raised RecursionError; a nested value cannot be shown by repr.
    ('{"out_h1": ' + "[" * 100_000 + "]" * 100_000 + "}", FormatError,
     "<claims>: the JSON is nested too deeply (more than 100 levels of [ and {)"),
    ('{"out_h1": ' + "[" * 50 + "]" * 50 + "}", FormatError,
     "$.out_h1: expected a number, a string or an object, got a list of 1 item"),
    ('{"out_h1": {"value": "0.5", "label": [1]}}', FormatError,
     "$.out_h1.label: expected a text, got a list of 1 item"),
    ('{"inputs": [[0.05], 0.1], "out_h1": 0.5}', FormatError,
     "$.inputs: expected numbers for inputs, got a list of 1 item"),
    ({5: 0.5}, FormatError, "<claims>: expected names as strings ('out_h1'), got int 5"),
    ({"claims": {("w", 5): 0.5}}, FormatError, "expected names as strings ('out_h1'), got "
                                               "tuple ('w', 5)"),
])
def test_bad_claims_are_one_clear_error(text, error, message):
    with pytest.raises(error) as caught:
        check(text)
    assert message in str(caught.value)


@pytest.mark.parametrize("text", [
    "\ufeffout_h1 = 0.593269992\nw5+ = 0.35891648",
    '\ufeff{"out_h1": "0.593269992", "w5+": "0.35891648"}',
])
def test_a_byte_order_mark_is_not_part_of_the_claims(tmp_path, text):
    """Notepad starts a UTF-8 file with one; it used to become part of the first name. The
    other readers open their files as utf-8-sig (neurosim step --commands, serialize.load)."""
    assert check(text).ok
    path = tmp_path / "claims.txt"
    path.write_text(text.lstrip("\ufeff"), encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    report = check(path)
    assert report.ok and [r.name for r in report.results] == ["out_h1", "w5+"]


def test_a_fraction_is_judged_as_the_float_nearest_to_it():
    """A Fraction has no printed digits; it used to be refused as 'expected a number'."""
    from fractions import Fraction
    report = check({"inputs": [Fraction(1, 20), Fraction(1, 10)],
                    "out_h1": Fraction(593269992, 10 ** 9),          # Mazur: out_h1
                    "w5+": Fraction(35891648, 10 ** 8)})             # Mazur: w5+
    assert report.ok and report["out_h1"].printed == "0.593269992"
    with pytest.raises(FormatError, match=r"\$\.out_h1: expected a finite number, got "
                                          r"Fraction\(10000.*beyond the largest float"):
        check({"out_h1": Fraction(10 ** 400)})


def test_givens_set_the_problem_and_claims_are_judged_with_them():
    """Weights, inputs and targets in the claims are givens: here w5 = 0.5, checked against
    the reference engine's step of that network."""
    w = [W[0], [[0.5, 0.45], [0.5, 0.55]]]
    expected = worked(weights=w)
    report = check(f"w5 = 0.5\nout_o1 = {expected['out_o1']:.9f}\nw5+ = {expected['w5+']:.9f}")
    assert report.ok and [r.name for r in report.results] == ["out_o1", "w5+"]


def test_the_report_says_what_the_claims_changed_in_the_problem():
    """Givens and rules in the claims set the problem; an answer to another problem must not
    pass as one to this one unseen: the report names them, in the table and in the JSON.
    E_total+ = 0.291027924 is Mazur's figure, which holds with hidden deltas from the updated
    weights (published figures, section A)."""
    report = check("hidden_deltas = updated_weights\nw5 = 0.4\ni2 = 0.1\n"
                   "E_total+ = 0.291027924")
    assert report.ok
    head = str(report).splitlines()
    assert head[1].startswith("network mazur [2, 2, 2] (with hidden_deltas=updated_weights), "
                              "inputs [0.05, 0.1]")
    assert head[2] == "given by the claims: w5 = 0.4, i2 = 0.1"
    doc = json.loads(report.to_json())
    assert doc["givens"] == {"w5": 0.4, "i2": 0.1}
    assert doc["network"] == "mazur [2, 2, 2] (with hidden_deltas=updated_weights)"
    assert json.loads(check("out_h1 = 0.593269992").to_json())["givens"] == {}


def test_a_claim_off_only_by_carried_rounding_is_not_wrong():
    """Mazur prints dE_o2/dout_h1 = -0.019049119; exact -0.0190491183 (half a unit is 5e-10,
    the difference 7.4e-10). It is his printed delta_o2 = -0.038098237 times w7 = 0.5, rounded
    half up (mazur_findings.md): the checker finds that rounding and does not fail the claim."""
    report = check("dE_o2/dout_h1 = -0.019049119")
    result = report["dE_o2/dout_h1"]
    assert report.ok and result.status == "rounding"
    assert "delta_o2 rounded to -0.038098237" in result.explanation
    assert not check("dE_o2/dout_h1 = -0.019049129").ok


def test_carried_rounding_needs_a_claim_printed_to_three_significant_digits():
    """Mazur's E_total is 0.298371109 and out_h1 0.593269992 (published-figures.md, section A).
    Printed as 1 and 0, each is off by more than half a unit of its only digit (0.70 and 0.59
    against 0.5): wrong. Rounding every intermediate to that one digit "explains" almost any
    number, so it is no excuse for a claim printed to fewer than 3 significant digits."""
    from neurosim.hand_check.diagnose import MIN_ROUNDING_DIGITS
    assert MIN_ROUNDING_DIGITS == 3
    for text in ("E_total = 1", "out_h1 = 0", "E_total = 0.9", "out_o1 = 1.1"):
        report = check(text)
        assert not report.ok and report.results[0].status == "wrong", text
    assert check("E_total = 0.3").ok and check("out_h1 = 1").ok  # right, to the digit printed


def test_an_explicit_tolerance_is_used_as_given():
    assert check("out_h1 = 0.5933 ± 0.0001").ok
    assert not check("out_h1 = 0.5933 ± 0.00001").ok


def test_a_stated_tolerance_shows_in_the_report():
    """``± 1e300`` lets any value pass: a grader must see it in the table, and a script in the
    JSON, rather than read the claim as checked to its digits."""
    report = check("out_h1 = 0 ± 1e300\nw5+ = 0.35891648")
    assert report.ok
    row = next(line for line in str(report).splitlines() if line.strip().startswith("out_h1"))
    assert row.split()[:4] == ["out_h1", "0", "±", "1e+300"]
    claims = json.loads(report.to_json())["claims"]
    assert [c["tol_stated"] for c in claims] == [True, False]
    assert claims[0]["tol"] == 1e300


# --------------------------------------------------------------------------- slips, as numbers


def test_difference_names_the_digit():
    assert difference("0.593289992", 0.5932699921) == "one digit: the 5th decimal, 6 -> 8"
    assert difference("0.29950292", 0.29950229) == "two adjacent digits swapped (0.29950229)"
    assert difference("-0.0000000015233151", -1.5233151e-08) == \
        "a power of ten: one zero too many (x 0.1)"
    assert difference("-0.5", 0.5) == "the sign flipped"


def test_slip_candidates():
    values = {x for x, _, _ in given_values(0.45, [("w7", 0.5)])}
    assert {0.35, 0.46, 0.54, 4.5, 0.045, -0.45, 0.5} <= values and 0.45 not in values
    assert [x for x, how, _ in near_values(0.3775, 0.38750000001)] == [0.3875]
    assert [how for x, how, _ in near_values(-2.451e-12, -2.4510001e-11)][-1] == \
        "a power of ten: one zero fewer (x 10)"


# --------------------------------------------------------------------------- published figures


def test_mazur_post_every_deviation_explained():
    """Mazur's post (published-figures.md, section A; mazur_findings.md): the hand calculation
    is right (dE_o2/dout_h1 within carried rounding); the error after the first update follows
    hidden deltas from the updated weights, which the hand-calculated w1+..w4+ contradict; the
    outputs after 10,000 updates follow the updated-weights rule after exactly 10,000; the error
    after 10,000 is the stated rule's, measured before the 10,000th update."""
    report = check(os.path.join(CLAIMS, "mazur_original.txt"))
    assert not report.ok
    assert report.first_wrong.name == "E_total+"
    assert set(wrong_kinds(report)) == {"E_total+", "E_total@10000", "out_o1@10000",
                                         "out_o2@10000"}
    assert report["dE_o2/dout_h1"].status == "rounding"
    e_plus = report["E_total+"]
    assert e_plus.kind == "rule"
    assert e_plus.explanation.startswith("holds with hidden deltas from the updated weights")
    assert "w1+" in e_plus.explanation and "hold only with the stated rules" in e_plus.explanation
    for name in ("out_o1@10000", "out_o2@10000"):
        assert report[name].explanation == ("holds with hidden deltas from the updated weights, "
                                            "after exactly 10000 updates")
    assert report["E_total@10000"].explanation.startswith(
        "holds with the stated rules, measured before the 10000th update")
    assert "after 9999 updates" in report["E_total@10000"].explanation


def test_seed001_chinese_variant():
    """Seed 001's text: 0.75136079 is a typo (E_total follows 0.75136507); its 0.000035085 is
    the updated-weights run after exactly 10,000 updates (mazur_findings.md)."""
    report = check(os.path.join(CLAIMS, "mazur_seed001_zh.txt"))
    assert report.first_wrong.name == "out_o1"
    out = report["out_o1"]
    assert out.kind == "typo" and "0.75136507" in out.explanation
    assert out.follows == ("E_total",)
    assert report["E_total"].status == "right"
    assert report["E_total+"].kind == "rule"
    assert report["E_total@10000"].explanation == (
        "holds with hidden deltas from the updated weights, after exactly 10000 updates")


@pytest.fixture(scope="module")
def seed002_report():
    return check(os.path.join(CLAIMS, "seed002.json"))


def test_seed002_first_wrong_number_and_its_slip(seed002_report):
    """Seed 002 (published-figures.md, section B; seed002_findings.md): the first wrong number
    is y_hat; the author read w_(2,5) (neurosim's w11, h2 -> h5) as 3 instead of 2 in the
    forward pass only, the backward pass uses 2."""
    report = seed002_report
    assert report.first_wrong.name == "out_o1"
    first = report["out_o1"]
    assert first.kind == "slip"
    assert first.explanation.startswith("w11 (h2 -> h5) read as 3 instead of 2")
    assert "in w11*out_h2 (the forward pass) only" in first.explanation
    assert report.consequences == ["dE/dout_o1", "dout_o1/dnet_o1", "delta_o1", "dE/dout_h4",
                                   "dE/dout_h5"]
    assert "w11 read as 3" in report["dout_h5/dnet_h5"].explanation
    for name in ("out_h1", "out_h2", "out_h3", "net_h4", "out_h4", "dout_h4/dnet_h4",
                 "dout_h1/dnet_h1", "dout_h2/dnet_h2", "dout_h3/dnet_h3"):
        assert report[name].status == "right", name


def test_seed002_powers_of_ten(seed002_report):
    """delta2[0] is printed with one zero too many, while delta1 was computed from the right
    value; the new W1's rows 2 and (3, 2) carry an increment ten times too large."""
    report = seed002_report
    delta = report["delta_h4"]
    assert delta.kind == "typo" and "one zero too many" in delta.explanation
    assert set(delta.follows) >= {"delta_h1", "delta_h2", "delta_h3"}
    assert report["w3+"].explanation.startswith("delta_h2 carried on as -2.45")
    assert "one zero fewer (x 10)" in report["w3+"].explanation
    assert "slip found at w3+" in report["w4+"].explanation
    assert report["w6+"].explanation.startswith("delta_h3 used as -1.59")
    assert "in dE/dw6 (the gradient) only" in report["w6+"].explanation
    assert {r.name: r.kind for r in report.wrong if r.kind in ("typo", "unexplained")} == {
        "delta_h4": "typo"}


def test_seed002_report_as_text_and_json(seed002_report):
    text = str(seed002_report)
    assert text.splitlines()[0] == "seed002.json: 27 claims, 9 right, 18 wrong"
    assert "first wrong claim: out_o1 = 0.997520293823002" in text
    doc = json.loads(seed002_report.to_json())
    assert doc["ok"] is False and doc["first_wrong"] == "out_o1"
    assert doc["counts"] == {"right": 9, "rounding": 0, "wrong": 18}
    assert doc["slips"][0]["found_at"] == "out_o1"
    assert doc["claims"][0] == {
        "name": "out_h1", "label": "f1(z1)", "printed": "0.993307149075715",
        "value": 0.993307149075715, "simulated": doc["claims"][0]["simulated"],
        "difference": doc["claims"][0]["difference"], "tol": doc["claims"][0]["tol"],
        "tol_stated": False, "status": "right", "kind": None, "explanation": "", "follows": [], "holds_under": []}


# --------------------------------------------------------------------------- planted slips


def test_a_correct_calculation_passes():
    report = check(claims_text(worked()))
    assert report.ok, str(report)
    assert report.first_wrong is None and "every claim holds." in str(report)


def _only_explained_by(report, phrase):
    kinds = wrong_kinds(report)
    assert kinds and set(kinds.values()) <= {"rule", "consequence", "slip"}, str(report)
    assert report.slips[0]["text"].startswith(phrase), report.slips
    assert set(report.slips[0]["explains"]) | set(
        n for n, k in kinds.items() if k == "consequence") == set(kinds)


def test_planted_updated_weights_rule():
    report = check(claims_text(worked(hidden_deltas="updated_weights")))
    assert report.first_wrong.name == "dE_o1/dout_h1"
    _only_explained_by(report, "hidden deltas from the updated weights")


def test_planted_loss_without_the_half():
    report = check(claims_text(worked(loss="squared_error")))
    assert report.first_wrong.name == "E_o1"
    _only_explained_by(report, "the loss without the 1/2")


def test_planted_f_for_f_prime(monkeypatch):
    sigmoid = reference.ACTIVATIONS["sigmoid"][0]
    monkeypatch.setitem(reference.ACTIVATIONS, "f_for_fprime", (sigmoid, sigmoid))
    report = check(claims_text(worked(activation="f_for_fprime")))
    assert report.first_wrong.name == "dout_o1/dnet_o1"
    _only_explained_by(report, "f(net) used where f'(net) belongs, in every layer")


def test_planted_sign_error(monkeypatch):
    error = reference.LOSSES["half_squared_error"][0]
    monkeypatch.setitem(reference.LOSSES, "sign_slip",
                        (error, lambda t, o: [tk - ok for tk, ok in zip(t, o)]))
    values = worked(loss="sign_slip")
    report = check(claims_text(values))
    assert report.first_wrong.name == "dE/dout_o1"
    _only_explained_by(report, "a sign error: dE/dout_o = target - out")


def test_planted_transposed_weight_matrix():
    """The student reads w2 as the weight i1 -> h2 and w3 as i2 -> h1: the first layer's matrix
    transposed. Reference: the network with W1 transposed, each weight under the student's
    name."""
    transposed = [[[0.15, 0.25], [0.20, 0.30]], W[1]]
    names = [[["w1", "w3"], ["w2", "w4"]], NAMES[1]]
    stated = set(quantities.names(mazur()))  # dnet_h1/dw3 exists only in the student's reading
    values = {k: v for k, v in worked(weights=transposed, names=names).items() if k in stated}
    report = check(claims_text(values))
    assert report.first_wrong.name == "net_h1"
    _only_explained_by(report, "the weight matrix of layer 1 read transposed (w2 <-> w3)")


def test_planted_one_digit_typo():
    """out_h1 printed with one wrong digit, everything after it computed from the right value."""
    values = worked()
    report = check(claims_text(values, out_h1="0.593289992"))
    assert report.first_wrong.name == "out_h1" and len(report.wrong) == 1
    result = report["out_h1"]
    assert result.kind == "typo"
    assert result.explanation.startswith("probable typo (one digit: the 5th decimal, 6 -> 8)")
    assert "net_o1" in result.follows


def test_planted_typo_in_a_last_figure():
    report = check(claims_text(worked(), **{"w4+": "0.29950292"}))
    assert report["w4+"].kind == "typo"
    assert "two adjacent digits swapped" in report["w4+"].explanation


def test_planted_arithmetic_slip_carried_forward():
    """net_h1 computed as 0.3875 (one digit) and everything after it from that number:
    reference engine with h1's bias 0.36 (the biases are not updated, so only the forward pass
    sees it)."""
    values = worked(biases=[[0.36, 0.35], [0.6, 0.6]], bias="per_neuron")
    del values["E_total+"]  # the forward pass after the update is a calculation of its own
    report = check(claims_text(values))
    assert report.first_wrong.name == "net_h1"
    later = [r.name for r in report.wrong][1:]
    assert later and set(report.consequences) == set(later)
    for name in later:
        assert report[name].kind == "consequence", name
    assert "0.36" in report["net_h1"].explanation or "0.3875" in report["net_h1"].explanation


def test_planted_misread_weight():
    """w6 = 0.45 read as 0.54 (two digits swapped) everywhere, even in its update."""
    w = [W[0], [[0.40, 0.54], [0.50, 0.55]]]
    report = check(claims_text(worked(weights=w)))
    assert report.first_wrong.name == "net_o1"
    assert report.slips[0]["text"] == (
        "w6 (h2 -> o1) read as 0.54 instead of 0.45 (two adjacent digits swapped (45 -> 54))")
    assert {r.kind for r in report.wrong} <= {"slip", "consequence"}


def test_planted_biases_updated():
    values = worked(train_biases=True)
    report = check(claims_text({"E_total+": values["E_total+"]}))
    assert report["E_total+"].explanation == "holds with the biases updated too"


def test_planted_per_neuron_biases_where_the_text_shares_them():
    """Mazur's text: b1, b2 shared and frozen; the student gave each neuron its own bias and
    updated it. Reference: per-neuron biases, trained."""
    r = reference.step(W, [[0.35, 0.35], [0.6, 0.6]], X, T, learning_rate=0.5,
                       bias="per_neuron", train_biases=True)
    after = reference.total_error(r.new_W, r.new_b, X, T, bias="per_neuron")
    report = check(f"w5+ = {r.new_W[1][0][0]:.12f}\nE_total+ = {after:.12f}")
    assert report["w5+"].status == "right"
    assert report["E_total+"].explanation == (
        "holds with one bias per neuron, updated (b_h1, b_h2, ... instead of b1)")


def test_planted_shared_biases_where_the_network_has_one_per_neuron():
    """The network has a trained bias per neuron (equal values); the student shared one bias
    per layer, so dE/db is the sum of the layer's deltas. Reference: shared, trained."""
    r = reference.step(W, B, X, T, learning_rate=0.5, bias="shared", train_biases=True)
    after = reference.total_error(r.new_W, r.new_b, X, T, bias="shared")
    from neurosim import NeuralNetwork
    net = NeuralNetwork.from_weights(W, [[0.35, 0.35], [0.6, 0.6]], learning_rate=0.5)
    report = check(f"E_total+ = {after:.12f}", net, X, T)
    assert str(report).startswith("<claims>: 1 claim, ")
    assert report["E_total+"].explanation == (
        "holds with one bias shared by each layer (dE/db = the sum of its deltas)")


def test_planted_step_counts():
    """The error reported by the 100th training step (after 99 updates), and outputs after 100
    updates with the updated-weights rule: reference engine runs."""
    _, _, errors = reference.train(W, B, X, T, 100, learning_rate=0.5, bias="shared",
                                   train_biases=False)
    w, b, _ = reference.train(W, B, X, T, 100, learning_rate=0.5, bias="shared",
                              train_biases=False, hidden_deltas="updated_weights")
    out = reference.forward(w, b, X, bias="shared")[1][-1]
    report = check(f"E_total@100 = {errors[-1]:.12f}\nout_o1@100 = {out[0]:.12f}")
    assert report["E_total@100"].explanation.startswith(
        "holds with the stated rules, measured before the 100th update")
    assert report["out_o1@100"].explanation == (
        "holds with hidden deltas from the updated weights, after exactly 100 updates")
    assert check(f"E_total@100 = {errors[-1]:.12f}", window=0)["E_total@100"].kind == \
        "unexplained"


def test_diagnosis_can_be_skipped():
    report = check(claims_text(worked(loss="squared_error")), diagnose=False)
    assert not report.ok and report.slips == [] and report["E_o1"].kind is None


def test_long_runs_and_the_window_are_bounded():
    """A typo such as E_total@100000000 would run for hours: refused, saying the limit."""
    from neurosim.errors import ConfigurationError
    from neurosim.hand_check.checking import MAX_STEPS
    with pytest.raises(FormatError, match=r"from 1 to 100,000"):
        check(f"E_total@{MAX_STEPS + 1} = 0.01")
    for window in (-1, MAX_STEPS + 1, 2.5, True):
        with pytest.raises(ConfigurationError, match="window must be a whole number"):
            check("out_h1 = 0.593269992", window=window)


def test_claims_printed_to_more_places_than_a_float_holds():
    """Found by tests/property/test_claims_fuzz.py: Decimal's 28-digit default context."""
    report = check("out_h1 = 1.87259886635512e-211")
    assert report["out_h1"].status == "wrong"
    report = check({"out_h1": "0.0", "learning_rate": "8.333333333333333e+27"})
    assert report["out_h1"].status == "wrong"


def test_a_claims_file_that_is_not_text(tmp_path):
    path = tmp_path / "scan.txt"
    path.write_bytes(b"out_h1 = 0.59\xff\xfe\n")
    with pytest.raises(FormatError, match=r"is not UTF-8 text \(byte 13") as caught:
        check(path)
    assert str(caught.value).endswith("\nsave it as UTF-8 text")
    with pytest.raises(FormatError) as caught:
        check(b"out_h1 = 0.59\xff\n")
    assert str(caught.value) == ("the claims are not UTF-8 text (byte 13: b'\\xff')\n"
                                 "decode them first, or give them as a str")
    with pytest.raises(FormatError, match="cannot read claims file"):
        check("\x00")


# --------------------------------------------------------------------------- the Python API's arguments

@pytest.mark.parametrize("options, error, message", [
    (dict(net=5), "ConfigurationError",
     "net must be a NeuralNetwork (or None for the claims' worked example), got int 5"),
    (dict(net="mazur"), "ConfigurationError",
     "net must be a NeuralNetwork (or None for the claims' worked example), got str 'mazur'"),
    (dict(inputs="0.05,0.1"), "ShapeError",
     "inputs must be a list of 2 numbers (i1, i2), got '0.05,0.1'"),
    (dict(targets=[0.01]), "ShapeError", "targets must have 2 values"),
    (dict(inputs=[0.05, float("nan")]), "InputError", "i2 must be finite, got nan"),
    (dict(diagnose="no"), "ConfigurationError", "diagnose must be True or False, got 'no'"),
    (dict(diagnose=None), "ConfigurationError", "diagnose must be True or False, got None"),
])
def test_bad_arguments_are_one_clear_error(options, error, message):
    from neurosim import errors
    with pytest.raises(getattr(errors, error)) as caught:
        check("out_h1 = 0.593269992", **options)
    assert message in str(caught.value)


def test_a_report_names_its_claims():
    report = check("out_h1 = 0.593269992\nE_total = 0.298371109")
    with pytest.raises(UnknownNameError) as caught:
        report["out_h2"]
    assert str(caught.value) == "no claim is named 'out_h2' in this report; did you mean out_h1?"
    with pytest.raises(KeyError) as caught:  # UnknownNameError is a KeyError
        report["nope"]
    assert str(caught.value) == ("no claim is named 'nope' in this report; claims: out_h1, "
                                 "E_total")


def test_json_has_no_infinities():
    """With w5 = w6 = 1e308, net_o1 = 1e308 (out_h1 + out_h2) + 0.6, about 1.19e308 with
    Mazur's out_h1 = 0.593269992, out_h2 = 0.596884378; the claim -1e308 is then off by more
    than the largest double: the difference overflows to -inf, which JSON cannot hold, so it is
    null. With w5 = w6 = 1.7e308 the simulator's net_o1 itself is past the float range."""
    doc = json.loads(check("w5 = 1e308\nw6 = 1e308\nnet_o1 = -1e308").to_json())
    row = doc["claims"][0]
    assert row["simulated"] == pytest.approx(1e308 * (0.593269992 + 0.596884378), rel=1e-8)
    assert row["difference"] is None and row["status"] == "wrong" and doc["ok"] is False
    doc = json.loads(check("w5 = 1.7e308\nw6 = 1.7e308\nnet_o1 = 0.5").to_json())
    assert doc["claims"][0]["simulated"] is None and doc["claims"][0]["status"] == "wrong"


def test_the_json_form_takes_the_books_names_and_its_sign_of_delta():
    """``"names"`` and ``"convention"`` in JSON are the text form's ``name BOOK = NEUROSIM`` and
    ``convention: delta = -dE/dnet``; the figures are Mazur's, the book's delta with its sign
    turned."""
    from published import MAZUR_LINES
    report = check(json.dumps({"names": {"w46": "w7"}, "convention": "delta = -dE/dnet",
                               "claims": {"w46+": MAZUR_LINES["w7+"],
                                          "delta_o1": "-" + MAZUR_LINES["delta_o1"]}}))
    assert report.ok, str(report)
    assert [(r.name, r.printed) for r in report.results] == [
        ("delta_o1", "-0.138498562"), ("w46+", "0.511301270")]
    wrong = check('{"convention": "delta = -dE/dnet", "delta_o1": "0.138498562"}')
    assert wrong["delta_o1"].status == "wrong"


def test_a_negative_tolerance_is_refused_in_json_as_in_text():
    with pytest.raises(FormatError, match=r"^<claims> \$\.out_h1: a tolerance must not be "
                                          r"negative, got '-1e-9'$"):
        check('{"out_h1": {"value": "0.593269992", "tol": "-1e-9"}}')


def test_a_long_run_claim_on_a_bias_the_rules_leave_untrained():
    """Mazur's biases are not updated, so b1 after 10 updates is still his b1 = 0.35. The rules
    the long run also tries include one bias per neuron, where no b1 exists: that was a bare
    KeyError."""
    report = check("b1@10 = 0.35\nb2@3 = 0.60")
    assert [(r.name, r.status, r.simulated) for r in report.results] == [
        ("b2@3", "right", 0.6), ("b1@10", "right", 0.35)]
