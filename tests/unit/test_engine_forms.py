"""The two written forms of every step give the same bits.

:mod:`neurosim.engine` writes a step connection by connection (``w1 * i1 + w2 * i2 + b1``) up
to ``engine.UNROLL_LIMIT`` connections, and neuron by neuron past it (the plain and recorded
steps as list operations, ``_dot(W, X) + b``; the observed step as a walk
over the plan). Both must perform the same float operations in the same order. Here the limit
is set to 0, so that every network of ``test_propagation``'s configurations is written neuron by
neuron, and every number each mode leaves (compared with ``float.hex``) and every event must be
those of the connection-by-connection form. Nothing is timed.
"""

import contextlib
from collections import OrderedDict

import pytest

import test_propagation as tp
from neurosim import NeuralNetwork, NumericalError, engine, propagation
from neurosim.events import ForwardMessage


@contextlib.contextmanager
def _written(form):
    """Compile steps in ``form`` ("unrolled" or "per neuron") inside the block."""
    saved = engine.UNROLL_LIMIT, engine._cache
    engine.UNROLL_LIMIT = 10 ** 9 if form == "unrolled" else 0
    engine._cache = OrderedDict()
    try:
        yield
    finally:
        engine.UNROLL_LIMIT, engine._cache = saved


def _run_every_mode(config, k):
    """Every mode of the step on fresh copies of config's network: what each leaves, as bits."""
    out = []
    nets = [tp._build(config, seed=k) for _ in range(4)]
    for x, t in tp._samples(config, seed=k) * 2:     # several steps: momentum carries over
        E, error = tp._outcome(lambda: nets[0].train(x, t))
        events, error_observed = tp._outcome(lambda: list(nets[1].step_through(x, t)))
        record, error_recorded = tp._outcome(lambda: nets[2].train(x, t, record=True))
        out.append([tp._bits(E), error, error_observed, error_recorded])
        if error:
            out.append([tp._bits(tp._weights(net)) for net in nets[:3]])
            break
        out.append([tp._state(net) for net in nets[:3]])
        out.append([tp._bits(net.dE_dinputs) for net in nets[:3]])
        out.append([repr(e) for e in events] + ["|"] + [repr(e) for e in record])
        out.append(tp._bits([propagation.evaluate(nets[3], x), nets[3].total_error([(x, t)])]))
        if config.get("hidden_deltas") != "updated_weights":   # batch training's path
            out.append(tp._bits(propagation.gradients(nets[3], x, t)))
            propagation.update(nets[3])
            out.append(tp._state(nets[3]))
        out.append(tp._bits(propagation.feed_forward(nets[3], x)))
    return out


#: Thresholds (net = sum w x - theta, dE/dtheta = -delta), with and without the other rules.
THRESHOLDS = [dict(sizes=[3, 4, 2], thresholds=True),
              dict(sizes=[2, 3, 3, 2], thresholds=True, momentum=0.5, weight_decay=0.01,
                   hidden_deltas="updated_weights")]


#: A softmax output layer (every out reads every net of its layer), with cross-entropy (the pair
#: as one) and with half squared error (the Jacobian's sum).
SOFTMAX = [dict(sizes=[3, 4, 3], activation=["sigmoid", "softmax"], loss="cross_entropy"),
           dict(sizes=[2, 3, 2], activation=["tanh", "softmax"], loss="half_squared_error",
                momentum=0.5)]


@pytest.mark.parametrize("k, config", list(enumerate(tp._configs() + THRESHOLDS + SOFTMAX)))
def test_the_per_neuron_forms_give_the_unrolled_bits(k, config):
    with _written("unrolled"):
        unrolled = _run_every_mode(config, k)
    with _written("per neuron"):
        assert "_added(_M_" in engine.source(tp._build(config, seed=k), "record")
        per_neuron = _run_every_mode(config, k)
    assert per_neuron == unrolled


