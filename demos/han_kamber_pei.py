"""Han, Kamber and Pei's backpropagation example, in the book's own names and sign of delta.

*Data Mining: Concepts and Techniques* works one step of backpropagation by hand on a 3-2-1
network (units 1-3, 4-5, 6) for the sample X = (1, 0, 1) of class 1, learning rate 0.9. The
book names the weights w14 ... w56, the biases theta4 ... theta6 (added to the net input) and
calls Err_j = O_j(1 - O_j)(T_j - O_j) the error of unit j: the error signal -dE/dnet, neurosim's
delta with its sign turned. This demo runs the step, shows it in the book's names, and checks
every printed figure as typed from the book (demos/claims/han_kamber_pei.txt, with its
``name w14 = w1`` lines and ``convention: delta = -dE/dnet``).

    python demos/han_kamber_pei.py

The same from the command line: ``neurosim check demos/claims/han_kamber_pei.txt``.
"""

import os

from neurosim import check
from neurosim.worked_examples import HAN_INPUTS, HAN_TARGETS, han_kamber_pei

CLAIMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "claims",
                      "han_kamber_pei.txt")

#: the book's unit numbers for neurosim's neurons
UNITS = {"h1": 4, "h2": 5, "o1": 6}


def main():
    net = han_kamber_pei()
    net.train(HAN_INPUTS, HAN_TARGETS)      # one step on X = (1, 0, 1), class 1
    print("Han, Kamber and Pei: one backpropagation step, in the book's names\n")
    print("unit   I_j (net)    O_j (out)    Err_j = -delta")
    for name, unit in UNITS.items():
        n = net[name]
        print(f"{unit:>4}  {n.net:10.5f}  {n.out:11.5f}  {-n.delta:14.6f}")
    print("\nnew weights and biases (theta_j is neurosim's b_j):")
    books = [("w14", "w1"), ("w24", "w2"), ("w34", "w3"), ("w15", "w4"), ("w25", "w5"),
             ("w35", "w6"), ("w46", "w7"), ("w56", "w8"),
             ("theta4", "b_h1"), ("theta5", "b_h2"), ("theta6", "b_o1")]
    print("  " + ", ".join(f"{book} = {net[ours]:.5f}" for book, ours in books))
    print("\nEvery printed figure, checked as typed from the book:\n")
    report = check(CLAIMS)
    print(report)


if __name__ == "__main__":
    from neurosim.cli import run_script
    run_script(main)
