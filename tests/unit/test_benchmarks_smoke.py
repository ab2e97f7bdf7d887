"""Smoke tests of benchmarks/ (issue 3): the references are right, the harness runs.

Nothing here is timed. Expected numbers come from Mazur's published figures (2015, "A Step by
Step Backpropagation Example", reproduced in seed 001), from central finite differences of the
error, or from the seed-style implementation checked against the flat one.
"""

import doctest
import json
import math
import os
import random
import subprocess
import sys

import pytest

from benchmarks import flat, run, seedstyle, workloads

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Mazur (2015): w1..w8, b1 = 0.35 and b2 = 0.60 shared and frozen, inputs, targets, eta = 0.5
MAZUR_WEIGHTS = [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]]
MAZUR_BIASES = [0.35, 0.60]
MAZUR_X, MAZUR_T = [0.05, 0.10], [0.01, 0.99]


def _mazur_flat():
    return flat.make_step(MAZUR_WEIGHTS, MAZUR_BIASES, bias="shared", train_biases=False,
                          learning_rate=0.5)


def test_flat_reproduces_mazur_error_before_the_update():
    # Mazur: E_total = 0.298371109, outputs 0.75136507 and 0.772928465
    _, W, B = _mazur_flat()
    assert abs(flat.total_error(W, B, [(MAZUR_X, MAZUR_T)]) - 0.298371109) <= 5e-10
    o1, o2 = flat.forward(W, B, MAZUR_X)
    assert abs(o1 - 0.75136507) <= 5e-9
    assert abs(o2 - 0.772928465) <= 5e-10


def test_flat_reproduces_mazur_weights_after_one_update():
    # Mazur: w5+ = 0.35891648, w6+ = 0.408666186, w7+ = 0.511301270, w8+ = 0.561370121,
    #        w1+ = 0.149780716, w2+ = 0.19956143, w3+ = 0.24975114, w4+ = 0.29950229
    step, W, B = _mazur_flat()
    step(MAZUR_X, MAZUR_T)
    published = [(W[1][0][0], 0.35891648, 8), (W[1][0][1], 0.408666186, 9),
                 (W[1][1][0], 0.511301270, 9), (W[1][1][1], 0.561370121, 9),
                 (W[0][0][0], 0.149780716, 9), (W[0][0][1], 0.19956143, 8),
                 (W[0][1][0], 0.24975114, 8), (W[0][1][1], 0.29950229, 8)]
    for got, printed, digits in published:
        assert abs(got - printed) <= 0.5 * 10 ** -digits, (got, printed)
    assert B == [[0.35, 0.35], [0.6, 0.6]]     # shared, frozen


def test_flat_docstring_example():
    assert doctest.testmod(flat).failed == 0


def _numeric_gradient(weights, biases, x, t, eps=1e-6):
    """Central differences of E = sum 1/2 (t - o)^2 for every weight and bias."""
    def error(W, B):
        return sum(0.5 * (y - o) ** 2 for o, y in zip(flat.forward(W, B, x), t))
    gw = [[[0.0] * len(row) for row in layer] for layer in weights]
    gb = [[0.0] * len(layer) for layer in biases]
    for l, layer in enumerate(weights):
        for j, row in enumerate(layer):
            for i in range(len(row)):
                up = [[r[:] for r in L] for L in weights]
                dn = [[r[:] for r in L] for L in weights]
                up[l][j][i] += eps
                dn[l][j][i] -= eps
                gw[l][j][i] = (error(up, biases) - error(dn, biases)) / (2 * eps)
            up = [b[:] for b in biases]
            dn = [b[:] for b in biases]
            up[l][j] += eps
            dn[l][j] -= eps
            gb[l][j] = (error(weights, up) - error(weights, dn)) / (2 * eps)
    return gw, gb


def test_flat_step_is_gradient_descent_by_finite_differences():
    # a 3-3-3 net with per-neuron trained biases: one step must be w - eta * dE/dw
    weights = [[[0.3, -0.2, 0.5], [0.1, 0.4, -0.6], [-0.3, 0.2, 0.7]],
               [[0.2, -0.5, 0.4], [0.6, 0.1, -0.2], [-0.4, 0.3, 0.5]]]
    biases = [[0.1, -0.2, 0.3], [0.2, 0.0, -0.1]]
    x, t = [0.5, -0.3, 0.8], [0.2, 0.7, 0.4]
    gw, gb = _numeric_gradient(weights, biases, x, t)
    eta = 0.5
    step, W, B = flat.make_step(weights, biases, learning_rate=eta)
    step(x, t)
    for l in range(2):
        for j in range(3):
            assert abs(B[l][j] - (biases[l][j] - eta * gb[l][j])) <= 1e-8
            for i in range(3):
                assert abs(W[l][j][i] - (weights[l][j][i] - eta * gw[l][j][i])) <= 1e-8
    assert weights[0][0][0] == 0.3             # the caller's lists are not touched


@pytest.mark.parametrize("bias, train_biases", [("per_neuron", True), ("shared", False),
                                                ("per_neuron", False), ("none", False)])
