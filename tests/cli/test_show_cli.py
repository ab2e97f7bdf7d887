"""``neurosim show NETWORK.json``: the summary table of a saved network; clear errors otherwise.

Mazur's weights (Mazur 2015): w1..w8 = 0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55; b1 = 0.35,
b2 = 0.6.
"""

import os
import subprocess
import sys

import pytest

from neurosim.cli import main
from neurosim.worked_examples import mazur


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "mazur.json"
    mazur().save(path)
    return path


def test_show_prints_every_weight_and_bias_by_name(saved, capsys):
    assert main(["show", str(saved)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("NeuralNetwork([2, 2, 2], activation='sigmoid'")
    for text in ("w1=0.15", "w2=0.2", "w3=0.25", "w4=0.3", "w5=0.4", "w6=0.45", "w7=0.5",
                 "w8=0.55", "b1=0.35", "b2=0.6"):
        assert text in out
    assert "layer 2 (output, sigmoid, bias shared)" in out


def test_digits(tmp_path, capsys):
    net = mazur()
    net["w1"] = 0.123456789
    net.save(tmp_path / "n.json")
    assert main(["show", str(tmp_path / "n.json"), "--digits", "3"]) == 0
    assert "w1=0.123 " in capsys.readouterr().out


def test_a_malformed_file_names_the_bad_field(tmp_path, saved, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(saved.read_text("utf-8").replace('"sigmoid"', '"sigmoidal"', 1),
                   encoding="utf-8")
    assert main(["show", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err == f"neurosim show: error: {bad}: $.layers[0].activation: expected one of " \
        + err.split("expected one of ", 1)[1]
    assert err.count("\n") == 1


@pytest.mark.parametrize("digits", ["0", "18"])
def test_digits_out_of_range(saved, capsys, digits):
    assert main(["show", str(saved), "--digits", digits]) == 2
    assert capsys.readouterr().err == (f"neurosim show: error: --digits must be between 1 and "
                                       f"17, got {digits}\n")


def test_a_missing_file(tmp_path, capsys):
    assert main(["show", str(tmp_path / "absent.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_help_has_an_example(capsys):
    with pytest.raises(SystemExit):
        main(["show", "--help"])
    assert "examples:" in capsys.readouterr().out


def test_python_m_neurosim_show(saved):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONPATH=root)   # this checkout's code
    done = subprocess.run([sys.executable, "-m", "neurosim", "show", str(saved)],
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0 and "w5=0.4" in done.stdout
