"""The formulas of the step where the mutation run (docs/topics/mutation.rst) found them unguarded.

A mutant is a copy of neurosim/calculation.py, activations.py or losses.py with one sign,
operator, index or constant changed; the suite must fail on each. The tests here close the gaps
the run showed: momentum, the neuron-by-neuron step that networks past ``engine.UNROLL_LIMIT``
connections run, every field of every event, the one-sided derivatives at a kink, and the
checks of the loss functions themselves.

Expected numbers come from tests/reference.py (the independent matrix form, which tests/
property/test_matrix_equivalence.py checks against Mazur's figures and finite differences),
from exact algebra, or from the conventions the modules document; never from neurosim's own
output.
"""

import dataclasses
import math
import random

import pytest

import reference
from neurosim import NeuralNetwork, activations, calculation, engine, losses, propagation
from neurosim.errors import ConfigurationError, InputError
from neurosim.events import (ActivationDerivative, BackwardMessage, BiasGradient, Delta,
                             ForwardMessage, HiddenErrorDerivative, NetInput, NeuronOutput,
                             OutputError, OutputErrorDerivative, TotalError, Update,
                             WeightGradient, InputGradient)


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def all_close(a, b):
    return len(a) == len(b) and all(close(u, v) for u, v in zip(a, b))


def case(sizes, seed, bias="per_neuron", loss="half_squared_error"):
    """Seeded weights, biases (in the form ``bias`` takes), inputs and targets."""
    rng = random.Random(seed)
    weights = [[[rng.uniform(-1, 1) for _ in range(sizes[l])] for _ in range(sizes[l + 1])]
               for l in range(len(sizes) - 1)]
    if bias == "none":
        biases = None
    elif bias == "shared":
        biases = [rng.uniform(-1, 1) for _ in sizes[1:]]
    else:
        biases = [[rng.uniform(-1, 1) for _ in range(n)] for n in sizes[1:]]
    x = [rng.uniform(-1, 1) for _ in range(sizes[0])]
    t = [rng.uniform(0.05, 0.95) for _ in range(sizes[-1])]
    return weights, biases, x, t


def options_of(config):
    options = dict(activation="sigmoid", output_activation=None, loss="half_squared_error",
                   learning_rate=0.5, bias="per_neuron", train_biases=True, weight_decay=0.0,
                   hidden_deltas="original_weights")
    options.update(config)
    if options["loss"] == "binary_cross_entropy":
        options["output_activation"] = "sigmoid"
    return options


def bias_of(biases, l, j, bias):
    if bias == "none":
        return 0.0
    return biases[l] if bias == "shared" else biases[l][j]


# -- momentum: v+ = mu v - eta dE/dp, p+ = p + v+ ----------------------------------------------

def momentum_reference(weights, biases, x, t, steps, mu, options):
    """``steps`` steps with momentum, from the matrix form's gradients (velocities start at 0;
    the original-weights rule, under which the gradients do not depend on the update)."""
    eta, bias = options["learning_rate"], options["bias"]
    train_biases = options["train_biases"] and bias != "none"
    vW = [[[0.0] * len(row) for row in M] for M in weights]
    vb = [0.0 if bias == "shared" else [0.0] * len(M) for M in weights]
    for _ in range(steps):
        r = reference.step(weights, biases, x, t, **options)
        vW = [[[mu * v - eta * g for v, g in zip(vrow, grow)] for vrow, grow in zip(vM, gM)]
              for vM, gM in zip(vW, r.grad_W)]
        weights = [[[w + v for w, v in zip(wrow, vrow)] for wrow, vrow in zip(M, vM)]
                   for M, vM in zip(weights, vW)]
        if train_biases and bias == "shared":
            vb = [mu * v - eta * g for v, g in zip(vb, r.grad_b_shared)]
            biases = [b + v for b, v in zip(biases, vb)]
        elif train_biases:
            vb = [[mu * v - eta * g for v, g in zip(vl, gl)] for vl, gl in zip(vb, r.grad_b)]
            biases = [[b + v for b, v in zip(bl, vl)] for bl, vl in zip(biases, vb)]
    return weights, biases, vW, vb


@pytest.mark.parametrize("sizes", [[2, 3, 2], [64, 64, 2]], ids=["unrolled", "per-neuron"])
@pytest.mark.parametrize("config", [
    dict(bias="per_neuron"),
    dict(bias="shared", weight_decay=0.01),
    dict(bias="per_neuron", train_biases=False, activation="tanh"),
    dict(bias="none", loss="binary_cross_entropy"),
], ids=["per_neuron", "shared+decay", "fixed biases", "no bias+bce"])
def test_three_steps_with_momentum_equal_the_matrix_form(sizes, config):
    mu, options = 0.9, options_of(config)
    weights, biases, x, t = case(sizes, seed=len(sizes) + len(config), bias=options["bias"])
    W, b, vW, vb = momentum_reference(weights, biases, x, t, 3, mu, options)
    net = NeuralNetwork.from_weights(weights, biases, momentum=mu, **options)
    for _ in range(3):
        net.train(x, t)
    for l, layer in enumerate(net.layers):
        for j, n in enumerate(layer.neurons):
            assert all_close(n.weights, W[l][j]), (l, j, "weights")
            assert all_close(n.velocity, vW[l][j]), (l, j, "velocity")
            if options["bias"] == "per_neuron" and options["train_biases"]:
                assert close(n.bias, b[l][j]) and close(n.bias_velocity, vb[l][j]), (l, j)
            elif options["bias"] == "per_neuron":
                assert n.bias == biases[l][j] and n.bias_velocity == 0.0, (l, j)
            elif options["bias"] == "shared":
                assert close(n.bias, b[l]) and close(layer.bias_velocity, vb[l]), (l, j)


