"""Gradient checking: every partial the network holds, against central differences.

A backward pass leaves the partials of the hand calculation on the neurons. Each one is the
derivative of the total error with respect to something, so each one can be checked without
any calculus, by nudging that something both ways and watching E_total::

    dE/dv  ~  D(h) = (E(v + h) - E(v - h)) / 2h          h = eps * max(1, |v|)

The step is relative to v where |v| > 1, as floats are: at v = 3.5e11 their spacing is 6.1e-5,
and v + 1e-6 would equal v.

**Every row is judged against an error estimate of its own.** D(h) errs by truncation (the
Taylor terms the difference leaves, about h^2 E'''/6) and by rounding (the errors of the two
computed E values, divided by 2h: about u |E| / h with u = 2^-53, 6e-8 at E = 645). Neither
is the same for every row, so no fixed tolerance fits them all (``atol=1e-8, rtol=1e-5``
failed 56 of 300 correct random networks in the trust issue). Here each row gets::

    estimate   = rounding + truncation
    rounding   = (bound on the rounding error of E(v + h) and of E(v - h)) / 2h
    truncation = 2 |D(2h) - D(h)| / 3        (Richardson's estimate, from a second step, x 2)
    tolerance  = estimate + the analytic value's own rounding + atol + rtol |D(h)|

The rounding bounds come from a running error analysis of the forward and backward passes
(:mod:`neurosim.gradient_rounding`); the estimate and the verdicts from
:mod:`neurosim.finite_differences`, which explains them. A row is

* ``FAIL`` when ``|analytic - D(h)| > tolerance``. A derivative wrong by 0.1 % fails wherever
  the estimate is below 0.1 % of it (on Mazur's network it is below 4e-6 of it);
* ``ok`` when ``|analytic - D(h)| <= tolerance`` and the comparison resolves the derivative:
  estimate + the analytic value's rounding is at most 1 % of it (so a sign flip would fail),
  or below u |E| / max(1, |v|), too small to move E's last digit (so is a derivative of 0);
* ``unresolved`` when analytic and numeric agree but not that closely: the derivative is below
  what differences resolve at this point (a saturated unit, a derivative 1e-12 of E). It does
  not fail; ``precise=True`` resolves it;
* ``kink`` when E is not differentiable within 2h of v: the one-sided derivatives, from
  E(v - 2h), E(v - h), E(v) and from E(v), E(v + h), E(v + 2h), disagree beyond their errors,
  or a value with a known kink passes it (a ReLU's net crossing 0, an output crossing a clipped
  loss's margin). The analytic value must then agree with one of them or lie between them;
  one that agrees with neither is a ``FAIL``, so a flipped sign in a flat clipped region fails.
  Where several kinks lie within 2h (a ReLU layer whose nets are all 0) the slope between them,
  which is the analytic value, cannot be measured: ``kink``.

A row that is not ``ok`` at h is measured again at h/4, h/16, ... (a kink or a steep stretch
of E a little away from v leaves the stencil), or at 4h, 16h, ... where rounding dominates,
and judged at the step with the smallest estimate, as numdifftools chooses among its steps.
``report.ok`` is True when no row is ``FAIL``. The summary names the row with the largest
``score`` = difference / tolerance, the rule that judged it (a FAIL above 1).

Peers. PyTorch's ``gradcheck`` fails an entry when ``|a - n| > atol + rtol |n|`` (atol=1e-5,
rtol=1e-3), with no estimate of the numeric error; numdifftools' ``Derivative`` (after
D'Errico's derivest) reports an error estimate from Richardson extrapolation over several
steps and keeps the step with the least; Chainer's ``numerical_grad(detect_nondifferentiable=
True)`` refuses a point where five values do not fit a quadratic; Caffe's checker asks the
analytic value at a kink to lie between the one-sided differences. This module takes the
estimate and step choice of numdifftools, the kink test of Chainer, the kink rule of Caffe,
and judges the analytic value against all three.

:func:`gradcheck` checks

* every weight ``w`` and every bias (a shared bias is one parameter: nudging ``b1`` nudges it
  in every neuron of its layer; with ``bias="none"`` there are no biases to check). With
  ``weight_decay = lambda > 0`` the objective is ``E_total + lambda/2 sum w^2`` (biases
  excluded), whose derivative ``delta * x + lambda * w`` is the ``dE_dw`` the engine stores;
* every input's ``dE/di`` (``net.dE_dinputs``): the input itself is nudged;
* every neuron's ``dE_dout``, ``dout_dnet`` and ``delta`` (= dE/dnet): the forward pass is run
  again with the neuron's ``out`` or ``net`` nudged in the middle of it, the layers below
  untouched and the layers above computed from the nudged value. An output whose E_o is
  computed from its net (binary cross-entropy after a sigmoid) does not read its out, so its
  dE/dout is checked as (E(net + d) - E(net - d)) / (out(net + d) - out(net - d)).

The analytic values are the ones the network itself holds after one backward pass on its own
objects (:func:`neurosim.propagation.gradients`: forward, error, backward, no update), listed
by :func:`partials`; the numeric values come from a separate forward pass that reads the
weights from the same neurons and stores nothing. Afterwards the network is restored exactly
as it was found: weights, biases, velocities and every stored partial of the previous pass.

``precise=True`` adds an oracle that only a scalar pure-Python engine gets cheaply: the same
forward pass in :class:`decimal.Decimal` at 50 significant digits. A Decimal central difference
with h = 1e-20 gives the derivative of the float network's function to about 30 digits (the
``exact`` column, with its own estimate); the same Decimal difference with the float step
splits the float numeric error into ``truncation`` (exact arithmetic, step h) and ``rounding``
(float minus Decimal at the same step). With ``precise=True`` a row is judged against
``exact``, which resolves what floats leave unresolved.

>>> from neurosim.worked_examples import mazur, MAZUR_INPUTS, MAZUR_TARGETS
>>> report = gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS)
>>> report.ok, len(report.rows)
(True, 24)
>>> row = report["dE/dw5"]                       # Mazur prints dE_total/dw5 = 0.082167041
>>> round(row.analytic, 9), round(row.numeric, 9), row.status
(0.082167041, 0.082167041, 'ok')
>>> row.estimate < 1e-8 < row.tolerance          # rounding ~ u E / h; rtol adds 8e-7
True
"""

