"""Rules from other textbooks (issue 14): Fausett's bipolar sigmoid, and the gradients on the
inputs, dE/di_k = sum_j delta_j w_jk.

Expected values come from exact algebra (the bipolar sigmoid at ln 3 is 1/2 exactly) and from
PyTorch autograd in float64, computed here from the weights by a forward pass written in
torch in this file (not neurosim's ``to_torch``), with ``retain_grad`` on every net and out so
that every partial the neurons store is compared, not only the weights' gradients.
"""

import math

import pytest

from neurosim import NeuralNetwork, activations
from neurosim.gradient_check import gradcheck

REASON = "the PyTorch cross-check needs torch: pip install 'neurosim[torch]'"


# -- the bipolar sigmoid, from the book's formulas ----------------------------------------------

def test_bipolar_sigmoid_is_fausett_s_formula():
    f = activations.get("bipolar_sigmoid")
    # f(ln 3) = 2 / (1 + 1/3) - 1 = 1/2; f'(ln 3) = 1/2 (1 + 1/2)(1 - 1/2) = 3/8
    x = math.log(3.0)
    assert f.f(x) == pytest.approx(0.5, rel=1e-15)
    assert f.df(x, f.f(x)) == pytest.approx(0.375, rel=1e-15)
    assert f.f(0.0) == 0.0 and f.df(0.0, 0.0) == 0.5
    assert f.f(-x) == pytest.approx(-0.5, rel=1e-15)        # odd
    # the book's written f' gives the same number from the printed out
    assert f.df_written(x, 0.5) == 0.375
    assert f.formula == "2 / (1 + e^(-net)) - 1" and f.derivative == "1/2 (1 + out) (1 - out)"


def test_bipolar_sigmoid_keeps_its_digits_where_the_written_forms_lose_them():
    f = activations.get("bipolar_sigmoid")
    # small x: f(x) = x/2 - x^3/24 + ...; 2 / (1 + e^-x) - 1 would keep one digit at 1e-9
    assert f.f(1e-9) == pytest.approx(5e-10, rel=1e-15)
    # large x: f'(x) = 2 e^-x / (1 + e^-x)^2 ~ 2 e^-30; 1/2 (1 + f)(1 - f) keeps few digits
    assert f.df(30.0, f.f(30.0)) == pytest.approx(2 * math.exp(-30) / (1 + math.exp(-30)) ** 2,
                                                  rel=1e-14)
    for x in (1000.0, -1000.0, 1e308, -1e308):
        assert math.isfinite(f.f(x)) and f.df(x, f.f(x)) == 0.0
    assert f.f(1000.0) == 1.0 and f.f(-1000.0) == -1.0


def test_bipolar_sigmoid_shows_as_the_book_writes_it():
    from neurosim.render.worksheet import worksheet
    net = NeuralNetwork.from_weights([[[0.5, -0.3]], [[0.8]]], [[0.1], [-0.2]],
                                     activation="bipolar_sigmoid")
    text = worksheet(net, [1.0, 0.5], [0.4])
    assert "out_h1 = 2 / (1 + e^(-net_h1)) - 1" in text
    assert "dout_h1/dnet_h1 = 1/2 (1 + out_h1) (1 - out_h1)" in text


# -- every partial against autograd ---------------------------------------------------------------

def _torch_partials(torch, net, x, t):
    """Every partial of one backward pass of ``net`` on (x, t), by autograd in float64, from a
    forward pass written here: {name: value} with neurosim's names."""
    act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh,
           # Fausett's formula itself, not tanh(x/2): autograd differentiates the book's f
           "bipolar_sigmoid": lambda z: 2.0 / (1.0 + torch.exp(-z)) - 1.0,
           "identity": lambda z: z}
    dtype = torch.float64
    a = torch.tensor(x, dtype=dtype, requires_grad=True)
    inputs = a
    keep = {}
    params = []
    for layer in net.layers:
        W = torch.tensor([n.weights for n in layer.neurons], dtype=dtype, requires_grad=True)
        b = torch.tensor([n.bias for n in layer.neurons], dtype=dtype, requires_grad=True)
        z = W @ a + b
        z.retain_grad()
        a = act[layer.activation.name](z)
        a.retain_grad()
        keep[layer.index] = (layer, W, b, z, a)
        params.append((layer, W, b))
    target = torch.tensor(t, dtype=dtype)
    assert net.loss.name == "half_squared_error"
    E = (0.5 * (target - a) ** 2).sum()
    E.backward()
    values = {"E_total": E.item()}
    for layer, W, b, z, a in keep.values():
        for j, n in enumerate(layer.neurons):
            values[f"delta_{n.name}"] = z.grad[j].item()
            values[f"dE/dout_{n.name}"] = a.grad[j].item()
            for i, w in enumerate(n.weight_names):
                values[f"dE/d{w}"] = W.grad[j, i].item()
            values[f"dE/d{n.bias_name}"] = b.grad[j].item()
    for name, g in zip(net.input_names, inputs.grad.tolist()):
        values[f"dE/d{name}"] = g
    return values


