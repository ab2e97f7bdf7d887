"""The error cases of the core's contract, and the promises about names, biases and seeds.

Each error must be the documented class (a NeurosimError that is also the builtin it refines)
and its message one lower-case sentence naming the field, the value received and what was
expected (STYLE.md, "Errors"). The fragments checked below are the facts a reader needs, not
the exact wording.
"""

import math
import random

import pytest

from neurosim import (ConfigurationError, InputError, NeuralNetwork, NeurosimError,
                      NumericalError, ShapeError, UnknownNameError)

MAZUR_W = [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]]


def mazur_net(**options):
    rules = dict(bias="shared", train_biases=False, learning_rate=0.5)
    rules.update(options)
    return NeuralNetwork.from_weights(MAZUR_W, [0.35, 0.60], **rules)


def parameters(net):
    return {name: net[name] for name in net.parameter_names()}


def assert_message(excinfo, *fragments):
    message = str(excinfo.value)
    first_line = message.splitlines()[0]
    assert first_line[:1] == first_line[:1].lower(), f"message not lower case: {message!r}"
    for fragment in fragments:
        assert fragment in first_line, f"{fragment!r} missing from {message!r}"


# --------------------------------------------------------------------------- samples


@pytest.mark.parametrize("inputs", [[0.05], [0.05, 0.1, 0.2], []])
def test_wrong_input_length(inputs):
    net = mazur_net()
    with pytest.raises(ShapeError) as excinfo:
        net.feed_forward(inputs)
    assert isinstance(excinfo.value, ValueError) and isinstance(excinfo.value, NeurosimError)
    assert_message(excinfo, "inputs", "2", str(len(inputs)))
    with pytest.raises(ShapeError):
        net.train(inputs, [0.01, 0.99])


@pytest.mark.parametrize("targets", [[0.01], [0.01, 0.99, 0.5]])
def test_wrong_target_length(targets):
    net = mazur_net()
    before = parameters(net)
    with pytest.raises(ShapeError) as excinfo:
        net.train([0.05, 0.1], targets)
    assert_message(excinfo, "targets", "2", str(len(targets)))
    assert parameters(net) == before


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("where", ["inputs", "targets"])
def test_non_finite_sample_values(bad, where):
    net = mazur_net()
    before = parameters(net)
    x, t = [0.05, 0.1], [0.01, 0.99]
    if where == "inputs":
        x = [0.05, bad]
    else:
        t = [bad, 0.99]
    with pytest.raises(InputError) as excinfo:
        net.train(x, t)
    assert isinstance(excinfo.value, ValueError)
    assert_message(excinfo, where, "i2" if where == "inputs" else "o1", repr(bad), "finite")
    assert parameters(net) == before
    if where == "inputs":
        with pytest.raises(InputError):
            net.feed_forward(x)
    with pytest.raises(InputError):
        net.total_error([(x, t)])


def test_non_numeric_input():
    with pytest.raises(InputError) as excinfo:
        mazur_net().feed_forward([0.05, "0.1"])
    assert_message(excinfo, "inputs", "i2", "'0.1'", "real number")


# --------------------------------------------------------------------------- construction


@pytest.mark.parametrize("sizes, fragments", [
    ([], ["layer_sizes", "[]", "at least 2"]),
    ([2], ["layer_sizes", "[2]", "at least 2"]),
    ([2, 0], ["layer_sizes[1]", "0", "positive whole number"]),
    ([2, -1], ["layer_sizes[1]", "-1", "positive whole number"]),
    ([2, 2.5], ["layer_sizes[1]", "2.5", "positive whole number"]),
    ([2, "3"], ["layer_sizes[1]", "'3'", "positive whole number"]),
    ([True, 2], ["layer_sizes[0]", "True", "positive whole number"]),
    (None, ["layer_sizes", "None"]),
    # a str iterates as its characters: "222" used to be read digit by digit
    ("222", ["layer_sizes must be a list of layer sizes like [2, 2, 2]", "the str '222'"]),
    (5, ["layer_sizes must be a list of layer sizes like [2, 2, 2]", "got int 5"]),
    # too large to build (it used to run for minutes, then exhaust the memory)
    ([2, 10**9], ["layer_sizes", "[2, 1000000000]", "2,000,000,000 connections",
                  "at most 10,000,000 connections"]),
    ([1, 2_000_000, 1], ["2,000,001 neurons", "1,000,000 neurons"]),
    ([3163, 3163], ["10,004,569 connections"]),
])
def test_bad_layer_sizes(sizes, fragments):
    with pytest.raises(ConfigurationError) as excinfo:
        NeuralNetwork(sizes)
    assert isinstance(excinfo.value, ValueError)
    assert_message(excinfo, *fragments)