def test_flat_and_seedstyle_agree_on_a_small_deep_net(bias, train_biases):
    sizes = (3, 4, 3, 2)
    rng = random.Random(7)
    weights = [[[rng.uniform(-1, 1) for _ in range(a)] for _ in range(b)]
               for a, b in zip(sizes, sizes[1:])]
    biases = ([rng.uniform(-1, 1) for _ in range(3)] if bias == "shared" else
              [[rng.uniform(-1, 1) for _ in range(b)] for b in sizes[1:]])
    samples = [([rng.random() for _ in range(3)], [rng.random() for _ in range(2)])
               for _ in range(5)]
    options = dict(bias=bias, train_biases=train_biases, learning_rate=0.3)
    step, W, B = flat.make_step(weights, biases, **options)
    net = seedstyle.NeuralNetwork.from_weights(weights, biases, **options)
    for k in range(200):
        x, t = samples[k % 5]
        step(x, t)
        net.train(x, t)
    SW, SB = net.final_weights()
    assert run.max_abs_diff((W, B), (SW, SB)) <= 1e-12
    assert W != weights                        # it did train
    if train_biases:
        assert B != biases
    if bias == "none":
        assert SB == [[0.0] * 4, [0.0] * 3, [0.0] * 2]


@pytest.mark.parametrize("bias, train_biases", [("per_neuron", True), ("shared", False)])
def test_flat_with_partials_keeps_the_partials_of_the_plain_flat_step(bias, train_biases):
    """Its weights follow the flat step's (to rounding: dE/dw is formed first), its dE/dw are
    central differences of the error, its dE/dout are those of the net's outputs."""
    sizes = (3, 4, 2)
    rng = random.Random(3)
    weights = [[[rng.uniform(-1, 1) for _ in range(a)] for _ in range(b)]
               for a, b in zip(sizes, sizes[1:])]
    biases = ([0.2, -0.1] if bias == "shared" else
              [[rng.uniform(-1, 1) for _ in range(b)] for b in sizes[1:]])
    x, t = [0.5, -0.3, 0.8], [0.2, 0.7]
    options = dict(bias=bias, train_biases=train_biases, learning_rate=0.5)
    gw, gb = _numeric_gradient(weights, flat._expand_biases(weights, biases, bias), x, t)
    step, W, B, P = flat.make_step_with_partials(weights, biases, **options)
    step(x, t)
    for l, layer in enumerate(gw):
        for j, row in enumerate(layer):
            assert abs(P["dE_db"][l][j] - gb[l][j]) <= 1e-8
            for i, g in enumerate(row):
                assert abs(P["dE_dw"][l][j][i] - g) <= 1e-8
    out = flat.forward(*flat.make_step(weights, biases, **options)[1:], x)
    assert P["out"][-1] == pytest.approx(out, abs=1e-15)
    assert P["dE_dout"][-1] == pytest.approx([o - y for o, y in zip(out, t)], abs=1e-15)
    assert P["dnet_dw"][0][0] is x and P["dnet_dw"][1][0] == P["out"][0]
    plain, W2, B2 = flat.make_step(weights, biases, **options)
    plain(x, t)
    assert run.max_abs_diff((W, B), (W2, B2)) <= 1e-15


def test_seedstyle_keeps_a_zero_bias():
    # Mazur's listing: `bias if bias else random.random()` turned 0.0 into a random number
    assert seedstyle.NeuronLayer(3, 0.0, shared=True).bias == 0.0
    assert [n.bias for n in seedstyle.NeuronLayer(2, [0.0, 0.0]).neurons] == [0.0, 0.0]


def test_workloads_are_deterministic_and_shaped():
    for make in (workloads.W1, workloads.W2, workloads.W3):
        a, b = make(), make()
        assert a.weights == b.weights and a.biases == b.biases and a.samples == b.samples
        for l, (n_in, n_out) in enumerate(zip(a.sizes, a.sizes[1:])):
            assert len(a.weights[l]) == n_out
            assert all(len(row) == n_in for row in a.weights[l])
    assert workloads.W1().steps == 10_000 and workloads.W2().steps == 20_000
    w3 = workloads.W3()
    assert w3.steps == 1_000 and len(w3.samples) == 200 and w3.connections == 64 * 32 + 32 * 10
    assert [s.connections for s in map(workloads.sweep, workloads.SWEEP_WIDTHS)] == \
        [2 * w * w for w in workloads.SWEEP_WIDTHS]


def test_agreement_check_fails_a_wrong_implementation():
    wl = workloads.W1()

    def build_off_by_a_bit(w):
        step, W, B = flat.make_step(w.weights, w.biases, **w.options())
        return step, lambda: ([[[v + 1e-8 for v in r] for r in L] for L in W], B)

    impls = [run.Implementation("flat", run._build_flat),
             run.Implementation("wrong", build_off_by_a_bit)]
    result = run.check_agreement(wl, impls, 10)
    assert not result["ok"]
    assert result["rows"]["wrong"]["status"] == "FAIL"
    assert result["rows"]["flat"]["status"] == "ok"
    assert run.max_abs_diff(([[[1.0]]], [[0.0]]), ([[[1.0, 2.0]]], [[0.0]])) == math.inf


