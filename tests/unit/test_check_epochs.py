"""neurosim check over several samples and epochs (neurosim.hand_check.epochs).

Expected numbers come from the independent matrix reference (tests/reference.py), training
sample by sample in the test.
"""

import pytest

import reference
from neurosim import NeuralNetwork, check
from neurosim.errors import FormatError

W = [[[0.5, 0.4], [0.9, 1.0]], [[-1.2, 1.1]]]
B = [[-0.8, 0.1], [-0.3]]
XOR = [([1, 1], [0]), ([0, 1], [1]), ([1, 0], [1]), ([0, 0], [0])]
HEAD = ("samples = 1 1 -> 0; 0 1 -> 1; 1 0 -> 1; 0 0 -> 0\n"
        "learning_rate = 0.1\n")


def net():
    return NeuralNetwork.from_weights(W, B, learning_rate=0.1)


def online(epochs):
    """Per (epoch, sample): the reference step's Result; and the weights after each epoch."""
    weights, biases = W, B
    steps, ends, sse = {}, {}, {}
    for e in range(1, epochs + 1):
        sse[e] = 0.0
        for k, (x, t) in enumerate(XOR, start=1):
            r = reference.step(weights, biases, x, t, learning_rate=0.1)
            steps[e, k] = r
            sse[e] += (t[0] - r.output[0]) ** 2
            weights, biases = r.new_W, r.new_b
        ends[e] = (weights, biases)
    return steps, ends, sse


def test_online_figures_at_a_sample_and_an_epoch():
    steps, ends, sse = online(3)
    claims = HEAD + "mode = online\nepoch_error = sum, no half, during\n" + "\n".join([
        f"out_o1 @ epoch 1 sample 2 = {steps[1, 2].output[0]:.6f}",
        f"delta_h1 @ epoch 2 sample 3 = {steps[2, 3].delta[0][0]:.6e}",
        f"w5+ @ epoch 2 sample 4 = {steps[2, 4].new_W[1][0][0]:.6f}",
        f"b_o1+ @ epoch 3 = {ends[3][1][1][0]:.6f}",
        f"w1+ @ epoch 3 = {ends[3][0][0][0][0]:.6f}",
        f"E_epoch @ epoch 1 = {sse[1]:.6f}",
        f"E_epoch @ epoch 3 = {sse[3]:.6f}"]) + "\n"
    report = check(claims, net())
    assert report.ok, str(report)
    assert [r.name for r in report.results][-2:] == ["E_epoch@epoch1", "E_epoch@epoch3"]
    corrupted = claims.replace(f"{sse[3]:.6f}", f"{sse[3] + 1e-5:.6f}")
    report = check(corrupted, net())
    assert not report.ok and report["E_epoch@epoch3"].status == "wrong"


def test_batch_mode_moves_the_weights_once_an_epoch():
    steps = [reference.step(W, B, x, t, learning_rate=0.1) for x, t in XOR]
    mean = sum(r.grad_W[1][0][0] for r in steps) / 4
    claims = HEAD + "mode = batch\n" + "\n".join([
        f"out_o1 @ epoch 1 sample 3 = {steps[2].output[0]:.9f}",
        f"w5+ @ epoch 1 = {W[1][0][0] - 0.1 * mean:.9f}"]) + "\n"
    report = check(claims, net())
    assert report.ok, str(report)
    online_value = steps[0].new_W[1][0][0]      # not what batch mode gives after epoch 1
    report = check(HEAD + f"mode = batch\nw5+ @ epoch 1 = {online_value:.9f}\n", net())
    assert not report.ok


def test_book_names_and_sign_at_an_epoch():
    steps, _, _ = online(1)
    claims = HEAD + ("name w35 = w5\nname delta5 = delta_o1\nconvention: delta = -dE/dnet\n"
                     f"w35+ @ epoch 1 sample 2 = {steps[1, 2].new_W[1][0][0]:.6f}\n"
                     f"delta5 @ epoch 1 sample 2 = {-steps[1, 2].delta[1][0]:.6f}\n")
    report = check(claims, net())
    assert report.ok, str(report)
    assert [r.name for r in report.results] == ["w35+ @ epoch 1 sample 2".replace(" ", ""),
                                                "delta5@epoch1sample2"]


@pytest.mark.parametrize("claims, message", [
    ("E_epoch @ epoch 1 = 0.9", "epoch_error = sum, no half, during"),
    ("out_o1 @ epoch 1 sample 5 = 0.5", "from 1 to 4"),
    ("out_o1 @ epoch 1 = 0.5", "name the sample"),
    ("mode = batch\nw5+ @ epoch 1 sample 2 = 0.5", "batch mode"),
    ("out_q1 @ epoch 1 sample 1 = 0.5", "not a quantity"),
    ("mode = sometimes\nout_o1 @ epoch 1 sample 1 = 0.5", "online or batch"),
    ("epoch_error = sum, mean\nout_o1 @ epoch 1 sample 1 = 0.5", "says two things"),
])
def test_bad_epoch_claims_are_refused(claims, message):
    with pytest.raises(FormatError, match=message):
        check(HEAD + claims + "\n", net())


def test_epoch_claims_need_the_data_set():
    with pytest.raises(FormatError, match="samples = "):
        check("inputs = 1 1\ntargets = 0\nout_o1 @ epoch 1 sample 1 = 0.5\n", net())
    with pytest.raises(FormatError, match="sample 2: expected 'inputs -> targets'"):
        check("samples = 1 1 -> 0; 0 1\nout_o1 @ epoch 1 sample 1 = 0.5\n", net())


def test_a_json_sample_whose_sides_are_not_lists_is_refused():
    """``[[1, [0]]]`` raised a bare TypeError ('Decimal' object is not iterable)."""
    with pytest.raises(FormatError, match=r"\$\.samples\[0\]: expected \[inputs, targets\] "
                                          r"\(two lists of numbers\), got a list of 2 items"):
        check('{"samples": [[1, [0]]], "out_o1@epoch1sample1": 0.5}', net())


def test_the_books_sign_of_delta_holds_for_any_spelling_at_an_epoch():
    """``dE/dnet_o1`` is ``delta_o1``: under ``convention: delta = -dE/dnet`` both are compared
    with neurosim's delta turned, at an epoch as in a single step (the spelled-out name was
    compared unturned, and shown turned)."""
    steps, _, _ = online(1)
    book = -steps[1, 2].delta[1][0]
    claims = HEAD + f"convention: delta = -dE/dnet\ndE/dnet_o1 @ epoch 1 sample 2 = {book:.6f}\n"
    result = check(claims, net()).results[0]
    assert (result.status, result.value) == ("right", float(f"{book:.6f}"))
    assert result.simulated == pytest.approx(book, abs=1e-15)
