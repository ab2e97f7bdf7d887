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
import sys
from ast import literal_eval
from functools import partial as _bound, reduce
from itertools import chain
from operator import add, itemgetter

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


# -- how an event stores and checks its fields ---------------------------------------------------
#
# An event class names its phase and its fields in its header, the fields as
# :func:`collections.namedtuple` takes them (``fields="sender receiver ... from_input=False"``,
# a default after ``=``), with the fields that may be None (``optional``) and those that hold
# one entry per connection, output or neuron (``same_length``). One field name has one meaning
# in every event, so what a field holds follows from its name: the tables below.

#: Fields holding neuron, weight and bias names (what ``Event.names`` and filtering read).
NAME_FIELDS = {"neuron", "sender", "receiver", "weight_name", "bias_name", "name", "neurons",
               "senders", "weight_names", "outputs", "input"}

#: The name fields naming a weight or bias (the rest name neurons and inputs).
PARAMETER_FIELDS = {"weight_name", "bias_name", "name", "weight_names"}

#: What each field holds when its name does not say "a name" or "a number".
_KIND_OF = {**dict.fromkeys(("activation", "formula", "loss"), "text"),
            **dict.fromkeys(("from_input", "from_inputs"), "flag"),
            **dict.fromkeys(("neurons", "senders", "weight_names", "outputs", "receivers"),
                            "names"),
            **dict.fromkeys(("weights", "values", "errors", "products", "deltas", "dE_douts",
                             "jacobian", "targets"), "numbers")}

#: Each kind of field: the types it takes, and what one and a list of them are, as the error
#: messages say it.
_KINDS = {"name": (str, "a name (str)", "a list of names (str)"), "text": (str, "a str", None),
          "flag": (bool, "true or false", None),
          "number": ((int, float), "a finite number", "a list of finite numbers")}

_BAD = object()


def as_names(value, field):
    """The names a field's value holds (none for a field that holds no names)."""
    if field not in NAME_FIELDS or value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _valid(kind, value):
    """``value`` as a field of ``kind`` holds it (an int becomes a float), or _BAD (bools are
    not numbers; an int past the float range is not finite)."""
    if not isinstance(value, _KINDS[kind][0]) or kind == "number" and (
            isinstance(value, bool) or not abs(value) <= sys.float_info.max):
        return _BAD
    return float(value) if kind == "number" else value


def bind(cls, args, kwargs):
    """The field values of ``cls(*args, **kwargs)`` in order, defaults filled in, or the
    TypeError a function with the fields as its parameters would raise."""
    fields, name = cls._fields, cls.__name__
    if len(args) > len(fields):
        raise TypeError(f"{name}() takes {len(fields)} arguments ({', '.join(fields)}), "
                        f"got {len(args)}")
    given = dict(zip(fields, args))
    for key in kwargs:
        if key not in fields or key in given:
            raise TypeError(f"{name}() got multiple values for argument {key!r}" if key in given
                            else f"{name}() got an unexpected keyword argument {key!r}; its "
                            f"fields are {', '.join(fields)}")
    given.update(kwargs)
    missing = [f for f in fields if f not in given and f not in cls._field_defaults]
    if missing:
        raise TypeError(f"{name}() missing the argument(s) {', '.join(missing)}")
    return [given.get(f, cls._field_defaults.get(f)) for f in fields]


def checked(cls, values):
    """Check (and normalise: lists to tuples, ints to floats) every field of a new event.

    Raises :class:`~neurosim.errors.InputError` naming the class, the field, what it must be
    and what it got, e.g. ``ForwardMessage.value must be a finite number, got None``. A field
    in the class's ``_optional`` may be None (a name left out, or a lone partial not defined
    in floating point; see neurosim.losses); the fields in ``_same_length`` hold one entry per
    connection, output or neuron, so must have equal lengths.
    """
    from .errors import InputError
    out = []
    for (field, kind, many, optional), value in zip(cls._spec, values):
        _, what, what_list = _KINDS[kind]
        if many and not isinstance(value, (list, tuple)):
            raise InputError(f"{cls.__name__}.{field} must be {what_list}, got {value!r}")
        good = [None if v is None and optional else _valid(kind, v)
                for v in (value if many else (value,))]
        if _BAD in good:
            k = good.index(_BAD)
            raise InputError(f"{cls.__name__}.{field}{f'[{k}]' if many else ''} must be {what}"
                             f"{' or null' if optional and kind == 'name' else ''}, "
                             f"got {(value[k] if many else value)!r}")
        out.append(tuple(good) if many else good[0])
    group = cls._same_length
    lengths = [len(out[cls._fields.index(name)]) for name in group]
    if len(set(lengths)) > 1:
        raise InputError(f"{cls.__name__}: {', '.join(group[:-1])} and {group[-1]} must "
                         f"have the same length, got {', '.join(map(str, lengths[:-1]))} "
                         f"and {lengths[-1]}")
    return out


