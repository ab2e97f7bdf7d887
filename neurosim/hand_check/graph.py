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
    as_written     f' as books write it (the sigmoid's out (1 - out), which neurosim computes
                   otherwise where that loses digits): a printed figure is judged against
                   what the book's own formula gives from the printed figures before it

:meth:`Graph.evaluate` computes every node; ``force={name: value}`` replaces a node's value (the
slip carried forward to everything computed from it), ``use={(consumer, operand): value}``
replaces an operand in one formula only (``w11`` read as 3 in ``w11*out_h2`` alone). The
formulas perform the simulator's floating-point operations in the simulator's order, so with the
stated rules the graph gives neurosim's values bit for bit (``tests/unit/test_hand_check.py``).
"""

from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..calculation import KINDS, Shape, plan, threshold_name
from ..engine import namespace

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
    #: Each f' as books write it (the sigmoid's out (1 - out)), not as neurosim computes it.
    as_written: bool = False
    #: Per-neuron biases written as thresholds: net = sum w x - theta (calculation.THRESHOLD).
    thresholds: bool = False

    def but(self, **changes):
        """These rules with some fields changed."""
        return replace(self, **changes)


class Structure:
    """What the graph needs of a network: names, activations, loss, and the given values.

    Read once from a :class:`~neurosim.network.NeuralNetwork`; the network is not kept.
    ``layers`` holds per layer (neuron names, weight names [j][i], activation), ``biases`` per
    layer the bias value of each neuron, ``connection`` each weight's (sender, receiver), e.g.
    ``"w11": ("h2", "h5")``.
    """

    def __init__(self, net, inputs, targets):
        self.input_names = list(net.input_names)
        self.layers = [([n.name for n in layer.neurons], [list(n.weight_names) for n in
                        layer.neurons], layer.activation) for layer in net.layers]
        self.biases = [[n.bias for n in layer.neurons] for layer in net.layers]
        self.outputs = self.layers[-1][0]
        self.connection = {w: (sender, receiver)
                           for senders, (neurons, wnames, _) in
                           zip([self.input_names] + [n for n, _, _ in self.layers], self.layers)
                           for receiver, row in zip(neurons, wnames)
                           for w, sender in zip(row, senders)}
        self.weights = {name: w for layer in net.layers for n in layer.neurons
                        for name, w in zip(n.weight_names, n.weights)}
        self.inputs = dict(zip(self.input_names, map(float, inputs)))
        self.targets = {f"target_{o}": float(t) for o, t in zip(self.outputs, targets)}
        self.learning_rate = net.learning_rate
        self.rules = Rules(hidden_deltas=net.hidden_deltas, loss=net.loss,
                           train_biases=net.train_biases, bias=net.bias_mode,
                           weight_decay=net.weight_decay, thresholds=net.thresholds)


class Graph:
    """The step of one network on one sample under ``rules``, as named nodes in order.

    ``nodes`` is a list of ``(name, formula, operand names)``; ``leaves`` maps the givens to
    their values; ``kind[name]`` says what a name is: for a leaf ``"input"``, ``"target"``,
    ``"weight"``, ``"bias"``, ``"rate"``, ``"decay"``; for a node the kind of its quantity in
    the plan (``"message"``, ``"net"``, ``"dout_dnet"``, ``"update"`` ...), ``"after"`` for
    the forward pass after the update.
    """

    def __init__(self, structure, rules=None):
        self.structure = s = structure
        self.rules = r = rules or s.rules
        self.nodes = []
        self.leaves = {**s.inputs, **s.targets, **s.weights, "learning_rate": s.learning_rate}
        self.kind = {**dict.fromkeys(s.inputs, "input"), **dict.fromkeys(s.targets, "target"),
                     **dict.fromkeys(s.weights, "weight"), "learning_rate": "rate"}
        layers = []
        for k, (neurons, wnames, _) in enumerate(s.layers):
            biases = [None if r.bias == "none" else f"b{k + 1}" if r.bias == "shared" else
                      threshold_name(n) if r.thresholds else f"b_{n}" for n in neurons]
            for name, value in zip(biases, s.biases[k]):
                if name:
                    self.leaves.setdefault(name, value)
                    self.kind[name] = "bias"
            rows = zip(*wnames) if k in r.transposed else wnames  # w2 <-> w3 in Mazur's
            layers.append((tuple(neurons), tuple(map(tuple, rows)), tuple(biases)))
        if r.weight_decay:
            self.leaves["weight_decay"], self.kind["weight_decay"] = r.weight_decay, "decay"
        if r.sign == "update":     # the slip w+ = w + eta dE/dw: w - (-eta) dE/dw, to the bit
            self.leaves["learning_rate"] = -s.learning_rate
        activations = tuple(_f_for_fprime(act) if k in r.f_for_fprime else
                            replace(act, df=act.df_written) if r.as_written and act.df_written
                            else act for k, (_, _, act) in enumerate(s.layers))
        loss = _sign_slip(r.loss) if r.sign == "error" else r.loss
        shape = Shape(tuple(s.input_names), tuple(layers), r.bias,
                      r.train_biases and r.bias != "none", r.hidden_deltas, bool(r.weight_decay),
                      False, activations, loss, len(s.outputs),
                      r.thresholds and r.bias == "per_neuron")
        self._build(shape)
        self.index = {name: k for k, (name, _, _) in enumerate(self.nodes)}
        self.consumers = {}
        for name, _, ops in self.nodes:
            for op in ops:
                self.consumers.setdefault(op, []).append(name)
        self._ancestors = {}

    def _build(self, shape):
        """The nodes: the quantities of :func:`neurosim.calculation.plan` for the step under
        ``rules`` (slips too: a transposed layer reads other weight names, f where f' belongs,
        a sign), each with its formula compiled from the plan's Python for its kind (the
        engine's own lines, in the engine's namespace, so the graph gives the engine's bits);
        then the same sample's forward pass and errors with the updated weights (``net_h1+``,
        ``E_total+``), each using w+ and b+ where the step updates them."""
        compiled = _compiler(namespace(shape))
        steps = plan(shape)
        updated = {q.owner for q in steps if q.kind == "update"}

        def after(name):
            return name + "+" if name in updated or name.startswith(("out_", "net_", "E_")) \
                else name

        def add(name, q, reads, kind, body=None):
            ops = [op for op in reads if op != "0.0"]
            if body is None:
                args = iter(f"a{k}" for k in range(len(ops)))
                body = KINDS[q.kind].python([op if op == "0.0" else next(args) for op in reads],
                                            q, shape)
            self.nodes.append((name, compiled(len(ops), body), tuple(ops)))
            self.kind[name] = kind

        for q in steps:
            add(q.name, q, q.reads, q.kind)
        messages = {q.name: [after(op) for op in q.reads] for q in steps if q.kind == "message"}
        for q in steps:
            if q.kind == "net":   # net+ = w1+ x1 + w2+ x2 + ... + b+, one node
                reads, terms = [], []
                for op in q.reads:
                    if op == "0.0":
                        terms.append(op)
                        continue
                    names = messages.get(op, [after(op)])
                    args = [f"a{len(reads) + k}" for k in range(len(names))]
                    reads += names
                    terms.append(KINDS["message"].python(args, q, shape) if op in messages
                                 else args[0])
                add(q.name + "+", q, reads, "after", KINDS["net"].python(terms, q, shape))
            elif q.kind in ("out", "error", "total"):
                reads = tuple(after(op) for op in q.reads)
                add(q.name + "+", q._replace(reads=reads), reads, "after")

    # -- evaluating -----------------------------------------------------------------------------

    def evaluate(self, force=None, use=None, env=None, only=None, rounding=None):
        """Every value by name: leaves first, then each node from its operands.

        ``force``: {name: value} replaces a leaf or node. ``use``: {(consumer, operand): value}
        replaces an operand inside one formula. ``env`` and ``only``: start from the values
        ``env`` and recompute only the node names in ``only`` (in the graph's order).
        ``rounding``: a function applied to every node's value as it is computed (a hand
        calculation that carries a fixed number of digits).
        """
        values = dict(self.leaves if env is None else env)
        if force:
            values.update((k, v) for k, v in force.items() if k in self.leaves)
        users = {c for c, _ in use} if use else ()
        for name, formula, ops in (self.nodes if only is None else
                                   [self.nodes[self.index[n]] for n in only]):
            if force and name in force:
                values[name] = force[name]
                continue
            args = [use.get((name, op), values[op]) if name in users else values[op]
                    for op in ops]
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
            ops = self.nodes[self.index[name]][2] if name in self.index else ()
            self._ancestors[name] = frozenset(ops).union(*map(self.ancestors, ops))
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


def _compiler(names):
    """Each formula's Python compiled once, as a function of its operands a0, a1, ..., in the
    engine's namespace ``names``."""
    @lru_cache(maxsize=None)
    def compiled(arity, body):
        return eval(f"lambda {', '.join(f'a{k}' for k in range(arity))}: {body}", names)
    return compiled


def _f_for_fprime(act):
    """The slip: f(net) where f'(net) belongs (for softmax, whose f reads the whole layer:
    out itself)."""
    return replace(act, df=(lambda net, out: out) if act.of_layer is not None else
                   (lambda net, out, f=act.f: f(net)))


def _sign_slip(loss):
    """The slip dE/dout_o = +(target - out): every form of the loss's derivative negated."""
    def negated(function):
        return function and (lambda *args: None if (v := function(*args)) is None else -v)
    return replace(loss, dE_dout=negated(loss.dE_dout), dE_dout_net=negated(loss.dE_dout_net),
                   delta=negated(loss.delta))
