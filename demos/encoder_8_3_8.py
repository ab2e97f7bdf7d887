"""The 8-3-8 encoder: eight patterns squeezed through three hidden neurons, and the code they learn.

Mitchell, Machine Learning (1997), chapter 4, section 4.6.4: the network must copy each of
eight one-hot inputs to its eight outputs, but everything passes through three sigmoid
neurons. To succeed it has to give every pattern its own triple of hidden outputs, and the
triples it finds come out close to a 3-bit binary code: nobody tells it to use binary.

Settings: 8-3-8, sigmoid, half squared error, learning rate 0.3, 5,000 online epochs over the
eight patterns (shuffled), network seed 1. Optional argument: a PNG/SVG path for the heatmap
of the hidden outputs (needs matplotlib: pip install 'neurosim[demo]').

    python demos/encoder_8_3_8.py [heatmap.png]
"""

import sys

from neurosim import NeuralNetwork
from neurosim.datasets import encoder_8_3_8

EPOCHS = 5000
LEARNING_RATE = 0.3
SEED = 1


def train(seed=SEED):
    net = NeuralNetwork([8, 3, 8], learning_rate=LEARNING_RATE, seed=seed)
    history = net.fit(encoder_8_3_8(), epochs=EPOCHS, seed=seed)
    return net, history


def main(argv):
    from neurosim.cli import script_arguments
    argv = script_arguments(argv, "python demos/encoder_8_3_8.py [heatmap.png]", most=1)
    print(__doc__.split("\n\n")[0] + "\n")
    data = encoder_8_3_8()
    net, history = train()
    print(f"After {history.stopped_epoch} epochs: total error {history.errors[-1]:.4f} "
          f"(it started at {history.initial_error:.4f})\n")
    print("input      hidden outputs h1 h2 h3   rounded   output rounded   reproduced")
    codes = set()
    reproduced = 0
    for inputs, targets in data:
        outputs = net.feed_forward(inputs)
        hidden = [n.out for n in net.layers[0].neurons]
        code = "".join("1" if h > 0.5 else "0" for h in hidden)
        codes.add(code)
        rounded = "".join("1" if o > 0.5 else "0" for o in outputs)
        ok = all(abs(o - t) < 0.5 for o, t in zip(outputs, targets))
        reproduced += ok
        pattern = "".join(str(int(v)) for v in inputs)
        print(f"{pattern}   {hidden[0]:.2f} {hidden[1]:.2f} {hidden[2]:.2f}           {code}"
              f"       {rounded}         {'yes' if ok else 'NO'}")
    print(f"\n{reproduced} of 8 patterns reproduced (every output on the right side of 0.5).")
    print(f"{len(codes)} different 3-bit codes among the rounded hidden outputs"
          f"{' (one for each pattern)' if len(codes) == 8 else ''}.")
    print("Most hidden outputs are near 0 or 1, not all: a value in between still tells the"
          "\npatterns apart, and once the outputs are right the gradient pushing it is small.")
    if argv:
        from neurosim.plot import hidden_activations
        hidden_activations(net, data, path=argv[0])
        print(f"\nheatmap written to {argv[0]}")


if __name__ == "__main__":
    from neurosim.cli import run_script
    run_script(main, sys.argv[1:])