class _Record(type):
    """Makes an event class a tuple record, as :func:`collections.namedtuple` does.

    Every field the class header names (``fields="..."``) becomes a read-only attribute reading
    one item of the tuple, ``_fields`` the tuple of their names, ``_field_defaults`` the
    defaults, and ``cls._make(values)`` (``values``: a tuple of every field, in order) builds an
    event without checking it. ``_make`` is ``tuple.__new__`` bound to the class, all in C: a
    recorded step of a 64-32-10 network makes some 7,700 events, and a frozen dataclass's
    builder took about twice as long.
    """

    def __new__(mcls, name, bases, namespace, phase="", fields="", optional=(), same_length=()):
        spec = [field.partition("=") for field in fields.split()]
        names = tuple(field for field, _, _ in spec)
        namespace.update(__slots__=(), phase=phase, _fields=names, _optional=optional,
                         _same_length=same_length,
                         _field_defaults={f: literal_eval(d) for f, eq, d in spec if eq})
        kinds = [_KIND_OF.get(f, "name" if f in NAME_FIELDS else "number") for f in names]
        namespace["_spec"] = tuple((f, kind.rstrip("s"), kind.endswith("s"), f in optional)
                                   for f, kind in zip(names, kinds))
        for k, field in enumerate(names):
            namespace[field] = property(itemgetter(k), doc=f"Field {k} of the event ({field}).")
        record = super().__new__(mcls, name, bases, namespace)
        record._make = _bound(tuple.__new__, record)
        return record


class Event(tuple, metaclass=_Record):
    """Base of every event: a ``phase``, the names it involves, ``to_dict()`` and one line.

    An event is a tuple of its fields, in the order ``_fields`` lists them, each also an
    attribute (as :func:`collections.namedtuple` and :class:`dis.Instruction`): immutable,
    hashable, equal to an event of the same class with the same fields. The constructor checks
    every field; the engine builds events with ``cls._make(fields)``, which does not.
    """

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
        return not self == other

    __hash__ = tuple.__hash__

    @property
    def names(self):
        """Every neuron, weight and bias name this event involves (for filtering)."""
        return set(chain.from_iterable(map(as_names, self, self._fields)))

    def to_dict(self):
        """The event as a JSON-ready dict, with its ``event`` class name and ``phase``."""
        return {"event": type(self).__name__, "phase": self.phase, **dict(zip(self._fields, self))}

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
        if kind is None or cls not in (Event, kind):
            raise FormatError(f"event must be one of {', '.join(EVENT_TYPES)}, got {name!r}")
        given = {k: v for k, v in data.items() if k not in ("event", "phase")}
        missing = [f for f in kind._fields if f not in kind._field_defaults and f not in given]
        for wrong, what in ((not set(kind._fields) >= set(given) or
                             data.get("phase", kind.phase) != kind.phase,
                             f"has the fields {', '.join(sorted(kind._fields))}"),
                            (missing, f"needs the fields {', '.join(missing)}")):
            if wrong:
                raise FormatError(f"{kind.__name__} {what}, got {', '.join(sorted(data))}")
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

    __str__ = render


def _loss_line(e, c, left, out, result):
    """A loss term or its derivative: left = the loss formula in names = in numbers = result."""
    return equation(left, written(e.formula, {"target": symbol(f"target_{e.neuron}"), "out": out}),
                    written(e.formula, c.loss_values(e.target, e.out)), c.n(result, False))


class ForwardMessage(Event, phase="forward",
        fields="sender receiver weight_name value weight product from_input=False"):
    """One connection carries the sender's output, times its weight, into the receiver."""

    def tree(self, c):
        return equation(Mul(symbol(self.weight_name), c.value_of(self.sender, self.from_input)),
                        Mul(c.n(self.weight, False), c.n(self.value)), c.n(self.product, False),
                        note=f"    ({self.sender} -> {self.receiver})")


