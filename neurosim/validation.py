"""The validation of user input: one vocabulary of checks (``check_number``, ``check_count``,
``check_flag``, ``check_list``, ...), each raising one sentence that names the field, the value
and what was expected, before anything is built (:class:`~neurosim.network.NeuralNetwork`,
``fit``, the data sets, the commands).

Also the default names of a network's neurons (``i1.., h1.., o1..``) and the range of its random
initial weights.
"""

import itertools
import math
from collections.abc import Mapping
from numbers import Real

from . import activations
from .errors import ConfigurationError, InputError, ShapeError

#: The builtin unordered collections: a set iterates in hash order, so ``{0.99, 0.01}`` would
#: silently be read as [0.01, 0.99]. (Dict views are ordered and pass.)
UNORDERED = (set, frozenset)

#: What iterates as numbers without being a list of them: bytes-like objects iterate as their
#: byte values (``b"ab"`` would be read as [97.0, 98.0]) and a mapping as its keys.
BYTES_LIKE = (bytes, bytearray, memoryview)
NOT_A_LIST = UNORDERED + BYTES_LIKE + (str, Mapping)

#: The largest network :func:`check_sizes` accepts. Every weight is a Python float on a neuron
#: object (with its name and a velocity slot, about 100 bytes) and every neuron an object of
#: its own, so ten million weights already take about a gigabyte and a second per step.
MAX_CONNECTIONS = 10_000_000
MAX_NEURONS = 1_000_000

__all__ = ["UNORDERED", "NOT_A_LIST", "check_sizes", "check_number", "check_count",
           "check_type", "check_list", "check_flag", "check_seed", "check_activations", "check_loss_output",
           "check_names", "name_clash", "check_weights", "check_biases", "explain_vector",
           "init_range", "default_names", "is_int", "is_real", "is_number", "shown"]


def is_real(value):
    return isinstance(value, Real) and not isinstance(value, bool)


def _finite(value):
    """Whether ``float(value)`` is finite; False past the float range (``10**400``) and for
    what has no float value (``Decimal("sNaN")``: "cannot convert signaling NaN to float")."""
    try:
        return math.isfinite(float(value))
    except (OverflowError, ValueError):
        return False


def is_number(value):
    """Whether ``value`` is a finite real number: an int, a float or a Fraction; not a bool, a
    NaN, an infinity or an int past the float range (``10**400``)."""
    return is_real(value) and _finite(value)


def shown(value):
    """``repr(value)``, except for an int too large for a float, whose repr may run to thousands
    of digits (or fail, past 4300): its order of magnitude, ``an integer of about 1e400``."""
    if isinstance(value, int) and not isinstance(value, bool) and not _finite(value):
        sign = "-" if value < 0 else ""
        return f"an integer of about {sign}1e{int(math.log10(abs(value)))}"
    return repr(value)


def _cut(text, width=60):
    """``text`` cut to about ``width`` characters for a message."""
    return text if len(text) <= width else f"{text[:width - 15]}...{text[-10:]}"


def _refuse_unlisted(field, values, what, order=None):
    """ShapeError for what iterates without being the ordered list of ``what`` meant: a set
    (no order: {0.99, 0.01} would silently become [0.01, 0.99]; ``order`` says the order meant),
    bytes (byte values: b"ab" as 97, 98) or a mapping (its keys)."""
    if isinstance(values, UNORDERED):
        raise ShapeError(f"{field} must be a list in order ({order}), got the set {values!r}, "
                         "which has no order\ngive a list" if order is not None else
                         f"{field} must be a list of {what} in order, got the set "
                         f"{_cut(repr(values))}, which has no order\ngive a list")
    if isinstance(values, BYTES_LIKE):
        got = (f"a memoryview of {values.nbytes} bytes" if isinstance(values, memoryview)
               else f"the {type(values).__name__} {_cut(repr(values))}")
        raise ShapeError(f"{field} must be a list of {what}, got {got}, whose items would be "
                         f"read as byte values (0 to 255)\ngive a list of numbers")
    if isinstance(values, Mapping):
        raise ShapeError(f"{field} must be a list of {what}, got a {type(values).__name__} "
                         f"{_cut(repr(values))}, whose keys would be read as the values\n"
                         f"give a list")


def check_list(field, values, what="numbers", order=None, error=ShapeError):
    """``list(values)`` if ``values`` is an ordered collection of items; else ShapeError.

    Refused, though they iterate: a set (no order; ``order`` says the order meant), a str (its
    characters), bytes (byte values: ``b"ab"`` is 97, 98) and a mapping (its keys). What does
    not iterate at all raises ``error``.
    """
    _refuse_unlisted(field, values, what, order)
    if isinstance(values, str):
        raise error(f"{field} must be a list of {what}, got the str {_cut(repr(values))}")
    try:
        return list(values)
    except TypeError:
        raise error(f"{field} must be a list of {what}, got {type(values).__name__} "
                    f"{_cut(repr(values))}") from None