ACTIVATION_NAMES = ["sigmoid", "tanh", "bipolar_sigmoid", "relu", "leaky_relu", "identity", "softplus"]
LOSS_NAMES = ["half_squared_error", "squared_error", "mean_squared_error",
              "binary_cross_entropy"]


def test_the_largest_network_accepted_passes_the_size_check():
    # 3,162 * 3,162 = 9,998,244 connections: under the limit; checked without building it
    from neurosim.validation import check_sizes
    assert check_sizes([3162, 3162]) == [3162, 3162]
    assert check_sizes((1, 1_000_000)) == [1, 1_000_000]


@pytest.mark.parametrize("option", ["activation", "output_activation"])
def test_unknown_activation_lists_the_valid_names(option):
    with pytest.raises(ConfigurationError) as excinfo:
        NeuralNetwork([2, 2, 1], **{option: "sigmoidd"})
    assert_message(excinfo, "activation", "'sigmoidd'", *ACTIVATION_NAMES)


def test_unknown_loss_lists_the_valid_names():
    with pytest.raises(ConfigurationError) as excinfo:
        NeuralNetwork([2, 2, 1], loss="hinge")
    assert_message(excinfo, "loss", "'hinge'", *LOSS_NAMES)


@pytest.mark.parametrize("option, value", [
    ("bias", "both"), ("hidden_deltas", "new_weights")])
def test_unknown_mode(option, value):
    with pytest.raises(ConfigurationError) as excinfo:
        NeuralNetwork([2, 2, 1], **{option: value})
    assert_message(excinfo, option, repr(value))


def test_negative_learning_rate():
    with pytest.raises(ConfigurationError) as excinfo:
        NeuralNetwork([2, 2, 1], learning_rate=-0.1)
    assert_message(excinfo, "learning_rate", "-0.1", "at least 0")


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, "0.5", None])
def test_non_finite_or_non_numeric_learning_rate(value):
    """Rejected as a NeurosimError that is a ValueError. (The core raises InputError, "not a
    finite real number"; ConfigurationError would fit a constructor option as well: the
    contract does not say which, so either is accepted.)"""
    with pytest.raises((ConfigurationError, InputError)) as excinfo:
        NeuralNetwork([2, 2, 1], learning_rate=value)
    assert isinstance(excinfo.value, ValueError)
    assert_message(excinfo, "learning_rate", repr(value), "finite")


def test_negative_weight_decay():
    with pytest.raises(ConfigurationError) as excinfo:
        NeuralNetwork([2, 2, 1], weight_decay=-1.0)
    assert_message(excinfo, "weight_decay", "-1.0")


@pytest.mark.parametrize("weights, fragments", [
    ([[[1, 2], [3]]], ["weights[0]", "row 1", "1", "expected 2"]),
    ([[[1, 2], [3, 4]], [[1, 2, 3]]], ["weights[1]", "row 0", "3", "expected 2"]),
    ([[[1, 2], [3, 4]], [[1, 2], [5]]], ["weights[1]", "row 1", "expected 2"]),
    ([], ["weights", "[]"]),
])
def test_weights_of_the_wrong_shape_name_layer_and_row(weights, fragments):
    with pytest.raises(ShapeError) as excinfo:
        NeuralNetwork.from_weights(weights)
    assert isinstance(excinfo.value, ValueError)
    assert_message(excinfo, *fragments)


def test_non_finite_weight_names_its_position():
    with pytest.raises(InputError) as excinfo:
        NeuralNetwork.from_weights([[[1.0, math.nan]]])
    assert_message(excinfo, "weights[0][0][1]", "nan", "finite")


@pytest.mark.parametrize("biases, bias", [([[1.0, 2.0]], "per_neuron"), ([[1.0]], "shared"),
                                          ([1.0, 2.0], "per_neuron")])
def test_biases_of_the_wrong_shape(biases, bias):
    with pytest.raises(ShapeError) as excinfo:
        NeuralNetwork.from_weights([[[1.0, 2.0]]], biases, bias=bias)
    assert_message(excinfo, "biases")


# --------------------------------------------------------------------------- names


def test_unknown_name_is_a_key_error_naming_it():
    net = mazur_net()
    with pytest.raises(UnknownNameError) as excinfo:
        net["w99"]
    assert isinstance(excinfo.value, KeyError) and isinstance(excinfo.value, NeurosimError)
    assert_message(excinfo, "'w99'")
    with pytest.raises(KeyError):
        net["w99"] = 1.0


def test_unknown_name_suggests_close_matches():
    net = mazur_net()
    with pytest.raises(UnknownNameError) as excinfo:
        net["w55"]
    assert_message(excinfo, "'w55'", "w5")
    first_line = str(excinfo.value).splitlines()[0]
    assert "w1" not in first_line.replace("'w55'", "")


