"""The step of :mod:`neurosim.calculation`, written out as Python and run on the neuron objects.

For each network shape the plan of the step is turned into straight-line Python, one line per
quantity, compiled once with :func:`exec` (as :mod:`dataclasses` generates methods) and cached
by shape and rules. For Mazur's network the first lines read like the hand calculation::

    >>> from neurosim.worked_examples import mazur
    >>> lines = source(mazur(), "train").splitlines()
    >>> for line in lines:
    ...     if line.lstrip().startswith(("net_h1", "out_h1")):
    ...         print(line)
        net_h1 = w1 * i1 + w2 * i2 + b1
        out_h1 = (1.0 / (1.0 + exp(-net_h1)) if net_h1 >= 0.0 else exp(net_h1) / (1.0 + exp(net_h1)))

Every variant of the step comes from the same plan, line for line:

``train``     forward, error, backward and update; returns E_total (``net.train``)
``gradients`` the same without the update (batch training, gradient checks)
``record``    ``train`` that also returns every value it computed, in plan order (the events
              of ``net.train(record=True)`` are built from them when first read)
``observe``   a generator: stores each quantity on its neuron, then yields its event
              (``net.step_through``); each weight is read when it is used and written at its
              update event, so a pause shows the computation exactly as far as it has gone.
              It is not written out: :class:`_Walker` walks the plan quantity by quantity,
              with each kind's formula compiled once
``forward``   the forward pass, stored on the neurons; returns the outputs
``evaluate``  the forward pass, storing nothing; returns the outputs
``error``     the forward pass and the error, storing nothing; returns E_total and the terms
``apply``     the update alone, from the gradients the neurons hold (batch training)

Past :data:`UNROLL_LIMIT` connections (compiling costs about 18 µs per connection) the steps
are written neuron by neuron instead: ``net_h1 = _dot(_W_h1, _x) + b_h1``,
the same terms added in the same order, so the same bits.

Each step reads the weights, biases and rates from the neuron objects when it starts and
writes every partial and every new weight back to them: no copy of the weights outlives a step.
New weights are written only once every one of them is known to be finite; a NaN or an infinity
raises :class:`~neurosim.errors.NumericalError` naming the neuron and the quantity.
"""

import keyword
import re
from collections import OrderedDict
from functools import lru_cache
from math import exp, isfinite, log, log1p, tanh
from operator import mul

from .calculation import KINDS, VECTOR, Quantity, Ref, added, dot, event_fields, plan, shape_of
from .activations import softmax as _softmax_out
from .errors import NumericalError

__all__ = ["compiled", "source", "namespace", "MODES"]

MODES = ("train", "gradients", "record", "observe", "forward", "evaluate", "error", "apply")

_FIX = "\nthe weights are as they were before this step; lower the learning rate or scale the data"

#: Sums of more terms than this are written over several lines (one expression of thousands of
#: terms exceeds the compiler's recursion limit); still added left to right.
_CHUNK = 64

#: How many compiled steps are kept (property tests build thousands of shapes).
CACHE_SIZE = 128
_cache = OrderedDict()

_SUMS = {"net", "total", "hidden dE_dout", "dE_db", "input gradient"}


def compiled(net, mode):
    """The compiled ``mode`` step for ``net``'s shape and rules.

    Kept on the network with the rules it was compiled for (:func:`_rules`, a few attribute
    reads: a step pays no hashing of every name), and shared across networks by shape."""
    rules = _rules(net)
    steps = net.__dict__.get("_steps")
    if steps is None or steps[0] != rules:
        steps = net._steps = (rules, {})
    function = steps[1].get(mode)
    if function is None:
        function = steps[1][mode] = _shared(shape_of(net), mode)
    return function


def _rules(net):
    """What a compiled step depends on that a user may change after construction (the names
    are fixed then): the rules of the net and its layers, and their sizes. Every rule field of
    :func:`~neurosim.calculation.shape_of` must be here too (a rule added there and not here
    would leave a network running a stale step; ``tests/unit/test_compiled_steps.py`` changes
    each one). Written out rather than shared: this runs at every step."""
    return (net.loss, net.bias_mode, net.train_biases, net.hidden_deltas, not net.weight_decay,
            not net.momentum, net.thresholds, net.layers, UNROLL_LIMIT,
            *[(layer.activation, len(layer.neurons)) for layer in net.layers])


def _shared(shape, mode):
    key = (shape, mode, UNROLL_LIMIT)
    function = _cache.get(key)
    if function is None:
        function = _cache[key] = _compile(shape, mode)
        if len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    else:
        _cache.move_to_end(key)
    return function


def namespace(shape):
    """The names the compiled lines of ``shape`` use (exp, the activations' f and f', the
    loss, the event builders): :mod:`neurosim.hand_check.graph` compiles its formulas in it."""
    return _Writer(shape, "train").namespace()


def source(net, mode="train"):
    """The Python source of ``net``'s ``mode`` step, as it is compiled."""
    return _writer(shape_of(net), mode).source()


#: Networks with more connections than this get their steps written neuron by neuron
#: (:class:`_VectorWriter`), with the same operations in
#: the same order (``tests/unit/test_engine_forms.py`` compares the bits of both forms).
UNROLL_LIMIT = 4096


def _unrolled(shape):
    """Whether ``shape`` is small enough to be written connection by connection."""
    return sum(len(row) for _, rows, _ in shape.layers for row in rows) <= UNROLL_LIMIT


def _writer(shape, mode):
    if mode == "observe":
        return _Walker(shape)
    return _Writer(shape, mode) if _unrolled(shape) else _VectorWriter(shape, mode)


def _compile(shape, mode):
    writer = _writer(shape, mode)
    if isinstance(writer, _Walker):
        return writer.function()
    namespace = writer.namespace()
    code = writer.source()
    if mode == "record" and not isinstance(writer, _VectorWriter):
        code += writer.events_source()
    exec(compile(code, f"<neurosim {mode} step>", "exec"), namespace)
    function = namespace["_step"]
    function.quantities = writer.quantities
    function.recorded_names = writer.recorded_names
    function.events = namespace.get("_events")
    if mode == "record" and isinstance(writer, _VectorWriter):
        function.events = writer.events()
    return function


_IDENTIFIER = re.compile(r"\W")


