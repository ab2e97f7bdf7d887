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

from typing import ClassVar, Optional, Tuple

from .event_fields import _as_names, _bind, _checked, _record

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

#: Significant digits of the numbers in ``str(event)`` (Mazur prints nine).
DIGITS = 9


def num(x, digits=DIGITS):
    """Format a number as the hand calculation prints it: ``digits`` significant digits, and at
    least ``digits`` decimals from 1 up (Mazur prints net_o1 = 1.105905967, out_h1 = 0.593269992).

    >>> num(1.1059059670597702), num(0.5932699921071872), num(0.00043856773447434685)
    ('1.105905967', '0.593269992', '0.000438567734')
    """
    if x is None:       # a lone partial not defined in floating point (see neurosim.losses)
        return "not defined"
    a = abs(x)
    if 1.0 <= a < 1e16:
        digits = min(digits + len(str(int(a))), 17)
    return format(x, f".{digits}g")


#: The prefix of a threshold's name (``theta_h1``): the threshold convention, net = sum w x -
#: theta, is described in :mod:`neurosim.calculation` (its names and formulas); the records
#: only need to know a threshold when they see one, to write its minus sign.
THRESHOLD = "theta_"


def is_threshold(name):
    """True for a threshold's name (``theta_h1``, ``dE/dtheta_h1``, ``theta_h1+``)."""
    return isinstance(name, str) and name.rstrip("+").split("/d")[-1].startswith(THRESHOLD)


def operand(x, digits=DIGITS):
    """A number as it stands after an operator: negative numbers in parentheses."""
    text = num(x, digits)
    return f"({text})" if text.startswith("-") else text


def _signed_terms(values, digits):
    return " + ".join(num(v, digits) if k == 0 else operand(v, digits)
                      for k, v in enumerate(values))


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
        return tuple.__new__(cls, _checked(cls, _bind(cls, args, kwargs)))

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
        return {v for field, value in zip(self._fields, self) for v in _as_names(value, field)}

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

    def render(self, digits=DIGITS):
        """One line of the hand calculation, numbers shown to ``digits`` significant digits."""
        raise NotImplementedError

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

    def render(self, digits=DIGITS):
        value = self.sender if self.from_input else f"out_{self.sender}"
        return (f"{self.weight_name}*{value} = {num(self.weight, digits)}*"
                f"{operand(self.value, digits)} = {num(self.product, digits)}"
                f"    ({self.sender} -> {self.receiver})")


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

    def render(self, digits=DIGITS):
        symbols = [f"{w}*{s if self.from_inputs else 'out_' + s}"
                   for w, s in zip(self.weight_names, self.senders)]
        numbers = [f"{num(w, digits) if k == 0 else operand(w, digits)}*{operand(x, digits)}"
                   for k, (w, x) in enumerate(zip(self.weights, self.values))]
        symbolic, numeric = " + ".join(symbols), " + ".join(numbers)
        if self.bias_name is not None:     # + b, or - theta for a threshold
            sign = " - " if is_threshold(self.bias_name) else " + "
            symbolic += sign + self.bias_name
            numeric += sign + operand(self.bias, digits)
        return f"net_{self.neuron} = {symbolic} = {numeric} = {num(self.net, digits)}"


@_record
class NeuronOutput(Event):
    """A neuron squashes its net input with its activation: out = f(net)."""

    phase: ClassVar[str] = "forward"
    neuron: str
    activation: str
    formula: str
    net: float
    out: float

    def render(self, digits=DIGITS):
        if self.activation == "softmax":   # the formula names every net input of the layer
            return (f"out_{self.neuron} = {self.formula} = {num(self.out, digits)}    "
                    f"(net_{self.neuron} = {num(self.net, digits)})")
        symbolic = self.formula.replace("net", f"net_{self.neuron}")
        numeric = self.formula.replace("net", operand(self.net, digits))
        return f"out_{self.neuron} = {symbolic} = {numeric} = {num(self.out, digits)}"


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

    def render(self, digits=DIGITS):
        return (f"E_{self.neuron} = {_substitute(self.formula, self.neuron)} = "
                f"{_substitute(self.formula, self.neuron, self.target, self.out, digits)} = "
                f"{num(self.error, digits)}")


@_record
class TotalError(Event):
    """The total error of the sample: E_total = sum of the output terms."""

    phase: ClassVar[str] = "error"
    outputs: Tuple[str, ...]
    errors: Tuple[float, ...]
    total: float

    def render(self, digits=DIGITS):
        return (f"E_total = {' + '.join('E_' + o for o in self.outputs)} = "
                f"{_signed_terms(self.errors, digits)} = {num(self.total, digits)}")


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

    def render(self, digits=DIGITS):
        return (f"dE_total/dout_{self.neuron} = {_substitute(self.formula, self.neuron)} = "
                f"{_substitute(self.formula, self.neuron, self.target, self.out, digits)} = "
                f"{num(self.value, digits)}")


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

    def render(self, digits=DIGITS):
        return (f"dE_{self.receiver}/dout_{self.sender} = delta_{self.receiver}*{self.weight_name}"
                f" = {num(self.delta, digits)}*{operand(self.weight, digits)} = "
                f"{num(self.product, digits)}    ({self.receiver} -> {self.sender})")


