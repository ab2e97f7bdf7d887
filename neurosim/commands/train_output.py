"""What ``neurosim train`` prints: the header, the progress bar, the summary after training.

Everything fits a terminal of 80 columns: the network's repr is wrapped between its arguments
(still paste-able Python), each layer gets one line per neuron with 4 significant digits when
those lines fit, else its ranges of weights and biases, and a small data set gets a line per
sample with the network's answer. ``--full`` adds the table of every neuron with every
partial (:meth:`NeuralNetwork.summary`), computed by one pass without an update on a sample the
table names (the neurons' partials are of whatever pass ran last; after ``fit`` that pass is
an unnamed sample).

The progress bar goes to standard error only when standard error is a terminal: redirected to
a file or a pipe (a log, ``2> err.txt``, CI) it would fill it with frames.
"""

import ast
import functools
import math
import sys
import textwrap

from ..numbers import num
from ..propagation import evaluate, gradients
from ..render.progress import Silent, progress_bar
from . import plural

__all__ = ["WIDTH", "header", "summary", "weights", "answers", "full_table", "progress"]

#: The width every line of the default output keeps within.
WIDTH = 80

#: Data sets with at most this many samples get a line per sample with the network's answer.
MAX_ANSWERS = 16

#: A layer is listed neuron by neuron when that takes at most this many lines (a neuron with
#: many weights takes several); a larger one gets the ranges of its weights and biases.
MAX_ROWS = 16


def g(value):
    """A number in 6 significant digits, or ``-`` for none or a non-finite one."""
    return "-" if value is None or not math.isfinite(value) else num(value, 6)


#: A number in 4 significant digits, the compact view (``-0`` shown as ``0``).
short = functools.partial(num, digits=4)


def wrapped(prefix, text, width=WIDTH):
    """``prefix + text``, the repr of a call, broken after the commas between the call's
    arguments (never inside an argument: a list, a string), the continuation lines aligned under
    the opening parenthesis.

    >>> print(wrapped("network: ", "NeuralNetwork([2, 16, 8, 1], activation='tanh', "
    ...               "loss='half_squared_error', learning_rate=0.01, bias='per_neuron')"))
    network: NeuralNetwork([2, 16, 8, 1], activation='tanh',
                           loss='half_squared_error', learning_rate=0.01,
                           bias='per_neuron')
    """
    call, head = ast.parse(text, mode="eval").body, text[:text.index("(") + 1]
    parts = [ast.get_source_segment(text, node) + "," for node in (*call.args, *call.keywords)]
    parts[0], parts[-1] = head + parts[0], parts[-1][:-1] + ")"
    return "\n".join(_filled(prefix, parts, width, indent=len(prefix) + len(head)))


def header(description, net, seed, mode, epochs):
    """The lines printed before training: the data, the network, how to repeat the run."""
    data = textwrap.fill(description, WIDTH, initial_indent="data:    ",
                         subsequent_indent=" " * 9, break_on_hyphens=False)
    return (f"{data}\n"
            f"{wrapped('network: ', repr(net))}\n"
            f"         seed {seed} (repeat this run with --seed {seed}), mode {mode}, up to "
            f"{epochs} epochs")


def summary(history, elapsed):
    """How training went: why it stopped, the errors and accuracies before and after."""
    reason = {"target_error": "the total error fell below the target",
              "epochs": "the epoch limit", "callback": "a callback",
              "interrupt": "Ctrl-C"}[history.stop_reason]
    lines = [f"stopped after {history.stopped_epoch} epochs ({reason}) in {elapsed:.1f} s",
             f"total training error {g(history.initial_error)} -> {g(history.error)}"
             f"  (mean per sample {g(history.error / history.n_samples)})"]
    if history.accuracies:
        lines.append(f"training accuracy {history.accuracies[-1]:.4f}")
    if history.test_errors:
        lines.append(f"total test error {g(history.test_errors[-1])}"
                     f"  (mean per sample {g(history.test_errors[-1] / history.n_test_samples)})")
    if history.test_accuracies:
        lines.append(f"test accuracy {history.test_accuracies[-1]:.4f}")
    return "\n".join(lines)


