"""The softmax output layer and categorical cross-entropy.

Expected numbers come from PyTorch autograd in float64 (skipped without torch), from exact
algebra written here, or from finite differences; never from neurosim's own output.
"""

import math

import pytest

from neurosim import NeuralNetwork, engine
from neurosim.errors import ConfigurationError

W = [[[0.15, 0.2, -0.3], [0.25, -0.3, 0.1]], [[0.4, 0.45], [0.5, -0.55], [-0.2, 0.3]]]
B = [[0.35, -0.1], [0.6, 0.1, -0.25]]
X = [0.05, 0.1, -0.2]


def make(loss="cross_entropy", weights=W, biases=B, **options):
    return NeuralNetwork.from_weights(weights, biases, activation=["sigmoid", "softmax"],
                                      loss=loss, learning_rate=0.5, **options)


def autograd(loss, x, t, weights=W, biases=B):
    """E, the deltas, dE/dw, dE/db and dE/dx from PyTorch, float64."""
    torch = pytest.importorskip("torch")
    Ws = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in weights]
    bs = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in biases]
    xs = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    ts = torch.tensor(t, dtype=torch.float64)
    z1 = Ws[0] @ xs + bs[0]
    z1.retain_grad()
    h = torch.sigmoid(z1)
    z2 = Ws[1] @ h + bs[1]
    z2.retain_grad()
    if loss == "cross_entropy":
        E = -(ts * torch.log_softmax(z2, 0)).sum()
    else:
        E = 0.5 * ((ts - torch.softmax(z2, 0)) ** 2).sum()
    E.backward()
    return (E.item(), [z1.grad.tolist(), z2.grad.tolist()], [w.grad.tolist() for w in Ws],
            [b.grad.tolist() for b in bs], xs.grad.tolist())


def close(a, b, tol=1e-13):
    return abs(a - b) <= tol * max(1.0, abs(b))


@pytest.mark.parametrize("loss", ["cross_entropy", "half_squared_error"])
@pytest.mark.parametrize("t", [[0.0, 1.0, 0.0], [0.2, 0.5, 0.3], [0.5, 1.0, 0.25]])
def test_every_partial_equals_autograd(loss, t):
    E, deltas, dW, db, dx = autograd(loss, X, t)
    net = make(loss)
    assert close(net.train(X, t), E)
    for layer, d, gw, gb in zip(net.layers, deltas, dW, db):
        for n, dn, gwn, gbn in zip(layer.neurons, d, gw, gb):
            assert close(n.delta, dn), (n.name, n.delta, dn)
            assert close(n.dE_db, gbn)
            assert all(close(a, b) for a, b in zip(n.dE_dw, gwn)), (n.name, n.dE_dw, gwn)
    assert all(close(a, b) for a, b in zip(net.dE_dinputs, dx))


def test_jacobian_is_out_k_times_kronecker_minus_out_j():
    net = make()
    net.train(X, [0.0, 1.0, 0.0])
    out = [n.out for n in net.layers[-1].neurons]
    J = net.layers[-1].jacobian
    for k in range(3):
        for j in range(3):
            assert J[k][j] == out[k] * ((k == j) - out[j])
        assert J[k][k] == net.layers[-1].neurons[k].dout_dnet
    # the outputs are e^net_k / sum_j e^net_j
    nets = [n.net for n in net.layers[-1].neurons]
    total = sum(math.exp(z) for z in nets)
    assert all(close(o, math.exp(z) / total) for o, z in zip(out, nets))


def test_cross_entropy_delta_is_out_minus_target_for_one_hot():
    net = make()
    net.train(X, [0.0, 0.0, 1.0])
    for n, t in zip(net.layers[-1].neurons, [0.0, 0.0, 1.0]):
        assert n.delta == n.out - t          # bit for bit: out * 1.0 - t
        assert n.dE_dout == (-t / n.out if t else 0.0)


@pytest.mark.parametrize("loss", ["cross_entropy", "half_squared_error"])
def test_plain_recorded_stepped_and_per_neuron_steps_agree_bit_for_bit(loss, monkeypatch):
    t = [0.1, 0.7, 0.2]
    runs = []
    for mode in ("plain", "record", "observe", "vector"):
        net = make(loss)
        if mode == "vector":
            monkeypatch.setattr(engine, "UNROLL_LIMIT", 0)
            engine._cache.clear()
        for _ in range(3):
            if mode == "record":
                net.train(X, t, record=True)
            elif mode == "observe":
                for _event in net.step_through(X, t):
                    pass
            else:
                net.train(X, t)
        if mode == "vector":
            monkeypatch.undo()
            engine._cache.clear()
        runs.append(([n.weights[:] + [n.bias, n.delta, n.dE_dout, n.dout_dnet]
                      for layer in net.layers for n in layer.neurons],
                     net.layers[-1].jacobian, net.dE_dinputs, net.E_total))
    assert runs[1] == runs[0]
    assert runs[2] == runs[0]
    assert runs[3] == runs[0]


