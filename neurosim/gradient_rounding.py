"""How much rounding a gradient check must allow: in E_total, and in each analytic partial.

Two bounds, both running error analyses (Higham, *Accuracy and Stability of Numerical
Algorithms*, 2nd ed., sections 3.1 and 3.3): follow the computation once more, carrying beside
each value a bound on its absolute rounding error, first order in the unit roundoff u.

A sum of n products, ``net = sum_i w_i x_i + b``, errs by at most ``(n + 1) u (sum_i |w_i x_i|
+ |b|)`` on top of what its inputs carried in (``sum_i |w_i| e(x_i)``). A function of an
erroneous value is wiggled by that error::

    e(f(z)) = max |f(z +- (e(z) + c' u max(1, |z|))) - f(z)|  +  c u |f(z)|

The first term carries the argument's error through f without a derivative, so the bound
does not trust the derivatives it is there to check; ``c' u max(1, |z|)`` (``C_ARGUMENT``) is
the rounding of what f combines its argument with (``1 - out`` in cross-entropy errs by u
however small it is, and log(1 - out) then by u / (1 - out)); the second is f's own
evaluation (``C_FUNCTION``, ``C_LOSS`` units). Every ``u |x|`` also has the subnormal spacing
eta added (Higham's model of underflow).

:class:`ForwardRounding` bounds the rounding error of E_total when the forward pass is
re-run from a given point on (what a nudge recomputes: a weight's sum onwards, a net input's
activation onwards, or everything above an output); the layers below that point are computed
by the same operations on the same numbers in every evaluation, so their rounding is the same
in E(v + h) and E(v - h) and cancels in the difference. A loss computed from the net input
(``error_net``: cross-entropy after a sigmoid) is wiggled through the net.

:func:`analytic_allowances` bounds the rounding error of each partial the backward pass
computed, by the same rules applied to its formulas (:mod:`neurosim.calculation`)::

    dE/dout_o = E_o'(out_o)        dE/dout_h = sum_o w_oh delta_o
    dout/dnet = f'(net, out)       delta = dE/dout * dout/dnet  (or out - target, as one)
    dE/dw_i = delta x_i (+ lambda w_i)      dE/db = delta (a shared bias: sum of deltas)

It matters where a partial is a small result of larger terms: ``dE/dout_h`` when the deltas
above cancel, ``out (1 - out)`` for a saturated sigmoid (1 - out has lost every digit of out
but the last), ``out - target`` when both are large. Here the wiggle takes the smaller move of
the two sides (:func:`steady_wiggle`): at a ReLU's kink f' jumps, which is not rounding; a
stencil across the kink judges the row by its one-sided slopes instead. Where the partials are
computed from a different description, this function must follow it.
"""

import functools
import math
import operator

from .activations import softmax
from .finite_differences import ETA, U

__all__ = ["ForwardRounding", "analytic_allowances", "from_net", "softmax_of", "C_FUNCTION",
           "C_LOSS", "C_ARGUMENT"]

#: Units of u an activation (exp, log1p, tanh, a division) may err by on its own.
C_FUNCTION = 8
#: Units of u one loss term may err by on its own.
C_LOSS = 8
#: Roundings of the largest number a function combines its argument with (``1 - out``,
#: ``target - out``): one subtraction, and one more for safety.
C_ARGUMENT = 2


def from_net(loss):
    """Whether the network computes this loss's E_o from the net input (``error_net``), as it
    does binary cross-entropy after a sigmoid, taking delta = dE/dout * dout/dnet as one."""
    return loss.delta is not None and loss.error_net is not None


def units(c, value):
    """c rounding errors of one operation whose result is ``value``: c (u |value| + eta)."""
    return c * (U * abs(value) + ETA)


def argument_error(c, *magnitudes):
    """c rounding errors of the largest number a function combines its argument with (at least
    1): ``1 - out`` in binary cross-entropy errs by u, however small the result; ``target - out``
    by u max(|target|, |out|). The function is then off by about what this error in its
    argument would move it (a backward error, Higham section 1.5)."""
    return c * U * max(1.0, *map(abs, magnitudes))


def wiggle(g, value, error, pick=max):
    """max |g(value +- error) - g(value)|: how far an error in the argument moves g.

    With ``pick=min`` (the analytic partials) it is blind to a jump of g on one side: f'(net)
    at a ReLU's kink is one of its one-sided slopes by convention, and a stencil across the
    kink judges it by those slopes; the jump is not a rounding error."""
    if not error:
        return 0.0
    try:
        centre = g(value)
        moved = pick(abs(g(value + error) - centre), abs(g(value - error) - centre))
    except (OverflowError, ValueError, ZeroDivisionError, TypeError):  # TypeError: g gave None
        return math.inf
    return moved if math.isfinite(moved) else math.inf


