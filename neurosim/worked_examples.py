"""The published networks, built once here for the tests, the demos and the command line.

Each function returns a fresh network with the weights, biases and rules its source states;
the matching sample is a module constant.
"""

from .network import NeuralNetwork

__all__ = ["mazur", "MAZUR_INPUTS", "MAZUR_TARGETS", "seed002", "SEED002_INPUTS",
           "SEED002_TARGETS", "EXAMPLES"]

#: Mazur (2015), "A Step by Step Backpropagation Example": i1, i2 and the targets of o1, o2.
MAZUR_INPUTS = [0.05, 0.10]
MAZUR_TARGETS = [0.01, 0.99]


def mazur(**options):
    """Mazur's 2-2-2 network: w1..w8 = 0.15 ... 0.55, shared biases b1 = 0.35 and b2 = 0.60
    that the example never updates, logistic sigmoid, half squared error, learning rate 0.5.

    Keyword options override these rules (for example ``hidden_deltas="updated_weights"``).

    >>> net = mazur()
    >>> [round(o, 9) for o in net.feed_forward(MAZUR_INPUTS)]
    [0.75136507, 0.772928465]
    """
    rules = dict(activation="sigmoid", loss="half_squared_error", learning_rate=0.5,
                 bias="shared", train_biases=False)
    rules.update(options)
    return NeuralNetwork.from_weights(
        [[[0.15, 0.20], [0.25, 0.30]],
         [[0.40, 0.45], [0.50, 0.55]]],
        [0.35, 0.60], **rules)


#: Seed 002 ("BP算法推演"): x = [1, 2], true label 1.
SEED002_INPUTS = [1.0, 2.0]
SEED002_TARGETS = [1.0]


def seed002(**options):
    """Seed 002's 2-3-2-1 network: W1 = [[2, 1], [1, 3], [3, 2]], b1 = [1, 2, 3],
    W2 = [[1, 1, 2], [3, 2, 2]], b2 = [2, 1], W3 = [[1, 3]], b3 = [2]; logistic everywhere,
    L = 1/2 sum (y - y_hat)^2, learning rate 0.1, per-neuron biases that are updated, and the
    printed update rule W <- W - eta (delta n^T + W), which is weight decay with lambda = 1.

    >>> net = seed002()
    >>> outputs = net.feed_forward(SEED002_INPUTS)
    >>> round(net["h1"].out, 15), round(net["h4"].net, 14)    # printed: f1(z1), z4
    (0.993307149075715, 5.99309295876232)

    (seed 002 prints z4 = 5.993092958762325; its last digit moves with the rounding of the
    sum, which Python's ``sum()`` compensates from 3.12 on.)
    """
    rules = dict(activation="sigmoid", loss="half_squared_error", learning_rate=0.1,
                 bias="per_neuron", train_biases=True, weight_decay=1.0)
    rules.update(options)
    return NeuralNetwork.from_weights(
        [[[2, 1], [1, 3], [3, 2]],
         [[1, 1, 2], [3, 2, 2]],
         [[1, 3]]],
        [[1, 2, 3], [2, 1], [2]], **rules)


#: name -> (builder, inputs, targets), for the command line and the demos.
EXAMPLES = {
    "mazur": (mazur, MAZUR_INPUTS, MAZUR_TARGETS),
    "seed002": (seed002, SEED002_INPUTS, SEED002_TARGETS),
}
