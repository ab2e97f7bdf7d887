"""Gradient checking: every partial the network holds, against central differences.

A backward pass leaves the partials of the hand calculation on the neurons. Each one is the
derivative of the total error with respect to something, so each one can be checked without
any calculus, by nudging that something both ways and watching E_total::

    dE/dv  ~  (E(v + h) - E(v - h)) / 2h                 central difference, error O(h^2)

The error of the approximation is O(h^2) (truncation: the Taylor terms past the first
derivative cancel pairwise up to h^2 f'''/6), plus the rounding error of the two E values
divided by 2h, about 1e-16 * |E| / h. With floats, h = 1e-6 balances them at about 1e-10.

:func:`gradcheck` does this for

* every weight ``w`` and every bias (a shared bias is one parameter: nudging ``b1`` nudges it
  in every neuron of its layer; with ``bias="none"`` there are no biases to check). With
  ``weight_decay = lambda > 0`` the objective is ``E_total + lambda/2 sum w^2`` (biases
  excluded), whose derivative ``delta * x + lambda * w`` is the ``dE_dw`` the engine stores;
* every neuron's ``dE_dout``, ``dout_dnet`` and ``delta`` (= dE/dnet): the forward pass is run
  again with the neuron's ``out`` or ``net`` nudged in the middle of it, the layers below
  untouched and the layers above computed from the nudged value.

The analytic values are the ones the network itself holds after one backward pass on its own
objects (:func:`neurosim.propagation.gradients`: forward, error, backward, no update); the
numeric values come from a separate forward pass that reads the weights from the same neurons
and stores nothing. Afterwards the network is restored exactly as it was found: weights,
biases, velocities and every stored partial of the previous pass.

ReLU and leaky ReLU have a kink at net = 0 and binary cross-entropy is clipped at
``neurosim.losses.CLIP`` from 0 and 1. When a nudge moves a neuron's net across a kink (or an
output into the clipped region) the two sides of the central difference see different slopes;
such a row gets the status ``"kink"`` and does not fail the check.

The step is absolute, so it can be smaller than the spacing of the floats near a large value:
with ``net_h1 = 3.5e11`` (spacing 6.1e-5), ``net_h1 + 1e-6 == net_h1`` and a difference with
that step would divide 0 by 0. Such a row steps instead by ``eps * |v|`` (a relative step, as
the spacing of floats is relative), and its ``note`` says so (printed under the table). An eps
that even then is lost in rounding (below about 1e-16) is a ConfigurationError.

``precise=True`` adds an oracle that only a scalar pure-Python engine gets cheaply: the same
forward pass in :class:`decimal.Decimal` at 50 significant digits. A Decimal central difference
with h = 1e-20 gives the derivative of the float network's function to about 30 digits (the
``exact`` column); the same Decimal difference with the float step splits the float numeric
error into ``truncation`` (exact arithmetic, step h) and ``rounding`` (float minus Decimal at the
same step). With ``precise=True`` a row is judged against ``exact`` instead of ``numeric``.

>>> from neurosim.worked_examples import mazur, MAZUR_INPUTS, MAZUR_TARGETS
>>> report = gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS)
>>> report.ok, len(report.rows)
(True, 22)
>>> row = report["dE/dw5"]                       # Mazur prints dE_total/dw5 = 0.082167041
>>> round(row.analytic, 9), round(row.numeric, 9), row.status
(0.082167041, 0.082167041, 'ok')
>>> report.worst < 1e-6                        # rounding: ~1e-16 * E / h, relative to dE/dw
True
"""

import difflib
import math
from dataclasses import dataclass
from decimal import Decimal
from operator import mul
from typing import Optional

from . import propagation
from .errors import ConfigurationError, GradientCheckError, UnknownNameError
from .losses import CLIP
from .network import NeuralNetwork

__all__ = ["gradcheck", "GradientReport", "GradientRow", "PRECISION", "EXACT_EPS"]