# -- networks past the unroll limit: the neuron-by-neuron step (calculation.VECTOR) -------------

BIG = [64, 64, 2]     # 64*64 + 64*2 = 4224 connections, past engine.UNROLL_LIMIT (4096)


def test_the_big_network_takes_the_neuron_by_neuron_step():
    net = NeuralNetwork(BIG, seed=0)
    assert sum(len(n.weights) for n in net.neurons) > engine.UNROLL_LIMIT
    for mode in ("train", "gradients", "apply", "forward", "evaluate", "error"):
        assert "_dot(_W_" in engine.source(net, mode) or mode == "apply", mode
        assert "w4224" not in engine.source(net, mode), mode   # not written connection by connection


BIG_CONFIGS = [
    dict(),
    dict(bias="shared", weight_decay=0.02, activation="tanh", loss="squared_error"),
    dict(bias="none", hidden_deltas="updated_weights", activation="softplus",
         output_activation="identity", loss="mean_squared_error"),
    dict(bias="per_neuron", train_biases=False, loss="binary_cross_entropy", weight_decay=0.5),
    dict(bias="shared", hidden_deltas="updated_weights", activation="leaky_relu"),
]


def check_step(net, r, options, E):
    assert close(E, r.error), ("E_total", E, r.error)
    for l, layer in enumerate(net.layers):
        for j, n in enumerate(layer.neurons):
            where = (l, j)
            assert close(n.net, r.z[l][j]) and close(n.out, r.a[l][j]), where
            assert close(n.dE_dout, r.dE_da[l][j]), (where, "dE_dout")
            assert close(n.delta, r.delta[l][j]), (where, "delta")
            assert all_close(n.dE_dw, r.grad_W[l][j]), (where, "dE_dw")
            assert all_close(n.weights, r.new_W[l][j]), (where, "new weights")
            if options["bias"] == "per_neuron":
                assert close(n.dE_db, r.grad_b[l][j]) and close(n.bias, r.new_b[l][j]), where
            elif options["bias"] == "shared":
                assert close(n.bias, r.new_b[l]), where
        if options["bias"] == "shared":
            assert close(layer.dE_db, r.grad_b_shared[l]), (l, "shared dE_db")


@pytest.mark.parametrize("k, config", list(enumerate(BIG_CONFIGS)))
def test_a_step_of_a_big_network_equals_the_matrix_form(k, config):
    options = options_of(config)
    weights, biases, x, t = case(BIG, seed=k, bias=options["bias"])
    r = reference.step(weights, biases, x, t, **options)
    net = NeuralNetwork.from_weights(weights, biases, **options)
    assert all_close(propagation.evaluate(net, x), r.output)        # stores nothing
    assert net.layers[-1].neurons[0].out is None
    assert close(net.total_error([(x, t)]), r.error)
    assert all_close(net.feed_forward(x), r.output)                 # stores the pass
    assert [n.out for n in net.layers[0].neurons] == pytest.approx(r.a[0], rel=1e-12)
    check_step(net, r, options, net.train(x, t))


@pytest.mark.parametrize("k, config", [(k, c) for k, c in enumerate(BIG_CONFIGS)
                                        if "hidden_deltas" not in c])
def test_gradients_then_update_of_a_big_network_equal_the_matrix_form(k, config):
    """Batch training's path: the gradients (no weight moves), then the update from them."""
    options = options_of(config)
    weights, biases, x, t = case(BIG, seed=k, bias=options["bias"])
    r = reference.step(weights, biases, x, t, **options)
    net = NeuralNetwork.from_weights(weights, biases, **options)
    E = propagation.gradients(net, x, t)
    assert [n.weights for n in net.layers[-1].neurons] == weights[-1]
    propagation.update(net)
    check_step(net, r, options, E)


# -- a user's own activation and loss: the engine calls the functions ------------------------

def own_activation(name):
    """The activation ``name`` as a user would give their own: plain functions, no inline
    expression, so the compiled step calls ``f`` and ``df``."""
    act = activations.get(name)
    return dataclasses.replace(act, name=f"own_{name}", f=lambda x: act.f(x),
                               df=lambda x, out: act.df(x, out))


def own_loss(name):
    loss = losses.get(name)
    called = {part: (lambda f: (lambda *args: f(*args)))(getattr(loss, part))
              for part in ("error", "dE_dout", "error_net", "dE_dout_net", "delta")
              if getattr(loss, part) is not None}
    return dataclasses.replace(loss, name=f"own_{name}", **called)


@pytest.mark.parametrize("how", ["train", "record"])
@pytest.mark.parametrize("activation, output_activation, loss", [
    ("sigmoid", "sigmoid", "binary_cross_entropy"),
    ("tanh", "identity", "half_squared_error"),
    ("softplus", "sigmoid", "squared_error"),
    ("identity", "tanh", "mean_squared_error"),
])
def test_a_users_own_functions_give_the_matrix_forms_step(activation, output_activation, loss,
                                                          how):
    options = options_of(dict(activation=activation, output_activation=output_activation,
                              loss=loss, weight_decay=0.01))
    weights, biases, x, t = case([2, 3, 2], seed=7)
    r = reference.step(weights, biases, x, t, **options)
    mine = dict(options, activation=own_activation(activation), loss=own_loss(loss),
                output_activation=(output_activation if loss == "binary_cross_entropy"
                                   else own_activation(output_activation)))
    net = NeuralNetwork.from_weights(weights, biases, **mine)
    assert ".inline" not in repr(vars(net.loss)) and "_f0(" in engine.source(net)
    if how == "train":
        E = net.train(x, t)
    else:
        net.train(x, t, record=True)
        E = net.E_total
    check_step(net, r, options, E)


