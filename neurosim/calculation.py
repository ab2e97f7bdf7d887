"""The hand calculation as data: every named quantity of one training step, in order.

This module is the one place where the training step is written. :func:`plan` lists the
quantities of one step of a network, each a :class:`Quantity` record (as :mod:`dis` lists
instructions): its ``name`` as the hand calculation writes it, its ``kind``, the ``phase``, the
neuron or parameter it belongs to (``owner``), the names it ``reads``, and its ``formula``::

    >>> from neurosim.worked_examples import mazur
    >>> for q in plan(mazur())[:4]:
    ...     print(q)
    w1*i1          forward   message     w1*i1
    w2*i2          forward   message     w2*i2
    net_h1         forward   net         w1*i1 + w2*i2 + b1
    out_h1         forward   out         1 / (1 + e^(-net_h1))

Everything else is derived from that list: the code that runs the step
(:mod:`neurosim.engine` turns each quantity into one line of Python, ``net_h1 = w1*i1 + w2*i2 +
b1``), the events a recorded or stepped step yields (:func:`event`), the quantity names
(``neurosim.quantities``) and the stopping places of the stepper. Adding an activation, a loss
or a bias convention is a change to :data:`KINDS` and :func:`plan`, and every view follows.

The step (Mazur 2015; seed 004, formulas (1) to (3)), one kind per line::

    message   w*x                     forward: one per connection (x: an input or out_h)
    net       sum of messages + b     summed left to right, the order written (see below)
    out       f(net)
    error     E_o(target, out)        one output's term of the error
    total     E_o1 + E_o2 + ...
    dE_dout   E_o'(target, out)       at an output
    backward  delta_u * w_uh          backward: one per connection into a hidden neuron
    dE_dout   sum of backward messages   at a hidden neuron
    dout_dnet f'(net, out)
    delta     dE/dout * dout/dnet      (= dE/dnet)
    dnet_dw   x                        what the weight multiplies
    dE_dw     delta * dnet/dw  (+ lambda w with weight decay)
    dE_db     delta, or the sum of the layer's deltas for a shared bias
    jacobian  -out_u out_n              a softmax output layer: dout_u/dnet_n off the diagonal
                                        (the diagonal is each neuron's dout_dnet, out (1 - out))
    softmax delta  sum_u dE/dout_u dout_u/dnet_n   a softmax output's delta (with cross-entropy
                                        taken as one: out_n (t_1 + ... + t_n) - t_n)
    input message  delta_h * w_hi         one per connection out of an input
    input gradient sum of input messages  dE/di = sum_h delta_h w_hi (first layer, weights
                                          before the update)
    velocity  mu v - eta dE/dw         with momentum only
    update    w - eta dE/dw, or w + v with momentum

**One summation order.** Every sum of the step (a net input, the total error, a hidden
neuron's dE/dout, a shared bias's gradient) adds its terms left to right in the order written,
``((t1 + t2) + t3) + ...``: written out term by term, or by :func:`added` and :func:`dot` in
the steps written neuron by neuron (never with a compensated sum: from Python 3.12 on ``sum()``
of floats is compensated, so :func:`added` uses it only before 3.12, where it adds left to
right). Written this way the step gives the same bits on every Python from 3.10 on.
"""

import re
import sys
from collections import namedtuple
from functools import lru_cache, reduce
from operator import add, mul

from .events import (THRESHOLD, ActivationDerivative, BackwardMessage, BiasGradient, Delta,
                     ForwardMessage, HiddenErrorDerivative, InputGradient, NetInput, is_threshold,
                     NeuronOutput, OutputError,
                     OutputErrorDerivative, TotalError, Update, WeightGradient)

__all__ = ["Quantity", "Shape", "plan", "shape_of", "names", "canonical", "event", "KINDS", "Kind", "VECTOR",
           "THRESHOLD", "threshold_name", "is_threshold"]


