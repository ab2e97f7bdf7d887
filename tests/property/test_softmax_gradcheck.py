"""Property tests for softmax output layers: gradcheck passes every drawn softmax network, with
cross-entropy and with the other losses, and fails a wrong Jacobian.

The strategies draw softmax only when asked (``output_activations=["softmax"]``), with two
outputs or more; the backward pass itself is compared with the matrix reference in
test_matrix_equivalence.py and with PyTorch in tests/unit/test_softmax.py.
"""

import pytest

pytest.importorskip("hypothesis", reason="property tests need hypothesis "
                    "(pip install 'neurosim[test]')")

from hypothesis import given, settings, strategies as st  # noqa: E402
from hypothesis.errors import InvalidArgument  # noqa: E402

from neurosim import calculation, engine  # noqa: E402
from neurosim.gradient_check import gradcheck  # noqa: E402
from neurosim.testing.strategies import networks, samples_for  # noqa: E402

softmax_networks = networks(output_activations=["softmax"], max_layers=4, max_width=4,
                            activations=["sigmoid", "tanh", "relu", "softplus"])


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_every_softmax_network_passes(data):
    net = data.draw(softmax_networks, label="net")
    assert net.layers[-1].activation.name == "softmax" and len(net.layers[-1].neurons) >= 2
    x, t = data.draw(samples_for(net), label="sample")
    report = gradcheck(net, x, t)
    assert report.ok, str(report)


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_a_wrong_jacobian_fails(data):
    net = data.draw(networks(output_activations=["softmax"], losses=["half_squared_error"],
                             min_width=2, max_width=3, max_layers=2), label="net")
    x, t = data.draw(samples_for(net), label="sample")
    kind = calculation.KINDS["jacobian"]
    calculation.KINDS["jacobian"] = kind._replace(python=lambda ops, q, r: f"{ops[0]} * {ops[1]}")
    engine._cache.clear()
    calculation._plan.cache_clear()
    try:
        report = gradcheck(net, x, t)
    finally:
        calculation.KINDS["jacobian"] = kind
        engine._cache.clear()
        calculation._plan.cache_clear()
    # the flip moves delta_j by 2 out_j sum_{u != j} dE/dout_u out_u (half squared error:
    # dE/dout_u = out_u - t_u); where that is visible, the check must fail
    outs = net.feed_forward(x)
    shift = max(abs(2 * oj * sum((ou - tu) * ou for u, (ou, tu) in enumerate(zip(outs, t))
                                 if u != j)) for j, oj in enumerate(outs))
    if shift > 1e-6:
        assert not report.ok, (shift, str(report))


def test_softmax_is_refused_for_hidden_layers_and_one_output():
    with pytest.raises(InvalidArgument, match="only an output layer"):
        networks(activations=["sigmoid", "softmax"])
    with pytest.raises(InvalidArgument, match="at least 2 outputs"):
        networks(output_activations=["softmax"], max_width=1)