import contextlib
import decimal
import math
from decimal import Decimal
from functools import partial
from operator import mul
from types import SimpleNamespace
from typing import NamedTuple

from . import propagation
from .activations import softmax
from .validation import check_flag, check_number
from .decimal_oracle import EXACT_EPS, PRECISION, UNIT, DecimalArith
from .errors import ConfigurationError
from .finite_differences import ETA, RESOLUTION, U, finite, judge_steps, measure, unusable
from .gradient_report import GradientReport, GradientRow
from .gradient_rounding import ForwardRounding, analytic_allowances, from_net, softmax_of
from .losses import CLIP
from .network import NeuralNetwork
from .numbers import num

__all__ = ["gradcheck", "partials", "GradientReport", "GradientRow", "Partial", "PRECISION",
           "EXACT_EPS"]

#: The exact step relative to a large value: 1e-30 keeps 20 of the 50 digits between v0 + h
#: and v0 - h (equal to EXACT_EPS at |v0| = 1e10).
_EXACT_RELATIVE = Decimal("1e-30")


def gradcheck(net, inputs, targets, *, eps=1e-6, rtol=1e-5, atol=0.0, precise=False):
    """Check every partial of one backward pass against central differences; return a report.

    One backward pass runs on the network's own objects without any update, and every
    ``dE_dw``, ``dE_db`` (per neuron, or the layer's for a shared bias), ``dE_dout``,
    ``dout_dnet`` and ``delta`` it leaves is compared with::

        numeric = D(h) = (E(v + h) - E(v - h)) / 2h,   h = eps * max(1, |v|)

    and judged against that row's own error estimate (rounding + truncation, module
    docstring): a row fails when ``|analytic - numeric| > tolerance``, where ``tolerance =
    estimate + the analytic value's rounding + atol + rtol * |numeric|``; ``atol`` and ``rtol``
    only loosen that. The network is left exactly as it was found. ``precise=True`` adds the
    Decimal oracle described in the module docstring and judges each row against it.

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
    check_flag("precise", precise)
    eps = _check_tolerance("eps", eps, positive=True)
    rtol = _check_tolerance("rtol", rtol)
    atol = _check_tolerance("atol", atol)
    x = net._vector(inputs, "inputs")
    t = net._vector(targets, "targets")
    with _left_as_found(net):
        propagation.gradients(net, x, t)  # forward, error, backward on the real objects
        checks = partials(net)
    # the network's own float functions (DecimalArith has the same attributes in Decimal)
    flt = SimpleNamespace(conv=float, softmax=softmax, loss=net.loss.error,
                          fs=[layer.activation.f for layer in net.layers],
                          loss_net=net.loss.error_net if from_net(net.loss) else None)
    base_E, values = evaluate(net, x, t, None, 0.0, flt)
    rounding = ForwardRounding(net, x, t, values)
    allowances = analytic_allowances(net, x, t, values, {p.name: p.analytic for p in checks},
                                     rounding.errors())
    steps = [_step(p, values, eps) for p in checks]  # a hopeless eps fails before any work
    with decimal.localcontext(decimal.Context(prec=PRECISION, Emax=decimal.MAX_EMAX,
                                              Emin=decimal.MIN_EMIN)):
        oracle = DecimalOracle(net, x, t, values) if precise else None
        rows = [_check_row(p, step, partial(measurement, net, x, t, p, flt, base_E, values,
                                            rounding), allowances[p.name], rtol, atol, oracle)
                for p, step in zip(checks, steps)]
    return GradientReport(rows, eps=eps, rtol=rtol, atol=atol, precise=precise, E_total=base_E)


def _check_row(p, step, measured, allowance, rtol, atol, oracle):
    """The :class:`GradientRow` of one partial: measure (``measured()``), choose a step,
    judge."""
    v0, h, note = step
    a = p.analytic
    if a is None:
        return GradientRow(p.name, None, math.nan, math.nan, math.nan, "unresolved", step=h,
                           score=0.0, note=_join(note, "the analytic value is not defined in "
                                                       "floating point (None): nothing to check"))
    if not (math.isfinite(v0) and math.isfinite(a)):
        return GradientRow(p.name, a, math.nan, math.inf, math.inf, "FAIL", step=h,
                           note=note or f"the analytic value is {a}", score=math.inf)
    m = measured()
    # a derivative too small to move E's last digit (nor anything above the subnormals)
    floor = (U * abs(m.E0) / max(1.0, abs(v0)) if math.isfinite(m.E0) else 0.0) + 64 * ETA
    verdict, _ = judge_steps(a, allowance, partial(stencil, m, v0), h, rtol, atol, floor)
    chosen = verdict.stencil if verdict is not None else unusable(h)
    verdict, extra = (oracle.judge(p, v0, a, allowance, rtol, atol, floor, chosen) if oracle
                      else (verdict, {}))
    if verdict is None:
        return GradientRow(p.name, a, chosen.central, math.nan, math.nan, "unresolved", step=h,
                           score=0.0, note=_join(note, (
                               f"no difference around {p.quantity} = {num(v0, 6)} could be "
                               f"taken at any step tried from h = {num(h, 2)} (E overflows, or "
                               f"the value does not move in floats)"
                               + ("" if oracle else "; precise=True may"))))
    s, scale = verdict.stencil, max(abs(a), abs(verdict.reference))
    explained = _join(
        note, oracle is None and s.step != h and (f"judged at h = {num(s.step, 2)}, where the "
                                                  f"estimate is smallest"),
        verdict.status == "unresolved" and (
            f"the derivative is below what "
            f"{'even the 50-digit oracle resolves' if oracle else 'differences resolve'} here "
            f"(estimate {num(verdict.estimate, 2, exponent=True)}, over {RESOLUTION:.0%} of it)"
            + ("" if oracle else "; precise=True resolves it")),
        not s.smooth and (
            f"{s.kinks} kinks lie within 2h of {p.quantity}, closer together than any step "
            f"separates (one-sided derivatives {num(s.left, 6)} and {num(s.right, 6)}): the "
            f"slope between them, which the analytic value is, cannot be measured"
            if s.kinks > 1 else
            f"E is not differentiable within 2h of {p.quantity}: one-sided derivatives "
            f"{num(s.left, 6)} (left) and {num(s.right, 6)} (right); the analytic value "
            + ("agrees with neither nor lies between them" if verdict.status == "FAIL"
               else "is one of them or between them")))
    return GradientRow(p.name, a, chosen.central, verdict.difference,
                       verdict.difference / scale if scale else 0.0, verdict.status, **extra,
                       step=chosen.step, note=explained, estimate=verdict.estimate,
                       tolerance=verdict.tolerance, score=verdict.score,
                       **({} if s.smooth else dict(left=s.left, right=s.right)))


def _join(*notes):
    """The notes that are not empty (nor False), joined by "; ", or None."""
    return "; ".join(filter(None, notes)) or None


# -- what to check ---------------------------------------------------------------------------------

class Partial(NamedTuple):
    """One partial the backward pass left, and what to nudge to check it.

    ``target``: ``("w", neuron, i)``, ``("b", neurons)``, ``("out", neuron)``, ``("net",
    neuron)``, ``("dout/dnet", neuron, f)`` (f: out as a function of the neuron's net) or
    ``("i", index of the input)``. ``quantity`` names the nudged value (``w5``, ``b_h1``,
    ``net_h1``, ``out_h1``) and ``layer`` is the index of its layer.
    """

    name: str
    analytic: float
    target: tuple
    quantity: str
    layer: int


def partials(net):
    """Every partial a backward pass left on ``net``, as :class:`Partial` rows, in order.

    Weights and biases as ``net.parameter_names()`` lists them (layer by layer: the weights,
    then the biases), then each neuron's ``dE/dout``, ``dout/dnet`` and ``delta``, then each
    input's ``dE/di``. This is the whole interface of the check to the engine: what to
    compare, and what to nudge. A partial the engine could not define in floating point is
    None (binary cross-entropy's dE/dout where f'(net) underflows): its row is
    ``unresolved``. (The rounding allowances of :mod:`neurosim.gradient_rounding` follow the
    same formulas; a change of how the partials are computed changes both.)
    """
    parameters = [Partial(f"dE/d{p.name}", p.gradient, ("w", p.holder, p.index)
                          if p.kind == "weight" else ("b", p.neurons), p.name, p.layer)
                  for p in net.parameters()]
    neurons = []
    for k, layer in enumerate(net.layers):
        act = layer.activation
        for j, n in enumerate(layer.neurons):
            # out as a function of the neuron's own net (softmax: the other nets held)
            f = act.f if act.of_layer is None else softmax_of([m.net for m in layer.neurons], j)
            neurons += [Partial(f"dE/dout_{n.name}", n.dE_dout, ("out", n), f"out_{n.name}", k),
                        Partial(f"dout/dnet_{n.name}", n.dout_dnet, ("dout/dnet", n, f),
                                f"net_{n.name}", k),
                        Partial(f"delta_{n.name}", n.delta, ("net", n), f"net_{n.name}", k)]
    return parameters + neurons + [Partial(f"dE/d{name}", g, ("i", k), name, 0) for k, (name, g)
                                   in enumerate(zip(net.input_names, net.dE_dinputs or ()))]


def _step(p, values, eps):
    """(the float value v0 of what ``p`` nudges, the step h = eps * max(1, |v0|), a note).

    Only an eps below about the float spacing near 1 (1.1e-16) leaves a step lost in rounding,
    v0 + h == v0: a ConfigurationError.
    """
    kind, who = p.target[:2]
    v0 = (who.weights[p.target[2]] if kind == "w" else who[0].bias if kind == "b"
          else values[("in", who)] if kind == "i"
          else values[("out" if kind == "out" else "net", who.name)])
    if not math.isfinite(v0):
        return v0, eps, (f"{p.quantity} = {v0} in the forward pass of this sample (an "
                         f"overflow), so no central difference can be taken there")
    h = eps * max(1.0, abs(v0))
    if not ((v0 + h) - v0 or (v0 - h) - v0):
        raise ConfigurationError(
            f"eps must be more than half the float spacing of the values it nudges, got "
            f"{num(eps, 6)}: {p.quantity} = {num(v0, 6)} has spacing {num(math.ulp(v0), 2)}, so "
            f"{p.quantity} + eps * max(1, |{p.quantity}|) == {p.quantity}; use an eps of "
            f"about 1e-6 (the default)")
    return v0, h, None


#: What :func:`measurement` returns: its attributes, with these two by default.
_Measurement = partial(SimpleNamespace, along=None, along_noise=0.0)


def measurement(net, x, t, p, arith, base_E, values, rounding):
    """How row ``p``'s E is measured in ``arith`` (floats, or Decimal for the oracle).

    The attributes: ``E_at(d)`` gives E and the forward values with the nudged value moved by
    d; ``E0``, ``values0`` the same at d = 0; ``noise(E)`` bounds the rounding of a value of
    E; ``watch`` lists the known kinks (:func:`kink_watch`).

    ``along`` is None when d is the step itself. For the dout of an output whose loss is
    computed from its net, E does not read out: there the net is moved by d / f'(net) and
    the step is the change of out it causes (``along`` = out's key), measured, with
    ``along_noise`` the rounding of out; D = (E(+) - E(-)) / (out(+) - out(-)).
    """
    kind, who = p.target[:2]
    watch = kink_watch(net, p)
    layer = net.layers[p.layer]
    if kind == "dout/dnet":  # local: f(net + d), nothing downstream
        key = ("net", who.name)
        z = arith.conv(rounding.values[key])  # at the float net, in the oracle too
        f = (arith.fs[p.layer] if layer.activation.of_layer is None
             else p.target[2] if arith.conv is float
             # out_j of the softmax, net_j moved, the other nets held
             else softmax_of([values[("net", m.name)] for m in layer.neurons],
                             layer.neurons.index(who), of=arith.softmax))
        return _Measurement(E_at=lambda d: (f(z + d), {key: z + d}), E0=f(z),
                            values0={key: z}, watch=watch,
                            noise=rounding.local_noise(p.target[2], float(z)))
    if (kind == "out" and layer is net.layers[-1] and from_net(net.loss)
            and layer.activation.of_layer is None):
        net_key, out_key = ("net", who.name), ("out", who.name)
        z, o = values[net_key], values[out_key]
        slope = abs(layer.activation.df(float(z), float(o)))
        # along_noise: the rounding of out recomputed from its (float) net, twice
        return _Measurement(
            E_at=lambda d: (evaluate(net, x, t, ("net", who), d / arith.conv(slope), arith)
                            if slope else (math.nan, {out_key: o})),
            E0=base_E, values0=values, noise=rounding.noise(p.layer, "f"), watch=watch,
            along=out_key, along_noise=2 * rounding.local_noise(
                layer.activation.f, rounding.values[net_key])(rounding.values[out_key]))
    E_at = partial(evaluate, net, x, t, p.target, arith=arith)
    stage = {"w": "sum", "b": "sum", "i": "sum", "net": "f", "out": "next"}[kind]
    # E at d = 0 is the sample's E, except with the nudged weight's decay term
    return _Measurement(E_at=E_at, values0=values, watch=watch,
                        E0=E_at(arith.conv(0))[0] if kind == "w" and net.weight_decay
                        else base_E, noise=rounding.noise(p.layer, stage))


def kink_watch(net, p):
    """What may make E not differentiable near the value ``p`` nudges: (value key, kinks).

    The net inputs of neurons whose activation has kinks (ReLU, leaky ReLU at 0), and, under
    binary cross-entropy, the outputs (clipped at CLIP and 1 - CLIP). A dout/dnet row watches
    only its own neuron's net.
    """
    if p.target[0] == "dout/dnet":
        kinks = tuple(net.layers[p.layer].activation.kinks)
        return [(("net", p.target[1].name), kinks)] if kinks else []
    return ([(("net", n.name), tuple(layer.activation.kinks))
             for layer in net.layers if layer.activation.kinks for n in layer.neurons]
            # binary cross-entropy: E_o from out clips it
            + [(("out", n.name), (CLIP, 1.0 - CLIP)) for n in net.layers[-1].neurons
               if net.loss.name == "binary_cross_entropy"
               and (not from_net(net.loss) or p.target[0] == "out" and p.target[1] is n)])


def crossings(points, watch):
    """How many watched values pass a kink of theirs while the nudge runs over ``points``."""
    spans = [(min(v[key] for v in points), max(v[key] for v in points), kinks)
             for key, kinks in watch]
    return sum(low < high and any(low <= k <= high for k in kinks) for low, high, kinks in spans)


def stencil(m, v0, h):
    """The :class:`~neurosim.finite_differences.Stencil` of E at v0 +- h, +- 2h.

    The offsets are the steps the arithmetic actually takes, (v0 + k h) - v0 (or the changes
    of out, see :func:`measurement`); a step lost in rounding or an overflow gives a stencil
    that is not ``finite``, which the step search skips.
    """
    ks = (-2, -1, 1, 2)
    offsets = {0: 0 * h, **{k: (v0 + k * h) - v0 for k in ks}}
    if m.along is None and not _increasing(offsets):
        return unusable(h)
    E, points = {0: m.E0}, {0: m.values0}
    for k in ks:
        E[k], points[k] = m.E_at(k * h)
    if m.along is not None:
        offsets.update({k: points[k][m.along] - m.values0[m.along] for k in ks})
        if not _increasing(offsets):
            return unusable(h)
    return measure(E, offsets, {k: m.noise(v) if finite(v) else math.inf for k, v in E.items()},
                   step=float(h), kinks=crossings(points.values(), m.watch),
                   offset_noise=m.along_noise)


def _increasing(x):
    return finite(x[-2]) and finite(x[2]) and x[-2] < x[-1] < 0 < x[1] < x[2]


# -- the forward pass with one nudge ---------------------------------------------------------------

def evaluate(net, x, t, target, h, arith):
    """E (+ the decay term of a nudged weight) and every net and out, with one value nudged.

    ``target`` names what is nudged by ``h`` (see :class:`Partial`); the weights are read from
    the neuron objects and nothing is stored on them. Every number is converted with
    ``arith.conv`` first (float, or Decimal: then every operation is exact to the context's
    precision).
    """
    conv = arith.conv
    kind, who = target[:2] if target else (None, None)
    # the nudged value(s), by kind and owner: ("i", 0), ("b", neuron), ("net", neuron), ...
    nudged = {("b", m) for m in who} if kind == "b" else {tuple(target)} if target else set()

    def moved(value, *key):
        return value + h if key in nudged else value

    xs = [moved(conv(v), "i", k) for k, v in enumerate(x)]
    values = {("in", k): v for k, v in enumerate(xs)}
    for layer, f in zip(net.layers, arith.fs):
        nets = []
        for n in layer.neurons:
            ws = [conv(w) for w in n.weights]
            if kind == "w" and who is n:
                ws[target[2]] = ws[target[2]] + h
            b = moved(conv(n.bias), "b", n)
            # (with thresholds the neuron holds theta: net = sum w x - theta)
            z = moved(sum(map(mul, ws, xs)) + (-b if net.thresholds else b), "net", n)
            values[("net", n.name)] = z
            nets.append(z)
        # a softmax's outs once every net is known
        xs = [moved(f(z) if layer.activation.of_layer is None else arith.softmax(j, nets),
                    "out", n) for j, (z, n) in enumerate(zip(nets, layer.neurons))]
        values.update({("out", n.name): o for n, o in zip(layer.neurons, xs)})
    E = conv(0)
    last = net.layers[-1]
    nets = (tuple(nets),) if last.activation.of_layer is not None else ()
    for ti, oi, n in zip(t, xs, last.neurons):
        # from net where the loss is, else from out: the textbook E_o(target, out), also where
        # out itself is nudged
        E = E + (arith.loss_net(conv(ti), oi, values[("net", n.name)], len(xs), *nets)
                 if arith.loss_net is not None and ("out", n) not in nudged
                 else arith.loss(conv(ti), oi, len(xs)))
    if kind == "w" and net.weight_decay:
        # lambda/2 sum w^2: only the nudged weight's term changes, the others cancel exactly.
        w = conv(who.weights[target[2]]) + h
        E = E + (conv(0.5) * conv(net.weight_decay)) * w * w
    return E, values


class DecimalOracle:
    """The exact derivative of each row, with its own error estimate and kink test.

    The same :func:`measurement` of each row as the float check's, in Decimal
    (:mod:`neurosim.decimal_oracle`): a stencil at h = EXACT_EPS (or |v0| * 1e-30 beyond
    |v0| = 1e10), its rounding bounded as the float pass's is with the unit roundoff of 50
    digits (5e-50) instead of 2^-53, judged by the same rules. Used within a Decimal context
    of ``PRECISION`` digits (:func:`gradcheck` opens one).
    """

    def __init__(self, net, x, t, values):
        self.net, self.x, self.t = net, x, t
        self.arith = DecimalArith(net)
        self.rounding = ForwardRounding(net, x, t, values, unit=UNIT)
        self.E, self.values = evaluate(net, x, t, None, Decimal(0), self.arith)

    def judge(self, p, v0, a, allowance, rtol, atol, floor, nominal):
        """(the verdict on ``a`` against the oracle, the columns of :meth:`columns`).

        The verdict at the exact step; for a derivative too small for it (below about 1e-30
        |E|) at steps 1e4, 1e8 and 1e12 times larger; where E curves within 1e-20 of v (the
        out of a saturated sigmoid, 1 - out = 4e-18) at steps 1e4, 1e8 and 1e12 times
        smaller, keeping the one with the smallest estimate. None, {} if no step could be
        measured."""
        m = measurement(self.net, self.x, self.t, p, self.arith, self.E, self.values,
                        self.rounding)
        h = max(EXACT_EPS, abs(Decimal(v0)) * _EXACT_RELATIVE)
        verdict = judge_steps(a, allowance, lambda step: stencil(m, Decimal(v0), Decimal(step)), h,
                              rtol, atol, floor, factor=Decimal(10000), smaller=3, larger=3,
                              refine=True)[0]
        return verdict, self.columns(m, v0, nominal, verdict.stencil) if verdict else {}

    @staticmethod
    def columns(m, v0, nominal, exact):
        """exact, and the float numeric error (of ``nominal``) split into truncation and
        rounding.

        The float steps actually taken, ``(v0 + h) - v0`` and ``(v0 - h) - v0``, are exact
        in Decimal; the Decimal difference at those steps differs from ``exact`` by truncation
        alone, and from the float difference by rounding alone.
        """
        columns = {"exact": exact.central, "truncation": None, "rounding": None}
        h = nominal.step
        d_plus, d_minus = ((Decimal((v0 + h) - v0), Decimal((v0 - h) - v0)) if m.along is None
                           else (Decimal(h), -Decimal(h)))
        if not (nominal.finite and d_plus > d_minus):
            return columns
        (E_plus, plus), (E_minus, minus) = m.E_at(d_plus), m.E_at(d_minus)
        if m.along is not None:  # the steps are the changes of out
            d_plus, d_minus = (plus[m.along] - m.values0[m.along],
                               minus[m.along] - m.values0[m.along])
        if E_plus.is_finite() and E_minus.is_finite() and d_plus > d_minus:
            at_step = (E_plus - E_minus) / (d_plus - d_minus)
            columns.update(truncation=float(at_step) - exact.central,
                           rounding=float(Decimal(nominal.central) - at_step))
        return columns


# -- leaving the network as it was ----------------------------------------------------------------

@contextlib.contextmanager
def _left_as_found(net):
    """Put back afterwards every attribute of the network, its layers and neurons (the same
    objects), and the contents of every list among them."""
    saved = [(vars(obj), dict(vars(obj)), [(v, v[:]) for v in vars(obj).values()
                                           if isinstance(v, list)])
             for obj in [net, *net.layers, *net.neurons]]
    try:
        yield
    finally:
        for attributes, state, lists in saved:
            for lst, contents in lists:
                lst[:] = contents
            attributes.clear()
            attributes.update(state)


# -- validation and formatting ---------------------------------------------------------------------

def _check_tolerance(field, value, positive=False):
    if isinstance(value, str):
        raise ConfigurationError(f"{field} must be a number, got the text {value!r}\n"
                                 f"write it without quotes, e.g. {field}=1e-6")
    if isinstance(value, int) and abs(value) >= 2 ** 1024 - 2 ** 970:  # float() overflows
        raise ConfigurationError(
            f"{field} must be a finite real number, got an integer of {len(str(abs(value)))} "
            f"digits (beyond the largest float, 1.8e308)")
    number = check_number(field, value, low=None if positive else 0, error=ConfigurationError)
    if positive and number <= 0:
        raise ConfigurationError(f"{field} must be greater than 0, got {value!r}")
    return number


def _describe(value):
    """What came instead of a network, for a message: its type, and its repr when short."""
    text = repr(value)
    return (f"an object of type {type(value).__name__}" if len(text) > 40
            else text if value is None else f"{text} (type {type(value).__name__})")