# -- every field of every event ----------------------------------------------------------------

EVENT_CONFIGS = [
    dict(sizes=[2, 2, 2], bias="shared", train_biases=False),          # Mazur's rules
    dict(sizes=[3, 4, 2], activation="tanh", weight_decay=0.1, momentum=0.5),
    dict(sizes=[2, 3, 3, 2], bias="shared", hidden_deltas="updated_weights",
         loss="squared_error", activation="softplus"),
    dict(sizes=[2, 3, 2], bias="none", loss="binary_cross_entropy", activation="leaky_relu"),
    dict(sizes=[3, 2, 3], loss="mean_squared_error", output_activation="identity",
         hidden_deltas="updated_weights", learning_rate=0.3),
]


class Expected:
    """What each event of one step must hold: the matrix form's numbers under the network's
    names (weights numbered row by row, layer by layer; neurons named by the network)."""

    def __init__(self, net, options, mu, case):
        self.options, self.mu = options, mu
        self.W, self.b, self.x, self.t = case
        sizes = [len(self.x)] + [len(M) for M in self.W]
        # the first step with momentum is plain descent (v = mu 0 - eta g), under either rule
        self.r = reference.step(self.W, self.b, self.x, self.t, **self.options)
        self.inputs = [self.x] + self.r.a[:-1]
        self.senders = [list(net.input_names)] + [[n.name for n in layer.neurons]
                                                  for layer in net.layers[:-1]]
        self.neuron = {}                         # neuron name -> (l, j)
        self.weight = {}                         # weight name -> (l, j, i)
        self.bias = {}                           # bias name -> (l, j or None when shared)
        count = 0
        for l, layer in enumerate(net.layers):
            for j, n in enumerate(layer.neurons):
                self.neuron[n.name] = (l, j)
                for i in range(sizes[l]):
                    count += 1
                    self.weight[f"w{count}"] = (l, j, i)
        for l, layer in enumerate(net.layers):
            if self.options["bias"] == "shared":
                self.bias[f"b{l + 1}"] = (l, None)
            elif self.options["bias"] == "per_neuron":
                for j, n in enumerate(layer.neurons):
                    self.bias[f"b_{n.name}"] = (l, j)
        self.names = [[n.name for n in layer.neurons] for layer in net.layers]
        acts = ([self.options["activation"]] * (len(sizes) - 2) +
                [self.options["output_activation"] or self.options["activation"]])
        self.activations = [activations.get(a) for a in acts]
        self.loss = losses.get(self.options["loss"])
        self.seen = []

    def weight_used_backward(self, l, j, i):
        r, updated = self.r, self.options["hidden_deltas"] == "updated_weights"
        return r.new_W[l][j][i] if updated else self.W[l][j][i]

    def check(self, e):
        """Assert every field of event ``e``."""
        r, o, L = self.r, self.options, len(self.names) - 1
        self.seen.append(type(e).__name__)
        if type(e) is ForwardMessage:
            l, j, i = self.weight[e.weight_name]
            assert (e.sender, e.receiver) == (self.senders[l][i], self.names[l][j])
            assert e.from_input == (l == 0)
            assert close(e.value, self.inputs[l][i]) and e.weight == self.W[l][j][i]
            assert close(e.product, self.W[l][j][i] * self.inputs[l][i])
        elif type(e) is NetInput:
            l, j = self.neuron[e.neuron]
            assert e.senders == tuple(self.senders[l]) and e.from_inputs == (l == 0)
            assert [self.weight[w] for w in e.weight_names] == [
                (l, j, i) for i in range(len(self.W[l][j]))]
            assert list(e.weights) == self.W[l][j] and all_close(e.values, self.inputs[l])
            if o["bias"] == "none":
                assert e.bias_name is None and e.bias == 0.0
            else:
                assert self.bias[e.bias_name] == (l, j if o["bias"] == "per_neuron" else None)
                assert e.bias == bias_of(self.b, l, j, o["bias"])
            assert close(e.net, r.z[l][j])
        elif type(e) is NeuronOutput:
            l, j = self.neuron[e.neuron]
            act = self.activations[l]
            assert (e.activation, e.formula) == (act.name, act.formula)
            assert close(e.net, r.z[l][j]) and close(e.out, r.a[l][j])
        elif type(e) in (OutputError, OutputErrorDerivative):
            l, j = self.neuron[e.neuron]
            assert l == L and e.loss == self.loss.name and e.target == self.t[j]
            assert close(e.out, r.a[L][j])
            if type(e) is OutputError:
                assert e.formula == self.loss.formula
                n = len(self.t) if self.loss.name == "mean_squared_error" else 1
                term = reference.LOSSES[self.loss.name][0]([self.t[j]], [r.a[L][j]]) / n
                assert close(e.error, term)
            else:
                assert e.formula == self.loss.derivative and close(e.value, r.dE_da[L][j])
        elif type(e) is TotalError:
            assert e.outputs == tuple(self.names[L]) and close(e.total, r.error)
            assert close(math.fsum(e.errors), r.error)
        elif type(e) is BackwardMessage:
            lh, j = self.neuron[e.sender]
            lu, k = self.neuron[e.receiver]
            assert lu == lh + 1 and self.weight[e.weight_name] == (lu, k, j)
            assert close(e.delta, r.delta[lu][k])
            assert close(e.weight, self.weight_used_backward(lu, k, j))
            assert close(e.product, r.delta[lu][k] * self.weight_used_backward(lu, k, j))
        elif type(e) is HiddenErrorDerivative:
            l, j = self.neuron[e.neuron]
            assert e.receivers == tuple(self.names[l + 1])
            assert all_close(e.products, [r.delta[l + 1][k] * self.weight_used_backward(
                l + 1, k, j) for k in range(len(self.names[l + 1]))])
            assert close(e.value, r.dE_da[l][j])
        elif type(e) is ActivationDerivative:
            l, j = self.neuron[e.neuron]
            act = self.activations[l]
            assert (e.activation, e.formula) == (act.name, act.derivative)
            assert close(e.net, r.z[l][j]) and close(e.out, r.a[l][j])
            assert close(e.value, reference.ACTIVATIONS[act.name][1](r.z[l][j]))
        elif type(e) is Delta:
            l, j = self.neuron[e.neuron]
            assert close(e.dE_dout, r.dE_da[l][j])
            assert close(e.dout_dnet, reference.ACTIVATIONS[self.activations[l].name][1](
                r.z[l][j]))
            assert close(e.delta, r.delta[l][j])
        elif type(e) is WeightGradient:
            l, j, i = self.weight[e.weight_name]
            assert (e.neuron, e.sender) == (self.names[l][j], self.senders[l][i])
            assert close(e.delta, r.delta[l][j]) and close(e.dnet_dw, self.inputs[l][i])
            assert e.weight_decay == o["weight_decay"] and e.weight == self.W[l][j][i]
            assert close(e.value, r.grad_W[l][j][i])
        elif type(e) is BiasGradient:
            l, j = self.bias[e.bias_name]
            members = range(len(self.names[l])) if j is None else [j]
            assert e.neurons == tuple(self.names[l][m] for m in members)
            assert all_close(e.deltas, [r.delta[l][m] for m in members])
            assert close(e.value, r.grad_b_shared[l] if j is None else r.grad_b[l][j])
        elif type(e) is Update:
            eta = o["learning_rate"]
            if e.name in self.weight:
                l, j, i = self.weight[e.name]
                old, g, new = self.W[l][j][i], r.grad_W[l][j][i], r.new_W[l][j][i]
            else:
                l, j = self.bias[e.name]
                old = bias_of(self.b, l, j, o["bias"])
                g = r.grad_b_shared[l] if j is None else r.grad_b[l][j]
                new = r.new_b[l] if j is None else r.new_b[l][j]
            assert e.old == old and e.learning_rate == eta and close(e.gradient, g)
            assert close(e.new, new) and e.momentum == self.mu
            assert close(e.velocity, -eta * g if self.mu else 0.0)
        elif type(e) is InputGradient:      # dE/di = sum_h delta_h w_hi (weights before update)
            i = self.senders[0].index(e.input)
            assert e.receivers == tuple(self.names[0])
            assert [self.weight[w] for w in e.weight_names] == [
                (0, j, i) for j in range(len(self.names[0]))]
            assert all_close(e.deltas, [r.delta[0][j] for j in range(len(self.names[0]))])
            assert list(e.weights) == [self.W[0][j][i] for j in range(len(self.names[0]))]
            assert all_close(e.products, [d * w for d, w in zip(e.deltas, e.weights)])
            assert close(e.value, r.dE_dx[i])
        else:
            raise AssertionError(f"an event of an unknown kind: {e!r}")


