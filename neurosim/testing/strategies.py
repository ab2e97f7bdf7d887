"""Hypothesis strategies for neural networks, their inputs and their samples.

Property-based tests state what must hold for *every* network, and let Hypothesis search for a
counterexample (and shrink it to a small one). These strategies generate the networks:

* :func:`networks` -- random :class:`~neurosim.NeuralNetwork` objects: depth, widths,
  activations, loss, bias mode and every weight drawn by Hypothesis;
* :func:`inputs_for` -- input vectors of the right length for a given network;
* :func:`targets_for` -- target vectors in the range of its output activation and loss;
* :func:`samples_for` -- ``(inputs, targets)`` pairs, as ``net.train`` and ``net.fit`` take.

They follow Hypothesis's API style: plural names, keyword-only arguments, bounds called
``min_*``/``max_*``, every argument checked when the strategy is created (a bad one raises
:class:`hypothesis.errors.InvalidArgument` with a message saying what was expected), and each
argument is either a value or a strategy, never "a value or a strategy": only ``weights=`` and
``elements=`` take strategies (of floats).

A network depends on nothing but the draws, so a failing example shrinks and replays.

>>> from hypothesis import given, strategies as st
>>> from neurosim.testing.strategies import networks, samples_for
>>> @given(st.data())
... def test_one_step_leaves_every_weight_finite(data):
...     net = data.draw(networks(activations=["sigmoid", "tanh"]))
...     inputs, targets = data.draw(samples_for(net))
...     net.train(inputs, targets)
...     assert all(abs(w) < 1e6 for n in net.neurons for w in n.weights)
>>> test_one_step_leaves_every_weight_finite()
"""

import math

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .. import activations as _activations
from .. import losses as _losses
from ..layer import BIAS_MODES
from ..network import NeuralNetwork

__all__ = ["networks", "inputs_for", "targets_for", "samples_for", "TARGET_RANGES"]

#: The interval targets are drawn from, by output activation: values the output can reach
#: (sigmoid and tanh) or a bounded piece of its range (ReLU and softplus are unbounded above).
#: Binary cross-entropy always draws targets from [0, 1] (it needs a sigmoid output).
TARGET_RANGES = {
    "sigmoid": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "bipolar_sigmoid": (-1.0, 1.0),
    "relu": (0.0, 2.0),
    "softplus": (0.0, 2.0),
    "leaky_relu": (-2.0, 2.0),
    "identity": (-2.0, 2.0),
    "softmax": (0.0, 1.0),
}