def test_input_names_are_not_parameters():
    with pytest.raises(UnknownNameError) as excinfo:
        mazur_net()["i1"]
    assert_message(excinfo, "'i1'", "input")


def test_setting_a_weight_by_name():
    net = mazur_net()
    net["w5"] = 0.5
    assert net["w5"] == 0.5
    assert net["o1"].weights[0] == 0.5
    assert net.feed_forward([0.05, 0.1])[0] == pytest.approx(
        1 / (1 + math.exp(-(0.5 * net["h1"].out + 0.45 * net["h2"].out + 0.6))), rel=1e-15)
    net["w5"] = 0.4
    assert net["w5"] == 0.4
    net["b2"] = 0.7  # a shared bias: every neuron of the layer
    assert net["o1"].bias == net["o2"].bias == 0.7


def test_setting_a_weight_to_a_non_finite_value_is_refused():
    net = mazur_net()
    with pytest.raises(InputError) as excinfo:
        net["w5"] = math.nan
    assert_message(excinfo, "w5", "nan")
    assert net["w5"] == 0.4


def test_default_names_of_a_2_3_2_1_network():
    """Hidden neurons h1.. continuously across hidden layers (seed 002's neu1..neu5), outputs
    o1.., weights w1.. by layer, receiving neuron, sending neuron."""
    net = NeuralNetwork([2, 3, 2, 1], seed=0)
    assert [[n.name for n in layer.neurons] for layer in net.layers] == [
        ["h1", "h2", "h3"], ["h4", "h5"], ["o1"]]
    assert net.output_layer is net.layers[-1] and net.layer_sizes == [2, 3, 2, 1]
    weights = [p for p in net.parameter_names() if p.startswith("w")]
    assert weights == [f"w{k}" for k in range(1, 15)]
    assert net["h1"].weights == [net["w1"], net["w2"]]
    assert net["h3"].weights == [net["w5"], net["w6"]]
    assert net["h4"].weights == [net["w7"], net["w8"], net["w9"]]
    assert net["h5"].weights == [net["w10"], net["w11"], net["w12"]]
    assert net["o1"].weights == [net["w13"], net["w14"]]
    biases = [p for p in net.parameter_names() if p.startswith("b")]
    assert biases == ["b_h1", "b_h2", "b_h3", "b_h4", "b_h5", "b_o1"]


def test_mazur_names():
    """w1 i1->h1, w2 i2->h1, w3 i1->h2, w4 i2->h2, w5 h1->o1, w6 h2->o1, w7 h1->o2, w8 h2->o2;
    shared biases b1, b2."""
    net = mazur_net()
    assert [net[f"w{k}"] for k in range(1, 9)] == [0.15, 0.20, 0.25, 0.30,
                                                    0.40, 0.45, 0.50, 0.55]
    assert (net["b1"], net["b2"]) == (0.35, 0.60)
    assert sorted(net.parameter_names()) == sorted([f"w{k}" for k in range(1, 9)] + ["b1", "b2"])
    assert NeuralNetwork([2, 2, 2], bias="none", seed=0).parameter_names() == [
        f"w{k}" for k in range(1, 9)]


# --------------------------------------------------------------------------- numerical failure


@pytest.mark.parametrize("hidden_deltas", ["original_weights", "updated_weights"])
@pytest.mark.parametrize("case", ["forward", "error", "nan", "update"])
def test_step_producing_inf_or_nan_raises_and_keeps_the_weights(case, hidden_deltas):
    """NumericalError names the neuron and the quantity; the weights (and biases) are exactly as
    before the step, also under ``updated_weights``, where the output layer's update happens
    before the hidden layer's gradients overflow."""
    options = dict(activation="identity", loss="squared_error", hidden_deltas=hidden_deltas)
    if case == "forward":      # net_o1 = 1e200 * 1e200 = inf
        net = NeuralNetwork.from_weights([[[1e200]]], **options)
        x, t, fragments = [1e200], [0.0], ["net", "o1", "inf"]
    elif case == "error":      # out_o1 = 1e200 is finite, its squared error is not
        net = NeuralNetwork.from_weights([[[1e200]]], **options)
        x, t, fragments = [1.0], [0.0], ["error", "o1", "inf"]
    elif case == "nan":        # 1e200 * 1e200 + (-1e200) * 1e200 = inf - inf = nan
        net = NeuralNetwork.from_weights([[[1e200, -1e200]]], **options)
        x, t, fragments = [1e200, 1e200], [0.0], ["o1", "nan"]
    else:                      # forward and error finite; dE/dw1 = delta_h1 * 1e5 overflows
        net = NeuralNetwork.from_weights([[[1e-5]], [[1e153]]], [[0.25], [0.5]],
                                         learning_rate=0.1, **options)
        x, t, fragments = [1e5], [0.0], ["h1", "w1", "inf"]
    before = parameters(net)
    with pytest.raises(NumericalError) as excinfo:
        net.train(x, t)
    assert isinstance(excinfo.value, NeurosimError)
    assert_message(excinfo, *fragments)
    assert parameters(net) == before