def build(config, seed):
    options = options_of({k: v for k, v in config.items() if k not in ("sizes", "momentum")})
    mu = config.get("momentum", 0.0)
    given = case(config["sizes"], seed, options["bias"], options["loss"])
    net = NeuralNetwork.from_weights(given[0], given[1], momentum=mu, **options)
    return net, Expected(net, options, mu, given)


EVERY_KIND = {"ForwardMessage", "NetInput", "NeuronOutput", "OutputError", "TotalError",
              "OutputErrorDerivative", "BackwardMessage", "HiddenErrorDerivative",
              "ActivationDerivative", "Delta", "WeightGradient", "Update"}


@pytest.mark.parametrize("how", ["record", "step_through", "calculation.event"])
@pytest.mark.parametrize("k, config", list(enumerate(EVENT_CONFIGS)))
def test_every_field_of_every_event_is_the_matrix_forms_number(k, config, how):
    """The events of ``net.train(record=True)``, of ``net.step_through`` and of
    :func:`neurosim.calculation.event` (from the values a recorded step returns)."""
    net, expected = build(config, seed=k)
    if how == "record":
        events = list(net.train(expected.x, expected.t, record=True))
    elif how == "step_through":
        events = list(net.step_through(expected.x, expected.t))
    else:
        step = engine.compiled(net, "record")
        _, values = step(net, expected.x, expected.t)
        values = dict(zip(step.recorded_names, values))
        shape = calculation.shape_of(net)
        events = [calculation.event(q, shape, values) for q in step.quantities]
        assert all(e is None for e, q in zip(events, step.quantities) if q.kind == "dnet_dw")
        events = [e for e in events if e is not None]
    for e in events:
        expected.check(e)
    assert EVERY_KIND <= set(expected.seen)
    if config.get("bias", "per_neuron") != "none":
        assert "BiasGradient" in expected.seen


def test_a_bias_free_output_layer_adds_no_bias_but_zero():
    """net = sum w x + 0.0 when a neuron has no bias: an added 0.0, never another constant."""
    net = NeuralNetwork.from_weights([[[0.5, -0.25]]], bias="none", activation="identity")
    assert net.feed_forward([2.0, 4.0]) == [0.0]
    record = net.train([2.0, 4.0], [1.0], record=True)
    (net_input,) = [e for e in record if type(e) is NetInput]
    assert net_input.bias == 0.0 and net_input.net == 0.0