class Quantity(namedtuple("Quantity", "name kind phase owner reads formula neuron layer")):
    """One named quantity of a step: ``net_h1 = w1*i1 + w2*i2 + b1``.

    ``reads`` are the names it is computed from, in the order of the formula; ``neuron`` is the
    neuron whose object stores it (None for the total error and a shared bias's gradient);
    ``layer`` counts the non-input layers from 0.
    """

    __slots__ = ()

    def __str__(self):
        return f"{self.name:<14} {self.phase:<9} {self.kind:<11} {self.formula}"


#: What a kind of quantity is: its phase, the event that reports it, and the Python expression
#: that computes it from its operands (a function of the operands' expressions, the quantity
#: and the rules: the Shape, whose ``inline`` attribute, where it has one, says whether an
#: activation's or loss's own expression is written in place of a call to it).
Kind = namedtuple("Kind", "phase event python")

_left_to_right = " + ".join


def _loss_python(attribute):
    def python(ops, q, rules):
        if len(ops) > 3:        # (target, out, net, nets...): from the softmax layer's nets
            return (f"_loss_{attribute}_net({ops[0]}, {ops[1]}, {ops[2]}, {rules.n_out}, "
                    f"({', '.join(ops[3:])},))")
        if len(ops) == 3:       # (target, out, net): the loss computed from the net input
            return f"_loss_{attribute}_net({ops[0]}, {ops[1]}, {ops[2]}, {rules.n_out})"
        code = getattr(getattr(rules.loss, attribute), "inline", None)
        if code and getattr(rules, "inline", True):
            return "(" + code.format(t=ops[0], o=ops[1], n=rules.n_out) + ")"
        return f"_loss_{attribute}({ops[0]}, {ops[1]}, {rules.n_out})"
    return python


def _pair_python(ops, q, rules):
    """delta of an output whose loss differentiates dE/dout * dout/dnet as one (reads
    dE/dout, dout/dnet, target, out: the first two for the event only). After a softmax the
    layer's targets follow: delta_k = out_k (t_1 + ... + t_n) - t_k (see neurosim.losses)."""
    if len(ops) > 4:
        return f"{ops[3]} * ({_left_to_right(ops[4:])}) - {ops[2]}"
    code = getattr(rules.loss.delta, "inline", None)
    if code and getattr(rules, "inline", True):
        return "(" + code.format(t=ops[2], o=ops[3], n=rules.n_out) + ")"
    return f"_loss_delta({ops[2]}, {ops[3]}, {rules.n_out})"


def _activation_python(attribute):
    def python(ops, q, rules):
        k = q.layer
        code = getattr(getattr(rules.activations[k], attribute), "inline", None)
        if code and getattr(rules, "inline", True):
            return "(" + code.format(net=ops[0], out=ops[-1]) + ")"
        if attribute == "f" and len(ops) > 1:   # softmax: (own net, every net of the layer)
            j = rules.layers[k][0].index(q.neuron)
            return f"_softmax({j}, ({', '.join(ops[1:])},))"
        if attribute == "f":
            return f"_f{k}({ops[0]})"
        return f"_df{k}({ops[0]}, {ops[1]})"
    return python


def _gradient_python(ops, q, rules):
    if len(ops) == 4:           # dE/dw = delta * dnet/dw + lambda * w
        return f"{ops[0]} * {ops[1]} + {ops[2]} * {ops[3]}"
    return f"{ops[0]} * {ops[1]}"


def _update_python(ops, q, rules):
    if len(ops) == 4:           # w+ = w + v+
        return f"{ops[0]} + {ops[3]}"
    return f"{ops[0]} - {ops[1]} * {ops[2]}"   # w+ = w - eta dE/dw


def _net_python(ops, rules):
    """net = w1*x1 + ... + b, or with a threshold: net = w1*x1 + ... - theta (every neuron
    has one then: thresholds need bias="per_neuron")."""
    if getattr(rules, "thresholds", False):
        return _left_to_right(ops[:-1]) + " - " + ops[-1]
    return _left_to_right(ops)


