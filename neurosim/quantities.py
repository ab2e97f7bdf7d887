"""The names of every quantity of one training step, and their values: one mapping, used by the
stepper's ``print NAME``, the worksheets, and the checking of a hand calculation.

Names are spelled as the hand calculation writes them (Mazur 2015), with the neuron, weight and
bias names of the network (``i1``, ``h1``, ``o1``, ``w5``, ``b1`` or ``b_h1``)::

    name               the quantity                                       Mazur's figure
    -----------------  -------------------------------------------------  --------------
    i1                 an input value
    target_o1          an output's target
    w5, b1, b_h1       a weight or bias before the update (the stepper:    0.40
                       its current value)
    w5*out_h1, w1*i1   a forward message: the weight times what it carries
    net_h1             the net input, sum of the messages plus the bias     0.3775
    out_h1             the output, f(net)                                  0.593269992
    E_o1               one output's term of the error                      0.274811083
    E_total            the total error of the sample                       0.298371109
    dE/dout_o1         dE_total/dout (output: from the loss)               0.74136507
    dE_o1/dout_h1      a backward message: delta_o1 * w5                   0.055399425
    dE/dout_h1         dE_total/dout (hidden: the sum of the messages)     0.036350306
    dout_h1/dnet_h1    the activation's derivative f'(net)                 0.241300709
    delta_o1           dE_total/dnet, the neuron's error term              0.138498562
    dnet_o1/dw5        what w5 multiplies: the sender's out (or input)      0.593269992
    dE/dw5             dE_total/dw5 = delta_o1 * dnet_o1/dw5 (+ lambda*w5)  0.082167041
    dE/db1             dE_total/db1 (a shared bias: the sum of the deltas)
    dE_h1/di1          an input's backward message: delta_h1 * w1
    dE/di1             dE_total/di1, the gradient on an input: the sum
                       of its messages (``net.dE_dinputs``)
    w5+, b1+           the value after the update                          0.35891648
    net_h1+, out_o1+,  the same sample's forward pass and errors with the
    E_o1+, E_total+    updated weights ("the error after the update")

Accepted spellings, turned into the names above by :func:`canonical`: ``dE_total/...`` for
``dE/...``; ``dE/dnet_h1``, ``dE_total/dnet_h1`` and ``dE_o1/dnet_o1`` for ``delta_h1`` and
``delta_o1``; ``dE_o1/dout_o1`` for ``dE/dout_o1``; ``∂`` for ``d``; spaces are ignored.

Three functions give values by these names: :func:`from_events` (what a step's events state),
:func:`from_network` (what the neurons hold now) and :func:`of_step` (every name of one step,
computed on a copy of the network, including the values after the update).

>>> from neurosim.worked_examples import mazur, MAZUR_INPUTS, MAZUR_TARGETS
>>> values = of_step(mazur(), MAZUR_INPUTS, MAZUR_TARGETS)
>>> round(values["dE/dw5"], 9), round(values["w5+"], 8), round(values["delta_o1"], 9)
(0.082167041, 0.35891648, 0.138498562)
>>> canonical("dE_total/dnet_h1")
'delta_h1'
"""

import copy
import difflib
from collections import namedtuple

from .calculation import canonical, names
from .errors import UnknownNameError
from .events import (ActivationDerivative, BackwardMessage, BiasGradient, Delta, ForwardMessage,
                     HiddenErrorDerivative, InputGradient, NetInput, NeuronOutput, OutputError,
                     OutputErrorDerivative, TotalError, Update, WeightGradient)
from .network import check_network
from .record import StepRecord

__all__ = ["canonical", "name_of", "owner_of", "from_events", "from_network", "names", "lookup",
           "of_step", "worked_step", "WorkedStep", "NotComputedError"]


class NotComputedError(UnknownNameError):
    """The name is a quantity of this network, but the computation has not reached it yet."""


def name_of(event):
    """The name of the quantity ``event`` computes (the left-hand side of its line).

    >>> from neurosim.events import Update
    >>> name_of(Update("w5", 0.4, 0.5, 0.0821670406, 0.35891648))
    'w5+'
    """
    return _QUANTITY[type(event)][0](event)


def owner_of(event):
    """The neuron, weight or bias the event's quantity belongs to (what ``break NAME`` matches).

    A forward message belongs to the neuron it enters, a backward message to the hidden neuron
    it enters; a gradient and an update belong to their weight or bias.
    """
    owner = _QUANTITY[type(event)][1]
    return owner and getattr(event, owner)


