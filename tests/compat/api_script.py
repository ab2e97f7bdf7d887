"""neurosim's whole public API in one script, answered by Mazur's published figures.

Written for a Python without pytest: ``test_pyodide.py`` runs it under Python 3.14 in Pyodide
(node and the npm package ``pyodide``), and under the Python running the tests, to show the
script itself is sound. Each ``check_*`` function below covers one part of the API; the script
runs them all, prints ``ok NAME`` or ``FAIL NAME`` with the traceback for each, then one last
line of JSON (the Python version, implementation and platform, and the checks passed and
failed), and exits with 1 if any check failed::

    python tests/compat/api_script.py

Expected numbers are Mazur's published figures (tests/published.py copies them, each good to
half a unit of its last printed digit), results the README documents, or algebra written
here; never a number neurosim printed. Optional extras (matplotlib, PyTorch, Hypothesis) are
exercised where installed; where not, their import error must say what to install.
"""

import contextlib
import copy
import io
import json
import math
import os
import platform
import sys
import tempfile
import traceback
import xml.etree.ElementTree as ET
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
ROOT = os.path.dirname(TESTS)
for folder in (ROOT, TESTS):          # neurosim from this working tree; tests/published.py
    if folder not in sys.path:
        sys.path.insert(0, folder)

import published  # noqa: E402  (Mazur's printed figures, as strings)
import neurosim  # noqa: E402
from neurosim import (ConfigurationError, FormatError, GradientCheckError,  # noqa: E402
                      InputError, NeuralNetwork, NeurosimError, NumericalError, ShapeError,
                      UnknownNameError, check, gradcheck, quantities, worksheet)
from neurosim.datasets import (MinMaxScaler, and_gate, circle, encoder_8_3_8,  # noqa: E402
                               gaussians, iris, or_gate, spiral, train_test_split, xor,
                               xor_quadrants)
from neurosim.record import StepRecord  # noqa: E402
from neurosim.serialize import loads  # noqa: E402
from neurosim.stepper import Stepper  # noqa: E402
from neurosim.worked_examples import MAZUR_INPUTS, MAZUR_TARGETS, mazur, seed002  # noqa: E402

X, T = MAZUR_INPUTS, MAZUR_TARGETS
MAZUR_WEIGHTS = [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]]
CHECKS = []


def check_(function):
    CHECKS.append(function)
    return function


def tolerance(printed):
    """Half a unit of the last printed digit: "0.593269992" -> 5e-10."""
    return float(Decimal("0.5").scaleb(Decimal(printed).as_tuple().exponent))


def assert_printed(value, printed, what):
    assert abs(value - float(printed)) <= tolerance(printed), (
        f"{what}: computed {value!r}, Mazur prints {printed}")


def assert_raises(kind, function, *args, contains=(), **kwargs):
    """``function(*args, **kwargs)`` raises ``kind`` whose message holds every fragment."""
    try:
        function(*args, **kwargs)
    except kind as error:
        message = str(error)
        for fragment in contains:
            assert fragment in message, f"{fragment!r} not in the message {message!r}"
        return error
    raise AssertionError(f"{getattr(function, '__name__', function)} did not raise "
                         f"{kind.__name__}")


def run_cli(*argv):
    """``neurosim.cli.main(argv)`` with its standard output and error captured."""
    from neurosim.cli import main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(argv))
        except SystemExit as exit_:          # argparse's --version and --help
            status = exit_.code
    return status, out.getvalue(), err.getvalue()


def parameters(net):
    return {name: net[name] for name in net.parameter_names()}


# --------------------------------------------------------------------------- building networks