# --------------------------------------------------------------------------- biases and seeds


@pytest.mark.parametrize("bias", ["shared", "per_neuron"])
def test_zero_bias_stays_zero(bias):
    """Mazur's code sets ``self.bias = bias if bias else random.random()``, so a bias of 0
    becomes random; in neurosim 0.0 is a value like any other."""
    net = NeuralNetwork.from_weights(MAZUR_W, [0.0, 0.0], bias=bias, train_biases=False)
    assert all(n.bias == 0.0 for n in net.neurons)
    net.train([0.05, 0.1], [0.01, 0.99])
    assert all(n.bias == 0.0 for n in net.neurons)
    assert all(NeuralNetwork([2, 2, 2], seed=s, bias=bias)[b] == 0.0
               for s in range(3) for b in NeuralNetwork([2, 2, 2], bias=bias).parameter_names()
               if b.startswith("b"))


def test_bias_none_is_fixed_at_zero():
    net = NeuralNetwork.from_weights(MAZUR_W, bias="none")
    net.train([0.05, 0.1], [0.01, 0.99])
    assert all(n.bias == 0.0 for n in net.neurons)


def test_seeded_initialisation_is_reproducible_and_leaves_the_global_generator_alone():
    random.seed(2024)
    state = random.getstate()
    a = NeuralNetwork([2, 3, 2, 1], seed=7)
    b = NeuralNetwork([2, 3, 2, 1], seed=7)
    c = NeuralNetwork([2, 3, 2, 1], seed=8)
    NeuralNetwork([2, 3, 2, 1])  # no seed: still not the global generator
    a.train([0.5, -0.5], [1.0])
    assert random.getstate() == state
    b.train([0.5, -0.5], [1.0])
    assert parameters(a) == parameters(b)
    assert parameters(NeuralNetwork([2, 3, 2, 1], seed=7)) != parameters(c)
    # the global seed does not leak into the network either
    random.seed(1)
    d = NeuralNetwork([2, 3, 2, 1], seed=7)
    random.seed(2)
    e = NeuralNetwork([2, 3, 2, 1], seed=7)
    assert parameters(d) == parameters(e)


# --------------------------------------------------------------------------- exploratory findings


def test_total_error_refuses_an_infinite_error_as_train_does():
    """identity net, w = [1, 1]: out_o1 = 1e200 + 1e200 = 2e200 is finite, its half squared error
    0.5 * (2e200)^2 = 2e400 is not. train raises NumericalError naming it; total_error must too
    (it used to return inf), naming the sample, and still leave the neurons untouched."""
    net = NeuralNetwork.from_weights([[[1.0, 1.0]]], activation="identity")
    good, bad = ([0.0, 1.0], [0.0]), ([1e200, 1e200], [0.0])
    with pytest.raises(NumericalError) as excinfo:
        net.total_error([good, bad])
    assert_message(excinfo, "samples[1]", "error of o1", "inf", "finite")
    assert net["o1"].out is None and net["o1"].error is None and net.E_total is None
    assert parameters(net) == {"w1": 1.0, "w2": 1.0, "b_o1": 0.0}
    with pytest.raises(NumericalError) as excinfo:
        net.train(*bad)
    assert_message(excinfo, "error of o1", "inf")
    assert net.total_error([good]) == 0.5  # out = 1, E = 1/2 (0 - 1)^2


def test_total_error_names_an_output_that_overflows():
    """w = [1e200]: out_o1 = 1e200 * 1e200 = inf in the forward pass itself."""
    net = NeuralNetwork.from_weights([[[1e200]]], activation="identity")
    with pytest.raises(NumericalError) as excinfo:
        net.total_error([([1e200], [0.0])])
    assert_message(excinfo, "samples[0]", "out of o1", "inf")


def test_total_error_refuses_finite_errors_that_overflow_when_added():
    """out = 1e154, E = 0.5 * 1e308 = 5e307 per sample: three sum to 1.5e308 (below the largest
    float, about 1.797e308), four to 2e308, past it."""
    net = NeuralNetwork.from_weights([[[1e154]]], activation="identity")
    sample = ([1.0], [0.0])
    assert net.total_error([sample] * 3) == pytest.approx(1.5e308, rel=1e-12)
    with pytest.raises(NumericalError) as excinfo:
        net.total_error([sample] * 4)
    assert_message(excinfo, "total_error", "inf", "4 samples")