def test_records_show_the_chain_rule_and_its_simplification():
    net = make()
    record = net.train(X, [0.0, 1.0, 0.0], record=True)
    lines = [str(e) for e in record if str(e).startswith("delta_o")]
    assert lines[0].startswith("delta_o1 = dE_total/dout_o1 * dout_o1/dnet_o1 + "
                               "dE_total/dout_o2 * dout_o2/dnet_o1 + ")
    assert "= out_o1 - target_o1 = " in lines[0]
    soft = make(loss="half_squared_error").train(X, [0.0, 1.0, 0.0], record=True)
    line = [str(e) for e in soft if str(e).startswith("delta_o2")][0]
    assert line.count("*") >= 6 and "out_o2 - target_o2" not in line


@pytest.mark.parametrize("scale", [1.0, 1e300])
def test_extreme_nets_give_finite_error_and_deltas(scale):
    # net_o = +-1000 (reached through weights of 1e303 times inputs of 1e-300, or directly)
    weights = [[[1.0, 0.0, 0.0]], [[1000.0 * scale], [-1000.0 * scale]]]
    biases = [[0.0], [0.0, 0.0]]
    x = [50.0, 0.0, 0.0]
    net = NeuralNetwork.from_weights(weights, biases, activation=["relu", "softmax"],
                                     loss="cross_entropy", learning_rate=0.0)
    net.layers[0].neurons[0].weights[0] = 1.0 / scale
    E = net.train([x[0] * 1.0, 0.0, 0.0], [0.0, 1.0])
    nets = [n.net for n in net.layers[-1].neurons]
    assert close(nets[0], 50000.0, 1e-12) and close(nets[1], -50000.0, 1e-12)
    assert close(E, nets[0] - nets[1], 1e-15)     # -log softmax_2 = net_1 - net_2 here
    o1, o2 = net.layers[-1].neurons
    assert (o1.out, o2.out) == (1.0, 0.0)
    assert (o1.delta, o2.delta) == (1.0, -1.0)     # out - t
    assert o2.dE_dout is None                       # -1/0: not defined
    record = net.train([50.0, 0.0, 0.0], [0.0, 1.0], record=True)
    assert "not defined" in " ".join(str(e) for e in record)
    for e in record:
        for value in e:
            assert not (isinstance(value, float) and not math.isfinite(value))


def test_softmax_on_a_hidden_layer_is_refused():
    with pytest.raises(ConfigurationError, match="output layer only"):
        NeuralNetwork([2, 3, 2], activation=["softmax", "softmax"])


def test_softmax_with_one_output_is_refused():
    with pytest.raises(ConfigurationError, match="at least 2 outputs"):
        NeuralNetwork([2, 2, 1], activation=["sigmoid", "softmax"])


def test_cross_entropy_without_softmax_is_refused():
    with pytest.raises(ConfigurationError, match="needs a softmax output layer"):
        NeuralNetwork([2, 2, 2], activation="sigmoid", loss="cross_entropy")


def test_softmax_activation_alone_refuses_a_single_net():
    from neurosim import activations
    with pytest.raises(ConfigurationError, match="all the net inputs"):
        activations.get("softmax").f(0.5)


def test_binary_cross_entropy_keeps_its_meaning():
    from neurosim import losses
    assert losses.get("bce").name == "binary_cross_entropy"
    assert losses.get("ce").name == "cross_entropy"
    with pytest.raises(ConfigurationError, match="sigmoid output layer"):
        NeuralNetwork([2, 2, 2], activation=["sigmoid", "softmax"], loss="binary_cross_entropy")


def test_finite_differences_of_the_error():
    # dE/dw by central differences of E computed here from the formulas (log-sum-exp)
    t = [0.2, 0.5, 0.3]

    def error(weights):
        h = [1 / (1 + math.exp(-(sum(w * x for w, x in zip(row, X)) + b)))
             for row, b in zip(weights[0], B[0])]
        z = [sum(w * x for w, x in zip(row, h)) + b for row, b in zip(weights[1], B[1])]
        lse = math.log(sum(math.exp(v) for v in z))
        return -sum(tk * (zk - lse) for tk, zk in zip(t, z))

    net = make()
    net.train(X, t)
    grads = [n.dE_dw for layer in net.layers for n in layer.neurons]
    k = 0
    for li, layer in enumerate(W):
        for j, row in enumerate(layer):
            for i in range(len(row)):
                h = 1e-6
                up = [[r[:] for r in l] for l in W]
                down = [[r[:] for r in l] for l in W]
                up[li][j][i] += h
                down[li][j][i] -= h
                numeric = (error(up) - error(down)) / (2 * h)
                assert abs(grads[k][i] - numeric) < 1e-8
            k += 1


