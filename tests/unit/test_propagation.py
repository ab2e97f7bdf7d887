"""The unobserved step (net.train), the observed one (step_through, record=True) and batch
gradients are the same computation, to the bit; and a non-finite value stops a step cleanly.

neurosim writes one online step twice (neurosim/propagation.py): plain loops for speed and a
generator that yields an event before moving on. Both must perform the same float operations in
the same order. These tests run every mode side by side over many configurations and compare
every number left on the neurons with ``float.hex`` (so -0.0 and 0.0, or a last-bit difference,
fail). Nothing here is timed: speed is measured by ``python -m benchmarks``.
"""

import copy
import math
import pickle
import random
import re

import pytest

from neurosim import NeuralNetwork, NumericalError, propagation
from neurosim.events import BackwardMessage, ForwardMessage, StepRecord, Update, WeightGradient

ACTIVATIONS = ["sigmoid", "tanh", "bipolar_sigmoid", "relu", "leaky_relu", "identity", "softplus"]
LOSSES = ["half_squared_error", "squared_error", "mean_squared_error", "binary_cross_entropy"]
NEURON_FIELDS = ("weights", "bias", "velocity", "bias_velocity", "inputs", "net", "out",
                 "dE_dout", "dout_dnet", "delta", "dnet_dw", "dE_dw", "dE_db", "target", "error")


def _bits(value):
    """A value with every float replaced by its exact hex spelling."""
    if isinstance(value, float):
        return value.hex()
    if isinstance(value, (list, tuple)):
        return [_bits(v) for v in value]
    return value


def _state(net):
    """Every number the step leaves on the network, as exact bits."""
    state = {"E_total": _bits(net.E_total)}
    for layer in net.layers:
        state[f"layer {layer.index}"] = _bits([layer.dE_db, layer.bias_velocity])
        for n in layer.neurons:
            for field in NEURON_FIELDS:
                state[f"{n.name}.{field}"] = _bits(getattr(n, field))
    return state


def _configs():
    """A fixed, seeded sample of option combinations, plus the corners that matter most."""
    rng = random.Random(20240603)
    configs = [
        dict(sizes=[2, 2, 2], bias="shared", train_biases=False),  # Mazur's rules
        dict(sizes=[2, 4, 1]),  # XOR, per-neuron biases
        dict(sizes=[3, 4, 3, 2], momentum=0.9, weight_decay=0.01),
        dict(sizes=[2, 3, 2], hidden_deltas="updated_weights", bias="shared"),
        dict(sizes=[2, 3, 3, 2], hidden_deltas="updated_weights", momentum=0.5),
        dict(sizes=[1, 1], bias="none"),
        dict(sizes=[20, 17, 3]),  # wider layers
        dict(sizes=[17, 3, 2], weight_decay=0.01, bias="shared"),
    ]
    for _ in range(60):
        depth = rng.randint(1, 3)
        loss = rng.choice(LOSSES)
        config = dict(
            sizes=[rng.randint(1, 5) for _ in range(depth + 1)],
            activation=rng.choice(ACTIVATIONS),
            loss=loss,
            bias=rng.choice(["per_neuron", "shared", "none"]),
            train_biases=rng.random() < 0.8,
            weight_decay=rng.choice([0.0, 0.0, 0.003]),
            momentum=rng.choice([0.0, 0.0, 0.7]),
            hidden_deltas=rng.choice(["original_weights", "updated_weights"]),
            learning_rate=rng.choice([0.5, 0.1, 0.3]),
        )
        if loss == "binary_cross_entropy":
            config["output_activation"] = "sigmoid"
        configs.append(config)
    return configs


def _build(config, seed):
    options = dict(config)
    sizes = options.pop("sizes")
    return NeuralNetwork(sizes, seed=seed, **options)


def _samples(config, seed, count=3):
    rng = random.Random(seed)
    sizes = config["sizes"]
    return [([rng.uniform(-1, 1) for _ in range(sizes[0])],
             [rng.uniform(0.05, 0.95) for _ in range(sizes[-1])]) for _ in range(count)]