#: Significant digits of the Decimal oracle (``precise=True``).
PRECISION = 50
#: The step of the Decimal central difference taken as the exact derivative: truncation error
#: about h^2 = 1e-40, rounding error about 10^-PRECISION / h = 1e-30.
EXACT_EPS = Decimal("1e-20")


@dataclass(frozen=True)
class GradientRow:
    """One checked quantity: its name, both values, their differences and a status.

    ``name`` is ``"dE/dw5"``, ``"dE/db1"`` (shared), ``"dE/db_h1"`` (per neuron),
    ``"dE/dout_h1"``, ``"dout/dnet_h1"`` or ``"delta_h1"`` (= dE/dnet_h1). ``status`` is
    ``"ok"``, ``"FAIL"`` or ``"kink"``. With ``precise=True``: ``exact`` (the Decimal oracle),
    ``truncation`` and ``rounding`` (the two parts of ``numeric - exact``). ``step`` is the h
    of the difference: ``eps``, or ``eps * |v|`` where ``eps`` is below the float spacing of the
    nudged value v (then ``note`` says so).
    """

    name: str
    analytic: float
    numeric: float
    abs_error: float
    rel_error: float
    status: str
    exact: Optional[float] = None
    truncation: Optional[float] = None
    rounding: Optional[float] = None
    step: Optional[float] = None
    note: Optional[str] = None


class GradientReport:
    """The result of :func:`gradcheck`: ``rows``, ``ok``, ``worst``, and a table as ``str()``.

    ``report["dE/dw5"]`` is one :class:`GradientRow`; iterating gives every row in order
    (weights and biases as ``net.parameter_names()`` lists them, then each neuron's partials).
    """

    def __init__(self, rows, *, eps, rtol, atol, precise, E_total):
        self.rows = list(rows)
        self.eps, self.rtol, self.atol, self.precise = eps, rtol, atol, precise
        #: E_total of the sample at the network's weights (the objective without decay).
        self.E_total = E_total

    @property
    def failures(self):
        """The rows whose analytic value is outside the tolerance."""
        return [r for r in self.rows if r.status == "FAIL"]

    @property
    def kinks(self):
        """The rows whose central difference straddles a kink (not failures)."""
        return [r for r in self.rows if r.status == "kink"]

    @property
    def ok(self):
        """True when no row failed (rows at a kink do not count)."""
        return not self.failures

    @property
    def worst(self):
        """The largest relative error among the rows not at a kink (0.0 if none)."""
        return max((r.rel_error for r in self.rows if r.status != "kink"), default=0.0)

    def __getitem__(self, name):
        for row in self.rows:
            if row.name == name:
                return row
        names = [r.name for r in self.rows]
        # "w5" or "h1" means the rows about it (dE/dw5; dE/dout_h1, ...); else similar names.
        close = ([n for n in names if n.endswith((f"/d{name}", f"_{name}"))]
                 or difflib.get_close_matches(str(name), names, n=3, cutoff=0.6))
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownNameError(f"no row is named {name!r}{hint}\nrows: {', '.join(names)}")

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def _reference(self):
        return "exact" if self.precise else "numeric"

    def tolerances(self):
        """One line: the rule a row must pass, with the tolerances used."""
        ref = self._reference()
        return (f"a row fails when |analytic - {ref}| > atol + rtol * |{ref}| "
                f"(rtol={self.rtol:g}, atol={self.atol:g}); numeric = (E(v+h) - E(v-h)) / 2h "
                f"with h = eps = {self.eps:g}"
                + (", or eps * |v| where noted" if any(r.note for r in self.rows) else ""))

    def __str__(self):
        counts = {s: sum(r.status == s for r in self.rows) for s in ("ok", "kink", "FAIL")}
        head = (f"gradient check: {len(self.rows)} quantities, {counts['ok']} ok, "
                f"{counts['kink']} at a kink, {counts['FAIL']} FAIL; worst relative error "
                f"{self.worst:.1e}")
        worst = [r.name for r in self.rows if r.status != "kink" and r.rel_error == self.worst]
        if worst and self.worst:
            head += f" ({worst[0]})"
        header = ["name", "analytic", "numeric"]
        if self.precise:
            header += ["exact", "truncation", "rounding"]
        header += ["abs error", "rel error", "status"]
        table = [header]
        for r in self.rows:
            cells = [r.name, _g(r.analytic), _g(r.numeric)]
            if self.precise:
                cells += [_g(r.exact), _e(r.truncation), _e(r.rounding)]
            table.append(cells + [_e(r.abs_error), _e(r.rel_error), r.status])
        return "\n".join([head, self.tolerances()] + _align(table) + self._notes(self.rows))

    @staticmethod
    def _notes(rows):
        """One line per distinct note, after the names of the rows it is about."""
        about = {}
        for r in rows:
            if r.note:
                about.setdefault(r.note, []).append(r.name)
        return [f"{', '.join(names)}: {note}" for note, names in about.items()]

    def assert_ok(self):
        """Return None if every row passed; else raise GradientCheckError with the failing rows.

        >>> from neurosim.worked_examples import mazur, MAZUR_INPUTS, MAZUR_TARGETS
        >>> gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS).assert_ok()
        """
        failures = self.failures
        if not failures:
            return
        ref = self._reference()
        table = [["name", "analytic", ref, "difference"]]
        for r in failures:
            reference = r.exact if self.precise else r.numeric
            table.append([r.name, _g(r.analytic), _g(reference), _e(r.analytic - reference)])
        raise GradientCheckError("\n".join(
            [f"gradient check failed for {len(failures)} of {len(self.rows)} quantities: "
             + ", ".join(r.name for r in failures), self.tolerances()] + _align(table)
            + self._notes(failures)))

    def __repr__(self):
        return (f"<GradientReport ok={self.ok} rows={len(self.rows)} "
                f"failures={len(self.failures)} worst={self.worst:.1e}>")