def is_int(value):
    """Whether ``value`` is a whole number: an int, not a bool (``True`` is not a size)."""
    return isinstance(value, int) and not isinstance(value, bool)


def check_sizes(layer_sizes):
    sizes = check_list("layer_sizes", layer_sizes, "layer sizes like [2, 2, 2]",
                       order="inputs first, outputs last", error=ConfigurationError)
    if len(sizes) < 2:
        raise ConfigurationError(f"layer_sizes must list at least 2 sizes (inputs first, outputs "
                                 f"last), got {layer_sizes!r}")
    for k, size in enumerate(sizes):
        if not (is_int(size) and size >= 1):
            raise ConfigurationError(f"layer_sizes[{k}] must be a positive whole number, "
                                     f"got {size!r} in {layer_sizes!r}")
    connections = sum(a * b for a, b in zip(sizes, sizes[1:]))
    neurons = sum(sizes[1:])
    if connections > MAX_CONNECTIONS or neurons > MAX_NEURONS:
        raise ConfigurationError(
            f"layer_sizes {layer_sizes!r} make {connections:,} connections and {neurons:,} "
            f"neurons; neurosim holds each weight as a float on a neuron object and takes at "
            f"most {MAX_CONNECTIONS:,} connections and {MAX_NEURONS:,} neurons\n"
            f"for a network this large use a matrix library (neurosim.interop.torch converts "
            f"a small network to PyTorch)")
    return sizes


def check_number(field, value, low=None, below=None, error=InputError):
    """``value`` as a float, if it is a finite real number within the bounds; else ``error``
    (InputError for a parameter value, ConfigurationError for a setting)."""
    if not is_number(value):
        raise error(f"{field} must be a finite real number, got {shown(value)}")
    if low is not None and value < low:
        raise ConfigurationError(f"{field} must be at least {low}, got {value!r}")
    if below is not None and value >= below:
        raise ConfigurationError(f"{field} must be less than {below}, got {value!r}")
    return float(value)


def check_count(field, value, low, high, unit="", error=ConfigurationError):
    """``value`` if it is a whole number from ``low`` to ``high``; else ``error`` saying so.

    The limit on work: a count past ``high`` (``circle(10**12)``) is refused before anything
    runs, with the limit in the message. ``unit`` names what is counted (``"samples"``).

    >>> check_count("n", 500, 2, 100_000, "samples")
    500
    """
    if not (is_int(value) and low <= value <= high):
        of = f" of {unit}" if unit else ""
        raise error(f"{field} must be a whole number{of} from {low:,} to {high:,}, "
                    f"got {shown(value)}")
    return value


def check_type(field, value, kind, described):
    """``value`` if it is an instance of ``kind``; else ConfigurationError naming what came.

    ``described`` says what is expected in words (``"a History (what net.fit returns)"``).
    """
    if not isinstance(value, kind):
        raise ConfigurationError(f"{field} must be {described}, got {type(value).__name__} "
                                 f"{_cut(repr(value))}")
    return value


def check_flag(field, value):
    """``value`` if it is True or False; else ConfigurationError (``"no"`` is not False)."""
    if value is not True and value is not False:
        raise ConfigurationError(f"{field} must be True or False, got {value!r}")
    return value


def check_seed(seed):
    """``seed`` if it is None, an int or a str, the rule of :func:`neurosim.training.fit` (a
    saved network keeps its seed, "lesson 3" included); else ConfigurationError.
    ``random.Random`` would also take a float or bytes, and fail on a list with a TypeError
    from inside the random module."""
    if not (seed is None or isinstance(seed, str) or is_int(seed)):
        raise ConfigurationError(f"seed must be None, an integer or a string, got {seed!r}")
    return seed


def check_activations(activation, output_activation, n_layers):
    if isinstance(activation, (list, tuple)):
        if len(activation) != n_layers:
            raise ConfigurationError(
                f"activation lists one name per non-input layer: expected {n_layers}, "
                f"got {len(activation)}: {activation!r}")
        if output_activation is not None:
            raise ConfigurationError("give output_activation or a list of activations, not both")
        return [activations.get(a) for a in activation]
    hidden = activations.get(activation)
    out = hidden if output_activation is None else activations.get(output_activation)
    return [hidden] * (n_layers - 1) + [out]


