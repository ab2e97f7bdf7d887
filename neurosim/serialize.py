"""Saved networks: versioned JSON, written atomically, read back with every field validated.

A saved network is a JSON object (format ``neurosim-network``, version 1) holding the whole
configuration and every number needed to continue training exactly where it stopped::

    {"format": "neurosim-network", "version": 1,
     "layer_sizes": [2, 2, 2], "input_names": ["i1", "i2"],
     "loss": "half_squared_error", "bias": "shared", "train_biases": false,
     "learning_rate": 0.5, "weight_decay": 0.0, "hidden_deltas": "original_weights",
     "momentum": 0.0, "seed": null,
     "layers": [{"activation": "sigmoid", "bias_velocity": 0.0,
                 "neurons": [{"name": "h1", "weights": [0.15, 0.2], "bias": 0.35,
                              "velocity": [0.0, 0.0], "bias_velocity": 0.0}, ...]}, ...]}

``layers`` lists the non-input layers; ``weights[i]`` of a neuron is the weight from neuron
``i`` of the layer below, as in :class:`~neurosim.neuron.Neuron`. Weight and bias names
(``w1``, ``b1``, ``b_h1``) follow from the layout and are not stored. The partials of the last
pass (``out``, ``delta``, ...) are not saved: a loaded network has not run a pass yet.

Floats round-trip exactly: Python writes the shortest decimal that reads back as the same
double. NaN and infinities are refused on saving and on loading (they are not JSON).

Saving never damages an existing file: :func:`neurosim.files.write_atomically` writes the
document to a new temporary file in the same folder, flushes it to disk, then ``os.replace``
puts it in place in one step; if anything fails on the way the temporary file is removed and
the old file is untouched. The replaced file keeps its permission bits, owner and group (a new
file gets the usual ``0o666`` less the umask), and a path that is a symbolic link is resolved
first, so the link's target is replaced and the link stays a link. Saving writes only regular
files: ``/dev/null``, a FIFO or a device is refused with :class:`~neurosim.errors.FileError`, and
so, unless ``force=True``, is a read-only file, a file with other hard links (an atomic save
would split them from it) and another user's file. File-system failures raise the usual
:class:`OSError` subclass (``FileNotFoundError``, ``IsADirectoryError``, ``PermissionError``)
naming the path given, never the temporary file; a ``path`` that is not a file name at all
(``None``, a number) is a :class:`~neurosim.errors.ConfigurationError`, so ``load(0)`` never
reads standard input.

Loading parses JSON only (no pickle, nothing is executed), checks every field, and raises
:class:`~neurosim.errors.FormatError` naming the JSON path of the first bad one::

    $.layers[1].neurons[0].weights[2]: expected a finite number, got 'x'

>>> import os, tempfile
>>> from neurosim.worked_examples import mazur
>>> net = mazur()
>>> path = os.path.join(tempfile.mkdtemp(), "mazur.json")
>>> save(net, path)
>>> again = load(path)
>>> again["w5"], again["b2"], again.train_biases
(0.4, 0.6, False)
"""

import json
import math

from . import activations, losses
from .validation import is_int, is_number, name_clash
from .errors import FormatError, NeurosimError
from .files import MAX_WRITTEN_BYTES, read_bytes, write_atomically
from .json_nesting import check_nesting
from .layer import BIAS_MODES

__all__ = ["save", "load", "to_document", "from_document", "dumps", "loads", "write_atomically",
           "FORMAT", "VERSION"]

FORMAT = "neurosim-network"
VERSION = 1

_HIDDEN_DELTAS = ("original_weights", "updated_weights")
_TOP_KEYS = ("format", "version", "layer_sizes", "input_names", "loss", "bias", "train_biases",
             "learning_rate", "weight_decay", "hidden_deltas", "momentum", "seed", "layers")
_LAYER_KEYS = ("activation", "bias_velocity", "neurons")
_NEURON_KEYS = ("name", "weights", "bias", "velocity", "bias_velocity")


# -- writing ---------------------------------------------------------------------------------------

def to_document(net):
    """The network as a JSON-ready dict (validated, so it always loads back)."""
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "layer_sizes": list(net.layer_sizes),
        "input_names": list(net.input_names),
        "loss": net.loss.name,
        "bias": "threshold" if net.thresholds else net.bias_mode,   # see _BIASES
        "train_biases": net.train_biases,
        "learning_rate": net.learning_rate,
        "weight_decay": net.weight_decay,
        "hidden_deltas": net.hidden_deltas,
        "momentum": net.momentum,
        "seed": net.seed,
        "layers": [{
            "activation": layer.activation.name,
            "bias_velocity": layer.bias_velocity,
            "neurons": [{"name": n.name, "weights": list(n.weights), "bias": n.bias,
                         "velocity": list(n.velocity), "bias_velocity": n.bias_velocity}
                        for n in layer.neurons],
        } for layer in net.layers],
    }
    _check_document(doc)
    return doc


