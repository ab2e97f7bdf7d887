"""The immutable records of one training step, each rendering one line of the hand calculation.

Like the instructions :func:`dis.get_instructions` yields, an event is a named tuple of its
fields holding names and floats only, so it stays true after the weights change. ``str(event)`` is a
line of the calculation with the formula and the numbers substituted::

    net_h1 = w1*i1 + w2*i2 + b1 = 0.15*0.05 + 0.2*0.1 + 0.35 = 0.3775

Events come in four phases, in the order of the hand calculation (Mazur 2015):

``forward``   ForwardMessage (one per connection), NetInput, NeuronOutput
``error``     OutputError (one per output), TotalError
``backward``  OutputErrorDerivative, BackwardMessage (one per connection into a hidden
              neuron), HiddenErrorDerivative, ActivationDerivative, Delta, WeightGradient,
              BiasGradient, InputGradient (one per input)
``update``    Update (one per trainable weight and bias)

A :class:`~neurosim.record.StepRecord` (in ``record.py``; ``neurosim.events.StepRecord`` is
the same class, set there by the package) is the list of one step's events, filterable by phase, neuron and weight, and serializable
to JSON Lines.
"""

import math
from typing import ClassVar, Optional, Tuple

from .event_fields import as_names, bind, checked
from .event_fields import event_record as _record
from .formula import (Context, Mul, Neg, Num, Paren, Row, Sym, equation, joined, partial, row, symbol,
                      to_text, written)
from .numbers import DIGITS, num  # noqa: F401  (num: neurosim.events.num, as before)

__all__ = [
    "Event",
    "ForwardMessage",
    "NetInput",
    "NeuronOutput",
    "OutputError",
    "TotalError",
    "OutputErrorDerivative",
    "BackwardMessage",
    "HiddenErrorDerivative",
    "ActivationDerivative",
    "Delta",
    "WeightGradient",
    "BiasGradient",
    "InputGradient",
    "Update",
    "PHASES",
    "EVENT_TYPES",
]

PHASES = ("forward", "error", "backward", "update")

#: The prefix of a threshold's name (``theta_h1``): the threshold convention, net = sum w x -
#: theta, is described in :mod:`neurosim.calculation` (its names and formulas); the records
#: only need to know a threshold when they see one, to write its minus sign.
THRESHOLD = "theta_"


def is_threshold(name):
    """True for a threshold's name (``theta_h1``, ``dE/dtheta_h1``, ``theta_h1+``)."""
    return isinstance(name, str) and name.rstrip("+").split("/d")[-1].startswith(THRESHOLD)