class NetInput(Event, phase="forward",
        fields="neuron weight_names senders weights values bias_name bias net from_inputs=False",
        optional=("bias_name",),
        same_length=("weight_names", "senders", "weights", "values")):
    """A neuron sums its incoming messages and its bias: net = sum_i w_i x_i + b."""

    def tree(self, c):
        symbolic = joined([Mul(c.sym(w, "w"), c.value_of(s, self.from_inputs))
                           for w, s in zip(self.weight_names, self.senders)])
        numeric = joined([Mul(c.n(w, k > 0), c.n(x))
                          for k, (w, x) in enumerate(zip(self.weights, self.values))])
        if self.bias_name is not None:     # + b, or - theta (net = sum w x - theta)
            sign = "-" if is_threshold(self.bias_name) else "+"
            symbolic = row(symbolic, sign, c.sym(self.bias_name, "b"))
            numeric = row(numeric, sign, c.n(self.bias))
        return equation(c.sym(f"net_{self.neuron}"), symbolic, numeric, c.n(self.net, False))


class NeuronOutput(Event, phase="forward", fields="neuron activation formula net out"):
    """A neuron squashes its net input with its activation: out = f(net)."""

    def tree(self, c):
        out = c.sym(f"out_{self.neuron}")
        if self.activation == "softmax":   # the formula names every net input of the layer
            return equation(out, written(self.formula, {}), c.n(self.out, False),
                            note=f"    (net_{self.neuron} = {num(self.net, c.digits)})")
        return equation(out, written(self.formula, {"net": c.sym(f"net_{self.neuron}")}),
                        written(self.formula, {"net": c.n(self.net)}), c.n(self.out, False))


class OutputError(Event, phase="error", fields="neuron loss formula target out error"):
    """One output neuron's own term of the total error, E_o."""

    def tree(self, c):
        return _loss_line(self, c, c.sym(f"E_{self.neuron}"), c.sym(f"out_{self.neuron}"),
                          self.error)


class TotalError(Event, phase="error", fields="outputs errors total",
        same_length=("outputs", "errors")):
    """The total error of the sample: E_total = sum of the output terms."""

    def tree(self, c):
        return equation(c.sym("E_total"), joined([c.sym(f"E_{o}") for o in self.outputs]),
                        joined([c.n(e, k > 0) for k, e in enumerate(self.errors)]),
                        c.n(self.total, False))


class OutputErrorDerivative(Event, phase="backward", fields="neuron loss formula target out value",
        optional=("value",)):
    """The backward pass starts at an output: dE_total/dout_o = dE_o/dout_o."""

    def tree(self, c):
        return _loss_line(self, c, partial("E_total", f"out_{self.neuron}"),
                          symbol(f"out_{self.neuron}"), self.value)


class BackwardMessage(Event, phase="backward",
        fields="sender receiver weight_name delta weight product"):
    """One connection carries the receiver's delta, times its weight, back into the sender.

    ``sender`` is the neuron the weight leaves in the forward direction (the one receiving
    this message); ``receiver`` is the neuron whose delta travels back.
    """

    def tree(self, c):
        # in the books' sign (c.sign = -1) the message delta*w is -dE_o/dout_h
        left = partial(f"E_{self.receiver}", f"out_{self.sender}")
        return equation(Neg(left) if c.book_sign else left,
                        Mul(symbol(f"delta_{self.receiver}"), symbol(self.weight_name)),
                        Mul(c.n(c.delta(self.delta), False), c.n(self.weight)),
                        c.n(c.delta(self.product), False),
                        note=f"    ({self.receiver} -> {self.sender})")


class HiddenErrorDerivative(Event, phase="backward", fields="neuron receivers products value",
        same_length=("receivers", "products")):
    """A hidden neuron sums the messages from the layer above: dE/dout_h = sum_o delta_o w_oh."""

    def tree(self, c):
        h = self.neuron
        left, messages = partial("E_total", f"out_{h}"), [partial(f"E_{r}", f"out_{h}")
                                                          for r in self.receivers]
        if c.book_sign:     # -dE/dout_h = sum_o delta_o w_oh, the messages as they came
            left = Neg(left)
            symbolic = Row((Neg(messages[0]),) + tuple(x for m in messages[1:] for x in ("-", m)))
        else:
            symbolic = joined(messages)
        return equation(left, symbolic,
                        joined([c.n(c.delta(p), k > 0) for k, p in enumerate(self.products)]),
                        c.n(c.delta(self.value), False))


