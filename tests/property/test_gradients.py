"""Property tests: every partial the network holds, for every generated network.

Three independent sources of truth, none of them neurosim's backward pass:

* central differences of E_total (``neurosim.gradcheck`` perturbs and re-runs the forward pass);
* the Decimal oracle (``precise=True``): the same forward pass at 50 digits, whose derivative is
  exact to about 1e-30 * |E|, so the float backward pass must match it to rounding;
* the chain-rule identities of the hand calculation (seed 004, formulas (1) to (3)), with f'
  and dE/dout written below from the textbook formulas.

Profiles (tests/conftest.py): ``default`` for CI, ``HYPOTHESIS_PROFILE=thorough`` for more.
"""

import copy
import math
from unittest import mock

import pytest

pytest.importorskip("hypothesis", reason="property tests need hypothesis "
                    "(pip install 'neurosim[test]')")

from hypothesis import assume, given, strategies as st  # noqa: E402

from neurosim import gradient_check, propagation  # noqa: E402
from neurosim.testing.strategies import networks, samples_for  # noqa: E402

gradcheck = gradient_check.gradcheck


# -- independent formulas (textbook, written from the net input, not the output) -----------------

def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


DERIVATIVES = {
    "sigmoid": lambda z: sigmoid(z) * (1.0 - sigmoid(z)),
    "tanh": lambda z: 1.0 / math.cosh(z) ** 2 if abs(z) < 300 else 0.0,
    # Fausett: d/dz (2 / (1 + e^-z) - 1) = 2 e^-z / (1 + e^-z)^2 = 1 / (2 cosh^2(z/2))
    "bipolar_sigmoid": lambda z: 0.5 / math.cosh(0.5 * z) ** 2 if abs(z) < 600 else 0.0,
    "relu": lambda z: 1.0 if z > 0 else 0.0,          # left derivative at the kink
    "leaky_relu": lambda z: 1.0 if z > 0 else 0.01,
    "identity": lambda z: 1.0,
    "softplus": sigmoid,                              # d/dz log(1 + e^z) = sigmoid(z)
}


def clip(o):
    return min(max(o, 1e-12), 1.0 - 1e-12)


LOSS_DERIVATIVES = {   # dE/dout_o, n = number of outputs
    "half_squared_error": lambda t, o, n: o - t,
    "squared_error": lambda t, o, n: 2.0 * (o - t),
    "mean_squared_error": lambda t, o, n: 2.0 * (o - t) / n,
    "binary_cross_entropy": lambda t, o, n: (clip(o) - t) / (clip(o) * (1.0 - clip(o))),
}


def close(a, b, scale):
    """Equal to float rounding relative to the magnitude of the terms that made them."""
    return abs(a - b) <= 1e-13 * scale + 1e-300


def well_conditioned(net, x):
    """Keep to networks whose finite differences mean something: no saturated sigmoid under
    cross-entropy (E''' ~ 1/out^3 there) and no net input beyond +-30 (sigmoid and tanh flat)."""
    net.feed_forward(x)
    if any(abs(n.net) > 30 for n in net.neurons):
        return False
    if net.loss.name == "binary_cross_entropy":
        return all(1e-4 <= n.out <= 1 - 1e-4 for n in net.output_layer.neurons)
    return True


# -- analytic == numeric -----------------------------------------------------------------------------

@given(st.data())
def test_every_partial_matches_central_differences(data):
    net = data.draw(networks(), label="net")
    x, t = data.draw(samples_for(net), label="sample")
    assume(well_conditioned(net, x))
    E = net.total_error([(x, t)])
    # Central differences with h = 1e-6: truncation ~ h^2 = 1e-12, rounding ~ 1e-16 |E| / h.
    report = gradcheck(net, x, t, eps=1e-6, rtol=1e-5, atol=1e-7 * max(1.0, E))
    report.assert_ok()


@given(st.data())
def test_every_partial_is_exact_to_rounding_by_the_decimal_oracle(data):
    net = data.draw(networks(max_width=3), label="net")
    x, t = data.draw(samples_for(net), label="sample")
    E = net.total_error([(x, t)])
    # The oracle resolves derivatives down to ~1e-30 |E|; the float pass is exact to rounding.
    report = gradcheck(net, x, t, precise=True, rtol=1e-10, atol=1e-13 * max(1.0, E))
    report.assert_ok()


@given(st.data())
def test_weight_decay_enters_every_weight_gradient(data):
    decay = data.draw(st.sampled_from([0.01, 0.5, 1.0]), label="weight_decay")
    net = data.draw(networks(weight_decay=decay, max_width=3), label="net")
    x, t = data.draw(samples_for(net), label="sample")
    E = net.total_error([(x, t)])
    gradcheck(net, x, t, precise=True, rtol=1e-10, atol=1e-13 * max(1.0, E)).assert_ok()


@given(st.data())
def test_gradcheck_leaves_the_network_as_it_found_it(data):
    net = data.draw(networks(max_width=3), label="net")
    x, t = data.draw(samples_for(net), label="sample")
    if data.draw(st.booleans(), label="trained before"):
        net.train(x, t)
    before = copy.deepcopy([vars(n) for n in net.neurons] + [vars(layer) for layer in net.layers])
    weights = [n.weights for n in net.neurons]
    gradcheck(net, x, t)
    after = [vars(n) for n in net.neurons] + [vars(layer) for layer in net.layers]
    assert repr(after) == repr(before)
    assert all(n.weights is w for n, w in zip(net.neurons, weights))


# -- the chain rule, identity by identity ------------------------------------------------------------

