"""Thresholds: net = sum w x - theta, the convention of books with a threshold input of -1.

The expected numbers come from the bias form of the same network (b = -theta), which the
rest of the suite checks against published figures and PyTorch: the threshold form must give
the same numbers bit for bit, with theta = -b before and after every update.
"""

import pytest

from neurosim import NeuralNetwork, engine, gradcheck, serialize
from neurosim.errors import ConfigurationError, ShapeError
from neurosim.render.worksheet import worksheet

W = [[[0.5, 0.4], [0.9, 1.0]], [[-1.2, 1.1]]]
THETA = [[0.8, -0.1], [0.3]]


def pair(**options):
    theta = NeuralNetwork.from_weights(W, thresholds=THETA, learning_rate=0.1, **options)
    bias = NeuralNetwork.from_weights(W, [[-t for t in row] for row in THETA],
                                      learning_rate=0.1, **options)
    return theta, bias


def parameters(net):
    return [(list(n.weights), n.bias) for layer in net.layers for n in layer.neurons]


def test_names_are_thresholds():
    net, _ = pair()
    assert net.parameter_names()[-3:] == ["theta_h1", "theta_h2", "theta_o1"] or \
        set(net.parameter_names()) >= {"theta_h1", "theta_h2", "theta_o1"}
    assert net["theta_h1"] == 0.8 and net["theta_o1"] == 0.3
    net["theta_h2"] = 0.25
    assert net["theta_h2"] == 0.25 and net["h2"].bias == 0.25
    assert "b_h1" not in net


@pytest.mark.parametrize("options", [{}, {"momentum": 0.5}, {"weight_decay": 0.01},
                                     {"hidden_deltas": "updated_weights"}])
def test_same_bits_as_the_bias_form(options):
    net, ref = pair(**options)
    samples = [([0, 0], [0]), ([0, 1], [1]), ([1, 0], [1]), ([1, 1], [0])]
    for _ in range(3):
        for x, t in samples:
            assert net.train(x, t) == ref.train(x, t)
            for (w, theta), (w_ref, b) in zip(parameters(net), parameters(ref)):
                assert w == w_ref and theta == -b
            for n, m in zip(net.neurons, ref.neurons):
                assert n.delta == m.delta and n.dE_db == -m.dE_db


def test_recorded_and_stepped_steps_agree_with_the_plain_step():
    (a, _), (b, _), (c, _) = pair(), pair(), pair()
    E = a.train([1, 1], [0])
    record = b.train([1, 1], [0], record=True)
    steps = list(c.step_through([1, 1], [0]))
    assert parameters(a) == parameters(b) == parameters(c)
    lines = [e.render() for e in record.events]
    assert lines == [e.render() for e in steps]
    assert "net_h1 = w1*i1 + w2*i2 - theta_h1 = 0.5*1 + 0.4*1 - 0.8 = 0.1" in lines
    assert any(line.startswith("dE_total/dtheta_o1 = -delta_o1 = -0.127382854") for line in lines)
    assert any(line.startswith("theta_o1+ = theta_o1 - eta*dE_total/dtheta_o1") for line in lines)
    assert E == a.E_total == b.E_total == c.E_total


def test_batch_fit_moves_theta_as_the_bias_form_moves_b():
    net, ref = pair()
    data = [([0, 0], [0]), ([0, 1], [1]), ([1, 0], [1]), ([1, 1], [0])]
    net.fit(data, epochs=3, mode="batch")
    ref.fit(data, epochs=3, mode="batch")
    for (w, theta), (w_ref, b) in zip(parameters(net), parameters(ref)):
        assert w == w_ref and theta == -b


def test_the_large_network_writer_follows_the_convention(monkeypatch):
    monkeypatch.setattr(engine, "UNROLL_LIMIT", 0)
    engine._cache.clear()
    try:
        net, ref = pair(momentum=0.3)
        assert "- theta_h1" in engine.source(net, "train")
        for x, t in [([1, 1], [0]), ([0, 1], [1])]:
            assert net.train(x, t) == ref.train(x, t)
        for (w, theta), (w_ref, b) in zip(parameters(net), parameters(ref)):
            assert w == w_ref and theta == -b
    finally:
        engine._cache.clear()


