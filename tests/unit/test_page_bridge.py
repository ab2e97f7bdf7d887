"""neurosim.page.bridge, the Python the classroom page calls in Pyodide, called here on CPython.

Expected numbers: Mazur's published figures (tests/published.py) and the independent matrix
engine of tests/reference.py; never the bridge's own earlier output.
"""

import json
import math
from decimal import Decimal

import pytest

import reference
from neurosim import quantities
from neurosim.page import bridge
from neurosim.worked_examples import mazur
from published import MAZUR_INPUTS, MAZUR_LINES, MAZUR_TARGETS

MAZUR_W = [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]]
MAZUR_RULES = dict(learning_rate=0.5, bias="shared", train_biases=False)


def answer(function, *args):
    return json.loads(function(*[json.dumps(a) if isinstance(a, dict) else a for a in args]))


def mazur_state():
    return bridge.example("mazur")


def test_the_diagram_speaks_the_state_s_language():
    state = json.loads(mazur_state()) if isinstance(mazur_state(), str) else mazur_state()
    english = answer(bridge.step, dict(state, lang="en"))["svg"]
    chinese = answer(bridge.step, dict(state, lang="zh"))["svg"]
    assert ">target 0.01<" in english and ">目标 0.01<" in chinese and "target" not in chinese
    assert "lang must be one of en, zh" in bridge.step(json.dumps(dict(state, lang="fr")))


def within_printed(printed, value):
    exponent = Decimal(printed).as_tuple().exponent
    return abs(Decimal(value) - Decimal(printed)) <= Decimal(5) * Decimal(10) ** (exponent - 1)


def test_the_step_is_every_event_of_the_record_with_the_published_figures():
    out = answer(bridge.step, mazur_state())
    messages = out["messages"]
    record = mazur().train(MAZUR_INPUTS, MAZUR_TARGETS, record=True)
    assert [m["name"] for m in messages[:len(record)]] == [quantities.name_of(e) for e in record]
    assert [m["name"] for m in messages[len(record):]] == [
        "net_h1+", "out_h1+", "net_h2+", "out_h2+", "net_o1+", "out_o1+", "net_o2+", "out_o2+",
        "E_o1+", "E_o2+", "E_total+"]
    by_name = {m["name"]: m for m in messages}
    for name, printed in MAZUR_LINES.items():
        m = by_name[quantities.canonical(name)]
        assert within_printed(printed, m["value"]), (name, m["value"])
        assert float(m["value"]) == float(repr(float(m["value"])))       # repr: full precision
    assert by_name["out_h1"]["shown"] == "0.593269992"
    # each message names what it belongs to on the diagram
    assert (by_name["w5*out_h1"]["edge"], by_name["w5*out_h1"]["neuron"]) == ("w5", "o1")
    assert (by_name["dE_o1/dout_h1"]["edge"], by_name["dE_o1/dout_h1"]["neuron"]) == ("w5", "h1")
    assert (by_name["w5+"]["edge"], by_name["delta_o1"]["neuron"]) == ("w5", "o1")
    # the worksheet's MathML, one <math> per side of '=', the result last
    assert by_name["out_h1"]["mathml"].count("<math") == 4
    assert by_name["out_h1"]["mathml"].endswith("<mn>0.593269992</mn></mrow></math>")
    assert "0.593269992" not in by_name["out_h1"]["question"]           # the exercise's view
    assert 'data-w="w5"' in out["svg"]
    names = [p["name"] for p in out["parameters"]]
    assert names == ["i1", "i2", "target_o1", "target_o2", "w1", "w2", "w3", "w4", "b1", "w5",
                     "w6", "w7", "w8", "b2", "learning_rate"]


def test_an_edit_recomputes_as_the_independent_reference():
    state = answer(bridge.edit, mazur_state(), "w5", "0.3")
    state = answer(bridge.edit, state, "i2", "0.2")
    state = answer(bridge.edit, state, "target_o2", "0.5")
    state = answer(bridge.edit, state, "b1", "-0.1")
    state = answer(bridge.edit, state, "learning_rate", "0.25")
    by_name = {m["name"]: float(m["value"]) for m in answer(bridge.step, state)["messages"]}
    weights = [[[0.15, 0.20], [0.25, 0.30]], [[0.3, 0.45], [0.50, 0.55]]]
    r = reference.step(weights, [-0.1, 0.60], [0.05, 0.2], [0.01, 0.5],
                       **dict(MAZUR_RULES, learning_rate=0.25))
    assert math.isclose(by_name["out_h1"], r.a[0][0], rel_tol=1e-14)
    assert math.isclose(by_name["E_total"], r.error, rel_tol=1e-14)
    assert math.isclose(by_name["delta_h2"], r.delta[0][1], rel_tol=1e-12)
    assert math.isclose(by_name["w5+"], r.new_W[1][0][0], rel_tol=1e-14)
    assert math.isclose(by_name["w1+"], r.new_W[0][0][0], rel_tol=1e-14)


