"""The neuron-level simulator equals the matrix form, and every local derivative is right.

Published figures, section E (seed 000): "a neuron-level simulator must give the same numbers
as this matrix form, to rounding". tests/reference.py is that matrix form, written
independently from the equations; here hypothesis draws random networks (1 to 4 weight layers,
widths 1 to 5, every activation, loss, bias mode and rule, softmax outputs with cross-entropy or
another loss: there the reference takes delta = J^T dE/da with the full Jacobian) and one neurosim step must equal
one reference step to 1e-12 (relative and absolute): outputs, every neuron's delta, dE/dw,
dE/db, and the new weights and biases.

Then each activation's f' and each loss's dE/dout against a central finite difference, and
the stability promises at the ends of the float range.

Inputs and weights stay in [-1, 1] (targets in [0, 1] for cross-entropy, whose output layer
is a sigmoid kept away from saturation), where the math is well conditioned; ReLU kinks are
avoided (a net input within 1e-9 of 0 is rejected), since there the two one-sided derivatives
are both right.
"""

import math

import pytest
from hypothesis import assume, given, strategies as st

import reference
from neurosim import NeuralNetwork, activations, losses

ACTIVATIONS = ["sigmoid", "tanh", "bipolar_sigmoid", "relu", "leaky_relu", "identity", "softplus"]
LOSSES = ["half_squared_error", "squared_error", "mean_squared_error", "binary_cross_entropy"]
BIAS_MODES = ["per_neuron", "shared", "none"]
HIDDEN_DELTAS = ["original_weights", "updated_weights"]
KINKED = {"relu", "leaky_relu"}

unit = st.floats(-1.0, 1.0, allow_nan=False, allow_infinity=False)


@st.composite
def cases(draw):
    depth = draw(st.integers(1, 4))
    sizes = draw(st.lists(st.integers(1, 5), min_size=depth + 1, max_size=depth + 1))
    loss = draw(st.sampled_from(LOSSES + ["cross_entropy"]))
    if loss == "cross_entropy":     # softmax needs 2 outputs or more
        sizes[-1] = max(sizes[-1], 2)
    activation = draw(st.sampled_from(ACTIVATIONS))
    if loss == "binary_cross_entropy":
        output_activation = "sigmoid"
    elif loss == "cross_entropy":
        output_activation = "softmax"
    else:
        output_activation = draw(st.sampled_from(
            ACTIVATIONS + (["softmax"] if sizes[-1] >= 2 else [])))
    bias = draw(st.sampled_from(BIAS_MODES))
    weights = [[draw(st.lists(unit, min_size=sizes[l], max_size=sizes[l]))
                for _ in range(sizes[l + 1])] for l in range(depth)]
    if bias == "none":
        biases = None
    elif bias == "shared":
        biases = [draw(unit) for _ in sizes[1:]]
    else:  # a list per layer, or one start value for the whole layer
        biases = [draw(st.one_of(unit, st.lists(unit, min_size=n, max_size=n)))
                  for n in sizes[1:]]
    x = draw(st.lists(unit, min_size=sizes[0], max_size=sizes[0]))
    target_values = (st.floats(0.0, 1.0) if loss in ("binary_cross_entropy", "cross_entropy")
                     else st.floats(-2.0, 2.0))
    t = draw(st.lists(target_values, min_size=sizes[-1], max_size=sizes[-1]))
    options = dict(
        activation=activation,
        output_activation=output_activation,
        loss=loss,
        learning_rate=draw(st.sampled_from([0.5, 0.1, 1.0]) | st.floats(0.001, 2.0)),
        bias=bias,
        train_biases=draw(st.booleans()),
        weight_decay=draw(st.sampled_from([0.0, 1.0]) | st.floats(0.0, 1.0)),
        hidden_deltas=draw(st.sampled_from(HIDDEN_DELTAS)),
    )
    return weights, biases, x, t, options


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def check_conditioning(r, options):
    """Reject draws at a ReLU kink or with a saturated cross-entropy output."""
    L = len(r.z)
    acts = [options["activation"]] * (L - 1) + [options["output_activation"]]
    for act, z in zip(acts, r.z):
        if act in KINKED:
            assume(all(abs(v) > 1e-9 for v in z))
    if options["loss"] == "binary_cross_entropy":
        assume(all(1e-6 < o < 1 - 1e-6 for o in r.output))