def weights(net, width=WIDTH):
    """The trained weights and biases, within ``width`` columns: per layer, a line per neuron
    (``h1  w1=-3.123 w2=3.456  b_h1=1.234``, continued on more lines for many weights) when
    that takes at most :data:`MAX_ROWS` lines, else the layer's range of weights and biases.

    >>> from neurosim.worked_examples import mazur
    >>> print(weights(mazur()))
    weights and biases, 4 digits (every digit and partial: --full)
    layer 1 (hidden, sigmoid, 2 neurons, bias shared)
      h1  w1=0.15 w2=0.2  b1=0.35
      h2  w3=0.25 w4=0.3  b1=0.35
    layer 2 (output, sigmoid, 2 neurons, bias shared)
      o1  w5=0.4 w6=0.45  b2=0.6
      o2  w7=0.5 w8=0.55  b2=0.6
    """
    lines = ["weights and biases, 4 digits (every digit and partial: --full)"]
    for layer in net.layers:
        neurons = layer.neurons
        lines.append(f"layer {layer.index} ({layer.kind}, {layer.activation.name}, "
                     f"{plural(len(neurons), 'neuron')}, bias {layer.bias_mode})")
        name_width = max(len(n.name) for n in neurons)
        rows = []
        for n in neurons:
            words = [f"{name}={short(w)}" for name, w in zip(n.weight_names, n.weights)]
            if n.bias_name:
                words[-1] += " "                       # two spaces before the bias
                words.append(f"{n.bias_name}={short(n.bias)}")
            rows += _filled(f"  {n.name:{name_width}}  ", words, width)
            if len(rows) > MAX_ROWS:
                break
        if len(rows) <= MAX_ROWS:
            lines += rows
            continue
        every = [w for n in neurons for w in n.weights]
        first, last = neurons[0].weight_names[0], neurons[-1].weight_names[-1]
        lines.append(f"  {len(every)} weights {first}..{last}: from {short(min(every))} to "
                     f"{short(max(every))}, mean |w| {short(sum(map(abs, every)) / len(every))}")
        if layer.bias_mode == "shared" or (layer.bias_mode == "per_neuron" and
                                           len(neurons) == 1):
            lines.append(f"  bias {neurons[0].bias_name} = {short(neurons[0].bias)}")
        elif layer.bias_mode == "per_neuron":
            biases = [n.bias for n in neurons]
            lines.append(f"  {len(biases)} biases {neurons[0].bias_name}..{neurons[-1].bias_name}:"
                         f" from {short(min(biases))} to {short(max(biases))}")
    return "\n".join(lines)


def _filled(first, words, width, indent=None):
    """The lines of ``words`` after ``first``, as many a line as fit in ``width``, continuation
    lines indented by ``indent`` (default: as far as the first word)."""
    lines, line = [], first + words[0]
    for word in words[1:]:
        if len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line.rstrip())
            line = " " * (len(first) if indent is None else indent) + word
    return lines + [line.rstrip()]


def answers(net, samples, width=WIDTH):
    """What the trained network answers for each sample of a small data set (at most
    :data:`MAX_ANSWERS`), one line each, or None when there are more or a line would not fit.

    >>> from neurosim.worked_examples import mazur
    >>> print(answers(mazur(), [([0.05, 0.1], [0.01, 0.99])]))
    what the network answers (target in parentheses):
      0.05 0.1  ->  0.7514 (0.01)  0.7729 (0.99)
    """
    if not samples or len(samples) > MAX_ANSWERS:
        return None
    lines = ["what the network answers (target in parentheses):"]
    for inputs, targets in samples:
        outputs = evaluate(net, list(inputs))
        lines.append("  " + " ".join(map(short, inputs)) + "  ->  " + "  ".join(
            f"{short(o)} ({short(t)})" for o, t in zip(outputs, targets)))
    return "\n".join(lines) if max(map(len, lines)) <= width else None


def full_table(net, samples):
    """The table of every neuron (:meth:`NeuralNetwork.summary`), its net, out and partials
    from one pass on the first training sample, without an update (the weights are the trained
    ones, unchanged), and a line that names that sample."""
    inputs, targets = samples[0]
    gradients(net, list(inputs), list(targets))
    return (f"every neuron, every digit; net, out and the partials: one pass (no update) on\n"
            f"training sample 1, inputs {list(inputs)}, targets {list(targets)}\n"
            f"{net.summary()}")


def progress(total, disabled):
    """The progress callback for ``total`` epochs: tqdm's bar (or, without tqdm, a line
    rewritten in place) when standard error is a terminal, else nothing."""
    try:
        terminal = not disabled and sys.stderr.isatty()
    except (AttributeError, ValueError, OSError):   # no stream, or a closed one
        terminal = False
    return progress_bar(total, sys.stderr, leave=False) if terminal else Silent()