@pytest.mark.parametrize("k, config", list(enumerate(_configs())))
def test_train_step_through_and_record_give_the_same_bits(k, config):
    nets = [_build(config, seed=k) for _ in range(3)]
    assert _state(nets[0]) == _state(nets[1]) == _state(nets[2])
    for x, t in _samples(config, seed=k) * 2:  # several steps: momentum carries over
        outcomes = [_outcome(lambda: nets[0].train(x, t)),
                    _outcome(lambda: list(nets[1].step_through(x, t))),
                    _outcome(lambda: nets[2].train(x, t, record=True))]
        (E_train, _), (events, _), (record, _) = outcomes
        if outcomes[0][1]:  # a step that diverged: the same error and weights in every mode
            assert outcomes[0][1] == outcomes[1][1] == outcomes[2][1]
            assert _bits(_weights(nets[0])) == _bits(_weights(nets[1])) == _bits(
                _weights(nets[2]))
            break
        assert _state(nets[0]) == _state(nets[1]) == _state(nets[2])
        assert isinstance(record, StepRecord)
        assert _bits(E_train) == _bits(nets[1].E_total) == _bits(nets[2].E_total)
        assert [repr(e) for e in events] == [repr(e) for e in record]


def _outcome(run):
    try:
        return run(), None
    except NumericalError as error:
        return None, str(error)


@pytest.mark.parametrize("k, config", [(k, c) for k, c in enumerate(_configs())
                                        if c.get("hidden_deltas") != "updated_weights"][:20])
def test_gradients_then_update_is_the_online_step(k, config):
    """Batch training's path (gradients(), then update()) on one sample is net.train."""
    a, b = _build(config, seed=k), _build(config, seed=k)
    for x, t in _samples(config, seed=k):
        E = a.train(x, t)
        before = [n.weights[:] for n in b.neurons]
        assert _bits(propagation.gradients(b, x, t)) == _bits(E)
        assert [n.weights for n in b.neurons] == before  # gradients() writes no weight
        propagation.update(b)
        assert _state(a) == _state(b)


def test_every_quantity_is_left_on_the_neurons():
    """Mazur's network after one step: each partial has the type the object model promises."""
    net = NeuralNetwork.from_weights([[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45], [0.5, 0.55]]],
                                     [0.35, 0.6], bias="shared", train_biases=False)
    x = [0.05, 0.1]
    net.train(x, [0.01, 0.99])
    h1, o1 = net["h1"], net["o1"]
    assert h1.inputs == x and o1.inputs == [h1.out, net["h2"].out]
    for n in net.neurons:
        assert n.dnet_dw is n.inputs
        assert isinstance(n.dE_dw, list) and len(n.dE_dw) == len(n.weights)
        for name in ("net", "out", "dE_dout", "dout_dnet", "delta", "dE_db"):
            assert isinstance(getattr(n, name), float), name
    assert (o1.target, h1.target) == (0.01, None)
    # Mazur (2015) prints dE_total/dw5 = 0.082167041 and w5+ = 0.35891648.
    assert round(o1.dE_dw[0], 9) == 0.082167041
    assert round(net["w5"], 8) == 0.35891648


def test_the_recorded_backward_messages_name_mazurs_connections():
    """Mazur (2015), the hidden layer: dE_total/dout_h1 = dE_o1/dout_h1 + dE_o2/dout_h1, the
    messages delta_o1*w5 = 0.055399425 and delta_o2*w7 = -0.019049119, sum 0.036350306."""
    net = NeuralNetwork.from_weights([[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45], [0.5, 0.55]]],
                                     [0.35, 0.6], bias="shared", train_biases=False)
    record = net.train([0.05, 0.1], [0.01, 0.99], record=True)
    messages = [e for e in record.filter(neuron="h1", phase="backward")
                if type(e).__name__ == "BackwardMessage"]
    assert [(m.sender, m.receiver, m.weight_name) for m in messages] == [
        ("h1", "o1", "w5"), ("h1", "o2", "w7")]
    # Mazur multiplies rounded factors (-0.038098236 * 0.5): his last digit is off by one.
    assert [round(m.product, 9) for m in messages][0] == 0.055399425
    assert abs(messages[1].product - -0.019049119) < 1e-9
    (total,) = [e for e in record if type(e).__name__ == "HiddenErrorDerivative"
                and e.neuron == "h1"]
    assert total.receivers == ("o1", "o2") and round(total.value, 9) == 0.036350306
    (b2,) = [e for e in record if type(e).__name__ == "BiasGradient" and e.bias_name == "b2"]
    assert b2.neurons == ("o1", "o2")
    gradients = [e for e in record if type(e).__name__ == "WeightGradient"]
    assert [(g.weight_name, g.neuron, g.sender) for g in gradients[:2]] == [
        ("w5", "o1", "h1"), ("w6", "o1", "h2")]
    assert [(g.weight_name, g.neuron, g.sender) for g in gradients[-2:]] == [
        ("w3", "h2", "i1"), ("w4", "h2", "i2")]