class Event(tuple):
    """Base of every event: a ``phase``, the names it involves, ``to_dict()`` and one line.

    An event is a tuple of its fields, in the order ``_fields`` lists them, each also an
    attribute (as :func:`collections.namedtuple` and :class:`dis.Instruction`): immutable,
    hashable, equal to an event of the same class with the same fields. The constructor checks
    every field; the engine builds events with ``cls._make(fields)``, which does not.
    """

    __slots__ = ()
    phase: ClassVar[str] = ""
    _fields: ClassVar[Tuple[str, ...]] = ()
    _field_defaults: ClassVar[dict] = {}

    def __new__(cls, *args, **kwargs):
        # The constructor people call checks its fields; the engine's _make skips this.
        if not cls._fields:
            raise TypeError("Event is the base class; construct one of its subclasses "
                            f"({', '.join(EVENT_TYPES)})")
        return tuple.__new__(cls, checked(cls, bind(cls, args, kwargs)))

    def __getnewargs__(self):       # copy and pickle rebuild through the checked constructor
        return tuple(self)

    def __repr__(self):
        fields = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, self))
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other):
        # Equal to an event of its own class only: as a tuple it would equal any tuple (or
        # event of another class) with the same items.
        if type(other) is type(self):
            return tuple.__eq__(self, other)
        return False if isinstance(other, tuple) else NotImplemented

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = tuple.__hash__

    @property
    def names(self):
        """Every neuron, weight and bias name this event involves (for filtering)."""
        return {v for field, value in zip(self._fields, self) for v in as_names(value, field)}

    def to_dict(self):
        """The event as a JSON-ready dict, with its ``event`` class name and ``phase``."""
        d = {"event": type(self).__name__, "phase": self.phase}
        d.update(zip(self._fields, self))
        return d

    @classmethod
    def from_dict(cls, data):
        """The event a :meth:`to_dict` dict describes (lists become tuples again).

        Every field is checked as the constructor checks it (a name is a str, a number is
        finite), so a hand-edited or damaged file fails here, naming the field, rather than
        later when the event is printed.

        >>> e = Update("w5", 0.4, 0.5, 0.0821670406, 0.35891648)
        >>> Event.from_dict(e.to_dict()) == e
        True
        """
        from .errors import FormatError, InputError
        if not isinstance(data, dict):
            raise FormatError(f"an event must be a JSON object, got {data!r}")
        name = data.get("event")
        kind = EVENT_TYPES.get(name) if isinstance(name, str) else None
        if kind is None or (cls is not Event and kind is not cls):
            raise FormatError(f"event must be one of {', '.join(EVENT_TYPES)}, "
                              f"got {name!r}")
        names = set(kind._fields)
        given = {k: v for k, v in data.items() if k not in ("event", "phase")}
        if not names >= set(given) or data.get("phase", kind.phase) != kind.phase:
            raise FormatError(f"{kind.__name__} has the fields {', '.join(sorted(names))}, "
                              f"got {', '.join(sorted(data))}")
        missing = [f for f in kind._fields if f not in kind._field_defaults and f not in given]
        if missing:
            raise FormatError(f"{kind.__name__} needs the fields {', '.join(missing)}, "
                              f"got {', '.join(sorted(data))}")
        try:
            return kind(**given)
        except InputError as error:
            raise FormatError(str(error)) from None

    def tree(self, c):
        """The event's line as a tree (:mod:`neurosim.formula`) in the context ``c`` (a
        :class:`~neurosim.formula.Context`): left side = symbols = numbers = result, a side
        equal to the one before it left out. Every view (``str(event)``, the stepper, the
        worksheet's text, Markdown and MathML) writes this one tree."""
        raise NotImplementedError

    def render(self, digits=DIGITS, net=None):
        """One line of the hand calculation, numbers shown to ``digits`` significant digits
        (with ``net``, the network the step ran on: the ``n`` of a mean is its number of outputs).

        >>> print(Update("w5", 0.4, 0.5, 0.0821670406, 0.35891648).render(4))
        w5+ = w5 - eta*dE_total/dw5 = 0.4 - 0.5*0.08217 = 0.3589
        """
        return to_text(self.tree(Context.of(net, digits) if net else Context(digits)))

    def __str__(self):
        return self.render()


@_record
class ForwardMessage(Event):
    """One connection carries the sender's output, times its weight, into the receiver."""

    phase: ClassVar[str] = "forward"
    sender: str
    receiver: str
    weight_name: str
    value: float
    weight: float
    product: float
    from_input: bool = False

    def tree(self, c):
        return equation(Mul(symbol(self.weight_name), c.value_of(self.sender, self.from_input)),
                        Mul(c.n(self.weight, False), c.n(self.value)), c.n(self.product, False),
                        note=f"    ({self.sender} -> {self.receiver})")


@_record
class NetInput(Event):
    """A neuron sums its incoming messages and its bias: net = sum_i w_i x_i + b."""

    phase: ClassVar[str] = "forward"
    neuron: str
    weight_names: Tuple[str, ...]
    senders: Tuple[str, ...]
    weights: Tuple[float, ...]
    values: Tuple[float, ...]
    bias_name: Optional[str]
    bias: float
    net: float
    from_inputs: bool = False

    def tree(self, c):
        symbols = [Mul(c.sym(w, "w"), c.value_of(s, self.from_inputs))
                   for w, s in zip(self.weight_names, self.senders)]
        numbers = [Mul(c.n(w, k > 0), c.n(x)) for k, (w, x) in enumerate(zip(self.weights,
                                                                              self.values))]
        symbolic, numeric = joined(symbols), joined(numbers)
        if self.bias_name is not None:     # + b, or - theta (net = sum w x - theta)
            sign = "-" if is_threshold(self.bias_name) else "+"
            symbolic = row(symbolic, sign, c.sym(self.bias_name, "b"))
            numeric = row(numeric, sign, c.n(self.bias))
        return equation(c.sym(f"net_{self.neuron}"), symbolic, numeric, c.n(self.net, False))


