"""Per-epoch error figures as books define them (neurosim.epoch_error) and fit's History.

Expected values come from the independent matrix reference (tests/reference.py): online
training sample by sample, the squared differences summed by hand in the test.
"""

import math

import pytest

from neurosim import NeuralNetwork
from neurosim.epoch_error import EpochError, epoch_error
from neurosim.errors import ConfigurationError

import reference

W = [[[0.5, 0.4], [0.9, 1.0]], [[-1.2, 1.1]]]
B = [[-0.8, 0.1], [-0.3]]
XOR = [([1, 1], [0]), ([0, 1], [1]), ([1, 0], [1]), ([0, 0], [0])]


def reference_run(epochs, lr=0.1):
    """Per epoch: squared differences seen before each update, and after the epoch."""
    weights, biases = W, B
    during, after = [], []
    for _ in range(epochs):
        seen = []
        for x, t in XOR:
            r = reference.step(weights, biases, x, t, learning_rate=lr)
            seen.append((t[0] - r.output[0]) ** 2)
            weights, biases = r.new_W, r.new_b
        during.append(seen)
        after.append([(t[0] - reference.forward(weights, biases, x)[1][-1][0]) ** 2
                      for x, t in XOR])
    return during, after


@pytest.mark.parametrize("words, when, half, reduce", [
    ("sum, no half, during", "during", False, "sum"),
    ("mean half after", "after", True, "mean"),
    ("rms", "after", False, "rms"),
    ("during, rms, half", "during", True, "rms"),
])
def test_the_figures_follow_their_definition(words, when, half, reduce):
    spec = epoch_error(words)
    assert spec == EpochError(when, half, reduce)
    net = NeuralNetwork.from_weights(W, B, learning_rate=0.1)
    history = net.fit(XOR, epochs=3, shuffle=False, epoch_error=words)
    during, after = reference_run(3)
    c = 0.5 if half else 1.0
    for figure, squares in zip(history.epoch_errors, during if when == "during" else after):
        total = c * sum(squares)
        expected = {"sum": total, "mean": total / 4, "rms": math.sqrt(total / 4)}[reduce]
        assert figure == pytest.approx(expected, rel=1e-12)
    assert history.to_dict()["epoch_error"] == str(spec)


def test_after_with_half_and_sum_is_fits_own_total_error():
    net = NeuralNetwork.from_weights(W, B, learning_rate=0.1)
    history = net.fit(XOR, epochs=4, shuffle=False, epoch_error="sum half after")
    assert history.epoch_errors == pytest.approx(history.errors, rel=1e-15)
    assert history.initial_epoch_error == pytest.approx(history.initial_error, rel=1e-15)


def test_the_stopping_rule_reads_as_printed():
    # stop when the sum of squared errors seen during an epoch falls below 0.9894
    during, _ = reference_run(8)
    sums = [sum(s) for s in during]
    first = next(k for k, s in enumerate(sums, start=1) if s < 0.9894)
    net = NeuralNetwork.from_weights(W, B, learning_rate=0.1)
    history = net.fit(XOR, epochs=100, shuffle=False, target_error=0.9894,
                      epoch_error="sum, no half, during")
    assert history.stop_reason == "target_error" and history.stopped_epoch == first


def test_batch_mode_measures_during_with_the_epochs_start_weights():
    net = NeuralNetwork.from_weights(W, B, learning_rate=0.1)
    history = net.fit(XOR, epochs=2, shuffle=False, mode="batch",
                      epoch_error="sum, no half, during")
    start = [(t[0] - reference.forward(W, B, x)[1][-1][0]) ** 2 for x, t in XOR]
    assert history.epoch_errors[0] == pytest.approx(sum(start), rel=1e-12)


@pytest.mark.parametrize("bad", ["sum, mean", "squared", 3])
def test_bad_definitions_are_refused(bad):
    with pytest.raises(ConfigurationError, match="epoch_error"):
        epoch_error(bad)
