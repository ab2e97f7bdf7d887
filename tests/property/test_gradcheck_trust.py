"""Property tests: gradcheck fails no correct network, and fails a wrong derivative.

Every network the strategies can draw (every activation, loss and bias mode, with or without
weight decay), at the strategies' scales and at wide ones, is a correct network: neurosim's
backward pass is checked against the Decimal oracle and the chain rule elsewhere
(test_gradients.py). ``report.ok`` must hold for each: no row FAIL, whatever its scale; rows
may be ``kink`` or ``unresolved``, which do not fail. And a partial made wrong by 0.1 % after
the backward pass, where the differences resolve it, must fail, and only it; a loss whose
derivative has its sign flipped must fail.

``benchmarks/accuracy.py trust`` makes the same measurements on 900 seeded networks.
"""

import dataclasses
from unittest import mock

import pytest

pytest.importorskip("hypothesis", reason="property tests need hypothesis "
                    "(pip install 'neurosim[test]')")

from hypothesis import assume, given, settings, strategies as st  # noqa: E402

from neurosim import gradient_check, propagation  # noqa: E402
from neurosim.testing.strategies import networks, samples_for, targets_for  # noqa: E402

gradcheck = gradient_check.gradcheck

DECAYS = st.sampled_from([0.0, 0.0, 0.01, 1.0])


def wide_networks(draw, decay):
    return draw(networks(weights=st.floats(-8.0, 8.0), max_layers=5, max_width=5,
                         weight_decay=decay), label="net")


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_every_network_of_every_option_passes(data):
    net = data.draw(networks(weight_decay=data.draw(DECAYS, label="decay")), label="net")
    x, t = data.draw(samples_for(net), label="sample")
    report = gradcheck(net, x, t)
    assert report.ok, str(report)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_every_network_passes_at_wide_scales(data):
    # weights up to 8, inputs up to 1e3 in size, targets up to 1e3 where the loss allows
    net = wide_networks(data.draw, data.draw(DECAYS, label="decay"))
    x = data.draw(st.lists(st.floats(-1e3, 1e3), min_size=net.layer_sizes[0],
                           max_size=net.layer_sizes[0]), label="inputs")
    if net.loss.name == "binary_cross_entropy":
        t = data.draw(targets_for(net), label="targets")
    else:
        size = net.layer_sizes[-1]
        t = data.draw(st.lists(st.floats(-1e3, 1e3), min_size=size, max_size=size),
                      label="targets")
    report = gradcheck(net, x, t)
    assert report.ok, str(report)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_a_partial_wrong_by_a_thousandth_fails_and_only_it(data):
    net = data.draw(networks(max_width=3), label="net")
    x, t = data.draw(samples_for(net), label="sample")
    clean = gradcheck(net, x, t)
    sharp = [r.name for r in clean if r.status == "ok" and r.analytic
             and r.estimate < 1e-4 * abs(r.analytic)]
    assume(sharp)
    name = data.draw(st.sampled_from(sharp), label="corrupted row")
    holder, attribute, index = where(net, name)
    real = propagation.gradients

    def corrupted_gradients(net_, x_, t_):
        E = real(net_, x_, t_)
        if index is None:
            setattr(holder, attribute, getattr(holder, attribute) * 1.001)
        else:
            getattr(holder, attribute)[index] *= 1.001
        return E

    with mock.patch.object(propagation, "gradients", corrupted_gradients):
        report = gradcheck(net, x, t)
    assert [r.name for r in report.failures] == [name]


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_a_loss_derivative_with_its_sign_flipped_fails(data):
    net = data.draw(networks(max_width=3), label="net")
    x, t = data.draw(samples_for(net), label="sample")
    clean = gradcheck(net, x, t)
    outputs = [n.name for n in net.output_layer.neurons]
    # the row the flip shows in: delta where the loss gives it as one, else dE/dout
    pair = net.loss.delta is not None
    rows = [clean[f"{'delta' if pair else 'dE/dout'}_{o}"] for o in outputs]
    # a flip the check can see: larger than the row's tolerance
    assume(any(r.status == "ok" and 2 * abs(r.analytic) > r.tolerance for r in rows))
    if pair:
        right = net.loss.delta
        net.loss = dataclasses.replace(net.loss, delta=lambda t_, o, n: -right(t_, o, n))
    else:
        right = net.loss.dE_dout
        net.loss = dataclasses.replace(net.loss, dE_dout=lambda t_, o, n: -right(t_, o, n))
    assert not gradcheck(net, x, t).ok


def where(net, name):
    """(object, attribute, index or None) holding the analytic value of row ``name``."""
    if name.startswith("dE/d") and name[4:] in net.input_names:      # dE/di1
        return net, "dE_dinputs", list(net.input_names).index(name[4:])
    if name.startswith("dE/dw"):
        n = next(n for n in net.neurons if name[4:] in n.weight_names)
        return n, "dE_dw", n.weight_names.index(name[4:])
    if name.startswith("dE/db"):
        layer = next((layer for layer in net.layers if layer.bias_name == name[4:]), None)
        if layer is not None:
            return layer, "dE_db", None
        return next(n for n in net.neurons if n.bias_name == name[4:]), "dE_db", None
    quantity, neuron = name.rsplit("_", 1)
    return net[neuron], {"dE/dout": "dE_dout", "dout/dnet": "dout_dnet",
                         "delta": "delta"}[quantity], None