@pytest.mark.parametrize("k, config", list(enumerate(EVENT_CONFIGS)))
def test_every_quantity_of_the_plan_has_its_neurons_layer(k, config):
    """calculation.Quantity: ``layer`` counts the non-input layers from 0 and is the layer of
    ``neuron``; the total error belongs to no layer, a shared bias's gradient to its own."""
    net, _ = build(config, seed=k)
    layer_of = {n.name: l for l, layer in enumerate(net.layers) for n in layer.neurons}
    bias_layer = {layer.bias_name: l for l, layer in enumerate(net.layers)}
    for q in calculation.plan(net):
        if q.neuron is not None:
            assert q.layer == layer_of[q.neuron], q
        elif q.kind == "total":
            assert q.layer is None, q
        elif q.kind in ("input message", "input gradient"):     # dE/di: the first layer's
            assert q.layer == 0, q
        else:
            assert q.layer == bias_layer[q.owner], q


@pytest.mark.parametrize("bias, b", [("none", None), ("shared", "b1"), ("per_neuron", "b_h1")])
def test_a_net_inputs_formula_lists_every_message_then_the_bias(bias, b):
    """net_h1 = w1*i1 + w2*i2 + w3*i3 (+ the bias): the formula the worksheet prints, and the
    names the step adds, in that order; a bias-free neuron adds 0.0 and does not print it."""
    net = NeuralNetwork([3, 2, 1], bias=bias, seed=1)
    (q,) = [q for q in calculation.plan(net) if q.name == "net_h1"]
    messages = ["w1*i1", "w2*i2", "w3*i3"]
    assert q.formula == " + ".join(messages + ([b] if b else []))
    assert q.reads == tuple(messages) + ((b,) if b else ("0.0",))


def test_plan_takes_update_by_keyword_only():
    net = NeuralNetwork([2, 2, 1], seed=1)
    assert calculation.plan(net, update=False)[-1].phase == "backward"
    assert calculation.plan(net)[-1].phase == "update"
    with pytest.raises(TypeError):
        calculation.plan(net, False)


# -- activations: the one-sided derivative at a kink, as documented ---------------------------

def test_relu_and_leaky_relu_take_the_derivative_from_the_left_at_zero():
    """activations.py: "neurosim uses the one-sided derivative from the left (0 for ReLU, the
    leak slope for leaky ReLU)"; and f(0) = 0 for both."""
    relu, leaky = activations.get("relu"), activations.get("leaky_relu")
    assert relu.f(0.0) == 0.0 and relu.df(0.0, 0.0) == 0.0
    assert leaky.f(0.0) == 0.0 and leaky.df(0.0, 0.0) == activations.LEAKY_SLOPE == 0.01
    assert relu.kinks == leaky.kinks == (0.0,)


def test_a_relu_neuron_at_its_kink_passes_no_gradient_back():
    net = NeuralNetwork.from_weights([[[1.0, -1.0]], [[2.0]]], bias="none", activation="relu",
                                     output_activation="identity")
    net.train([0.5, 0.5], [1.0])                 # net_h1 = 0.5 - 0.5 = 0 exactly
    h1 = net.layers[0].neurons[0]
    assert h1.net == 0.0 and h1.dout_dnet == 0.0 and h1.delta == 0.0 and h1.dE_dw == [0.0, 0.0]


def test_the_sigmoids_derivative_is_out_times_one_minus_out_on_both_sides():
    """Both branches of the sigmoid's f' (net < 0: out (1 - out); net >= 0: out^2 e^-net) are
    the same function: sigma(1 - sigma) = sigma^2 e^-x. At x = +-ln 3, sigma = 3/4 and 1/4, so
    f' = 3/16 exactly, up to rounding."""
    sigmoid = activations.get("sigmoid")
    for x in (math.log(3.0), -math.log(3.0)):
        out = sigmoid.f(x)
        assert out == pytest.approx(0.75 if x > 0 else 0.25, rel=1e-15)
        assert sigmoid.df(x, out) == pytest.approx(3.0 / 16.0, rel=1e-15)


@pytest.mark.parametrize("out", [0.25, 0.5, 0.75, 0.1])
def test_the_sigmoids_derivative_as_books_write_it_is_out_times_one_minus_out(out):
    """``df_written`` (the hand checker judges printed figures with it): out (1 - out), the
    product as written, e.g. 0.25 * 0.75 = 0.1875 exactly."""
    written = activations.get("sigmoid").df_written
    assert written(0.0, out) == out * (1.0 - out)
    assert written(0.0, 0.25) == written(0.0, 0.75) == 0.1875


# -- losses: their own checks ----------------------------------------------------------------

@pytest.mark.parametrize("target", [1.5, -0.5, 1.0 + 2.0 ** -52])
@pytest.mark.parametrize("part", ["error", "dE_dout", "error_net", "dE_dout_net"])
def test_every_cross_entropy_function_refuses_a_target_outside_0_1(part, target):
    bce = losses.get("binary_cross_entropy")
    args = (target, 0.5, 0.0, 1) if part.endswith("_net") else (target, 0.5, 1)
    with pytest.raises(InputError) as excinfo:
        getattr(bce, part)(*args)
    message = str(excinfo.value)
    assert message.startswith("targets: binary_cross_entropy needs every target between 0 "
                              "and 1, got " + repr(target))