def _neurosim_partials(net, x, t):
    net.train(x, t)
    values = {"E_total": net.E_total}
    for layer in net.layers:
        for n in layer.neurons:
            values[f"delta_{n.name}"] = n.delta
            values[f"dE/dout_{n.name}"] = n.dE_dout
            values.update((f"dE/d{w}", g) for w, g in zip(n.weight_names, n.dE_dw))
            values[f"dE/d{n.bias_name}"] = n.dE_db
    return values


def _assert_same(ours, theirs):
    assert set(ours) <= set(theirs)
    for name, value in ours.items():
        assert value == pytest.approx(theirs[name], rel=1e-12, abs=1e-14), name


def _bipolar_network():
    return NeuralNetwork.from_weights(
        [[[0.7, -0.4, 0.2], [-0.3, 0.9, 0.5]], [[1.1, -0.6], [0.4, 0.8]]],
        [[0.1, -0.2], [0.05, 0.3]], activation="bipolar_sigmoid", learning_rate=0.2)


def test_every_partial_of_bipolar_sigmoid_layers_equals_autograd():
    torch = pytest.importorskip("torch", reason=REASON)
    x, t = [0.5, -1.0, 2.0], [0.8, -0.6]
    theirs = _torch_partials(torch, _bipolar_network(), x, t)
    ours = _neurosim_partials(_bipolar_network(), x, t)
    _assert_same(ours, theirs)


def test_gradcheck_passes_on_bipolar_sigmoid_layers():
    report = gradcheck(_bipolar_network(), [0.5, -1.0, 2.0], [0.8, -0.6], precise=True)
    assert report.ok, report
    assert report["dout/dnet_h1"].status == "ok"


# -- the gradients on the inputs ----------------------------------------------------------------

def _with_inputs(values, net):
    values.update((f"dE/d{x}", g) for x, g in zip(net.input_names, net.dE_dinputs))
    return values


def test_mazur_s_input_gradients_are_the_sum_over_the_first_layer():
    # Exact algebra from Mazur's printed figures: dE/di1 = delta_h1 w1 + delta_h2 w3 with
    # delta_h1 = dE/dout_h1 * dout_h1/dnet_h1 = 0.036350306 * 0.241300709 (Mazur prints both).
    from neurosim.worked_examples import MAZUR_INPUTS, MAZUR_TARGETS, mazur
    net = mazur()
    assert net.dE_dinputs is None                  # nothing before a backward pass
    net.train(MAZUR_INPUTS, MAZUR_TARGETS)
    delta_h1 = 0.036350306 * 0.241300709
    assert net.dE_dinputs[0] == pytest.approx(delta_h1 * 0.15 + net["h2"].delta * 0.25,
                                              rel=1e-8)
    assert len(net.dE_dinputs) == 2