@pytest.mark.parametrize("path", ["train", "record"])
@given(case=cases())
def test_one_step_equals_the_matrix_form(path, case):
    """Both ways of running a step: ``net.train`` (the hot path) and ``net.train(...,
    record=True)`` (the observed step that yields events)."""
    weights, biases, x, t, options = case
    r = reference.step(weights, biases, x, t, **options)
    check_conditioning(r, options)

    net = NeuralNetwork.from_weights(weights, biases, **options)
    if path == "train":
        E = net.train(x, t)
    else:
        net.train(x, t, record=True)
        E = net.E_total  # the error of the last step's sample
    assert close(E, r.error), ("E_total", E, r.error)
    for l, layer in enumerate(net.layers):
        for j, n in enumerate(layer.neurons):
            where = f"layer {l + 1} neuron {n.name}"
            assert close(n.out, r.a[l][j]), (where, "out", n.out, r.a[l][j])
            assert close(n.dE_dout, r.dE_da[l][j]), (where, "dE_dout")
            assert close(n.delta, r.delta[l][j]), (where, "delta", n.delta, r.delta[l][j])
            for i, (g, g_ref) in enumerate(zip(n.dE_dw, r.grad_W[l][j])):
                assert close(g, g_ref), (where, f"dE_dw[{i}]", g, g_ref)
            assert len(n.dE_dw) == len(r.grad_W[l][j])
            for i, (w, w_ref) in enumerate(zip(n.weights, r.new_W[l][j])):
                assert close(w, w_ref), (where, f"new weight {i}", w, w_ref)
            if options["bias"] == "per_neuron":
                assert close(n.dE_db, r.grad_b[l][j]), (where, "dE_db")
                assert close(n.bias, r.new_b[l][j]), (where, "new bias")
            elif options["bias"] == "shared":
                assert close(n.bias, r.new_b[l]), (where, "new shared bias")
            else:
                assert n.bias == 0.0, (where, "bias='none' keeps 0.0")
        if options["bias"] == "shared":
            assert close(layer.dE_db, r.grad_b_shared[l]), (l, "shared dE_db")
    assert len(net.dE_dinputs) == len(r.dE_dx)
    for i, (g, g_ref) in enumerate(zip(net.dE_dinputs, r.dE_dx)):
        assert close(g, g_ref), ("dE/di", i, g, g_ref)
    assert close(sum(net.feed_forward(x)), sum(reference.forward(
        r.new_W, r.new_b, x, activation=options["activation"],
        output_activation=options["output_activation"], bias=options["bias"])[1][-1]))


def test_matrix_form_reproduces_mazur():
    """The reference engine itself against printed figures (Mazur 2015), so that it can be
    trusted as an oracle: w5+ = 0.35891648, w1+ = 0.149780716, delta_o1 = 0.138498562."""
    r = reference.step([[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45], [0.5, 0.55]]], [0.35, 0.6],
                       [0.05, 0.1], [0.01, 0.99], bias="shared", train_biases=False)
    assert abs(r.new_W[1][0][0] - 0.35891648) <= 5e-9
    assert abs(r.new_W[0][0][0] - 0.149780716) <= 5e-10
    assert abs(r.delta[1][0] - 0.138498562) <= 5e-10
    assert abs(r.error - 0.298371109) <= 5e-10