@pytest.mark.parametrize("target", [0.0, 1.0])
def test_cross_entropy_accepts_the_ends_of_0_1(target):
    bce = losses.get("binary_cross_entropy")
    assert bce.error_net(target, 0.5, 0.0, 1) == pytest.approx(math.log(2.0), rel=1e-15)
    assert bce.dE_dout_net(target, 0.5, 0.0, 1) == pytest.approx(4.0 * (0.5 - target))
    assert bce.error(target, 0.5, 1) == pytest.approx(math.log(2.0), rel=1e-15)
    assert bce.dE_dout(target, 0.5, 1) == pytest.approx(4.0 * (0.5 - target))


@pytest.mark.parametrize("t, out", [(0.3, 0.6), (1.0, 0.8), (0.0, 0.25), (0.9, 0.05),
                                    (0.5, 0.999)])
def test_cross_entropy_from_out_alone_is_the_textbook_formula(t, out):
    """The loss's own functions of (target, out), for callers that have no net input:
    E = -(t log out + (1 - t) log(1 - out)) and dE/dout = (out - t) / (out (1 - out)), written
    here from the textbook; dE/dout is also the derivative of E (a central difference), and E
    is the E computed from the net input whose sigmoid is out."""
    bce = losses.get("binary_cross_entropy")
    E = -(t * math.log(out) + (1.0 - t) * math.log(1.0 - out))
    assert bce.error(t, out, 1) == pytest.approx(E, rel=1e-14)
    assert bce.dE_dout(t, out, 1) == pytest.approx((out - t) / (out * (1.0 - out)), rel=1e-14)
    h = 1e-7 * min(out, 1.0 - out)
    slope = (bce.error(t, out + h, 1) - bce.error(t, out - h, 1)) / (2.0 * h)
    assert bce.dE_dout(t, out, 1) == pytest.approx(slope, rel=1e-6)
    net = math.log(out / (1.0 - out))                   # sigmoid(net) = out
    assert bce.error(t, out, 1) == pytest.approx(bce.error_net(t, out, net, 1), rel=1e-12)


def test_cross_entropy_from_out_clips_out_to_its_documented_range():
    """From out alone, out is first clipped to [CLIP, 1 - CLIP] (CLIP = 1e-12): out = 0.0 with
    t = 1 gives -log(1e-12), out = 1.0 with t = 0 gives -log(1 - (1 - 1e-12)), and dE/dout
    the textbook formula at the clipped out (never a logarithm of 0)."""
    bce = losses.get("binary_cross_entropy")
    assert losses.CLIP == 1e-12
    high = 1.0 - 1e-12
    assert bce.error(1.0, 0.0, 1) == -math.log(1e-12)
    assert bce.error(0.0, 1.0, 1) == -math.log(1.0 - high)
    assert bce.dE_dout(0.0, 1.0, 1) == pytest.approx(high / (high * (1.0 - high)), rel=1e-15)
    assert bce.dE_dout(1.0, 0.0, 1) == pytest.approx(-(1.0 - 1e-12) / (1.0 - 1e-12) / 1e-12,
                                                     rel=1e-15)


def test_cross_entropys_delta_past_saturation_is_out_minus_target():
    """At net = 800 the sigmoid's f'(net) underflows to 0, so dE/dout = (out - t) / f'(net) is
    not defined (None); delta, taken as one (out - t), is 1.0, and the step moves w by
    -eta * delta * x = -0.5. E = softplus(800) = 800 exactly."""
    net = NeuralNetwork.from_weights([[[800.0]]], bias="none", loss="binary_cross_entropy",
                                     learning_rate=0.5)
    assert net.train([1.0], [0.0]) == 800.0
    o1 = net.layers[-1].neurons[0]
    assert o1.dE_dout is None and o1.delta == 1.0 and o1.weights == [799.5]


@pytest.mark.parametrize("x, out", [(2.5, 2.5), (1e-300, 1e-300), (-3.0, 0.0), (-1e-300, 0.0),
                                    (0.0, 0.0)])
def test_relu_is_the_larger_of_0_and_net(x, out):
    assert activations.get("relu").f(x) == out


def test_relu_gives_positive_zero_for_negative_zero():
    """relu(net) = max(0, net): at net = -0.0 the output is 0.0, not -0.0 (a bias set to -0.0
    with every message -0.0 gives that net input)."""
    assert math.copysign(1.0, activations.get("relu").f(-0.0)) == 1.0
    assert math.copysign(1.0, activations.get("relu").f(0.0)) == 1.0


def test_cross_entropys_lone_dE_dout_is_none_where_it_overflows():
    """At net = 720 (t = 0, out = 1.0), f'(net) = e^-720 is a subnormal float, not 0, and
    (out - t) / f'(net) = e^720 is past the float range: not defined, so None (never inf)."""
    bce = losses.get("binary_cross_entropy")
    sigmoid = activations.get("sigmoid")
    slope = sigmoid.df(720.0, sigmoid.f(720.0))
    assert 0.0 < slope < 1e-300
    assert bce.dE_dout_net(0.0, 1.0, 720.0, 1) is None
    assert bce.dE_dout_net(0.0, 1.0, 800.0, 1) is None           # f'(net) underflows to 0
    assert bce.dE_dout_net(0.0, 0.5, 0.0, 1) == 2.0              # (1/2) / (1/4)


