"""Loss functions: each output neuron's own error term, and its derivative dE/dout.

The total error of one sample is the sum of the output neurons' terms::

    E_total = sum over outputs o of E_o                     (Mazur 2015, "calculating the total error")

and the backward pass starts at each output with the derivative of the total error with
respect to that output (the other outputs' terms do not depend on it)::

    dE_total/dout_o = dE_o/dout_o

Each :class:`Loss` holds ``error(target, out, n)`` and ``dE_dout(target, out, n)`` side by side,
where ``n`` is the number of outputs (only the mean squared error uses it).

=====================  ==============================  ==============================  ==========
name                   E_o                             dE/dout_o                       source
=====================  ==============================  ==============================  ==========
half_squared_error     1/2 (target - out)^2            -(target - out)                 Mazur, seed 004
squared_error          (target - out)^2                -2 (target - out)               seed 003
mean_squared_error     (target - out)^2 / n            -2 (target - out) / n
binary_cross_entropy   -(t log out + (1-t) log(1-out))  (out - t) / (out (1 - out))
cross_entropy          -t log out                      -t / out                        softmax
=====================  ==============================  ==============================  ==========

>>> half = get("half_squared_error")
>>> out_o1 = 0.7513650695523157                 # Mazur's out_o1, as the forward pass computes it
>>> round(half.error(0.01, out_o1, 2), 9), round(half.dE_dout(0.01, out_o1, 2), 8)
(0.274811083, 0.74136507)

Binary cross-entropy reads ``out`` as a probability and ``target`` as the probability it should
be, so it needs a sigmoid output layer (``Loss.output_activation``; a network with another
output activation is refused) and targets between 0 and 1 (others raise InputError). With the
sigmoid it is computed from the net input, as PyTorch's ``BCEWithLogitsLoss`` does, never from a
rounded or clipped ``out``::

    E_o = t softplus(-net) + (1 - t) softplus(net)      (= -(t log out + (1-t) log(1-out)))
    delta_o = dE/dout * dout/dnet = out - t              (the pair differentiated as one)

so E is exact over the whole float range (net = -800, t = 1: E = 800) and the network keeps
learning at saturation. The lone partial dE/dout = (out - t) / (out (1 - out)) is still shown,
computed as ``(out - t) / f'(net)``; where f'(net) underflows to 0 (|net| > 745) or the quotient
overflows it is not defined in floating point: it is stored as None, and shown as "not defined",
never as an infinity or a NaN. (``CLIP`` is kept for old code that imports it; nothing clips.)

Cross-entropy (categorical, ``"cross_entropy"``, alias ``"ce"``) needs a softmax output layer,
out_k = e^net_k / sum_j e^net_j. It too is computed from the net inputs, through log-softmax::

    E_o = -t_o log out_o = -t_o (net_o - m - log sum_j e^(net_j - m))     (m = max_j net_j)

and its delta is the pair (the whole softmax layer) differentiated as one. The general form,
for any targets, is::

    delta_k = sum_j dE/dout_j dout_j/dnet_k = out_k (t_1 + ... + t_n) - t_k

which is the textbooks' out_k - t_k when the targets sum to 1 (one-hot, or a probability
distribution), bit for bit: out_k * 1.0 is out_k. The lone partial dE/dout_o = -t_o / out_o is
shown, and stored as None ("not defined") where out_o has underflowed to 0.
"""

import math
from dataclasses import dataclass
from typing import Callable, Optional

from . import activations
from .activations import exp_total, inline, softplus
from .errors import InputError

__all__ = ["Loss", "get", "names", "CLIP"]

#: How far binary cross-entropy keeps ``out`` from 0 and 1 (outputs are clipped to this).
CLIP = 1e-12


@dataclass(frozen=True)
class Loss:
    """One loss: the per-output error term, its derivative, and how to write them."""

    name: str
    error: Callable[[float, float, int], float]
    dE_dout: Callable[[float, float, int], float]
    formula: str  # E_o = ...   (target, out as the variables)
    derivative: str  # dE/dout = ...
    #: The output activation the loss needs (None: any); the network checks it when built.
    output_activation: Optional[str] = None
    #: With that output activation: E_o from the net input, ``error_net(target, out, net, n)``,
    #: and dE/dout from the net input (None where it is not defined).
    error_net: Optional[Callable] = None
    dE_dout_net: Optional[Callable] = None
    #: delta = dE/dout * dout/dnet differentiated as one, ``delta(target, out, n)``, and how
    #: textbooks write the simplification.
    delta: Optional[Callable] = None
    delta_formula: str = ""

    def __repr__(self):
        return f"<loss {self.name}: E_o = {self.formula}>"


def _probability(target):
    """``target``, which binary cross-entropy needs between 0 and 1; else an InputError (a target
    of 2 would pull ``out`` towards 2, and the clip would hold it below 1: the network would stop
    learning without a word)."""
    if not 0.0 <= target <= 1.0:
        raise InputError(f"targets: binary_cross_entropy needs every target between 0 and 1, "
                         f"got {target!r}\nscale the targets to [0, 1], or choose another loss")
    return target


