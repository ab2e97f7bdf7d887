"""Activation functions f and their derivatives f', each stable over the whole float range.

A neuron turns its net input into its output with its layer's activation::

    out = f(net)                      (Mazur 2015, "the forward pass")
    dout/dnet = f'(net)               (the local derivative used by the backward pass)

Every :class:`Activation` carries both, side by side, as ``f(net)`` and ``df(net, out)``. The
derivative takes the output too because for several functions it is cheapest, and closest to the
hand calculation, written in terms of it: the logistic sigmoid's derivative is
``out * (1 - out)``, exactly the number Mazur prints as dout_o1/dnet_o1 = 0.186815602.

>>> sigmoid = get("sigmoid")
>>> out = sigmoid.f(1.105905967)          # net_o1 in Mazur's example
>>> round(out, 9), round(sigmoid.df(1.105905967, out), 9)
(0.75136507, 0.186815602)

Stability: no function here raises OverflowError or returns NaN for a finite argument;
``sigmoid.f(1000.0) == 1.0`` and ``sigmoid.f(-1000.0) == 0.0``.

The bipolar sigmoid (Fausett 1994) is written as the book writes it, f(net) = 2 / (1 + e^-net)
- 1 with f' = 1/2 (1 + out) (1 - out), and computed where it is accurate: f as tanh(net/2) (the
same function), f' as 2 e / (1 + e)^2 with e = e^-|net|:

>>> bipolar = get("bipolar_sigmoid")
>>> round(bipolar.f(1.0), 9), round(bipolar.df(1.0, bipolar.f(1.0)), 9)
(0.462117157, 0.393223866)
>>> bipolar.f(1000.0), bipolar.f(-1000.0), bipolar.df(1000.0, 1.0)
(1.0, -1.0, 0.0)

ReLU and leaky ReLU have a kink at 0, where they are not differentiable; neurosim uses the
one-sided derivative from the left (0 for ReLU, the leak slope for leaky ReLU) and lists the
point in ``kinks`` so that gradient checks can flag it instead of failing it.

Softmax is an activation of a whole layer (the output layer only): out_k = e^net_k /
sum_j e^net_j reads every net input of the layer (:func:`softmax`), and its derivative is a
Jacobian, dout_k/dnet_j = out_k (delta_kj - out_j); ``df`` gives its diagonal out_k (1 - out_k).
"""

import math
from dataclasses import dataclass, field
from typing import Callable, Optional, Tuple

from .errors import ConfigurationError

__all__ = ["Activation", "get", "names", "LEAKY_SLOPE", "softmax", "log_softmax"]

#: The slope of leaky ReLU for negative net inputs (the common default of 0.01).
LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """One activation function: its name, f, f', and how to write them in a worksheet.

    ``df(net, out)`` is dout/dnet at ``net``, given ``out = f(net)``.
    """

    name: str
    f: Callable[[float], float]
    df: Callable[[float, float], float]
    formula: str  # out = ...  (plain text, net as the variable)
    derivative: str  # dout/dnet = ...
    kinks: Tuple[float, ...] = ()
    #: f' exactly as books write it, where ``df`` computes it otherwise to keep its digits
    #: (the sigmoid's out (1 - out)): the checker judges printed figures with it.
    df_written: Optional[Callable[[float, float], float]] = field(default=None, compare=False)
    #: For an activation of the whole layer (softmax): ``of_layer(j, nets)`` is out_j from all
    #: the layer's net inputs; ``f`` then refuses a lone net input.
    of_layer: Optional[Callable] = field(default=None, compare=False)

    def __repr__(self):
        return f"<activation {self.name}: {self.formula}>"


def inline(expression):
    """Give a function the Python expression that computes what it computes, operation for
    operation (of ``{net}`` and ``{out}`` here; ``{t}``, ``{o}``, ``{n}`` for a loss): the
    compiled step (:mod:`neurosim.engine`) writes it inline instead of calling the function.
    The expression belongs to the function, so a replaced function (a user's own f) is called.
    """
    def attach(function):
        function.inline = expression
        return function
    return attach


