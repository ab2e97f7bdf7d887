"""One training step as a graph of named quantities, recomputed under other rules or slips.

The checker must ask "what if": what if the hidden deltas came from the updated weights, what if
f stood where f' belongs, what if ``w11`` was read as 3 in one forward message only, what if
``net_h1`` was miscalculated and carried forward. The simulator cannot pause mid-step to take a
wrong number, so the step is written here once more as a graph: one node per quantity of
:mod:`neurosim.quantities` (the same names: ``w5*out_h1``, ``net_o1``, ``dE_o1/dout_h1``,
``delta_h1``, ``w5+``, ``E_total+`` ...), each with its operands and its formula, in the order
of the hand calculation. Leaves are the givens: inputs (``i1``), targets (``target_o1``),
weights and biases by name, and ``learning_rate``.

A :class:`Rules` value says which rules the graph follows; the stated rules are the network's.
The variants a hand calculation slips into are fields of it::

    hidden_deltas  "original_weights" | "updated_weights"   (w+ in the backward messages)
    loss           a neurosim Loss ("squared_error": the loss without the 1/2)
    f_for_fprime   layers (0 = first hidden) whose dout/dnet is f(net) instead of f'(net)
    sign           None | "error": dE/dout_o = +(target - out) | "update": w+ = w + eta dE/dw
    transposed     square layers whose weight matrix is read transposed (w2 <-> w3 in Mazur's)
    train_biases, bias, weight_decay    as in NeuralNetwork

:meth:`Graph.evaluate` computes every node; ``force={name: value}`` replaces a node's value (the
slip carried forward to everything computed from it), ``use={(consumer, operand): value}``
replaces an operand in one formula only (``w11`` read as 3 in ``w11*out_h2`` alone). The
formulas perform the simulator's floating-point operations in the simulator's order, so with the
stated rules the graph gives neurosim's values bit for bit (``tests/unit/test_hand_check.py``).
"""

from dataclasses import dataclass, field, replace
from operator import mul

__all__ = ["Rules", "Structure", "Graph"]


@dataclass(frozen=True)
class Rules:
    """The rules one recomputation follows (see the module docstring)."""

    hidden_deltas: str = "original_weights"
    loss: object = None
    f_for_fprime: frozenset = field(default_factory=frozenset)
    sign: str = None
    transposed: frozenset = field(default_factory=frozenset)
    train_biases: bool = True
    bias: str = "per_neuron"
    weight_decay: float = 0.0

    def but(self, **changes):
        """These rules with some fields changed."""
        return replace(self, **changes)


class Structure:
    """What the graph needs of a network: names, activations, loss, and the given values.

    Read once from a :class:`~neurosim.network.NeuralNetwork`; the network is not kept.
    """

    def __init__(self, net, inputs, targets):
        self.input_names = list(net.input_names)
        self.layers = []  # (neuron names, weight names [j][i], activation)
        self.biases = []  # per layer: list of per-neuron bias values
        self.bias_names = []  # per layer: the stated bias name of each neuron (None: no bias)
        for layer in net.layers:
            self.layers.append(([n.name for n in layer.neurons],
                                [list(n.weight_names) for n in layer.neurons], layer.activation))
            self.biases.append([n.bias for n in layer.neurons])
            self.bias_names.append([n.bias_name for n in layer.neurons])
        self.outputs = self.layers[-1][0]
        senders = self.input_names
        self.connection = {}  # weight name -> (sender, receiver), e.g. "w11": ("h2", "h5")
        for neurons, wnames, _ in self.layers:
            for receiver, row in zip(neurons, wnames):
                self.connection.update((w, (s, receiver)) for w, s in zip(row, senders))
            senders = neurons
        self.weights = {name: w for layer in net.layers for n in layer.neurons
                        for name, w in zip(n.weight_names, n.weights)}
        self.inputs = dict(zip(self.input_names, map(float, inputs)))
        self.targets = {f"target_{o}": float(t) for o, t in zip(self.outputs, targets)}
        self.learning_rate = net.learning_rate
        self.rules = Rules(hidden_deltas=net.hidden_deltas, loss=net.loss,
                           train_biases=net.train_biases, bias=net.bias_mode,
                           weight_decay=net.weight_decay)

    def square_layers(self):
        """Indices of the layers whose weight matrix is square (they can be read transposed)."""
        return [k for k, (names, wnames, _) in enumerate(self.layers)
                if len(names) == len(wnames[0])]

    def shared_biases_possible(self):
        """True when every layer's neurons hold one bias value (a shared bias can stand for it)."""
        return all(len(set(values)) == 1 for values in self.biases)


