"""Training over many samples and epochs: :func:`fit` and the :class:`History` it returns.

One epoch visits every sample once. Three modes decide when the weights move:

``online``     after every sample: one :meth:`NeuralNetwork.train` step per sample, the hand
               calculation repeated (Mazur 2015; seed 001's code)
``minibatch``  after every ``batch_size`` samples (the last batch of an epoch may be smaller)
``batch``      once per epoch, after all samples

In the batch modes each sample's gradients are computed on the neurons by
:func:`neurosim.propagation.gradients` (forward, error, backward, no update) and added up per
connection; the update then uses their **mean** over the batch::

    dE/dw = (1/m) sum over the m samples of the batch of dE_k/dw

so the learning rate means the same step size whatever the batch size (a sum would make the
step grow with the batch). The mean is left on the neurons (``neuron.dE_dw``, ``neuron.dE_db``,
and ``layer.dE_db`` for a shared bias) where you can read it, and
:func:`neurosim.propagation.update` applies it exactly as an online step applies one sample's
gradients, momentum included. The other partials on the neurons (``out``, ``delta``, ...)
are those of the batch's last sample.

After every epoch the **total error over the training set** is recorded, with the weights as
the epoch left them (seed 001's ``calculate_total_error``)::

    E = sum over samples of E_total(sample)

and the same over ``test_samples`` when given. Training stops at the first of: the total error
falls below ``target_error`` (seed 003: "when the error meets the requirement, or the number of
iterations reaches the set value"), ``epochs`` epochs done, a callback calls
:meth:`History.stop`, or ``interrupt()`` returns true before a step (a Ctrl-C flag: training
stops between two steps, never inside one, and ``history.stopped_step`` says how far into the
unfinished epoch it got).

Shuffling uses only ``random.Random(seed)``, never the global generator, so a run is
reproducible bit for bit from its seed. Without a seed one is drawn from the operating system
and recorded in ``history.seed``, so any run can be repeated.

A total error that is not a finite number (the inputs or weights too large for floating point,
a NaN in the data) stops training with :class:`~neurosim.errors.NumericalError` naming the
samples and the epoch; no infinity or NaN is ever recorded. The error carries the
:class:`History` of the epochs before it as ``error.history``, so the curve up to the
divergence can still be read or plotted.

>>> from neurosim import NeuralNetwork
>>> xor = [([0, 0], [0]), ([0, 1], [1]), ([1, 0], [1]), ([1, 1], [0])]
>>> net = NeuralNetwork([2, 4, 1], seed=1, learning_rate=2.0)
>>> history = fit(net, xor, epochs=2000, seed=1, target_error=0.01)
>>> history.stop_reason, history.errors[-1] < 0.01, history.accuracies[-1]
('target_error', True, 1.0)
"""

import math
import random

from . import propagation
from .validation import check_flag, check_seed
from .errors import ConfigurationError, NumericalError, ShapeError
from .history import History

__all__ = ["fit", "History", "MODES", "accuracy", "classification_rule"]

MODES = ("online", "minibatch", "batch")


