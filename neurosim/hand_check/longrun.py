"""Long-run figures: a quantity after N updates on one sample (``E_total@10000``).

Posts print the error and the outputs "after 10,000 updates" from a program, not by hand; the
program's rules need not be the text's, and "after N" is easily off by one (the error a training
step reports is measured *before* its update). So a long-run claim is checked with the stated
rules after exactly N updates, and a wrong one is searched for among the rules a program may
have followed (hidden deltas from the updated weights, biases updated or not, one bias per
neuron, the loss without the 1/2) and every step count within ``window`` of N. The simulator
itself does the training (``net.train``), on copies.
"""

from itertools import product

from ..errors import ConfigurationError
from .slips import difference, ordinal

__all__ = ["rebuild", "variants", "LongRun"]


def rebuild(net, **changes):
    """A copy of ``net`` (same weights, names, activations) with some options changed."""
    from ..network import NeuralNetwork
    options = dict(activation=[layer.activation.name for layer in net.layers],
                   loss=net.loss.name, learning_rate=net.learning_rate, bias=net.bias_mode,
                   train_biases=net.train_biases, weight_decay=net.weight_decay,
                   hidden_deltas=net.hidden_deltas, momentum=net.momentum,
                   thresholds=net.thresholds,
                   names=[list(net.input_names)] + [[n.name for n in layer.neurons]
                                                     for layer in net.layers])
    options.update(changes)
    if options["bias"] != "per_neuron":     # thresholds are per-neuron biases
        options["thresholds"] = False
    weights = [[list(n.weights) for n in layer.neurons] for layer in net.layers]
    if options["bias"] == "shared" and net.bias_mode != "shared" and any(
            len({n.bias for n in layer.neurons}) > 1 for layer in net.layers):
        raise ConfigurationError("bias='shared' needs one bias value per layer, but the "
                                     "network's neurons hold different biases")
    biases = {"none": None, "shared": [layer.neurons[0].bias for layer in net.layers]}.get(
        options["bias"], [[n.bias for n in layer.neurons] for layer in net.layers])
    return NeuralNetwork.from_weights(weights, biases, **options)


def variants(net):
    """The rules a program may have trained with, ``(text, options)``, the stated ones first."""
    other = ("updated_weights" if net.hidden_deltas == "original_weights"
             else "original_weights")
    hidden = [(None, {}), ("hidden deltas from the " + other.replace("_", " "),
                           {"hidden_deltas": other})]
    biases = [(None, {})]
    if net.bias_mode != "none":
        biases.append(("the biases updated" if not net.train_biases else "the biases not updated",
                       {"train_biases": not net.train_biases}))
        if net.bias_mode == "shared":
            biases.append(("one bias per neuron, updated",
                           {"bias": "per_neuron", "train_biases": True}))
    half = net.loss.name == "half_squared_error"
    losses = [(None, {})] + ([("the loss without the 1/2" if half else "the loss with a 1/2",
                               {"loss": "squared_error" if half else "half_squared_error"})]
                             if half or net.loss.name == "squared_error" else [])
    return [(", ".join(t for t in (h, b, l) if t) or "the stated rules", {**ho, **bo, **lo})
            for (h, ho), (b, bo), (l, lo) in product(hidden, biases, losses) if not (l and b)]


def _values(net, inputs, targets):
    """Every forward quantity and parameter by name, with the network's current weights."""
    outs = net.feed_forward(inputs)
    values = {f"{kind}_{n.name}": getattr(n, kind) for layer in net.layers
              for n in layer.neurons for kind in ("net", "out")}
    errors = [net.loss.error(t, o, len(outs)) for t, o in zip(targets, outs)]
    values.update((f"E_{n.name}", e) for n, e in zip(net.output_layer.neurons, errors))
    values["E_total"] = sum(errors)
    values.update((name, net[name]) for name in net.parameter_names())
    return values


class LongRun:
    """Run every variant once, far enough for every claim, and record the window around N.

    ``simulated[name]``: the stated rules after exactly N updates. ``matches[name]``: every
    ``(variant text, k)`` under which the claim holds, best first.
    """

    def __init__(self, net, inputs, targets, claims, window, holds, stated_only=False):
        self.window = window

        def around(c):
            return range(max(0, c.steps - window), c.steps + window + 1)
        needed = {k for c in claims for k in around(c)}
        self.records = []
        for text, options in variants(net)[:1 if stated_only else None]:
            copy = rebuild(net, **options)
            record = {0: _values(copy, inputs, targets)} if 0 in needed else {}
            for k in range(1, max(needed) + 1):
                copy.train(inputs, targets)
                if k in needed:
                    record[k] = _values(copy, inputs, targets)
            self.records.append((text, record))
        self.simulated = {c.name: self.records[0][1][c.steps][c.base] for c in claims}
        # best first: exactly N, then N - 1 (the error a step reports), nearer, the stated rules
        self.matches = {c.name: [(text, k) for _, text, k in sorted(
            ((k != c.steps, k != c.steps - 1, abs(k - c.steps), rank), text, k)
            for rank, (text, record) in enumerate(self.records) for k in around(c)
            if holds(c, record[k].get(c.base)))] for c in claims}  # b1: none per neuron

    def explain(self, c):
        """``(kind, text)`` for a wrong long-run claim."""
        found = self.matches[c.name]
        if not found:
            how = difference(c.text, self.simulated[c.name])
            return ("unexplained", f"no rule tried and no step count within {self.window} of "
                                   f"{c.steps} gives it ({how})")
        phrases = [f"{text}, {steps(c, k)}" for text, k in found[:3]]
        kind = "steps" if found[0][1] != c.steps or found[0][0] == "the stated rules" else "rule"
        return kind, "holds with " + "; or with ".join(phrases)


def steps(c, k):
    """How ``k`` updates relate to the claim's N, in words."""
    n = c.steps
    if k == n:
        return f"after exactly {n} updates"
    if k == n - 1 and c.base.startswith("E_"):
        return (f"measured before the {ordinal(n)} update (the error the {ordinal(n)} "
                f"training step reports, after {k} updates)")
    return f"after {k} updates ({k - n:+d})"