@pytest.mark.parametrize("value", ["no", "False", 0, 1, None, 0.0, [True]])
def test_boolean_options_take_only_true_or_false(value):
    """train_biases='no' used to mean True (bool('no')); record='no' recorded."""
    with pytest.raises(ConfigurationError) as excinfo:
        NeuralNetwork([2, 2, 2], train_biases=value, seed=0)
    assert_message(excinfo, "train_biases", repr(value), "True or False")
    with pytest.raises(ConfigurationError) as excinfo:
        NeuralNetwork.from_weights(MAZUR_W, train_biases=value)
    assert_message(excinfo, "train_biases", repr(value), "True or False")
    net = mazur_net()
    with pytest.raises(ConfigurationError) as excinfo:
        net.train([0.05, 0.1], [0.01, 0.99], record=value)
    assert_message(excinfo, "record", repr(value), "True or False")
    assert parameters(net) == parameters(mazur_net())


def test_boolean_options_accept_true_and_false():
    assert NeuralNetwork([2, 2, 2], train_biases=False, seed=0).train_biases is False
    assert NeuralNetwork([2, 2, 2], train_biases=True, seed=0).train_biases is True
    assert NeuralNetwork([2, 2, 2], train_biases=True, bias="none", seed=0).train_biases is False
    net = mazur_net()
    assert round(net.train([0.05, 0.1], [0.01, 0.99], record=False), 9) == 0.298371109  # Mazur


@pytest.mark.parametrize("unordered", [set, frozenset])
def test_a_set_is_not_an_ordered_vector(unordered):
    """A set iterates in hash order: {0.99, 0.01} used to be read as [0.01, 0.99]."""
    with pytest.raises(ShapeError) as excinfo:
        NeuralNetwork(unordered({2, 3}))
    assert_message(excinfo, "layer_sizes", "set", "no order")
    net = mazur_net()
    with pytest.raises(ShapeError) as excinfo:
        net.feed_forward(unordered({1, 0}))
    assert_message(excinfo, "inputs", "i1, i2", "set", "no order")
    with pytest.raises(ShapeError) as excinfo:
        net.train([0.05, 0.1], unordered({0.99, 0.01}))
    assert_message(excinfo, "targets", "o1, o2", "set", "no order")
    with pytest.raises(ShapeError) as excinfo:
        net.total_error([(unordered({0.05, 0.1}), [0.01, 0.99])])
    assert_message(excinfo, "samples[0] inputs", "set")
    assert parameters(net) == parameters(mazur_net())


def test_tuples_are_ordered_vectors():
    net = mazur_net()
    assert round(net.train((0.05, 0.1), (0.01, 0.99)), 9) == 0.298371109  # Mazur
    assert round(net["w5"], 8) == 0.35891648                               # Mazur: w5+


@pytest.mark.parametrize("options, activation", [
    (dict(output_activation="tanh"), "'tanh'"),
    (dict(activation="tanh"), "'tanh'"),           # the output layer takes activation too
    (dict(activation=["sigmoid", "identity"]), "'identity'"),
    (dict(output_activation="relu"), "'relu'"),
    (dict(output_activation="softplus"), "'softplus'"),
])
@pytest.mark.parametrize("loss", ["binary_cross_entropy", "bce"])
def test_binary_cross_entropy_needs_a_sigmoid_output(loss, options, activation):
    """BCE takes log(out) and log(1 - out): with a tanh output it used to train, stuck on the
    clip at 1e-12."""
    with pytest.raises(ConfigurationError) as excinfo:
        NeuralNetwork([2, 5, 1], loss=loss, seed=0, **options)
    assert_message(excinfo, "binary_cross_entropy", activation, "sigmoid")
    with pytest.raises(ConfigurationError):
        NeuralNetwork.from_weights([[[1.0, 1.0]], [[1.0]]], loss=loss, **options)


def test_binary_cross_entropy_with_a_sigmoid_output_is_accepted():
    net = NeuralNetwork([2, 5, 1], activation="tanh", output_activation="sigmoid",
                        loss="binary_cross_entropy", seed=0)
    assert net.loss.name == "binary_cross_entropy"
    # w = 0, b = 0: out = sigmoid(0) = 1/2; E = -(t log 1/2 + (1 - t) log 1/2) = log 2 for any t
    net = NeuralNetwork.from_weights([[[0.0]]], loss="binary_cross_entropy")
    for t in (0.0, 1.0, 0.25):
        assert net.total_error([([1.0], [t])]) == pytest.approx(math.log(2), rel=1e-15)