def test_weights_stay_the_same_list_objects():
    net = NeuralNetwork([2, 3, 1], seed=1)
    lists = [n.weights for n in net.neurons]
    net.train([0.1, 0.2], [0.3])
    net.train([0.1, 0.2], [0.3], record=True)
    list(net.step_through([0.1, 0.2], [0.3]))
    assert all(n.weights is w for n, w in zip(net.neurons, lists))


def test_recorded_events_are_immutable_records_equal_to_constructed_ones():
    net = NeuralNetwork([2, 2, 1], seed=3)
    record = net.train([0.5, -0.5], [1.0], record=True)
    kinds = {type(e) for e in record}
    assert {ForwardMessage, WeightGradient, Update} <= kinds
    for event in record:
        values = {name: getattr(event, name) for name in event._fields}
        assert tuple(values.values()) == tuple(event)          # a tuple of its fields, in order
        rebuilt = type(event)(**values)
        assert rebuilt == event and hash(rebuilt) == hash(event)
        assert copy.deepcopy(event) == event and pickle.loads(pickle.dumps(event)) == event
        with pytest.raises(AttributeError):
            setattr(event, event._fields[0], "changed")
        with pytest.raises(AttributeError):
            event.anything_else = 1                            # no __dict__ either
        assert event != tuple(event)                           # equal only to its own class


def test_events_of_two_classes_with_equal_fields_are_not_equal():
    message = BackwardMessage("h1", "o1", "w5", 0.1, 0.4, 0.04)
    look_alike = ForwardMessage._make(("h1", "o1", "w5", 0.1, 0.4, 0.04, False))[:6]
    assert tuple(message) == look_alike
    assert message != ForwardMessage("h1", "o1", "w5", 0.1, 0.4, 0.04)


def test_the_fast_constructor_takes_every_field_in_order():
    assert ForwardMessage._make(("i1", "h1", "w1", 0.05, 0.15, 0.0075, False)) == ForwardMessage(
        sender="i1", receiver="h1", weight_name="w1", value=0.05, weight=0.15, product=0.0075)
    assert Update._make(("w5", 0.4, 0.5, 0.08, 0.36, 0.0, 0.0)) == Update(
        "w5", 0.4, 0.5, 0.08, 0.36, momentum=0.0, velocity=0.0)


@pytest.mark.parametrize("args, kwargs, message", [
    ((), {}, "missing the argument(s) name, old, learning_rate, gradient, new"),
    (("w5", 0.4, 0.5, 0.08, 0.36, 0.0, 0.0, 9), {}, "takes 7 arguments"),
    (("w5", 0.4, 0.5, 0.08, 0.36), {"nme": 1}, "unexpected keyword argument 'nme'"),
    (("w5", 0.4, 0.5, 0.08, 0.36), {"old": 1}, "multiple values for argument 'old'"),
])
def test_a_wrong_call_of_an_event_constructor_says_what_is_wrong(args, kwargs, message):
    with pytest.raises(TypeError, match=re.escape(message)):
        Update(*args, **kwargs)


# -- non-finite values ------------------------------------------------------------------------

def _weights(net):
    return [(n.weights[:], n.bias, n.velocity[:], n.bias_velocity) for n in net.neurons]


def _modes():
    def train(net, x, t):
        return net.train(x, t)

    def record(net, x, t):
        return net.train(x, t, record=True)

    def step_through(net, x, t):
        return list(net.step_through(x, t))

    return [train, record, step_through]


@pytest.mark.parametrize("mode", _modes(), ids=lambda m: m.__name__)
def test_a_forward_overflow_names_the_neuron_and_changes_no_weight(mode):
    # 1e300 * 1e10 overflows to inf: net_h1 is inf (identity activation keeps it).
    net = NeuralNetwork.from_weights([[[1e300]], [[1.0]]], activation="identity")
    before = _weights(net)
    with pytest.raises(NumericalError, match=r"^net of h1 is inf, expected a finite number\n"
                                             r"the weights are as they were before this step"):
        mode(net, [1e10], [0.0])
    assert _weights(net) == before


