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
                           weight_decay=net.weight_decay, thresholds=net.thresholds)

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
            elif self.rules.thresholds:
                layer_names = [threshold_name(n) for n in neurons]
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
        """The nodes: the quantities of :func:`neurosim.calculation.plan` for the step under
        ``rules``, each with its formula compiled from the plan's Python for its kind, then the
        same sample's forward pass and errors with the updated weights (``net_h1+`` ...)."""
        if r.weight_decay:
            self._leaf("weight_decay", r.weight_decay, "decay")
        if r.sign == "update":     # the slip w+ = w + eta dE/dw: w - (-eta) dE/dw, to the bit
            self.leaves["learning_rate"] = -s.learning_rate
        shape = self._shape(s, r)
        formulas = _Formulas(shape)
        steps = plan(shape)
        for q in steps:
            self._node(q.name, formulas.of(q), [op for op in q.reads if op != "0.0"],
                       _GRAPH_KIND[q.kind])
        self._after_update(shape, steps, formulas)

    def _shape(self, s, r):
        """The :class:`~neurosim.calculation.Shape` of the step under ``rules`` (slips too: a
        transposed layer reads other weight names, f where f' belongs, a sign)."""
        layers = []
        for k, (neurons, wnames, _) in enumerate(s.layers):
            rows = tuple(tuple(self.weight_name(k, j, i) for i in range(len(wnames[j])))
                         for j in range(len(neurons)))
            layers.append((tuple(neurons), rows, tuple(self.bias_of[k])))
        activations = tuple(_f_for_fprime(act) if k in r.f_for_fprime else
                            replace(act, df=act.df_written) if r.as_written and act.df_written
                            else act for k, (_, _, act) in enumerate(s.layers))
        loss = _sign_slip(r.loss) if r.sign == "error" else r.loss
        return Shape(tuple(s.input_names), tuple(layers), r.bias,
                     r.train_biases and r.bias != "none", r.hidden_deltas, bool(r.weight_decay),
                     False, activations, loss, len(s.outputs),
                     r.thresholds and r.bias == "per_neuron")

    def _after_update(self, shape, steps, formulas):
        """The same sample's forward pass and errors with the updated weights: net_h1+, E_total+.
        Each uses w+ and b+ where the step updates them, and the outputs after the update."""
        updated = {q.owner for q in steps if q.kind == "update"}

        def after(name):
            if name in updated:
                return name + "+"
            if name.startswith(("out_", "net_", "E_")):
                return name + "+"
            return name

        messages = {}
        for q in steps:
            if q.kind == "message":
                messages[q.name] = [after(op) for op in q.reads]
            elif q.kind == "net":   # net+ = w1+ x1 + w2+ x2 + ... + b+, one node
                reads, terms = [], []
                for op in q.reads:
                    if op in messages:
                        terms.append(KINDS["message"].python(messages[op], q, shape))
                        reads += messages[op]
                    elif op == "0.0":
                        terms.append(op)
                    else:
                        terms.append(after(op))
                        reads.append(after(op))
                self._node(q.name + "+", formulas.expression(reads, KINDS["net"].python(
                    terms, q, shape)), reads, "after")
            elif q.kind in ("out", "error", "total"):
                reads = [after(op) for op in q.reads]
                self._node(q.name + "+", formulas.of(q._replace(reads=tuple(reads))), reads,
                           "after")

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


# -- the formulas: compiled from the plan's Python, as the engine writes them ------------------

#: The graph's name for each kind of quantity of the plan.
_GRAPH_KIND = {"message": "message", "net": "net", "out": "out", "error": "error",
               "total": "total", "output dE_dout": "dE/dout", "hidden dE_dout": "dE/dout",
               "backward": "backward", "dout_dnet": "dout/dnet", "delta": "delta",
               "output delta": "delta", "dnet_dw": "dnet/dw", "dE_dw": "dE/dw",
               "dE_db": "dE/db", "update": "update", "velocity": "update",
               "input message": "backward", "input gradient": "dE/di",
               "jacobian": "dout/dnet", "softmax delta": "delta"}


class _Formulas:
    """Each quantity's formula as a function of its operands, compiled from the Python the
    plan gives for its kind (the engine's own lines), so the graph gives the engine's bits."""

    def __init__(self, shape):
        self.shape = shape
        self.namespace = namespace(shape)
        self.cache = {}

    def of(self, q):
        parameters = [f"a{k}" for k, op in enumerate(q.reads) if op != "0.0"]
        names = iter(parameters)
        ops = [op if op == "0.0" else next(names) for op in q.reads]
        return self.expression(parameters, KINDS[q.kind].python(ops, q, self.shape))

    def expression(self, parameters, body):
        if len(parameters) != len(set(parameters)) or not all(p.startswith("a") and
                                                              p[1:].isdigit()
                                                              for p in parameters):
            names = {p: f"a{k}" for k, p in enumerate(dict.fromkeys(parameters))}
            body = _rename(body, names)
            parameters = [names[p] for p in parameters]
            if len(set(parameters)) != len(parameters):   # one operand twice (w * w): keep
                parameters = [f"a{k}" for k in range(len(parameters))]
        key = (tuple(parameters), body)
        function = self.cache.get(key)
        if function is None:
            function = eval(f"lambda {', '.join(parameters)}: {body}", self.namespace)
            self.cache[key] = function
        return function


def _rename(body, names):
    """Replace whole operand names in a Python expression (longest first)."""
    import re
    pattern = re.compile("|".join(r"(?<!\w)" + re.escape(n) + r"(?![\w+])"
                                  for n in sorted(names, key=len, reverse=True)))
    return pattern.sub(lambda m: names[m.group(0)], body)




def _f_for_fprime(act):
    """The slip: f(net) where f'(net) belongs (for softmax, whose f reads the whole layer:
    out itself)."""
    if act.of_layer is not None:
        return replace(act, df=lambda net, out: out)
    return replace(act, df=lambda net, out, f=act.f: f(net))


def _sign_slip(loss):
    """The slip dE/dout_o = +(target - out): every form of the loss's derivative negated."""
    def negated(function):
        return None if function is None else (lambda *args: _negate(function(*args)))
    return replace(loss, dE_dout=negated(loss.dE_dout), dE_dout_net=negated(loss.dE_dout_net),
                   delta=negated(loss.delta))


def _negate(value):
    return None if value is None else -value
