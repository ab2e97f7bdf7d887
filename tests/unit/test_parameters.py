"""The Parameter protocol: every weight and bias as a record, whatever the bias mode.

Expected values come from the independent matrix form (tests/reference.py) and from the
definition of each bias mode (a shared bias is one value held by every neuron of its layer, its
gradient the sum of the layer's deltas), never from what the records printed.
"""

import copy

import pytest
from hypothesis import given, settings, strategies as st

from neurosim import NeuralNetwork, Parameter
from neurosim.layer import NeuronLayer

import reference

WEIGHTS = [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]]
X, T = [0.05, 0.10], [0.01, 0.99]


def network(bias, **options):
    biases = {"shared": [0.35, 0.60], "per_neuron": [[0.35, 0.36], [0.60, 0.61]],
              "none": None}[bias]
    return NeuralNetwork.from_weights(WEIGHTS, biases, bias=bias, **options), biases


@pytest.mark.parametrize("bias, names", [
    ("shared", ["w1", "w2", "w3", "w4", "b1", "w5", "w6", "w7", "w8", "b2"]),
    ("per_neuron", ["w1", "w2", "w3", "w4", "b_h1", "b_h2",
                    "w5", "w6", "w7", "w8", "b_o1", "b_o2"]),
    ("none", ["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8"]),
])
def test_parameters_are_named_in_the_order_of_the_hand_calculation(bias, names):
    net, _ = network(bias)
    params = net.parameters()
    assert [p.name for p in params] == names == net.parameter_names()
    assert all(isinstance(p, Parameter) for p in params)
    assert [p.layer for p in params] == [0] * (len(names) // 2) + [1] * (len(names) // 2)


@pytest.mark.parametrize("bias", ["shared", "per_neuron", "none"])
def test_values_and_gradients_are_those_of_the_matrix_form(bias):
    net, biases = network(bias)
    net.train(X, T)
    r = reference.step(WEIGHTS, biases, X, T, bias=bias, train_biases=True)
    for p in net.parameters():
        k, n = p.layer, p.neurons[0]
        j = net.layers[k].neurons.index(n)
        if p.kind == "weight":
            assert p.gradient == pytest.approx(r.grad_W[k][j][p.index], rel=1e-12)
            assert p.value == pytest.approx(r.new_W[k][j][p.index], rel=1e-12)
        elif bias == "shared":
            assert p.gradient == pytest.approx(r.grad_b_shared[k], rel=1e-12)
            assert p.value == pytest.approx(r.new_b[k], rel=1e-12)
        else:
            assert p.gradient == pytest.approx(r.grad_b[k][j], rel=1e-12)
            assert p.value == pytest.approx(r.new_b[k][j], rel=1e-12)


def test_mazur_published_gradient_of_w5():
    """Mazur: dE_total/dw5 = 0.082167041, then w5+ = 0.35891648 (seed 001)."""
    net, _ = network("shared", train_biases=False)
    net.train(X, T)
    w5 = next(p for p in net.parameters() if p.name == "w5")
    assert round(w5.gradient, 9) == 0.082167041
    assert round(w5.value, 8) == 0.35891648


def test_a_shared_bias_is_set_on_every_neuron_of_its_layer():
    net, _ = network("shared")
    b2 = net.parameters()[-1]
    assert (b2.kind, b2.holder, b2.index) == ("bias", net.layers[1], None)
    b2.set(0.25)
    assert [n.bias for n in net.layers[1].neurons] == [0.25, 0.25]
    assert [n.bias for n in net.layers[0].neurons] == [0.35, 0.35]
    assert net["b2"] == 0.25 and net.layers[1].bias == 0.25


def test_a_weight_set_through_its_record_is_the_one_the_next_step_reads():
    net, _ = network("per_neuron")
    other, _ = network("per_neuron")
    w5 = net.parameters()[6]
    assert w5.name == "w5"
    w5.set(0.3)
    other["w5"] = 0.3
    assert net.train(X, T) == other.train(X, T)
    assert net["w5"] == other["w5"] == w5.value


def test_velocities_are_read_and_written_on_their_holders():
    net, _ = network("shared", momentum=0.9)
    net.train(X, T)
    params = {p.name: p for p in net.parameters()}
    # the first step's velocity is -eta dE/dw (it started at 0): v = mu*0 - eta g
    assert params["w5"].velocity == -0.5 * params["w5"].gradient
    assert params["b2"].velocity == net.layers[1].bias_velocity == -0.5 * params["b2"].gradient
    params["w5"].set_velocity(0.0)
    params["b2"].set_velocity(0.125)
    assert net["o1"].velocity[0] == 0.0 and net.layers[1].bias_velocity == 0.125


def test_records_survive_a_copy_of_the_network():
    net, _ = network("shared")
    twin = copy.deepcopy(net)
    twin["w1"] = 9.0
    assert net["w1"] == 0.15 and twin["w1"] == 9.0
    assert twin.parameters()[0].holder is twin["h1"]


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4),
       bias=st.sampled_from(["shared", "per_neuron", "none"]))
def test_every_value_is_read_where_the_neurons_hold_it(sizes, bias):
    net = NeuralNetwork(sizes, bias=bias, seed=1)
    params = net.parameters()
    weights = [p for p in params if p.kind == "weight"]
    assert len(weights) == sum(a * b for a, b in zip(sizes, sizes[1:]))
    assert [p.value for p in weights] == [w for n in net.neurons for w in n.weights]
    per_layer = {"shared": 1, "per_neuron": None, "none": 0}[bias]
    for k, layer in enumerate(net.layers):
        biases = [p for p in params if p.kind == "bias" and p.layer == k]
        assert len(biases) == (len(layer) if per_layer is None else per_layer)
        assert {n.name for p in biases for n in p.neurons} == (
            set() if bias == "none" else {n.name for n in layer})


def test_a_layer_lists_its_own_parameters():
    net, _ = network("per_neuron")
    layer = net.layers[1]
    assert isinstance(layer, NeuronLayer)
    assert [p.name for p in layer.parameters(1)] == ["w5", "w6", "w7", "w8", "b_o1", "b_o2"]
    assert layer.parameters(1) == net.parameters()[6:]