def dumps(net):
    """The network as a JSON string (what :func:`save` writes)."""
    return json.dumps(to_document(net), allow_nan=False, indent=1)


def save(net, path, *, force=False):
    """Write ``net`` to ``path`` as JSON, atomically: the old file survives any failure.

    ``force=True`` also replaces a read-only file, a file with other hard links or another
    user's file (see :func:`neurosim.files.write_atomically`).
    """
    write_atomically(path, dumps(net) + "\n", force=force)


#: The bias modes a file may name: NeuralNetwork's, and "threshold" for a network with
#: thresholds (thresholds=True; each neuron's "bias" field then holds its threshold theta,
#: net = sum w x - theta, as the network shows it).
_BIASES = BIAS_MODES + ("threshold",)


# -- reading ---------------------------------------------------------------------------------------

def load(path):
    """Read a network written by :func:`save`; a malformed file raises FormatError.

    A missing or unreadable file raises the usual :class:`OSError`; a device, a FIFO no
    program writes to, or a file larger than :data:`neurosim.files.MAX_WRITTEN_BYTES` (1 GiB,
    more than the largest network neurosim builds saves to) raises
    :class:`~neurosim.errors.FileError`.
    """
    return loads(read_bytes(path, "network file", max_bytes=MAX_WRITTEN_BYTES,
                            raw_os_errors=True))


def loads(data):
    """A network from the JSON text (str or bytes) of a saved network."""
    return from_document(_parse(data))


def from_document(doc):
    """A network from a parsed document (a dict), after checking every field."""
    _check_document(doc)
    from .network import NeuralNetwork
    layers = doc["layers"]
    options = dict(
        activation=[layer["activation"] for layer in layers],
        loss=doc["loss"], learning_rate=doc["learning_rate"],
        bias="per_neuron" if doc["bias"] == "threshold" else doc["bias"],
        train_biases=doc["train_biases"], weight_decay=doc["weight_decay"],
        hidden_deltas=doc["hidden_deltas"], momentum=doc["momentum"], seed=doc["seed"],
        names=[doc["input_names"]] + [[n["name"] for n in layer["neurons"]] for layer in layers])
    weights = [[n["weights"] for n in layer["neurons"]] for layer in layers]
    biases = [layer["neurons"][0]["bias"] if doc["bias"] == "shared" else
              [n["bias"] for n in layer["neurons"]] for layer in layers]
    try:     # thresholds=True: the "bias" fields hold thresholds (see _BIASES)
        net = NeuralNetwork.from_weights(weights, biases, thresholds=doc["bias"] == "threshold",
                                         **options)
    except NeurosimError as error:   # what the fields allow but no network is (softmax hidden)
        raise FormatError(f"$: the network cannot be built: {error}") from None
    for layer, saved in zip(net.layers, layers):
        layer.bias_velocity = float(saved["bias_velocity"])
        for n, s in zip(layer.neurons, saved["neurons"]):
            n.velocity = [float(v) for v in s["velocity"]]
            n.bias_velocity = float(s["bias_velocity"])
    return net


def _parse(data):
    if isinstance(data, (bytes, bytearray)):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise FormatError(f"$: a saved network must be UTF-8 JSON text; byte "
                              f"{error.start} is not UTF-8") from None
    if not isinstance(data, str):
        raise FormatError(f"$: expected JSON text, got {type(data).__name__}")
    check_nesting(data, "$")     # before json.loads: under Pyodide deep nesting is fatal
    try:
        return json.loads(data, parse_constant=_reject_constant, parse_float=_parse_float,
                          object_pairs_hook=_unique_keys)
    except FormatError:
        raise
    except ValueError as error:  # json.JSONDecodeError, and ints too long to convert
        raise FormatError(f"$: not valid JSON: {error}") from None


def _reject_constant(name):
    raise FormatError(f"$: {name} is not a finite number; a saved network holds finite "
                      "numbers only")


def _parse_float(text):
    value = float(text)
    if not math.isfinite(value):
        raise FormatError(f"$: the number {text[:40]} is out of the float range")
    return value


def _unique_keys(pairs):
    doc = {}
    for key, value in pairs:
        if key in doc:
            raise FormatError(f"$: the key {key!r} appears twice in one object")
        doc[key] = value
    return doc


# -- validation ------------------------------------------------------------------------------------

def _expect(ok, path, expected, value):
    """``value`` if ``ok``; else FormatError ``path: expected ..., got ...`` (the value cut)."""
    if not ok:
        shown = repr(value)
        raise FormatError(f"{path}: expected {expected}, got "
                          f"{shown if len(shown) <= 60 else shown[:57] + '...'}")
    return value