def _bias_gradient_python(ops, rules):
    """dE/db = delta (summed over the layer for a shared bias); dE/dtheta = -delta."""
    if getattr(rules, "thresholds", False):
        return f"-{ops[0]}"
    return _left_to_right(ops)


KINDS = {
    "message": Kind("forward", ForwardMessage, lambda ops, q, r: f"{ops[0]} * {ops[1]}"),
    "net": Kind("forward", NetInput, lambda ops, q, r: _net_python(ops, r)),
    "out": Kind("forward", NeuronOutput, _activation_python("f")),
    "error": Kind("error", OutputError, _loss_python("error")),
    "total": Kind("error", TotalError, lambda ops, q, r: _left_to_right(ops)),
    "output dE_dout": Kind("backward", OutputErrorDerivative, _loss_python("dE_dout")),
    "backward": Kind("backward", BackwardMessage, lambda ops, q, r: f"{ops[0]} * {ops[1]}"),
    "hidden dE_dout": Kind("backward", HiddenErrorDerivative,
                           lambda ops, q, r: _left_to_right(ops)),
    "dout_dnet": Kind("backward", ActivationDerivative, _activation_python("df")),
    "delta": Kind("backward", Delta, lambda ops, q, r: f"{ops[0]} * {ops[1]}"),
    "output delta": Kind("backward", Delta, _pair_python),
    "jacobian": Kind("backward", None, lambda ops, q, r: f"-{ops[0]} * {ops[1]}"),
    "softmax delta": Kind("backward", Delta,
                          lambda ops, q, r: _left_to_right(f"{a} * {b}" for a, b in
                                                           zip(ops[::2], ops[1::2]))),
    "dnet_dw": Kind("backward", None, lambda ops, q, r: ops[0]),
    "dE_dw": Kind("backward", WeightGradient, _gradient_python),
    "dE_db": Kind("backward", BiasGradient, lambda ops, q, r: _bias_gradient_python(ops, r)),
    "input message": Kind("backward", None, lambda ops, q, r: f"{ops[0]} * {ops[1]}"),
    "input gradient": Kind("backward", InputGradient, lambda ops, q, r: _left_to_right(ops)),
    "velocity": Kind("update", None,
                     lambda ops, q, r: f"{ops[1]} * {ops[0]} - {ops[2]} * {ops[3]}"),
    "update": Kind("update", Update, _update_python),
}


#: The same formulas for a whole neuron at once, for networks too large to write connection
#: by connection (:mod:`neurosim.engine`): the same operations in the same order, so the same
#: bits. ``W``: the neuron's weights, ``X``: its inputs, ``G``: its dE/dw, ``V``: velocities.
VECTOR = {
    "net": "_dot({W}, {X}) + {b}",               # w1 x1 + w2 x2 + ... + b
    "net threshold": "_dot({W}, {X}) - {b}",     # w1 x1 + ... - theta
    "hidden dE_dout": "_dot({D}, {column})",     # delta_u w_uh summed over u
    "input gradient": "[_dot({D}, c) for c in zip({rows})]",  # per input
    "dE_dw": "[{delta} * x for x in {X}]",
    "dE_dw decay": "[{delta} * x + _decay * w for x, w in zip({X}, {W})]",
    "velocity": "[_mu * v - _lr * g for v, g in zip({V}, {G})]",
    "update": "[w - _lr * g for w, g in zip({W}, {G})]",
    "update momentum": "[w + v for w, v in zip({W}, {V})]",
}


def added(terms):
    """``t1 + t2 + ...`` added left to right, as every sum of the step is written.

    Up to Python 3.11 :func:`sum` of floats adds left to right, in C; from 3.12 it is
    compensated (other bits), so there :func:`functools.reduce` adds. Both compute
    ``((-0.0 + t1) + t2) + ...``, and ``-0.0 + t1`` is ``t1`` to the bit (a zero's sign too).

    >>> added([0.1, 0.2, 0.3]) == (0.1 + 0.2) + 0.3
    True
    """
    return _added(terms, -0.0)


_added = sum if sys.version_info < (3, 12) else (lambda terms, start: reduce(add, terms, start))


