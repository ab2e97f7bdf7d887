"""Seed 002 ("BP算法推演"): a 2-3-2-1 network by hand, its printed figures beside the right ones.

The post computes one update of a network with two hidden layers (x = [1, 2], label 1,
logistic everywhere, L = 1/2 (y - y_hat)^2, learning rate 0.1, per-neuron biases, and the
printed rule W <- W - eta (delta n^T + W), i.e. weight decay 1). This demo runs the same step
in neurosim and prints, figure by figure, what the post prints and what the stated network
gives, with the reason for each difference:

* the first layer, z4, f4 and the derivatives are right;
* from y_hat on, the post's forward pass used w_(2,5) = 3 (neurosim's w11, h2 -> h5) where W2
  says 2: with that one slip neurosim reproduces the printed y_hat ... delta2 digit for digit;
* a few tiny numbers have a zero too few or too many (a power of ten off).

The printed numbers are copied from the post (seed 002, section "例子"; the project's table of
published figures, section B).

    python demos/seed002_two_hidden_layers.py
"""

from neurosim.worked_examples import SEED002_INPUTS, SEED002_TARGETS, seed002

# The printed figures, as printed (seed 002, "例子", sections 1.1 to 3.1).
PRINTED = [
    # (label, printed, how to read the stated network's value, verdict)
    ("f1(z1)      out_h1", "0.993307149075715", lambda n: n["h1"].out, "right"),
    ("f2(z2)      out_h2", "0.999876605424014", lambda n: n["h2"].out, "right"),
    ("f3(z3)      out_h3", "0.999954602131298", lambda n: n["h3"].out, "right"),
    ("z4          net_h4", "5.993092958762325", lambda n: n["h4"].net, "right"),
    ("f4(z4)      out_h4", "0.997510281884102", lambda n: n["h4"].out, "right"),
    ("y_hat       out_o1", "0.997520293823002", lambda n: n["o1"].out, "slip"),
    ("y - y_hat", "0.002479706176998", lambda n: SEED002_TARGETS[0] - n["o1"].out, "slip"),
    ("f'(z6)      dout/dnet o1", "0.002473557234274", lambda n: n["o1"].dout_dnet, "slip"),
    ("delta3      delta_o1", "-0.000006133695153", lambda n: n["o1"].delta, "slip"),
    ("f4'(z4)     dout/dnet h4", "0.002483519419601", lambda n: n["h4"].dout_dnet, "right*"),
    ("f5'(z5)     dout/dnet h5", "0.000125939063189", lambda n: n["h5"].dout_dnet, "slip"),
    ("delta2[0]   delta_h4", "-0.0000000015233151", lambda n: n["h4"].delta, "slip, zeros"),
    ("delta2[1]   delta_h5", "-0.000000002317415", lambda n: n["h5"].delta, "slip"),
    ("f1'(z1)     dout/dnet h1", "0.006648056670790", lambda n: n["h1"].dout_dnet, "right"),
    ("f2'(z2)     dout/dnet h2", "0.000123379349765", lambda n: n["h2"].dout_dnet, "right"),
    ("f3'(z3)     dout/dnet h3", "0.000045395807735", lambda n: n["h3"].dout_dnet, "right*"),
]

# W1 after the update, as printed (rows h1, h2, h3; columns i1, i2).
PRINTED_W1 = [["1.800000000014749", "0.900000000029498"],
              ["0.90000000000245", "2.70000000000490"],
              ["2.700000000000159", "1.80000000000319"]]

VERDICTS = {
    "right": "right",
    "right*": "right (last digit: the post used its rounded out)",
    "slip": "wrong: w_(2,5) read as 3",
    "slip, zeros": "wrong: w_(2,5) = 3, and one zero too many",
}


def main():
    print(__doc__.split("\n\n")[0])
    print("x = [1, 2], label 1; W1 = [[2, 1], [1, 3], [3, 2]], b1 = [1, 2, 3];")
    print("W2 = [[1, 1, 2], [3, 2, 2]], b2 = [2, 1]; W3 = [[1, 3]], b3 = [2]; eta = 0.1.\n")

    # One training step each; the neurons keep every partial of it, read below by name.
    stated = seed002()
    stated.train(SEED002_INPUTS, SEED002_TARGETS)
    slipped = seed002()
    slipped["w11"] = 3.0  # W2 row 2 read as [3, 3, 2]: the post's forward-pass slip
    slipped.train(SEED002_INPUTS, SEED002_TARGETS)

    print(f"{'figure':26} {'printed':>21}  {'stated network (neurosim)':>25}  "
          f"{'with w11 = 3':>21}  verdict")
    for label, printed, read, verdict in PRINTED:
        right = read(stated)
        with_slip = read(slipped) if verdict.startswith("slip") else None
        shown = "" if with_slip is None else f"{with_slip:.15f}"
        print(f"{label:26} {printed:>21}  {right:25.15f}  {shown:>21}  {VERDICTS[verdict]}")

    print("\nW1 after the update: printed, and what the stated rule gives")
    for j, row in enumerate(PRINTED_W1):
        neuron = stated.layers[0].neurons[j]
        for i, printed in enumerate(row):
            name = neuron.weight_names[i]
            print(f"  {name} ({stated.input_names[i]} -> {neuron.name}): printed {printed:>19}"
                  f"   right {neuron.weights[i]:.15f}")
    print("\nWhy the W1 entries differ: the update is 0.9 W - 0.1 delta1 x^T (the '+ W' decay"
          "\nterm of the printed rule). The post's delta1 inherits the w_(2,5) slip through"
          "\ndelta2, and three entries (h2's two, and h3's second) carry an increment ten"
          "\ntimes too large: a zero missing. The right delta1 gives the right column.")
    print("\nNew biases b1 (no decay term on biases):",
          ", ".join(f"{n.bias_name} = {n.bias:.15f}" for n in stated.layers[0].neurons))


if __name__ == "__main__":
    from neurosim.cli import run_script
    run_script(main)