def _object(value, path, keys):
    _expect(isinstance(value, dict), path, "an object", value)
    for key in keys:
        if key not in value:
            raise FormatError(f"{path}: the field {key!r} is missing")
    for key in value:
        if key not in keys:
            raise FormatError(f"{path}: unknown field {key!r}; expected only "
                              f"{', '.join(keys)}")
    return value


def _list(value, path, length=None):
    _expect(isinstance(value, list), path, "a list" if length is None else f"a list of {length}",
            value)
    if length is not None and len(value) != length:
        raise FormatError(f"{path}: expected a list of {length}, got {len(value)} entries")
    return value


def _number(value, path):
    """``value`` if it is a finite int or float (not a bool, nor an int past the float range)."""
    return _expect(isinstance(value, (int, float)) and is_number(value), path,
                   "a finite number", value)


def _choice(value, path, choices):
    return _expect(isinstance(value, str) and value in choices, path,
                   f"one of {', '.join(map(repr, choices))}", value)


def _name(value, path, seen, is_input=False):
    _expect(isinstance(value, str) and value.isidentifier(), path, "a name like 'h1'", value)
    if value in seen:
        raise FormatError(f"{path}: the name {value!r} is used twice")
    clash = name_clash(value, is_input)      # the rule NeuralNetwork(names=...) applies
    if clash:
        raise FormatError(f"{path}: the name {value!r} clashes with the step's names: {clash}")
    seen.add(value)


def _check_document(doc):
    """Check every field of a document; raise FormatError naming the first bad one's path."""
    _object(doc, "$", _TOP_KEYS)
    _expect(doc["format"] == FORMAT, "$.format", repr(FORMAT), doc["format"])
    version = _expect(is_int(doc["version"]), "$.version", "a whole number", doc["version"])
    if version != VERSION:
        raise FormatError(f"$.version: this neurosim reads version {VERSION}, got {version!r}"
                          + ("\nthe file was written by a newer neurosim; upgrade to read it"
                             if version > VERSION else ""))
    sizes = _list(doc["layer_sizes"], "$.layer_sizes")
    if len(sizes) < 2:
        raise FormatError(f"$.layer_sizes: expected at least 2 sizes, got {sizes!r}")
    for k, size in enumerate(sizes):
        _expect(is_int(size) and size >= 1, f"$.layer_sizes[{k}]", "a whole number >= 1", size)
    seen = set()
    for k, name in enumerate(_list(doc["input_names"], "$.input_names", sizes[0])):
        _name(name, f"$.input_names[{k}]", seen, is_input=True)
    for key, choices in (("loss", losses.names()), ("bias", _BIASES),
                         ("hidden_deltas", _HIDDEN_DELTAS)):
        _choice(doc[key], f"$.{key}", choices)
    mode = doc["bias"]
    _expect(isinstance(doc["train_biases"], bool), "$.train_biases", "true or false",
            doc["train_biases"])
    if doc["train_biases"] and mode == "none":
        raise FormatError("$.train_biases: must be false when bias is 'none'")
    for key, below, expected in (("learning_rate", math.inf, "a number >= 0"),
                                 ("weight_decay", math.inf, "a number >= 0"),
                                 ("momentum", 1, "a number >= 0 and < 1")):
        _expect(0 <= _number(doc[key], f"$.{key}") < below, f"$.{key}", expected, doc[key])
    seed = doc["seed"]
    _expect(seed is None or is_int(seed) or isinstance(seed, str), "$.seed",
            "null, an integer or a string (as NeuralNetwork's seed)", seed)
    for l, layer in enumerate(_list(doc["layers"], "$.layers", len(sizes) - 1)):
        lp = f"$.layers[{l}]"
        _object(layer, lp, _LAYER_KEYS)
        _choice(layer["activation"], f"{lp}.activation", activations.names())
        _number(layer["bias_velocity"], f"{lp}.bias_velocity")
        neurons = _list(layer["neurons"], f"{lp}.neurons", sizes[l + 1])
        for j, neuron in enumerate(neurons):
            np_ = f"{lp}.neurons[{j}]"
            _object(neuron, np_, _NEURON_KEYS)
            _name(neuron["name"], f"{np_}.name", seen)
            for key in ("weights", "velocity"):
                for i, w in enumerate(_list(neuron[key], f"{np_}.{key}", sizes[l])):
                    _number(w, f"{np_}.{key}[{i}]")
            bias = _number(neuron["bias"], f"{np_}.bias")
            _number(neuron["bias_velocity"], f"{np_}.bias_velocity")
            _expect(mode != "none" or bias == 0, f"{np_}.bias", "0 (bias is 'none')", bias)
            _expect(mode != "shared" or bias == neurons[0]["bias"], f"{np_}.bias",
                    f"{neurons[0]['bias']!r}, the layer's shared bias (bias is 'shared')", bias)