def check_loss_output(loss, output_activation):
    """ConfigurationError when ``loss`` needs an output activation other than the one given:
    binary cross-entropy takes logarithms of out and 1 - out, so it needs outputs in (0, 1)."""
    needed = loss.output_activation
    if needed is not None and output_activation.name != needed:
        what = ("outputs that sum to 1" if needed == "softmax" else "outputs between 0 and 1")
        raise ConfigurationError(
            f"loss {loss.name!r} needs a {needed} output layer ({what}), but "
            f"the output activation is {output_activation.name!r}\n"
            f"give output_activation={needed!r}, or another loss")


def check_softmax(acts, sizes):
    """ConfigurationError for a softmax layer that is not an output layer of two or more
    neurons: softmax turns the output layer's net inputs into probabilities that sum to 1."""
    for k, act in enumerate(acts[:-1]):
        if act.of_layer is not None:
            raise ConfigurationError(
                f"activation: softmax is allowed on the output layer only, got it on hidden "
                f"layer {k + 1} of {len(acts)}\nuse sigmoid, tanh or relu for hidden layers")
    if acts[-1].of_layer is not None and sizes[-1] < 2:
        raise ConfigurationError(
            f"activation: a softmax output layer needs at least 2 outputs, got "
            f"{sizes[-1]}\nfor one output use sigmoid (with binary_cross_entropy)")


def init_range(act, fan_in, fan_out):
    """The bound r of the uniform initial weights U(-r, r): He's sqrt(6 / fan_in) for relu
    and leaky_relu, Glorot's sqrt(6 / (fan_in + fan_out)) for the others."""
    return math.sqrt(6.0 / (fan_in + (0 if act.name in ("relu", "leaky_relu") else fan_out)))


def default_names(sizes):
    hidden = itertools.count(1)
    return ([[f"i{i + 1}" for i in range(sizes[0])]]
            + [[f"h{next(hidden)}" for _ in range(size)] for size in sizes[1:-1]]
            + [[f"o{j + 1}" for j in range(sizes[-1])]])


#: The quantities of a step named by a prefix and a neuron's name (:mod:`neurosim.quantities`):
#: an input's name is itself the name of its value, so it must not read as one of these.
QUANTITY_PREFIXES = ("net_", "out_", "E_", "delta_", "target_")


def name_clash(name, is_input=False):
    """Why a neuron named ``name`` would make two of a step's names the same, or None.

    The names of a step's quantities are built from the neurons' names (``E_o1``, ``b_h1``,
    ``dE_o1/dout_h1``); a neuron named ``total`` would make ``E_total`` its error term, one
    named ``b_h1`` would take the name of h1's bias, an input named ``out_h1`` (an input's
    value goes by the input's own name) that of h1's output.

    >>> name_clash("h1") is None, name_clash("total")
    (True, 'E_total is the total error and dE_total/... its derivatives')
    """
    if name[0] in "wb" and name[1:].isdigit():
        return "w1, w2, ... are the weights and b1, b2, ... the shared biases"
    if name.startswith("b_"):
        return "b_ begins the name of a neuron's own bias (b_h1 is the bias of h1)"
    if name == "total":
        return "E_total is the total error and dE_total/... its derivatives"
    if is_input and name.startswith(QUANTITY_PREFIXES):
        return (f"an input's value goes by the input's name, and {', '.join(QUANTITY_PREFIXES)} "
                f"begin the names of quantities (out_h1 is the output of h1)")
    return None


def check_names(names, sizes):
    if names is None:
        return default_names(sizes)
    if not isinstance(names, (list, tuple)) or len(names) != len(sizes):
        raise ConfigurationError(f"names must be one list of names per layer (inputs first), "
                                 f"{len(sizes)} lists in all, got {names!r}")
    seen = set()
    for k, (layer, size) in enumerate(zip(names, sizes)):
        if not isinstance(layer, (list, tuple)) or len(layer) != size:
            raise ConfigurationError(f"names[{k}] must list {size} names, got {layer!r}")
        for name in layer:
            if not isinstance(name, str) or not name.isidentifier():
                raise ConfigurationError(f"names[{k}]: a name must be an identifier like 'h1', "
                                         f"got {name!r}")
            if name in seen:
                raise ConfigurationError(f"names[{k}]: {name!r} is used twice")
            clash = name_clash(name, is_input=k == 0)
            if clash is not None:
                raise ConfigurationError(f"names[{k}]: {name!r} clashes with the names of a "
                                         f"step's quantities: {clash}\nchoose another name")
            seen.add(name)
    return [list(layer) for layer in names]


def sequence(value):
    """``list(value)`` when ``value`` is an ordered sequence: a list, a tuple, or anything with a
    length that iterates in order, as a NumPy array does (without importing NumPy); None for
    anything else (a number, a str, bytes, a mapping, a set, a 0-d array).

    >>> sequence((1, 2)), sequence(range(3)), sequence("12"), sequence(5)
    ([1, 2], [0, 1, 2], None, None)
    """
    if isinstance(value, NOT_A_LIST) or not (hasattr(value, "__len__")
                                             and hasattr(value, "__getitem__")):
        return None
    try:
        return list(value)
    except TypeError:                       # numpy.array(5): a length that raises
        return None