def dot(u, v):
    """``u1 v1 + u2 v2 + ...``, added left to right (:func:`added`): a net input's
    ``w1 x1 + w2 x2 + ...`` in the steps written neuron by neuron (:data:`VECTOR`)."""
    return _added(map(mul, u, v), -0.0)


class Shape(namedtuple("Shape", "input_names layers bias_mode train_biases hidden_deltas "
                                "decay momentum activations loss n_out thresholds",
                       defaults=(False,))):
    """What a step's plan depends on: names, sizes and rules, never the weights' values.

    ``layers`` holds, per non-input layer, ``(neuron names, weight names per neuron, bias name
    per neuron or None)``. Hashable, so plans and compiled steps are cached by it.
    ``thresholds`` (per-neuron biases only): each bias is a threshold, see :data:`THRESHOLD`.
    """

    __slots__ = ()


#: The threshold convention (Negnevitsky; Haykin's threshold; Han, Kamber and Pei name their
#: bias theta but add it): a neuron fires against a threshold theta on a fixed input of -1,
#:
#:     net = w1 x1 + w2 x2 + ... + theta * (-1) = sum_i w_i x_i - theta
#:
#: so theta is a weight like any other: dnet/dtheta = -1, dE/dtheta = -delta, and it moves as
#: theta+ = theta - eta dE/dtheta = theta + eta delta. It is the bias with its sign turned,
#: theta = -b, and gives the same numbers bit for bit (x - theta is x + b exactly). This is
#: the one place the convention is written: the names (``theta_h1``), the formulas, and the
#: Python the engine runs all come from here; the neuron objects hold theta in ``bias``.
def threshold_name(neuron):
    """The name of a neuron's threshold: ``theta_h1`` (prefix :data:`THRESHOLD`)."""
    return THRESHOLD + neuron


def shape_of(net):
    """The :class:`Shape` of ``net``: the key of its plan and of its compiled steps (a rule
    added here must be added to ``neurosim.engine._rules`` too, which a step compares)."""
    layers = tuple((tuple(n.name for n in layer.neurons),
                    tuple(tuple(n.weight_names) for n in layer.neurons),
                    tuple(n.bias_name for n in layer.neurons)) for layer in net.layers)
    return Shape(tuple(net.input_names), layers, net.bias_mode, net.train_biases,
                 net.hidden_deltas, bool(net.weight_decay), bool(net.momentum),
                 tuple(layer.activation for layer in net.layers), net.loss,
                 len(net.layers[-1].neurons), bool(getattr(net, "thresholds", False)))


def plan(net_or_shape, *, update=True):
    """The quantities of one step, in the order of the hand calculation (a tuple).

    ``update=False`` stops after the gradients (batch training and gradient checks add up or
    compare gradients before any weight moves).
    """
    shape = net_or_shape if isinstance(net_or_shape, Shape) else shape_of(net_or_shape)
    return _plan(shape, update)


def names(net):
    """Every quantity name of one step of ``net``, in the order of the hand calculation
    (:mod:`neurosim.quantities` lists them, with their meanings): the
    givens, then the plan of :mod:`neurosim.calculation` (the weights and biases standing after
    the forward pass, as the hand calculation lists them before the error), then the same
    sample's forward pass with the updated weights (``net_h1+`` ... ``E_total+``)."""
    steps = plan(net)
    givens = list(net.input_names) + [f"target_{n.name}" for n in net.output_layer.neurons]
    forward = [q.name for q in steps if q.phase == "forward"]
    rest = [q.name for q in steps if q.phase != "forward" and q.kind != "velocity"]
    after = [q.name + "+" for q in steps if q.kind in ("net", "out")]
    after += [f"E_{n.name}+" for n in net.output_layer.neurons] + ["E_total+"]
    return givens + forward + list(net.parameter_names()) + rest + after