@_record
class NeuronOutput(Event):
    """A neuron squashes its net input with its activation: out = f(net)."""

    phase: ClassVar[str] = "forward"
    neuron: str
    activation: str
    formula: str
    net: float
    out: float

    def tree(self, c):
        if self.activation == "softmax":   # the formula names every net input of the layer
            return equation(c.sym(f"out_{self.neuron}"), written(self.formula, {}),
                            c.n(self.out, False),
                            note=f"    (net_{self.neuron} = {num(self.net, c.digits)})")
        return equation(c.sym(f"out_{self.neuron}"),
                        written(self.formula, {"net": c.sym(f"net_{self.neuron}")}),
                        written(self.formula, {"net": c.n(self.net)}), c.n(self.out, False))


@_record
class OutputError(Event):
    """One output neuron's own term of the total error, E_o."""

    phase: ClassVar[str] = "error"
    neuron: str
    loss: str
    formula: str
    target: float
    out: float
    error: float

    def tree(self, c):
        o = self.neuron
        return equation(c.sym(f"E_{o}"),
                        written(self.formula, {"target": symbol(f"target_{o}"),
                                             "out": c.sym(f"out_{o}")}),
                        written(self.formula, c.loss_values(self.target, self.out)),
                        c.n(self.error, False))


@_record
class TotalError(Event):
    """The total error of the sample: E_total = sum of the output terms."""

    phase: ClassVar[str] = "error"
    outputs: Tuple[str, ...]
    errors: Tuple[float, ...]
    total: float

    def tree(self, c):
        return equation(c.sym("E_total"), joined([c.sym(f"E_{o}") for o in self.outputs]),
                        joined([c.n(e, k > 0) for k, e in enumerate(self.errors)]),
                        c.n(self.total, False))


@_record
class OutputErrorDerivative(Event):
    """The backward pass starts at an output: dE_total/dout_o = dE_o/dout_o."""

    phase: ClassVar[str] = "backward"
    neuron: str
    loss: str
    formula: str
    target: float
    out: float
    value: float

    def tree(self, c):
        o = self.neuron
        return equation(partial("E_total", f"out_{o}"),
                        written(self.formula, {"target": symbol(f"target_{o}"),
                                             "out": symbol(f"out_{o}")}),
                        written(self.formula, c.loss_values(self.target, self.out)),
                        c.n(self.value, False))


@_record
class BackwardMessage(Event):
    """One connection carries the receiver's delta, times its weight, back into the sender.

    ``sender`` is the neuron the weight leaves in the forward direction (the one receiving
    this message); ``receiver`` is the neuron whose delta travels back.
    """

    phase: ClassVar[str] = "backward"
    sender: str
    receiver: str
    weight_name: str
    delta: float
    weight: float
    product: float

    def tree(self, c):
        # in the books' sign (c.sign = -1) the message delta*w is -dE_o/dout_h
        left = partial(f"E_{self.receiver}", f"out_{self.sender}")
        return equation(Neg(left) if c.book_sign else left,
                        Mul(symbol(f"delta_{self.receiver}"), symbol(self.weight_name)),
                        Mul(c.n(c.delta(self.delta), False), c.n(self.weight)),
                        c.n(c.delta(self.product), False),
                        note=f"    ({self.receiver} -> {self.sender})")


@_record
class HiddenErrorDerivative(Event):
    """A hidden neuron sums the messages from the layer above: dE/dout_h = sum_o delta_o w_oh."""

    phase: ClassVar[str] = "backward"
    neuron: str
    receivers: Tuple[str, ...]
    products: Tuple[float, ...]
    value: float

    def tree(self, c):
        h = self.neuron
        if c.book_sign:     # -dE/dout_h = sum_o delta_o w_oh, the messages as they came
            return equation(Neg(partial("E_total", f"out_{h}")),
                            Row((Neg(partial(f"E_{self.receivers[0]}", f"out_{h}")),) + tuple(
                                x for r in self.receivers[1:]
                                for x in ("-", partial(f"E_{r}", f"out_{h}")))),
                            joined([c.n(-p, k > 0) for k, p in enumerate(self.products)]),
                            c.n(-self.value, False))
        return equation(partial("E_total", f"out_{h}"),
                        joined([partial(f"E_{r}", f"out_{h}") for r in self.receivers]),
                        joined([c.n(p, k > 0) for k, p in enumerate(self.products)]),
                        c.n(self.value, False))


