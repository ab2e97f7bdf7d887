"""``neurosim train``: main([...]) called directly, and runs as subprocesses: Ctrl-C, a closed
output and divergence still save the network of the last finished step."""

import io
import math
import os
import re
import signal
import stat
import subprocess
import sys
import time

import pytest

from neurosim import NeuralNetwork
from neurosim.cli import main

#: The checkout whose neurosim the subprocesses run (not an installed copy).
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Pyodide is "posix" but has no FIFOs, hard links, sockets, users or file locks.
posix_only = pytest.mark.skipif(
    os.name != "posix" or sys.platform == "emscripten",
    reason="signals, pipes and FIFOs of POSIX (Pyodide has no FIFOs, hard links, sockets or file locks)")

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
    assert "layer 1 (hidden, sigmoid, 5 neurons, bias per_neuron)" in out  # the weights
    assert err == ""                # standard error is not a terminal here: no progress bar


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
    assert ("network: NeuralNetwork([8, 4, 3, 8], activation=['tanh', 'tanh', 'sigmoid'],\n"
            "                       loss='binary_cross_entropy'") in out
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
    pytest.importorskip("matplotlib", reason="--plot needs matplotlib (the demo extra)")
    path = tmp_path / "loss.png"
    assert main(["train", "xor", "--epochs", "5", "--seed", "0", "--no-progress",
                 "--plot", str(path)]) == 0
    assert path.read_bytes().startswith(b"\x89PNG")
    assert f"saved the loss curve to {path}" in capsys.readouterr().out


class Terminal(io.StringIO):
    """Standard error as a terminal: the progress bar is drawn only there."""

    def isatty(self):
        return True


def test_progress_without_tqdm_is_one_line_rewritten_on_a_terminal(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["train", "xor", "--epochs", "20", "--seed", "0"]) == 0
    frames = terminal.getvalue().split("\r")[1:]
    assert len(frames) == 20 and frames[-1].startswith("epoch 20/20  error ")
    assert terminal.getvalue().endswith("\n") and terminal.getvalue().count("\n") == 1


def test_progress_bar_with_tqdm_on_a_terminal(monkeypatch):
    pytest.importorskip("tqdm", reason="the progress bar needs tqdm (the demo extra)")
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["train", "xor", "--epochs", "20", "--seed", "0"]) == 0
    assert "epoch" in terminal.getvalue()