def canonical(name):
    """The name in the spelling of :func:`names` (:mod:`neurosim.quantities` has the table of
    names and the accepted spellings): ``"dE_total/dw5"`` -> ``"dE/dw5"``.

    >>> canonical("dE_o1 / dnet_o1"), canonical("∂E_total/∂out_h1"), canonical("w5+")
    ('delta_o1', 'dE/dout_h1', 'w5+')
    """
    text = re.sub("^dE_total/", "dE/", "".join(str(name).split()).replace("∂", "d"))
    # dE/dnet_h, dE_h/dnet_h: delta_h; dE_o/dout_o: dE/dout_o (a neuron's own error term)
    match = re.match(r"dE(?:_(\w+))?/d(net|out)_(\w+)$", text)
    if match and match.group(1) in (None, match.group(3)):
        return ("delta_" if match.group(2) == "net" else "dE/dout_") + match.group(3)
    return text


@lru_cache(maxsize=256)
def _plan(s, update):
    out = []

    def add(name, kind, owner, reads, formula, neuron=None, layer=None):
        out.append(Quantity(name, kind, KINDS[kind].phase, owner, tuple(reads), formula, neuron,
                            layer))

    # -- forward: net = sum_i w_i x_i + b, out = f(net) ----------------------------------------
    senders = [(name, name) for name in s.input_names]     # (neuron name, value name)
    for k, (neurons, weight_names, bias_names) in enumerate(s.layers):
        act = s.activations[k]
        for n, row, b in zip(neurons, weight_names, bias_names):
            messages = []
            for w, (_, x) in zip(row, senders):
                add(f"{w}*{x}", "message", n, (w, x), f"{w}*{x}", n, k)
                messages.append(f"{w}*{x}")
            terms = messages + [b or "0.0"]       # no bias: + 0.0, as the bias of 0.0 it is
            if b and s.thresholds:                # net = sum w x - theta
                formula = _left_to_right(messages) + " - " + b
            else:
                formula = _left_to_right(terms[:-1] + [b] if b else terms[:-1])
            add(f"net_{n}", "net", n, terms, formula, n, k)
            if act.of_layer is None:
                add(f"out_{n}", "out", n, (f"net_{n}",),
                    act.formula.replace("net", f"net_{n}"), n, k)
        if act.of_layer is not None:
            # softmax, once every net input of the layer is known:
            # out_n = e^net_n / (e^net_o1 + e^net_o2 + ...)
            nets = [f"net_{m}" for m in neurons]
            for n in neurons:
                add(f"out_{n}", "out", n, [f"net_{n}"] + nets,
                    f"e^net_{n} / ({_left_to_right('e^' + z for z in nets)})", n, k)
        senders = [(n, f"out_{n}") for n in neurons]

    # -- error: E_total = sum_o E_o -------------------------------------------------------------
    outputs = s.layers[-1][0]
    # A loss with a pair rule (binary cross-entropy after a sigmoid) is computed from net.
    from_net = getattr(s.loss, "delta", None) is not None
    softmax = s.activations[-1].of_layer is not None
    nets = tuple(f"net_{o}" for o in outputs) if softmax and from_net else ()
    for o in outputs:
        reads = (f"target_{o}", f"out_{o}") + ((f"net_{o}",) if from_net else ()) + nets
        add(f"E_{o}", "error", o, reads, _loss_formula(s.loss.formula, o), o, len(s.layers) - 1)
    add("E_total", "total", None, [f"E_{o}" for o in outputs],
        _left_to_right(f"E_{o}" for o in outputs))

    # -- backward, from the output layer down -------------------------------------------------
    each_layer = update and s.hidden_deltas == "updated_weights"
    last = len(s.layers) - 1
    for k in range(last, -1, -1):
        neurons, weight_names, bias_names = s.layers[k]
        act = s.activations[k]
        xs = (list(s.input_names) if k == 0 else [f"out_{n}" for n in s.layers[k - 1][0]])
        if k == last:
            net_for_dE = getattr(s.loss, "dE_dout_net", None) is not None
            for o in neurons:
                reads = (f"target_{o}", f"out_{o}") + ((f"net_{o}",) if net_for_dE else ())
                add(f"dE/dout_{o}", "output dE_dout", o, reads,
                    _loss_formula(s.loss.derivative, o), o, k)
        else:
            above, above_weights, _ = s.layers[k + 1]
            new = "+" if each_layer else ""   # updated_weights: the messages read w+
            for j, h in enumerate(neurons):
                messages = []
                for u, row in zip(above, above_weights):
                    w = row[j] + new
                    add(f"dE_{u}/dout_{h}", "backward", h, (f"delta_{u}", w),
                        f"delta_{u}*{w}", h, k)
                    messages.append(f"dE_{u}/dout_{h}")
                add(f"dE/dout_{h}", "hidden dE_dout", h, messages, _left_to_right(messages),
                    h, k)
        for n, row in zip(neurons, weight_names):
            if act.of_layer is not None:   # softmax: a column of the Jacobian, then delta
                _softmax_delta(s, add, neurons, n, k, from_net)
            elif from_net and k == last:     # the pair taken as one: delta = out - target
                add(f"dout_{n}/dnet_{n}", "dout_dnet", n, (f"net_{n}", f"out_{n}"),
                    act.derivative.replace("out", f"out_{n}").replace("net", f"net_{n}"), n, k)
                add(f"delta_{n}", "output delta", n, (f"dE/dout_{n}", f"dout_{n}/dnet_{n}",
                                                      f"target_{n}", f"out_{n}"),
                    _loss_formula(s.loss.delta_formula, n), n, k)
            else:
                add(f"dout_{n}/dnet_{n}", "dout_dnet", n, (f"net_{n}", f"out_{n}"),
                    act.derivative.replace("out", f"out_{n}").replace("net", f"net_{n}"), n, k)
                add(f"delta_{n}", "delta", n, (f"dE/dout_{n}", f"dout_{n}/dnet_{n}"),
                    f"dE/dout_{n} * dout_{n}/dnet_{n}", n, k)
            for w, x in zip(row, xs):
                add(f"dnet_{n}/d{w}", "dnet_dw", w, (x,), x, n, k)
                if s.decay:
                    add(f"dE/d{w}", "dE_dw", w, (f"delta_{n}", f"dnet_{n}/d{w}", "weight_decay",
                                                 w), f"delta_{n} * dnet_{n}/d{w} + lambda*{w}", n, k)
                else:
                    add(f"dE/d{w}", "dE_dw", w, (f"delta_{n}", f"dnet_{n}/d{w}"),
                        f"delta_{n} * dnet_{n}/d{w}", n, k)
            if s.bias_mode == "per_neuron":
                b = bias_names[neurons.index(n)]
                add(f"dE/d{b}", "dE_db", b, (f"delta_{n}",),
                    f"-delta_{n}" if s.thresholds else f"delta_{n}", n, k)
        if s.bias_mode == "shared":
            b = bias_names[0]
            deltas = [f"delta_{n}" for n in neurons]
            add(f"dE/d{b}", "dE_db", b, deltas, _left_to_right(deltas), None, k)
        if k == 0:
            _input_gradients(s, add)
        if each_layer:
            _updates(s, [k], add)
    if update and not each_layer:
        _updates(s, range(len(s.layers)), add)
    return tuple(out)


