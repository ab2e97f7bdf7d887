"""The Decimal oracle of :func:`neurosim.gradcheck` with ``precise=True``.

The forward pass again, in :class:`decimal.Decimal` at ``PRECISION`` digits, with every
activation and loss written from its formula (exp and ln from Decimal). A central difference
with the tiny step ``EXACT_EPS`` then gives the derivative to far better than float precision,
so the report can split the float check's error into its two parts::

    truncation = (E(v + h) - E(v - h)) / 2h  -  exact       (the O(h^2) of the formula)
    rounding   = float numeric  -  (E(v + h) - E(v - h)) / 2h, E in Decimal  (float arithmetic)

Only a scalar engine gets this cheaply: the same neuron-by-neuron forward pass runs on any
number type.
"""

import decimal
from decimal import Decimal

from .activations import LEAKY_SLOPE
from .errors import ConfigurationError
from .gradient_check import EXACT_EPS, PRECISION, _evaluate
from .losses import CLIP

__all__ = ["DecimalArith", "precise_columns"]

#: The exact step relative to a large value: 1e-30 keeps 20 of the 50 digits between v0 + h
#: and v0 - h (equal to EXACT_EPS at |v0| = 1e10).
_EXACT_RELATIVE = Decimal("1e-30")


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


_DECIMAL_ACTIVATIONS = {
    "sigmoid": _d_sigmoid,
    "tanh": _d_tanh,
    "relu": lambda x: x if x > 0 else Decimal(0),
    "leaky_relu": lambda x: x if x > 0 else Decimal(LEAKY_SLOPE) * x,
    "identity": lambda x: x,
    "softplus": lambda x: max(x, Decimal(0)) + _d_ln1p(_d_exp_neg_abs(x)),
}


def _d_clip(out):
    return min(max(out, Decimal(CLIP)), Decimal(1.0 - CLIP))


def _d_bce(t, out, n):
    out = _d_clip(out)
    return -(t * out.ln() + (1 - t) * (1 - out).ln())


_DECIMAL_LOSSES = {
    "half_squared_error": lambda t, o, n: (t - o) * (t - o) / 2,
    "squared_error": lambda t, o, n: (t - o) * (t - o),
    "mean_squared_error": lambda t, o, n: (t - o) * (t - o) / n,
    "binary_cross_entropy": _d_bce,
}


class DecimalArith:
    """The same functions in Decimal, written from their formulas (exp and ln from Decimal)."""

    def __init__(self, net):
        self.conv = Decimal
        try:
            self.fs = [_DECIMAL_ACTIVATIONS[layer.activation.name] for layer in net.layers]
            self.loss = _DECIMAL_LOSSES[net.loss.name]
        except KeyError as missing:
            raise ConfigurationError(
                f"precise=True has no Decimal version of {missing.args[0]!r}; it knows the "
                f"activations {', '.join(_DECIMAL_ACTIVATIONS)} and the losses "
                f"{', '.join(_DECIMAL_LOSSES)}\ncall gradcheck without precise=True") from None
        self.decay = net.weight_decay
        self.half = Decimal("0.5")
        self.watched = []


def precise_columns(net, x, t, target, v0, h_plus, h_minus, numeric, oracle):
    """exact (Decimal, h = EXACT_EPS), truncation and rounding of the float numeric value.

    ``h_plus`` and ``h_minus`` are the float steps actually taken, ``(v0 + h) - v0`` and
    ``(v0 - h) - v0``. Beyond |v0| = 1e10 the exact step grows with the value, |v0| * 1e-30,
    so that ``v0 + h`` keeps 20 digits apart from ``v0`` at the 50 digits of the context
    (at |v0| = 1e40, 1e40 + 1e-20 would round back to 1e40 and give exact = 0).
    """
    context = decimal.Context(prec=PRECISION, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
    with decimal.localcontext(context):
        h_exact = max(EXACT_EPS, abs(Decimal(v0)) * _EXACT_RELATIVE)
        if target[0] == "dout/dnet":
            f, z = _DECIMAL_ACTIVATIONS[target[4]], Decimal(v0)

            def E(h):
                return f(z + h)
        else:
            def E(h):
                return _evaluate(net, x, t, target, h, oracle)[0]
        exact = (E(h_exact) - E(-h_exact)) / (2 * h_exact)
        # The float steps, exactly: the Decimal value of (v0 + h) - v0 as floats compute it.
        d_plus, d_minus = Decimal(h_plus), Decimal(h_minus)
        at_step = (E(d_plus) - E(d_minus)) / (d_plus - d_minus)
        return {"exact": float(exact), "truncation": float(at_step - exact),
                "rounding": float(Decimal(numeric) - at_step)}