def test_gradcheck_nudges_theta():
    net, ref = pair()
    report = gradcheck(net, [1, 1], [0])
    rows = {row.name: row for row in report.rows}
    bias_rows = {row.name: row for row in gradcheck(ref, [1, 1], [0]).rows}
    assert rows["dE/dtheta_o1"].analytic == -bias_rows["dE/db_o1"].analytic
    assert rows["dE/dtheta_o1"].numeric == pytest.approx(-bias_rows["dE/db_o1"].numeric)
    report.assert_ok()


def test_save_and_load_keep_the_thresholds(tmp_path):
    net, _ = pair(momentum=0.5)
    net.train([1, 1], [0])
    path = tmp_path / "theta.json"
    serialize.save(net, str(path))
    assert '"bias": "threshold"' in path.read_text()
    again = serialize.load(str(path))
    assert again.thresholds and parameters(again) == parameters(net)
    assert again.train([0, 1], [1]) == net.train([0, 1], [1])


def test_worksheet_writes_the_minus_sign():
    net, _ = pair()
    text = worksheet(net, [1, 1], [0])
    assert "net_h2 = w3*i1 + w4*i2 - theta_h2 = 0.9*1 + 1*1 - (-0.1) = 2" in text
    html = worksheet(net, [1, 1], [0], format="html")
    assert "θ" in html


def test_bad_threshold_options_are_refused():
    with pytest.raises(ConfigurationError, match="biases or thresholds, not both"):
        NeuralNetwork.from_weights(W, [[0, 0], [0]], thresholds=THETA)
    with pytest.raises(ConfigurationError, match="bias='per_neuron'"):
        NeuralNetwork.from_weights(W, thresholds=[0.1, 0.2], bias="shared")
    with pytest.raises(ShapeError, match=r"thresholds\[1\]"):
        NeuralNetwork.from_weights(W, thresholds=[[0.8, -0.1], [0.3, 0.4]])


def test_the_stepper_prints_thresholds_by_name(tmp_path, capsys):
    from neurosim.cli import main
    net, _ = pair()
    serialize.save(net, str(tmp_path / "net.json"))
    commands = tmp_path / "commands.txt"
    commands.write_text("break theta_h1+\ncontinue\nprint theta_h1\nprint theta_h1+\n"
                        "print dE/dtheta_h1\nquit\n")
    assert main(["step", str(tmp_path / "net.json"), "--input", "1", "1", "--target", "0",
                 "--commands", str(commands)]) == 0
    out = capsys.readouterr().out
    # theta_h1+ = theta_h1 + eta delta_h1 = 0.8 + 0.1 * (-0.038119478): the bias form's b_h1+
    assert "theta_h1 = 0.8\n" in out and "theta_h1+ = 0.796188052\n" in out
    assert "dE/dtheta_h1 = 0.038119478\n" in out


def test_claims_name_the_book_and_its_sign_of_delta():
    from neurosim import check
    from neurosim.errors import FormatError
    net, _ = pair()
    # Negnevitsky's names for this network: neurons 3, 4, 5; thresholds theta3..theta5, and
    # the error gradient delta = y (1 - y) e with e = y_d - y (-dE/dnet). The expected numbers
    # are the bias form's (b = -theta), which the rest of the suite checks against PyTorch.
    _, ref = pair()
    ref.train([1, 1], [0])
    delta5 = -ref["o1"].delta
    claims = ("inputs = 1, 1\ntargets = 0\nlearning_rate = 0.1\n"
              "name w35 = w5\nname theta5 = theta_o1\nname delta5 = delta_o1\n"
              "convention: delta = -dE/dnet\n"
              f"delta5 = {delta5:.4f}\nw35+ = {ref['w5']:.4f}\ntheta5+ = {-ref['b_o1']:.4f}\n")
    report = check(claims, net)
    assert report.ok, str(report)
    assert [r.name for r in report.results] == ["delta5", "w35+", "theta5+"]
    wrong = check(claims.replace(f"theta5+ = {-ref['b_o1']:.4f}",
                                 f"theta5+ = {ref['b_o1']:.4f}"), net)
    assert wrong["theta5+"].status == "wrong"
    with pytest.raises(FormatError, match="convention: delta = -dE/dnet"):
        check("convention: delta = dE/dout\nout_h1 = 0.5", net)
    with pytest.raises(FormatError, match="name BOOK = NEUROSIM"):
        check("name w35 w5\nout_h1 = 0.5", net)
