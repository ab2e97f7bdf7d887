"""The published networks, built once here for the tests, the demos and the command line.

Each function returns a fresh network with the weights, biases and rules its source states;
the matching sample is a module constant.
"""

from .network import NeuralNetwork

__all__ = ["mazur", "MAZUR_INPUTS", "MAZUR_TARGETS", "seed002", "SEED002_INPUTS",
           "SEED002_TARGETS", "han_kamber_pei", "HAN_INPUTS", "HAN_TARGETS", "bp_chapter3",
           "BP3_INPUTS", "BP3_TARGETS", "postnetwork_softmax", "POSTNETWORK_INPUTS",
           "POSTNETWORK_TARGETS", "EXAMPLES"]

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
    return NeuralNetwork.from_weights(
        [[[0.15, 0.20], [0.25, 0.30]],
         [[0.40, 0.45], [0.50, 0.55]]],
        [0.35, 0.60],
        **dict(activation="sigmoid", loss="half_squared_error", learning_rate=0.5,
               bias="shared", train_biases=False) | options)


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
    >>> round(net["h1"].out, 15), round(net["h4"].net, 15)    # printed: f1(z1), z4
    (0.993307149075715, 5.993092958762325)
    """
    return NeuralNetwork.from_weights(
        [[[2, 1], [1, 3], [3, 2]],
         [[1, 1, 2], [3, 2, 2]],
         [[1, 3]]],
        [[1, 2, 3], [2, 1], [2]],
        **dict(activation="sigmoid", loss="half_squared_error", learning_rate=0.1,
               bias="per_neuron", train_biases=True, weight_decay=1.0) | options)


#: Han, Kamber and Pei's sample X = (1, 0, 1) with class label 1.
HAN_INPUTS = [1, 0, 1]
HAN_TARGETS = [1]


def han_kamber_pei(**options):
    """The backpropagation example of Han, Kamber and Pei, *Data Mining: Concepts and
    Techniques* (the 3-2-1 network of units 1-3, 4-5 and 6): w14 = 0.2, w15 = -0.3, w24 = 0.4,
    w25 = 0.1, w34 = -0.5, w35 = 0.2, w46 = -0.3, w56 = -0.2, biases theta4 = -0.4,
    theta5 = 0.2, theta6 = 0.1 (added to the net input: a bias named theta), logistic
    sigmoid, learning rate 0.9, updated after the sample.

    neurosim's names: units 4, 5, 6 are h1, h2, o1; w14, w24, w34 are w1, w2, w3 (into h1),
    w15, w25, w35 are w4, w5, w6, w46 and w56 are w7 and w8; theta4..6 are b_h1, b_h2, b_o1.
    The book's Err_j = O_j(1 - O_j)(T_j - O_j) is -dE/dnet for E = 1/2 (T - O)^2.

    >>> net = han_kamber_pei()
    >>> [round(o, 3) for o in net.feed_forward(HAN_INPUTS)], round(net["h1"].out, 3)
    ([0.474], 0.332)
    """
    return NeuralNetwork.from_weights(
        [[[0.2, 0.4, -0.5], [-0.3, 0.1, 0.2]],
         [[-0.3, -0.2]]],
        [[-0.4, 0.2], [0.1]],
        **dict(activation="sigmoid", loss="half_squared_error", learning_rate=0.9,
               bias="per_neuron", train_biases=True) | options)


#: The back propagation chapter's sample: inputs A = 0.35, B = 0.9, target 0.5.
BP3_INPUTS = [0.35, 0.9]
BP3_TARGETS = [0.5]


def bp_chapter3(**options):
    """The worked example of the back propagation chapter (BP_chapter3, "The Back Propagation
    Algorithm"), as copied by nathansamsel/simple_backpropagation_example: a 2-2-1 network
    without biases, inputs 0.35 and 0.9, target 0.5, logistic sigmoid, learning rate 1. Into
    the top hidden neuron (h1) the weights are 0.1 and 0.8, into the bottom one (h2) 0.4 and
    0.6, into the output 0.3 and 0.9.

    The chapter's rules: the error of a neuron is delta = out(1 - out)(target - out), the
    error signal -dE/dnet for E = 1/2 (target - out)^2 (neurosim's delta with its sign
    turned); the output weights are changed first and the hidden errors are computed from the
    changed ones (``hidden_deltas="updated_weights"``). Keyword options override these rules.

    >>> net = bp_chapter3()
    >>> [round(o, 2) for o in net.feed_forward(BP3_INPUTS)], round(net["h2"].out, 4)
    ([0.69], 0.6637)
    """
    return NeuralNetwork.from_weights(
        [[[0.1, 0.8], [0.4, 0.6]],
         [[0.3, 0.9]]],
        None,
        **dict(activation="sigmoid", loss="half_squared_error", learning_rate=1.0,
               bias="none", hidden_deltas="updated_weights") | options)


#: PostNetwork Academy's softmax example: x = (1, 2, -1), true label y = [1, 0].
POSTNETWORK_INPUTS = [1.0, 2.0, -1.0]
POSTNETWORK_TARGETS = [1.0, 0.0]


def postnetwork_softmax(**options):
    """The 3-2-2 softmax example of B. S. Kushwaha (PostNetwork Academy), "Understanding
    Neural Networks: Softmax, Cross-Entropy, and Backpropagation": sigmoid hidden neurons,
    a softmax output layer and cross-entropy, one bias per layer, b(1) = 0.5 and b(2) = 0.1.
    Into h1: 0.2, -0.3, 0.4 (the page's w1-w3); into h2: -0.5, 0.1, 0.2 (w4-w6); into o1
    (the page's z(3)): 0.3 from h1, 0.4 from h2; into o2 (z(4)): -0.1 and 0.2. neurosim names
    them w7, w8 (into o1) and w9, w10 (into o2); the page's names for these four disagree
    between its forward pass and its gradients. The page leaves the learning rate unnamed
    (neurosim's default, 0.5, is kept).

    >>> net = postnetwork_softmax()
    >>> [round(o, 3) for o in net.feed_forward(POSTNETWORK_INPUTS)]
    [0.567, 0.433]
    """
    return NeuralNetwork.from_weights(
        [[[0.2, -0.3, 0.4], [-0.5, 0.1, 0.2]],
         [[0.3, 0.4], [-0.1, 0.2]]],
        [0.5, 0.1],
        **dict(activation=["sigmoid", "softmax"], loss="cross_entropy", bias="shared") | options)


#: name -> (builder, inputs, targets), for the command line and the demos.
EXAMPLES = {
    "mazur": (mazur, MAZUR_INPUTS, MAZUR_TARGETS),
    "seed002": (seed002, SEED002_INPUTS, SEED002_TARGETS),
    "han_kamber_pei": (han_kamber_pei, HAN_INPUTS, HAN_TARGETS),
    "bp_chapter3": (bp_chapter3, BP3_INPUTS, BP3_TARGETS),
    "postnetwork_softmax": (postnetwork_softmax, POSTNETWORK_INPUTS, POSTNETWORK_TARGETS),
}
