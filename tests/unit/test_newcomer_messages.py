"""What a newcomer trips over in the Python API (issue 16, item 11): the wording of a one-output
target error, NumPy arrays in from_weights as in train, and a step's quantity asked of the
network by name."""

import pytest

from neurosim import NeuralNetwork, quantities
from neurosim.errors import ShapeError, UnknownNameError
from neurosim.worked_examples import MAZUR_INPUTS, MAZUR_TARGETS, mazur

MAZUR_WEIGHTS = [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]]


def test_one_target_is_one_number_and_a_bare_number_gets_the_fix():
    net = NeuralNetwork([2, 1], seed=0)
    with pytest.raises(ShapeError) as caught:
        net.train([0, 1], 1)
    assert str(caught.value) == ("targets must be a list of 1 number (o1), got 1\n"
                                 "write it as a list: [1]")
    with pytest.raises(ShapeError) as caught:
        net.train([0, 1], [1, 0])
    assert str(caught.value) == "targets must have 1 value (for o1), got 2: [1, 0]"
    with pytest.raises(ShapeError) as caught:          # two: the plural, unchanged
        net.train([0, 1, 1], [1])
    assert str(caught.value) == "inputs must have 2 values (one per i1, i2), got 3: [0, 1, 1]"


def test_from_weights_takes_numpy_arrays_as_train_does():
    np = pytest.importorskip("numpy")
    net = NeuralNetwork.from_weights([np.array(layer) for layer in MAZUR_WEIGHTS],
                                     np.array([0.35, 0.60]), bias="shared")
    also = NeuralNetwork.from_weights(np.array(MAZUR_WEIGHTS),
                                      [np.full(2, 0.35), np.array([0.6, 0.6])])
    for built in (net, also):
        assert [n.weights for n in built.neurons] == [w for layer in MAZUR_WEIGHTS
                                                       for w in layer]
        assert all(type(w) is float for n in built.neurons for w in n.weights)
        # Mazur (2015): out_o1 = 0.75136507, out_o2 = 0.772928465
        outputs = built.feed_forward(np.array(MAZUR_INPUTS))
        assert [round(o, 9) for o in outputs] == [0.75136507, 0.772928465]


def test_from_weights_still_refuses_what_is_not_a_sequence():
    np = pytest.importorskip("numpy")
    with pytest.raises(ShapeError, match="weights must be a list of weight matrices"):
        NeuralNetwork.from_weights(np.array(5.0))
    with pytest.raises(ShapeError, match=r"weights\[0\] must be a non-empty list of rows"):
        NeuralNetwork.from_weights([np.zeros((0, 2))])
    with pytest.raises(ShapeError, match="weights must be a list of weight matrices"):
        NeuralNetwork.from_weights("0.1")
    with pytest.raises(ShapeError, match=r"biases\[0\] must be a number or a list of 2 biases"):
        NeuralNetwork.from_weights(MAZUR_WEIGHTS, [np.zeros(3), 0.6])


@pytest.mark.parametrize("name, where", [
    ("delta_o1", "net['o1'].delta"),
    ("dE/dw5", "net['o1'].dE_dw[0]"),
    ("dE_total/dw5", "net['o1'].dE_dw[0]"),
    ("dnet_o1/dw6", "net['o1'].dnet_dw[1]"),
    ("out_h1", "net['h1'].out"),
    ("dout_h1/dnet_h1", "net['h1'].dout_dnet"),
    ("dE/dout_h1", "net['h1'].dE_dout"),
    ("E_o2", "net['o2'].error"),
    ("E_total", "net.E_total"),
    ("dE/db1", "net.layers[0].dE_db"),
])
def test_a_quantity_asked_by_name_says_where_it_is(name, where):
    net = mazur()
    with pytest.raises(UnknownNameError) as caught:
        net[name]
    first, fix = str(caught.value).split("\n")
    assert first == f"{name!r} is a quantity of a training step, not a neuron, weight or bias"
    assert where in fix
    key = quantities.canonical(name)
    assert f"neurosim.quantities.of_step(net, inputs, targets)[{key!r}]" in fix
    # and the two places the hint names hold the quantity: after a pass, and by name
    trained = mazur()
    trained.train(MAZUR_INPUTS, MAZUR_TARGETS)
    value = eval(where, {"net": trained})
    assert value == pytest.approx(quantities.of_step(mazur(), MAZUR_INPUTS, MAZUR_TARGETS)[key],
                                  rel=1e-12)


def test_mazurs_delta_o1_by_the_hint():
    # Mazur (2015): delta_o1 = 0.138498562, dE_total/dw5 = 0.082167041
    net = mazur()
    net.train(MAZUR_INPUTS, MAZUR_TARGETS)
    assert round(net["o1"].delta, 9) == 0.138498562
    assert round(net["o1"].dE_dw[0], 9) == 0.082167041


def test_a_name_that_is_nothing_keeps_the_list_of_names():
    with pytest.raises(UnknownNameError) as caught:
        mazur()["w55"]
    assert str(caught.value).startswith("no neuron, weight or bias is named 'w55'; did you mean")
    with pytest.raises(UnknownNameError):
        mazur()[5]