@given(st.data())
def test_the_stored_partials_obey_the_chain_rule(data):
    net = data.draw(networks(), label="net")
    x, t = data.draw(samples_for(net), label="sample")
    weights = [[list(n.weights) for n in layer.neurons] for layer in net.layers]  # before update
    net.train(x, t)  # weight_decay 0: dE/dw = delta * x exactly
    n_out = len(net.output_layer.neurons)
    for k, layer in enumerate(net.layers):
        senders = x if k == 0 else [s.out for s in net.layers[k - 1].neurons]
        f_prime = DERIVATIVES[layer.activation.name]
        for j, n in enumerate(layer.neurons):
            # dout/dnet == f'(net)
            assert close(n.dout_dnet, f_prime(n.net), 1.0), n.name
            if k == len(net.layers) - 1:
                # dE/dout_o == E_o'(out_o)
                expected = LOSS_DERIVATIVES[net.loss.name](n.target, n.out, n_out)
                if net.loss.name == "binary_cross_entropy":
                    # (out - t) / (out (1 - out)) with out (1 - out) = sigma'(net) written
                    # exactly (e^-|net| / (1 + e^-|net|)^2): 1 - out loses digits as out -> 1
                    e = math.exp(-abs(n.net))
                    expected = (n.out - n.target) / (e / (1.0 + e) ** 2)
                    if n.dE_dout is None:   # not defined in floating point: said so
                        assert e / (1.0 + e) ** 2 == 0.0 or not math.isfinite(expected)
                        continue
                assert close(n.dE_dout, expected, abs(expected)), n.name
            else:
                # dE/dout_h == sum over the next layer of w_kh * delta_k (weights before update)
                upper = net.layers[k + 1].neurons
                terms = [weights[k + 1][m][j] * u.delta for m, u in enumerate(upper)]
                assert close(n.dE_dout, math.fsum(terms), sum(map(abs, terms))), n.name
                # delta_h == f'(net_h) * sum(w * delta_next). The engine's f' is written from
                # the output (1 - out^2, out (1 - out)): its error is a unit of 1, not of f'.
                assert close(n.delta, f_prime(n.net) * math.fsum(terms),
                             (abs(f_prime(n.net)) + 1.0) * sum(map(abs, terms))), n.name
            pair = k == len(net.layers) - 1 and net.loss.delta is not None
            if pair:
                # cross-entropy after a sigmoid: the pair taken as one, delta = out - target
                # exactly; the chain rule holds to rounding (where dE/dout is defined at all).
                assert n.delta == n.out - n.target
                if n.dE_dout is None:
                    continue
                assert close(n.delta, n.dE_dout * n.dout_dnet, abs(n.delta)), n.name
            else:
                # delta == dE/dout * dout/dnet
                assert n.delta == n.dE_dout * n.dout_dnet
            for i, w_name in enumerate(n.weight_names):
                # dnet/dw_i is the sender's output (or the input)
                assert n.dnet_dw[i] == senders[i]
                # dE/dw == dE/dout * dout/dnet * dnet/dw
                product = n.dE_dout * n.dout_dnet * n.dnet_dw[i]
                assert close(n.dE_dw[i], product, abs(product)), w_name
            if layer.bias_mode == "per_neuron":
                assert n.dE_db == n.delta
        if layer.bias_mode == "shared":
            deltas = [n.delta for n in layer.neurons]
            assert close(layer.dE_db, math.fsum(deltas), sum(map(abs, deltas)))


# -- mutation check ----------------------------------------------------------------------------------

def corruption(name, net):
    """A function that adds a clear error to the stored value behind row ``name``."""
    def bump(value):
        return value + 0.01 * (1.0 + abs(value))

    if name.startswith("dE/d") and name[4:] in net.input_names:      # dE/di1
        i = list(net.input_names).index(name[4:])
        return lambda: net.dE_dinputs.__setitem__(i, bump(net.dE_dinputs[i]))
    if name.startswith("dE/dw"):
        n = next(n for n in net.neurons if name[4:] in n.weight_names)
        i = n.weight_names.index(name[4:])
        return lambda: n.dE_dw.__setitem__(i, bump(n.dE_dw[i]))
    if name.startswith("dE/db"):
        bias = name[4:]
        layer = next((layer for layer in net.layers if layer.bias_name == bias), None)
        if layer is not None:
            return lambda: setattr(layer, "dE_db", bump(layer.dE_db))
        n = next(n for n in net.neurons if n.bias_name == bias)
        return lambda: setattr(n, "dE_db", bump(n.dE_db))
    quantity, neuron = name.rsplit("_", 1)
    attribute = {"dE/dout": "dE_dout", "dout/dnet": "dout_dnet", "delta": "delta"}[quantity]
    n = net[neuron]
    return lambda: setattr(n, attribute, bump(getattr(n, attribute)))


@given(st.data())
def test_a_corrupted_partial_is_named_and_nothing_else(data):
    net = data.draw(networks(max_width=3), label="net")
    x, t = data.draw(samples_for(net), label="sample")
    E = net.total_error([(x, t)])
    options = dict(precise=True, rtol=1e-9, atol=1e-12 * max(1.0, E))
    clean = gradcheck(net, x, t, **options)
    candidates = [row.name for row in clean if row.status == "ok"]
    assume(candidates)
    name = data.draw(st.sampled_from(candidates), label="corrupted row")
    corrupt = corruption(name, net)
    real = propagation.gradients

    def corrupted_gradients(net_, x_, t_):
        E_total = real(net_, x_, t_)
        corrupt()
        return E_total

    with mock.patch.object(propagation, "gradients", corrupted_gradients):
        report = gradcheck(net, x, t, **options)
    assert [row.name for row in report.failures] == [name]
    with pytest.raises(AssertionError) as caught:
        report.assert_ok()
    assert caught.value.args[0].splitlines()[0].endswith(f"quantities: {name}")
