"""Bad usage of any command is ONE line on standard error and exit status 2 (issue 16), and
every command's --help and the demo listing fit an 80-column terminal."""

import os
import re
import subprocess
import sys

import pytest

from neurosim.cli import COMMANDS, main

#: For each command, an option given a value of the wrong kind (or no value), and the line
#: naming the option, the value and what was expected.
BAD_VALUES = {
    "step": (["--digits", "many"], "--digits must be a whole number, got 'many'"),
    "worksheet": (["--digits", "x"], "--digits must be a whole number, got 'x'"),
    "train": (["--epochs", "x"], "--epochs must be a whole number, got 'x'"),
    "demo": (["--dir"], "argument --dir: expected one argument"),
    "show": (["--digits", "1.5"], "--digits must be a whole number, got '1.5'"),
    "gradcheck": (["--eps", "abc"], "--eps must be a number, got 'abc'"),
    "check": (["--window", "ten"], "--window must be a whole number, got 'ten'"),
    "exercises": (["--students", "some"], "--students must be a whole number, got 'some'"),
    "page": (["--port", "http"], "--port must be a whole number, got 'http'"),
}


#: What a command needs besides options (so the error is about the option, not the omission).
REQUIRED = {"train": ["xor"], "show": ["net.json"], "check": ["claims.txt"],
            "exercises": ["-o", "sheets"]}


def test_every_command_has_a_bad_value_case():
    assert set(BAD_VALUES) == set(COMMANDS)


def usage_error(argv, capsys):
    """The exit status and standard error of ``neurosim ARGV``, which must stop in argparse."""
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    captured = capsys.readouterr()
    assert captured.out == ""
    return exit_.value.code, captured.err


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_option_is_one_line(command, capsys):
    status, err = usage_error([command, *REQUIRED.get(command, []), "--no-such-option"],
                              capsys)
    assert status == 2
    assert err == (f"neurosim {command}: error: unrecognized arguments: --no-such-option; "
                   f"see 'neurosim {command} --help'\n")


@pytest.mark.parametrize("command", COMMANDS)
def test_a_bad_value_is_one_line(command, capsys):
    argv, message = BAD_VALUES[command]
    status, err = usage_error([command, *REQUIRED.get(command, []), *argv], capsys)
    assert status == 2
    assert err == f"neurosim {command}: error: {message}; see 'neurosim {command} --help'\n"


def test_a_bad_choice_is_one_line_naming_the_choices(capsys):
    status, err = usage_error(["train", "mnist"], capsys)
    assert status == 2 and err.count("\n") == 1
    assert err.startswith("neurosim train: error: argument DATASET: invalid choice: 'mnist'")
    # the choices are quoted up to Python 3.13 ('xor'), bare from 3.14 (xor)
    assert re.search(r"\bxor\b", err) and err.endswith("; see 'neurosim train --help'\n")


@pytest.mark.parametrize("argv", [["no-such-command"], ["--no-such-option"]])
def test_bad_usage_before_the_command_is_one_line(argv, capsys):
    status, err = usage_error(argv, capsys)
    assert status == 2 and err.count("\n") == 1
    assert err.startswith("neurosim: error: ") and err.endswith("; see 'neurosim --help'\n")


def test_a_message_argparse_spreads_over_lines_is_joined(capsys):
    from neurosim.cli import Parser
    parser = Parser(prog="neurosim x")
    with pytest.raises(SystemExit) as exit_:
        parser.error("first\n  second\n")
    assert exit_.value.code == 2
    assert capsys.readouterr().err == ("neurosim x: error: first; second; "
                                       "see 'neurosim x --help'\n")


def test_an_unknown_demo_is_one_line(capsys):
    assert main(["demo", "no_such_demo"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the demos: " in err and "xor" in err


def test_a_missing_demos_folder_is_one_line(tmp_path, capsys):
    assert main(["demo", "--dir", str(tmp_path / "absent")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def run_80_columns(*argv):
    env = dict(os.environ, COLUMNS="80", PYTHONIOENCODING="utf-8")
    done = subprocess.run([sys.executable, "-m", "neurosim", *argv], capture_output=True,
                          text=True, encoding="utf-8", timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def too_long(text):
    return [line for line in text.splitlines() if len(line) > 80]


@pytest.mark.parametrize("command", ("",) + COMMANDS)
def test_help_fits_80_columns(command):
    out = run_80_columns(*([command] if command else []), "--help")
    assert "usage:" in out and too_long(out) == []


def test_the_demo_listing_fits_80_columns():
    from neurosim.commands import demo
    out = run_80_columns("demo")
    assert "xor" in out and "seed002_two_hidden_layers" in out
    # the first line names the demos folder, as long as the checkout's path: shown as FOLDER
    assert too_long(out.replace(demo.default_folder(), "FOLDER")) == []


def test_a_long_demo_line_is_wrapped_under_its_text(tmp_path, capsys):
    (tmp_path / "long.py").write_text('"""' + "word " * 30 + '"""\n', encoding="utf-8")
    assert main(["demo", "--dir", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    assert len(lines) > 1 and all(len(line) <= 80 for line in lines)
    assert lines[0].startswith("  long  word word") and lines[1].startswith(" " * 8 + "word")
    assert " ".join(" ".join(lines).split()) == "long " + " ".join(["word"] * 30)


def example_commands():
    """Every ``neurosim ...`` command in every command's --help examples, also after a pipe or
    ``&&`` (``printf ... | neurosim step``), without its comment."""
    from neurosim.cli import build_parser
    parser = build_parser()
    for name in COMMANDS:
        for line in (parser.commands[name].epilog or "").splitlines():
            line = line.split("  #")[0].strip()
            for part in line.replace("&&", "|").split("|"):
                if part.strip().startswith("neurosim "):
                    yield part.strip()


def test_there_are_examples_for_every_command():
    assert {line.split()[1] for line in example_commands()} == set(COMMANDS)


@pytest.mark.parametrize("line", list(example_commands()))
def test_each_help_example_is_a_valid_command_line(line, capsys):
    # running them all would train for minutes and open browsers (tests/test_shipped_files.py
    # runs those that read the shipped demos/ files); here each must get past the parser
    import shlex
    from neurosim.cli import build_parser
    args, unknown = build_parser().parse_known_args(shlex.split(line)[1:])
    assert unknown == [] and args.run is not None
    assert capsys.readouterr().err == ""