def fit(net, samples, *, epochs, mode="online", batch_size=None, shuffle=True, seed=None,
        target_error=None, momentum=None, callbacks=(), test_samples=None, interrupt=None,
        epoch_error=None, progress=False):
    """Train ``net`` on ``samples`` (``(inputs, targets)`` pairs) for up to ``epochs`` epochs.

    ``mode`` is ``"online"`` (one step per sample), ``"minibatch"`` (one step per
    ``batch_size`` samples, mean gradient) or ``"batch"`` (one step per epoch, mean gradient).
    ``shuffle`` visits the samples in a new order each epoch, drawn from
    ``random.Random(seed)`` (``seed``: None, an integer or a string). ``target_error`` (> 0)
    stops training once the total training error is below it. ``momentum`` sets
    ``net.momentum`` (``None`` keeps the network's own). Each callback is called as
    ``callback(history)`` after every epoch; it may call ``history.stop()``. ``interrupt``, a
    function of no arguments, is called before every step (update); when it returns true,
    training stops there with ``stop_reason`` ``"interrupt"``, the network as the last finished
    step left it (``threading.Event().is_set``, or the flag a Ctrl-C handler sets). Returns the
    :class:`History`; a non-finite error raises NumericalError carrying it as ``.history``

    ``epoch_error`` records a book's own per-epoch error as well, in
    ``history.epoch_errors`` (an :class:`~neurosim.epoch_error.EpochError` or its words, such
    as ``"sum, no half, during"``: Negnevitsky's sum of squared errors over the epoch); with it,
    ``target_error`` is a goal for that figure, so a book's stopping rule reads as printed
    (the weights are as the last finished step left them: ``history.stopped_epoch`` epochs and
    ``history.stopped_step`` more updates). ``progress=True`` shows a bar on standard error
    (tqdm's, from the ``demo`` extra; else a line rewritten in place), one frame per epoch.
    The keywords are the ``neurosim train`` options' names (``--batch-size``: ``batch_size``).
    """
    check_flag("progress", progress)
    callbacks = _callbacks(callbacks)
    if not progress:
        return _fit(net, samples, epochs, mode, batch_size, shuffle, seed, target_error,
                    momentum, callbacks, test_samples, interrupt, epoch_error)
    from .render.progress import Deferred
    bar = Deferred(epochs)
    try:
        return _fit(net, samples, epochs, mode, batch_size, shuffle, seed, target_error,
                    momentum, callbacks + [bar], test_samples, interrupt, epoch_error)
    finally:
        bar.close()


def _callbacks(callbacks):
    """``callbacks`` as a list of functions, or ConfigurationError."""
    if callbacks is None:
        return []
    if callable(callbacks) or isinstance(callbacks, (str, bytes)):
        raise ConfigurationError(f"callbacks must be a list of functions, got {callbacks!r}"
                                 + ("\nwrite callbacks=[f]" if callable(callbacks) else ""))
    try:
        callbacks = list(callbacks)
    except TypeError:
        raise ConfigurationError(f"callbacks must be a list of functions, got "
                                 f"{callbacks!r}") from None
    for k, callback in enumerate(callbacks):
        if not callable(callback):
            raise ConfigurationError(f"callbacks[{k}] must be callable, got {callback!r}")
    return callbacks


def _fit(net, samples, epochs, mode, batch_size, shuffle, seed, target_error, momentum,
         callbacks, test_samples, interrupt, epoch_error):
    """:func:`fit` after its callbacks are checked."""
    if mode not in MODES:
        raise ConfigurationError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ConfigurationError(f"epochs must be a whole number >= 0, got {epochs!r}")
    samples = net._samples(samples, "samples")
    if not samples:
        raise ShapeError("samples must hold at least one (inputs, targets) pair, got none")
    tests = net._samples(test_samples, "test_samples") if test_samples is not None else []
    size = _batch_size(mode, batch_size, len(samples))
    if not isinstance(shuffle, bool):
        raise ConfigurationError(f"shuffle must be True or False, got {shuffle!r}")
    check_seed(seed)
    if target_error is not None:
        if _finite("target_error", target_error) <= 0:
            raise ConfigurationError(f"target_error must be greater than 0 (training stops when "
                                     f"the total error falls below it), got {target_error!r}")
        target_error = float(target_error)
    if momentum is not None:
        momentum = _finite("momentum", momentum)
        if not 0.0 <= momentum < 1.0:
            raise ConfigurationError(f"momentum must be at least 0 and less than 1, "
                                     f"got {momentum!r}")
        net.momentum = momentum
    if mode != "online" and net.hidden_deltas != "original_weights":
        raise ConfigurationError(
            f"hidden_deltas={net.hidden_deltas!r} is a rule of a single online step; "
            f"mode {mode!r} needs hidden_deltas='original_weights'")
    if interrupt is not None and not callable(interrupt):
        raise ConfigurationError(f"interrupt must be a function of no arguments (such as "
                                 f"threading.Event().is_set) or None, got {interrupt!r}")
    if seed is None:
        seed = random.SystemRandom().randrange(2 ** 32)
    rng = random.Random(seed)

    spec = None if epoch_error is None else _epoch_error(epoch_error)
    rule = classification_rule(net, [t for _, t in samples + tests])
    history = History(mode=mode, batch_size=size, seed=seed, n_samples=len(samples),
                      n_test_samples=len(tests))
    try:
        history.initial_error, history.initial_accuracy = _measure(net, samples, rule)
        if tests:
            history.initial_test_error, history.initial_test_accuracy = _measure(
                net, tests, rule, "test_samples")
    except NumericalError as error:
        error.history = history  # empty: no epoch ran
        raise
    history.epoch_error = spec
    if spec is not None and spec.when == "after":
        history.initial_epoch_error = spec.of(targets_and_outputs(net, samples))
    goal = history.initial_error if spec is None else history.initial_epoch_error
    if target_error is not None and goal is not None and goal < target_error:
        history.stop_reason = "target_error"
        return history

    order = list(samples)
    for epoch in range(1, epochs + 1):
        if shuffle:
            rng.shuffle(order)
        seen = []       # (targets, outputs before the update) of each sample, for "during"
        try:
            for start in range(0, len(order), size):
                if interrupt is not None and interrupt():
                    history.stop_reason = "interrupt"   # between two steps, never inside one
                    return history
                if mode == "online":
                    net.train(*order[start])
                    seen.append((order[start][1], net.output_layer.outs))
                else:
                    batch_step(net, order[start:start + size], seen)
                history.stopped_step += 1
            _record(history, net, samples, tests, rule, epoch)
            if spec is not None:
                history.epoch_errors.append(spec.of(seen if spec.when == "during"
                                                    else targets_and_outputs(net, samples)))
        except NumericalError as error:
            error.history = history  # the epochs before this one, to read or plot
            raise
        history.stopped_epoch = epoch
        history.stopped_step = 0
        for callback in callbacks:
            callback(history)
        figure = history.errors[-1] if spec is None else history.epoch_errors[-1]
        if target_error is not None and figure < target_error:
            history.stop_reason = "target_error"
            return history
        if history._stop_requested:
            history.stop_reason = "callback"
            return history
    history.stop_reason = "epochs"
    return history