@inline("1.0 / (1.0 + exp(-{net})) if {net} >= 0.0 else exp({net}) / (1.0 + exp({net}))")
def _sigmoid(x):
    # Two branches so that exp never overflows: exp(-x) for x >= 0, exp(x) for x < 0.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@inline("{out} * (1.0 - {out}) if {net} < 0.0 else {out} * {out} * exp(-{net})")
def _sigmoid_df(x, out):
    # dout/dnet = out (1 - out)   (Mazur 2015: "the partial derivative of the logistic function")
    # For net >= 0 out is rounded towards 1, and 1 - out keeps few correct digits (at net = 30
    # a relative error of 1e-3); there 1 - out = sigma(-net) = e^-net out, so
    # out (1 - out) = out out e^-net, accurate to a few units in the last place.
    return out * (1.0 - out) if x < 0.0 else out * out * math.exp(-x)


@inline("tanh(0.5 * {net})")
def _bipolar_sigmoid(x):
    # f(x) = 2 / (1 + e^-x) - 1   (Fausett 1994, section 2.1.2, the bipolar sigmoid)
    # which equals tanh(x/2): computed so, 2 sigma(x) - 1 would lose the digits of a small
    # f to the subtraction (at x = 1e-9 all but one), and exp would overflow for x < -709.
    return math.tanh(0.5 * x)


def _bipolar_sigmoid_df(x, out):
    # f'(x) = 1/2 (1 + f(x)) (1 - f(x))   (Fausett 1994, section 2.1.2)
    # With 1 + f = 2 sigma(x) and 1 - f = 2 sigma(-x) this is 2 sigma(x) sigma(-x)
    # = 2 e / (1 + e)^2 with e = e^-|x| <= 1: no overflow, and no digits lost where f rounds
    # towards +-1 (1 - f keeps few correct digits from |x| of a few units on).
    e = math.exp(-abs(x))
    return 2.0 * e / ((1.0 + e) * (1.0 + e))


@inline("1.0 - {out} * {out}")
def _tanh_df(x, out):
    # d tanh(x)/dx = 1 - tanh(x)^2
    return 1.0 - out * out


def _relu(x):
    return x if x > 0.0 else 0.0


def _relu_df(x, out):       # at the kink, 0: the derivative from the left
    return 1.0 if x > 0.0 else 0.0


def _leaky_relu(x):
    return x if x > 0.0 else LEAKY_SLOPE * x


def _leaky_relu_df(x, out):
    return 1.0 if x > 0.0 else LEAKY_SLOPE


@inline("{net}")
def _identity(x):
    return x


@inline("1.0")
def _identity_df(x, out):
    return 1.0