#: :func:`wiggle` with ``pick=min``: for the analytic partials.
steady_wiggle = functools.partial(wiggle, pick=min)


def _moved(g, value, error, *magnitudes):
    """:func:`steady_wiggle` of g by ``error`` in ``value`` and the rounding of what g combines
    its argument with (:func:`argument_error`, of ``value`` and ``magnitudes``)."""
    return steady_wiggle(g, value, error + argument_error(C_ARGUMENT, value, *magnitudes))


def softmax_of(nets, j, i=None, of=softmax):
    """out_j of a softmax layer (``of``: the softmax in the arithmetic used) as a function of
    one net input (net_i, default net_j), the other ``nets`` held: what a nudge of it moves."""
    i = j if i is None else i
    return lambda z: of(j, nets[:i] + [z] + nets[i + 1:])


class ForwardRounding:
    """Bounds on the rounding error of E_total, by where a nudge starts recomputing.

    ``values`` holds the float forward pass of the sample: ``values[("net", name)]`` and
    ``values[("out", name)]``. ``unit`` is the unit roundoff of the arithmetic that computes E
    (u = 2^-53 for floats; Decimal at 50 digits: 5e-50).
    """

    def __init__(self, net, x, t, values, unit=U):
        self.net, self.x, self.t, self.values = net, list(x), list(t), values
        self.scale = unit / U
        #: E_o from the net input (binary cross-entropy after a sigmoid), else None
        self.error_net = net.loss.error_net if from_net(net.loss) else None
        terms = [abs(g(value)) for g, value in (self._term(j, ti) for j, ti in enumerate(self.t))]
        if self.error_net is not None and net.layers[-1].activation.of_layer is not None:
            # E_o = -t (net - m - ln sum_k e^(net_k - m)) errs by about n u |t| however small it
            # is: the sum inside the log is at least 1 and rounds relative to that
            terms += map(abs, self.t)
        #: sum |E_o| at the sample (and under softmax sum |t|): what the loss terms and their
        #: sum round relative to
        self.loss_magnitude = sum(terms) if all(map(math.isfinite, terms)) else math.inf
        #: propagated(layer, stage), computed once for each place a nudge starts
        self.propagated = functools.cache(self._propagated)

    def _nets(self, layer):
        return [self.values[("net", n.name)] for n in layer.neurons]

    def _term(self, j, ti, i=None):
        """(E_o as a function of one value, that value): of out_o, or of net_o (out_o = f(net_o))
        for a loss from net; under softmax, of net_i (default net_o), the other nets held."""
        last = self.net.layers[-1]
        n, n_out = last.neurons[j], len(last.neurons)
        if self.error_net is None:
            return (lambda o: self.net.loss.error(ti, o, n_out)), self.values[("out", n.name)]
        nets = self._nets(last)
        if last.activation.of_layer is not None:   # softmax: E_o from every net (log-softmax)
            return (softmax_of(nets, j, i, of=lambda j, moved: self.error_net(
                ti, 0.0, moved[j], n_out, moved)), nets[j if i is None else i])
        f = last.activation.f
        return (lambda z: self.error_net(ti, f(z), z, n_out)), nets[j]

    def errors(self, layer=0, stage="sum"):
        """{neuron name: (e(net), e(out))} when everything from (layer, stage) on is recomputed.

        ``stage`` is ``"sum"`` (the layer's sums onwards: a weight or bias nudge), ``"f"`` (the
        layer's activations onwards: a net nudge) or ``"next"`` (the layers above: an out
        nudge). Values computed before that point carry no error of their own here.
        """
        errors = {}
        senders, sender_errors = self.x, [0.0] * len(self.x)
        for k, layer_k in enumerate(self.net.layers):
            f, neurons, n = layer_k.activation.f, layer_k.neurons, len(layer_k.neurons)
            nets, outs = self._nets(layer_k), [self.values[("out", m.name)] for m in neurons]
            fresh = not (k < layer or (k == layer and stage == "next"))
            # the sum of n products and the bias, and the errors its inputs carry in
            e_z = [units(len(m.weights) + 1,
                         sum(abs(w * s) for w, s in zip(m.weights, senders)) + abs(m.bias))
                   + sum(abs(w) * e for w, e in zip(m.weights, sender_errors))
                   if fresh and not (k == layer and stage == "f") else 0.0 for m in neurons]
            if not fresh:
                e_o = [0.0] * n
            elif layer_k.activation.of_layer is None:  # f wiggled by its argument's error
                e_o = [wiggle(f, z, e + argument_error(C_ARGUMENT, z)) + units(C_FUNCTION, o)
                       for z, o, e in zip(nets, outs, e_z)]
            else:  # softmax: out_j moves with every net input of the layer; each one wiggled
                e_o = [functools.reduce(operator.add, (
                    wiggle(softmax_of(nets, j, i), nets[i], e_z[i] + argument_error(C_ARGUMENT,
                                                                                    nets[i]))
                    for i in range(n)), units(C_FUNCTION + n, outs[j])) for j in range(n)]
            errors.update({m.name: pair for m, pair in zip(neurons, zip(e_z, e_o))})
            senders, sender_errors = outs, e_o
        return errors

    def _propagated(self, layer, stage):
        """The part of E_total's error bound carried in from the recomputed outputs, and the
        loss terms' own."""
        errors = self.errors(layer, stage)
        total = 0.0
        last = self.net.layers[-1]
        from_out = self.error_net is None
        for j, ti in enumerate(self.t):
            # under softmax E_o from net reads every net of the layer
            for i in ([j] if from_out or last.activation.of_layer is None
                      else range(len(last.neurons))):
                g, value = self._term(j, ti, i)
                error = errors[last.neurons[i].name][1 if from_out else 0]
                total += wiggle(g, value, error + argument_error(C_ARGUMENT, value, ti))
        return total

    def noise(self, layer, stage):
        """A function: E (a value computed from that point on) -> a bound on its rounding."""
        carried = self.propagated(layer, stage)
        per_term = C_LOSS + len(self.net.layers[-1].neurons)
        return lambda E: (carried + units(per_term, max(abs(float(E)), self.loss_magnitude))
                          ) * self.scale

    def local_noise(self, f, z):
        """For dout/dnet rows, whose 'E' is f(net) alone, and the out of a neuron recomputed
        from its net: f's own rounding near ``z``."""
        backward = wiggle(f, z, argument_error(C_ARGUMENT, z))
        return lambda value: (backward + units(C_FUNCTION, float(value))) * self.scale


