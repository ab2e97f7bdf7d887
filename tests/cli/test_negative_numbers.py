"""Negative numbers in scientific notation on the command line, for every subcommand.

argparse's own pattern for a negative number knows only ``-1`` and ``-1.5``, so ``--input -1e-3
0.5`` failed with "expected at least one argument": ``-1e-3`` was taken for an option.
:class:`neurosim.cli.Parser` reads every float Python reads as a value; what the value may be is
then checked where it is used (one line, exit status 2). main([...]) is called directly.
"""

import io
import sys

import pytest

from neurosim.cli import Parser, build_parser, main


@pytest.mark.parametrize("text", ["-1", "-1.5", "-.5", "-1.", "-1e-3", "-1E+3", "-.5e3",
                                  "-2.5e-10", "-1_000", "-inf", "-Infinity", "-nan"])
def test_every_negative_float_is_a_value(text):
    float(text)  # Python reads it as a number ...
    assert Parser.NEGATIVE_NUMBER.match(text)  # ... and so does the parser


@pytest.mark.parametrize("text", ["-o", "-e", "-1e", "-e5", "-.", "-1e-", "-x1", "--input"])
def test_options_are_not_numbers(text):
    assert not Parser.NEGATIVE_NUMBER.match(text)


def test_every_subcommand_parser_is_a_neurosim_parser():
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.choices and "step" in a.choices)
    assert all(type(p) is Parser for p in subparsers.choices.values())


def test_worksheet_takes_negative_inputs_in_scientific_notation(capsys):
    assert main(["worksheet", "--input", "-1e-3", "-.5E+0"]) == 0
    assert "inputs: i1 = -0.001, i2 = -0.5" in capsys.readouterr().out


def test_step_takes_negative_inputs_in_scientific_notation(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("next 2\nquit\n"))
    assert main(["step", "--input", "-1e-3", "0.5", "--target", "0.01", "-2.5e-1"]) == 0
    out = capsys.readouterr().out
    assert "w1*i1 = 0.15*(-0.001) = -0.00015" in out   # Mazur's w1 = 0.15 times i1 = -0.001


def test_gradcheck_takes_negative_inputs_in_scientific_notation(capsys):
    assert main(["gradcheck", "--input", "-1e-3", "0.5", "--target", "-1E-2", "0.99"]) == 0


@pytest.mark.parametrize("argv, message", [
    (["train", "xor", "--lr", "-1e-3"], "learning_rate must be at least 0.0, got -0.001"),
    (["train", "xor", "--momentum", "-1e-1"], "momentum must be at least 0.0, got -0.1"),
    (["train", "xor", "--target-error", "-1e-3"], "--target-error must be greater than 0"),
    (["train", "circle", "--noise", "-1e-1", "--epochs", "1"], "noise must be between 0 and "
                                                               "0.5, got -0.1"),
    (["gradcheck", "--eps", "-1e-6"], "eps must be greater than 0, got -1e-06"),
    (["gradcheck", "--input", "-inf", "0.5"], "inputs: i1 must be finite, got -inf"),
    (["worksheet", "--target", "0.01", "-1e999"], "targets: o2 must be finite, got -inf"),
])
def test_a_negative_value_is_judged_where_it_is_used(capsys, argv, message):
    """Before, each of these failed in argparse: "expected one argument"."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"neurosim {argv[0]}: error: ") and message in err
    assert "expected" not in err.split(": error: ")[1][:20]