@_record
class ActivationDerivative(Event):
    """The local derivative of the activation: dout/dnet = f'(net)."""

    phase: ClassVar[str] = "backward"
    neuron: str
    activation: str
    formula: str
    net: float
    out: float
    value: float

    def tree(self, c):
        h = self.neuron
        return equation(partial(f"out_{h}", f"net_{h}"),
                        written(self.formula, {"out": symbol(f"out_{h}"),
                                             "net": symbol(f"net_{h}")}),
                        written(self.formula, {"out": c.n(self.out), "net": c.n(self.net)}),
                        c.n(self.value, False))


@_record
class Delta(Event):
    """The neuron's error term: delta = dE/dnet = dE/dout * dout/dnet."""

    phase: ClassVar[str] = "backward"
    neuron: str
    dE_dout: float
    dout_dnet: float
    delta: float
    #: A softmax output (every out_u depends on net_n): the layer's outputs u, their dE/dout_u
    #: (with any loss but cross-entropy), the Jacobian's column dout_u/dnet_n, and (with
    #: cross-entropy) the targets; empty for any other neuron.
    outputs: Tuple[str, ...] = ()
    dE_douts: Tuple[float, ...] = ()
    jacobian: Tuple[float, ...] = ()
    targets: Tuple[float, ...] = ()

    def tree(self, c):
        h = self.neuron
        if self.outputs and c.book_sign:    # a softmax output in the books' sign
            return equation(symbol(f"delta_{h}"), Neg(partial("E_total", f"net_{h}")),
                            c.n(-self.delta, False))
        if self.outputs:        # a softmax output: the chain rule over every out_u
            chain = joined([row(partial("E_total", f"out_{u}"), "*", partial(f"out_{u}", f"net_{h}"))
                            for u in self.outputs])
            if self.targets:    # cross-entropy: the sum taken as one
                total = 0.0
                for target in self.targets:
                    total = total + target
                short = (row(symbol(f"out_{h}"), "-", symbol(f"target_{h}")) if total == 1.0 else
                         row(Mul(symbol(f"out_{h}"), Paren(joined([symbol(f"target_{u}")
                                                                 for u in self.outputs])),
                                 False), "-", symbol(f"target_{h}")))
            else:
                short = joined([Mul(c.n(a, k > 0), c.n(b))
                                for k, (a, b) in enumerate(zip(self.dE_douts, self.jacobian))])
            return equation(symbol(f"delta_{h}"), chain, short, c.n(self.delta, False))
        if c.book_sign:     # the books' error signal: delta = -dE/dnet, the same step negated
            chain = row(Neg(partial("E_total", f"out_{h}")), "*", partial(f"out_{h}", f"net_{h}"))
            if self.dE_dout is None:
                return equation(symbol(f"delta_{h}"), Neg(partial("E_total", f"net_{h}")),
                                row(symbol(f"target_{h}"), "-", symbol(f"out_{h}")),
                                c.n(-self.delta, False),
                                note=f"    (dE_total/dout_{h} is not defined here)")
            return equation(symbol(f"delta_{h}"), Neg(partial("E_total", f"net_{h}")),
                            self._book_chain(c) or chain,
                            Mul(c.n(-self.dE_dout, False), c.n(self.dout_dnet)),
                            c.n(-self.delta, False))
        chain = row(partial("E_total", f"out_{h}"), "*", partial(f"out_{h}", f"net_{h}"))
        if self.dE_dout is None:   # the pair taken as one (cross-entropy after a sigmoid)
            return equation(symbol(f"delta_{h}"), chain,
                            row(symbol(f"out_{h}"), "-", symbol(f"target_{h}")),
                            c.n(self.delta, False),
                            note=f"    (dE_total/dout_{h} is not defined here)")
        return equation(symbol(f"delta_{h}"), chain,
                        Mul(c.n(self.dE_dout, False), c.n(self.dout_dnet)),
                        c.n(self.delta, False))


    def _book_chain(self, c):
        """-dE/dout * f'(net) as the books write it, from the neuron's factors in ``c``:
        (target - out) out(1 - out) at an output, (delta_o1*w5 + ...) out(1 - out) at a hidden
        neuron; None where they are not known."""
        h = self.neuron
        error, messages, local = c.factors.get(h, (None, (), None))
        if local is None or not math.isclose(self.dE_dout * self.dout_dnet, self.delta,
                                             rel_tol=1e-12, abs_tol=1e-300):
            return None     # (a delta not of this product, a softmax layer's: the chain)
        f_prime = written(local.formula, {"out": symbol(f"out_{h}"), "net": symbol(f"net_{h}")})
        f_prime = f_prime if isinstance(f_prime, (Sym, Num, Mul)) else Paren(f_prime)
        if error is not None:       # -dE/dout at an output: the loss's derivative negated
            dE = written(error.formula, {"target": symbol(f"target_{h}"),
                                         "out": symbol(f"out_{h}")})
            signal = dE.inner if isinstance(dE, Neg) else Neg(Paren(dE))
        elif messages:              # -dE/dout_h = sum_o delta_o w_oh
            signal = joined([Mul(symbol(f"delta_{m.receiver}"), symbol(m.weight_name))
                             for m in messages])
            signal = Paren(signal) if len(messages) > 1 else signal.items[0]
        else:
            return None
        return Mul(signal, f_prime)