class ActivationDerivative(Event, phase="backward",
        fields="neuron activation formula net out value"):
    """The local derivative of the activation: dout/dnet = f'(net)."""

    def tree(self, c):
        h = self.neuron
        return equation(partial(f"out_{h}", f"net_{h}"),
                        written(self.formula, {"out": symbol(f"out_{h}"),
                                               "net": symbol(f"net_{h}")}),
                        written(self.formula, {"out": c.n(self.out), "net": c.n(self.net)}),
                        c.n(self.value, False))


class Delta(Event, phase="backward",
        fields="neuron dE_dout dout_dnet delta outputs=() dE_douts=() jacobian=() targets=()",
        optional=("dE_dout",)):
    """The neuron's error term: delta = dE/dnet = dE/dout * dout/dnet.

    A softmax output (every out_u depends on net_n) also has the layer's ``outputs`` u, their
    ``dE_douts`` (with any loss but cross-entropy), the Jacobian's column dout_u/dnet_n
    (``jacobian``), and (with cross-entropy) the ``targets``; they are empty for any other
    neuron.
    """

    def tree(self, c):
        h = self.neuron
        delta, dE_dnet = symbol(f"delta_{h}"), partial("E_total", f"net_{h}")
        if self.outputs and c.book_sign:    # a softmax output in the books' sign
            return equation(delta, Neg(dE_dnet), c.n(-self.delta, False))
        if self.outputs:        # a softmax output: the chain rule over every out_u
            chain = joined([row(partial("E_total", f"out_{u}"), "*", partial(f"out_{u}", f"net_{h}"))
                            for u in self.outputs])
            if not self.targets:
                short = joined([Mul(c.n(a, k > 0), c.n(b))
                                for k, (a, b) in enumerate(zip(self.dE_douts, self.jacobian))])
            elif reduce(add, self.targets, 0.0) == 1.0:    # cross-entropy: the sum taken as one
                short = row(symbol(f"out_{h}"), "-", symbol(f"target_{h}"))
            else:
                short = row(Mul(symbol(f"out_{h}"), Paren(joined([symbol(f"target_{u}")
                                                                 for u in self.outputs])), False),
                            "-", symbol(f"target_{h}"))
            return equation(delta, chain, short, c.n(self.delta, False))
        # the books' error signal: delta = -dE/dnet, the same step negated
        dE_dout = partial("E_total", f"out_{h}")
        chain = row(Neg(dE_dout) if c.book_sign else dE_dout, "*", partial(f"out_{h}", f"net_{h}"))
        if self.dE_dout is None:   # the pair taken as one (cross-entropy after a sigmoid)
            pair = (f"target_{h}", f"out_{h}") if c.book_sign else (f"out_{h}", f"target_{h}")
            return equation(delta, Neg(dE_dnet) if c.book_sign else chain,
                            row(symbol(pair[0]), "-", symbol(pair[1])),
                            c.n(c.delta(self.delta), False),
                            note=f"    (dE_total/dout_{h} is not defined here)")
        sides = [Neg(dE_dnet), self._book_chain(c) or chain] if c.book_sign else [chain]
        return equation(delta, *sides, Mul(c.n(c.delta(self.dE_dout), False), c.n(self.dout_dnet)),
                        c.n(c.delta(self.delta), False))

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


class WeightGradient(Event, phase="backward",
        fields="weight_name neuron sender delta dnet_dw weight_decay weight value"):
    """dE/dw = delta_receiver * dnet/dw (= the sender's out), plus lambda*w with weight decay."""

    def tree(self, c):
        h, w = self.neuron, self.weight_name
        delta = symbol(f"delta_{h}")        # dE/dw = -delta*x with the books' delta = -dE/dnet
        chain = row(Neg(delta) if c.book_sign else delta, "*", partial(f"net_{h}", w))
        numbers = Mul(c.n(c.delta(self.delta), c.book_sign), c.n(self.dnet_dw))
        numbers = Neg(numbers) if c.book_sign else numbers
        if self.weight_decay:
            chain = row(*chain.items, "+", Mul(Sym("λ"), symbol(w)))
            numbers = row(numbers, "+", Mul(c.n(self.weight_decay), c.n(self.weight)))
        return equation(partial("E_total", w), chain, numbers, c.n(self.value, False))