def gradcheck(net, inputs, targets, *, eps=1e-6, rtol=1e-5, atol=1e-8, precise=False):
    """Check every partial of one backward pass against central differences; return a report.

    One backward pass runs on the network's own objects without any update, and every
    ``dE_dw``, ``dE_db`` (per neuron, or the layer's for a shared bias), ``dE_dout``,
    ``dout_dnet`` and ``delta`` it leaves is compared with::

        numeric = (E(v + h) - E(v - h)) / 2h,   h = eps          (error O(h^2) + O(1e-16 / h))

    Where ``eps`` is below the float spacing of the nudged value (``v + eps == v``), that row
    steps by ``eps * |v|`` instead and its ``note`` says so. A row fails when
    ``|analytic - numeric| > atol + rtol * |numeric|``, the rule of
    ``math.isclose`` with both tolerances (and of PyTorch's gradcheck). The network is left
    exactly as it was found. ``precise=True`` adds the Decimal oracle described in the module
    docstring and judges each row against it.

    >>> from neurosim.worked_examples import mazur, MAZUR_INPUTS, MAZUR_TARGETS
    >>> report = gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, precise=True)
    >>> row = report["delta_o1"]                      # Mazur: delta_o1 = 0.138498562
    >>> round(row.exact, 9), abs(row.analytic - row.exact) < 1e-15
    (0.138498562, True)
    >>> abs(row.truncation) < 1e-10 and abs(row.rounding) < 1e-9
    True
    """
    if not isinstance(net, NeuralNetwork):
        raise ConfigurationError(f"net must be a NeuralNetwork, got {_describe(net)}")
    if not isinstance(precise, bool):
        raise ConfigurationError(f"precise must be True or False, got {precise!r}")
    eps = _check_tolerance("eps", eps, positive=True)
    rtol = _check_tolerance("rtol", rtol)
    atol = _check_tolerance("atol", atol)
    x = net._vector(inputs, "inputs")
    t = net._vector(targets, "targets")
    saved = _snapshot(net)
    try:
        propagation.gradients(net, x, t)  # forward, error, backward on the real objects
        checks = _checks(net)  # (name, analytic value, perturbation target, base value key)
    finally:
        _restore(saved)
    flt = _FloatArith(net)
    base_E, base_watch, base_values = _evaluate(net, x, t, None, 0.0, flt)
    if precise:  # the Decimal oracle is loaded only when asked for
        from .decimal_oracle import DecimalArith, precise_columns
    oracle = DecimalArith(net) if precise else None
    steps = [_step(name, target, base_key, base_values, eps)
             for name, _, target, base_key in checks]
    rows = []
    for (name, a, target, base_key), (quantity, v0, h, note) in zip(checks, steps):
        h_plus, h_minus = (v0 + h) - v0, (v0 - h) - v0  # the steps floats can represent
        if not (math.isfinite(h_plus) and math.isfinite(h_minus)):  # no difference around v0
            if math.isfinite(v0):
                note = (f"{quantity} = {v0:.6g} +- h = {h:.2g} overflows the floats; "
                        f"use a smaller eps")
            rows.append(GradientRow(name, a, math.nan, math.inf, math.inf, "FAIL", step=h,
                                    note=note))
            continue
        if target[0] == "dout/dnet":  # local: f(net + h) - f(net - h), nothing downstream
            plus, minus = target[2](v0 + h), target[2](v0 - h)
            watch = [((v0 + h, v0, v0 - h), target[3], False)]
        else:
            plus, w_plus, _ = _evaluate(net, x, t, target, h, flt)
            minus, w_minus, _ = _evaluate(net, x, t, target, -h, flt)
            watch = [(values, kinks, flat) for values, (kinks, flat) in
                     zip(zip(w_plus, base_watch, w_minus), flt.breaks)]
        numeric = (plus - minus) / (h_plus - h_minus)
        kink = any(_crosses(values, kinks, flat) for values, kinks, flat in watch)
        extra = {}
        reference = numeric
        if oracle is not None:
            extra = precise_columns(net, x, t, target, v0, h_plus, h_minus, numeric, oracle)
            reference = extra["exact"]
        diff = abs(a - reference)
        scale = max(abs(a), abs(reference))
        rel = diff / scale if scale else 0.0
        overflow = not math.isfinite(diff)
        if overflow:  # E overflowed at v0 +- h: the row fails, and says why
            diff = rel = math.inf
            note = (note + "; " if note else "") + (
                f"E(v + h) - E(v - h) is {plus - minus} for {quantity} = {v0:.6g} and "
                f"h = {h:.2g}: the forward pass overflows there")
        if overflow:
            status = "FAIL"
        elif kink:
            status = "kink"
        elif diff <= atol + rtol * abs(reference):
            status = "ok"
        else:
            status = "FAIL"
        rows.append(GradientRow(name, a, numeric, diff, rel, status, **extra, step=h, note=note))
    return GradientReport(rows, eps=eps, rtol=rtol, atol=atol, precise=precise, E_total=base_E)