class _Writer:
    """Writes the source of one step from the plan of one shape."""

    def __init__(self, shape, mode):
        self.s = s = shape
        self.mode = mode
        quantities = plan(s, update=mode not in ("gradients",))
        if mode == "apply":
            quantities = tuple(q for q in quantities if q.phase == "update")
        if mode in ("forward", "evaluate", "error"):
            phases = ("forward", "error") if mode == "error" else ("forward",)
            quantities = tuple(q for q in quantities if q.phase in phases)
        self.quantities = quantities
        self.store = mode not in ("evaluate", "error")
        self.inline = mode in ("train", "gradients", "forward", "evaluate", "error")
        self.idents = dict(_RATES)
        self.used = set(keyword.kwlist) | {"True", "False", "None"}
        self.lines = []
        self.expressions = {}          # name -> expression, for quantities written inline
        self.recorded_names = ()
        self.deferred = []
        #: parameter name -> (layer, neuron name, index of the weight or None for a bias)
        self.places = {}
        for k, (neurons, weight_names, bias_names) in enumerate(shape.layers):
            for n, row, b in zip(neurons, weight_names, bias_names):
                self.places.update((w, (k, n, i)) for i, w in enumerate(row))
                if b is not None:
                    self.places.setdefault(b, (k, n, None))

    # -- names ------------------------------------------------------------------------------

    def ident(self, name):
        """The Python variable of a quantity or given: ``dE/dw5`` -> ``dE_dw5``, ``w5+`` ->
        ``w5_new``."""
        if name in self.idents:
            return self.idents[name]
        text = _IDENTIFIER.sub("_", name.replace("+", "_new").replace("*", "_"))
        if not text or text[0].isdigit() or text[0] == "_":
            text = "q" + text
        base, k = text, 1
        while text in self.used:
            k += 1
            text = f"{base}_{k}"
        self.used.add(text)
        self.idents[name] = text
        return text

    def operand(self, name):
        if name == "0.0":
            return "0.0"
        if name in self.expressions:
            return self.expressions[name]
        return self.ident(name)

    # -- the source -------------------------------------------------------------------------

    def namespace(self):
        s = self.s
        ns = {"exp": exp, "log": log, "log1p": log1p, "tanh": tanh, "isfinite": isfinite,
              "_NumericalError": NumericalError, "_raise_forward": _raise_forward, "_raise_outs": _raise_outs,
              "_raise_error": _raise_error, "_raise_backward": _raise_backward,
              "_check_update": _check_update, "_loss_error": s.loss.error,
              "_loss_dE_dout": s.loss.dE_dout,
              "_loss_error_net": getattr(s.loss, "error_net", None),
              "_loss_dE_dout_net": getattr(s.loss, "dE_dout_net", None),
              "_loss_delta": getattr(s.loss, "delta", None), "_softmax": _softmax_out}
        for k, act in enumerate(s.activations):
            ns[f"_f{k}"] = act.f
            ns[f"_df{k}"] = act.df
        for kind in KINDS.values():
            if kind.event is not None:
                ns[f"_{kind.event.__name__}"] = kind.event._make
        return ns

    def emit(self, line, indent=1):
        self.lines.append("    " * indent + line)

    def source(self):
        if self.lines:
            return "\n".join(self.lines) + "\n"
        s = self.s
        self.emit("def _step(_net, _x=None, _t=None):", 0)
        self.emit('"""One step of the plan (see neurosim.calculation); generated."""')
        self._read_givens()
        if self.mode == "apply":
            self._apply()
            return self.source()
        q_by_phase = {}
        for q in self.quantities:
            q_by_phase.setdefault(q.phase, []).append(q)
        self._forward()
        if self.mode in ("forward", "evaluate"):
            outs = ", ".join(self.ident(f"out_{n}") for n in s.layers[-1][0])
            self.emit(f"return [{outs}]")
            return self.source()
        if self.mode == "error":
            self._errors_only()
            return self.source()
        self._error_and_backward()
        self._finish()
        return self.source()

    def _read_givens(self):
        s = self.s
        if self.store and self.mode != "apply":
            # the partials about to be stored are of the weights as they are now
            self.emit("_net.weights_updated = False")
        if self.mode != "apply":
            self.emit(f"{self._targets(s.input_names)} = _x")
        self._read_layers_and_rates()
        for k, (neurons, weight_names, bias_names) in enumerate(s.layers):
            self.emit(f"{', '.join(self.neuron(n) for n in neurons)}, = _L{k}.neurons")
            for n, row, b in zip(neurons, weight_names, bias_names):
                self.emit(f"_W_{self.neuron(n)} = {self.neuron(n)}.weights")
                self.emit(f"{self._targets(row)} = _W_{self.neuron(n)}")
                if b is not None and (s.bias_mode == "per_neuron" or n == neurons[0]):
                    self.emit(f"{self.ident(b)} = {self.neuron(n)}.bias")
                if s.momentum:
                    self.emit(f"{self._targets('v_' + w for w in row)} = "
                              f"{self.neuron(n)}.velocity")
                    if s.bias_mode == "per_neuron" and s.train_biases:
                        self.emit(f"{self.ident('v_' + b)} = {self.neuron(n)}.bias_velocity")
            if s.momentum and s.bias_mode == "shared" and s.train_biases:
                self.emit(f"{self.ident('v_' + bias_names[0])} = _L{k}.bias_velocity")

    def _read_layers_and_rates(self):
        s = self.s
        self.emit(f"{', '.join(f'_L{k}' for k in range(len(s.layers)))}, = _net.layers")
        self.emit("_lr = _net.learning_rate")
        if s.momentum:
            self.emit("_mu = _net.momentum")
        if s.decay:
            self.emit("_decay = _net.weight_decay")

    def neuron(self, name):
        return self.ident("neuron " + name)

    def _targets(self, names):
        names = [self.ident(n) for n in names]
        return ", ".join(names) + ("," if len(names) == 1 else "")

    # -- one quantity --------------------------------------------------------------------------

    def compute(self, q):
        """Write the line computing ``q`` (or keep its expression, to write inline)."""
        ops = [self.operand(r) for r in q.reads]
        python = KINDS[q.kind].python
        if not self.inline:
            # the recorded step calls f, f' and the loss: an inline conditional
            # costs the compiler five times a call, and these steps are not the hot path
            python = _calling(python)
        if self.inline and q.kind in ("message", "backward", "dnet_dw", "input message"):
            self.expressions[q.name] = python(ops, q, self.s)
            return
        if self.inline and q.kind == "dE_dw":   # written where it is used: into dE_dw, w+
            self.expressions[q.name] = f"({python(ops, q, self.s)})"
            return
        target = self.ident(q.name)
        if q.kind in _SUMS and len(ops) > _CHUNK:
            self.emit(f"{target} = {python(ops[:_CHUNK], q, self.s)}")
            for start in range(_CHUNK, len(ops), _CHUNK):
                self.emit(f"{target} = {python([target] + ops[start:start + _CHUNK], q, self.s)}")
        else:
            self.emit(f"{target} = {python(ops, q, self.s)}")

    def check(self, idents, slow_path):
        """``if not isfinite(a + b + ...): slow_path``: the sum is finite if and only if every
        term is (or it overflowed: the slow path then finds nothing to name, and returns)."""
        if len(idents) <= _CHUNK:
            self.emit(f"if not isfinite({' + '.join(idents)}):")
        else:
            self.emit(f"_check = {' + '.join(idents[:_CHUNK])}")
            for start in range(_CHUNK, len(idents), _CHUNK):
                self.emit(f"_check = _check + {' + '.join(idents[start:start + _CHUNK])}")
            self.emit("if not isfinite(_check):")
        self.emit(slow_path, 2)

    # -- the phases ----------------------------------------------------------------------------

    def _forward(self):
        s = self.s
        by_neuron = {}
        for q in self.quantities:
            if q.phase == "forward":
                by_neuron.setdefault(q.layer, []).append(q)
        for k, (neurons, _, _) in enumerate(s.layers):
            xs = f"_X{k}"
            if self.store:
                names = s.input_names if k == 0 else [f"out_{n}" for n in s.layers[k - 1][0]]
                self.emit(f"{xs} = [{', '.join(self.ident(n) for n in names)}]" if k else
                          f"{xs} = _x")
            for q in by_neuron[k]:
                self.compute(q)
            if self.store:
                for n in neurons:
                    v = self.neuron(n)
                    self.emit(f"{v}.inputs = {xs}; {v}.net = {self.ident('net_' + n)}; "
                              f"{v}.out = {self.ident('out_' + n)}")
            outs = [self.ident(f"out_{n}") for n in neurons]
            if self.store:
                self.check(outs, f"_raise_forward(_L{k})")
            else:
                self.check(outs, f"_raise_outs({tuple(neurons)!r}, ({', '.join(outs)},))")

    def _error_and_backward(self):
        s = self.s
        quantities = [q for q in self.quantities if q.phase != "forward"]
        outputs = s.layers[-1][0]
        self.emit(f"{self._targets('target_' + o for o in outputs)} = _t")
        pending_updates = []
        layer_done = {}   # layer -> the index of its last backward quantity
        for i, q in enumerate(quantities):
            if q.phase == "backward":
                layer_done[q.layer] = i
        for i, q in enumerate(quantities):
            if q.phase == "update":
                pending_updates.append(q)
                nxt = quantities[i + 1] if i + 1 < len(quantities) else None
                if nxt is None or nxt.phase != "update":
                    self._updates(pending_updates)
                    pending_updates = []
                continue
            self.compute(q)
            if q.kind == "total":
                for o in outputs:
                    v = self.neuron(o)
                    self.emit(f"{v}.target = {self.ident('target_' + o)}; "
                              f"{v}.error = {self.ident('E_' + o)}")
                self._check_error(outputs)
            if q.phase == "backward" and layer_done.get(q.layer) == i:
                self._layer_done(q.layer)

    def _apply(self):
        """mode "apply": the plan's update from the gradients the neurons hold (batch training
        leaves the mean gradient of a batch there first)."""
        s = self.s
        for k, (neurons, weight_names, bias_names) in enumerate(s.layers):
            for n, row, b in zip(neurons, weight_names, bias_names):
                self.emit(f"{self._targets('dE/d' + w for w in row)} = {self.neuron(n)}.dE_dw")
                if s.bias_mode == "per_neuron" and s.train_biases:
                    self.emit(f"{self.ident('dE/d' + b)} = {self.neuron(n)}.dE_db")
            if s.bias_mode == "shared" and s.train_biases:
                self.emit(f"{self.ident('dE/d' + bias_names[0])} = _L{k}.dE_db")
        self._updates(list(self.quantities))
        self._finish()

    def _errors_only(self):
        """mode "error": E_total and the output terms of one sample, storing nothing."""
        outputs = self.s.layers[-1][0]
        self.emit(f"{self._targets('target_' + o for o in outputs)} = _t")
        for q in self.quantities:
            if q.phase == "error":
                self.compute(q)
        terms = ", ".join(self.ident(f"E_{o}") for o in outputs)
        self.emit(f"return {self.ident('E_total')}, ({terms},)")

    def _check_error(self, outputs):
        self.emit(f"if not isfinite({self.ident('E_total')}):")
        self.emit("_raise_error(_net)", 2)
        self.emit(f"_net.E_total = {self.ident('E_total')}")

    def _layer_done(self, k):
        """After the backward pass of layer ``k``: store (plain modes) and check its deltas."""
        s = self.s
        neurons, weight_names, bias_names = s.layers[k]
        for n, row in zip(neurons, weight_names):
            v = self.neuron(n)
            self.emit(f"{v}.dE_dout = {self.operand('dE/dout_' + n)}; "
                      f"{v}.dout_dnet = {self.ident(f'dout_{n}/dnet_{n}')}")
            dE_db = (self.ident(f"dE/d{bias_names[neurons.index(n)]}") if s.thresholds
                     else self.ident('delta_' + n))
            self.emit(f"{v}.delta = {self.ident('delta_' + n)}; {v}.dE_db = {dE_db}; "
                      f"{v}.dnet_dw = {v}.inputs")
            grads = ", ".join(self.operand(f"dE/d{w}") for w in row)
            self.emit(f"{v}.dE_dw = [{grads}]")
        if s.bias_mode == "shared":
            self.emit(f"_L{k}.dE_db = {self.ident('dE/d' + bias_names[0])}")
        if k == 0:
            grads = ", ".join(self.ident(f"dE/d{x}") for x in s.input_names)
            self.emit(f"_net.dE_dinputs = [{grads}]")
        if s.activations[k].of_layer is not None:   # by rows
            self.emit(f"_L{k}.jacobian = " + self._jacobian(neurons))
        self.check([self.ident(f"delta_{n}") for n in neurons], f"_raise_backward(_L{k})")

    def _jacobian(self, neurons):
        """``[[dout_o1/dnet_o1, dout_o1/dnet_o2], ...]``: a softmax layer's Jacobian, by rows."""
        return "[" + ", ".join("[" + ", ".join(self.ident(f"dout_{u}/dnet_{n}") for n in neurons)
                               + "]" for u in neurons) + "]"

    def _updates(self, quantities):
        """Every new value first, checked; then written (:meth:`_finish`). The plain step
        keeps each neuron's new weights as one list, ``_N_h1 = [w1 - _lr * dE_dw1, ...]``,
        checked by its sum (finite if and only if every term is, or it overflowed)."""
        layers = sorted({q.layer for q in quantities})
        lists, checks = {}, []
        for q in quantities:
            if self.inline and q.kind == "update" and self.places[q.owner][2] is not None:
                lists.setdefault(q.neuron, []).append(q)
            else:
                self.compute(q)
                checks.append(self.ident(q.name))
        for n, qs in lists.items():
            python = KINDS["update"].python
            items = ", ".join(python([self.operand(r) for r in q.reads], q, self.s) for q in qs)
            self.emit(f"_N_{self.neuron(n)} = [{items}]")
            checks.append(f"sum(_N_{self.neuron(n)})")
            for i, q in enumerate(qs):     # read later (hidden_deltas="updated_weights")
                self.expressions[q.name] = f"_N_{self.neuron(n)}[{i}]"
        self.check(checks, f"_check_update(_net, [{', '.join(f'_L{k}' for k in layers)}])")
        self.deferred += quantities

    def _write(self, q):
        """Write a new weight, bias or velocity to its place on the objects."""
        name = self.ident(q.name)
        k, n, i = self.places[q.owner]
        v = self.neuron(n)
        update = q.kind == "update"
        if i is not None:
            self.emit(f"_W_{v}[{i}] = {name}" if update else f"{v}.velocity[{i}] = {name}")
        elif self.s.bias_mode == "shared":
            if update:
                for n in self.s.layers[k][0]:
                    self.emit(f"{self.neuron(n)}.bias = {name}")
            else:
                self.emit(f"_L{k}.bias_velocity = {name}")
        else:
            self.emit(f"{v}.bias = {name}" if update else f"{v}.bias_velocity = {name}")

    def _finish(self):
        by_neuron = {}
        for q in self.deferred:
            if q.kind == "update" and self.places[q.owner][2] is not None:
                by_neuron.setdefault(q.neuron, []).append(q)
            else:
                self._write(q)
        for n, qs in by_neuron.items():
            v = self.neuron(n)
            new = f"_N_{v}" if self.inline else f"[{', '.join(self.ident(q.name) for q in qs)}]"
            self.emit(f"_W_{v}[:] = {new}")
        if self.mode in ("train", "apply", "record"):
            self.emit("_net.weights_updated = True")
        E = self.ident("E_total") if self.mode != "apply" else "None"
        if self.mode == "record":
            names = [q.name for q in self.quantities] + list(self._givens())
            self.recorded_names = tuple(names)
            values = ", ".join(self.ident(n) if n not in _RATES else _RATES[n] for n in names)
            self.emit(f"return {E}, ({values},)")
        else:
            self.emit(f"return {E}")

    def events_source(self):
        """``_events(values)``: the events of a recorded step, from the values it returned."""
        index = {name: k for k, name in enumerate(self.recorded_names)}
        lines = ["def _events(_v):", "    return ["]
        for q in self.quantities:
            fields = event_fields(q, self.s)
            if fields is not None:
                items = ", ".join(_field_from(f, index) for f in fields)
                lines.append(f"        _{KINDS[q.kind].event.__name__}(({items},)),")
        lines.append("    ]")
        return "\n".join(lines) + "\n"

    def _givens(self):
        """The givens an event may show: inputs, targets, weights, biases, rates, velocities."""
        s = self.s
        yield from s.input_names
        yield from ("target_" + o for o in s.layers[-1][0])
        for neurons, weight_names, bias_names in s.layers:
            for row in weight_names:
                yield from row
            for b in dict.fromkeys(bias_names):
                if b is not None:
                    yield b
        yield "learning_rate"
        if s.momentum:
            yield "momentum"
        if s.decay:
            yield "weight_decay"


