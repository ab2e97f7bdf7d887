"""A softmax output layer with cross-entropy: PostNetwork Academy's worked example, checked.

B. S. Kushwaha's "Understanding Neural Networks: Softmax, Cross-Entropy, and Backpropagation"
(PostNetwork Academy) works the forward pass of a 3-2-2 network by hand: sigmoid hidden
neurons, two softmax outputs and the cross-entropy loss, for x = (1, 2, -1) of class 1
(y = [1, 0]). Its gradients are the textbook simplification dL/dz = y-hat - y. This demo runs
the step, prints each output's delta next to y-hat - y, and checks every printed figure as
typed from the page (demos/claims/postnetwork_softmax.txt): the page's z(4) = 0.185 is an
arithmetic slip (the sum is 0.157), which the checker finds and follows into y-hat and L.

    python demos/postnetwork_softmax.py

The same from the command line: ``neurosim check demos/claims/postnetwork_softmax.txt``.
"""

import os

from neurosim import check
from neurosim.worked_examples import (POSTNETWORK_INPUTS, POSTNETWORK_TARGETS,
                                      postnetwork_softmax)

CLAIMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "claims",
                      "postnetwork_softmax.txt")


def main():
    net = postnetwork_softmax()
    record = net.train(POSTNETWORK_INPUTS, POSTNETWORK_TARGETS, record=True)
    print("PostNetwork Academy: softmax outputs with cross-entropy, one step\n")
    for e in record:
        if str(e).startswith(("out_o", "E_total", "delta_o")):
            print(" ", e)
    print("\nthe Jacobian dout_k/dnet_j = out_k (delta_kj - out_j), by rows:")
    for row in net.layers[-1].jacobian:
        print("  " + "  ".join(f"{v:+.6f}" for v in row))
    print("\nEvery printed figure, checked as typed from the page:\n")
    print(check(CLAIMS))


if __name__ == "__main__":
    from neurosim.cli import run_script
    run_script(main)
