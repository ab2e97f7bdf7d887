"""The Decimal oracle of :func:`neurosim.gradcheck` with ``precise=True``.

The forward pass again, in :class:`decimal.Decimal` at ``PRECISION`` digits, with every
activation and loss written from its formula (exp and ln from Decimal). A central difference
with the tiny step ``EXACT_EPS`` then gives the derivative to far better than float precision,
judged by the same rules as the float one (:mod:`neurosim.finite_differences`), and the
report can split the float check's error into its two parts::

    truncation = (E(v + h) - E(v - h)) / 2h  -  exact       (the O(h^2) of the formula)
    rounding   = float numeric  -  (E(v + h) - E(v - h)) / 2h, E in Decimal  (float arithmetic)

Only a scalar engine gets this cheaply: the same neuron-by-neuron forward pass runs on any
number type.
"""

import decimal
from decimal import Decimal

from .activations import LEAKY_SLOPE
from .errors import ConfigurationError
from .finite_differences import judge_steps
from .gradient_check import EXACT_EPS, PRECISION, evaluate, from_net, measurement, stencil
from .gradient_rounding import ForwardRounding
from .losses import CLIP

__all__ = ["DecimalArith", "DecimalOracle"]

#: The exact step relative to a large value: 1e-30 keeps 20 of the 50 digits between v0 + h
#: and v0 - h (equal to EXACT_EPS at |v0| = 1e10).
_EXACT_RELATIVE = Decimal("1e-30")
#: The unit roundoff of PRECISION significant digits: half a unit in the last place.
_UNIT = 0.5 * 10.0 ** (1 - PRECISION)


def _d_exp_neg_abs(x):
    return (-abs(x)).exp()


def _d_sigmoid(x):
    e = _d_exp_neg_abs(x)  # never overflows: exp(-|x|) <= 1
    return 1 / (1 + e) if x >= 0 else e / (1 + e)


def _d_tanh(x):
    e = (-2 * abs(x)).exp()
    value = (1 - e) / (1 + e)
    return value if x >= 0 else -value


def _d_ln1p(u):
    """ln(1 + u) for 0 <= u <= 1, without losing a tiny u to the rounding of 1 + u."""
    if u > Decimal("1e-6"):
        return (1 + u).ln()
    total, term, k = Decimal(0), u, 1  # u - u^2/2 + u^3/3 - ...
    while term and abs(term) > abs(total) * Decimal(10) ** (-PRECISION - 2):
        total += term / k
        term = -term * u
        k += 1
    return total


def _d_softplus(x):
    return max(x, Decimal(0)) + _d_ln1p(_d_exp_neg_abs(x))


_DECIMAL_ACTIVATIONS = {
    "sigmoid": _d_sigmoid,
    "tanh": _d_tanh,
    "bipolar_sigmoid": lambda x: _d_tanh(x / 2),     # 2 / (1 + e^-x) - 1 = tanh(x/2)
    "relu": lambda x: x if x > 0 else Decimal(0),
    "leaky_relu": lambda x: x if x > 0 else Decimal(LEAKY_SLOPE) * x,
    "identity": lambda x: x,
    "softplus": _d_softplus,
}


def _d_clip(out):
    return min(max(out, Decimal(CLIP)), Decimal(1.0 - CLIP))


def _d_bce(t, out, n):
    out = _d_clip(out)
    return -(t * out.ln() + (1 - t) * (1 - out).ln())


def _d_bce_net(t, out, net, n):
    """Binary cross-entropy from the net input: t softplus(-net) + (1 - t) softplus(net)."""
    return t * _d_softplus(-net) + (1 - t) * _d_softplus(net)


def _d_softmax(j, nets):
    """out_j = e^(net_j - m) / sum_k e^(net_k - m), m = max net, in Decimal."""
    m = max(nets)
    return (nets[j] - m).exp() / sum((z - m).exp() for z in nets)


def _d_ce(t, out, n):
    return Decimal(0) if t == 0 else -t * out.ln()


def _d_ce_net(t, out, net, n, nets):
    """Cross-entropy from the softmax layer's nets: -t (net - m - ln sum_k e^(net_k - m))."""
    if t == 0:
        return Decimal(0)
    m = max(nets)
    return -t * (net - m - sum((z - m).exp() for z in nets).ln())


#: E_o from the net input, for the losses a network computes that way.
_DECIMAL_LOSSES_NET = {"binary_cross_entropy": _d_bce_net, "cross_entropy": _d_ce_net}

_DECIMAL_LOSSES = {
    "half_squared_error": lambda t, o, n: (t - o) * (t - o) / 2,
    "squared_error": lambda t, o, n: (t - o) * (t - o),
    "mean_squared_error": lambda t, o, n: (t - o) * (t - o) / n,
    "binary_cross_entropy": _d_bce,
    "cross_entropy": _d_ce,
}


