"""The back propagation chapter's worked example, in its own names, sign of delta and rule.

A book chapter on back propagation (copied in the README of
nathansamsel/simple_backpropagation_example) works one step by hand on a 2-2-1 network without
biases: inputs 0.35 and 0.9, target 0.5, sigmoid units, learning rate 1. It calls
delta = (target - output)(1 - output) output the error of the output neuron (the error signal
-dE/dnet: neurosim's delta with its sign turned), changes the output weights first, and
back-propagates the error through the *changed* weights (neurosim's
``hidden_deltas="updated_weights"``). This demo runs the step under those rules, shows it in
the chapter's names, shows what the textbook rule (the old weights) would have given, and
checks every printed figure as typed from the copy (demos/claims/bp_chapter3.txt).

    python demos/bp_chapter3.py

The same from the command line: ``neurosim check demos/claims/bp_chapter3.txt``.
"""

import os

from neurosim import check
from neurosim.worked_examples import BP3_INPUTS, BP3_TARGETS, bp_chapter3

CLAIMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "claims", "bp_chapter3.txt")

#: the chapter's names for neurosim's weights
WEIGHTS = [("w1", "w5"), ("w2", "w6"), ("w3", "w1"), ("w4", "w2"), ("w5", "w3"), ("w6", "w4")]
#: and for its neurons
NEURONS = [("top", "h1", "δ1"), ("bottom", "h2", "δ2"), ("final", "o1", "δ")]


def main():
    net = bp_chapter3()
    net.train(BP3_INPUTS, BP3_TARGETS)
    print("The back propagation chapter: one step, in the chapter's names\n")
    print("neuron   input       output      error = -delta")
    for book, ours, delta in NEURONS:
        n = net[ours]
        print(f"{book:>6}  {n.net:10.6f}  {n.out:10.6f}  {delta:>2} = {-n.delta:10.6f}")
    print("\nnew weights:")
    print("  " + ", ".join(f"{book} = {net[ours]:.6f}" for book, ours in WEIGHTS))

    textbook = bp_chapter3(hidden_deltas="original_weights")
    textbook.train(BP3_INPUTS, BP3_TARGETS)
    print("\nThe chapter back-propagates through the changed output weights (w1 = "
          f"{net['w5']:.6f}, not 0.3);")
    print("through the old ones the hidden errors would be "
          f"δ1 = {-textbook['h1'].delta:.6f}, δ2 = {-textbook['h2'].delta:.6f}.")
    print("\nEvery printed figure, checked as typed from the copy:\n")
    print(check(CLAIMS))


if __name__ == "__main__":
    from neurosim.cli import run_script
    run_script(main)