@given(cases())
def test_reference_gradients_match_finite_differences(case):
    """The oracle checked against finite differences of its own forward pass, so that both
    engines agreeing cannot mean both wrong in the same way (original_weights rule only:
    that rule is the gradient)."""
    weights, biases, x, t, options = case
    options = dict(options, hidden_deltas="original_weights")
    r = reference.step(weights, biases, x, t, **options)
    check_conditioning(r, options)
    lam = options["weight_decay"]

    def objective(W):
        reg = 0.5 * lam * sum(w * w for M in W for row in M for w in row)
        return reference.total_error(W, biases, x, t, **options) + reg

    h = 1e-6
    for l, M in enumerate(weights):
        for j, row in enumerate(M):
            for i in range(len(row)):
                plus = [[list(rw) for rw in m] for m in weights]
                minus = [[list(rw) for rw in m] for m in weights]
                plus[l][j][i] += h
                minus[l][j][i] -= h
                zp = reference.forward(plus, biases, x, activation=options["activation"],
                                       output_activation=options["output_activation"],
                                       bias=options["bias"])[0]
                zm = reference.forward(minus, biases, x, activation=options["activation"],
                                       output_activation=options["output_activation"],
                                       bias=options["bias"])[0]
                acts = ([options["activation"]] * (len(weights) - 1)
                        + [options["output_activation"]])
                # a kink crossed between the two evaluations makes the difference meaningless
                assume(all(a not in KINKED or (p > 0) == (m > 0)
                           for a, zl, zl2 in zip(acts, zp, zm) for p, m in zip(zl, zl2)))
                numeric = (objective(plus) - objective(minus)) / (2 * h)
                analytic = r.grad_W[l][j][i]
                assert math.isclose(numeric, analytic, rel_tol=1e-5, abs_tol=1e-6), (
                    l, j, i, numeric, analytic)
    acts = [options["activation"]] * (len(weights) - 1) + [options["output_activation"]]
    for i in range(len(x)):     # dE/dx: the inputs nudged, the weights as they are
        xp, xm = list(x), list(x)
        xp[i] += h
        xm[i] -= h
        zp = reference.forward(weights, biases, xp, activation=options["activation"],
                               output_activation=options["output_activation"],
                               bias=options["bias"])[0]
        zm = reference.forward(weights, biases, xm, activation=options["activation"],
                               output_activation=options["output_activation"],
                               bias=options["bias"])[0]
        assume(all(a not in KINKED or (p > 0) == (m > 0)
                   for a, zl, zl2 in zip(acts, zp, zm) for p, m in zip(zl, zl2)))
        numeric = (reference.total_error(weights, biases, xp, t, **options)
                   - reference.total_error(weights, biases, xm, t, **options)) / (2 * h)
        assert math.isclose(numeric, r.dE_dx[i], rel_tol=1e-5, abs_tol=1e-6), (
            "dE/dx", i, numeric, r.dE_dx[i])


# --------------------------------------------------------------------------- local derivatives


def central_difference(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


@pytest.mark.parametrize("name", ACTIVATIONS)
@given(x=st.floats(-10.0, 10.0))
def test_activation_derivative_matches_finite_difference(name, x):
    act = activations.get(name)
    h = 1e-6
    if name in KINKED:
        assume(abs(x) > 10 * h)
    analytic = act.df(x, act.f(x))
    numeric = central_difference(act.f, x, h)
    assert math.isclose(analytic, numeric, rel_tol=1e-6, abs_tol=1e-8), (name, x)


@pytest.mark.parametrize("name", ACTIVATIONS)
@given(x=st.floats(-30.0, 30.0))
def test_activation_is_the_textbook_function(name, x):
    assert math.isclose(activations.get(name).f(x), reference.ACTIVATIONS[name][0](x),
                        rel_tol=1e-14, abs_tol=1e-300), (name, x)


def test_activation_names_and_leaky_slope():
    for name in ACTIVATIONS:
        assert activations.get(name).name == name
    leaky = activations.get("leaky_relu")
    assert leaky.f(-2.0) == -0.02 and leaky.df(-2.0, -0.02) == 0.01
    assert leaky.f(3.0) == 3.0 and leaky.df(3.0, 3.0) == 1.0
    relu = activations.get("relu")
    assert relu.f(-2.0) == 0.0 and relu.df(-2.0, 0.0) == 0.0 and relu.df(2.0, 2.0) == 1.0


@pytest.mark.parametrize("name", LOSSES)
@given(data=st.data())
def test_loss_derivative_matches_finite_difference(name, data):
    loss = losses.get(name)
    n = data.draw(st.integers(1, 5), label="n_outputs")
    if name == "binary_cross_entropy":
        target = data.draw(st.floats(0.0, 1.0), label="target")
        out = data.draw(st.floats(0.05, 0.95), label="out")
    else:
        target = data.draw(st.floats(-3.0, 3.0), label="target")
        out = data.draw(st.floats(-3.0, 3.0), label="out")
    h = 1e-6
    analytic = loss.dE_dout(target, out, n)
    numeric = central_difference(lambda o: loss.error(target, o, n), out, h)
    assert math.isclose(analytic, numeric, rel_tol=1e-6, abs_tol=1e-8), (name, target, out, n)


@pytest.mark.parametrize("name", LOSSES)
@given(data=st.data())
def test_loss_is_the_textbook_formula(name, data):
    """Summed over the outputs, each loss's per-output terms give the stated total."""
    n = data.draw(st.integers(1, 5), label="n_outputs")
    lo, hi = (0.05, 0.95) if name == "binary_cross_entropy" else (-3.0, 3.0)
    t = data.draw(st.lists(st.floats(0.0 if lo > 0 else -3.0, 1.0 if lo > 0 else 3.0),
                           min_size=n, max_size=n), label="targets")
    o = data.draw(st.lists(st.floats(lo, hi), min_size=n, max_size=n), label="outputs")
    loss = losses.get(name)
    total = sum(loss.error(tk, ok, n) for tk, ok in zip(t, o))
    assert math.isclose(total, reference.LOSSES[name][0](t, o), rel_tol=1e-12, abs_tol=1e-15)
    for tk, ok, g in zip(t, o, reference.LOSSES[name][1](t, o)):
        assert math.isclose(loss.dE_dout(tk, ok, n), g, rel_tol=1e-12, abs_tol=1e-15)


# --------------------------------------------------------------------------- stability


@given(data=st.data())
def test_softmax_and_cross_entropy_are_the_textbook_formulas(data):
    n = data.draw(st.integers(2, 6), label="n_outputs")
    z = data.draw(st.lists(st.floats(-30.0, 30.0), min_size=n, max_size=n), label="nets")
    t = data.draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n), label="targets")
    a = reference.softmax(z)
    for k in range(n):
        assert math.isclose(activations.softmax(k, z), a[k], rel_tol=1e-14, abs_tol=1e-300)
    loss = losses.get("cross_entropy")
    total = sum(loss.error_net(tk, ak, zk, n, z) for tk, ak, zk in zip(t, a, z))
    expected = -sum(tk * (zk - math.log(sum(math.exp(v) for v in z))) for tk, zk in zip(t, z))
    assert math.isclose(total, expected, rel_tol=1e-12, abs_tol=1e-12)