def analytic_allowances(net, x, t, values, analytic, errors):
    """{row name: a bound on the rounding error of the analytic value of that row}.

    ``analytic`` maps row names (``dE/dout_h1``, ``dout/dnet_h1``, ``delta_h1``, ``dE/dw5``,
    ``dE/db1``, ``dE/db_h1``) to the values the backward pass left; ``errors`` is
    :meth:`ForwardRounding.errors` of the whole forward pass (the analytic partials are
    computed from the float forward values, and the exact derivative from exact ones).

    The output layer's partials (``n`` outputs; softmax only there)::

        dE/dout_o = E_o'(out_o), or from out and net (cross-entropy after a sigmoid)
        delta_o = out - target as one (or out (t_1 + ... + t_n) - target after a softmax)
        softmax: dout_u/dnet_j = out_u (delta_uj - out_j), the Jacobian, whose diagonal is the
                 neuron's dout/dnet; delta_j = sum_u dE/dout_u dout_u/dnet_j
    """
    allowance = {}
    loss, decay = net.loss, net.weight_decay
    pair = loss.delta is not None  # delta = out - target, taken as one
    total = functools.reduce(operator.add, t, 0.0)  # t_1 + ... + t_n, left to right
    upper = None
    for k in reversed(range(len(net.layers))):
        layer = net.layers[k]
        act, neurons, n = layer.activation, layer.neurons, len(layer.neurons)
        soft = act.of_layer is not None
        below = net.layers[k - 1].neurons if k else ()
        senders = [values[("out", m.name)] for m in below] if k else list(x)
        sender_errors = [errors[m.name][1] for m in below] if k else [0.0] * len(x)
        names = [m.name for m in neurons]
        z, o = ([values[(q, m)] for m in names] for q in ("net", "out"))
        e_z, e_o = zip(*(errors[m] for m in names))
        g, s, d = ([analytic[f"{q}_{m}"] for m in names] for q in ("dE/dout", "dout/dnet",
                                                                   "delta"))
        # each allowance case by case, as the backward pass computes the partial:
        a_g = [_sum_of_deltas(upper, j) if upper is not None  # dE/dout_h = sum_o w_oh delta_o
               else math.inf if g[j] is None
               # dE/dout_o from out and net
               else (_moved(lambda oo: loss.dE_dout_net(t[j], oo, z[j], n), o[j], e_o[j], t[j])
                     + _moved(lambda zz: loss.dE_dout_net(t[j], o[j], zz, n), z[j], e_z[j])
                     + units(C_LOSS, g[j])) if pair and not soft
               # dE/dout_o = E_o'(out_o)
               else (_moved(lambda oo: loss.dE_dout(t[j], oo, n), o[j], e_o[j], t[j])
                     + units(C_LOSS, g[j]))
               for j in range(n)]
        # dout/dnet = f'(net, out): wiggled through net (with out = f(net)), through out
        a_s = [(0.0 if soft else _moved(lambda zz: act.df(zz, act.f(zz)), z[j], e_z[j]))
               + steady_wiggle(lambda oo: act.df(z[j], oo), o[j], e_o[j])
               + units(C_FUNCTION, s[j]) for j in range(n)]
        # out_j (t_1 + ... + t_n) - t_j as one (softmax); out - target as one; the Jacobian
        # sum_u dE/dout_u dout_u/dnet_j (softmax); dE/dout * dout/dnet
        a_d = [(_moved(lambda oo: loss.delta(t[j], oo, n, total), o[j], e_o[j], t[j], total)
                + units(C_LOSS + n, d[j]) + units(n, total) * abs(o[j]))
               if upper is None and pair and soft
               else (_moved(lambda oo: loss.delta(t[j], oo, n), o[j], e_o[j], t[j])
                     + units(C_LOSS, d[j])) if upper is None and pair
               else (math.inf if any(v is None for v in g)
                     else _jacobian_allowance(o, e_o, g, a_g, a_s, j)) if soft
               else abs(s[j]) * a_g[j] + abs(g[j]) * a_s[j] + units(2, d[j])
               for j in range(n)]
        for j, m in enumerate(neurons):
            allowance.update({f"dE/dout_{m.name}": a_g[j], f"dout/dnet_{m.name}": a_s[j],
                              f"delta_{m.name}": a_d[j]})
            allowance.update({f"dE/d{w_name}": abs(x_i) * a_d[j] + abs(d[j]) * e_x
                              + units(4, abs(d[j] * x_i) + abs(decay * w))
                              for w, w_name, x_i, e_x in zip(m.weights, m.weight_names, senders,
                                                             sender_errors)})
            if layer.bias_mode == "per_neuron":
                allowance[f"dE/d{m.bias_name}"] = a_d[j]
        if layer.bias_mode == "shared":
            allowance[f"dE/d{layer.bias_name}"] = sum(a_d) + units(n + 1, sum(map(abs, d)))
        upper = list(zip(neurons, d, a_d))
    # dE/di = sum_h delta_h w_hi, as dE/dout_h
    allowance.update({f"dE/d{name}": _sum_of_deltas(upper, i)
                      for i, name in enumerate(net.input_names) if f"dE/d{name}" in analytic})
    return {name: (a if math.isfinite(a) else math.inf) for name, a in allowance.items()}


def _sum_of_deltas(upper, j):
    """The rounding of sum_o w_oj delta_o, from ``upper`` = (neuron o, delta_o, its rounding)."""
    return (sum(abs(u.weights[j]) * a for u, _, a in upper)
            + units(len(upper) + 1, sum(abs(u.weights[j] * u_delta) for u, u_delta, _ in upper)))


def _jacobian_allowance(o, e_o, g, a_g, a_s, j):
    """The rounding of delta_j = sum_u dE/dout_u dout_u/dnet_j under softmax, where
    dout_u/dnet_j = out_u (delta_uj - out_j) (:mod:`neurosim.calculation`)."""
    n = len(o)
    jacobian = [o[u] * ((1.0 if u == j else 0.0) - o[j]) for u in range(n)]
    # its rounding: the diagonal's is dout/dnet's, an entry off it a product's
    a_jacobian = [a_s[j] if u == j else abs(o[u]) * e_o[j] + abs(o[j]) * e_o[u]
                  + units(1, o[u] * o[j]) for u in range(n)]
    return (sum(abs(jacobian[u]) * a_g[u] + abs(g[u]) * a_jacobian[u] for u in range(n))
            + units(2 * n, sum(abs(g[u] * jacobian[u]) for u in range(n))))