@check_
def check_construction_and_names():
    net = NeuralNetwork([2, 3, 2, 1], seed=2)
    assert [len(layer.neurons) for layer in net.layers] == [3, 2, 1]
    assert [n.name for n in net.neurons] == ["h1", "h2", "h3", "h4", "h5", "o1"]
    names = net.parameter_names()
    assert len([n for n in names if n.startswith("w")]) == 2 * 3 + 3 * 2 + 2 * 1
    assert [n for n in names if n.startswith("b")] == ["b_h1", "b_h2", "b_h3", "b_h4", "b_h5",
                                                       "b_o1"]
    assert parameters(NeuralNetwork([2, 3, 2, 1], seed=2)) == parameters(net)   # seeded
    assert parameters(NeuralNetwork([2, 3, 2, 1], seed=3)) != parameters(net)
    out = net.feed_forward([0.5, -0.5])
    assert len(out) == 1 and 0.0 < out[0] < 1.0                                # sigmoid output

    net = NeuralNetwork.from_weights(MAZUR_WEIGHTS, [0.35, 0.60], bias="shared")
    assert (net["w1"], net["w2"], net["w3"], net["w8"]) == (0.15, 0.20, 0.25, 0.55)  # i1->h1 ...
    assert (net["b1"], net["b2"]) == (0.35, 0.60)
    net["w5"] = 0.5
    assert net["o1"].weights[0] == 0.5
    error = assert_raises(UnknownNameError, lambda: net["w55"], contains=("w5",))
    assert isinstance(error, KeyError) and isinstance(error, NeurosimError)
    assert_raises(ShapeError, net.train, [0.05, 0.10, 0.2], T, contains=(
        "inputs must have 2 values (one per i1, i2), got 3: [0.05, 0.1, 0.2]",))
    assert_raises(ConfigurationError, NeuralNetwork, [2, 2], activation="sigmoidd")
    assert_raises(ValueError, NeuralNetwork, [2, 0, 1])
    assert_raises(InputError, net.train, [0.05, float("nan")], T, contains=("nan",))


@check_
def check_activations_and_losses_against_finite_differences():
    """Every activation and loss: the backward pass agrees with central differences."""
    for activation in ("sigmoid", "tanh", "relu", "leaky_relu", "identity", "softplus"):
        for loss in ("half_squared_error", "squared_error", "mean_squared_error"):
            net = NeuralNetwork([3, 4, 2], activation=activation, loss=loss, seed=5)
            report = gradcheck(net, [0.3, -0.2, 0.7], [0.1, 0.8])
            assert report.ok, f"{activation}/{loss}:\n{report}"
    net = NeuralNetwork([2, 3, 1], output_activation="sigmoid", loss="binary_cross_entropy",
                        seed=1)
    assert gradcheck(net, [0.2, 0.4], [1.0]).ok
    assert NeuralNetwork([1, 1], seed=0).layers[0].activation.f(1000.0) == 1.0   # no overflow


# --------------------------------------------------------------------------- Mazur's first step


@check_
def check_mazur_first_step_by_train():
    net = NeuralNetwork.from_weights(MAZUR_WEIGHTS, [0.35, 0.60], bias="shared",
                                     train_biases=False, learning_rate=0.5)
    E_total = net.train(X, T)
    lines = published.MAZUR_LINES
    assert_printed(E_total, lines["E_total"], "E_total")
    o1, h1 = net["o1"], net["h1"]
    assert_printed(net["h1"].net, lines["net_h1"], "net_h1")
    assert_printed(h1.out, lines["out_h1"], "out_h1")
    assert_printed(net["h2"].out, lines["out_h2"], "out_h2")
    assert_printed(o1.net, lines["net_o1"], "net_o1")
    assert_printed(o1.out, lines["out_o1"], "out_o1")
    assert_printed(net["o2"].out, lines["out_o2"], "out_o2")
    assert_printed(o1.dE_dout, lines["dE_total/dout_o1"], "dE/dout_o1")
    assert_printed(o1.dout_dnet, lines["dout_o1/dnet_o1"], "dout_o1/dnet_o1")
    assert_printed(o1.delta, lines["delta_o1"], "delta_o1")
    assert_printed(o1.dE_dw[0], lines["dE_total/dw5"], "dE/dw5")
    assert_printed(h1.dE_dout, lines["dE_total/dout_h1"], "dE/dout_h1")
    assert_printed(h1.dout_dnet, lines["dout_h1/dnet_h1"], "dout_h1/dnet_h1")
    assert_printed(h1.dE_dw[0], lines["dE_total/dw1"], "dE/dw1")
    for k in range(1, 9):
        assert_printed(net[f"w{k}"], lines[f"w{k}+"], f"w{k}+")
    assert (net["b1"], net["b2"]) == (0.35, 0.60)                    # frozen, as Mazur's