_RATES = {"learning_rate": "_lr", "momentum": "_mu", "weight_decay": "_decay"}


class _NoInline:
    """The rules of a shape, with ``inline`` False (see calculation.KINDS)."""

    inline = False

    def __init__(self, shape):
        self.__dict__.update(shape._asdict())


def _calling(python):
    return lambda ops, q, shape: python(ops, q, _NoInline(shape))


@lru_cache(maxsize=8)
def _templates(shape):
    """``(make, fields)`` for the event of every quantity of ``shape``'s plan that has one."""
    templates = []
    for q in plan(shape):
        fields = event_fields(q, shape)
        if fields is not None:
            templates.append((KINDS[q.kind].event._make, fields))
    return templates


def _filled(fields, values):
    """An event's fields (see :func:`~neurosim.calculation.event_fields`), each
    :class:`~neurosim.calculation.Ref` replaced by its value, looked up by name in ``values``."""
    return tuple(values[f.name] if type(f) is Ref else _filled(f, values) if type(f) is tuple
                 else f for f in fields)


def _field_from(field, index):
    if type(field) is Ref:
        return f"_v[{index[field.name]}]"
    if type(field) is tuple:
        return "(" + "".join(_field_from(f, index) + ", " for f in field) + ")"
    return repr(field)


# -- the slow paths: name the first non-finite value -------------------------------------------

