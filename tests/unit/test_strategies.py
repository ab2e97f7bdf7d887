"""Unit tests of neurosim.testing.strategies (and of neurosim.testing's import guard)."""

import subprocess
import sys
import textwrap

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="neurosim.testing needs hypothesis "
                                 "(pip install hypothesis)")

from hypothesis import Phase, find, given, settings, strategies as st  # noqa: E402
from hypothesis.errors import InvalidArgument  # noqa: E402

from neurosim import NeuralNetwork  # noqa: E402
from neurosim.testing.strategies import (TARGET_RANGES, inputs_for, networks,  # noqa: E402
                                         samples_for, targets_for)

ACTIVATIONS = ["sigmoid", "tanh", "bipolar_sigmoid", "relu", "leaky_relu", "identity", "softplus"]
LOSSES = ["half_squared_error", "squared_error", "mean_squared_error", "binary_cross_entropy"]


# For "can be drawn" checks: stop at the first example found, without shrinking it.
FIRST_FOUND = settings(phases=[Phase.generate], database=None, max_examples=2000)


def run_python(code):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120)


# -- imports -------------------------------------------------------------------------------------

def test_import_neurosim_never_imports_hypothesis():
    done = run_python("""
        import sys
        import neurosim, neurosim.gradient_check, neurosim.cli
        neurosim.cli.build_parser()
        print(sorted(m for m in sys.modules if m.split('.')[0] in ('hypothesis', 'torch')))
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_neurosim_testing_without_hypothesis_says_what_to_install():
    done = run_python("""
        import sys
        sys.modules['hypothesis'] = None      # as if it were not installed
        try:
            import neurosim.testing
        except ImportError as error:
            print(type(error).__name__, error.name)
            print(error)
    """)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "ImportError hypothesis"
    assert lines[1] == "neurosim.testing needs hypothesis, which is not installed"
    assert lines[2] == "pip install hypothesis  (or, in a checkout: pip install -e '.[test]')"


# -- validation up front ------------------------------------------------------------------------

@pytest.mark.parametrize("options, message", [
    (dict(min_layers=1), "min_layers must be at least 2 (an input and an output layer), got 1"),
    (dict(min_layers=3, max_layers=2), "max_layers must be at least 3 (min_layers), got 2"),
    (dict(max_layers=2.5), "max_layers must be a whole number, got 2.5"),
    (dict(min_width=True), "min_width must be a whole number, got True"),
    (dict(min_width=0), "min_width must be at least 1 (a layer has at least one neuron), got 0"),
    (dict(min_width=3, max_width=2), "max_width must be at least 3 (min_width), got 2"),
    (dict(activations="relu"),
     "activations must be a list of names like ['sigmoid', 'tanh'], got 'relu'"),
    (dict(activations=[]), "activations must name at least one of ['sigmoid', 'tanh', 'bipolar_sigmoid', 'relu', "
                           "'leaky_relu', 'identity', 'softplus', 'softmax'], got []"),
    (dict(activations=["swish"]), "activations: unknown name 'swish'; expected one of sigmoid, "
                                  "tanh, bipolar_sigmoid, relu, leaky_relu, identity, softplus, softmax"),
    (dict(output_activations=["swish"]), "output_activations: unknown name 'swish'; expected "
                                         "one of sigmoid, tanh, bipolar_sigmoid, relu, leaky_relu, identity, "
                                         "softplus, softmax"),
    (dict(losses=["hinge"]), "losses: unknown name 'hinge'; expected one of half_squared_error, "
                             "squared_error, mean_squared_error, binary_cross_entropy, cross_entropy"),
    (dict(losses=["bce"], activations=["relu"]),
     "losses includes 'binary_cross_entropy', which needs a sigmoid output layer, but the output "
     "activations allowed are ['relu']\nadd 'sigmoid' to output_activations (or activations), "
     "or drop 'binary_cross_entropy'"),
    (dict(biases="shared"), "biases must be a non-empty list of bias modes from ['per_neuron', "
                            "'shared', 'none'], got 'shared'"),
    (dict(biases=["per_layer"]), "biases: unknown bias mode 'per_layer'; expected one of "
                                 "per_neuron, shared, none"),
    (dict(weights=0.5), "weights must be a strategy of floats such as st.floats(-2, 2), got 0.5"),
    (dict(train_biases=None), "train_biases must be True or False, got None"),
    (dict(learning_rate=-0.1), "learning_rate must be a finite number of at least 0, got -0.1"),
    (dict(weight_decay=float("inf")),
     "weight_decay must be a finite number of at least 0, got inf"),
])
def test_bad_arguments_raise_invalid_argument_when_the_strategy_is_made(options, message):
    with pytest.raises(InvalidArgument) as caught:
        networks(**options)  # not drawn from: the check happens at once
    assert str(caught.value) == message


def test_inputs_and_targets_check_their_arguments():
    net = NeuralNetwork([2, 1], seed=0)
    with pytest.raises(InvalidArgument, match=r"^net must be a neurosim NeuralNetwork, got \[2, 1\]$"):
        inputs_for([2, 1])
    with pytest.raises(InvalidArgument, match="^net must be a neurosim NeuralNetwork"):
        targets_for("net")
    with pytest.raises(InvalidArgument, match=r"^elements must be a strategy of floats such as "
                                              r"st.floats\(-1, 1\), got 1.0$"):
        samples_for(net, elements=1.0)


def test_aliases_are_accepted():
    net = find(networks(activations=["logistic"], losses=["mse"], biases=["none"]),
               lambda net: True)
    assert net.loss.name == "mean_squared_error"
    assert {layer.activation.name for layer in net.layers} == {"sigmoid"}


# -- what gets drawn -----------------------------------------------------------------------------

@given(networks(min_layers=3, max_layers=5, min_width=2, max_width=3))
def test_shapes_are_within_the_bounds(net):
    assert 3 <= len(net.layer_sizes) <= 5
    assert all(2 <= size <= 3 for size in net.layer_sizes)


@given(networks(activations=["tanh", "relu"], output_activations=["identity"],
                losses=["squared_error"], biases=["shared"], train_biases=False,
                learning_rate=0.125, weight_decay=0.5))
def test_options_are_passed_on(net):
    hidden = {layer.activation.name for layer in net.layers[:-1]}
    assert hidden <= {"tanh", "relu"}
    assert net.output_layer.activation.name == "identity"
    assert net.loss.name == "squared_error" and net.bias_mode == "shared"
    assert (net.train_biases, net.learning_rate, net.weight_decay) == (False, 0.125, 0.5)


@given(networks(weights=st.just(0.25), biases=["per_neuron", "none"]))
def test_every_weight_and_bias_comes_from_the_weights_strategy(net):
    assert all(w == 0.25 for n in net.neurons for w in n.weights)
    expected = 0.0 if net.bias_mode == "none" else 0.25
    assert all(n.bias == expected for n in net.neurons)


@given(networks(losses=["binary_cross_entropy", "half_squared_error"]))
def test_cross_entropy_networks_have_sigmoid_outputs(net):
    if net.loss.name == "binary_cross_entropy":
        assert net.output_layer.activation.name == "sigmoid"


@given(networks(activations=["relu", "tanh"]))
def test_without_a_sigmoid_the_default_losses_leave_out_cross_entropy(net):
    assert net.loss.name != "binary_cross_entropy"


@pytest.mark.parametrize("loss", LOSSES)
def test_every_loss_can_be_drawn(loss):
    assert find(networks(), lambda net: net.loss.name == loss,
                settings=FIRST_FOUND).loss.name == loss


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_can_be_drawn_in_hidden_and_output_layers(activation):
    net = find(networks(min_layers=3), lambda net: net.layers[0].activation.name == activation
               and net.output_layer.activation.name == activation, settings=FIRST_FOUND)
    assert net.layers[0].activation.name == activation


@pytest.mark.parametrize("bias", ["per_neuron", "shared", "none"])
def test_every_bias_mode_can_be_drawn(bias):
    assert find(networks(), lambda net: net.bias_mode == bias,
                settings=FIRST_FOUND).bias_mode == bias


def test_examples_shrink_to_the_smallest_network():
    # Hypothesis shrinks towards the first bounds: 2 layers of min_width neurons.
    # without the example database: an example another test saved there is replayed first
    # and find() returns it unshrunk when it already satisfies the condition
    net = find(networks(min_width=2), lambda net: True, settings=settings(database=None))
    assert net.layer_sizes == [2, 2]


@given(st.data())
def test_inputs_have_the_network_s_length_and_range(data):
    net = data.draw(networks())
    x = data.draw(inputs_for(net))
    assert len(x) == net.layer_sizes[0] and all(-1.0 <= v <= 1.0 for v in x)
    y = data.draw(inputs_for(net, elements=st.floats(5, 6)))
    assert all(5.0 <= v <= 6.0 for v in y)


@given(st.data())
def test_targets_are_within_reach_of_the_output_layer(data):
    net = data.draw(networks())
    inputs, targets = data.draw(samples_for(net))
    assert len(inputs) == net.layer_sizes[0] and len(targets) == net.layer_sizes[-1]
    if net.loss.name == "binary_cross_entropy":
        low, high = 0.0, 1.0
    else:
        low, high = TARGET_RANGES[net.output_layer.activation.name]
    assert all(low <= t <= high for t in targets)
    net.train(inputs, targets)  # a usable sample


def test_target_ranges_are_reachable_by_each_activation():
    # sigmoid: (0, 1); tanh: (-1, 1); relu/softplus: [0, inf); leaky_relu/identity: all reals.
    assert TARGET_RANGES["sigmoid"] == (0.0, 1.0)
    assert TARGET_RANGES["tanh"] == TARGET_RANGES["bipolar_sigmoid"] == (-1.0, 1.0)
    assert TARGET_RANGES["relu"][0] == 0.0 and TARGET_RANGES["softplus"][0] == 0.0
    assert TARGET_RANGES["softmax"] == (0.0, 1.0)     # probabilities
    assert set(TARGET_RANGES) == set(ACTIVATIONS) | {"softmax"}
