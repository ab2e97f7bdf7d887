"""A book's per-epoch error figure, defined as the book defines it.

Books print one error per epoch and stop training when it falls below a goal, but they do not
agree on what that error is. Three choices make the definition, and :class:`EpochError` names
each:

``when``    ``"during"``: the errors seen during the epoch, each sample's measured with the
            weights of its own step, before that step's update (what an online program sums as
            it goes: Negnevitsky's "sum of squared errors" of an epoch); ``"after"``: every
            sample's error with the weights the epoch left (what :func:`neurosim.fit` records
            in ``History.errors``)
``half``    whether each squared difference carries the 1/2 of E = 1/2 (t - y)^2
``reduce``  ``"sum"`` over every sample and output; ``"mean"``, that sum divided by the number
            of squared differences in it (samples x outputs: the mean squared error);
            ``"rms"``, the square root of the mean

Each figure is built from the squared differences e^2 = (t - y)^2 of every output of every
sample of the epoch::

    sum  = sum_p sum_o c e_po^2          c = 1/2 with half, else 1
    mean = sum / (P * O)
    rms  = sqrt(mean)

>>> spec = epoch_error("sum, no half, during")
>>> spec
EpochError(when='during', half=False, reduce='sum')
>>> spec.of([([0.0], [0.5]), ([1.0], [0.75])])       # 0.25 + 0.0625
0.3125
>>> epoch_error("rms, half, after").of([([0.0], [0.5]), ([1.0], [0.75])])   # sqrt(0.3125/2/2)
0.2795084971874737

The words may come in any order; what is left out takes its default (``sum``, ``no half``,
``after``). ``neurosim.fit(..., epoch_error=...)`` records the figure per epoch in
``History.epoch_errors`` and stops on it with ``target_error``; a claims file states it with
``epoch_error = ...`` (:mod:`neurosim.hand_check.epochs`).
"""

import math
from collections import namedtuple
from functools import reduce
from operator import add

from .errors import ConfigurationError

__all__ = ["EpochError", "epoch_error", "WHEN", "REDUCE"]

WHEN = ("during", "after")
REDUCE = ("sum", "mean", "rms")


class EpochError(namedtuple("EpochError", "when half reduce")):
    """One definition of the per-epoch error (see the module docstring)."""

    __slots__ = ()

    def of(self, pairs):
        """The figure over ``(targets, outputs)`` pairs, one per sample seen, in order."""
        c = 0.5 if self.half else 1.0
        squares = [c * (t - y) * (t - y) for targets, outputs in pairs
                   for t, y in zip(targets, outputs)]
        total = reduce(add, squares, 0.0)       # in order: sum() is compensated on 3.12+
        if self.reduce == "sum":
            return total
        mean = total / len(squares)
        return mean if self.reduce == "mean" else math.sqrt(mean)

    def __str__(self):
        return f"{self.reduce}, {'half' if self.half else 'no half'}, {self.when}"


_WORDS = {**{word: ("reduce", word) for word in REDUCE}, **{word: ("when", word) for word in WHEN},
          "half": ("half", True), "nohalf": ("half", False)}


def epoch_error(spec):
    """An :class:`EpochError` from itself or from its words: ``"sum, no half, during"``."""
    if isinstance(spec, EpochError):
        return spec
    if not isinstance(spec, str):
        raise ConfigurationError(f"epoch_error must be an EpochError or its words such as "
                                 f"'sum, no half, during', got {spec!r}")
    chosen = {}
    for word in spec.replace(",", " ").lower().replace("no half", "nohalf").split():
        if word not in _WORDS:
            raise ConfigurationError(
                f"epoch_error: unknown word {word!r} in {spec!r}\nexpected the words sum, "
                f"mean or rms; half or no half; during or after (e.g. 'sum, no half, during')")
        field, value = _WORDS[word]
        if chosen.setdefault(field, value) != value:
            raise ConfigurationError(f"epoch_error: {spec!r} says two things about {field}")
    return EpochError("after", False, "sum")._replace(**chosen)