def _softmax_delta(s, add, neurons, n, k, from_net):
    """A softmax output's column of the Jacobian and its delta.

    Every out_u depends on net_n: dout_u/dnet_n = out_u (delta_un - out_n), that is
    out_n (1 - out_n) on the diagonal (the neuron's dout_dnet) and -out_u out_n off it, so
    delta_n = dE/dnet_n = sum_u dE/dout_u dout_u/dnet_n (left to right in u). With
    cross-entropy the sum is taken as one: delta_n = out_n (t_1 + ... + t_n) - t_n.
    """
    column = []
    for u in neurons:
        if u == n:
            add(f"dout_{n}/dnet_{n}", "dout_dnet", n, (f"net_{n}", f"out_{n}"),
                f"out_{n} (1 - out_{n})", n, k)
        else:
            add(f"dout_{u}/dnet_{n}", "jacobian", u, (f"out_{u}", f"out_{n}"),
                f"-out_{u}*out_{n}", n, k)
        column += [f"dE/dout_{u}", f"dout_{u}/dnet_{n}"]
    chain = _left_to_right(f"dE/dout_{u} * dout_{u}/dnet_{n}" for u in neurons)
    if from_net:
        targets = [f"target_{u}" for u in neurons]
        add(f"delta_{n}", "output delta", n, (f"dE/dout_{n}", f"dout_{n}/dnet_{n}",
                                              f"target_{n}", f"out_{n}", *targets),
            f"out_{n} * ({_left_to_right(targets)}) - target_{n}", n, k)
    else:
        add(f"delta_{n}", "softmax delta", n, column, chain, n, k)