def targets_and_outputs(net, samples):
    """(targets, outputs) of every sample with the weights as they are now."""
    return [(t, propagation.evaluate(net, x)) for x, t in samples]


def _epoch_error(spec):
    from .epoch_error import epoch_error
    return epoch_error(spec)


def batch_step(net, batch, seen=None):
    """One update from the mean gradient of ``batch``, left on the neurons before it is applied;
    each sample's (targets, outputs) appended to ``seen``."""
    layers = net.layers
    sum_w = [[[0.0] * len(n.weights) for n in layer.neurons] for layer in layers]
    sum_b = [[0.0] * len(layer.neurons) for layer in layers]
    sum_shared = [0.0] * len(layers)
    for x, t in batch:
        propagation.gradients(net, x, t)
        if seen is not None:
            seen.append((t, net.output_layer.outs))
        for k, layer in enumerate(layers):
            for j, n in enumerate(layer.neurons):
                acc = sum_w[k][j]
                for i, g in enumerate(n.dE_dw):
                    acc[i] += g
                sum_b[k][j] += n.dE_db
            if layer.bias_mode == "shared":
                sum_shared[k] += layer.dE_db
    m = len(batch)
    # dE/dw = (1/m) sum_k dE_k/dw: the mean over the batch, left on the neurons to read.
    for k, layer in enumerate(layers):
        for j, n in enumerate(layer.neurons):
            n.dE_dw = [g / m for g in sum_w[k][j]]
            n.dE_db = sum_b[k][j] / m
        if layer.bias_mode == "shared":
            layer.dE_db = sum_shared[k] / m
    propagation.update(net)


def _record(history, net, samples, tests, rule, epoch):
    # Measure both before recording either, so a NumericalError leaves whole epochs only.
    error, acc = _measure(net, samples, rule, "samples", epoch)
    test_error, test_acc = None, None
    if tests:
        test_error, test_acc = _measure(net, tests, rule, "test_samples", epoch)
    history.errors.append(error)
    if acc is not None:
        history.accuracies.append(acc)
    if tests:
        history.test_errors.append(test_error)
        if test_acc is not None:
            history.test_accuracies.append(test_acc)


