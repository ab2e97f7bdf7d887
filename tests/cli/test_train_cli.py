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
    (["--test-fraction", "1.5"], "--test-fraction must be at least 0 (0: no test set) and "
                                 "less than 1, got 1.5"),
    (["--test-fraction", "-0.2"], "--test-fraction must be at least 0"),
    (["--target-error", "-1"], "--target-error must be greater than 0 (training stops when "
                               "the total error falls below it), got -1.0"),
    (["--target-error", "0"], "--target-error must be greater than 0"),
])
def test_bad_options_print_one_line_and_exit_2(args, words, capsys):
    status = main(["train", "xor", "--epochs", "1", "--seed", "0", "--no-progress", *args])
    out, err = capsys.readouterr()
    assert status == 2
    assert err.startswith("neurosim train: error: ") and words in err
    assert "Traceback" not in err


@pytest.mark.parametrize("args, note", [
    (["--noise", "0.1", "--samples", "10"], "--samples and --noise apply only to the 2-D sets "
                                            "(circle, xor_quadrants, gaussians, spiral); xor "
                                            "ignores them"),
    (["--noise", "0"], "--noise applies only to the 2-D sets (circle, xor_quadrants, "
                       "gaussians, spiral); xor ignores it"),
])
def test_playground_options_on_another_set_run_with_a_one_line_note(args, note, capsys):
    # Not an error: a loop over data sets with the same options keeps working; not silent.
    status = main(["train", "xor", "--epochs", "1", "--seed", "0", "--no-progress", *args])
    out, err = capsys.readouterr()
    assert status == 0 and "data:    xor, 4 training samples" in out
    assert err == f"neurosim train: note: {note}\n"


def test_test_fraction_0_means_no_test_set(capsys):
    # train_test_split needs 0 < F < 1; on the command line 0 turns off iris's default split.
    assert main(["train", "iris", "--epochs", "1", "--seed", "0", "--no-progress",
                 "--test-fraction", "0"]) == 0
    out = capsys.readouterr().out
    assert "iris, 150 training samples, inputs scaled" in out and "test" not in out.lower()


def test_an_unknown_dataset_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["train", "mnist"])
    assert exit_.value.code == 2
    assert "invalid choice: 'mnist'" in capsys.readouterr().err


def test_saving_into_a_missing_folder_fails_before_training(tmp_path, capsys):
    path = tmp_path / "no" / "net.json"
    status = main(["train", "xor", "--epochs", "1", "--seed", "0", "--no-progress", "--save",
                   str(path)])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""                      # nothing ran: no data line, no run
    assert err == (f"neurosim train: error: --save {str(path)!r}: the folder "
                   f"{str(path.parent)!r} does not exist\n")


@pytest.mark.parametrize("option", ["--save", "--plot"])
def test_every_destination_is_checked_before_training(tmp_path, option, capsys):
    name = "out.json" if option == "--save" else "out.png"
    cases = [
        (str(tmp_path), f"{option} {str(tmp_path)!r} is a folder, expected a file name in it"),
        ("", f"{option} needs a file name, got ''"),
        (str(tmp_path / "missing" / name),
         f"{option} {str(tmp_path / 'missing' / name)!r}: the folder "
         f"{str(tmp_path / 'missing')!r} does not exist"),
    ]
    for path, message in cases:
        assert main(["train", "spiral", "--epochs", "1", "--no-progress", option, path]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err == f"neurosim train: error: {message}\n"


def test_a_plot_with_an_unknown_suffix_is_refused_before_training(tmp_path, capsys):
    assert main(["train", "xor", "--epochs", "1", "--no-progress", "--plot",
                 str(tmp_path / "loss.jpg")]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == ("neurosim train: error: --plot must end in .png, .svg, .pdf "
                                 f"to choose the image format, got {str(tmp_path / 'loss.jpg')!r}\n")


def test_a_plot_without_matplotlib_is_refused_before_training(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    assert main(["train", "xor", "--epochs", "1", "--no-progress", "--plot",
                 str(tmp_path / "loss.png")]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == ("neurosim train: error: --plot needs matplotlib; install it "
                                 "with pip install 'neurosim[demo]'\n")


@pytest.mark.skipif(os.name != "posix" or not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="needs POSIX permissions and a user that they bind (not root)")
def test_a_read_only_folder_is_refused_before_training(tmp_path, capsys):
    folder = tmp_path / "ro"
    folder.mkdir()
    os.chmod(folder, 0o555)
    try:
        assert main(["train", "xor", "--epochs", "1", "--no-progress", "--save",
                     str(folder / "net.json")]) == 2
    finally:
        os.chmod(folder, 0o755)
    assert capsys.readouterr().err == (f"neurosim train: error: --save "
                                       f"{str(folder / 'net.json')!r}: the folder "
                                       f"{str(folder)!r} is not writable\n")


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name != "posix",
                    reason="needs POSIX symbolic links")
def test_save_through_a_symlink_updates_its_target_and_keeps_the_link(tmp_path, capsys):
    real = tmp_path / "real.json"
    real.write_text("old")
    os.chmod(real, 0o600)
    link = tmp_path / "link.json"
    os.symlink("real.json", link)
    assert main(["train", "xor", "--epochs", "1", "--seed", "0", "--no-progress", "--save",
                 str(link)]) == 0
    assert os.path.islink(link) and os.readlink(link) == "real.json"
    assert NeuralNetwork.load(real).layer_sizes == [2, 5, 1]
    assert oct(os.stat(real).st_mode & 0o777) == oct(0o600)


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