@pytest.mark.parametrize("mode", _modes(), ids=lambda m: m.__name__)
def test_an_update_overflow_names_the_weight_and_changes_none(mode):
    # out = 1e10, dE/dout = 1e10, dE/dw1 = 1e10 * 1e10 = 1e20; eta dE/dw1 = 1e320 overflows.
    net = NeuralNetwork.from_weights([[[1.0], [1.0]]], [[0.5, 0.5]], activation="identity",
                                     learning_rate=1e300)
    before = _weights(net)
    with pytest.raises(NumericalError, match=r"^new w1 of o1 is -inf"):
        mode(net, [1e10], [0.0, 0.0])
    assert _weights(net) == before


@pytest.mark.parametrize("mode", _modes(), ids=lambda m: m.__name__)
@pytest.mark.parametrize("momentum", [0.0, 0.5])
def test_updated_weights_rule_rolls_back_the_layers_already_updated(mode, momentum):
    # hidden_deltas="updated_weights": w2 is updated (to about -1e250) before delta_h1 is
    # computed from it, then dE/dw1 = delta_h1 * 1e150 overflows. w2 must come back.
    options = dict(activation="identity", learning_rate=1e100, momentum=momentum)
    net = NeuralNetwork.from_weights([[[1.0]], [[1e-150]]], **options,
                                     hidden_deltas="updated_weights")
    before = _weights(net)
    with pytest.raises(NumericalError, match=r"^dE/dw1 of h1 is -inf"):
        mode(net, [1e150], [0.0])
    assert _weights(net) == before
    # The same step under backpropagation's rule is finite.
    ok = NeuralNetwork.from_weights([[[1.0]], [[1e-150]]], **options)
    mode(ok, [1e150], [0.0])
    assert all(math.isfinite(w) for n in ok.neurons for w in n.weights)


def test_a_sum_that_overflows_while_every_value_is_finite_is_not_an_error():
    # Two new weights of 1e308 each: their sum is inf, yet both are finite numbers.
    net = NeuralNetwork.from_weights([[[1e308, 1e308]]], [[0.0]], activation="identity",
                                     learning_rate=0.0)
    net.train([0.0, 0.0], [0.0])
    assert net["o1"].weights == [1e308, 1e308]


def test_the_configurations_cover_every_option():
    configs = _configs()
    for key, values in [("activation", ACTIVATIONS), ("loss", LOSSES),
                        ("bias", ["per_neuron", "shared", "none"]),
                        ("hidden_deltas", ["original_weights", "updated_weights"])]:
        assert set(values) <= {c.get(key) for c in configs}, key
    assert any(c.get("momentum") and c.get("weight_decay") for c in configs)
    assert any(len(c["sizes"]) == 4 for c in configs)


def test_a_pause_at_dout_dnet_shows_no_delta_yet():
    """Stepping stores each quantity just before its event: paused at dout_o1/dnet_o1, o1 has
    its dout/dnet but not yet its delta or gradients (issue 5, state at a pause)."""
    from neurosim.events import ActivationDerivative, Delta
    from neurosim.worked_examples import MAZUR_INPUTS, MAZUR_TARGETS, mazur

    net = mazur()
    steps = net.step_through(MAZUR_INPUTS, MAZUR_TARGETS)
    event = next(e for e in steps if isinstance(e, ActivationDerivative))
    o1 = net[event.neuron]
    assert o1.dout_dnet == event.value
    assert o1.delta is None and o1.dE_dw is None and o1.dE_db is None
    event = next(steps)
    assert isinstance(event, Delta) and o1.delta == event.delta and o1.dE_dw is None


@pytest.mark.parametrize("enabled", [True, False])
def test_recording_leaves_the_garbage_collector_as_it_found_it(enabled):
    """net.train(record=True) pauses the cyclic collector while it records (a speed-up); it must
    come back in the state it was in, after a good step and after a failed one."""
    import gc
    from neurosim.worked_examples import MAZUR_INPUTS, MAZUR_TARGETS, mazur
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        net = mazur()
        assert len(net.train(MAZUR_INPUTS, MAZUR_TARGETS, record=True)) > 0
        assert gc.isenabled() is enabled
        net = NeuralNetwork.from_weights([[[1e308]]], activation="identity")
        with pytest.raises(NumericalError):  # net_o1 = 1e308 * 10 overflows
            net.train([10.0], [0.0], record=True)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