# -- what to check -------------------------------------------------------------------------------

def _target_value(target):
    """The current float value of a weight or bias perturbation target."""
    if target[0] == "w":
        return target[1].weights[target[2]]
    return target[1][0].bias


def _checks(net):
    """(row name, analytic value, perturbation target, key of the base value) for every row.

    Targets: ("w", neuron, i), ("b", neurons), ("out", neuron), ("net", neuron), and
    ("dout/dnet", neuron, f, kinks, activation name). Base values of neuron targets come from
    the float forward pass (key = (quantity, neuron name)); those of parameters are read from
    the neurons (key None).
    """
    params = {}
    for layer in net.layers:
        for n in layer.neurons:
            for i, w_name in enumerate(n.weight_names):
                params[w_name] = (n.dE_dw[i], ("w", n, i))
            if layer.bias_mode == "per_neuron":
                params[n.bias_name] = (n.dE_db, ("b", (n,)))
        if layer.bias_mode == "shared":
            params[layer.bias_name] = (layer.dE_db, ("b", tuple(layer.neurons)))
    checks = [(f"dE/d{p}", *params[p], None) for p in net.parameter_names() if p in params]
    for layer in net.layers:
        act = layer.activation
        for n in layer.neurons:
            checks.append((f"dE/dout_{n.name}", n.dE_dout, ("out", n), ("out", n.name)))
            checks.append((f"dout/dnet_{n.name}", n.dout_dnet,
                           ("dout/dnet", n, act.f, tuple(act.kinks), act.name), ("net", n.name)))
            checks.append((f"delta_{n.name}", n.delta, ("net", n), ("net", n.name)))
    return checks


