"""The arithmetic of the Decimal oracle of :func:`neurosim.gradcheck` with ``precise=True``.

The oracle (``neurosim.gradient_check.DecimalOracle``) runs gradient_check's forward pass
again, in :class:`decimal.Decimal` at ``PRECISION`` digits, with every activation and loss
written from its formula (exp and ln from Decimal). A central difference
with the tiny step ``EXACT_EPS`` then gives the derivative to far better than float precision,
judged by the same rules as the float one (:mod:`neurosim.finite_differences`), and the
report can split the float check's error into its two parts::

    truncation = (E(v + h) - E(v - h)) / 2h  -  exact       (the O(h^2) of the formula)
    rounding   = float numeric  -  (E(v + h) - E(v - h)) / 2h, E in Decimal  (float arithmetic)

Only a scalar engine gets this cheaply: the same neuron-by-neuron forward pass runs on any
number type.
"""

from decimal import Decimal

from .activations import LEAKY_SLOPE
from .errors import ConfigurationError
from .gradient_rounding import from_net
from .losses import CLIP

__all__ = ["DecimalArith", "PRECISION", "EXACT_EPS", "UNIT"]

#: Significant digits of the Decimal oracle (``precise=True``).
PRECISION = 50
#: The step of the Decimal central difference taken as the exact derivative: truncation error
#: about h^2 = 1e-40, rounding error about 10^-PRECISION / h = 1e-30.
EXACT_EPS = Decimal("1e-20")
#: The unit roundoff of PRECISION significant digits: half a unit in the last place.
UNIT = 0.5 * 10.0 ** (1 - PRECISION)


def _d_sigmoid(x):
    e = (-abs(x)).exp()  # never overflows: exp(-|x|) <= 1
    return (1 if x >= 0 else e) / (1 + e)


def _d_tanh(x):
    e = (-2 * abs(x)).exp()
    return ((1 - e) / (1 + e)).copy_sign(x)


def _d_ln1p(u):
    """ln(1 + u) for 0 <= u <= 1, without losing a tiny u to the rounding of 1 + u."""
    if u > Decimal("1e-6"):
        return (1 + u).ln()
    total, term = Decimal(0), u
    for k in range(1, 11):  # u - u^2/2 + u^3/3 - ...: the 10th term is below 1e-54 u
        total += term / k
        term = -term * u
    return total


def _d_softplus(x):
    return max(x, Decimal(0)) + _d_ln1p((-abs(x)).exp())


_DECIMAL_ACTIVATIONS = {
    "sigmoid": _d_sigmoid,
    "tanh": _d_tanh,
    "bipolar_sigmoid": lambda x: _d_tanh(x / 2),     # 2 / (1 + e^-x) - 1 = tanh(x/2)
    "relu": lambda x: x if x > 0 else Decimal(0),
    "leaky_relu": lambda x: x if x > 0 else Decimal(LEAKY_SLOPE) * x,
    "identity": lambda x: x,
    "softplus": _d_softplus,
}


def _d_bce(t, out, n):
    out = min(max(out, Decimal(CLIP)), Decimal(1.0 - CLIP))
    return -(t * out.ln() + (1 - t) * (1 - out).ln())


def _d_bce_net(t, out, net, n):
    """Binary cross-entropy from the net input: t softplus(-net) + (1 - t) softplus(net)."""
    return t * _d_softplus(-net) + (1 - t) * _d_softplus(net)


def _d_softmax(j, nets):
    """out_j = e^(net_j - m) / sum_k e^(net_k - m), m = max net, in Decimal."""
    m = max(nets)
    return (nets[j] - m).exp() / sum((z - m).exp() for z in nets)


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
    "cross_entropy": lambda t, o, n: Decimal(0) if t == 0 else -t * o.ln(),
}


class DecimalArith:
    """The same functions in Decimal, written from their formulas (exp and ln from Decimal)."""

    conv = Decimal
    softmax = staticmethod(_d_softmax)

    def __init__(self, net):
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