@_record
class HiddenErrorDerivative(Event):
    """A hidden neuron sums the messages from the layer above: dE/dout_h = sum_o delta_o w_oh."""

    phase: ClassVar[str] = "backward"
    neuron: str
    receivers: Tuple[str, ...]
    products: Tuple[float, ...]
    value: float

    def render(self, digits=DIGITS):
        terms = " + ".join(f"dE_{r}/dout_{self.neuron}" for r in self.receivers)
        return (f"dE_total/dout_{self.neuron} = {terms} = {_signed_terms(self.products, digits)}"
                f" = {num(self.value, digits)}")


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

    def render(self, digits=DIGITS):
        n = self.neuron
        symbolic = self.formula.replace("out", f"out_{n}").replace("net", f"net_{n}")
        numeric = self.formula.replace("out", operand(self.out, digits)).replace(
            "net", operand(self.net, digits))
        return f"dout_{n}/dnet_{n} = {symbolic} = {numeric} = {num(self.value, digits)}"


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

    def render(self, digits=DIGITS):
        n = self.neuron
        if self.outputs:
            chain = " + ".join(f"dE_total/dout_{u} * dout_{u}/dnet_{n}" for u in self.outputs)
            if not self.targets:
                numbers = " + ".join(f"{operand(a, digits)}*{operand(b, digits)}"
                                     for a, b in zip(self.dE_douts, self.jacobian))
                return f"delta_{n} = {chain} = {numbers} = {num(self.delta, digits)}"
            total = 0.0
            for t in self.targets:
                total = total + t
            short = (f"out_{n} - target_{n}" if total == 1.0 else
                     f"out_{n} ({' + '.join('target_' + u for u in self.outputs)}) - target_{n}")
            return f"delta_{n} = {chain} = {short} = {num(self.delta, digits)}"
        if self.dE_dout is None:   # the pair taken as one (cross-entropy after a sigmoid)
            return (f"delta_{n} = dE_total/dout_{n} * dout_{n}/dnet_{n} = out_{n} - target_{n}"
                    f" = {num(self.delta, digits)}    (dE_total/dout_{n} is not defined here)")
        return (f"delta_{n} = dE_total/dout_{n} * dout_{n}/dnet_{n} = {num(self.dE_dout, digits)}"
                f"*{operand(self.dout_dnet, digits)} = {num(self.delta, digits)}")


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

    def render(self, digits=DIGITS):
        w, n = self.weight_name, self.neuron
        symbolic = f"delta_{n} * dnet_{n}/d{w}"
        numeric = f"{num(self.delta, digits)}*{operand(self.dnet_dw, digits)}"
        if self.weight_decay:
            symbolic += f" + lambda*{w}"
            numeric += f" + {num(self.weight_decay, digits)}*{operand(self.weight, digits)}"
        return f"dE_total/d{w} = {symbolic} = {numeric} = {num(self.value, digits)}"


@_record
class BiasGradient(Event):
    """dE/db = delta (dnet/db = 1); a bias shared by a layer sums its neurons' deltas; a
    threshold's is dE/dtheta = -delta (dnet/dtheta = -1)."""

    phase: ClassVar[str] = "backward"
    bias_name: str
    neurons: Tuple[str, ...]
    deltas: Tuple[float, ...]
    value: float

    def render(self, digits=DIGITS):
        symbolic = " + ".join(f"delta_{n}" for n in self.neurons)
        numeric = _signed_terms(self.deltas, digits)
        if is_threshold(self.bias_name):    # dnet/dtheta = -1
            symbolic, numeric = f"-{symbolic}", f"-{operand(self.deltas[0], digits)}"
        return (f"dE_total/d{self.bias_name} = {symbolic} = {numeric}"
                f" = {num(self.value, digits)}")


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

    def render(self, digits=DIGITS):
        symbolic = " + ".join(f"delta_{r}*{w}" for r, w in zip(self.receivers,
                                                               self.weight_names))
        numeric = " + ".join(f"{num(d, digits) if k == 0 else operand(d, digits)}*"
                             f"{operand(w, digits)}"
                             for k, (d, w) in enumerate(zip(self.deltas, self.weights)))
        return (f"dE_total/d{self.input} = {symbolic} = {numeric} = {num(self.value, digits)}")


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

    def render(self, digits=DIGITS):
        n = self.name
        if self.momentum:
            return (f"{n}+ = {n} + (mu*v_{n} - eta*dE/d{n}) = {num(self.old, digits)} + "
                    f"{operand(self.velocity, digits)} = {num(self.new, digits)}")
        return (f"{n}+ = {n} - eta*dE_total/d{n} = {num(self.old, digits)} - "
                f"{num(self.learning_rate, digits)}*{operand(self.gradient, digits)} = "
                f"{num(self.new, digits)}")


def _substitute(formula, neuron, target=None, out=None, digits=DIGITS):
    """Write a loss formula for one output, with symbols (no numbers given) or numbers."""
    if target is None:
        return formula.replace("target", f"target_{neuron}").replace("out", f"out_{neuron}")
    return formula.replace("target", operand(target, digits)).replace("out", operand(out, digits))


#: Every event class by name, as ``to_dict()`` writes it in ``"event"``.
EVENT_TYPES = {cls.__name__: cls for cls in (
    ForwardMessage, NetInput, NeuronOutput, OutputError, TotalError, OutputErrorDerivative,
    BackwardMessage, HiddenErrorDerivative, ActivationDerivative, Delta, WeightGradient,
    BiasGradient, InputGradient, Update)}
