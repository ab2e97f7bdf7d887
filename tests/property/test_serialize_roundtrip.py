"""Saved networks round-trip bit for bit, and the loader lets only NeurosimError escape.

Round trip: over networks drawn by neurosim.testing.strategies (every shape, activation, loss
and bias mode), with every float drawn from the whole finite range (subnormals and -0.0
included), every option and the momentum state set, save then load must give back the same
configuration and the same bits, and the two networks must train identically afterwards.

Fuzzing: valid documents mutated at a drawn place (a key dropped or added, a value replaced by
one of another type, a list made longer or shorter, the text cut, bytes flipped, nesting
deepened, NaN spelled in): loading the result either gives a network or raises a
:class:`~neurosim.NeurosimError`. Nothing else may escape.
"""

import json
import math

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="the property tests need hypothesis")
from hypothesis import assume, given, strategies as st  # noqa: E402

from neurosim import NeuralNetwork, NeurosimError, NumericalError  # noqa: E402
from neurosim.serialize import dumps, from_document, loads, save, to_document  # noqa: E402
from neurosim.testing.strategies import networks  # noqa: E402

FLOATS = st.floats(allow_nan=False, allow_infinity=False)
SMALL = st.floats(-3.0, 3.0, allow_nan=False)


@st.composite
def saved_networks(draw):
    """A drawn network with every saved option and the momentum state set to drawn values."""
    net = draw(networks(max_layers=4, max_width=4, weights=draw(st.sampled_from([FLOATS,
                                                                                 SMALL]))))
    net.learning_rate = draw(st.floats(0.0, 10.0))
    net.weight_decay = draw(st.floats(0.0, 1.0))
    net.momentum = draw(st.floats(0.0, 0.99))
    net.hidden_deltas = draw(st.sampled_from(["original_weights", "updated_weights"]))
    net.seed = draw(st.one_of(st.none(), st.integers(-2 ** 70, 2 ** 70), st.text(max_size=8)))
    for layer in net.layers:
        layer.bias_velocity = draw(FLOATS)
        for n in layer.neurons:
            n.velocity = [draw(FLOATS) for _ in n.weights]
            n.bias_velocity = draw(FLOATS)
    return net


def state(net):
    """Everything a save must keep, floats as their exact hex."""
    layers = []
    for layer in net.layers:
        layers.append((layer.activation.name, layer.bias_mode, layer.bias_velocity.hex(),
                       [(n.name, n.weight_names, n.bias_name, [w.hex() for w in n.weights],
                         n.bias.hex(), [v.hex() for v in n.velocity], n.bias_velocity.hex())
                        for n in layer.neurons]))
    return (net.layer_sizes, net.input_names, net.loss.name, net.bias_mode, net.train_biases,
            net.learning_rate.hex(), net.weight_decay.hex(), net.momentum.hex(),
            net.hidden_deltas, net.seed, layers)


@given(saved_networks())
def test_save_and_load_round_trip_bit_for_bit(net):
    again = loads(dumps(net))
    assert state(again) == state(net)
    assert dumps(again) == dumps(net)


@given(saved_networks(), st.data())
def test_a_loaded_network_trains_exactly_as_the_original(net, data):
    again = loads(dumps(net))
    x = data.draw(st.lists(SMALL, min_size=net.layer_sizes[0], max_size=net.layer_sizes[0]))
    t = data.draw(st.lists(st.floats(0.0, 1.0), min_size=net.layer_sizes[-1],
                           max_size=net.layer_sizes[-1]))
    outcomes = []
    for candidate in (net, again):
        try:
            candidate.train(x, t)
            outcomes.append("ok")
        except NumericalError as error:
            outcomes.append(str(error))
    assert outcomes[0] == outcomes[1]
    assert state(again) == state(net)


@given(networks(max_layers=3, max_width=3))
def test_save_writes_what_loads_back(tmp_path_factory, net):
    path = tmp_path_factory.mktemp("saved") / "net.json"
    save(net, path)
    assert json.loads(path.read_text("utf-8")) == to_document(net)


# -- fuzzing the loader----------------------------------------------------------------------------

