"""Whatever names a network's neurons get, a network that is built gives every quantity of its
step a name of its own: no two of ``quantities.names(net)`` are the same, each is its own
canonical spelling (``dE_total/dout_h1`` would read as ``dE/dout_h1``), and no neuron or input
takes a weight's or a bias's name. Names that would break this are refused when the network is
built (ConfigurationError), which is what the checker's claims rely on: a neuron named ``total``
used to make ``E_total`` its error term, one named ``b_h1`` took h1's bias's name.

The names are drawn from the pieces the names of quantities are built from.
"""

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="the property tests need hypothesis")
from hypothesis import given, strategies as st  # noqa: E402

from neurosim import ConfigurationError, NeuralNetwork, quantities  # noqa: E402

PIECES = ["total", "b_", "w", "b", "net_", "out_", "E_", "delta_", "target_", "dE_", "dout_",
          "dnet_", "h", "o", "i", "x", "1", "2", "_"]
NAMES = st.lists(st.sampled_from(PIECES), min_size=1, max_size=3).map("".join).filter(
    str.isidentifier)


@given(st.lists(NAMES, min_size=6, max_size=6), st.sampled_from(["per_neuron", "shared"]))
def test_a_built_network_names_every_quantity_once(names, bias):
    layers = [names[:2], names[2:4], names[4:6]]
    try:
        net = NeuralNetwork([2, 2, 2], names=layers, bias=bias, seed=0)
    except ConfigurationError:
        return
    every = quantities.names(net)
    assert len(set(every)) == len(every)
    assert all(quantities.canonical(name) == name for name in every)
    parameters = set(net.parameter_names())
    assert not parameters & {n.name for n in net.neurons} and \
        not parameters & set(net.input_names)


def test_the_names_of_mazurs_network_are_unique():
    from neurosim.worked_examples import mazur
    every = quantities.names(mazur())
    assert len(set(every)) == len(every)