@pytest.mark.parametrize("loss", ["cross_entropy", "half_squared_error"])
@pytest.mark.parametrize("t", [[0.0, 1.0, 0.0], [0.2, 0.5, 0.3], [0.5, 1.0, 0.25]])
def test_gradcheck_passes_on_softmax_networks(loss, t):
    from neurosim.gradient_check import gradcheck
    report = gradcheck(make(loss), X, t)
    assert report.ok, str(report)
    statuses = {row.name: row.status for row in report.rows}
    assert statuses["delta_o1"] == statuses["dE/dw5"] == "ok"
    assert "dout/dnet_o2" in statuses and "dE/di1" in statuses


def test_gradcheck_bounds_the_rounding_of_the_log_softmax_sum_by_the_targets():
    # Found by test_softmax_gradcheck: net_o1 = 2, net_o2 = -4, t = (1, 0). Then
    # E = -(net_o1 - m - ln(1 + e^-6)) = ln(1 + e^-6) = 0.00248 (m = net_o1), but the sum
    # 1 + e^-6 inside the log rounds relative to 1, not to E: E's rounding is about u, 400 times
    # u E. With a bound of a few u E the differences at h = 1e-6 looked like a kink, a smaller
    # step was chosen where E no longer moves (numeric 0) and dE/dw2 = delta_o1 x2 FAILED.
    from neurosim.gradient_check import gradcheck
    net = NeuralNetwork.from_weights([[[0.0, 0.0], [-2.0, 0.0]]], [[2.0, -2.0]],
                                     activation="softmax", loss="cross_entropy")
    report = gradcheck(net, [1.0, 0.0625], [1.0, 0.0])
    assert report.ok and report.kinks == [], str(report)
    out_o1 = 1 / (1 + math.exp(-6.0))                       # softmax of (2, -4), exact algebra
    row = report["dE/dw2"]                                  # (out_o1 - t_1) * x2
    assert row.status == "ok" and row.step == 1e-6
    assert row.numeric == pytest.approx((out_o1 - 1.0) * 0.0625, rel=1e-6)
    assert gradcheck(net, [1.0, 0.0625], [1.0, 0.0], precise=True).ok


def test_gradcheck_fails_a_wrong_softmax_gradient(monkeypatch):
    # the Jacobian's off-diagonal sign flipped: every gradient below the outputs is wrong
    from neurosim import calculation
    from neurosim.gradient_check import gradcheck
    kind = calculation.KINDS["jacobian"]
    monkeypatch.setitem(calculation.KINDS, "jacobian",
                        kind._replace(python=lambda ops, q, r: f"{ops[0]} * {ops[1]}"))
    engine._cache.clear()
    calculation._plan.cache_clear()
    try:
        report = gradcheck(make("half_squared_error"), X, [0.5, 1.0, 0.25])
    finally:
        monkeypatch.undo()
        engine._cache.clear()
        calculation._plan.cache_clear()
    assert not report.ok
    assert {row.name for row in report.rows if row.status == "FAIL"} >= {"delta_o1", "dE/dw5"}


@pytest.mark.parametrize("loss", ["cross_entropy", "half_squared_error"])
def test_gradcheck_precise_agrees_with_the_decimal_oracle(loss):
    from neurosim.gradient_check import gradcheck
    report = gradcheck(make(loss), X, [0.5, 1.0, 0.25], precise=True)
    assert report.ok, str(report)
    for row in report.rows:
        assert row.status == "ok", row
        assert abs(row.analytic - row.exact) <= 1e-14 * max(1.0, abs(row.exact)), row


def test_compare_with_torch_agrees():
    pytest.importorskip("torch")
    from neurosim.interop.torch import compare_with_torch
    for loss in ("cross_entropy", "half_squared_error"):
        report = compare_with_torch(make(loss), X, [0.2, 0.5, 0.3])
        assert "largest difference" in str(report)
        for row in report.rows:
            assert abs(row.neurosim_gradient - row.torch_gradient) <= 1e-15