@check_
def check_quantities_of_step():
    values = quantities.of_step(mazur(), X, T)
    for name, printed in published.MAZUR_LINES.items():
        assert_printed(values[quantities.canonical(name)], printed, name)
    E_after, out_o1_after = published.mazur_after_update()   # from the printed w+, to ~2e-9
    assert abs(values["E_total+"] - E_after) < 5e-9
    assert abs(values["out_o1+"] - out_o1_after) < 5e-9
    assert quantities.canonical("dE_total/dw5") == "dE/dw5"


@check_
def check_step_through_and_its_events():
    net = mazur()
    steps = net.step_through(X, T)
    first = next(steps)
    assert type(first).__name__ == "ForwardMessage"
    assert (first.sender, first.receiver, first.weight_name) == ("i1", "h1", "w1")
    assert first.value == 0.05 and first.weight == 0.15
    assert first.weight * first.value == first.product
    seen = [first]
    for event in steps:
        seen.append(event)
        if str(event).startswith("out_h1"):
            break
    assert str(event) == ("out_h1 = 1 / (1 + e^(-net_h1)) = 1 / (1 + e^(-0.3775)) = "
                          "0.593269992")
    assert net["o1"].out is None and net["w5"] == 0.4       # paused: nothing later happened
    seen.extend(steps)
    assert len(seen) == 55                                  # "event 39 of 55" (README)
    trained = mazur()
    trained.train(X, T)
    assert parameters(net) == parameters(trained)          # run to the end: train's bits
    try:
        first.value = 1.0
    except AttributeError:
        pass
    else:
        raise AssertionError("an event can be changed")

    stopped = mazur()
    steps = stopped.step_through(X, T)
    for _ in range(20):
        next(steps)
    steps.close()
    assert parameters(stopped) == parameters(mazur())       # stopping halfway changes nothing


@check_
def check_step_record_and_jsonl():
    record = mazur().train(X, T, record=True)
    assert isinstance(record, StepRecord)
    assert str(record.filter(weight="w5", phase="update")) == (
        "w5+ = w5 - eta*dE_total/dw5 = 0.4 - 0.5*0.0821670406 = 0.35891648")
    assert {e.phase for e in record} >= {"forward", "backward", "update"}
    assert len(record.filter(phase="update")) == 8                 # w1..w8; biases frozen
    text = record.to_jsonl()
    assert len(text.splitlines()) == len(record)
    assert StepRecord.from_jsonl(text) == record
    assert StepRecord.from_jsonl(text.encode("utf-8")) == record
    assert_raises(FormatError, StepRecord.from_jsonl, "{not json", contains=("line 1",))
    deep = "[" * 50_000 + "]" * 50_000      # fatal to Pyodide's json.loads before the fix
    assert_raises(FormatError, StepRecord.from_jsonl, deep, contains=("nested too deeply",))
    html = record._repr_html_()
    assert "<table" in html and "w5" in html


@check_
def check_stepper():
    out = io.StringIO()
    stepper = Stepper(mazur(), X, T, stdout=out)
    stepper.run_script(["break o1", "continue", "print out_h1"])
    assert out.getvalue() == (
        "(neurosim) break o1\n"
        "breakpoint 1 at o1: stops at every event computing a quantity of o1\n"
        "(neurosim) continue\n"
        "stopped at breakpoint o1\n"
        "  9 forward   w5*out_h1 = 0.4*0.593269992 = 0.237307997    (h1 -> o1)\n"
        "(neurosim) print out_h1\n"
        "out_h1 = 0.593269992\n")


# --------------------------------------------------------------------------- worksheets, checks


