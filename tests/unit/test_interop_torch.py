"""Unit tests of neurosim.interop.torch: conversion both ways and the autograd cross-check.

PyTorch's autograd is the independent source of truth here. Mazur's printed figures
(published-figures.md, section A) pin the conversion: outputs 0.75136507 and 0.772928465,
dE_total/dw5 = 0.082167041, w5 after the update 0.35891648.
"""

import copy
import subprocess
import sys
import textwrap

import pytest

from neurosim import NeuralNetwork
from neurosim.errors import ConfigurationError, GradientCheckError, ShapeError
from neurosim.worked_examples import (MAZUR_INPUTS, MAZUR_TARGETS, SEED002_INPUTS,
                                      SEED002_TARGETS, mazur, seed002)

REASON = "the PyTorch cross-check needs torch: pip install torch"


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch", reason=REASON)


@pytest.fixture(scope="module")
def interop(torch):
    from neurosim.interop import torch as interop
    return interop


def test_without_torch_the_error_says_what_to_install():
    done = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        import sys
        sys.modules['torch'] = None          # as if PyTorch were not installed
        import neurosim.interop.torch as interop   # importing the bridge needs no torch
        from neurosim.worked_examples import mazur
        try:
            interop.to_torch(mazur())
        except ImportError as error:
            print(error.name)
            print(error)
    """)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "torch",
        "neurosim.interop.torch needs PyTorch, which is not installed",
        "pip install torch  (or, in a checkout: pip install -e '.[torch]')"]


# -- Mazur's network -----------------------------------------------------------------------------

def test_to_torch_computes_mazur_s_outputs(torch, interop):
    module = interop.to_torch(mazur())
    assert all(p.dtype == torch.float64 for p in module.parameters())
    out = module(torch.tensor(MAZUR_INPUTS, dtype=torch.float64))
    assert [round(o, 9) for o in out.tolist()] == [0.75136507, 0.772928465]
    E = module.loss(out, torch.tensor(MAZUR_TARGETS, dtype=torch.float64))
    assert round(E.item(), 9) == 0.298371109
    assert repr(module) == ("NeurosimModule([2, 2, 2], activations=('sigmoid', 'sigmoid'), "
                            "loss='half_squared_error', bias='shared')")


def test_compare_with_torch_on_mazur(interop):
    net = mazur()
    before = copy.deepcopy([vars(n) for n in net.neurons])
    comparison = interop.compare_with_torch(net, MAZUR_INPUTS, MAZUR_TARGETS)
    assert repr([vars(n) for n in net.neurons]) == repr(before)  # net itself unchanged
    assert [r.name for r in comparison] == ["w1", "w2", "w3", "w4", "b1",
                                            "w5", "w6", "w7", "w8", "b2", "i1", "i2"]
    assert round(comparison["w5"].torch_gradient, 9) == 0.082167041
    assert round(comparison["w5"].torch_new, 8) == 0.35891648
    assert comparison["b1"].torch_new == comparison["b1"].neurosim_new == 0.35  # frozen
    assert comparison.max_difference < 1e-15
    comparison.assert_ok()
    text = str(comparison)
    assert text.splitlines()[0].startswith("neurosim vs torch: E_total 0.29837110876 vs")
    assert text.splitlines()[1].split()[:3] == ["name", "dE/dp", "neurosim"]


def test_updated_weights_rule_differs_from_torch_only_in_the_hidden_step(interop):
    # hidden_deltas="updated_weights" is not backprop: the gradients still agree (they come
    # from one backward pass), but the hidden weights after the step do not.
    comparison = interop.compare_with_torch(mazur(hidden_deltas="updated_weights"),
                                            MAZUR_INPUTS, MAZUR_TARGETS)
    assert comparison.max_gradient_difference < 1e-15
    assert [r.name for r in comparison.mismatches()] == ["w1", "w2", "w3", "w4"]
    with pytest.raises(GradientCheckError) as caught:
        comparison.assert_ok()
    first = str(caught.value).splitlines()[0]
    assert first == "neurosim and torch disagree on 4 of 12 parameters (rtol=1e-12, atol=1e-12)"
    assert [line.split()[0] for line in str(caught.value).splitlines()[2:6]] == [
        "w1", "w2", "w3", "w4"]
    why = ("the hidden layers' new values differ on purpose: hidden_deltas='updated_weights' "
           "takes the hidden deltas from already updated weights, which is not "
           "backpropagation (torch's step is)")
    assert str(caught.value).splitlines()[-1] == why and str(comparison).endswith(why)
    assert interop.compare_with_torch(mazur(), MAZUR_INPUTS, MAZUR_TARGETS).note == ""


def test_an_unknown_parameter_name_suggests_close_ones(interop):
    from neurosim.errors import UnknownNameError
    comparison = interop.compare_with_torch(mazur(), MAZUR_INPUTS, MAZUR_TARGETS)
    with pytest.raises(UnknownNameError, match=r"no parameter is named 'w55'; did you mean w5"):
        comparison["w55"]


def test_weight_decay_and_per_neuron_biases(interop):
    # Seed 002: weight decay lambda = 1 on the weights only, per-neuron biases trained.
    comparison = interop.compare_with_torch(seed002(), SEED002_INPUTS, SEED002_TARGETS)
    comparison.assert_ok()
    assert comparison["w1"].torch_gradient == pytest.approx(2.0, abs=1e-9)  # delta*x + 1*w1


def test_momentum_with_velocities_from_earlier_steps(interop):
    net = NeuralNetwork([2, 3, 2], momentum=0.9, seed=3, bias="shared")
    net.train([0.1, 0.2], [0.3, 0.4])
    net.train([0.7, -0.2], [0.9, 0.1])
    comparison = interop.compare_with_torch(net, [0.5, -0.2], [0.1, 0.9])
    comparison.assert_ok()


def test_compare_rejects_velocities_with_learning_rate_zero(interop):
    net = NeuralNetwork([2, 1], momentum=0.5, seed=1)
    net.train([1.0, 1.0], [0.0])
    net.learning_rate = 0.0
    with pytest.raises(ConfigurationError, match="learning_rate 0"):
        interop.compare_with_torch(net, [1.0, 1.0], [0.0])


# -- random networks: neurosim == autograd to 1e-12 -------------------------------------------------

def test_random_networks_agree_with_autograd(interop):
    hypothesis = pytest.importorskip("hypothesis", reason="needs hypothesis "
                                     "(pip install hypothesis)")
    from hypothesis import assume, given, strategies as st

    from neurosim.testing.strategies import networks, samples_for

    @given(st.data())
    def check(data):
        net = data.draw(networks(weight_decay=data.draw(st.sampled_from([0.0, 0.3]))))
        net.momentum = data.draw(st.sampled_from([0.0, 0.9]))
        x, t = data.draw(samples_for(net))
        outputs = net.feed_forward(x)
        if net.loss.name == "binary_cross_entropy":  # torch's clamp has gradient 0 outside
            assume(all(1e-12 < o < 1 - 1e-12 for o in outputs))
        comparison = interop.compare_with_torch(net, x, t)
        scale = max([1.0] + [abs(r.torch_gradient) for r in comparison])
        comparison.assert_ok(rtol=1e-12, atol=1e-12 * scale)

    check()


# -- from_torch --------------------------------------------------------------------------------------

@pytest.mark.parametrize("bias", ["per_neuron", "shared", "none"])
def test_round_trip_keeps_every_parameter_bit_for_bit(interop, bias):
    net = NeuralNetwork([3, 4, 2, 2], activation=["tanh", "leaky_relu", "softplus"],
                        loss="squared_error", bias=bias, learning_rate=0.125, weight_decay=0.01,
                        momentum=0.5, seed=7)
    if bias != "none":
        for name in net.parameter_names():
            if name.startswith("b"):
                net[name] = 0.1 * len(name)
    back = interop.from_torch(interop.to_torch(net))
    assert back.parameter_names() == net.parameter_names()
    assert [back[p].hex() for p in back.parameter_names()] == [
        net[p].hex() for p in net.parameter_names()]
    assert repr(back) == repr(net)
    assert (back.learning_rate, back.weight_decay, back.momentum) == (0.125, 0.01, 0.5)
    assert [n.name for n in back.neurons] == [n.name for n in net.neurons]


def test_round_trip_keeps_custom_names(interop):
    net = NeuralNetwork([2, 1], names=[["x", "y"], ["z"]], seed=0)
    assert [n.name for n in interop.from_torch(interop.to_torch(net)).neurons] == ["z"]


def test_from_a_plain_sequential(torch, interop):
    nn = torch.nn
    torch.manual_seed(0)
    module = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 3), nn.LeakyReLU(0.01),
                           nn.Linear(3, 2), nn.Softplus(), nn.Linear(2, 1), nn.Sigmoid()).double()
    net = interop.from_torch(module, loss="bce", learning_rate=0.1)
    assert [layer.activation.name for layer in net.layers] == ["tanh", "leaky_relu", "softplus",
                                                               "sigmoid"]
    assert net.bias_mode == "per_neuron" and net.loss.name == "binary_cross_entropy"
    assert net.learning_rate == 0.1
    x = [0.3, -0.7]
    expected = module(torch.tensor(x, dtype=torch.float64)).item()
    assert net.feed_forward(x)[0] == pytest.approx(expected, rel=1e-15)


def test_from_a_sequential_without_biases_or_activations(torch, interop):
    nn = torch.nn
    module = nn.Sequential(nn.Linear(2, 2, bias=False), nn.Linear(2, 1, bias=False))
    net = interop.from_torch(module)
    assert net.bias_mode == "none"
    assert [layer.activation.name for layer in net.layers] == ["identity", "identity"]
    assert net["w1"] == module[0].weight[0, 0].item()  # float32 widened exactly
    single = interop.from_torch(nn.Linear(3, 2))
    assert single.layer_sizes == [3, 2]


@pytest.mark.parametrize("build, message", [
    (lambda nn: nn.Sequential(nn.Linear(2, 2), nn.Dropout()),
     "from_torch: Dropout at position 1 is not supported; expected nn.Linear, nn.Sigmoid, "
     "nn.Tanh, nn.ReLU, nn.LeakyReLU, nn.Identity, nn.Softplus or nn.Softmax(dim=-1)"),
    (lambda nn: nn.Sequential(nn.Linear(2, 2), nn.LeakyReLU(0.2)),
     "from_torch: LeakyReLU at position 1 has negative_slope 0.2; neurosim's leaky_relu uses "
     "0.01"),
    (lambda nn: nn.Sequential(nn.Linear(2, 2), nn.Softplus(beta=2)),
     "from_torch: Softplus at position 1 has beta 2; neurosim's softplus has beta 1"),
    (lambda nn: nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1, bias=False)),
     "from_torch: every nn.Linear must have a bias, or none; got bias on layers [0]"),
    (lambda nn: nn.Sequential(nn.Tanh(), nn.Linear(2, 1)),
     "from_torch: Tanh at position 0 must follow an nn.Linear (one activation per layer)"),
    (lambda nn: nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Sigmoid()),
     "from_torch: Sigmoid at position 2 must follow an nn.Linear (one activation per layer)"),
    (lambda nn: nn.Sequential(),
     "from_torch: the nn.Sequential has no nn.Linear layer"),
    (lambda nn: nn.ReLU(),
     "from_torch expects a module made by to_torch, an nn.Sequential of nn.Linear layers and "
     "activations, or an nn.Linear; got ReLU"),
])
def test_unsupported_modules_are_named(torch, interop, build, message):
    with pytest.raises(ConfigurationError) as caught:
        interop.from_torch(build(torch.nn))
    assert str(caught.value) == message


def test_mismatched_linear_sizes_are_a_shape_error(torch, interop):
    nn = torch.nn
    with pytest.raises(ShapeError, match="takes 3 inputs, but the layer before it gives 2"):
        interop.from_torch(nn.Sequential(nn.Linear(2, 2), nn.Linear(3, 1)))


def test_to_torch_needs_a_network(interop):
    with pytest.raises(ConfigurationError, match="to_torch expects a neurosim NeuralNetwork"):
        interop.to_torch([[0.1]])


def test_batches_and_the_loss_sum_over_samples(torch, interop):
    net = NeuralNetwork([2, 2, 2], loss="mean_squared_error", seed=5)
    module = interop.to_torch(net)
    samples = [([0.1, 0.2], [0.3, 0.4]), ([-0.5, 0.9], [1.0, 0.0])]
    X = torch.tensor([s[0] for s in samples], dtype=torch.float64)
    T = torch.tensor([s[1] for s in samples], dtype=torch.float64)
    assert module.loss(module(X), T).item() == pytest.approx(net.total_error(samples), rel=1e-14)
