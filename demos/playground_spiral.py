"""TensorFlow Playground's spiral, separated by a small tanh network, and its decision boundary.

Two interleaved arms of 50 points each (1.75 turns, no noise; neurosim.datasets.spiral after
the Playground's generator), labels -1 and +1. The network: 2 inputs (the raw coordinates,
between -5 and 5), hidden layers of 16 and 8 tanh neurons, one tanh output, half squared
error, learning rate 0.01, online epochs in a shuffled order, seed 0. A callback stops the
run at the first epoch whose training accuracy reaches 0.99, at most 1,500 epochs. That is
the best possible here: both arms start at the origin, so the point (0, 0) is in the data
twice, once with each label, and one of the two is always misclassified.

Measured (seeds 0, 1, 2): 0.99 reached after 847, 822 and 791 epochs. At this learning rate
online training keeps jittering afterwards (seed 2 was back at 0.91 after 1,500 epochs), which
is why the callback stops at the first good epoch. It takes a few seconds: everything is
computed neuron by neuron in pure Python.

The picture (PNG or SVG, needs matplotlib: pip install 'neurosim[demo]') goes to the path
given, or, so that running the demo leaves nothing behind in the current folder, to
playground_spiral.png in a new temporary folder (the demo prints where).

    python demos/playground_spiral.py [boundary.png]
"""

import os
import sys
import tempfile

from neurosim import NeuralNetwork
from neurosim.datasets import spiral

SIZES = [2, 16, 8, 1]
LEARNING_RATE = 0.01
MAX_EPOCHS = 1500
GOAL = 0.99


def stop_at_goal(history):
    """A fit() callback: stop once the training accuracy reaches GOAL."""
    if history.accuracies and history.accuracies[-1] >= GOAL:
        history.stop()


def report_progress(history):
    if history.stopped_epoch % 100 == 0:
        print(f"   epoch {history.stopped_epoch:5}: total error {history.errors[-1]:8.3f}, "
              f"accuracy {history.accuracies[-1]:.2f}", flush=True)


def train(seed=0):
    data = spiral(100, noise=0.0, seed=seed, labels="signed")
    net = NeuralNetwork(SIZES, activation="tanh", learning_rate=LEARNING_RATE, seed=seed)
    history = net.fit(data, epochs=MAX_EPOCHS, seed=seed,
                      callbacks=[report_progress, stop_at_goal])
    return net, history, data


def main(argv):
    from neurosim.cli import script_arguments
    argv = script_arguments(argv, "python demos/playground_spiral.py [boundary.png]", most=1)
    path = argv[0] if argv else None
    print(__doc__.split("\n\n")[0] + "\n")
    print(f"network {'-'.join(map(str, SIZES))}, tanh, learning rate {LEARNING_RATE}; "
          f"training on 100 points")
    net, history, data = train()
    print(f"\nstopped after {history.stopped_epoch} epochs ({history.stop_reason}): "
          f"training accuracy {history.accuracies[-1]:.2f} "
          f"(before training {history.initial_accuracy:.2f})")
    try:
        from neurosim.plot import decision_boundary
    except ImportError as error:  # pragma: no cover - matplotlib is optional
        print(f"no picture: {error}")
        return
    if path is None:
        path = os.path.join(tempfile.mkdtemp(prefix="neurosim-spiral-"), "playground_spiral.png")
    try:
        decision_boundary(net, data, path=path)
    except ImportError as error:
        print(f"no picture: {error}")
        return
    print(f"decision boundary written to {path}")


if __name__ == "__main__":
    from neurosim.cli import run_script
    run_script(main, sys.argv[1:])