def _input_gradients(s, add):
    """dE/di = sum_h delta_h w_hi for every input i, over the first layer's neurons h: the
    messages of a hidden neuron's dE/dout, one layer further down (the weights before the
    update, under either hidden_deltas rule: the gradient of E at this step's weights)."""
    neurons, weight_names, _ = s.layers[0]
    for i, x in enumerate(s.input_names):
        messages = []
        for n, row in zip(neurons, weight_names):
            add(f"dE_{n}/d{x}", "input message", x, (f"delta_{n}", row[i]),
                f"delta_{n}*{row[i]}", None, 0)
            messages.append(f"dE_{n}/d{x}")
        add(f"dE/d{x}", "input gradient", x, messages, _left_to_right(messages), None, 0)


def _updates(s, layers, add):
    """w+ = w - eta dE/dw for every weight of ``layers``, then b+ for their trained biases
    (every weight first, then the biases, as the hand calculation lists them)."""
    parameters = []
    for k in layers:
        neurons, weight_names, bias_names = s.layers[k]
        for n, row in zip(neurons, weight_names):
            parameters += [(w, n, k) for w in row]
    if s.train_biases:
        for k in layers:
            neurons, _, bias_names = s.layers[k]
            if s.bias_mode == "shared":
                parameters.append((bias_names[0], None, k))
            elif s.bias_mode == "per_neuron":
                parameters += [(b, n, k) for n, b in zip(neurons, bias_names)]
    for p, n, k in parameters:
        if s.momentum:   # v+ = mu v - eta dE/dp; p+ = p + v+
            add(f"v_{p}+", "velocity", p, (f"v_{p}", "momentum", "learning_rate", f"dE/d{p}"),
                f"mu*v_{p} - eta*dE/d{p}", n, k)
            add(f"{p}+", "update", p, (p, "learning_rate", f"dE/d{p}", f"v_{p}+"),
                f"{p} + v_{p}+", n, k)
        else:
            add(f"{p}+", "update", p, (p, "learning_rate", f"dE/d{p}"), f"{p} - eta*dE/d{p}",
                n, k)


def _loss_formula(formula, o):
    return formula.replace("target", f"target_{o}").replace("out", f"out_{o}")


# -- the events: what each quantity's event holds ---------------------------------------------