def test_input_gradients_equal_autograd_and_every_path_gives_the_same_bits():
    torch = pytest.importorskip("torch", reason=REASON)
    x, t = [0.5, -1.0, 2.0], [0.8, -0.6]
    theirs = _torch_partials(torch, _bipolar_network(), x, t)
    net = _bipolar_network()
    ours = _with_inputs(_neurosim_partials(net, x, t), net)
    _assert_same(ours, theirs)
    assert {"dE/di1", "dE/di2", "dE/di3"} <= set(ours)
    # the recorded step and the stepped one hold the same numbers, under their names
    recorded = _bipolar_network().train(x, t, record=True)
    stepped = _bipolar_network()
    events = list(stepped.step_through(x, t))
    assert stepped.dE_dinputs == net.dE_dinputs
    from neurosim import quantities
    by_name = quantities.from_events(recorded)
    assert [by_name[f"dE/di{k}"] for k in (1, 2, 3)] == net.dE_dinputs
    assert quantities.from_events(events)["dE/di2"] == net.dE_dinputs[1]
    line = next(str(e) for e in events if type(e).__name__ == "InputGradient")
    assert line.startswith("dE_total/di1 = delta_h1*w1 + delta_h2*w4 = ")


def test_input_gradients_of_a_network_written_neuron_by_neuron_equal_autograd():
    # Past engine.UNROLL_LIMIT connections the plain step is written per neuron (VECTOR).
    torch = pytest.importorskip("torch", reason=REASON)
    from neurosim import engine
    net = NeuralNetwork([70, 60, 3], seed=5, activation="tanh", output_activation="sigmoid")
    assert 70 * 60 + 60 * 3 > engine.UNROLL_LIMIT
    x = [((k * 37) % 11 - 5) / 5.0 for k in range(70)]
    t = [0.2, 0.9, 0.5]
    reference_net = NeuralNetwork([70, 60, 3], seed=5, activation="tanh",
                                  output_activation="sigmoid")
    theirs = _torch_partials(torch, reference_net, x, t)
    net.train(x, t)
    for name, g in zip(net.input_names, net.dE_dinputs):
        assert g == pytest.approx(theirs[f"dE/d{name}"], rel=1e-12, abs=1e-15), name
    # and the per-connection recorded step gives the same bits
    recorded = NeuralNetwork([70, 60, 3], seed=5, activation="tanh", output_activation="sigmoid")
    recorded.train(x, t, record=True)
    assert recorded.dE_dinputs == net.dE_dinputs


def test_input_gradients_use_the_weights_before_the_update_under_either_rule():
    from neurosim.worked_examples import MAZUR_INPUTS, MAZUR_TARGETS, mazur
    net = mazur()
    net.hidden_deltas = "updated_weights"
    w = [n.weights[:] for n in net.layers[0].neurons]
    net.train(MAZUR_INPUTS, MAZUR_TARGETS)
    deltas = [n.delta for n in net.layers[0].neurons]
    assert net.dE_dinputs == [deltas[0] * w[0][0] + deltas[1] * w[1][0],
                              deltas[0] * w[0][1] + deltas[1] * w[1][1]]


def test_gradcheck_checks_the_input_gradients_and_catches_a_wrong_one(monkeypatch):
    from neurosim import propagation
    report = gradcheck(_bipolar_network(), [0.5, -1.0, 2.0], [0.8, -0.6])
    assert report.ok and [report[f"dE/di{k}"].status for k in (1, 2, 3)] == ["ok"] * 3
    real = propagation.gradients

    def corrupted(net, x, t):
        E = real(net, x, t)
        net.dE_dinputs[1] *= 1.01
        return E
    monkeypatch.setattr(propagation, "gradients", corrupted)
    report = gradcheck(_bipolar_network(), [0.5, -1.0, 2.0], [0.8, -0.6])
    assert [r.name for r in report.failures] == ["dE/di2"]


def test_the_checker_and_the_worksheet_know_the_input_gradients():
    from neurosim.hand_check import check
    from neurosim.render.worksheet import worksheet
    from neurosim.worked_examples import MAZUR_INPUTS, MAZUR_TARGETS, mazur
    net = mazur()
    net.train(MAZUR_INPUTS, MAZUR_TARGETS)
    right = f"{net.dE_dinputs[0]:.9g}"       # the value itself is pinned above and by torch
    assert check(f"dE_total/di1 = {right}").ok
    wrong = check(f"dE_total/di1 = {net.dE_dinputs[0] * 1.1:.9g}")
    assert not wrong.ok and wrong.first_wrong.name == "dE/di1"
    text = worksheet(mazur(), MAZUR_INPUTS, MAZUR_TARGETS)
    assert "dE_total/di1 = delta_h1*w1 + delta_h2*w3 = 0.00877135469*0.15 + " in text