def check_weights(weights):
    """The weight matrices as lists of lists of floats; each level may be a list, a tuple or
    any sequence (a NumPy array of shape (receiving, sending) for a layer)."""
    layers = sequence(weights)
    if not layers:
        raise ShapeError(f"weights must be a list of weight matrices, one per layer, got "
                         f"{_cut(repr(weights))}")
    layers = [sequence(layer) or layer for layer in layers]
    matrix = []
    for l, layer in enumerate(layers):
        if not isinstance(layer, list) or not layer:
            raise ShapeError(f"weights[{l}] must be a non-empty list of rows (one per receiving "
                             f"neuron of layer {l + 1}), got {_cut(repr(layer))}")
        # the first layer's rows are as long as its row 0; the others' one per neuron below
        expected = len(layers[l - 1]) if l else len(sequence(layer[0]) or [])
        source = f"one per neuron of layer {l}" if l else "the same as row 0"
        matrix.append([])
        for j, row in enumerate(layer):
            row = sequence(row) or row
            if not isinstance(row, list) or not row:
                raise ShapeError(f"weights[{l}][{j}] must be a non-empty list of weights into "
                                 f"neuron {j + 1} of layer {l + 1}, got {_cut(repr(row))}")
            if len(row) != expected:
                raise ShapeError(f"weights[{l}] row {j} has {len(row)} "
                                 f"{'weight' if len(row) == 1 else 'weights'}, expected "
                                 f"{expected} ({source}): {row!r}")
            matrix[-1].append([check_number(f"weights[{l}][{j}][{i}]", w)
                               for i, w in enumerate(row)])
    return matrix


def check_biases(biases, sizes, mode, field="biases"):
    """The biases as one list of floats per layer; ``biases`` and each layer's list may be any
    sequence (a NumPy array included)."""
    if biases is None:
        return None
    layers = sequence(biases)
    if layers is None or len(layers) != len(sizes) - 1:
        raise ShapeError(f"{field} must have one entry per non-input layer ({len(sizes) - 1}), "
                         f"got {_cut(repr(biases))}")
    out = []
    for l, (b, size) in enumerate(zip(layers, sizes[1:])):
        values = sequence(b)
        if is_real(b):
            out.append([check_number(f"{field}[{l}]", b)] * size)
        elif mode == "shared":
            raise ShapeError(f"{field}[{l}] must be one number when bias='shared', got {b!r}")
        elif values is None or len(values) != size:
            raise ShapeError(f"{field}[{l}] must be a number or a list of {size} {field} "
                             f"(one per neuron of layer {l + 1}), got {_cut(repr(b))}")
        else:
            out.append([check_number(f"{field}[{l}][{j}]", v) for j, v in enumerate(values)])
        if mode == "none" and any(out[-1]):
            raise ConfigurationError(f"biases[{l}] is {b!r} but bias='none' fixes every bias at 0"
                                     "\nuse bias='per_neuron' or bias='shared' to give biases")
    return out


def explain_vector(values, expected, field, names):
    """Raise the precise error for a bad inputs/targets vector, or return if it is fine.

    >>> explain_vector(5, 1, "targets", ["o1"])
    Traceback (most recent call last):
    ...
    neurosim.errors.ShapeError: targets must be a list of 1 number (o1), got 5
    write it as a list: [5]
    >>> explain_vector([0.5, 0.5], 1, "targets", ["o1"])
    Traceback (most recent call last):
    ...
    neurosim.errors.ShapeError: targets must have 1 value (for o1), got 2: [0.5, 0.5]
    """
    s = "" if expected == 1 else "s"
    numbers = f"{expected} number{s} ({', '.join(names)})"
    _refuse_unlisted(field, values, numbers, order=", ".join(names))
    if isinstance(values, str) or not hasattr(values, "__len__"):
        fix = f"\nwrite it as a list: [{values!r}]" if expected == 1 and is_real(values) else ""
        raise ShapeError(f"{field} must be a list of {numbers}, got {_cut(repr(values))}{fix}")
    if len(values) != expected:
        per = f"for {names[0]}" if expected == 1 else f"one per {', '.join(names)}"
        raise ShapeError(f"{field} must have {expected} value{s} ({per}), got {len(values)}: "
                         f"{_cut(repr(list(values)))}")
    for name, v in zip(names, values):
        if not is_real(v) and not (hasattr(v, "__float__") and not isinstance(v, (str, bytes))):
            raise InputError(f"{field}: {name} must be a real number, got {v!r}")
        if not _finite(v):
            raise InputError(f"{field}: {name} must be finite, got {shown(v)}")