def _bce_error(target, out, n):
    """E_o from ``out`` alone (a caller that has no net input): logarithms of out and 1 - out,
    exact while out is not rounded to 0 or 1; the network computes E from net instead."""
    t, out = _probability(target), min(max(out, CLIP), 1.0 - CLIP)
    return -(t * math.log(out) + (1.0 - t) * math.log(1.0 - out))


def _bce_dE_dout(target, out, n):
    t, out = _probability(target), min(max(out, CLIP), 1.0 - CLIP)
    return (out - t) / (out * (1.0 - out))


def _bce_error_net(target, out, net, n):
    # E = -(t log out + (1-t) log(1-out)) with log out = -softplus(-net), log(1-out) = -softplus(net)
    t = _probability(target)
    return t * softplus(-net) + (1.0 - t) * softplus(net)


def _bce_dE_dout_net(target, out, net, n):
    """(out - t) / (out (1 - out)) with out (1 - out) = f'(net) computed where it is accurate;
    None where f'(net) underflows or the quotient overflows (not defined in floating point)."""
    t = _probability(target)
    slope = activations.get("sigmoid").df(net, out)
    value = (out - t) / slope if slope else math.inf
    return value if math.isfinite(value) else None


@inline("{o} - {t}")
def _bce_delta(target, out, n):
    # dE/dnet = dE/dout * dout/dnet = (out - t) / (out (1 - out)) * out (1 - out) = out - t
    return out - target


def _ce_error(target, out, n):
    """E_o = -t log out from ``out`` alone (a caller without the net inputs); 0 where t = 0.
    The network computes E_o from the net inputs instead (:func:`_ce_error_net`)."""
    if target == 0.0:
        return 0.0
    return -target * math.log(max(out, 5e-324))


def _ce_error_net(target, out, net, n, nets):
    # E_o = -t log out_o with log out_o = net_o - m - log sum_j e^(net_j - m) (log-softmax)
    if target == 0.0:
        return 0.0
    m, total = exp_total(nets)
    return -target * (net - m - math.log(total))


def _ce_dE_dout(target, out, n):
    """dE_o/dout_o = -t / out; None where out has underflowed to 0 (or the quotient
    overflows): not defined in floating point, shown as "not defined"."""
    if target == 0.0:
        return 0.0
    value = -target / out if out else math.inf
    return value if math.isfinite(value) else None


def _ce_delta(target, out, n, targets_sum=1.0):
    # dE/dnet_k = sum_j dE/dout_j dout_j/dnet_k = sum_j (-t_j/out_j) out_j (delta_jk - out_k)
    #           = out_k (t_1 + ... + t_n) - t_k         (= out_k - t_k when the targets sum to 1)
    return out * targets_sum - target


@inline("0.5 * ({t} - {o}) * ({t} - {o})")
def _half_error(target, out, n):
    return 0.5 * (target - out) * (target - out)


@inline("-({t} - {o})")
def _half_dE_dout(target, out, n):
    return -(target - out)


@inline("({t} - {o}) * ({t} - {o})")
def _squared_error(target, out, n):
    return (target - out) * (target - out)


@inline("-2.0 * ({t} - {o})")
def _squared_dE_dout(target, out, n):
    return -2.0 * (target - out)


_LOSSES = {loss.name: loss for loss in (
    Loss("half_squared_error", _half_error, _half_dE_dout, "1/2 (target - out)^2",
         "-(target - out)"),
    Loss("squared_error", _squared_error, _squared_dE_dout, "(target - out)^2",
         "-2 (target - out)"),
    Loss("mean_squared_error", lambda target, out, n: (target - out) * (target - out) / n,
         lambda target, out, n: -2.0 * (target - out) / n, "(target - out)^2 / n",
         "-2 (target - out) / n"),
    Loss("binary_cross_entropy", _bce_error, _bce_dE_dout,
         "-(target log(out) + (1 - target) log(1 - out))", "(out - target) / (out (1 - out))",
         output_activation="sigmoid", error_net=_bce_error_net, dE_dout_net=_bce_dE_dout_net,
         delta=_bce_delta, delta_formula="out - target"),
    Loss("cross_entropy", _ce_error, _ce_dE_dout, "-target log(out)", "-target / out",
         output_activation="softmax", error_net=_ce_error_net, delta=_ce_delta,
         delta_formula="out (target_1 + ... + target_n) - target"),
)}
_ALIASES = {"half_sse": "half_squared_error", "mse": "mean_squared_error", "bce": "binary_cross_entropy",
            "ce": "cross_entropy", "categorical_cross_entropy": "cross_entropy"}


def names():
    """The names :func:`get` accepts (aliases excluded), in a stable order."""
    return list(_LOSSES)


def get(name):
    """Return the :class:`Loss` called ``name``; a :class:`Loss` passes through unchanged.

    >>> get("mse").name
    'mean_squared_error'
    """
    return activations.lookup(Loss, name, _LOSSES, _ALIASES)