@pytest.mark.parametrize("test", [
    tp.test_a_forward_overflow_names_the_neuron_and_changes_no_weight,
    tp.test_an_update_overflow_names_the_weight_and_changes_none,
    lambda mode: tp.test_updated_weights_rule_rolls_back_the_layers_already_updated(mode, 0.5),
    lambda mode: tp.test_updated_weights_rule_rolls_back_the_layers_already_updated(mode, 0.0),
], ids=["forward", "update", "rollback-momentum", "rollback"])
@pytest.mark.parametrize("mode", tp._modes(), ids=lambda m: m.__name__)
def test_the_per_neuron_forms_stop_on_a_non_finite_value_as_the_unrolled_ones(test, mode):
    with _written("per neuron"):
        test(mode)


def test_a_pause_of_the_per_neuron_form_shows_the_step_as_far_as_it_has_gone():
    with _written("per neuron"):
        tp.test_a_pause_at_dout_dnet_shows_no_delta_yet()


def test_a_weight_changed_during_a_pause_is_read_where_it_is_used_in_both_forms():
    """step_through reads each weight when it is used: w6 set while the step is paused at
    w5's message is the w6 of o1's messages (and of its update), in either form."""
    from neurosim.worked_examples import MAZUR_INPUTS, MAZUR_TARGETS, mazur

    def run():
        net = mazur()
        steps = net.step_through(MAZUR_INPUTS, MAZUR_TARGETS)
        events = []
        for e in steps:
            events.append(repr(e))
            if isinstance(e, ForwardMessage) and e.weight == "w5":
                net["w6"] = 0.25
        return events, tp._state(net)

    with _written("unrolled"):
        unrolled = run()
    with _written("per neuron"):
        per_neuron = run()
    assert per_neuron == unrolled
    assert any("w6*out_h2" in e or "0.25" in e for e in unrolled[0])


def test_a_network_past_the_limit_is_written_neuron_by_neuron():
    """2-64-64-2: 4,352 connections, past UNROLL_LIMIT; its recorded step is some twenty lines
    per neuron (written per connection, it would be five or more per connection), and records,
    steps and trains to the same bits."""
    assert engine.UNROLL_LIMIT < 2 * 64 + 64 * 64 + 64 * 2
    nets = [NeuralNetwork([2, 64, 64, 2], seed=5, momentum=0.5) for _ in range(3)]
    lines = engine.source(nets[0], "record").count("\n")
    assert lines < 30 * (64 + 64 + 2) < 4352
    x, t = [0.3, -0.7], [0.2, 0.9]
    for _ in range(2):
        E = nets[0].train(x, t)
        record = nets[1].train(x, t, record=True)
        events = list(nets[2].step_through(x, t))
        assert tp._state(nets[0]) == tp._state(nets[1]) == tp._state(nets[2])
        assert tp._bits(E) == tp._bits(nets[1].E_total) == tp._bits(nets[2].E_total)
        assert [repr(e) for e in record] == [repr(e) for e in events]
    assert len(events) > 4 * 4352


def test_a_per_neuron_record_keeps_the_values_it_computed():
    """The events are built when first read: changing the network (or the inputs' list) in
    between changes nothing in them."""
    with _written("per neuron"):
        net = NeuralNetwork([2, 3, 2], seed=1)
        x = [0.5, -0.25]
        record = net.train(x, [0.1, 0.9], record=True)
        net2 = NeuralNetwork([2, 3, 2], seed=1)
        expected = [repr(e) for e in net2.train([0.5, -0.25], [0.1, 0.9], record=True)]
        net.train(x, [0.1, 0.9])
        x[0] = 99.0
        for n in net.neurons:
            n.inputs = None
        assert [repr(e) for e in record] == expected


def test_a_per_neuron_step_raises_numerical_error_like_the_unrolled_one():
    net = NeuralNetwork.from_weights([[[1e300]], [[1.0]]], activation="identity")
    with _written("per neuron"), pytest.raises(NumericalError, match="^net of h1 is inf"):
        list(net.step_through([1e10], [0.0]))