@_record
class WeightGradient(Event):
    """dE/dw = delta_receiver * dnet/dw (= the sender's out), plus lambda*w with weight decay."""

    phase: ClassVar[str] = "backward"
    weight_name: str
    neuron: str
    sender: str
    delta: float
    dnet_dw: float
    weight_decay: float
    weight: float
    value: float

    def tree(self, c):
        h, w = self.neuron, self.weight_name
        chain = row(symbol(f"delta_{h}"), "*", partial(f"net_{h}", w))
        numbers = Mul(c.n(self.delta, False), c.n(self.dnet_dw))
        if c.book_sign:     # dE/dw = -delta*x with the books' delta = -dE/dnet
            chain = row(Neg(symbol(f"delta_{h}")), "*", partial(f"net_{h}", w))
            numbers = Neg(Mul(c.n(-self.delta), c.n(self.dnet_dw)))
        if self.weight_decay:
            chain = row(*chain.items, "+", Mul(Sym("λ"), symbol(w)))
            numbers = row(numbers, "+", Mul(c.n(self.weight_decay), c.n(self.weight)))
        return equation(partial("E_total", w), chain, numbers, c.n(self.value, False))


@_record
class BiasGradient(Event):
    """dE/db = delta (dnet/db = 1); a bias shared by a layer sums its neurons' deltas; a
    threshold's is dE/dtheta = -delta (dnet/dtheta = -1)."""

    phase: ClassVar[str] = "backward"
    bias_name: str
    neurons: Tuple[str, ...]
    deltas: Tuple[float, ...]
    value: float

    def tree(self, c):
        if c.book_sign:     # the books' delta = -dE/dnet: dE/db = -delta, dE/dtheta = delta
            deltas = [symbol(f"delta_{h}") for h in self.neurons]
            numbers = [c.n(-d, k > 0) for k, d in enumerate(self.deltas)]
            if is_threshold(self.bias_name):
                return equation(partial("E_total", self.bias_name), deltas[0],
                                Num(numbers[0].text, False), c.n(self.value, False))
            if len(deltas) == 1:
                return equation(partial("E_total", self.bias_name), Neg(deltas[0]),
                                Neg(c.n(-self.deltas[0])), c.n(self.value, False))
            return equation(partial("E_total", self.bias_name), Neg(Paren(joined(deltas))),
                            Neg(Paren(joined(numbers))), c.n(self.value, False))
        if is_threshold(self.bias_name):    # dnet/dtheta = -1
            return equation(partial("E_total", self.bias_name),
                            Neg(symbol(f"delta_{self.neurons[0]}")),
                            Neg(c.n(self.deltas[0])), c.n(self.value, False))
        return equation(partial("E_total", self.bias_name),
                        joined([symbol(f"delta_{h}") for h in self.neurons]),
                        joined([c.n(d, k > 0) for k, d in enumerate(self.deltas)]),
                        c.n(self.value, False))