class BiasGradient(Event, phase="backward", fields="bias_name neurons deltas value",
        same_length=("neurons", "deltas")):
    """dE/db = delta (dnet/db = 1); a bias shared by a layer sums its neurons' deltas; a
    threshold's is dE/dtheta = -delta (dnet/dtheta = -1). In the books' sign (delta = -dE/dnet)
    dE/db = -delta and dE/dtheta = delta."""

    def tree(self, c):
        deltas = [symbol(f"delta_{h}") for h in self.neurons]
        numbers = [c.n(c.delta(d), k > 0) for k, d in enumerate(self.deltas)]
        if c.book_sign != is_threshold(self.bias_name):     # dE/db = -delta
            symbolic, numeric = ((Neg(deltas[0]), Neg(c.n(c.delta(self.deltas[0]))))
                                 if len(deltas) == 1 else
                                 (Neg(Paren(joined(deltas))), Neg(Paren(joined(numbers)))))
        elif c.book_sign:       # the books' dE/dtheta = delta
            symbolic, numeric = deltas[0], numbers[0]
        else:
            symbolic, numeric = joined(deltas), joined(numbers)
        return equation(partial("E_total", self.bias_name), symbolic, numeric,
                        c.n(self.value, False))


class InputGradient(Event, phase="backward",
        fields="input receivers weight_names deltas weights products value",
        same_length=("receivers", "weight_names", "deltas", "weights", "products")):
    """The gradient on one input: dE/di_k = sum_j delta_j w_jk over the first layer's neurons
    (what a hidden neuron's dE/dout would be, one layer further down: the gradient an input
    layer, an embedding or a whole earlier network receives)."""

    def tree(self, c):
        left = partial("E_total", self.input)   # -dE/di = sum_j delta_j w_jk with the books' delta
        return equation(Neg(left) if c.book_sign else left,
                        joined([Mul(symbol(f"delta_{r}"), symbol(w))
                                for r, w in zip(self.receivers, self.weight_names)]),
                        joined([Mul(c.n(c.delta(d), k > 0), c.n(w))
                                for k, (d, w) in enumerate(zip(self.deltas, self.weights))]),
                        c.n(c.delta(self.value), False))


class Update(Event, phase="update",
        fields="name old learning_rate gradient new momentum=0.0 velocity=0.0"):
    """Gradient descent on one weight or bias: new = old - eta * dE/d(name).

    With momentum mu the step goes through a velocity: v = mu v - eta dE/dw, new = old + v.
    In the books' sign, where the gradient's event is known (one neuron's delta, no weight
    decay), w+ = w + eta*delta*x (theta+ = theta - eta*delta).
    """

    @property
    def change(self):
        """new - old."""
        return self.new - self.old

    def tree(self, c):
        name, eta = self.name, Sym("η")
        g = c.gradients.get(name) if c.book_sign and not self.momentum else None
        sign = "-" if is_threshold(name) else "+"   # the books' w + eta*delta*x, theta - eta*delta
        if self.momentum:       # through the velocity: new = old + v
            sign, step, numbers = "+", Sym("v", name), c.n(self.velocity)
        elif type(g) is WeightGradient and g.weight_name == name and not g.weight_decay:
            x = symbol(g.sender) if g.sender in c.inputs else symbol(f"out_{g.sender}")
            step = Mul(Mul(eta, symbol(f"delta_{g.neuron}")), x)
            numbers = Mul(Mul(c.n(self.learning_rate), c.n(-g.delta)), c.n(g.dnet_dw))
        elif type(g) is BiasGradient and g.bias_name == name and len(g.neurons) == 1:
            step = Mul(eta, symbol(f"delta_{g.neurons[0]}"))
            numbers = Mul(c.n(self.learning_rate), c.n(-g.deltas[0]))
        else:
            sign, step = "-", Mul(eta, partial("E_total", name))
            numbers = Mul(c.n(self.learning_rate), c.n(self.gradient))
        return equation(symbol(name + "+"), row(symbol(name), sign, step),
                        row(c.n(self.old, False), sign, numbers), c.n(self.new, False))


#: Every event class by name, as ``to_dict()`` writes it in ``"event"``.
EVENT_TYPES = {cls.__name__: cls for cls in (
    ForwardMessage, NetInput, NeuronOutput, OutputError, TotalError, OutputErrorDerivative,
    BackwardMessage, HiddenErrorDerivative, ActivationDerivative, Delta, WeightGradient,
    BiasGradient, InputGradient, Update)}