def paths(node, prefix=()):
    """Every path (a tuple of keys and indices) into a parsed JSON document."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, prefix + (key,))
    elif isinstance(node, list):
        for k, value in enumerate(node):
            yield from paths(value, prefix + (k,))


def parent_and_key(doc, path):
    node = doc
    for key in path[:-1]:
        node = node[key]
    return node, path[-1]


ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-10 ** 400, 10 ** 400), FLOATS,
    st.text(max_size=5), st.sampled_from(["NaN", "Infinity", "-0", "1e999", "h1", "w1", "", "x"]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(),
                                                          max_size=2),
    st.recursive(st.none(), lambda inner: st.lists(inner, max_size=2), max_leaves=5))


def mutate_document(data, doc):
    """Change one drawn place of ``doc`` (in place) in a drawn way."""
    where = data.draw(st.sampled_from(list(paths(doc))))
    kind = data.draw(st.sampled_from(["replace", "drop", "add", "grow", "shrink", "wrap"]))
    if not where:
        return data.draw(ODD_VALUES) if kind == "replace" else doc
    parent, key = parent_and_key(doc, where)
    value = parent[key]
    if kind == "replace":
        parent[key] = data.draw(ODD_VALUES)
    elif kind == "drop":
        del parent[key]
    elif kind == "add" and isinstance(value, dict):
        value[data.draw(st.text(max_size=8))] = data.draw(ODD_VALUES)
    elif kind == "grow" and isinstance(value, list):
        value.append(data.draw(ODD_VALUES) if not value else value[-1])
    elif kind == "shrink" and isinstance(value, list) and value:
        value.pop(data.draw(st.integers(0, len(value) - 1)))
    elif kind == "wrap":
        for _ in range(data.draw(st.integers(1, 3))):
            value = [value]
        parent[key] = value
    return doc


def must_load_or_raise_neurosim_error(source):
    try:
        net = loads(source) if not isinstance(source, dict) else from_document(source)
    except NeurosimError:
        return None
    assert isinstance(net, NeuralNetwork)
    return net


@given(networks(max_layers=3, max_width=3), st.data())
def test_mutated_documents_load_or_raise_a_neurosim_error(net, data):
    doc = to_document(net)
    for _ in range(data.draw(st.integers(1, 3))):
        doc = mutate_document(data, doc)
    must_load_or_raise_neurosim_error(doc)
    try:
        text = json.dumps(doc)
    except ValueError:  # an integer too long for str(): not a document anyone could write
        assume(False)
    must_load_or_raise_neurosim_error(text)


@given(networks(max_layers=3, max_width=3), st.data())
def test_damaged_text_loads_or_raises_a_neurosim_error(net, data):
    raw = dumps(net).encode("utf-8")
    kind = data.draw(st.sampled_from(["cut", "flip", "insert", "nan", "nest", "bytes"]))
    if kind == "cut":
        raw = raw[:data.draw(st.integers(0, len(raw)))]
    elif kind == "flip":
        k = data.draw(st.integers(0, len(raw) - 1))
        raw = raw[:k] + bytes([data.draw(st.integers(0, 255))]) + raw[k + 1:]
    elif kind == "insert":
        k = data.draw(st.integers(0, len(raw)))
        raw = raw[:k] + data.draw(st.binary(min_size=1, max_size=8)) + raw[k:]
    elif kind == "nan":
        word = data.draw(st.sampled_from([b"NaN", b"Infinity", b"-Infinity", b"1e400",
                                          b"9" * 5000]))
        raw = raw.replace(b"0.0", word, 1) if b"0.0" in raw else raw.replace(b"1", word, 1)
    elif kind == "nest":
        depth = data.draw(st.sampled_from([10, 1000, 50_000]))
        raw = b"[" * depth + raw + b"]" * depth
    else:
        raw = data.draw(st.binary(max_size=64))
    must_load_or_raise_neurosim_error(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    must_load_or_raise_neurosim_error(text)


def test_the_mutations_reach_the_deep_fields():
    """The fuzzer's paths include the weights of the last neuron (the mutations can land there)."""
    doc = to_document(NeuralNetwork([2, 2, 1], seed=1))
    assert ("layers", 1, "neurons", 0, "weights", 1) in set(paths(doc))
    assert math.isfinite(doc["layers"][1]["neurons"][0]["weights"][1])
