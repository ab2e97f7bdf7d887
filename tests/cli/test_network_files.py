"""Every command that reads a saved network says in one line when the file is missing or is not a
saved network, and exits with status 2 (the command could not run), never with a traceback."""

import pytest

from neurosim.cli import main

#: command line of each command that takes NETWORK.json, with the sample it needs
COMMANDS = [
    ["step", "{path}", "--input", "0.05", "0.1", "--target", "0.01", "0.99"],
    ["worksheet", "{path}", "--input", "0.05", "0.1", "--target", "0.01", "0.99"],
    ["gradcheck", "{path}", "--input", "0.05", "0.1", "--target", "0.01", "0.99"],
    ["show", "{path}"],
    ["check", "{claims}", "--network", "{path}"],
]


def _run(command, path, tmp_path):
    claims = tmp_path / "claims.txt"
    claims.write_text("inputs = 0.05, 0.1\ntargets = 0.01, 0.99\nout_o1 = 0.5\n")
    return main([a.format(path=path, claims=claims) for a in command])


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_missing_network_file(command, tmp_path, capsys):
    path = tmp_path / "absent.json"
    assert _run(command, path, tmp_path) == 2
    err = capsys.readouterr().err
    assert err == (f"neurosim {command[0]}: error: cannot read network file {str(path)!r}: "
                   "No such file or directory\n")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_file_that_is_not_a_saved_network(command, tmp_path, capsys):
    path = tmp_path / "other.json"
    path.write_text('{"weights": [1, 2]}')
    assert _run(command, path, tmp_path) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"neurosim {command[0]}: error: {path}: ") and err.count("\n") == 1