class Graph:
    """The step of one network on one sample under ``rules``, as named nodes in order.

    ``nodes`` is a list of ``(name, formula, operand names)``; ``leaves`` maps the givens to
    their values; ``kind[name]`` says what a name is (``"weight"``, ``"input"``, ``"net"``,
    ``"delta"``, ``"update"``, ...).
    """

    def __init__(self, structure, rules=None):
        self.structure = s = structure
        self.rules = r = rules or s.rules
        self.nodes = []
        self.kind = {}
        self.leaves = {}
        for name, value in s.inputs.items():
            self._leaf(name, value, "input")
        for name, value in s.targets.items():
            self._leaf(name, value, "target")
        for name, value in s.weights.items():
            self._leaf(name, value, "weight")
        self._leaf("learning_rate", s.learning_rate, "rate")
        self.bias_of = self._bias_leaves()
        self._build(s, r)
        self.index = {name: k for k, (name, _, _) in enumerate(self.nodes)}
        self.consumers = {}
        for name, _, ops in self.nodes:
            for op in ops:
                self.consumers.setdefault(op, []).append(name)
        self._ancestors = {}

    # -- building -------------------------------------------------------------------------------

    def _leaf(self, name, value, kind):
        self.leaves[name] = value
        self.kind[name] = kind

    def _node(self, name, formula, ops, kind):
        self.nodes.append((name, formula, tuple(ops)))
        self.kind[name] = kind

    def _bias_leaves(self):
        """Per layer, the bias name of each neuron under ``rules.bias`` (None: no bias)."""
        s, mode = self.structure, self.rules.bias
        names = []
        for k, (neurons, _, _) in enumerate(s.layers):
            if mode == "none":
                names.append([None] * len(neurons))
                continue
            if mode == "shared":
                layer_names = [f"b{k + 1}"] * len(neurons)
            else:
                layer_names = [f"b_{n}" for n in neurons]
            for name, value in zip(layer_names, s.biases[k]):
                self.leaves.setdefault(name, value)
                self.kind[name] = "bias"
            names.append(layer_names)
        return names

    def weight_name(self, k, j, i):
        """The name of the weight layer ``k`` reads from sender ``i`` into neuron ``j``."""
        wnames = self.structure.layers[k][1]
        return wnames[i][j] if k in self.rules.transposed else wnames[j][i]

    def _build(self, s, r):
        n_layers = len(s.layers)
        senders = list(s.input_names)  # the names of the values layer k reads
        for k, (neurons, _, act) in enumerate(s.layers):
            f = act.f
            for j, n in enumerate(neurons):
                messages = []
                for i, x in enumerate(senders):
                    w = self.weight_name(k, j, i)
                    m = f"{w}*{x}"
                    self._node(m, mul, (w, x), "message")  # w * out (Mazur: w5*out_h1)
                    messages.append(m)
                b = self.bias_of[k][j]
                # net = sum_i w_i x_i + b   (the simulator's sum over the products, then + b)
                self._node(f"net_{n}", _net_formula(b is None), messages + ([b] if b else []),
                           "net")
                self._node(f"out_{n}", f, (f"net_{n}",), "out")  # out = f(net)
            senders = [f"out_{n}" for n in neurons]
        loss, n_out = r.loss, len(s.outputs)
        for o in s.outputs:  # E_o = loss(target, out)
            self._node(f"E_{o}", _curry(loss.error, n_out), (f"target_{o}", f"out_{o}"), "error")
        self._node("E_total", _sum, [f"E_{o}" for o in s.outputs], "total")

        updated = r.hidden_deltas == "updated_weights"
        for k in range(n_layers - 1, -1, -1):
            neurons, _, act = s.layers[k]
            sender_values = (list(s.input_names) if k == 0
                             else [f"out_{n}" for n in s.layers[k - 1][0]])
            for j, n in enumerate(neurons):
                if k == n_layers - 1:  # dE/dout_o = E_o'(out_o), or its negative (sign slip)
                    d = _curry(loss.dE_dout, n_out)
                    self._node(f"dE/dout_{n}", _negated(d) if r.sign == "error" else d,
                               (f"target_{n}", f"out_{n}"), "dE/dout")
                else:  # dE_u/dout_h = delta_u * w_uh; dE/dout_h = sum over u
                    messages = []
                    for m, u in enumerate(s.layers[k + 1][0]):
                        w = self.weight_name(k + 1, m, j) + ("+" if updated else "")
                        name = f"dE_{u}/dout_{n}"
                        self._node(name, mul, (f"delta_{u}", w), "backward")
                        messages.append(name)
                    self._node(f"dE/dout_{n}", _sum, messages, "dE/dout")
                if k in r.f_for_fprime:  # the slip: f(net) where f'(net) belongs
                    self._node(f"dout_{n}/dnet_{n}", _first(act.f), (f"net_{n}", f"out_{n}"),
                               "dout/dnet")
                else:
                    self._node(f"dout_{n}/dnet_{n}", act.df, (f"net_{n}", f"out_{n}"),
                               "dout/dnet")
                # delta = dE/dout * dout/dnet
                self._node(f"delta_{n}", mul, (f"dE/dout_{n}", f"dout_{n}/dnet_{n}"), "delta")
                for i, x in enumerate(sender_values):
                    w = self.weight_name(k, j, i)
                    self._node(f"dnet_{n}/d{w}", _identity, (x,), "dnet/dw")  # dnet/dw = x
                    # dE/dw = delta * dnet/dw (+ lambda w)
                    if r.weight_decay:
                        self._node(f"dE/d{w}", _decayed(r.weight_decay),
                                   (f"delta_{n}", f"dnet_{n}/d{w}", w), "dE/dw")
                    else:
                        self._node(f"dE/d{w}", mul, (f"delta_{n}", f"dnet_{n}/d{w}"), "dE/dw")
                if r.bias == "per_neuron":  # dE/db = delta
                    self._node(f"dE/d{self.bias_of[k][j]}", _identity, (f"delta_{n}",), "dE/db")
            if r.bias == "shared":  # dE/db = sum of the layer's deltas
                self._node(f"dE/d{self.bias_of[k][0]}", _sum,
                           [f"delta_{n}" for n in neurons], "dE/db")
            if updated:
                self._updates([k])
        if not updated:
            self._updates(range(n_layers))
        self._after_update(s, r)

    def _updates(self, layers):
        """w+ = w - eta dE/dw (b+ likewise when biases are trained); "update" sign: + eta."""
        s, r = self.structure, self.rules
        step = _ascend if r.sign == "update" else _descend
        for k in layers:
            neurons, wnames, _ = s.layers[k]
            for j in range(len(neurons)):
                for i in range(len(wnames[j])):
                    w = self.weight_name(k, j, i)
                    self._node(f"{w}+", step, (w, "learning_rate", f"dE/d{w}"), "update")
            if r.train_biases and r.bias != "none":
                for b in dict.fromkeys(self.bias_of[k]):  # a shared bias once
                    self._node(f"{b}+", step, (b, "learning_rate", f"dE/d{b}"), "update")

    def _after_update(self, s, r):
        """The same sample's forward pass and errors with the updated weights: net_h1+, E_total+."""
        senders = list(s.input_names)
        for k, (neurons, wnames, act) in enumerate(s.layers):
            for j, n in enumerate(neurons):
                ws = [self.weight_name(k, j, i) + "+" for i in range(len(wnames[j]))]
                b = self.bias_of[k][j]
                ops = ws + senders + ([b + "+" if r.train_biases else b] if b else [])
                self._node(f"net_{n}+", _net_after(len(ws), b is None), ops, "after")
                self._node(f"out_{n}+", act.f, (f"net_{n}+",), "after")
            senders = [f"out_{n}+" for n in neurons]
        n_out = len(s.outputs)
        for o in s.outputs:
            self._node(f"E_{o}+", _curry(r.loss.error, n_out), (f"target_{o}", f"out_{o}+"),
                       "after")
        self._node("E_total+", _sum, [f"E_{o}+" for o in s.outputs], "after")

    # -- evaluating -----------------------------------------------------------------------------

    def evaluate(self, force=None, use=None, env=None, only=None, rounding=None):
        """Every value by name: leaves first, then each node from its operands.

        ``force``: {name: value} replaces a leaf or node. ``use``: {(consumer, operand): value}
        replaces an operand inside one formula. ``env`` and ``only``: start from the values
        ``env`` and recompute only the node names in ``only`` (in the graph's order).
        ``rounding``: a function applied to every node's value as it is computed (a hand
        calculation that carries a fixed number of digits).
        """
        if env is None:
            values = dict(self.leaves)
        else:
            values = dict(env)
        if force:
            values.update((k, v) for k, v in force.items() if k in self.leaves)
        consumers_with_use = {c for c, _ in use} if use else ()
        nodes = self.nodes if only is None else [self.nodes[self.index[n]] for n in only]
        for name, formula, ops in nodes:
            if force and name in force:
                values[name] = force[name]
                continue
            if name in consumers_with_use:
                args = [use.get((name, op), values[op]) if (name, op) in use else values[op]
                        for op in ops]
            else:
                args = [values[op] for op in ops]
            try:
                v = formula(*args)
            except (OverflowError, ZeroDivisionError, ValueError):
                v = float("nan")
            values[name] = rounding(v) if rounding else v
        return values

    # -- the shape of the graph ------------------------------------------------------------------

    def ancestors(self, name):
        """Every name ``name`` is computed from (leaves included), not ``name`` itself."""
        if name not in self._ancestors:
            found = set()
            if name in self.index:
                for op in self.nodes[self.index[name]][2]:
                    found.add(op)
                    found |= self.ancestors(op)
            self._ancestors[name] = frozenset(found)
        return self._ancestors[name]

    def descendants(self, names):
        """Every node computed, directly or not, from any of ``names``."""
        found, todo = set(), list(names)
        while todo:
            for c in self.consumers.get(todo.pop(), ()):
                if c not in found:
                    found.add(c)
                    todo.append(c)
        return found

    def order(self, names):
        """``names`` that are nodes, in the graph's order."""
        return sorted((n for n in names if n in self.index), key=self.index.__getitem__)

    def between(self, sources, target):
        """The nodes to recompute when ``sources`` change and only ``target`` is wanted."""
        wanted = self.ancestors(target) | {target}
        return self.order((self.descendants(sources) | set(sources)) & wanted)


# -- the formulas, small and named so that they read like the calculation ------------------------

def _sum(*values):
    return sum(values)


def _identity(x):
    return x


def _net_formula(no_bias):
    if no_bias:
        return lambda *products: sum(products) + 0.0
    return lambda *args: sum(args[:-1]) + args[-1]


def _net_after(n_weights, no_bias):
    def net(*args):
        ws, xs = args[:n_weights], args[n_weights:2 * n_weights]
        bias = 0.0 if no_bias else args[2 * n_weights]
        return sum(list(map(mul, ws, xs))) + bias
    return net


def _curry(function, n):
    return lambda target, out: function(target, out, n)


def _negated(function):
    return lambda target, out: -function(target, out)


def _first(f):
    return lambda net, out: f(net)


def _decayed(decay):
    return lambda delta, x, w: delta * x + decay * w


def _descend(w, rate, gradient):
    return w - rate * gradient


def _ascend(w, rate, gradient):
    return w + rate * gradient