def _raise_forward(layer):
    _raise_nonfinite([(n.name, q, getattr(n, q)) for n in layer.neurons
                      for q in ("net", "out")], _FIX)


def _raise_outs(neurons, outs):
    _raise_nonfinite([(n, "out", v) for n, v in zip(neurons, outs)], "")


def _raise_error(net):
    _raise_nonfinite([(n.name, "error", n.error) for n in net.layers[-1].neurons], _FIX)


def _raise_backward(layer):
    _raise_nonfinite([(n.name, q, getattr(n, q)) for n in layer.neurons
                      for q in ("dE_dout", "dout_dnet", "delta")], _FIX)


def _check_update(net, layers):
    """Raise NumericalError for the first non-finite new weight or bias of ``layers`` (the
    gradient each holds, and the new value it gives), in the order of the update."""
    lr, mu = net.learning_rate, net.momentum
    for layer in layers:
        for p in layer.parameters():
            if p.kind == "weight" or net.train_biases:
                g = p.gradient
                new = p.value + (mu * p.velocity - lr * g) if mu else p.value - lr * g
                _raise_nonfinite([(p.neurons[0].name, f"dE/d{p.name}", g),
                                  (p.neurons[0].name, f"new {p.name}", new)], _FIX)


def _raise_nonfinite(candidates, fix):
    """Raise NumericalError for the first non-finite (name, quantity, value); else return."""
    for name, quantity, value in candidates:
        if value is not None and not isfinite(value):
            raise NumericalError(f"{quantity} of {name} is {value!r}, expected a finite number"
                                 f"{fix}")


