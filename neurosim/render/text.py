"""Plain-text tables of a network's state."""

from ..numbers import num

__all__ = ["summary", "fmt"]


def fmt(value, digits=9):
    """A number as the event lines print it (:func:`neurosim.numbers.num`), or '-' where nothing
    is computed yet."""
    return num(value, digits, missing="-")


def summary(net, digits=9):
    """A table of every neuron: its weights and bias by name, then the last pass's partials.

    >>> from neurosim.worked_examples import mazur
    >>> print(summary(mazur()))  # doctest: +NORMALIZE_WHITESPACE
    NeuralNetwork([2, 2, 2], activation='sigmoid', loss='half_squared_error', learning_rate=0.5, bias='shared')
    layer 1 (hidden, sigmoid, bias shared)
    neuron  weights            bias       net  out  dE/dout  dout/dnet  delta  dE/db
    h1      w1=0.15 w2=0.2     b1=0.35    -    -    -        -          -      -
    h2      w3=0.25 w4=0.3     b1=0.35    -    -    -        -          -      -
    layer 2 (output, sigmoid, bias shared)
    neuron  weights            bias       net  out  dE/dout  dout/dnet  delta  dE/db
    o1      w5=0.4 w6=0.45     b2=0.6     -    -    -        -          -      -
    o2      w7=0.5 w8=0.55     b2=0.6     -    -    -        -          -      -
    """
    lines = [repr(net)]
    for layer in net.layers:
        rows = [HEADER] + [cells(n, digits) for n in layer.neurons]
        widths = [max(map(len, column)) for column in zip(*rows)]
        lines += [caption(layer)] + ["  ".join(map(str.ljust, r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


#: The columns of a neuron's row: its name, weights and bias, then the partials of the last pass.
HEADER = ["neuron", "weights", "bias", "net", "out", "dE/dout", "dout/dnet", "delta", "dE/db"]


def cells(n, digits=9):
    """Neuron ``n``'s row under :data:`HEADER` (the summary's, and the notebook's table's)."""
    weights = " ".join(f"{name}={fmt(w, digits)}" for name, w in zip(n.weight_names, n.weights))
    bias = f"{n.bias_name}={fmt(n.bias, digits)}" if n.bias_name else "-"
    return [n.name, weights, bias] + [fmt(getattr(n, h.replace("/", "_")), digits)
                                      for h in HEADER[3:]]      # dE/dout: n.dE_dout


def caption(layer):
    return f"layer {layer.index} ({layer.kind}, {layer.activation.name}, bias {layer.bias_mode})"