@pytest.mark.parametrize("target", [2.0, -1, -1e-9, 1.0000001])
def test_binary_cross_entropy_needs_targets_between_0_and_1(target):
    net = NeuralNetwork.from_weights([[[0.5, -0.5]]], loss="binary_cross_entropy")
    before = parameters(net)
    for run in (lambda: net.train([0.1, 0.2], [target]),
                lambda: net.train([0.1, 0.2], [target], record=True),
                lambda: list(net.step_through([0.1, 0.2], [target])),
                lambda: net.total_error([([0.1, 0.2], [target])]),
                lambda: net.fit([([0.1, 0.2], [target])], epochs=1, mode="batch")):
        with pytest.raises(InputError) as excinfo:
            run()
        assert_message(excinfo, "targets", repr(float(target)), "between 0 and 1",
                       "binary_cross_entropy")
        assert parameters(net) == before


HUGE = 10 ** 400  # an int: exact in Python, past the largest float (about 1.8e308)


@pytest.mark.parametrize("value", [HUGE, -HUGE, 10 ** 5000], ids=["1e400", "-1e400", "1e5000"])
def test_an_int_too_large_for_a_float_is_an_input_error(value):
    """float(10**400) raises OverflowError; that used to escape. 10**5000 also has no repr
    (past Python's 4300-digit limit), so the message gives its size."""
    size = "1e5000" if value == 10 ** 5000 else "1e400"
    with pytest.raises(InputError) as excinfo:
        NeuralNetwork.from_weights([[[value]]])
    assert_message(excinfo, "weights[0][0][0]", "finite real number", size)
    with pytest.raises(InputError) as excinfo:
        NeuralNetwork.from_weights([[[1.0]]], [[value]])
    assert_message(excinfo, "biases[0][0]", "finite real number", size)
    net = mazur_net()
    with pytest.raises(InputError) as excinfo:
        net.train([value, 0], [0.01, 0.99])
    assert_message(excinfo, "inputs", "i1", "finite", size)
    with pytest.raises(InputError) as excinfo:
        net["w5"] = value
    assert_message(excinfo, "w5", "finite real number", size)
    assert parameters(net) == parameters(mazur_net())
    with pytest.raises((ConfigurationError, InputError)) as excinfo:
        NeuralNetwork([2, 1], learning_rate=value)
    assert_message(excinfo, "learning_rate", "finite real number", size)


def test_large_ints_within_the_float_range_are_numbers():
    net = NeuralNetwork.from_weights([[[10 ** 300]]], activation="identity")
    assert net["w1"] == 1e300


@pytest.mark.parametrize("seed", [[1], 1.5, True, (1,), b"x", 2.0])
def test_a_seed_is_none_an_integer_or_a_string(seed):
    """The rule of fit's seed (neurosim.training), so that one seed serves both; seed=[1] used to
    fail with a TypeError from inside the random module, 1.5 and True were taken."""
    with pytest.raises(ConfigurationError) as excinfo:
        NeuralNetwork([2, 2, 2], seed=seed)
    assert_message(excinfo, "seed", repr(seed), "None, an integer or a string")
    with pytest.raises(ConfigurationError):
        NeuralNetwork.from_weights(MAZUR_W, seed=seed)
    with pytest.raises(ConfigurationError):
        NeuralNetwork([2, 2, 1], seed=0).fit([([0.0, 1.0], [1.0])], epochs=1, seed=seed)


def test_integer_and_string_seeds_and_none_are_accepted():
    for seed in (None, 0, -5, 2 ** 100, "lesson 3", ""):
        assert NeuralNetwork([2, 2, 2], seed=seed).seed == seed
    assert parameters(NeuralNetwork([2, 2, 2], seed="a")) == parameters(
        NeuralNetwork([2, 2, 2], seed="a"))


# --------------------------------------------------------------------------- one step at a time

X, T = [0.05, 0.1], [0.01, 0.99]


def test_a_train_during_a_paused_step_through_stops_it():
    """The paused step's state was overwritten: going on would apply a second update computed
    from a mix of both passes. It refuses; the network holds exactly the one trained step."""
    net = mazur_net()
    steps = net.step_through(X, T)
    for _ in range(5):
        next(steps)
    net.train(X, T)
    with pytest.raises(NeurosimError) as excinfo:
        next(steps)
    assert_message(excinfo, "step_through", "another pass", "paused")
    assert round(net["w5"], 8) == 0.35891648 and round(net["w1"], 9) == 0.149780716  # Mazur