@check_
def check_worksheets():
    net = mazur()
    text = worksheet(net, X, T)
    for line in ("  dE_total/dw5 = delta_o1 * dnet_o1/dw5 = 0.138498562*0.593269992 = "
                 "0.0821670406",
                 "  w5+ = w5 - eta*dE_total/dw5 = 0.4 - 0.5*0.0821670406 = 0.35891648",
                 "  E_total+ = E_o1+ + E_o2+ = 0.267976501 + 0.0230512724 = 0.291027774"):
        assert line in text.splitlines(), line
    assert net["w5"] == 0.4                                       # worked on a copy
    assert worksheet() == text                                    # Mazur's by default
    markdown = worksheet(net, X, T, format="markdown")
    assert markdown.count("$$") >= 2 and "0.35891648" in markdown
    html = worksheet(net, X, T, format="html")
    ET.fromstring(html)                                           # one well-formed document
    assert "<svg" in html and "<math" in html and "0.35891648" in html
    chinese = worksheet(net, X, T, lang="zh")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese)
    assert "0.35891648" in chinese
    part = worksheet(seed002(), [1.0, 2.0], [1.0], neurons="h1,o1", digits=6)
    assert "out_h1 = " in part and "out_h2 = " not in part
    assert_raises(ConfigurationError, worksheet, net, X, T, format="pdf")
    printed = worksheet(mazur(hidden_deltas="updated_weights"), X, T)
    assert "0.291027924" in printed                                # Mazur's printed E_total+


@check_
def check_hand_check():
    report = check("""
network = mazur
out_h1 = 0.593269992
out_o1 = 0.75136079          # seed 001 prints this
E_total = 0.298371109
E_total+ = 0.291027924       # the error after the update, as Mazur prints it
""")
    assert (report.ok, report.first_wrong.name) == (False, "out_o1")
    assert report["out_o1"].explanation == ("probable typo (digits '079' where '507' belongs "
                                            "(0.75136507)); E_total follows 0.7513650696")
    assert report["E_total+"].explanation == ("holds with hidden deltas from the updated "
                                              "weights (w+ in the backward messages)")
    right = check("network = mazur\n" + "\n".join(
        f"{name} = {value}" for name, value in published.MAZUR_LINES.items()))
    assert right.ok, str(right)

    claims = os.path.join(ROOT, "demos", "claims", "mazur_original.txt")
    status, out, err = run_cli("check", claims, "--json")
    assert status == 1 and err == ""                             # a wrong claim: exit 1
    result = json.loads(out)
    assert result["counts"] == {"right": 27, "rounding": 1, "wrong": 4}   # as README says
    assert result["first_wrong"] == "E_total+"


@check_
def check_gradcheck():
    report = gradcheck(mazur(), X, T)
    assert report.ok and len(report.rows) == 24
    row = report["dE/dw5"]
    assert_printed(row.analytic, "0.082167041", "analytic dE/dw5")
    assert_printed(row.numeric, "0.082167041", "numeric dE/dw5")
    assert "dE/dw5" in str(report)

    import dataclasses
    net = mazur()
    before = parameters(net)
    sigmoid = net.layers[0].activation
    net.layers[0].activation = dataclasses.replace(sigmoid, df=lambda net, out: out * (1 + out))
    error = assert_raises(GradientCheckError, gradcheck(net, X, T).assert_ok,
                          contains=("11 of 24", "dout/dnet_h1", "delta_h1", "dE/dw1"))
    assert isinstance(error, AssertionError)
    assert parameters(net) == before                              # left as it was found

    precise = gradcheck(mazur(), X, T, precise=True, rtol=1e-14, atol=0)
    assert precise.ok
    assert_printed(precise["delta_o1"].exact, published.MAZUR_LINES["delta_o1"], "delta_o1")
    row = precise["dE/dw5"]
    assert abs(row.truncation) < 1e-14 < abs(row.rounding)


# --------------------------------------------------------------------------- files and data


