"""The record of a training run: :class:`History`, what :func:`neurosim.training.fit` returns.

One entry per epoch in each list; ``neurosim.training`` fills it, ``neurosim.plot.loss_curve``
draws it, and in Jupyter it shows as a table and its error curve (``_repr_html_``).
"""

from .numbers import num

__all__ = ["History"]


class History:
    """What :func:`fit` recorded, one entry per epoch (index 0 is the first epoch).

    ``errors``          total error over the training samples after each epoch
    ``test_errors``     the same over ``test_samples`` (empty without them)
    ``accuracies``      fraction of training samples classified right (empty when the targets
                        are not a classification: see :func:`classification_rule`)
    ``test_accuracies`` the same over ``test_samples``
    ``initial_error``   total error before the first epoch (``initial_test_error`` likewise)
    ``stopped_epoch``   the number of epochs done
    ``stopped_step``    the updates done in the unfinished epoch after those (0 when training
                        stopped at the end of an epoch; set by ``interrupt`` and by a
                        NumericalError)
    ``stop_reason``     ``"target_error"``, ``"epochs"``, ``"callback"`` or ``"interrupt"``
    ``seed``            the shuffling seed used (drawn and recorded when none was given)
    """

    def __init__(self, *, mode, batch_size, seed, n_samples, n_test_samples=0):
        self.mode = mode
        self.batch_size = batch_size
        self.seed = seed
        self.n_samples = n_samples
        self.n_test_samples = n_test_samples
        self.errors = []
        self.test_errors = []
        self.accuracies = []
        self.test_accuracies = []
        self.initial_error = None
        self.initial_test_error = None
        self.initial_accuracy = None
        self.initial_test_accuracy = None
        self.stopped_epoch = 0
        self.stopped_step = 0
        self.stop_reason = None
        self._stop_requested = False
        #: The book's per-epoch error (fit's ``epoch_error``: an EpochError, or None), its
        #: figure per epoch, and before training (None for a figure measured "during").
        self.epoch_error = None
        self.epoch_errors = []
        self.initial_epoch_error = None

    @property
    def epochs(self):
        """The epochs done so far: ``[1, 2, ..., stopped_epoch]``."""
        return list(range(1, len(self.errors) + 1))

    @property
    def error(self):
        """The last recorded total training error (before the first epoch: the initial one)."""
        return self.errors[-1] if self.errors else self.initial_error

    def stop(self):
        """Ask :func:`fit` to stop after the current epoch (call it from a callback)."""
        self._stop_requested = True

    def to_dict(self):
        """The record as a JSON-ready dict."""
        return {key: getattr(self, key) for key in (
            "mode", "batch_size", "seed", "n_samples", "n_test_samples", "initial_error",
            "initial_test_error", "initial_accuracy", "initial_test_accuracy", "errors",
            "test_errors", "accuracies", "test_accuracies", "stopped_epoch", "stopped_step",
            "stop_reason", "initial_epoch_error", "epoch_errors")} | {
            "epoch_error": None if self.epoch_error is None else str(self.epoch_error)}

    def _repr_html_(self):
        """Jupyter's view: the errors before and after, and the error curve as SVG."""
        from .render.notebook import history_html
        return history_html(self)

    def __repr__(self):
        text = (f"<History: {self.mode}, {self.stopped_epoch} epochs, stopped by "
                f"{self.stop_reason}, error {num(self.error, 6, missing='-')}")
        for label, values, digits in (("accuracy", self.accuracies, 4),
                                      ("test error", self.test_errors, 6),
                                      ("test accuracy", self.test_accuracies, 4)):
            if values:
                text += f", {label} {num(values[-1], digits, missing='-')}"
        return text + ">"