def softplus(x):
    """log(1 + e^x) = max(x, 0) + log1p(e^-|x|): exp never overflows, small values keep their
    digits (also the binary cross-entropy's E from the net input, :mod:`neurosim.losses`)."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _softplus_df(x, out):
    return _sigmoid(x)      # d softplus(x)/dx = sigmoid(x)


def _out_one_minus_out(x, out):
    # out (1 - out): the sigmoid's derivative as books write it, and the softmax Jacobian's
    # diagonal dout_k/dnet_k = out_k (1 - out_k)
    return out * (1.0 - out)


def softmax(j, nets):
    """out_j = e^net_j / (e^net_1 + ... + e^net_n), computed as e^(net_j - m) / sum_k e^(net_k - m)
    with m = max net (the same number: the factor e^-m cancels) so that no exp overflows; the sum
    adds left to right, as every sum of the step (see neurosim.calculation).

    >>> [round(softmax(j, (1.0, 2.0)), 9) for j in (0, 1)]
    [0.268941421, 0.731058579]
    >>> softmax(0, (1000.0, -1000.0)), softmax(1, (1000.0, -1000.0))
    (1.0, 0.0)
    """
    m, total = exp_total(nets)
    return math.exp(nets[j] - m) / total


def log_softmax(j, nets):
    """log out_j = net_j - m - log sum_k e^(net_k - m): finite for every finite net, where
    log(softmax) would take the log of an out rounded to 0."""
    m, total = exp_total(nets)
    return nets[j] - m - math.log(total)


def exp_total(nets):
    """``(m, e^(net_1 - m) + ... + e^(net_n - m))`` with ``m`` the largest net input: the
    denominator of :func:`softmax` without overflow, added left to right."""
    m = max(nets)
    total = 0.0
    for z in nets:
        total = total + math.exp(z - m)
    return m, total


def _softmax_alone(x):
    raise ConfigurationError(
        "softmax needs all the net inputs of its layer, not one net input\n"
        "use neurosim.activations.softmax(j, nets), or a network with a softmax output layer")


_ACTIVATIONS = {
    a.name: a
    for a in (
        Activation("sigmoid", _sigmoid, _sigmoid_df, "1 / (1 + e^(-net))", "out (1 - out)",
                   df_written=_out_one_minus_out),
        Activation("tanh", math.tanh, _tanh_df, "tanh(net)", "1 - out^2"),
        Activation("bipolar_sigmoid", _bipolar_sigmoid, _bipolar_sigmoid_df,
                   "2 / (1 + e^(-net)) - 1", "1/2 (1 + out) (1 - out)",
                   df_written=lambda net, out: 0.5 * (1.0 + out) * (1.0 - out)),
        Activation("relu", _relu, _relu_df, "max(0, net)", "1 if net > 0 else 0", (0.0,)),
        Activation("leaky_relu", _leaky_relu, _leaky_relu_df,
                   f"net if net > 0 else {LEAKY_SLOPE} net", f"1 if net > 0 else {LEAKY_SLOPE}",
                   (0.0,)),
        Activation("identity", _identity, _identity_df, "net", "1"),
        Activation("softplus", softplus, _softplus_df, "log(1 + e^net)", "1 / (1 + e^(-net))"),
        Activation("softmax", _softmax_alone, _out_one_minus_out, "e^net / sum_k e^net_k",
                   "out (1 - out)", of_layer=softmax),
    )
}

#: Alternative spellings accepted by :func:`get`.
_ALIASES = {"logistic": "sigmoid", "bipolar": "bipolar_sigmoid", "linear": "identity", "leakyrelu": "leaky_relu"}


def names():
    """The names :func:`get` accepts (aliases excluded), in a stable order."""
    return list(_ACTIVATIONS)


def get(name):
    """Return the :class:`Activation` called ``name`` (``"sigmoid"``, ``"tanh"``, ...).

    An :class:`Activation` passes through unchanged, so options can take either.

    >>> get("logistic").name
    'sigmoid'
    >>> get("sigmoidal")
    Traceback (most recent call last):
    ...
    neurosim.errors.ConfigurationError: unknown activation 'sigmoidal'; expected one of: sigmoid, tanh, bipolar_sigmoid, relu, leaky_relu, identity, softplus, softmax
    """
    return lookup(Activation, name, _ACTIVATIONS, _ALIASES)


def lookup(kind, name, table, aliases):
    """The entry of ``table`` called ``name`` or one of its ``aliases`` (an instance of ``kind``,
    a user's own too, passes through); else a ConfigurationError listing the names: the
    :func:`get` of activations and of ``neurosim.losses``."""
    if isinstance(name, kind):
        return name
    key = aliases.get(name, name) if isinstance(name, str) else None
    if key not in table:
        raise ConfigurationError(f"unknown {kind.__name__.lower()} {name!r}; expected one of: "
                                 f"{', '.join(table)}")
    return table[key]