def test_sigmoid_saturates_without_overflow():
    sigmoid = activations.get("sigmoid")
    assert sigmoid.f(1000.0) == 1.0
    assert sigmoid.f(-1000.0) == 0.0
    assert sigmoid.df(1000.0, sigmoid.f(1000.0)) == 0.0
    assert sigmoid.df(-1000.0, sigmoid.f(-1000.0)) == 0.0
    assert sigmoid.f(-745.0) >= 0.0 and sigmoid.f(710.0) == 1.0


def test_softplus_and_tanh_stay_finite_at_the_ends():
    softplus = activations.get("softplus")
    assert softplus.f(1000.0) == 1000.0
    assert softplus.f(-1000.0) == 0.0
    assert softplus.df(1000.0, softplus.f(1000.0)) == 1.0
    assert softplus.f(1e308) == 1e308
    tanh = activations.get("tanh")
    assert tanh.f(1000.0) == 1.0 and tanh.df(1000.0, 1.0) == 0.0


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("x", [-1e308, -1000.0, -1e-300, 0.0, 1e-300, 1000.0, 1e308])
def test_every_activation_is_finite_on_finite_input(name, x):
    act = activations.get(name)
    fx = act.f(x)
    assert math.isfinite(fx) and math.isfinite(act.df(x, fx)), (name, x)


@pytest.mark.parametrize("target", [0.0, 1.0, 0.3])
@pytest.mark.parametrize("out", [0.0, 1.0])
def test_binary_cross_entropy_is_finite_at_saturated_outputs(target, out):
    bce = losses.get("binary_cross_entropy")
    assert math.isfinite(bce.error(target, out, 1))
    assert math.isfinite(bce.dE_dout(target, out, 1))
    # a right answer costs (almost) nothing, a wrong one a lot
    if target == out:
        assert bce.error(target, out, 1) < 1e-9
    elif abs(target - out) == 1.0:
        assert bce.error(target, out, 1) > 20


def test_training_through_a_saturated_sigmoid_with_cross_entropy_is_finite():
    """A sigmoid output of exactly 1.0 (net input 1000) with binary cross-entropy and target 0:
    the step completes with finite numbers."""
    net = NeuralNetwork.from_weights([[[1000.0]]], [[0.0]], activation="sigmoid",
                                     loss="binary_cross_entropy")
    assert net.feed_forward([1.0]) == [1.0]
    E = net.train([1.0], [0.0])
    assert math.isfinite(E) and math.isfinite(net["w1"]) and math.isfinite(net["o1"].delta)