def networks(*, min_layers=2, max_layers=4, min_width=1, max_width=4, activations=None,
             output_activations=None, losses=None, biases=None, weights=None,
             train_biases=True, learning_rate=0.5, weight_decay=0.0):
    """A strategy for :class:`~neurosim.NeuralNetwork` objects with drawn shapes and weights.

    If ``min_layers=2, max_layers=4`` the networks have 2 to 4 layers *counting the input
    layer*: from ``[n_in, n_out]`` (no hidden layer) to two hidden layers. Every layer has
    ``min_width`` to ``max_width`` neurons (inputs and outputs included).

    ``activations`` lists the activation names hidden layers draw from, one per layer (default:
    all of ``neurosim.activations.names()``); ``output_activations`` those the output layer
    draws from (default: the same as ``activations``). ``losses`` lists the losses to draw
    from (default: all, minus those no allowed output activation suits: binary cross-entropy
    needs a sigmoid output), and ``biases`` the bias modes (default: ``per_neuron``,
    ``shared`` and ``none``). Every weight and bias value is drawn from ``weights``, a
    strategy of finite floats (default ``floats(-2, 2)``). ``train_biases``, ``learning_rate``
    and ``weight_decay`` are values passed on to every network.

    >>> from hypothesis import given
    >>> @given(networks(max_layers=3, max_width=2, activations=["tanh"], losses=["mse"]))
    ... def test_shapes(net):
    ...     assert 2 <= len(net.layer_sizes) <= 3 and max(net.layer_sizes) <= 2
    ...     assert {layer.activation.name for layer in net.layers} == {"tanh"}
    ...     assert net.loss.name == "mean_squared_error"
    >>> test_shapes()
    >>> networks(min_layers=1)
    Traceback (most recent call last):
    ...
    hypothesis.errors.InvalidArgument: min_layers must be at least 2 (an input and an output layer), got 1
    """
    _check_count("min_layers", min_layers, 2, "(an input and an output layer)")
    _check_count("max_layers", max_layers, min_layers, "(min_layers)")
    _check_count("min_width", min_width, 1, "(a layer has at least one neuron)")
    _check_count("max_width", max_width, min_width, "(min_width)")
    # softmax is an activation of a whole output layer: drawn only when output_activations
    # names it (then with at least 2 outputs), never for hidden layers nor by default
    hidden = ([a for a in _activations.names() if a != "softmax"] if activations is None
              else _check_names("activations", activations, _activations))
    if "softmax" in hidden:
        raise InvalidArgument("activations includes 'softmax', which only an output layer "
                              "may have\ngive it in output_activations=['softmax']")
    outputs = hidden if output_activations is None else _check_names(
        "output_activations", output_activations, _activations)
    if outputs == ["softmax"] and max_width < 2:
        raise InvalidArgument(f"output_activations=['softmax'] needs at least 2 outputs, but "
                              f"max_width is {max_width!r}\nraise max_width to 2 or more")
    loss_names = (_losses.names() if losses is None
                  else _check_names("losses", losses, _losses))
    for name in loss_names if losses is not None else ():
        if not _suits(name, outputs):
            raise InvalidArgument(
                f"losses includes {name!r}, which needs a {_losses.get(name).output_activation} "
                f"output layer, but the output activations allowed are {outputs!r}\n"
                f"add 'sigmoid' to output_activations (or activations), or drop {name!r}")
    if biases is not None and (isinstance(biases, str) or not isinstance(biases, (list, tuple))
                               or not biases):
        raise InvalidArgument(f"biases must be a non-empty list of bias modes from "
                              f"{list(BIAS_MODES)!r}, got {biases!r}")
    for mode in biases or ():
        if mode not in BIAS_MODES:
            raise InvalidArgument(f"biases: unknown bias mode {mode!r}; expected one of "
                                  f"{', '.join(BIAS_MODES)}")
    weights = _check_strategy("weights", weights, st.floats(-2.0, 2.0), "st.floats(-2, 2)")
    if not isinstance(train_biases, bool):
        raise InvalidArgument(f"train_biases must be True or False, got {train_biases!r}")
    for field, value in (("learning_rate", learning_rate), ("weight_decay", weight_decay)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value) or value < 0:
            raise InvalidArgument(f"{field} must be a finite number of at least 0, got {value!r}")
    return _networks(min_layers, max_layers, min_width, max_width, hidden, outputs,
                     [name for name in loss_names if _suits(name, outputs)],
                     list(dict.fromkeys(biases or BIAS_MODES)), weights,
                     dict(train_biases=train_biases, learning_rate=learning_rate,
                          weight_decay=weight_decay))


@st.composite
def _networks(draw, min_layers, max_layers, min_width, max_width, hidden, outputs, loss_names,
              modes, weights, options):
    n_layers = draw(st.integers(min_layers, max_layers))
    sizes = [draw(st.integers(min_width, max_width)) for _ in range(n_layers)]
    loss = draw(st.sampled_from(loss_names))
    acts = [draw(st.sampled_from(hidden)) for _ in range(n_layers - 2)]
    acts.append(draw(st.sampled_from([a for a in outputs if _suits(loss, [a]) and
                                      (a != "softmax" or max_width >= 2)])))
    if acts[-1] == "softmax":       # a softmax layer has two outputs or more
        sizes[-1] = max(sizes[-1], 2)
    bias = draw(st.sampled_from(modes))
    matrix = [[[draw(weights) for _ in range(fan_in)] for _ in range(size)]
              for fan_in, size in zip(sizes, sizes[1:])]
    values = (None if bias == "none" else [draw(weights) for _ in sizes[1:]] if bias == "shared"
              else [[draw(weights) for _ in range(size)] for size in sizes[1:]])
    return NeuralNetwork.from_weights(matrix, values, activation=acts, loss=loss, bias=bias,
                                      **options)


