"""XOR on a 2-5-1 network: seed 001's second example, and how often it converges.

Seed 001 ends with a second example, commented out: a 2-5-1 sigmoid network (learning rate
0.5) takes 10,000 steps, each on one of the four XOR samples drawn with ``random.choice``.
Its weights and its two shared biases start at ``random.random()`` (uniform in [0, 1)) and
the biases are never updated. It works from some starting weights and not from others, so
this demo runs it from ten seeds and counts.

Then the same task with neurosim's defaults for the same 2-5-1 shape: weights uniform in
[-r, r] with r = sqrt(6 / (fan_in + fan_out)), per-neuron biases that are trained, epochs
that visit all four samples in a shuffled order, learning rate 0.5, stopping when the total
error is below 0.01, with a budget of 3,000 epochs (12,000 steps).

Converged means: total error E = sum over the 4 samples of 1/2 (target - out)^2 below 0.01.

    python demos/xor.py [SEEDS]        (default 10 seeds: 0, 1, ..., 9; at least 1)
"""

import random
import sys

from neurosim import NeuralNetwork
from neurosim.datasets import xor

TARGET = 0.01
BUDGET = 3000  # epochs for the neurosim recipe; tests/unit/test_training.py checks it


def seed001_recipe(seed, steps=10_000):
    """Seed 001's example, with random.Random(seed) in place of the global generator."""
    rng = random.Random(seed)
    # As its code builds the net: each layer's bias first (bias or random.random()), then
    # the hidden weights neuron by neuron, then the output weights.
    b_hidden, b_output = rng.random(), rng.random()
    hidden = [[rng.random() for _ in range(2)] for _ in range(5)]
    output = [[rng.random() for _ in range(5)]]
    net = NeuralNetwork.from_weights([hidden, output], [b_hidden, b_output], bias="shared",
                                     train_biases=False, learning_rate=0.5)
    samples = list(xor())
    for _ in range(steps):
        inputs, targets = rng.choice(samples)
        net.train(inputs, targets)
    return net, net.total_error(samples)


def neurosim_recipe(seed):
    net = NeuralNetwork([2, 5, 1], learning_rate=0.5, seed=seed)
    history = net.fit(xor(), epochs=BUDGET, seed=seed, target_error=TARGET)
    return net, history


USAGE = "python demos/xor.py [SEEDS]"


def main(argv):
    from neurosim.cli import script_arguments, whole_number
    argv = script_arguments(argv, USAGE, most=1)
    seeds = range(whole_number(argv[0], "SEEDS (how many seeds to try)", minimum=1)
                  if argv else 10)
    samples = list(xor())
    print(__doc__.split("\n\n")[0] + "\n")

    print("1. Seed 001's recipe: 10,000 random steps, weights and biases from [0, 1),"
          " biases fixed")
    converged = 0
    for seed in seeds:
        _, error = seed001_recipe(seed)
        converged += error < TARGET
        print(f"   seed {seed:2}: E = {error:.6f}  {'converged' if error < TARGET else '-'}")
    print(f"   {converged} of {len(seeds)} seeds reach E < {TARGET} in 10,000 steps.")

    print(f"\n2. neurosim's defaults: shuffled epochs, trained biases, at most {BUDGET} epochs")
    converged = 0
    last = None
    for seed in seeds:
        net, history = neurosim_recipe(seed)
        ok = history.stop_reason == "target_error"
        converged += ok
        last = net if ok else last
        print(f"   seed {seed:2}: E = {history.errors[-1]:.6f} after {history.stopped_epoch:4} "
              f"epochs  {'converged' if ok else 'not converged'}")
    print(f"   {converged} of {len(seeds)} seeds reach E < {TARGET} within {BUDGET} epochs.")

    if last is not None:
        print("\nWhat a converged network answers:")
        for inputs, targets in samples:
            out = last.feed_forward(inputs)[0]
            print(f"   {inputs[0]:.0f} xor {inputs[1]:.0f} = {targets[0]:.0f}   network: "
                  f"{out:.4f}")
    print("\nGradient descent does not converge from every start: it can stall on a plateau"
          "\nor in a local minimum, and a count over ten seeds is only an estimate. Try more"
          "\nseeds: python demos/xor.py 50")


if __name__ == "__main__":
    from neurosim.cli import run_script
    run_script(main, sys.argv[1:])