@pytest.mark.parametrize("interrupt", [
    lambda net: net.feed_forward(X),
    lambda net: net.step_through(X, T),                       # creating one resets the neurons
    lambda net: next(net.step_through(X, T)),
    lambda net: net.train(X, T, record=True),
    lambda net: net.fit([(X, T)], epochs=1, mode="batch"),    # batch steps bypass net.train
])
@pytest.mark.parametrize("pause", [3, 20, 48])  # forward, backward, update (events 46-53)
def test_any_other_pass_during_a_pause_stops_the_paused_step(interrupt, pause):
    net = mazur_net()
    steps = net.step_through(X, T)
    for _ in range(pause):
        next(steps)
    interrupt(net)
    with pytest.raises(NeurosimError) as excinfo:
        next(steps)
    assert_message(excinfo, "step_through")


def test_of_two_interleaved_step_throughs_the_later_one_wins():
    """Both used to apply their update: a double update from stale state."""
    net = mazur_net()
    first, second = net.step_through(X, T), net.step_through(X, T)
    next(first)
    next(second)
    with pytest.raises(NeurosimError):
        next(first)
    events = list(second)
    assert len(events) == 54 and round(net["w5"], 8) == 0.35891648  # Mazur: one update


def test_step_throughs_run_one_after_the_other_are_two_steps():
    stepped, trained = mazur_net(), mazur_net()
    first, second = stepped.step_through(X, T), stepped.step_through(X, T)
    list(first)
    list(second)
    trained.train(X, T)
    trained.train(X, T)
    assert parameters(stepped) == parameters(trained)


def test_reading_and_setting_weights_during_a_pause_is_allowed():
    net = mazur_net()
    steps = net.step_through(X, T)
    next(steps)
    net.total_error([(X, T)])   # side-effect free
    net["w8"] = 0.6             # used by the rest of the step
    events = list(steps)
    assert events[-1].name == "w8" and events[-1].old == 0.6


def test_step_through_still_returns_E_total_and_closes():
    net = mazur_net()
    steps = net.step_through(X, T)
    with pytest.raises(StopIteration) as stop:
        while True:
            next(steps)
    assert round(stop.value.value, 9) == 0.298371109  # Mazur: E_total
    steps = net.step_through(X, T)
    next(steps)
    steps.close()
    net.train(X, T)  # a closed step is no obstacle


# --------------------------------------------------------------------------- what only looks like a list

def _entry_points():
    """Every public way a vector reaches a network: {name: call taking inputs and targets}."""
    from neurosim import check, gradcheck, worksheet
    from neurosim.stepper import Stepper

    def stepped(x, t):
        return list(mazur_net().step_through(x, t))

    return {
        "train": lambda x, t: mazur_net().train(x, t),
        "train(record=True)": lambda x, t: mazur_net().train(x, t, record=True),
        "feed_forward": lambda x, t: mazur_net().feed_forward(x),
        "step_through": stepped,
        "total_error": lambda x, t: mazur_net().total_error([(x, t)]),
        "fit": lambda x, t: mazur_net().fit([(x, t)], epochs=1),
        "gradcheck": lambda x, t: gradcheck(mazur_net(), x, t),
        "check": lambda x, t: check("out_h1 = 0.593269992", inputs=x, targets=t),
        "Stepper": lambda x, t: Stepper(mazur_net(), x, t),
        "worksheet": lambda x, t: worksheet(mazur_net(), x, t),
    }


ENTRY_POINTS = list(_entry_points())


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("bad, shown", [
    (b"ab", "the bytes b'ab'"),
    (bytearray(b"ab"), "the bytearray bytearray(b'ab')"),
    (memoryview(b"ab"), "a memoryview of 2 bytes"),
], ids=["bytes", "bytearray", "memoryview"])
def test_bytes_are_not_a_vector_of_numbers(entry, bad, shown):
    """b"ab" iterates as 97, 98: train(b"ab", t) used to train on the inputs [97.0, 98.0]."""
    call = _entry_points()[entry]
    with pytest.raises(ShapeError) as excinfo:
        call(bad, [0.01, 0.99])
    assert_message(excinfo, "inputs must be a list of 2 numbers (i1, i2)", f"got {shown}",
                   "byte values")
    if entry == "feed_forward":
        return
    with pytest.raises(ShapeError) as excinfo:
        call([0.05, 0.1], bad)
    assert_message(excinfo, "targets must be a list of 2 numbers (o1, o2)", f"got {shown}")


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_dict_is_not_a_vector_of_numbers(entry):
    """A dict iterates as its keys: {0.05: "i1", 0.1: "i2"} used to be read as [0.05, 0.1]."""
    with pytest.raises(ShapeError) as excinfo:
        _entry_points()[entry]({0.05: "i1", 0.1: "i2"}, [0.01, 0.99])
    assert_message(excinfo, "inputs must be a list", "got a dict {0.05: 'i1', 0.1: 'i2'}",
                   "keys would be read as the values")


def test_dict_views_and_arrays_are_still_vectors():
    from array import array
    net = mazur_net()
    values = {"i1": 0.05, "i2": 0.1}.values()
    assert round(net.train(values, array("d", [0.01, 0.99])), 9) == 0.298371109  # Mazur


