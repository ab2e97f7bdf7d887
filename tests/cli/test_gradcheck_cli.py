"""``neurosim gradcheck``: main([...]) called directly, and one subprocess.

Expected numbers: Mazur (2015), published-figures.md section A: dE_total/dw5 = 0.082167041,
dE_total/dw1 = 0.000438568.
"""

import os
import re
import subprocess
import sys

import pytest

from neurosim import NeuralNetwork, propagation
from neurosim.cli import main


def row(output, name):
    """The cells of the table row called ``name``."""
    match = re.search(rf"^{re.escape(name)}\s+(.*)$", output, re.M)
    assert match, f"no row {name} in:\n{output}"
    return match.group(1).split()


def test_mazur_by_default(capsys):
    assert main(["gradcheck"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("gradient check: 24 quantities, 24 ok, 0 at a kink, 0 unresolved, "
                          "0 FAIL; worst difference / tolerance ")
    assert "(rtol=1e-05, atol=0)" in out.splitlines()[1]
    assert out.splitlines()[3].split() == ["name", "analytic", "numeric", "difference",
                                           "estimate", "tolerance", "status"]
    analytic, numeric = map(float, row(out, "dE/dw5")[:2])
    assert abs(analytic - 0.082167041) <= 5e-10 and abs(numeric - 0.082167041) <= 5e-10
    assert abs(float(row(out, "dE/dw1")[0]) - 0.000438568) <= 5e-10
    assert row(out, "delta_h2")[-1] == "ok"


def test_precise_adds_the_oracle_columns(capsys):
    assert main(["gradcheck", "--precise"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[3].split()[:6] == ["name", "analytic", "numeric", "exact",
                                               "truncation", "rounding"]
    assert "|analytic - exact|" in out.splitlines()[1]


def test_no_tolerance_at_all_still_passes_a_correct_network(capsys):
    # Before, --rtol 0 --atol 0 failed every row: the tolerances ignored the numeric error.
    # Each row's own error estimate remains.
    assert main(["gradcheck", "--rtol", "0", "--atol", "0"]) == 0
    assert "24 ok" in capsys.readouterr().out


def test_a_failing_check_exits_1_and_lists_the_failures(capsys, monkeypatch):
    # dE/dw6 wrong by 0.1 % (after the backward pass, as a slip in it would be)
    real = propagation.gradients

    def gradients(net, x, targets):
        E = real(net, x, targets)
        net["o1"].dE_dw[1] *= 1.001
        return E

    monkeypatch.setattr(propagation, "gradients", gradients)
    assert main(["gradcheck"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("gradient check: 24 quantities, 23 ok, 0 at a kink, 0 unresolved, "
                          "1 FAIL; worst difference / tolerance ")
    assert "(dE/dw6, FAIL)" in out.splitlines()[0]
    assert re.search(r"^gradient check failed for 1 of 24 quantities: dE/dw6$", out, re.M)
    assert re.search(r"^name\s+analytic\s+numeric\s+difference\s+tolerance$", out, re.M)


def test_another_example_and_other_tolerances(capsys):
    assert main(["gradcheck", "--example", "seed002", "--eps", "1e-5", "--rtol", "1e-4"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("gradient check: 40 quantities")
    assert "eps = 1e-05" in out and "rtol=0.0001" in out


def test_a_saved_network_with_a_sample(tmp_path, capsys):
    path = tmp_path / "net.json"
    NeuralNetwork([3, 2, 1], activation="tanh", loss="squared_error", seed=3).save(str(path))
    assert main(["gradcheck", str(path), "--input", "0.1", "-0.4", "0.3",
                 "--target", "0.5"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("gradient check: 23 quantities, 23 ok")  # 8 w, 3 b, 3 x 3 partials, 3 inputs


def test_a_saved_network_needs_a_sample(tmp_path, capsys):
    path = tmp_path / "net.json"
    NeuralNetwork([2, 1], seed=0).save(str(path))
    assert main(["gradcheck", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("neurosim gradcheck: error: a saved network needs a sample")


def test_bad_options_are_one_line_errors(capsys):
    assert main(["gradcheck", "--eps", "0"]) == 2
    assert capsys.readouterr().err == ("neurosim gradcheck: error: --eps must be greater than "
                                       "0, got 0\n")
    assert main(["gradcheck", "--input", "0.05"]) == 2
    assert "inputs must have 2 values" in capsys.readouterr().err


def test_saturated_rows_are_unresolved_and_precise_resolves_them(capsys):
    # Inputs 113 saturate both hidden sigmoids (net_h1 = 39.9): their derivatives, 4.7e-18
    # and less, are below what float differences resolve; the 50-digit oracle resolves them.
    assert main(["gradcheck", "--input", "113", "113"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("gradient check: 24 quantities, 13 ok, 0 at a kink, 11 unresolved, "
                          "0 FAIL")
    assert row(out, "dout/dnet_h1")[-1] == "unresolved"
    assert "precise=True resolves it" in out
    assert main(["gradcheck", "--input", "113", "113", "--precise"]) == 0
    assert capsys.readouterr().out.startswith("gradient check: 24 quantities, 24 ok")


def test_an_eps_lost_in_rounding_is_a_one_line_error(capsys):
    # Mazur's w1 = 0.15 has the float spacing 2^-55 = 2.8e-17: 0.15 + 1e-300 == 0.15.
    assert main(["gradcheck", "--eps", "1e-300"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ("neurosim gradcheck: error: --eps must be more than half the float "
                            "spacing of the values it nudges, got 1e-300: w1 = 0.15 has spacing "
                            "2.8e-17, so w1 + eps * max(1, |w1|) == w1; use an eps of about "
                            "1e-6 (the default)\n")


def test_subprocess():
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    done = subprocess.run([sys.executable, "-m", "neurosim", "gradcheck", "--precise"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("gradient check: 24 quantities, 24 ok")
    assert abs(float(row(done.stdout, "dE/dw5")[2]) - 0.082167041) <= 5e-10  # exact column


@pytest.mark.parametrize("args, message", [
    (["--eps", "0"], "--eps must be greater than 0, got 0"),
    (["--eps", "inf"], "--eps must be a finite number, got inf"),
    (["--rtol", "-1"], "--rtol must be at least 0, got -1"),
    (["--atol", "nan"], "--atol must be a finite number, got nan"),
    (["--eps", "1e-300"], "--eps must be more than half the float spacing of the values it "
                          "nudges, got 1e-300: w1 = 0.15"),
])
def test_bad_tolerances_are_named_as_options_and_shown_as_typed(args, message, capsys):
    # the issue: "eps must be greater than 0, got 0.0" named the Python keyword and a repr
    assert main(["gradcheck", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"neurosim gradcheck: error: {message}") and err.count("\n") == 1
