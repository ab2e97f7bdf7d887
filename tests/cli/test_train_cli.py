"""``neurosim train``: main([...]) called directly, and one run as a subprocess."""

import os
import subprocess
import sys

import pytest

from neurosim import NeuralNetwork
from neurosim.cli import main

XOR = [([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]), ([1.0, 0.0], [1.0]), ([1.0, 1.0], [0.0])]


def bits(net):
    return [w.hex() for n in net.neurons for w in n.weights] + [n.bias.hex() for n in net.neurons]


def test_train_xor_prints_the_run_and_a_summary(capsys):
    assert main(["train", "xor", "--seed", "1", "--epochs", "50", "--no-progress"]) == 0
    out, err = capsys.readouterr()
    assert "data:    xor, 4 training samples" in out
    assert "NeuralNetwork([2, 5, 1], activation='sigmoid'" in out
    assert "seed 1 (repeat this run with --seed 1), mode online, up to 50 epochs" in out
    assert "stopped after 50 epochs (the epoch limit)" in out
    assert "total training error" in out and "training accuracy" in out
    assert "layer 1 (hidden, sigmoid, bias per_neuron)" in out  # the network's table
    assert err == ""


def test_saved_network_is_the_one_the_api_trains(tmp_path, capsys):
    path = tmp_path / "xor.json"
    assert main(["train", "xor", "--seed", "3", "--epochs", "40", "--hidden", "4",
                 "--lr", "2", "--no-progress", "--save", str(path)]) == 0
    assert f"saved the network to {path}" in capsys.readouterr().out
    expected = NeuralNetwork([2, 4, 1], learning_rate=2.0, seed=3)
    expected.fit(XOR, epochs=40, seed=3)
    assert bits(NeuralNetwork.load(path)) == bits(expected)


def test_hidden_layers_activation_loss_mode_and_momentum(capsys):
    assert main(["train", "encoder", "--hidden", "4", "3", "--activation", "tanh",
                 "--output-activation", "sigmoid", "--loss", "binary_cross_entropy",
                 "--mode", "minibatch", "--batch-size", "3", "--momentum", "0.5",
                 "--epochs", "3", "--seed", "0", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "NeuralNetwork([8, 4, 3, 8], activation=['tanh', 'tanh', 'sigmoid'], " \
           "loss='binary_cross_entropy'" in out
    assert "mode minibatch" in out


def test_no_hidden_layer(capsys):
    assert main(["train", "and", "--hidden", "--epochs", "5", "--seed", "0",
                 "--no-progress"]) == 0
    assert "NeuralNetwork([2, 1]" in capsys.readouterr().out


def test_target_error_stops_the_run(capsys):
    assert main(["train", "xor", "--hidden", "4", "--lr", "2", "--seed", "1",
                 "--target-error", "0.05", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "(the total error fell below the target)" in out


def test_iris_keeps_a_scaled_test_set(capsys):
    assert main(["train", "iris", "--epochs", "3", "--seed", "0", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "iris, 120 training samples, 30 test samples, inputs scaled to [0, 1]" in out
    assert "test accuracy" in out and "total test error" in out


def test_a_playground_set_with_samples_and_noise(capsys):
    assert main(["train", "circle", "--samples", "30", "--noise", "0.1", "--epochs", "2",
                 "--seed", "0", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "circle, 30 training samples" in out and "activation='tanh'" in out


def test_plot_writes_the_loss_curve(tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="--plot needs matplotlib (neurosim[demo])")
    path = tmp_path / "loss.png"
    assert main(["train", "xor", "--epochs", "5", "--seed", "0", "--no-progress",
                 "--plot", str(path)]) == 0
    assert path.read_bytes().startswith(b"\x89PNG")
    assert f"saved the loss curve to {path}" in capsys.readouterr().out


def test_progress_without_tqdm_is_plain_lines(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    assert main(["train", "xor", "--epochs", "20", "--seed", "0"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("epoch 2/20  error ") and err[-1].startswith("epoch 20/20  error ")
    assert len(err) == 10


def test_progress_bar_with_tqdm(capsys):
    pytest.importorskip("tqdm", reason="the progress bar needs tqdm (neurosim[demo])")
    assert main(["train", "xor", "--epochs", "20", "--seed", "0"]) == 0
    assert "epoch" in capsys.readouterr().err


@pytest.mark.parametrize("args,words", [
    (["--lr", "-1"], "learning_rate must be at least 0"),
    (["--mode", "minibatch"], "batch_size"),
    (["--momentum", "1.5"], "momentum"),
    (["--hidden", "0"], "--hidden sizes must be at least 1"),
    (["--test-fraction", "1.5"], "test_fraction"),
    (["--noise", "0.1", "--samples", "1"], None),  # xor ignores the Playground options
])
def test_bad_options_print_one_line_and_exit_2(args, words, capsys):
    status = main(["train", "xor", "--epochs", "1", "--seed", "0", "--no-progress", *args])
    err = capsys.readouterr().err
    if words is None:
        assert status == 0
    else:
        assert status == 2
        assert err.startswith("neurosim train: error: ") and words in err
        assert "Traceback" not in err


def test_an_unknown_dataset_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["train", "mnist"])
    assert exit_.value.code == 2
    assert "invalid choice: 'mnist'" in capsys.readouterr().err


def test_saving_into_a_missing_folder_fails_cleanly(tmp_path, capsys):
    status = main(["train", "xor", "--epochs", "1", "--seed", "0", "--no-progress", "--save",
                   str(tmp_path / "no" / "net.json")])
    assert status == 2
    assert "neurosim train: error: cannot save" in capsys.readouterr().err


def test_help_has_an_example(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "neurosim train xor" in out


def test_python_m_neurosim_train(tmp_path):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    done = subprocess.run([sys.executable, "-m", "neurosim", "train", "xor", "--epochs", "10",
                           "--seed", "1", "--no-progress", "--save", "net.json"],
                          capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "stopped after 10 epochs" in done.stdout
    assert (tmp_path / "net.json").exists()