@pytest.mark.parametrize("tqdm", ["installed", "missing"])
def test_no_progress_frames_in_redirected_standard_error(tqdm, monkeypatch, capsys):
    # the issue: progress-bar frames landed in `2> err.txt`
    if tqdm == "missing":
        monkeypatch.setitem(sys.modules, "tqdm", None)
    assert main(["train", "xor", "--epochs", "20", "--seed", "0"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("args,words", [
    (["--lr", "-1"], "learning_rate must be at least 0"),
    (["--mode", "minibatch"], "--mode minibatch needs --batch-size N, the samples per update, "
                              "got none"),
    (["--mode", "minibatch", "--batch-size", "0"], "--batch-size must be at least 1, got 0"),
    (["--batch-size", "3"], "--batch-size 3 needs --mode minibatch (--mode online updates after "
                            "every sample)"),
    (["--mode", "batch", "--batch-size", "3"], "--batch-size 3 needs --mode minibatch (--mode "
                                               "batch updates once per epoch, with all 4 "
                                               "samples)"),
    (["--epochs", "-5"], "--epochs must be 0 or more, got -5"),
    (["--momentum", "1.5"], "momentum"),
    (["--hidden", "0"], "--hidden sizes must be at least 1"),
    (["--test-fraction", "1.5"], "--test-fraction must be at least 0 (0: no test set) and "
                                 "less than 1, got 1.5"),
    (["--test-fraction", "-0.2"], "--test-fraction must be at least 0"),
    (["--target-error", "-1"], "--target-error must be greater than 0 (training stops when "
                               "the total error falls below it), got -1.0"),
    (["--target-error", "0"], "--target-error must be greater than 0"),
    (["--noise", "0.1", "--epochs", "-1"], "--epochs must be 0 or more, got -1"),
])
def test_bad_options_print_one_line_and_exit_2_before_any_output(args, words, capsys):
    # With the progress bar on: a check made after the header would come after it and after
    # the bar's first '\r  0%|' on standard error; every check comes before any output.
    status = main(["train", "xor", "--epochs", "1", "--seed", "0", *args])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err.startswith("neurosim train: error: ") and words in err and err.count("\n") == 1
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
                                 "with pip install matplotlib\n")


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


def environment(**changes):
    """The subprocesses' environment: this checkout first on the path, output buffered as
    usual (PYTHONUNBUFFERED removed) unless ``changes`` say otherwise."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8",
               PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
    env.pop("PYTHONUNBUFFERED", None)
    env.update(changes)
    return env


def neurosim(args, cwd, **options):
    """``python -m neurosim ARGS`` as a process, Ctrl-C (SIGINT) at its default even when the
    test runs where SIGINT is ignored (a shell's background job)."""
    default_sigint = (lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)) \
        if os.name == "posix" else None
    options.setdefault("env", environment())
    return subprocess.Popen([sys.executable, "-m", "neurosim", *args], cwd=cwd,
                            preexec_fn=default_sigint, **options)


def test_python_m_neurosim_train(tmp_path):
    env = environment()
    done = subprocess.run([sys.executable, "-m", "neurosim", "train", "xor", "--epochs", "10",
                           "--seed", "1", "--no-progress", "--save", "net.json"],
                          capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "stopped after 10 epochs" in done.stdout
    assert (tmp_path / "net.json").exists()


# -- training that stops early still saves ---------------------------------------------------------

def _after(count):
    """An interrupt for fit that lets ``count`` steps run, then stops before the next one."""
    asked = []
    return lambda: asked.append(None) or len(asked) > count


def _steps(where, per_epoch):
    """The updates done, from 'after epoch 12' or 'in epoch 13, after 3 of 4 updates'."""
    match = re.fullmatch(r"after epoch (\d+)|in epoch (\d+), after (\d+) of (\d+) updates", where)
    assert match, where
    if match[1]:
        return int(match[1]) * per_epoch
    assert int(match[4]) == per_epoch
    return (int(match[2]) - 1) * per_epoch + int(match[3])


@posix_only
def test_ctrl_c_saves_the_network_of_the_last_finished_step(tmp_path):
    process = neurosim(["train", "xor", "--seed", "1", "--epochs", "100000000", "--no-progress",
                        "--save", "net.json"], tmp_path, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, env=environment(PYTHONUNBUFFERED="1"))
    try:
        header = [process.stdout.readline() for _ in range(5)]   # Ctrl-C is a flag from here
        assert "up to 100000000 epochs" in header[4]
        time.sleep(0.3)                                          # training: some epochs done
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130 and out == ""
    match = re.fullmatch(r"neurosim train: interrupted (.*); saved the network as it was then "
                         r"to net\.json\n", err)
    assert match, err
    steps = _steps(match[1], per_epoch=4)
    assert steps > 0
    # The same run through the API, stopped after as many steps: the same weights, bit for bit.
    expected = NeuralNetwork([2, 5, 1], learning_rate=0.5, seed=1)
    expected.fit(XOR, epochs=10 ** 8, seed=1, interrupt=_after(steps))
    assert bits(NeuralNetwork.load(tmp_path / "net.json")) == bits(expected)
    assert os.listdir(tmp_path) == ["net.json"]


@posix_only
def test_a_reader_that_leaves_before_the_summary_loses_nothing(tmp_path):
    # `neurosim train ... --save net.json | head`: the summary meets a closed pipe. The network
    # is saved first, standard error says so, and the status is 141 (not 120, Python's status
    # when the flush at exit fails).
    read, write = os.pipe()
    os.close(read)                                       # the reader has left
    process = neurosim(["train", "xor", "--seed", "1", "--epochs", "200", "--no-progress",
                        "--save", "net.json"], tmp_path, stdout=write, stderr=subprocess.PIPE,
                       text=True)
    os.close(write)
    err = process.communicate(timeout=120)[1]
    assert process.returncode == 141
    assert err == ("neurosim train: the output was closed after training (after epoch 200); the "
                   "network is saved to net.json\n")
    expected = NeuralNetwork([2, 5, 1], learning_rate=0.5, seed=1)
    expected.fit(XOR, epochs=200, seed=1)
    assert bits(NeuralNetwork.load(tmp_path / "net.json")) == bits(expected)


@posix_only
def test_a_reader_that_left_before_training_began_is_told(tmp_path):
    read, write = os.pipe()
    os.close(read)
    process = neurosim(["train", "xor", "--seed", "1", "--no-progress", "--save", "net.json"],
                       tmp_path, stdout=write, stderr=subprocess.PIPE, text=True,
                       env=environment(PYTHONUNBUFFERED="1"))   # the first line meets the pipe
    os.close(write)
    err = process.communicate(timeout=120)[1]
    assert process.returncode == 141
    assert err == ("neurosim train: the output was closed before training began; nothing "
                   "trained, nothing saved\n")
    assert os.listdir(tmp_path) == []


def test_a_progress_reader_that_leaves_mid_training_keeps_the_last_epoch(tmp_path, monkeypatch,
                                                                        capsys):
    # the progress bar (on a terminal) meets a closed output after some epoch; the network of
    # that epoch is saved (standard error is gone: nothing can say so).
    class Closing(Terminal):
        def write(self, text):
            if self.tell() > 20:
                raise BrokenPipeError(32, "Broken pipe")
            return super().write(text)
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setattr(sys, "stderr", Closing())
    monkeypatch.chdir(tmp_path)
    assert main(["train", "xor", "--seed", "1", "--epochs", "3000", "--save", "net.json"]) == 141
    saved = bits(NeuralNetwork.load(tmp_path / "net.json"))
    after_each_epoch = []
    expected = NeuralNetwork([2, 5, 1], learning_rate=0.5, seed=1)
    expected.fit(XOR, epochs=3000, seed=1,
                 callbacks=[lambda history: after_each_epoch.append(bits(expected))])
    assert saved in after_each_epoch[:-1]                # an epoch's end, before the last one


def test_every_line_fits_80_columns_on_a_2_16_8_1_network(capsys):
    # the issue: 401-character lines of weights
    assert main(["train", "spiral", "--epochs", "2", "--seed", "0", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert max(map(len, out.splitlines())) <= 80
    assert "network: NeuralNetwork([2, 16, 8, 1], activation='tanh'," in out
    assert "  128 weights w33..w160: from " in out           # layer 2: its ranges
    assert "  h16  w31=" in out                                # layer 1: neuron by neuron
    assert "net" not in out.split("weights and biases")[1]     # no unnamed pass's columns


@pytest.mark.parametrize("args", [["iris", "--epochs", "1"], ["mazur", "--epochs", "1"],
                                  ["encoder", "--hidden", "4", "3", "--activation", "tanh",
                                   "--output-activation", "sigmoid", "--epochs", "1"]])
def test_every_line_fits_80_columns(args, capsys):
    assert main(["train", *args, "--seed", "0", "--no-progress"]) == 0
    assert max(map(len, capsys.readouterr().out.splitlines())) <= 80


def test_the_summary_shows_the_trained_weights_and_answers(tmp_path, capsys):
    path = tmp_path / "net.json"
    assert main(["train", "xor", "--seed", "1", "--epochs", "30", "--no-progress", "--save",
                 str(path)]) == 0
    out = capsys.readouterr().out
    net = NeuralNetwork.load(path)
    assert f"  h1  w1={net['w1']:.4g} w2={net['w2']:.4g}  b_h1={net['b_h1']:.4g}\n" in out
    for inputs, targets in XOR:
        # the output by hand from the saved weights: sigmoid(w . sigmoid(W x + b) + b)
        hidden = [1 / (1 + math.exp(-(n.weights[0] * inputs[0] + n.weights[1] * inputs[1]
                                      + n.bias))) for n in net.layers[0].neurons]
        o1 = net.layers[1].neurons[0]
        out_o1 = 1 / (1 + math.exp(-(sum(w * h for w, h in zip(o1.weights, hidden)) + o1.bias)))
        assert (f"  {inputs[0]:.0f} {inputs[1]:.0f}  ->  {out_o1:.4g} ({targets[0]:.0f})\n"
                in out)


def test_full_names_the_sample_of_its_partials(capsys):
    assert main(["train", "xor", "--seed", "1", "--epochs", "5", "--no-progress",
                 "--full"]) == 0
    out = capsys.readouterr().out
    table = out.split("every neuron, every digit; ")[1]
    assert table.startswith("net, out and the partials: one pass (no update) on\n"
                            "training sample 1, inputs [0.0, 0.0], targets [0.0]\n")
    # sample 1 is (0, 0): net_h1 is b_h1 alone, and dE/dout_o1 = out_o1 - 0 = out_o1
    h1 = next(line.split() for line in table.splitlines() if line.startswith("h1 "))
    assert h1[3] == "b_h1=" + h1[4]
    o1 = next(line.split() for line in table.splitlines() if line.startswith("o1 "))
    assert o1[-5] == o1[-4]                                     # out == dE/dout


def test_divergence_saves_the_network_of_the_last_finite_step(tmp_path, capsys):
    path = tmp_path / "net.json"
    status = main(["train", "xor", "--seed", "1", "--epochs", "100", "--no-progress",
                   "--activation", "identity", "--lr", "1e10", "--save", str(path)])
    err = capsys.readouterr().err
    assert status == 1
    first, fix, last = err.splitlines()
    assert first.startswith("neurosim train: error: ") and "expected a finite number" in first
    assert fix.startswith("the weights are as they were before this step")
    match = re.fullmatch(rf"neurosim train: diverged (.*); saved the network as it was then to "
                         rf"{re.escape(str(path))}", last)
    assert match, last
    steps = _steps(match[1], per_epoch=4)
    expected = NeuralNetwork([2, 5, 1], activation="identity", learning_rate=1e10, seed=1)
    expected.fit(XOR, epochs=100, seed=1, interrupt=_after(steps))
    assert bits(NeuralNetwork.load(path)) == bits(expected)
    assert os.listdir(tmp_path) == ["net.json"]


def test_an_interrupted_run_without_save_says_nothing_was_saved(monkeypatch, capsys):
    from neurosim.commands import CtrlC
    monkeypatch.setattr(CtrlC, "is_set", lambda self: True)   # Ctrl-C before step 1
    assert main(["train", "xor", "--seed", "1", "--no-progress"]) == 130
    assert capsys.readouterr().err == ("neurosim train: interrupted before the first epoch; "
                                       "nothing saved (no --save)\n")


# -- what --save refuses, before training ----------------------------------------------------------

def _refused_before_training(args, capsys):
    status = main(["train", "xor", "--epochs", "1", "--seed", "0", "--no-progress", *args])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    return err


@posix_only
def test_save_refuses_a_fifo_before_training(tmp_path, capsys):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert _refused_before_training(["--save", str(fifo), "--force"], capsys) == (
        f"neurosim train: error: --save {str(fifo)!r} is a FIFO (named pipe), not a regular "
        f"file; neurosim writes only regular files (a new one, or one it replaces)\n")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@posix_only
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="making a device node (os.mknod) needs root")
def test_save_refuses_a_device_before_training(tmp_path, capsys):
    # The bug: as root, `neurosim train and --epochs 1 --save /dev/null` replaced /dev/null.
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    assert "is a character device, not a regular file" in _refused_before_training(
        ["--save", str(null)], capsys)
    assert stat.S_ISCHR(os.stat(null).st_mode)


@posix_only
def test_save_refuses_a_read_only_or_hard_linked_file_unless_forced(tmp_path, capsys):
    read_only = tmp_path / "ro.json"
    read_only.write_text("old")
    os.chmod(read_only, 0o444)
    assert _refused_before_training(["--save", str(read_only)], capsys) == (
        f"neurosim train: error: --save {str(read_only)!r} is read-only (mode 0o444); neurosim "
        f"does not replace a read-only file\ngive --force to replace it anyway, or make it "
        f"writable first (chmod u+w)\n")
    linked = tmp_path / "net.json"
    linked.write_text("old")
    os.link(linked, tmp_path / "other.json")
    assert "has 2 hard links" in _refused_before_training(["--save", str(linked)], capsys)
    assert read_only.read_text() == linked.read_text() == "old"
    for path in (read_only, linked):
        assert main(["train", "xor", "--epochs", "1", "--seed", "0", "--no-progress", "--save",
                     str(path), "--force"]) == 0
        assert NeuralNetwork.load(path).layer_sizes == [2, 5, 1]
    assert stat.S_IMODE(os.stat(read_only).st_mode) == 0o444
    assert (tmp_path / "other.json").read_text() == "old"


def test_save_refuses_a_name_ending_in_a_slash(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _refused_before_training(["--save", "newdir/"], capsys).startswith(
        "neurosim train: error: --save 'newdir/' ends with '/', so it names a folder")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("option, name", [("--save", "a\0b.json"), ("--plot", "a\0b.png")])
def test_a_nul_in_a_destination_is_one_line(option, name, capsys):
    assert _refused_before_training([option, name], capsys) == (
        f"neurosim train: error: {option} {name!r}: a file name cannot contain a NUL "
        f"character\n")
