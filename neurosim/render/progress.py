"""Progress of training, one frame per epoch: tqdm's bar when tqdm is installed (the ``demo``
extra), else one line rewritten in place (``epoch 12/300  error 0.0214``).

:func:`neurosim.training.fit` uses it for ``progress=True`` and ``neurosim train`` when its
standard error is a terminal. Each bar is a fit() callback with a ``close()``.
"""

import sys
from functools import partial

from ..numbers import num

__all__ = ["progress_bar", "Lines", "Bar", "Silent", "Deferred"]


class Silent:
    """No progress shown (and the others' base: a fit() callback with a ``close()``)."""

    def __call__(self, history):
        pass

    def close(self):
        pass


class Lines(Silent):
    """The progress without tqdm: the epoch and the total error, rewritten in place."""

    def __init__(self, total, stream):
        self.total, self.stream = total, stream

    def __call__(self, history):
        print(f"\repoch {history.stopped_epoch}/{self.total}  error "
              f"{num(history.errors[-1], 6)}".ljust(51), end="", file=self.stream, flush=True)

    def close(self):
        print(file=self.stream, flush=True)


class Bar(Silent):
    """tqdm's bar, one step per epoch, the total error beside it."""

    def __init__(self, bar):
        self.bar = bar

    def __call__(self, history):
        self.bar.update(1)
        self.bar.set_postfix(error=num(history.errors[-1], 4), refresh=False)

    def close(self):
        self.bar.close()


def progress_bar(total, stream=None, *, leave=True):
    """The progress callback for ``total`` epochs on ``stream`` (default: standard error):
    tqdm's bar (kept on screen at the end when ``leave``), or without tqdm a
    :class:`Lines`; a :class:`Silent` one for 0 epochs."""
    stream = sys.stderr if stream is None else stream
    if total == 0:
        return Silent()
    try:
        from tqdm import tqdm
    except ImportError:
        return Lines(total, stream)
    return Bar(tqdm(total=total, unit="epoch", file=stream, leave=leave))


class Deferred(Silent):
    """A :func:`progress_bar` drawn from the end of the first epoch on, so that a call refused
    for a bad argument (or stopped before any epoch) draws nothing."""

    def __init__(self, total, stream=None, *, leave=True):
        self.start = partial(progress_bar, total, stream, leave=leave)
        self.bar = None

    def __call__(self, history):
        self.bar = self.bar or self.start()
        self.bar(history)

    def close(self):
        if self.bar:
            self.bar.close()