def event_fields(q, s):
    """The fields of the event that reports quantity ``q``: a list whose items are names (a
    value read when the step computes ``q``, found in the step's values) wrapped as
    ``("value", name)``, or constants. None for a quantity with no event of its own."""
    kind = q.kind
    V = _value
    k = q.layer
    if kind == "message":
        w, x = q.reads
        first = k == 0
        sender = x if first else x[len("out_"):]
        return [sender, q.neuron, w, V(x), V(w), V(q.name), first]
    if kind == "net":
        neurons, weight_names, bias_names = s.layers[k]
        j = neurons.index(q.neuron)
        senders = (s.input_names if k == 0 else s.layers[k - 1][0])
        xs = (s.input_names if k == 0 else tuple(f"out_{n}" for n in senders))
        b = bias_names[j]
        return [q.neuron, weight_names[j], tuple(senders), tuple(V(w) for w in weight_names[j]),
                tuple(V(x) for x in xs), b, V(b) if b else 0.0, V(q.name), k == 0]
    if kind == "out":
        act = s.activations[k]
        formula = q.formula if act.of_layer is not None else act.formula
        return [q.neuron, act.name, formula, V(q.reads[0]), V(q.name)]
    if kind in ("error", "output dE_dout"):
        loss = s.loss
        formula = loss.formula if kind == "error" else loss.derivative
        return [q.neuron, loss.name, formula, V(q.reads[0]), V(q.reads[1]), V(q.name)]
    if kind == "total":
        return [tuple(r[2:] for r in q.reads), tuple(V(r) for r in q.reads), V(q.name)]
    if kind == "backward":
        delta, w = q.reads
        return [q.neuron, delta[len("delta_"):], w.rstrip("+"), V(delta), V(w), V(q.name)]
    if kind == "hidden dE_dout":
        receivers = tuple(r.split("/")[0][len("dE_"):] for r in q.reads)
        return [q.neuron, receivers, tuple(V(r) for r in q.reads), V(q.name)]
    if kind == "dout_dnet":
        act = s.activations[k]
        return [q.neuron, act.name, act.derivative, V(q.reads[0]), V(q.reads[1]), V(q.name)]
    if kind in ("delta", "output delta") and len(q.reads) <= 4:
        return [q.neuron, V(q.reads[0]), V(q.reads[1]), V(q.name), (), (), (), ()]
    if kind in ("output delta", "softmax delta"):     # a softmax output
        n = q.neuron
        outputs = s.layers[k][0]
        column = tuple(V(f"dout_{u}/dnet_{n}") for u in outputs)
        if kind == "output delta":
            return [n, V(f"dE/dout_{n}"), V(f"dout_{n}/dnet_{n}"), V(q.name), tuple(outputs),
                    (), column, tuple(V(f"target_{u}") for u in outputs)]
        return [n, V(f"dE/dout_{n}"), V(f"dout_{n}/dnet_{n}"), V(q.name), tuple(outputs),
                tuple(V(f"dE/dout_{u}") for u in outputs), column, ()]
    if kind == "dE_dw":
        delta, x = q.reads[:2]
        w = q.owner
        neurons = s.layers[k][0]
        j = s.layers[k][1][neurons.index(q.neuron)].index(w)
        sender = s.input_names[j] if k == 0 else s.layers[k - 1][0][j]
        return [w, q.neuron, sender, V(delta), V(x), V("weight_decay") if s.decay else 0.0,
                V(w), V(q.name)]
    if kind == "input gradient":
        i = s.input_names.index(q.owner)
        neurons, weight_names, _ = s.layers[0]
        ws = tuple(row[i] for row in weight_names)
        return [q.owner, tuple(neurons), ws, tuple(V(f"delta_{n}") for n in neurons),
                tuple(V(w) for w in ws), tuple(V(m) for m in q.reads), V(q.name)]
    if kind == "dE_db":
        return [q.owner, tuple(r[len("delta_"):] for r in q.reads),
                tuple(V(r) for r in q.reads), V(q.name)]
    if kind == "update":
        p = q.owner
        if s.momentum:
            return [p, V(p), V("learning_rate"), V(f"dE/d{p}"), V(q.name), V("momentum"),
                    V(f"v_{p}+")]
        return [p, V(p), V("learning_rate"), V(f"dE/d{p}"), V(q.name), 0.0, 0.0]
    return None


class Ref(namedtuple("Ref", "name")):
    """A field of an event that holds the value of the quantity or given called ``name``."""

    __slots__ = ()


_value = Ref


def event(q, s, values):
    """The event of quantity ``q`` (see :func:`event_fields`), its values looked up by name in
    ``values``; None for a quantity with no event of its own."""
    fields = event_fields(q, s)
    if fields is None:
        return None
    return KINDS[q.kind].event._make(tuple(_resolve(f, values) for f in fields))


def _resolve(field, values):
    if type(field) is Ref:
        return values[field.name]
    if type(field) is tuple:
        return tuple(_resolve(f, values) for f in field)
    return field