@pytest.mark.parametrize("how", ["train", "record", "step_through", "total_error"])
def test_cross_entropy_at_a_saturated_output_is_computed_from_net(how):
    """sigmoid(40) rounds to 1.0, so E = -log(1 - out) from ``out`` is not defined (clipped, it
    would be -log(1e-12) = 27.6). From the net input, E = softplus(40) = 40 + log1p(e^-40) =
    40.0 exactly in floating point (e^-40 < half a unit in the last place of 40); and
    dE/dout = (out - t) / f'(net) = 1 / e^-40 = e^40, to rounding."""
    net = NeuralNetwork.from_weights([[[40.0]]], bias="none", loss="binary_cross_entropy")
    if how == "train":
        E = net.train([1.0], [0.0])
    elif how == "record":
        record = net.train([1.0], [0.0], record=True)
        (error,) = [e for e in record if type(e) is OutputError]
        assert error.error == 40.0
        E = net.E_total
    elif how == "step_through":
        events = list(net.step_through([1.0], [0.0]))
        assert [e.total for e in events if type(e) is TotalError] == [40.0]
        E = net.E_total
    else:
        assert net.total_error([([1.0], [0.0])]) == 40.0
        return
    o1 = net.layers[-1].neurons[0]
    assert E == 40.0 and o1.error == 40.0
    assert o1.dE_dout == pytest.approx(math.exp(40.0), rel=1e-14)
    assert o1.delta == 1.0                                  # out - t, the pair taken as one


# -- lookups ---------------------------------------------------------------------------------

@pytest.mark.parametrize("module", [activations, losses])
@pytest.mark.parametrize("name", [["sigmoid"], 3, None])
def test_a_name_that_is_not_a_str_is_a_configuration_error(module, name):
    with pytest.raises(ConfigurationError) as excinfo:
        module.get(name)
    assert repr(name) in str(excinfo.value)
    assert ", ".join(module.names()) in str(excinfo.value)


@pytest.mark.parametrize("module, alias, name", [
    (activations, "logistic", "sigmoid"), (activations, "linear", "identity"),
    (activations, "leakyrelu", "leaky_relu"), (losses, "half_sse", "half_squared_error"),
    (losses, "mse", "mean_squared_error"), (losses, "bce", "binary_cross_entropy")])
def test_aliases(module, alias, name):
    assert module.get(alias) is module.get(name)
    assert module.get(module.get(name)) is module.get(name)


# -- the @inline expressions are their functions, bit for bit ---------------------------------

def _grid():
    """Net inputs across the float range: dense where the formulas' branches meet (0), and the
    places where exp under- or overflows."""
    xs = [k / 128.0 for k in range(-40 * 128, 40 * 128 + 1)]
    xs += [k * 0.37 for k in range(-2200, 2201)]
    return xs + [-0.0, 5e-324, -5e-324, 1e-300, -1e-300, 1e308, -1e308]


def _inline(function, **names):
    code = compile(function.inline.format(**{k: k for k in names}), "<inline>", "eval")
    return lambda **values: eval(code, {"exp": math.exp, "tanh": math.tanh, "log": math.log,
                                        "log1p": math.log1p}, values)


@pytest.mark.parametrize("name", [n for n in activations.names()
                                  if activations.get(n).of_layer is None])   # softmax: a layer's
def test_an_activations_inline_expressions_are_its_functions_bit_for_bit(name):
    """The compiled train step writes ``f.inline`` and ``df.inline``; step_through and
    record=True call ``f`` and ``df``: the two must give the same bits for every net input
    (neurosim/propagation.py), also where two formulas of one value meet (the sigmoid's
    branches at net = 0)."""
    act = activations.get(name)
    inline_f = _inline(act.f, net=0) if hasattr(act.f, "inline") else None
    inline_df = _inline(act.df, net=0, out=0) if hasattr(act.df, "inline") else None
    for x in _grid():
        out = act.f(x)
        if inline_f:
            assert inline_f(net=x).hex() == out.hex(), (name, x)
        if inline_df:
            assert inline_df(net=x, out=out).hex() == act.df(x, out).hex(), (name, x)


@pytest.mark.parametrize("name", losses.names())
def test_a_losss_inline_expressions_are_its_functions_bit_for_bit(name):
    loss = losses.get(name)
    parts = [p for p in (loss.error, loss.dE_dout, loss.delta) if hasattr(p, "inline")]
    values = [k / 16.0 + 1e-3 * k for k in range(-48, 49)]
    for part in parts:
        inline = _inline(part, t=0, o=0, n=0)
        for t in (values if loss.name != "binary_cross_entropy" else [0.0, 0.25, 0.7, 1.0]):
            for o in values:
                assert inline(t=t, o=o, n=2).hex() == part(t, o, 2).hex(), (name, t, o)


# -- the textbook rules (issue 14): softmax, the bipolar sigmoid, thresholds, dE/dinputs ---------
# The formula-text mutation run found the softmax delta's pair rule unguarded by the fast test
# command: out_k * (t_1 + ... + t_n) - t_k survived with / for * and + for -. Unnormalised
# targets (summing to 1.3) make every factor of it count.

TEXTBOOK = [
    dict(output_activation="softmax", loss="cross_entropy"),
    dict(output_activation="softmax", loss="half_squared_error"),
    dict(activation="bipolar_sigmoid"),
]


@pytest.mark.parametrize("sizes", [[3, 4, 3], [64, 64, 3]], ids=["unrolled", "per-neuron"])
@pytest.mark.parametrize("config", TEXTBOOK, ids=["softmax+ce", "softmax+hse", "bipolar"])
def test_a_textbook_rule_step_equals_the_matrix_form(sizes, config):
    options = options_of(config)
    weights, biases, x, _ = case(sizes, seed=len(sizes) + len(config))
    t = [0.2, 0.5, 0.6]                          # sums to 1.3, not 1
    r = reference.step(weights, biases, x, t, **options)
    net = NeuralNetwork.from_weights(weights, biases, **options)
    E = net.train(x, t)
    assert close(E, r.error)
    for l, layer in enumerate(net.layers):
        for j, n in enumerate(layer.neurons):
            assert close(n.net, r.z[l][j]) and close(n.out, r.a[l][j]), (l, j, "forward")
            assert close(n.delta, r.delta[l][j]), (l, j, "delta")
            assert all_close(n.dE_dw, r.grad_W[l][j]), (l, j, "dE_dw")
            assert all_close(n.weights, r.new_W[l][j]), (l, j, "w+")
    assert all_close(net.dE_dinputs, r.dE_dx)