class _VectorWriter(_Writer):
    """The plain step of a large network, one line per neuron instead of per connection.

    Past :data:`UNROLL_LIMIT` connections, a step written connection by connection costs more
    to compile than it saves; here each connection-level sum is written with the formulas of
    :data:`~neurosim.calculation.VECTOR` (``dot(W, X)``: the same terms added
    in the same order as ``w1*x1 + w2*x2 + ...``, so the same bits).

    The recorded step keeps each neuron's messages (``_M_h1 = list(_map(_mul, W, X))``, then
    ``_added(_M_h1) + b``: the same additions), backward messages, gradients and new
    weights as lists, and returns them with the names of their values (:meth:`events`).
    """

    def __init__(self, shape, mode):
        self.s = shape
        self.mode = mode
        self.store = mode != "evaluate"
        self.inline = True
        self.idents = dict(_RATES)
        self.used = set(keyword.kwlist) | {"True", "False", "None"}
        self.lines = []
        self.expressions = {}
        self.recorded_names = ()
        self.quantities = ()
        self.update = mode in ("train", "apply", "record")
        self.bias_writes = []
        #: record: what the step returns, each an expression and the name of its value (or
        #: the names of the values of a list); then names whose values are others' values
        self.record = mode == "record"
        self.slots = []
        self.aliases = []

    def keep(self, expression, names):
        """record: return the value of ``expression`` as the value(s) of ``names``."""
        if self.record:
            self.slots.append((expression, names))

    @property
    def from_net(self):
        return getattr(self.s.loss, "delta", None) is not None

    def loss_reads(self, o, kind="error"):
        s = self.s
        if kind == "error":
            nets = (tuple(f"net_{u}" for u in s.layers[-1][0])
                    if self.from_net and s.activations[-1].of_layer is not None else ())
            return (f"target_{o}", f"out_{o}") + ((f"net_{o}",) if self.from_net else ()) + nets
        net_for_dE = getattr(s.loss, "dE_dout_net", None) is not None
        return (f"target_{o}", f"out_{o}") + ((f"net_{o}",) if net_for_dE else ())

    def namespace(self):
        ns = super().namespace()
        ns.update(_dot=dot, _added=added, _mul=mul, _map=map)
        return ns

    def scalar(self, name, kind, k, reads, neuron=None):
        """One neuron-level quantity, written with its kind's formula."""
        q = Quantity(name, kind, KINDS[kind].phase, neuron, tuple(reads), "", neuron, k)
        self.compute(q)

    def source(self):
        if self.lines:
            return "\n".join(self.lines) + "\n"
        s = self.s
        v = self.neuron
        self.emit("def _step(_net, _x=None, _t=None):", 0)
        self.emit('"""One step of the plan (see neurosim.calculation), neuron by neuron."""')
        if self.store and self.mode != "apply":
            self.emit("_net.weights_updated = False")
        self._read_layers_and_rates()
        for k, (neurons, _, bias_names) in enumerate(s.layers):
            self.emit(f"{', '.join(v(n) for n in neurons)}, = _L{k}.neurons")
            for n, row, b in zip(neurons, s.layers[k][1], bias_names):
                self.emit(f"_W_{v(n)} = {v(n)}.weights")
                if self.record:     # the weights as the step read them (it writes the list)
                    self.emit(f"_O_{v(n)} = _W_{v(n)}[:]")
                    self.keep(f"_O_{v(n)}", row)
                if b is not None and (s.bias_mode == "per_neuron" or n == neurons[0]):
                    self.emit(f"{self.ident(b)} = {v(n)}.bias")
                    self.keep(self.ident(b), b)
        if self.record:
            self.keep("tuple(_x)", s.input_names)
            self.keep("_lr", "learning_rate")
            if s.momentum:
                self.keep("_mu", "momentum")
            if s.decay:
                self.keep("_decay", "weight_decay")
        if self.mode == "apply":
            for k, (neurons, _, bias_names) in enumerate(s.layers):
                for n in neurons:
                    self.emit(f"_G_{v(n)} = {v(n)}.dE_dw")
                if s.bias_mode == "shared" and s.train_biases:
                    self.emit(f"{self.ident('dE/d' + bias_names[0])} = _L{k}.dE_db")
            self._vector_updates(range(len(s.layers)))
            self._vector_writes()
            self.emit("return None")
            return self.source()
        # forward
        for k, (neurons, _, bias_names) in enumerate(s.layers):
            xs = "_x" if k == 0 else f"_X{k}"
            senders = s.input_names if k == 0 else [f"out_{u}" for u in s.layers[k - 1][0]]
            softmax = s.activations[k].of_layer is not None
            for n, row, b in zip(neurons, s.layers[k][1], bias_names):
                net = self.ident(f"net_{n}")
                rule = "net threshold" if b and s.thresholds else "net"
                if self.record:     # the messages w*x kept, then added as VECTOR[rule] adds
                    self.emit(f"_M_{v(n)} = list(_map(_mul, _W_{v(n)}, {xs}))")
                    self.emit(f"{net} = " + VECTOR[rule].format(
                        W=f"_W_{v(n)}", X=xs, b=self.ident(b) if b else "0.0").replace(
                        f"_dot(_W_{v(n)}, {xs})", f"_added(_M_{v(n)})"))
                    self.keep(f"_M_{v(n)}", [f"{w}*{x}" for w, x in zip(row, senders)])
                    self.aliases += [(f"dnet_{n}/d{w}", x) for w, x in zip(row, senders)]
                else:
                    self.emit(f"{net} = " + VECTOR[rule].format(
                        W=f"_W_{v(n)}", X=xs, b=self.ident(b) if b else "0.0"))
                if not softmax:
                    self.scalar(f"out_{n}", "out", k, (f"net_{n}",), n)
                self.keep(net, f"net_{n}")
            for n in neurons:
                net = self.ident(f"net_{n}")
                if softmax:     # out_n from every net input of the layer
                    self.scalar(f"out_{n}", "out", k,
                                [f"net_{n}"] + [f"net_{u}" for u in neurons], n)
                self.keep(self.ident(f"out_{n}"), f"out_{n}")
                if self.store:
                    self.emit(f"{v(n)}.inputs = {xs}; {v(n)}.net = {net}; "
                              f"{v(n)}.out = {self.ident('out_' + n)}")
            outs = [self.ident(f"out_{n}") for n in neurons]
            self.emit(f"_X{k + 1} = [{', '.join(outs)}]")
            if self.store:
                self.check(outs, f"_raise_forward(_L{k})")
            else:
                self.check(outs, f"_raise_outs({tuple(neurons)!r}, _X{k + 1})")
        if self.mode in ("forward", "evaluate"):
            self.emit(f"return _X{len(s.layers)}")
            return self.source()
        # error
        outputs = s.layers[-1][0]
        self.emit("_T = _t")
        for j, o in enumerate(outputs):
            self.emit(f"{self.ident('target_' + o)} = _T[{j}]")
            self.scalar(f"E_{o}", "error", len(s.layers) - 1, self.loss_reads(o), o)
            self.keep(self.ident(f"target_{o}"), f"target_{o}")
            self.keep(self.ident(f"E_{o}"), f"E_{o}")
            if self.store:
                self.emit(f"{v(o)}.target = {self.ident('target_' + o)}; "
                          f"{v(o)}.error = {self.ident('E_' + o)}")
        self.scalar("E_total", "total", None, [f"E_{o}" for o in outputs])
        self.keep(self.ident("E_total"), "E_total")
        if self.mode == "error":
            terms = ", ".join(self.ident(f"E_{o}") for o in outputs)
            self.emit(f"return {self.ident('E_total')}, [{terms}]")
            return self.source()
        self._check_error(outputs)
        # backward
        each_layer = self.update and s.hidden_deltas == "updated_weights"
        for k in range(len(s.layers) - 1, -1, -1):
            neurons, _, bias_names = s.layers[k]
            xs = "_x" if k == 0 else f"_X{k}"
            if k == len(s.layers) - 1:
                for o in neurons:
                    self.scalar(f"dE/dout_{o}", "output dE_dout", k,
                                self.loss_reads(o, "dE_dout"), o)
            else:
                above = s.layers[k + 1][0]
                rows = ", ".join((f"_N_{v(u)}" if each_layer else f"_W_{v(u)}") for u in above)
                self.emit(f"_C = list(zip({rows},))")
                for j, h in enumerate(neurons):
                    if self.record:     # the backward messages kept, then added
                        self.emit(f"_B_{v(h)} = list(_map(_mul, _D{k + 1}, _C[{j}]))")
                        self.emit(f"{self.ident('dE/dout_' + h)} = _added(_B_{v(h)})")
                        self.keep(f"_B_{v(h)}", [f"dE_{u}/dout_{h}" for u in above])
                    else:
                        self.emit(f"{self.ident('dE/dout_' + h)} = " + VECTOR[
                            "hidden dE_dout"].format(D=f"_D{k + 1}", column=f"_C[{j}]"))
            softmax = s.activations[k].of_layer is not None
            for n in neurons:
                if softmax:     # the Jacobian's column n, then delta_n (calculation._softmax_delta)
                    for u in neurons:
                        if u == n:
                            self.scalar(f"dout_{n}/dnet_{n}", "dout_dnet", k,
                                        (f"net_{n}", f"out_{n}"), n)
                        else:
                            self.scalar(f"dout_{u}/dnet_{n}", "jacobian", k,
                                        (f"out_{u}", f"out_{n}"), n)
                            self.keep(self.ident(f"dout_{u}/dnet_{n}"), f"dout_{u}/dnet_{n}")
                    if self.from_net:
                        self.scalar(f"delta_{n}", "output delta", k, (
                            f"dE/dout_{n}", f"dout_{n}/dnet_{n}", f"target_{n}", f"out_{n}",
                            *(f"target_{u}" for u in neurons)), n)
                    else:
                        self.scalar(f"delta_{n}", "softmax delta", k, [
                            r for u in neurons for r in (f"dE/dout_{u}", f"dout_{u}/dnet_{n}")],
                            n)
                elif self.from_net and k == len(s.layers) - 1:
                    self.scalar(f"dout_{n}/dnet_{n}", "dout_dnet", k, (f"net_{n}", f"out_{n}"),
                                n)
                    self.scalar(f"delta_{n}", "output delta", k, (
                        f"dE/dout_{n}", f"dout_{n}/dnet_{n}", f"target_{n}", f"out_{n}"), n)
                else:
                    self.scalar(f"dout_{n}/dnet_{n}", "dout_dnet", k, (f"net_{n}", f"out_{n}"),
                                n)
                    self.scalar(f"delta_{n}", "delta", k, (f"dE/dout_{n}", f"dout_{n}/dnet_{n}"),
                                n)
                rule = "dE_dw decay" if s.decay else "dE_dw"
                self.emit(f"_G_{v(n)} = " + VECTOR[rule].format(
                    delta=self.ident('delta_' + n), X=xs, W=f"_W_{v(n)}"))
                for name in (f"dE/dout_{n}", f"dout_{n}/dnet_{n}", f"delta_{n}"):
                    self.keep(self.ident(name), name)
                self.keep(f"_G_{v(n)}", [f"dE/d{w}" for w in s.layers[k][1][neurons.index(n)]])
                b = bias_names[neurons.index(n)]
                if s.bias_mode == "per_neuron" and s.thresholds:    # dE/dtheta = -delta
                    self.keep(f"-{self.ident('delta_' + n)}", f"dE/d{b}")
                elif s.bias_mode == "per_neuron":
                    self.aliases.append((f"dE/d{b}", f"delta_{n}"))
                self.emit(f"{v(n)}.dE_dout = {self.ident('dE/dout_' + n)}; "
                          f"{v(n)}.dout_dnet = {self.ident(f'dout_{n}/dnet_{n}')}")
                minus = "-" if s.thresholds else ""     # dE/dtheta = -delta
                self.emit(f"{v(n)}.delta = {self.ident('delta_' + n)}; "
                          f"{v(n)}.dE_db = {minus}{self.ident('delta_' + n)}; "
                          f"{v(n)}.dnet_dw = {v(n)}.inputs; {v(n)}.dE_dw = _G_{v(n)}")
            deltas = [self.ident(f"delta_{n}") for n in neurons]
            self.emit(f"_D{k} = [{', '.join(deltas)}]")
            if softmax:
                self.emit(f"_L{k}.jacobian = " + self._jacobian(neurons))
            if s.bias_mode == "shared":
                self.scalar(f"dE/d{bias_names[0]}", "dE_db", k, [f"delta_{n}" for n in neurons])
                self.keep(self.ident(f"dE/d{bias_names[0]}"), f"dE/d{bias_names[0]}")
                self.emit(f"_L{k}.dE_db = {self.ident('dE/d' + bias_names[0])}")
            self.check(deltas, f"_raise_backward(_L{k})")
            if k == 0 and self.record:      # the messages delta_h w_hi kept, then added
                rows = "".join(f"_W_{v(n)}, " for n in neurons)
                self.emit(f"_IM = [list(_map(_mul, _D0, c)) for c in zip({rows})]")
                self.emit("_IG = [_added(m) for m in _IM]")
                self.emit("_net.dE_dinputs = _IG[:]")
                for i, x in enumerate(s.input_names):
                    self.keep(f"_IM[{i}]", [f"dE_{n}/d{x}" for n in neurons])
                self.keep("_IG", [f"dE/d{x}" for x in s.input_names])
            elif k == 0:    # dE/di = sum_h delta_h w_hi, the weights before the update
                rows = "".join(f"_W_{v(n)}, " for n in neurons)
                self.emit("_net.dE_dinputs = " + VECTOR["input gradient"].format(D="_D0",
                                                                                 rows=rows))
            if each_layer:
                self._vector_updates([k])
        if self.update and not each_layer:
            self._vector_updates(range(len(s.layers)))
        if self.update:
            self._vector_writes()
        if self.record:
            values = "".join(f"{expression}, " for expression, _ in self.slots)
            self.emit(f"return {self.ident('E_total')}, ({values})")
        else:
            self.emit(f"return {self.ident('E_total')}")
        return self.source()

    def events(self):
        """``events(values)``: the events of a recorded step, from the values it returned
        (:func:`~neurosim.calculation.event_fields` of every quantity of the plan, looked up
        by name)."""
        self.source()
        layout = [names for _, names in self.slots]
        aliases, shape = list(self.aliases), self.s

        def events(values):
            found = {}
            for names, value in zip(layout, values):
                if type(names) is str:
                    found[names] = value
                else:
                    found.update(zip(names, value))
            for alias, name in aliases:
                found[alias] = found[name]
            return [make(_filled(fields, found)) for make, fields in _templates(shape)]
        return events

    def _vector_writes(self):
        v = self.neuron
        self.emit("_net.weights_updated = True")
        for neurons, _, _ in self.s.layers:
            for n in neurons:
                self.emit(f"_W_{v(n)}[:] = _N_{v(n)}")
                if self.s.momentum:
                    self.emit(f"{v(n)}.velocity[:] = _V_{v(n)}")
        for line in self.bias_writes:
            self.emit(line)

    def _vector_updates(self, layers):
        s = self.s
        v = self.neuron
        sums = []
        for k in layers:
            neurons, _, bias_names = s.layers[k]
            for n in neurons:
                if s.momentum:
                    self.emit(f"_V_{v(n)} = " + VECTOR["velocity"].format(
                        V=f"{v(n)}.velocity", G=f"_G_{v(n)}"))
                    self.emit(f"_N_{v(n)} = " + VECTOR["update momentum"].format(
                        W=f"_W_{v(n)}", V=f"_V_{v(n)}"))
                else:
                    self.emit(f"_N_{v(n)} = " + VECTOR["update"].format(
                        W=f"_W_{v(n)}", G=f"_G_{v(n)}"))
                row = s.layers[k][1][neurons.index(n)]
                self.keep(f"_N_{v(n)}", [f"{w}+" for w in row])
                if s.momentum:
                    self.keep(f"_V_{v(n)}", [f"v_{w}+" for w in row])
                sums.append(f"sum(_N_{v(n)})")
            if s.train_biases and s.bias_mode != "none":
                holders = ([(bias_names[0], None)] if s.bias_mode == "shared"
                           else list(zip(bias_names, neurons)))
                for b, n in holders:
                    q = Quantity(f"{b}+", "update", "update", b,
                                 (b, "learning_rate", f"dE/d{b}") +
                                 ((f"v_{b}+",) if s.momentum else ()), "", n, k)
                    if s.bias_mode == "per_neuron":
                        self.emit(f"{self.ident('dE/d' + b)} = {v(n)}.dE_db")
                    holder = f"_L{k}" if n is None else v(n)
                    if s.momentum:
                        self.emit(f"{self.ident('v_' + b)} = {holder}.bias_velocity")
                        self.compute(Quantity(f"v_{b}+", "velocity", "update", b,
                                              (f"v_{b}", "momentum", "learning_rate",
                                               f"dE/d{b}"), "", n, k))
                        self.bias_writes.append(f"{holder}.bias_velocity = "
                                                f"{self.ident('v_' + b + '+')}")
                    self.compute(q)
                    self.keep(self.ident(f"{b}+"), f"{b}+")
                    if s.momentum:
                        self.keep(self.ident(f"v_{b}+"), f"v_{b}+")
                    sums.append(self.ident(f"{b}+"))
                    targets = neurons if n is None else [n]
                    self.bias_writes += [f"{v(t)}.bias = {self.ident(b + '+')}" for t in targets]
        self.check(sums, f"_check_update(_net, [{', '.join(f'_L{k}' for k in layers)}])")