@_record
class InputGradient(Event):
    """The gradient on one input: dE/di_k = sum_j delta_j w_jk over the first layer's neurons
    (what a hidden neuron's dE/dout would be, one layer further down: the gradient an input
    layer, an embedding or a whole earlier network receives)."""

    phase: ClassVar[str] = "backward"
    input: str
    receivers: Tuple[str, ...]
    weight_names: Tuple[str, ...]
    deltas: Tuple[float, ...]
    weights: Tuple[float, ...]
    products: Tuple[float, ...]
    value: float

    def tree(self, c):
        if c.book_sign:     # -dE/di = sum_j delta_j w_jk with the books' delta
            return equation(Neg(partial("E_total", self.input)),
                            joined([Mul(symbol(f"delta_{r}"), symbol(w))
                                    for r, w in zip(self.receivers, self.weight_names)]),
                            joined([Mul(c.n(-d, k > 0), c.n(w))
                                    for k, (d, w) in enumerate(zip(self.deltas, self.weights))]),
                            c.n(-self.value, False))
        return equation(partial("E_total", self.input),
                        joined([Mul(symbol(f"delta_{r}"), symbol(w))
                                for r, w in zip(self.receivers, self.weight_names)]),
                        joined([Mul(c.n(d, k > 0), c.n(w))
                                for k, (d, w) in enumerate(zip(self.deltas, self.weights))]),
                        c.n(self.value, False))


@_record
class Update(Event):
    """Gradient descent on one weight or bias: new = old - eta * dE/d(name).

    With momentum mu the step goes through a velocity: v = mu v - eta dE/dw, new = old + v.
    """

    phase: ClassVar[str] = "update"
    name: str
    old: float
    learning_rate: float
    gradient: float
    new: float
    momentum: float = 0.0
    velocity: float = 0.0

    @property
    def change(self):
        """new - old."""
        return self.new - self.old

    def tree(self, c):
        name = self.name
        if self.momentum:
            return equation(symbol(name + "+"), row(symbol(name), "+", Sym("v", name)),
                            row(c.n(self.old, False), "+", c.n(self.velocity)),
                            c.n(self.new, False))
        gradient = c.gradients.get(name) if c.book_sign else None
        if gradient is not None and self._book_update(gradient):
            return self._book_tree(c, gradient)
        return equation(symbol(name + "+"),
                        row(symbol(name), "-", Mul(Sym("η"), partial("E_total", name))),
                        row(c.n(self.old, False), "-",
                            Mul(c.n(self.learning_rate), c.n(self.gradient))),
                        c.n(self.new, False))


    def _book_update(self, gradient):
        """Can this update be written w+ = w + eta*delta*x from ``gradient`` (its own
        gradient's event, no weight decay, one neuron's delta)?"""
        if type(gradient) is WeightGradient:
            return gradient.weight_name == self.name and not gradient.weight_decay
        return (type(gradient) is BiasGradient and gradient.bias_name == self.name
                and len(gradient.neurons) == 1)

    def _book_tree(self, c, g):
        """w+ = w + eta*delta*x (theta+ = theta - eta*delta) in the books' sign of delta."""
        name, eta = self.name, Sym("η")
        if type(g) is WeightGradient:
            x = symbol(g.sender) if g.sender in c.inputs else symbol(f"out_{g.sender}")
            step = Mul(Mul(eta, symbol(f"delta_{g.neuron}")), x)
            numbers = Mul(Mul(c.n(self.learning_rate), c.n(-g.delta)), c.n(g.dnet_dw))
        else:
            step = Mul(eta, symbol(f"delta_{g.neurons[0]}"))
            numbers = Mul(c.n(self.learning_rate), c.n(-g.deltas[0]))
        sign = "-" if is_threshold(name) else "+"
        return equation(symbol(name + "+"), row(symbol(name), sign, step),
                        row(c.n(self.old, False), sign, numbers), c.n(self.new, False))


#: Every event class by name, as ``to_dict()`` writes it in ``"event"``.
EVENT_TYPES = {cls.__name__: cls for cls in (
    ForwardMessage, NetInput, NeuronOutput, OutputError, TotalError, OutputErrorDerivative,
    BackwardMessage, HiddenErrorDerivative, ActivationDerivative, Delta, WeightGradient,
    BiasGradient, InputGradient, Update)}