def _step(name, target, base_key, base_values, eps):
    """(quantity, its value v0, the step h, a note): h = eps, or eps * |v0| if v0 + eps == v0.

    The step is absolute, so near a large value it can be below the float spacing: then
    ``v0 + eps == v0 - eps == v0`` and the difference would be 0 / 0. There the step becomes
    relative, ``eps * |v0|``, and the note says so. Only an eps below the spacing of floats near
    1 (about 1e-16) leaves even that step lost in rounding: a ConfigurationError.
    """
    quantity = name[4:] if base_key is None else "_".join(base_key)  # w5, b_h1, net_h1, out_h1
    v0 = base_values[base_key] if base_key is not None else _target_value(target)
    if not math.isfinite(v0):
        return quantity, v0, eps, (f"{quantity} = {v0} in the forward pass of this sample (an "
                                   f"overflow), so no central difference can be taken there")
    if (v0 + eps) - v0 or (v0 - eps) - v0:
        return quantity, v0, eps, None
    h = eps * abs(v0)
    if not ((v0 + h) - v0 or (v0 - h) - v0):
        raise ConfigurationError(
            f"eps must be more than half the float spacing of the values it nudges, got "
            f"{eps:g}: {quantity} = {v0:.6g} has spacing {math.ulp(v0):.2g}, so {quantity} "
            f"+ eps == {quantity}; use an eps of about 1e-6 (the default)")
    return quantity, v0, h, (f"eps = {eps:g} is below the float spacing of {quantity} = "
                             f"{v0:.6g} ({math.ulp(v0):.2g}), so {quantity} + eps == "
                             f"{quantity}; stepped by eps * |{quantity}| = {h:.2g} instead")


# -- the forward pass with one nudge ---------------------------------------------------------------

class _FloatArith:
    """The network's own float functions."""

    def __init__(self, net):
        self.conv = None
        self.fs = [layer.activation.f for layer in net.layers]
        self.loss = net.loss.error
        self.decay = net.weight_decay
        self.half = 0.5
        # What may make a central difference straddle a kink: the nets of neurons whose
        # activation has kinks, and the outputs of a clipped binary cross-entropy.
        self.watched = [(k, j, tuple(layer.activation.kinks), False)
                        for k, layer in enumerate(net.layers) if layer.activation.kinks
                        for j in range(len(layer.neurons))]
        if net.loss.name == "binary_cross_entropy":
            last = len(net.layers) - 1
            self.watched += [(last, j, (CLIP, 1.0 - CLIP), True)
                             for j in range(len(net.layers[-1].neurons))]
        self.breaks = [(kinks, flat) for _, _, kinks, flat in self.watched]


