"""The compiled steps a network keeps (neurosim.engine.compiled) follow every rule a user changes.

A network keeps its compiled steps with the rules they were compiled for, so that a step pays
no hashing of every name. Each rule a user may change after construction must still take effect
at the next step: the network then computes what a network built with that rule computes."""

import copy

import pytest

from neurosim import NeuralNetwork, activations, engine, losses

W = [[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45], [0.5, 0.55]]]
B = [[0.35, 0.35], [0.6, 0.6]]
X, T = [0.05, 0.1], [0.01, 0.99]


def state(net):
    return [(n.weights, n.bias, n.delta, n.out) for n in net.neurons]


CHANGES = {
    "loss": (lambda net: setattr(net, "loss", losses.get("squared_error")),
             dict(loss="squared_error")),
    "hidden_deltas": (lambda net: setattr(net, "hidden_deltas", "updated_weights"),
                      dict(hidden_deltas="updated_weights")),
    "train_biases": (lambda net: setattr(net, "train_biases", False), dict(train_biases=False)),
    "momentum": (lambda net: setattr(net, "momentum", 0.9), dict(momentum=0.9)),
    "weight_decay": (lambda net: setattr(net, "weight_decay", 0.01), dict(weight_decay=0.01)),
    "thresholds": (lambda net: setattr(net, "thresholds", True), dict(thresholds=True)),
    "activation": (lambda net: [setattr(layer, "activation", activations.get("tanh"))
                                for layer in net.layers], dict(activation="tanh")),
}


def trained_once():
    net = NeuralNetwork.from_weights(W, B)
    net.train(X, T)
    return net


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_rule_changed_after_a_step_takes_effect_at_the_next(change):
    apply, options = CHANGES[change]
    net = trained_once()
    apply(net)
    once = trained_once()
    built = NeuralNetwork.from_weights([[n.weights[:] for n in layer.neurons]
                                        for layer in once.layers],
                                       [[n.bias for n in layer.neurons] for layer in once.layers],
                                       **options)
    for _ in range(2):      # two steps: momentum's first, from zero velocity, is the plain one
        net.train(X, T)
        built.train(X, T)
        once.train(X, T)    # the old rule
    assert state(net) == state(built)
    assert state(net) != state(once)


def test_the_unroll_limit_is_one_of_the_rules(monkeypatch):
    net = trained_once()
    assert "_dot" not in engine.compiled(net, "train").__code__.co_names
    monkeypatch.setattr(engine, "UNROLL_LIMIT", 0)
    assert "_dot" in engine.compiled(net, "train").__code__.co_names


def test_a_copied_network_compiles_its_own_steps():
    net = trained_once()
    assert "_steps" in vars(net)
    other = copy.deepcopy(net)
    assert "_steps" not in vars(other)
    assert other.train(X, T) == net.train(X, T) and state(other) == state(net)