@pytest.mark.parametrize("sizes, shown", [
    (b"\x02\x02\x01", "got the bytes b'\\x02\\x02\\x01', whose items would be read as byte"),
    (bytearray(b"\x02\x01"), "got the bytearray bytearray(b'\\x02\\x01')"),
    ({2: "inputs", 3: "outputs"}, "got a dict {2: 'inputs', 3: 'outputs'}, whose keys"),
])
def test_bytes_and_dicts_are_not_layer_sizes(sizes, shown):
    """NeuralNetwork(b"\\x02\\x02\\x01") used to build a 2-2-1 network, a dict one from its keys."""
    with pytest.raises(ShapeError) as excinfo:
        NeuralNetwork(sizes)
    assert_message(excinfo, "layer_sizes must be a list of layer sizes like [2, 2, 2]", shown)


@pytest.mark.parametrize("text", ["sNaN", "-sNaN", "NaN", "Infinity"])
def test_a_decimal_nan_is_refused_as_not_finite(text):
    """Decimal("sNaN") used to escape as a bare ValueError ("cannot convert signaling NaN")."""
    from decimal import Decimal
    from neurosim import gradcheck
    bad = Decimal(text)
    for call in (lambda: mazur_net().train([bad, 0.1], [0.01, 0.99]),
                 lambda: mazur_net().feed_forward([0.05, bad]),
                 lambda: gradcheck(mazur_net(), [0.05, 0.1], [bad, 0.99])):
        with pytest.raises(InputError) as excinfo:
            call()
        assert_message(excinfo, "must be finite", f"got Decimal('{text}')")


def test_decimals_and_fractions_are_numbers_in_a_vector():
    from decimal import Decimal
    from fractions import Fraction
    net = mazur_net()
    E = net.train([Decimal("0.05"), Fraction(1, 10)], [Fraction(1, 100), Decimal("0.99")])
    assert round(E, 9) == 0.298371109                                        # Mazur


# --------------------------------------------------------------------------- names that clash

@pytest.mark.parametrize("names, layer, name, reason", [
    # E_total would be the error term of the output named total, and the checker would judge
    # the true E_total against it
    ([["i1", "i2"], ["h1", "h2"], ["o1", "total"]], 2, "total", "E_total is the total error"),
    # dE_total/dout_h1 is how a hand calculation writes dE/dout_h1
    ([["i1", "i2"], ["total", "h2"], ["o1", "o2"]], 1, "total", "dE_total/"),
    # b_h1 is h1's bias: the neuron would hide it
    ([["i1", "i2"], ["h1", "b_h1"], ["o1", "o2"]], 1, "b_h1", "b_h1 is the bias of h1"),
    ([["i1", "i2"], ["h1", "h2"], ["b_x", "o2"]], 2, "b_x", "b_ begins the name of a neuron's"),
    ([["i1", "i2"], ["h1", "w3"], ["o1", "o2"]], 1, "w3", "w1, w2, ... are the weights"),
    ([["i1", "b2"], ["h1", "h2"], ["o1", "o2"]], 0, "b2", "b1, b2, ... the shared biases"),
    # an input's value goes by its name: an input out_h1 would be h1's output
    ([["out_h1", "i2"], ["h1", "h2"], ["o1", "o2"]], 0, "out_h1", "an input's value goes by"),
    ([["i1", "target_o1"], ["h1", "h2"], ["o1", "o2"]], 0, "target_o1", "target_"),
    ([["E_total", "i2"], ["h1", "h2"], ["o1", "o2"]], 0, "E_total", "E_"),
])
def test_names_that_clash_with_a_steps_quantities_are_refused(names, layer, name, reason):
    with pytest.raises(ConfigurationError) as excinfo:
        NeuralNetwork([2, 2, 2], names=names, seed=0)
    assert_message(excinfo, f"names[{layer}]: {name!r} clashes with the names of a step's "
                            f"quantities", reason)
    assert str(excinfo.value).endswith("\nchoose another name")


def test_names_that_do_not_clash_are_kept():
    net = NeuralNetwork([2, 2, 1], names=[["x", "y"], ["out_a", "E_b"], ["totals"]], seed=0)
    from neurosim import quantities
    assert "E_totals" in quantities.names(net) and "out_out_a" in quantities.names(net)
    assert "b_out_a" in net.parameter_names()


def test_a_name_used_twice_is_refused():
    with pytest.raises(ConfigurationError) as excinfo:
        NeuralNetwork([2, 2, 1], names=[["i1", "i2"], ["h1", "i1"], ["o1"]], seed=0)
    assert_message(excinfo, "names[1]: 'i1' is used twice")