def _evaluate(net, x, t, target, h, arith):
    """E (+ the decay term of a nudged weight), the watched values, and every net and out.

    ``target`` names what is nudged by ``h`` (see :func:`_checks`); the weights are read from
    the neuron objects and nothing is stored on them. With ``arith.conv`` set (Decimal), every
    number is converted first and every operation is exact to the context's precision.
    """
    conv = arith.conv
    kind = target[0] if target else None
    who = target[1] if target else None
    xs = list(x) if conv is None else [conv(v) for v in x]
    values = {}
    layers_out = []
    for layer, f in zip(net.layers, arith.fs):
        outs = []
        for n in layer.neurons:
            ws = n.weights if conv is None else [conv(w) for w in n.weights]
            b = n.bias if conv is None else conv(n.bias)
            if kind == "w" and who is n:
                ws = list(ws)
                ws[target[2]] = ws[target[2]] + h
            elif kind == "b" and any(m is n for m in who):
                b = b + h
            z = sum(map(mul, ws, xs)) + b
            if kind == "net" and who is n:
                z = z + h
            o = f(z)
            if kind == "out" and who is n:
                o = o + h
            values[("net", n.name)] = z
            values[("out", n.name)] = o
            outs.append(o)
        layers_out.append((layer, outs))
        xs = outs
    n_out = len(xs)
    loss = arith.loss
    E = sum(loss(conv(ti) if conv else ti, oi, n_out) for ti, oi in zip(t, xs))
    if kind == "w" and arith.decay:
        # lambda/2 sum w^2: only the nudged weight's term changes, the others cancel exactly.
        w = (target[1].weights[target[2]] if conv is None
             else conv(target[1].weights[target[2]])) + h
        E = E + (arith.half * (arith.decay if conv is None else conv(arith.decay))) * w * w
    watch = []
    for k, j, _, is_out in arith.watched:
        layer = net.layers[k]
        watch.append(values[("out" if is_out else "net", layer.neurons[j].name)])
    return E, watch, values


def _crosses(values, kinks, flat_outside):
    """Whether a nudge that moved a value over ``values`` (plus, base, minus) met a kink.

    A kink lies within the range of the values, or (a clipped loss, ``flat_outside``) the value
    moved while outside the open interval between the two ``kinks``.
    """
    lo, hi = min(values), max(values)
    if lo == hi:
        return False
    if any(lo <= k <= hi for k in kinks):
        return True
    return flat_outside and (lo < kinks[0] or hi > kinks[-1])


# -- leaving the network as it was ----------------------------------------------------------------

def _snapshot(net):
    """Every attribute of the network, its layers and neurons, with the contents of its lists."""
    saved = []
    for obj in [net, *net.layers, *net.neurons]:
        state = dict(vars(obj))
        lists = [(v, v[:]) for v in state.values() if isinstance(v, list)]
        saved.append((obj, state, lists))
    return saved


def _restore(saved):
    """Put back every attribute (the same objects) and every list's contents."""
    for obj, state, lists in saved:
        for lst, contents in lists:
            lst[:] = contents
        attributes = vars(obj)
        attributes.clear()
        attributes.update(state)


# -- validation and formatting ---------------------------------------------------------------------

def _check_tolerance(field, value, positive=False):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigurationError(f"{field} must be a finite real number, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise ConfigurationError(
            f"{field} must be {'greater than 0' if positive else 'at least 0'}, got {value!r}")
    return float(value)


def _describe(value):
    """What came instead of a network, for a message: its type, and its repr when short."""
    text = repr(value)
    if len(text) > 40:
        return f"an object of type {type(value).__name__}"
    return text if value is None else f"{text} (type {type(value).__name__})"


def _g(value):
    return "-" if value is None else format(value, ".12g")


def _e(value):
    return "-" if value is None else format(value, ".1e")


def _align(table):
    """Rows of cells as aligned lines: the first column left, the others right-aligned."""
    widths = [max(len(row[c]) for row in table) for c in range(len(table[0]))]
    return ["  ".join(cell.ljust(w) if c == 0 else cell.rjust(w)
                      for c, (cell, w) in enumerate(zip(row, widths))).rstrip() for row in table]