@check_
def check_save_and_load():
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "mazur.json")
    net = mazur()
    net.train(X, T)
    net.save(path)
    again = NeuralNetwork.load(path)
    assert parameters(again) == parameters(net)                  # bit for bit
    assert (again.bias_mode, again.train_biases, again.learning_rate) == ("shared", False, 0.5)
    again.train(X, T)
    net.train(X, T)
    assert parameters(again) == parameters(net)                  # trains on identically
    again.save(path)                                             # replaces atomically
    assert os.listdir(folder) == ["mazur.json"]
    assert_raises(FormatError, loads, '{"format": "neurosim-network", "version": 1}',
                  contains=("$: the field 'layer_sizes' is missing",))
    assert_raises(FormatError, loads, "[" * 50_000 + "]" * 50_000, contains=("nested",))
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"format": "neurosim-network"')
    assert_raises(FormatError, NeuralNetwork.load, path)
    assert_raises(FileNotFoundError, NeuralNetwork.load, os.path.join(folder, "missing.json"))


@check_
def check_datasets():
    samples = xor()
    assert sorted((tuple(x), tuple(t)) for x, t in samples) == [
        ((0, 0), (0,)), ((0, 1), (1,)), ((1, 0), (1,)), ((1, 1), (0,))]
    assert [t for _, t in and_gate()] == [[float(a and b)] for a, b in ((0, 0), (0, 1), (1, 0),
                                                                       (1, 1))]
    assert [t for _, t in or_gate()] == [[float(a or b)] for a, b in ((0, 0), (0, 1), (1, 0),
                                                                     (1, 1))]
    encoder = encoder_8_3_8()
    assert len(encoder) == 8 and all(x == t and sum(x) == 1 for x, t in encoder)
    for make in (circle, xor_quadrants, gaussians, spiral):
        points = make(60, noise=0.1, seed=3)
        assert len(points) == 60 and points.inputs == make(60, noise=0.1, seed=3).inputs
    flowers = iris()                      # read from the package's CSV (package data)
    assert len(flowers) == 150 and len(flowers[0][0]) == 4
    assert list(flowers[0][0]) == [5.1, 3.5, 1.4, 0.2]            # Fisher's first sample
    classes = [t.index(max(t)) for _, t in flowers]
    assert [classes.count(c) for c in range(3)] == [50, 50, 50]
    train, test = train_test_split(flowers, test_fraction=0.2, seed=0)
    assert (len(train), len(test)) == (120, 30)
    scaled = MinMaxScaler().fit_transform(train)
    for i in range(4):
        column = [x[i] for x, _ in scaled]
        assert (min(column), max(column)) == (0.0, 1.0)


@check_
def check_fit_and_history():
    net = NeuralNetwork([2, 5, 1], learning_rate=0.5, seed=0)
    history = net.fit(xor(), epochs=3000, seed=0, target_error=0.01)
    assert (history.stop_reason, history.stopped_epoch) == ("target_error", 1551)  # README
    assert history.errors[-1] < 0.01 and history.accuracies[-1] == 1.0
    assert abs(history.errors[-1] - net.total_error(xor())) < 1e-15

    # batch mode: one update by the mean gradient of the samples (computed here one by one)
    net = NeuralNetwork([2, 2, 1], seed=1, learning_rate=0.5)
    start = parameters(net)
    gradients = []
    for x, t in xor():
        probe = copy.deepcopy(net)
        probe.learning_rate = 0.0
        probe.train(x, t)
        gradients.append(probe["h1"].dE_dw[0])
    net.fit(xor(), epochs=1, mode="batch", shuffle=False)
    expected = start["w1"] - 0.5 * sum(gradients) / len(gradients)
    assert abs(net["w1"] - expected) < 1e-15, (net["w1"], expected)

    stopped = NeuralNetwork([2, 2, 1], seed=1).fit(
        xor(), epochs=50, seed=1, callbacks=[lambda h: h.stop() if len(h.errors) == 3 else None])
    assert (stopped.stop_reason, len(stopped.errors)) == ("callback", 3)
    momentum = mazur()
    momentum.fit([(X, T)], epochs=1, momentum=0.9, shuffle=False)
    assert_printed(momentum["w5"], "0.35891648", "w5+ with momentum, first step")
    net = NeuralNetwork([2, 3, 1], seed=4)
    history = net.fit(xor(), epochs=4, mode="minibatch", batch_size=3, seed=2,
                      test_samples=and_gate())
    assert len(history.errors) == len(history.test_errors) == 4