#: Each event class: the name of its quantity, the field naming its owner (see owner_of), the
#: field holding its value, and the other (name, value) pairs it states (what it read).
_QUANTITY = {
    ForwardMessage: (lambda e: (f"{e.weight_name}*{e.sender}" if e.from_input
                                else f"{e.weight_name}*out_{e.sender}"), "receiver", "product",
                     None),
    NetInput: (lambda e: f"net_{e.neuron}", "neuron", "net",
               lambda e: [*zip(e.weight_names, e.weights),
                          *(zip(e.senders, e.values) if e.from_inputs else ()),
                          *([(e.bias_name, e.bias)] if e.bias_name is not None else ())]),
    NeuronOutput: (lambda e: f"out_{e.neuron}", "neuron", "out", None),
    OutputError: (lambda e: f"E_{e.neuron}", "neuron", "error",
                  lambda e: [(f"target_{e.neuron}", e.target)]),
    TotalError: (lambda e: "E_total", None, "total", None),
    OutputErrorDerivative: (lambda e: f"dE/dout_{e.neuron}", "neuron", "value", None),
    BackwardMessage: (lambda e: f"dE_{e.receiver}/dout_{e.sender}", "sender", "product", None),
    HiddenErrorDerivative: (lambda e: f"dE/dout_{e.neuron}", "neuron", "value", None),
    ActivationDerivative: (lambda e: f"dout_{e.neuron}/dnet_{e.neuron}", "neuron", "value", None),
    Delta: (lambda e: f"delta_{e.neuron}", "neuron", "delta", None),
    WeightGradient: (lambda e: f"dE/d{e.weight_name}", "weight_name", "value",
                     lambda e: [(f"dnet_{e.neuron}/d{e.weight_name}", e.dnet_dw)]),
    BiasGradient: (lambda e: f"dE/d{e.bias_name}", "bias_name", "value", None),
    InputGradient: (lambda e: f"dE/d{e.input}", "input", "value",
                    lambda e: [(f"dE_{r}/d{e.input}", p) for r, p in zip(e.receivers, e.products)]),
    Update: (lambda e: f"{e.name}+", "name", "new", lambda e: [(e.name, e.old)]),
}


def from_events(events, suffix=""):
    """Every quantity the events state, by name: ``{"net_h1": 0.3775, ...}``.

    A weight or bias (``w5``) keeps the first value seen, the one before the update; its new
    value is ``w5+``. ``suffix`` is appended to every name (``"+"`` for a forward pass run after
    the update: ``out_o1+``, ``E_total+``).
    """
    values = {}
    for event in events:
        name, _, field, also = _QUANTITY[type(event)]
        for key, value in [(name(event), getattr(event, field)), *(also(event) if also else ())]:
            values.setdefault(key + suffix, value)
    return values


def from_network(net):
    """What the network's objects hold now, by name; quantities not computed yet are left out.

    Weights and biases are their current values (``w5`` is the new value once it is updated).
    """
    pairs = list(zip(net.input_names, net.layers[0].neurons[0].inputs or ()))
    for layer in net.layers:
        for n in layer.neurons:
            h, ws = n.name, n.weight_names
            pairs += [(f"target_{h}", n.target), (f"net_{h}", n.net), (f"out_{h}", n.out),
                      (f"E_{h}", n.error), (f"dE/dout_{h}", n.dE_dout),
                      (f"dout_{h}/dnet_{h}", n.dout_dnet), (f"delta_{h}", n.delta),
                      *zip(ws, n.weights), *zip([f"dnet_{h}/d{w}" for w in ws], n.dnet_dw or ()),
                      *zip([f"dE/d{w}" for w in ws], n.dE_dw or ()), (n.bias_name, n.bias)]
            if layer.bias_mode == "per_neuron":
                pairs.append((f"dE/d{n.bias_name}", n.dE_db))
        pairs += _jacobian(layer).items()
        if all(n.delta is not None for n in layer.neurons):   # the layer's backward pass is done
            pairs += zip([f"dE/d{x}" for x in net.input_names],
                         net.dE_dinputs if layer.index == 1 and net.dE_dinputs else ())
            if layer.bias_mode == "shared":
                pairs.append((f"dE/d{layer.bias_name}", layer.dE_db))
    return {name: v for name, v in pairs if name is not None and v is not None}


def _jacobian(layer):
    """A softmax layer's entries dout_u/dnet_n off the diagonal (they have no event of their
    own; the diagonal is each neuron's dout_dnet), by name; empty for other layers."""
    return {f"dout_{u.name}/dnet_{n.name}": v for u, row in zip(layer.neurons, layer.jacobian or ())
            for n, v in zip(layer.neurons, row) if v is not None and n is not u}


def lookup(values, name, known):
    """``values[canonical(name)]``, or a one-line error that says what is wrong.

    ``known`` is every valid name (from :func:`names`): a valid name missing from ``values``
    raises :class:`NotComputedError`, any other :class:`~neurosim.errors.UnknownNameError`
    with the closest names.
    """
    key = canonical(name)
    if key in values:
        return key, values[key]
    if key in known:
        raise NotComputedError(f"{key} is not computed yet")
    close = difflib.get_close_matches(key, list(known), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UnknownNameError(f"no quantity is named {name!r}{hint}")


#: One training step worked on a copy: its ``record`` (a StepRecord), the ``after`` events (the
#: forward pass and errors of the same sample with the updated weights) and ``values`` (every name).
WorkedStep = namedtuple("WorkedStep", "record after values network")


def worked_step(net, inputs, targets):
    """Train a copy of ``net`` once on ``(inputs, targets)`` and record everything; ``net`` is
    left untouched. ``network`` in the result is the updated copy.
    """
    trained = copy.deepcopy(check_network(net))
    record = trained.train(inputs, targets, record=True)
    # The same sample through the updated network: the forward and error events of one more
    # recorded step, run on a copy (the same compiled step, so nothing more to compile).
    again = copy.deepcopy(trained).train(inputs, targets, record=True)
    after = [event for event in again if event.phase in ("forward", "error")]
    values = from_events(record)
    values.update(pair for layer in trained.layers for pair in _jacobian(layer).items())
    values.update((name, v) for name, v in from_events(after, suffix="+").items()
                  if name.startswith(("net_", "out_", "E_")))
    return WorkedStep(StepRecord(record), after, values, trained)


def of_step(net, inputs, targets):
    """Every named quantity of one training step of ``net`` on one sample (``net`` unchanged)."""
    return worked_step(net, inputs, targets).values