@pytest.mark.parametrize("name, text, message", [
    ("w5", "abc", "w5 must be a number, got 'abc'"),
    ("w5", "nan", "w5 must be a finite number"),
    ("i1", "1e999", "i1 must be a finite number"),
    ("w99", "1", "no parameter of this network is named 'w99'"),
    ("learning_rate", "-1", "learning_rate"),
])
def test_a_bad_edit_is_one_line_and_changes_nothing(name, text, message):
    out = answer(bridge.edit, mazur_state(), name, text)
    assert set(out) == {"error"} and message in out["error"], out


def test_run_steps_trains_as_the_reference():
    out = answer(bridge.train, mazur_state(), "3")
    weights, _, errors = reference.train(MAZUR_W, [0.35, 0.60], MAZUR_INPUTS, MAZUR_TARGETS, 3,
                                         **MAZUR_RULES)
    assert within_printed("0.298371109", out["first"])                    # Mazur: E before
    w5 = out["state"]["network"]["layers"][1]["neurons"][0]["weights"][0]
    assert math.isclose(w5, weights[1][0][0], rel_tol=1e-14)
    assert answer(bridge.train, mazur_state(), "0")["error"].startswith(
        "the number of steps must be from 1 to")


def test_the_exercise_is_judged_by_neurosim_check():
    from neurosim.hand_check import check
    typed = {"out_h1": "0.593269992", "out_o1": "0.75136079", "E_total": "0.298371109",
             "net_h1": " "}
    out = answer(bridge.check, mazur_state(), json.dumps(typed))
    status = {r["name"]: (r["status"], r["kind"]) for r in out["results"]}
    # Mazur's figures, one with two digits moved: right, wrong (a typo), right
    assert status == {"out_h1": ("right", None), "out_o1": ("wrong", "typo"),
                      "E_total": ("right", None)}
    report = check({k: v for k, v in typed.items() if v.strip()})     # what the CLI says
    assert [r["explanation"] for r in out["results"]] == [r.explanation for r in report.results]
    assert answer(bridge.check, mazur_state(), json.dumps({"net_h1": ""}))["error"].startswith(
        "type a value to check first")


def test_importing_a_network_keeps_a_sample_that_fits():
    from neurosim.serialize import dumps
    from neurosim.worked_examples import seed002
    state = answer(bridge.load_network, mazur_state(), dumps(seed002()))
    assert state["inputs"] == [0.05, 0.1] and state["targets"] == [0.0]
    assert state["network"]["layer_sizes"] == [2, 3, 2, 1]
    bad = answer(bridge.load_network, mazur_state(), '{"format": "neurosim-network"}')
    assert set(bad) == {"error"}


def test_a_broken_state_is_refused_with_a_sentence():
    assert "must be JSON" in answer(bridge.step, "{")["error"]
    assert "network, inputs and targets" in answer(bridge.step, "[]")["error"]
    wrong = dict(mazur_state(), inputs=[1.0])
    assert "inputs must have 2 values" in answer(bridge.step, wrong)["error"]


def test_the_training_view_separates_xor():
    start = answer(bridge.training_start, {"dataset": "xor", "hidden": "4",
                                           "learning_rate": "0.5", "seed": "1"})
    assert start["epoch"] == 0 and start["loss"] is None and len(start["grid"]) == 40 * 40
    assert sorted(p[2] for p in start["points"]) == [0.0, 0.0, 1.0, 1.0]
    out = answer(bridge.training_run, 400)
    assert out["epoch"] == 400 and len(out["errors"]) == 400
    assert out["accuracy"] == "1.0"
    # the grid's corners are the four XOR points (scaled to -1, 1), rows from the top
    grid, size = out["grid"], out["size"]
    at = lambda x, y: grid[round((1.2 - y) / 2.4 * (size - 1)) * size  # noqa: E731
                           + round((x + 1.2) / 2.4 * (size - 1))]
    assert at(-1, -1) < 0.5 and at(1, 1) < 0.5 and at(-1, 1) > 0.5 and at(1, -1) > 0.5
    neuron = answer(bridge.training_neuron, "h1")
    assert [w for w, _, _ in neuron["weights"]] == ["w1", "w2"]
    assert neuron["lo"] <= neuron["hi"] and len(neuron["grid"]) == size * size
    assert "not a neuron" in answer(bridge.training_neuron, "w1")["error"]


@pytest.mark.parametrize("config, message", [
    ({"dataset": "mnist"}, "dataset must be one of"),
    ({"hidden": "0"}, "hidden layers must be"),
    ({"hidden": "4.5"}, "hidden layers must be"),
    ({"hidden": "2 2 2 2 2"}, "hidden layers must be"),
    ({"hidden": "a"}, "hidden layer size must be a number"),
    ({"learning_rate": "x"}, "learning rate must be a number"),
])
def test_training_configuration_errors(config, message):
    assert message in answer(bridge.training_start, config)["error"]


def test_every_page_word_is_in_both_languages():
    assert set(bridge.TEXTS["en"]) == set(bridge.TEXTS["zh"])
    assert all(bridge.TEXTS["zh"][k] for k in bridge.TEXTS["zh"])
    assert "neurosim page --serve" in bridge.TEXTS["zh"]["file_notice"]