def _measure(net, samples, rule, field="samples", epoch=None):
    """(total error, accuracy or None) over checked samples, without touching the neurons.

    The total is summed in the order of :meth:`NeuralNetwork.total_error`, so it has its bits.
    A NaN or an infinity, in one sample's outputs or error or in the total, raises
    NumericalError naming ``field``, the sample and ``epoch`` (None: before training).
    """
    loss = net.loss
    n_out = net.layer_sizes[-1]
    when = "before training" if epoch is None else f"after epoch {epoch}"
    total = 0.0
    right = 0
    for k, (x, t) in enumerate(samples):
        try:
            outs = propagation.evaluate(net, x)
        except NumericalError as error:
            raise NumericalError(f"{field}[{k}] {when}: {error}{_NUMERICAL_FIX}") from None
        e = sum(loss.error(ti, oi, n_out) for ti, oi in zip(t, outs))
        if not math.isfinite(e):
            raise NumericalError(f"the error of {field}[{k}] is {e!r} {when}, expected a finite "
                                 f"number{_NUMERICAL_FIX}")
        total += e
        if rule is not None:
            right += classify(outs, rule) == classify(t, rule)
    if not math.isfinite(total):
        raise NumericalError(f"the total error over {field} is {total!r} {when}, expected a "
                             f"finite number{_NUMERICAL_FIX}")
    return total, (right / len(samples) if rule is not None and samples else None)


_NUMERICAL_FIX = ("\nthe numbers are too large for floating point; scale the inputs "
                  "(datasets.MinMaxScaler) or lower the learning rate")


def classification_rule(net, targets):
    """How to read the outputs as classes, or None when the targets are not a classification.

    One output whose targets take exactly two values: the class is which side of their
    midpoint the output lies (0.5 for 0/1 targets, 0 for -1/1 targets). Several outputs whose
    targets are one-hot (each target vector holds one high value, the rest one low value): the
    class is the output with the largest value (argmax). Returns ``("threshold", midpoint)``,
    ``("argmax", None)`` or ``None``.

    >>> from neurosim import NeuralNetwork
    >>> classification_rule(NeuralNetwork([2, 1]), [[0.0], [1.0], [1.0]])
    ('threshold', 0.5)
    >>> classification_rule(NeuralNetwork([2, 3]), [[1, 0, 0], [0, 0, 1]])
    ('argmax', None)
    >>> classification_rule(NeuralNetwork([2, 1]), [[0.1], [0.2], [0.3]]) is None
    True
    """
    targets = [list(map(float, t)) for t in targets]
    if not targets:
        return None
    values = {v for t in targets for v in t}
    if len(values) != 2:
        return None
    low, high = sorted(values)
    if net.layer_sizes[-1] == 1:
        return ("threshold", (low + high) / 2)
    if all(t.count(high) == 1 for t in targets):
        return ("argmax", None)
    return None


def classify(values, rule):
    """The class ``values`` (outputs or targets) stand for under ``rule`` (see
    :func:`classification_rule`): above the midpoint or not, or the index of the largest."""
    kind, midpoint = rule
    if kind == "threshold":
        return values[0] > midpoint
    return max(range(len(values)), key=values.__getitem__)


def accuracy(net, samples):
    """The fraction of ``samples`` the network classifies right (see :func:`classification_rule`).

    >>> from neurosim import NeuralNetwork
    >>> net = NeuralNetwork.from_weights([[[1.0]]], [0.0], activation="identity")
    >>> accuracy(net, [([1.0], [1.0]), ([-1.0], [0.0]), ([0.7], [0.0])])
    0.6666666666666666
    """
    samples = net._samples(samples, "samples")
    rule = classification_rule(net, [t for _, t in samples])
    if rule is None:
        raise ConfigurationError("accuracy needs classification targets: one output with two "
                                 "target values, or one-hot targets over several outputs")
    return _measure(net, samples, rule)[1]


def _batch_size(mode, batch_size, n):
    if mode == "online":
        if batch_size not in (None, 1):
            raise ConfigurationError(f"mode 'online' steps after every sample; batch_size must "
                                     f"be None or 1, got {batch_size!r}\nuse mode='minibatch'")
        return 1
    if mode == "batch":
        if batch_size not in (None, n):
            raise ConfigurationError(f"mode 'batch' uses all {n} samples per step; batch_size "
                                     f"must be None, got {batch_size!r}\nuse mode='minibatch'")
        return n
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ConfigurationError(f"mode 'minibatch' needs batch_size, a whole number >= 1, "
                                 f"got {batch_size!r}")
    return batch_size


def _finite(field, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigurationError(f"{field} must be a finite number, got {value!r}")
    return float(value)