def _check_report(report):
    assert report["ok"] is True
    for entry in report["workloads"] + (report["sweep"] or {"points": []})["points"]:
        rows = entry["agreement"]["rows"]
        assert rows["flat"]["status"] == "ok" and rows["seedstyle"]["status"] == "ok"
        for name in ("neurosim", "neurosim+record"):
            # neurosim rows: agree, or are skipped because a piece is missing (never an error)
            assert rows[name]["status"] in ("ok", "n/a"), rows[name]
        assert set(entry["timing"]) >= {"flat", "seedstyle"}
        assert entry["timing"]["flat"]["ratio_vs_flat"] == 1.0


def test_quick_run_writes_valid_json(tmp_path):
    out = tmp_path / "out.json"
    # CI runs three suites at once on two cores: the quick run may take minutes there.
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["quick"] is True
    assert [e["name"] for e in report["workloads"]] == ["W1", "W2", "W3"]
    assert [p["sizes"][0] for p in report["sweep"]["points"]] == [2, 8, 32, 64, 128]
    _check_report(report)
    assert "Targets" in proc.stdout and "agreement: ok" in proc.stdout
    for entry in report["workloads"]:
        assert entry["agreement"]["rows"]["flat+partials"]["status"] == "ok"
        assert entry["timing"]["neurosim"]["ratio_vs_flat_partials"] > 0
    assert "x flat+partials (the flat step that keeps every partial too)" in proc.stdout


def test_script_form_runs_a_subset(tmp_path):
    out = tmp_path / "w1.json"
    proc = subprocess.run([sys.executable, os.path.join("benchmarks", "run.py"), "--quick",
                           "--only", "W1", "--rounds", "1", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [e["name"] for e in report["workloads"]] == ["W1"] and report["sweep"] is None
    _check_report(report)


def test_missing_neurosim_pieces_are_reported_not_failed(monkeypatch):
    reason = "neurosim.NeuralNetwork.from_weights unavailable (AttributeError: no)"
    monkeypatch.setattr(run, "_probe_neurosim", lambda: (reason, reason, None))
    report = run.run(quick=True, rounds=1, only="W1", log=lambda msg: None)
    assert report["ok"] is True
    rows = report["workloads"][0]["agreement"]["rows"]
    assert report["workloads"][0]["agreement"]["reference"] == "flat"
    assert rows["neurosim"] == {"status": "n/a", "reason": reason}
    assert rows["seedstyle"]["status"] == "ok"
    assert set(report["workloads"][0]["timing"]) == {"flat", "flat-fused", "flat+partials",
                                                     "seedstyle"}
    text = run.format_report(report)
    assert f"neurosim+record  n/a: {reason}" in text
    statuses = {row["target"]: row["status"] for row in report["targets"]}
    assert statuses["W1: neurosim <= 1.3x flat-fused"] == "n/a"
    json.dumps(report, allow_nan=False)


def test_accuracy_measurement_runs_and_is_near_rounding():
    """benchmarks/accuracy.py on a few networks: every partial within 1e-10 of the 50-digit
    Decimal oracle (a measurement script must not rot)."""
    from benchmarks import accuracy
    relative, torch_worst = accuracy.measure(n=5)
    assert relative and max(relative) < 1e-10
    assert torch_worst is None or torch_worst < 1e-12


def test_the_flat_reference_is_neurosims_arithmetic_to_the_bit():
    """"The same arithmetic" (issue 3): weights equal to neurosim's exactly, negative net
    inputs included (the sigmoid's second branch); the fused variant rounds differently."""
    import neurosim
    sizes = (3, 4, 2)
    rng = random.Random(11)
    weights = [[[rng.uniform(-3, 3) for _ in range(a)] for _ in range(b)]
               for a, b in zip(sizes, sizes[1:])]
    biases = [[rng.uniform(-3, 3) for _ in range(b)] for b in sizes[1:]]
    samples = [([rng.uniform(-2, 2) for _ in range(3)], [rng.random() for _ in range(2)])
               for _ in range(4)]
    step, W, B = flat.make_step(weights, biases, learning_rate=0.7)
    fused, FW, FB = flat.make_fused_step(weights, biases, learning_rate=0.7)
    net = neurosim.NeuralNetwork.from_weights(weights, biases, learning_rate=0.7)
    negative = 0
    for k in range(100):
        x, t = samples[k % 4]
        step(x, t)
        fused(x, t)
        net.train(x, t)
        negative += sum(n.net < 0 for n in net.neurons)
    assert negative > 0
    assert W == [[list(n.weights) for n in layer] for layer in net.layers]
    assert B == [[n.bias for n in layer] for layer in net.layers]
    assert 0 < run.max_abs_diff((FW, FB), (W, B)) <= 1e-12