class DecimalArith:
    """The same functions in Decimal, written from their formulas (exp and ln from Decimal)."""

    def __init__(self, net):
        self.conv = Decimal
        try:
            # a softmax layer (a whole layer's activation) is computed with self.softmax
            self.fs = [None if layer.activation.of_layer is not None
                       else _DECIMAL_ACTIVATIONS[layer.activation.name] for layer in net.layers]
            self.loss = _DECIMAL_LOSSES[net.loss.name]
            self.loss_net = _DECIMAL_LOSSES_NET[net.loss.name] if from_net(net.loss) else None
        except KeyError as missing:
            raise ConfigurationError(
                f"precise=True has no Decimal version of {missing.args[0]!r}; it knows the "
                f"activations {', '.join(_DECIMAL_ACTIVATIONS)} and the losses "
                f"{', '.join(_DECIMAL_LOSSES)}\ncall gradcheck without precise=True") from None
        self.decay = net.weight_decay
        self.half = Decimal("0.5")

    softmax = staticmethod(_d_softmax)


class DecimalOracle:
    """The exact derivative of each row, with its own error estimate and kink test.

    The same :func:`~neurosim.gradient_check.measurement` of each row as the float check's,
    in Decimal: a stencil at h = EXACT_EPS (or |v0| * 1e-30 beyond |v0| = 1e10), its rounding
    bounded as the float pass's is with the unit roundoff of 50 digits (5e-50) instead of
    2^-53, judged by the same rules. ``columns`` gives ``exact``, ``truncation`` and
    ``rounding`` of the float numeric value.
    """

    def __init__(self, net, x, t, values):
        self.net, self.x, self.t = net, x, t
        self.arith = DecimalArith(net)
        self.rounding = ForwardRounding(net, x, t, values, unit=_UNIT)
        self.context = decimal.Context(prec=PRECISION, Emax=decimal.MAX_EMAX,
                                       Emin=decimal.MIN_EMIN)
        with decimal.localcontext(self.context):
            self.E, self.values = evaluate(net, x, t, None, Decimal(0), self.arith)

    def _measurement(self, p, v0):
        values = self.values
        if p.target[0] == "dout/dnet":  # f'(net) at the float net, exactly
            values = {**values, ("net", p.target[1].name): Decimal(v0)}
        return measurement(self.net, self.x, self.t, p, self.arith, self.E, values,
                           self.rounding)

    def stencil(self, p, v0, h=None):
        """The Decimal stencil at step h (default: the exact step)."""
        with decimal.localcontext(self.context):
            if h is None:
                h = max(EXACT_EPS, abs(Decimal(v0)) * _EXACT_RELATIVE)
            return stencil(self._measurement(p, v0), Decimal(v0), Decimal(h))

    def judge(self, p, v0, a, allowance, rtol, atol, floor):
        """The verdict on ``a`` against the oracle: at the exact step; for a derivative too
        small for it (below about 1e-30 |E|) at steps 1e4, 1e8 and 1e12 times larger; where
        E curves within 1e-20 of v (the out of a saturated sigmoid, 1 - out = 4e-18) at steps
        1e4, 1e8 and 1e12 times smaller, keeping the one with the smallest estimate."""
        h = max(EXACT_EPS, abs(Decimal(v0)) * _EXACT_RELATIVE)
        verdict, _ = judge_steps(a, allowance, lambda step: self.stencil(p, v0, step), h,
                                 rtol, atol, floor, factor=Decimal(10000), smaller=3, larger=3,
                                 refine=True)
        return verdict

    def columns(self, p, v0, h, nominal, exact):
        """exact, and the float numeric error split into truncation and rounding.

        The float steps actually taken, ``(v0 + h) - v0`` and ``(v0 - h) - v0``, are exact
        in Decimal; the Decimal difference at those steps differs from ``exact`` by truncation
        alone, and from the float difference by rounding alone.
        """
        columns = {"exact": exact.central, "truncation": None, "rounding": None}
        with decimal.localcontext(self.context):
            m = self._measurement(p, v0)
            if m.along is None:
                d_plus, d_minus = Decimal((v0 + h) - v0), Decimal((v0 - h) - v0)
            else:
                d_plus, d_minus = Decimal(h), -Decimal(h)
            if not (nominal.finite and d_plus > d_minus):
                return columns
            (E_plus, plus), (E_minus, minus) = m.E_at(d_plus), m.E_at(d_minus)
            if m.along is not None:
                at = m.values0[m.along]
                d_plus, d_minus = plus[m.along] - at, minus[m.along] - at
            if not (E_plus.is_finite() and E_minus.is_finite() and d_plus > d_minus):
                return columns
            at_step = (E_plus - E_minus) / (d_plus - d_minus)
            columns.update(truncation=float(at_step) - exact.central,
                           rounding=float(Decimal(nominal.central) - at_step))
        return columns
