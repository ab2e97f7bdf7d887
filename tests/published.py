"""Published figures that several test files pin, copied once from their sources.

Mazur, "A Step by Step Backpropagation Example" (2015), as listed in the project's
published-figures notes (section A): the left-hand side of each line of the hand calculation,
spelled as neurosim's worksheets and stepper print it, and the figure the post prints, as a
string so that its printed digits set the tolerance (half a unit of the last digit).
"""

import math

MAZUR_INPUTS = [0.05, 0.10]
MAZUR_TARGETS = [0.01, 0.99]

#: Mazur (2015): left-hand side of a line of the hand calculation -> the printed figure.
MAZUR_LINES = {
    "net_h1": "0.3775", "out_h1": "0.593269992", "out_h2": "0.596884378",
    "net_o1": "1.105905967", "out_o1": "0.75136507", "out_o2": "0.772928465",
    "E_o1": "0.274811083", "E_o2": "0.023560026", "E_total": "0.298371109",
    "dE_total/dout_o1": "0.74136507", "dout_o1/dnet_o1": "0.186815602",
    "delta_o1": "0.138498562", "dE_total/dw5": "0.082167041", "dE_o1/dout_h1": "0.055399425",
    "dE_total/dout_h1": "0.036350306", "dout_h1/dnet_h1": "0.241300709",
    "dE_total/dw1": "0.000438568", "w1+": "0.149780716", "w2+": "0.19956143",
    "w3+": "0.24975114", "w4+": "0.29950229", "w5+": "0.35891648", "w6+": "0.408666186",
    "w7+": "0.511301270", "w8+": "0.561370121",
}


def mazur_after_update():
    """(E_total+, out_o1+): the forward pass again, computed here from w1+..w8+ exactly as Mazur
    prints them (b1 = 0.35, b2 = 0.60 unchanged). Good to about 2e-9: the printed weights are
    rounded to 8 or 9 decimals."""
    def sigmoid(x):
        return 1 / (1 + math.exp(-x))
    w = [float(MAZUR_LINES[f"w{k}+"]) for k in range(1, 9)]
    h1 = sigmoid(w[0] * 0.05 + w[1] * 0.10 + 0.35)
    h2 = sigmoid(w[2] * 0.05 + w[3] * 0.10 + 0.35)
    o1 = sigmoid(w[4] * h1 + w[5] * h2 + 0.60)
    o2 = sigmoid(w[6] * h1 + w[7] * h2 + 0.60)
    return 0.5 * (0.01 - o1) ** 2 + 0.5 * (0.99 - o2) ** 2, o1


def half_unit(text):
    """Half a unit of the last digit of a figure printed as ``text`` ("0.1311", "-2.406e-3"):
    the tolerance a figure typed as printed is held to."""
    mantissa = text.lower().split("e")[0]
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    exponent = int(text.lower().split("e")[1]) if "e" in text.lower() else 0
    return 0.5 * 10.0 ** (exponent - decimals)


def after_one_step(net, inputs, targets, neurons=("h1", "h2", "o1")):
    """Train ``net`` once; its neurons' net, out and delta, and every parameter's new value
    (``w5+``), read from the neuron objects as a book's tables list them."""
    net.train(inputs, targets)
    values = {}
    for n in neurons:
        values[f"net_{n}"], values[f"out_{n}"], values[f"delta_{n}"] = \
            net[n].net, net[n].out, net[n].delta
    for p in net.parameter_names():
        values[p + "+"] = net[p]
    return values
