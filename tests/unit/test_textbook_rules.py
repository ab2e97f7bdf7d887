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