@pytest.mark.parametrize("sizes", [[2, 3, 2], [64, 64, 2]], ids=["unrolled", "per-neuron"])
def test_thresholds_are_biases_of_the_opposite_sign(sizes):
    """net = sum w x - theta, dE/dtheta = -delta, theta+ = theta + eta delta: the matrix form's
    step with b = -theta."""
    options = options_of({})
    weights, biases, x, t = case(sizes, seed=7)
    r = reference.step(weights, [[-b for b in row] for row in biases], x, t, **options)
    net = NeuralNetwork.from_weights(weights, biases, thresholds=True, **options)
    net.train(x, t)
    for l, layer in enumerate(net.layers):
        for j, n in enumerate(layer.neurons):
            assert close(n.net, r.z[l][j]), (l, j)
            assert close(n.dE_db, -r.delta[l][j]), (l, j)
            assert close(n.bias, -r.new_b[l][j]), (l, j)
            assert all_close(n.weights, r.new_W[l][j]), (l, j)
    assert all_close(net.dE_dinputs, r.dE_dx)


# -- the cosmic-ray sample of 7 December 2026 (second run): the survivors that were real -------

def test_sums_start_from_minus_zero_so_a_zero_keeps_its_sign():
    """-0.0 + t is t to the bit; 0.0 + (-0.0) would be 0.0."""
    assert math.copysign(1.0, calculation.added([-0.0, -0.0])) == -1.0
    assert math.copysign(1.0, calculation.dot([-1.0, 2.0], [0.0, -0.0])) == -1.0
    assert calculation.added([0.1, 0.2, 0.3]) == (0.1 + 0.2) + 0.3


def test_cross_entropy_from_out_alone():
    """E_o = -t log out and dE/dout_o = -t / out, 0 where t = 0, not defined where out = 0; the
    pair rule delta = out (t_1 + ... + t_n) - t."""
    ce = losses.get("cross_entropy")
    assert ce.error(0.0, 0.3, 3) == 0.0 and ce.dE_dout(0.0, 0.3, 3) == 0.0
    assert close(ce.error(0.5, 0.25, 3), -0.5 * math.log(0.25))
    assert ce.dE_dout(0.5, 0.25, 3) == -2.0
    assert ce.dE_dout(0.5, 0.0, 3) is None
    assert close(ce.delta(0.2, 0.7, 3, 1.3), 0.7 * 1.3 - 0.2)


def test_the_written_derivatives_are_the_books():
    """bipolar sigmoid: 1/2 (1 + out) (1 - out), the value df computes another way; relu: 1."""
    bipolar = activations.get("bipolar_sigmoid")
    for net in (-2.0, -0.3, 0.0, 0.7, 3.0):
        out = bipolar.f(net)
        assert bipolar.df_written(net, out) == 0.5 * (1.0 + out) * (1.0 - out)
        assert close(bipolar.df_written(net, out), bipolar.df(net, out))
    relu = activations.get("relu")
    assert relu.df(2.5, 2.5) == 1.0 and relu.df(-2.5, 0.0) == 0.0


def test_a_softmax_delta_event_shows_the_chain_rule_with_squared_error():
    """With a loss other than cross-entropy a softmax output's delta is the sum over the layer:
    its event carries the dE/dout of every output and no targets (and the reverse with
    cross-entropy)."""
    weights, biases, x, _ = case([2, 3, 3], seed=3)
    t = [0.2, 0.5, 0.3]
    for loss, summed in (("half_squared_error", True), ("cross_entropy", False)):
        net = NeuralNetwork.from_weights(weights, biases, output_activation="softmax", loss=loss)
        deltas = [e for e in net.train(x, t, record=True)
                  if isinstance(e, Delta) and e.neuron.startswith("o")]
        assert len(deltas) == 3
        for e in deltas:
            assert len(e.jacobian) == 3 and e.outputs == ("o1", "o2", "o3")
            assert (len(e.dE_douts), len(e.targets)) == ((3, 0) if summed else (0, 3)), loss


def test_log_softmax_and_the_default_sum_of_targets():
    """log_softmax is log(softmax) computed without the log of a rounded 0; the pair rule's sum
    of targets is 1 unless given (one-hot or a distribution)."""
    nets = (0.3, -1.7, 2.2)
    for j in range(3):
        assert close(activations.log_softmax(j, nets), math.log(activations.softmax(j, nets)))
    assert activations.log_softmax(1, (1000.0, -1000.0)) == -2000.0
    assert losses.get("cross_entropy").delta(0.0, 0.3, 3) == 0.3


@pytest.mark.parametrize("target", [0.0, 0.4, 1.0])
def test_cross_entropy_from_the_nets_is_minus_t_log_softmax(target):
    ce, nets = losses.get("cross_entropy"), (0.3, -1.7, 2.2)
    out = activations.softmax(0, nets)
    expected = -target * activations.log_softmax(0, nets)
    assert close(ce.error_net(target, out, nets[0], 3, nets), expected)
    assert close(ce.error(target, out, 3), expected)