def inputs_for(net, *, elements=None):
    """A strategy for input vectors of ``net``: lists of ``net.layer_sizes[0]`` floats.

    Each input is drawn from ``elements``, a strategy of finite floats (default
    ``floats(-1, 1)``).

    >>> from hypothesis import given
    >>> from neurosim import NeuralNetwork
    >>> net = NeuralNetwork([3, 2, 1], seed=0)
    >>> @given(inputs_for(net))
    ... def test_output_is_a_probability(x):
    ...     assert 0.0 <= net.feed_forward(x)[0] <= 1.0
    >>> test_output_is_a_probability()
    """
    _check_network(net)
    elements = _check_strategy("elements", elements, st.floats(-1.0, 1.0), "st.floats(-1, 1)")
    return st.lists(elements, min_size=net.layer_sizes[0], max_size=net.layer_sizes[0])


def targets_for(net):
    """A strategy for target vectors of ``net``, within the reach of its output layer.

    Targets lie in ``TARGET_RANGES[output activation]``: [0, 1] for sigmoid (and always for
    binary cross-entropy), [-1, 1] for tanh, [0, 2] for ReLU and softplus, [-2, 2] otherwise.

    >>> from hypothesis import given
    >>> from neurosim import NeuralNetwork
    >>> net = NeuralNetwork([2, 2], activation="tanh")
    >>> @given(targets_for(net))
    ... def test_targets(t):
    ...     assert len(t) == 2 and all(-1.0 <= v <= 1.0 for v in t)
    >>> test_targets()
    """
    _check_network(net)     # (the cross-entropies' sigmoid or softmax output ranges over [0, 1])
    low, high = TARGET_RANGES.get(net.output_layer.activation.name, (-2.0, 2.0))
    return st.lists(st.floats(low, high), min_size=net.layer_sizes[-1],
                    max_size=net.layer_sizes[-1])


def samples_for(net, *, elements=None):
    """A strategy for ``(inputs, targets)`` pairs of ``net``: :func:`inputs_for` and
    :func:`targets_for` together. For a data set, draw ``st.lists(samples_for(net))``.

    >>> from hypothesis import given
    >>> from neurosim import NeuralNetwork
    >>> net = NeuralNetwork([2, 3, 1], loss="binary_cross_entropy", seed=1)
    >>> @given(samples_for(net))
    ... def test_error_is_not_negative(sample):
    ...     assert net.total_error([sample]) >= 0.0
    >>> test_error_is_not_negative()
    """
    return st.tuples(inputs_for(net, elements=elements), targets_for(net))


# -- validation, up front ---------------------------------------------------------------------------

def _check_count(field, value, low, why):
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"{field} must be a whole number, got {value!r}")
    if value < low:
        raise InvalidArgument(f"{field} must be at least {low} {why}, got {value!r}")


def _check_names(field, values, module):
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise InvalidArgument(f"{field} must be a list of names like {module.names()[:2]!r}, "
                              f"got {values!r}")
    if not values:
        raise InvalidArgument(f"{field} must name at least one of {module.names()!r}, got []")
    names = []
    for value in values:
        try:
            names.append(module.get(value).name)
        except Exception:
            raise InvalidArgument(f"{field}: unknown name {value!r}; expected one of "
                                  f"{', '.join(module.names())}") from None
    return list(dict.fromkeys(names))


def _check_network(net):
    if not isinstance(net, NeuralNetwork):
        raise InvalidArgument(f"net must be a neurosim NeuralNetwork, got {net!r}")


def _check_strategy(field, value, default, example):
    if value is not None and not isinstance(value, st.SearchStrategy):
        raise InvalidArgument(f"{field} must be a strategy of floats such as {example}, "
                              f"got {value!r}")
    return default if value is None else value


def _suits(loss, outputs):
    """True if one of the output activations ``outputs`` suits ``loss``."""
    needed = _losses.get(loss).output_activation
    return needed is None or needed in outputs
