"""``NeuralNetwork.fit`` shows its keywords (help(), tab completion) and has ``progress``.

The issue: ``fit(self, samples, **options)`` hid every keyword, and the progress bar of
``neurosim train`` had no counterpart in Python.
"""

import inspect
import io
import sys

import pytest

from neurosim import NeuralNetwork
from neurosim.cli import build_parser
from neurosim.datasets import xor
from neurosim.errors import ConfigurationError
from neurosim.training import fit

KEYWORDS = ["epochs", "mode", "batch_size", "shuffle", "seed", "target_error", "momentum",
            "callbacks", "test_samples", "interrupt", "epoch_error", "progress"]


def test_the_method_spells_out_every_keyword_of_training_fit():
    method = inspect.signature(NeuralNetwork.fit)
    names = list(method.parameters)
    assert names == ["self", "samples"] + KEYWORDS
    for name in KEYWORDS:
        assert method.parameters[name].kind is inspect.Parameter.KEYWORD_ONLY
    function = inspect.signature(fit)
    assert list(function.parameters) == ["net", "samples"] + KEYWORDS
    for name in KEYWORDS:                      # the same defaults in both
        assert method.parameters[name].default == function.parameters[name].default
    assert method.parameters["progress"].default is False
    assert method.parameters["epochs"].default is inspect.Parameter.empty


def test_help_shows_the_signature():
    out = io.StringIO()
    sys_stdout, sys.stdout = sys.stdout, out
    try:
        help(NeuralNetwork.fit)
    finally:
        sys.stdout = sys_stdout
    shown = "".join(out.getvalue().split())     # pydoc 3.13+ puts long signatures on lines
    assert "fit(self,samples,*,epochs,mode='online',batch_size=None" in shown
    assert "progress=False)" in shown


def test_the_keywords_are_the_command_lines_option_names():
    parser = build_parser()
    train = next(a for a in parser._actions if a.choices and "train" in a.choices)
    options = {action.dest for action in train.choices["train"]._actions}
    for name in ("epochs", "mode", "batch_size", "seed", "target_error", "momentum"):
        assert name in options


def test_progress_true_shows_a_frame_per_epoch(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)          # the plain line, without tqdm
    net = NeuralNetwork([2, 3, 1], seed=0)
    history = net.fit(xor(), epochs=7, seed=0, progress=True)
    err = capsys.readouterr().err
    frames = err.split("\r")[1:]
    assert len(frames) == 7 and err.endswith("\n")
    assert frames[-1].startswith(f"epoch 7/7  error {history.errors[-1]:.6g}")


def test_progress_with_tqdm(capsys):
    pytest.importorskip("tqdm", reason="tqdm is in the demo extra")
    NeuralNetwork([2, 3, 1], seed=0).fit(xor(), epochs=5, seed=0, progress=True)
    assert "5/5" in capsys.readouterr().err


def test_no_progress_by_default(capsys):
    NeuralNetwork([2, 3, 1], seed=0).fit(xor(), epochs=5, seed=0)
    assert capsys.readouterr().err == ""


def test_progress_is_checked_and_a_refused_call_draws_nothing(capsys):
    net = NeuralNetwork([2, 3, 1], seed=0)
    with pytest.raises(ConfigurationError, match="progress must be True or False, got 'yes'"):
        net.fit(xor(), epochs=5, progress="yes")
    with pytest.raises(ConfigurationError, match="epochs must be a whole number"):
        net.fit(xor(), epochs=-1, progress=True)
    with pytest.raises(TypeError):
        net.fit(xor(), epochs=5, epoch=3)                  # a misspelt keyword is not swallowed
    assert capsys.readouterr().err == ""


def test_progress_leaves_the_bits_alone():
    plain, shown = NeuralNetwork([2, 3, 1], seed=4), NeuralNetwork([2, 3, 1], seed=4)
    plain.fit(xor(), epochs=20, seed=4)
    shown.fit(xor(), epochs=20, seed=4, progress=True)
    assert [w.hex() for n in plain.neurons for w in n.weights] == \
           [w.hex() for n in shown.neurons for w in n.weights]