@check_
def check_numerical_errors_leave_the_weights():
    net = NeuralNetwork.from_weights([[[1e200]]], activation="identity", loss="squared_error")
    before = parameters(net)
    assert_raises(NumericalError, net.train, [1e200], [0.0], contains=("o1",))
    assert parameters(net) == before


# --------------------------------------------------------------------------- the command line


@check_
def check_command_line():
    status, out, err = run_cli("worksheet")
    assert status == 0 and err == ""
    assert "  w5+ = w5 - eta*dE_total/dw5 = 0.4 - 0.5*0.0821670406 = 0.35891648" in out
    status, out, _ = run_cli("gradcheck", "--precise")
    assert status == 0 and "dE/dw5" in out
    status, out, _ = run_cli("--version")
    assert status == 0 and out.strip() == f"neurosim {neurosim.__version__}"

    folder = tempfile.mkdtemp()
    saved = os.path.join(folder, "xor.json")
    status, out, err = run_cli("train", "xor", "--epochs", "5", "--seed", "1", "--save", saved)
    assert status == 0, err
    assert NeuralNetwork.load(saved).layers[-1].neurons[0].name == "o1"
    status, out, _ = run_cli("show", saved)
    assert status == 0 and "h1" in out and "o1" in out
    status, out, err = run_cli("show", os.path.join(folder, "missing.json"))
    assert status == 2 and out == "" and len(err.splitlines()) == 1

    commands = os.path.join(folder, "lesson.txt")
    with open(commands, "w", encoding="utf-8") as f:
        f.write("break w1\ncontinue\nprint w5\nquit\n")
    status, out, _ = run_cli("step", "--commands", commands)
    assert status == 0 and "w5 = 0.4" in out and "stopped at breakpoint w1" in out
    sheet = os.path.join(folder, "mazur.html")
    status, out, _ = run_cli("worksheet", "--format", "html", "-o", sheet)
    assert status == 0
    with open(sheet, encoding="utf-8") as f:
        ET.fromstring(f.read())


# --------------------------------------------------------------------------- optional extras


@check_
def check_optional_extras_say_what_to_install():
    from neurosim import plot
    classifier = NeuralNetwork([2, 3, 1], seed=1)
    history = classifier.fit(xor(), epochs=3, seed=1)
    drawings = [(plot.loss_curve, history), (plot.network_diagram, mazur()),
                (plot.decision_boundary, classifier, xor()),
                (plot.hidden_activations, classifier, xor())]
    try:
        import matplotlib
    except ImportError:
        for draw, *args in drawings:
            assert_raises(ImportError, draw, *args, contains=("pip install 'neurosim[demo]'",))
    else:
        matplotlib.use("Agg")
        for draw, *args in drawings:
            assert draw(*args).axes
    try:
        import torch  # noqa: F401
    except ImportError:
        from neurosim.interop.torch import to_torch
        assert_raises(ImportError, to_torch, mazur(), contains=("neurosim[torch]",))
    else:
        from neurosim.interop.torch import compare_with_torch
        compare_with_torch(mazur(), X, T).assert_ok()
    try:
        import hypothesis  # noqa: F401
    except ImportError:
        assert_raises(ImportError, __import__, "neurosim.testing.strategies",
                      contains=("neurosim[test]",))
    else:
        from neurosim.testing.strategies import networks
        assert networks(max_width=2) is not None


def main():
    passed, failed = [], []
    for function in CHECKS:
        name = function.__name__[len("check_"):]
        try:
            function()
        except BaseException:                    # noqa: BLE001 - report and go on
            failed.append(name)
            print(f"FAIL {name}\n{traceback.format_exc()}", flush=True)
        else:
            passed.append(name)
            print(f"ok   {name}", flush=True)
    print(json.dumps({"python": platform.python_version(), "sys.version": sys.version,
                      "implementation": platform.python_implementation(),
                      "platform": sys.platform, "neurosim": neurosim.__file__,
                      "passed": passed, "failed": failed}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