class _Walker:
    """The observed step: the plan walked quantity by quantity.

    A pausing step is not written out (a yield per quantity would make its source several
    lines per connection, and it is not the hot path): this generator computes the plan's
    quantities in their order. Each quantity is computed with its kind's Python
    from :data:`~neurosim.calculation.KINDS` (compiled once per kind and operand count), a sum
    with :func:`~neurosim.calculation.added` (the left-to-right order of ``t1 + t2 + ...``); each weight is
    read from its neuron when used and written at its update event; each quantity is stored on
    its neuron, then its event is yielded.
    """

    def __init__(self, shape):
        self.s = shape
        writer = _Writer(shape, "observe")
        self.quantities = writer.quantities
        self.places = writer.places
        self.namespace = writer.namespace()
        self.formulas = {}
        self.events = dict(zip(self.quantities, (_event_template(q, shape)
                                                 for q in self.quantities)))

    def formula(self, q):
        """The function computing ``q`` from the values of its reads, in order."""
        if q.kind in _SUMS and not (self.s.thresholds and q.kind in ("net", "dE_db")):
            return _sum_left_to_right
        if q.kind == "net" and q.reads[-1] != "0.0":        # w1 x1 + ... - theta
            return _sum_minus_last
        key = (q.kind, q.layer, len(q.reads))
        if q.layer is not None and self.s.activations[q.layer].of_layer is not None:
            key += (q.neuron,)      # a softmax layer's formulas name the neuron's place
        function = self.formulas.get(key)
        if function is None:
            names = [f"_a{i}" for i in range(len(q.reads))]
            python = _calling(KINDS[q.kind].python)(names, q, self.s)
            function = eval(f"lambda {', '.join(names)}: {python}", self.namespace)
            self.formulas[key] = function
        return function

    def source(self):
        return ("# the observed step is not written out: neurosim.engine._Walker walks the plan "
                "(neurosim.calculation.plan) quantity by quantity\n")

    def function(self):
        """The observed step, as :func:`compiled` returns it."""
        def _step(_net, _x=None, _t=None):
            return self._step(_net, _x, _t)
        _step.quantities, _step.recorded_names, _step.events = self.quantities, (), None
        return _step

    def _step(self, net, x, t):
        s = self.s
        net.weights_updated = False
        values = {"0.0": 0.0, "learning_rate": net.learning_rate}
        values.update(zip(s.input_names, x))
        if s.momentum:
            values["momentum"] = net.momentum
        if s.decay:
            values["weight_decay"] = net.weight_decay
        layers = net.layers
        neurons = {n.name: n for n in net.neurons}
        params = {p.name: p for p in net.parameters()}
        if s.momentum:
            values.update(("v_" + p.name, p.velocity) for p in params.values()
                          if p.kind == "weight" or s.train_biases)

        def read(q):            # each weight and bias from its neuron when it is used
            for r in q.reads:
                if r in params:
                    values[r] = params[r].value

        def compute(q):
            read(q)
            value = values[q.name] = self.formula(q)(*[values[r] for r in q.reads])
            return value

        def event(q):
            template = self.events[q]
            return None if template is None else template[0](_filled(template[1], values))

        quantities = self.quantities
        forward = [q for q in quantities if q.phase == "forward"]
        for k, (names, _, _) in enumerate(s.layers):
            xs = x if k == 0 else [values[f"out_{n}"] for n in s.layers[k - 1][0]]
            for q in forward:
                if q.layer != k:
                    continue
                value = compute(q)
                if q.kind == "net":
                    neurons[q.neuron].inputs = xs
                    neurons[q.neuron].net = value
                elif q.kind == "out":
                    neurons[q.neuron].out = value
                e = event(q)
                if e is not None:
                    yield e
            if not all(map(isfinite, (values[f"out_{n}"] for n in names))):
                _raise_forward(layers[k])

        outputs = s.layers[-1][0]
        values.update(zip(("target_" + o for o in outputs), t))
        rest = [q for q in quantities if q.phase != "forward"]
        last = {q.layer: i for i, q in enumerate(rest) if q.phase == "backward"}
        pending = []
        for i, q in enumerate(rest):
            if q.phase == "update":
                pending.append(q)
                if i + 1 == len(rest) or rest[i + 1].phase != "update":
                    yield from self._updates(net, pending, compute, event, params)
                    pending = []
                continue
            value = compute(q)
            self._store(q, value, neurons, net, values)
            if q.kind == "total":
                if not isfinite(value):
                    _raise_error(net)
                net.E_total = value
            e = event(q)
            if e is not None:
                yield e
            if q.phase == "backward" and last[q.layer] == i:
                names = s.layers[q.layer][0]
                if not all(map(isfinite, (values[f"delta_{n}"] for n in names))):
                    _raise_backward(layers[q.layer])
        net.weights_updated = True
        return values["E_total"]

    def _updates(self, net, quantities, compute, event, params):
        """Every new value first, checked; then each written, and its event yielded."""
        new = [compute(q) for q in quantities]
        if not all(map(isfinite, new)):
            _check_update(net, [net.layers[k] for k in sorted({q.layer for q in quantities})])
        for q, value in zip(quantities, new):
            parameter = params[q.owner]
            if q.kind == "update":
                parameter.set(value)
                yield event(q)
            else:
                parameter.set_velocity(value)

    def _store_jacobian(self, q, u, value, net):
        """A softmax layer's entry dout_u/dnet_n into ``layer.jacobian`` (as _Writer's)."""
        k = q.layer
        if self.s.activations[k].of_layer is None:
            return
        neurons = self.s.layers[k][0]
        n = q.name.split("/dnet_")[1]
        if u == n == neurons[0]:
            net.layers[k].jacobian = [[None] * len(neurons) for _ in neurons]
        net.layers[k].jacobian[neurons.index(u)][neurons.index(n)] = value

    def _store(self, q, value, neurons, net, values):
        """Store a quantity on its neuron just before its event."""
        neuron = neurons.get(q.neuron)
        kind = q.kind
        if kind == "error":
            neuron.target = values["target_" + q.neuron]
            neuron.error = value
        elif kind in ("output dE_dout", "hidden dE_dout"):
            neuron.dE_dout = value
        elif kind == "dout_dnet":
            neuron.dout_dnet = value
            self._store_jacobian(q, q.neuron, value, net)
        elif kind == "jacobian":
            self._store_jacobian(q, q.owner, value, net)
        elif kind in ("delta", "output delta", "softmax delta"):
            neuron.delta = value
            if not self.s.thresholds:   # a threshold's dE_db is -delta, stored with it
                neuron.dE_db = value
            neuron.dnet_dw = neuron.inputs
        elif kind == "dE_dw":
            if self.places[q.owner][2] == 0:
                neuron.dE_dw = [value]
            else:
                neuron.dE_dw.append(value)
        elif kind == "dE_db" and q.neuron is None:
            net.layers[q.layer].dE_db = value
        elif kind == "dE_db" and self.s.thresholds:
            neuron.dE_db = value
        elif kind == "input gradient":      # net.dE_dinputs: a new list, then one more each
            if q.owner == self.s.input_names[0]:
                net.dE_dinputs = [value]
            else:
                net.dE_dinputs.append(value)


def _sum_left_to_right(*terms):
    return added(terms)


def _sum_minus_last(*terms):
    return added(terms[:-1]) - terms[-1]


def _event_template(q, shape):
    fields = event_fields(q, shape)
    return None if fields is None else (KINDS[q.kind].event._make, fields)