def test_markdown_worksheet_shows_the_chain_over_every_output():
    from neurosim.render.worksheet import worksheet
    text = worksheet(make(), X, [0.0, 1.0, 0.0], format="markdown")
    line = [l for l in text.splitlines() if l.startswith(r"$$ \delta_{\mathrm{o1}}")][0]
    assert line.count(r"\partial E_{\mathrm{total}}") == 3       # one term per output
    assert r"\mathrm{out}_{\mathrm{o1}} - \mathrm{target}_{\mathrm{o1}}" in line


def test_the_checker_grades_a_softmax_step_from_the_matrix_reference():
    # the claimed figures come from tests/reference.py (delta = J^T dE/da), printed to 9
    # significant digits as a hand calculation would
    import reference
    from neurosim.hand_check import check
    weights = [[[0.15, 0.2], [0.25, -0.3]], [[0.4, 0.45], [0.5, -0.55]]]
    biases = [[0.35, -0.1], [0.6, 0.1]]
    x, t = [0.05, 0.1], [1.0, 0.0]
    r = reference.step(weights, biases, x, t, output_activation="softmax",
                       loss="cross_entropy")
    figures = {"out_o1": r.a[1][0], "E_total": r.error, "delta_o1": r.delta[1][0],
               "delta_o2": r.delta[1][1], "dE/dw5": r.grad_W[1][0][0],
               "delta_h1": r.delta[0][0], "w5+": r.new_W[1][0][0]}
    text = "\n".join(f"{name} = {value:.9g}" for name, value in figures.items())
    net = NeuralNetwork.from_weights(weights, biases, activation=["sigmoid", "softmax"],
                                     loss="cross_entropy")
    report = check(text, net, x, t)
    assert report.ok, str(report)
    wrong = text.replace(f"delta_o2 = {figures['delta_o2']:.9g}",
                         f"delta_o2 = {figures['delta_o2'] + 0.01:.9g}")
    report = check(wrong, net, x, t)
    assert not report.ok and report.first_wrong.name == "delta_o2"


def test_the_stepper_and_the_checker_know_the_jacobian_entries():
    import io
    from neurosim.hand_check import check
    from neurosim.stepper import Stepper
    net = make()
    t = [0.0, 1.0, 0.0]
    out = io.StringIO()
    Stepper(net, X, t, stdout=out).run_script(
        ["print dout_o2/dnet_o1", "break delta_o1", "continue", "print dout_o2/dnet_o1",
         "print dout_o1/dnet_o2"])
    lines = out.getvalue().splitlines()
    assert "dout_o2/dnet_o1 is not computed yet" in lines
    trained = make()
    trained.train(X, t)
    o1, o2 = (n.out for n in trained.layers[-1].neurons[:2])
    assert f"dout_o2/dnet_o1 = {-o2 * o1:.9g}" in lines
    assert "dout_o1/dnet_o2 is not computed yet" in lines     # column o2 comes later
    report = check(f"dout_o2/dnet_o1 = {-o2 * o1:.9g}\ndout_o1/dnet_o1 = {o1 * (1 - o1):.9g}",
                   make(), X, t)
    assert report.ok, str(report)


def test_save_and_load_keep_the_softmax_layer_and_the_loss(tmp_path):
    net = make()
    path = tmp_path / "softmax.json"
    net.save(str(path))
    loaded = NeuralNetwork.load(str(path))
    assert loaded.layers[-1].activation.name == "softmax"
    assert loaded.loss.name == "cross_entropy"
    t = [0.0, 1.0, 0.0]
    assert loaded.train(X, t) == net.train(X, t)
    assert loaded.layers[-1].jacobian == net.layers[-1].jacobian


def test_to_torch_and_from_torch_round_trip_a_softmax_network():
    torch = pytest.importorskip("torch")
    from neurosim.interop.torch import from_torch, to_torch
    net = make()
    module = to_torch(net)
    x = torch.tensor(X, dtype=torch.float64)
    assert module(x).tolist() == pytest.approx(net.feed_forward(X), rel=1e-15)
    plain = torch.nn.Sequential(torch.nn.Linear(3, 2).double(), torch.nn.Sigmoid(),
                                torch.nn.Linear(2, 3).double(), torch.nn.Softmax(dim=-1))
    back = from_torch(plain, loss="cross_entropy")
    assert back.layers[-1].activation.name == "softmax"
    assert back.feed_forward(X) == pytest.approx(plain(x).tolist(), rel=1e-14)
    with pytest.raises(ConfigurationError, match="dim=-1"):
        from_torch(torch.nn.Sequential(torch.nn.Linear(3, 2).double(), torch.nn.Softmax(dim=0)))
