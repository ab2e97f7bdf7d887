"""Every command that reads a saved network says in one line when the file is missing, is not a
saved network or is not a file at all (a FIFO nobody writes to, a device, a folder), and exits
with status 2 (the command could not run), never with a traceback or a hang; '-' and pipes
with a writer are read."""

import io
import os
import stat
import sys
import threading

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


# -- special files: refused in one line, never read without end or waited on for ever -------------

@pytest.fixture
def quick(monkeypatch):
    from neurosim import files
    monkeypatch.setattr(files, "WRITER_WAIT", 0.1)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_fifo_nobody_writes_to(command, tmp_path, capsys, quick):
    path = tmp_path / "fifo"
    os.mkfifo(path)
    assert _run(command, path, tmp_path) == 2
    assert capsys.readouterr().err == (f"neurosim {command[0]}: error: cannot read network file "
                                       f"{str(path)!r}: it is a FIFO (named pipe) and nothing "
                                       f"was written to it within 0.1 s\n")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="making a device node (os.mknod) needs root")
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_device_like_dev_zero(command, tmp_path, capsys):
    path = tmp_path / "zero"
    os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 5))    # endless NUL bytes if read
    assert _run(command, path, tmp_path) == 2
    assert capsys.readouterr().err == (f"neurosim {command[0]}: error: cannot read network file "
                                       f"{str(path)!r}: it is a character device, not a file\n")


def test_a_folder_and_a_nul(tmp_path, capsys):
    assert main(["show", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (f"neurosim show: error: cannot read network file "
                                       f"{str(tmp_path)!r}: Is a directory\n")
    assert main(["show", "a\0b"]) == 2
    assert capsys.readouterr().err == ("neurosim show: error: cannot read network file "
                                       "'a\\x00b': a file name cannot contain a NUL character\n")


def test_dash_reads_the_network_from_standard_input(monkeypatch, capsys):
    from neurosim.serialize import dumps
    from neurosim.worked_examples import mazur
    text = dumps(mazur())
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode()), "utf-8"))
    assert main(["show", "-"]) == 0
    assert "w5=0.4" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"format": 1}'))
    assert main(["show", "-"]) == 2
    assert capsys.readouterr().err.startswith("neurosim show: error: standard input: $: ")


@pytest.mark.skipif(not os.path.exists("/dev/fd"), reason="needs /dev/fd (bash's <(...))")
def test_a_pipe_as_process_substitution_gives_it(tmp_path, capsys):
    # `neurosim show <(gunzip -c net.json.gz)`: the shell passes /dev/fd/63, a pipe.
    from neurosim.serialize import dumps
    from neurosim.worked_examples import mazur
    read, write = os.pipe()
    writer = threading.Thread(target=lambda: (os.write(write, dumps(mazur()).encode()),
                                              os.close(write)))
    writer.start()
    try:
        assert main(["show", f"/dev/fd/{read}"]) == 0
    finally:
        writer.join()
        os.close(read)
    assert "w8=0.55" in capsys.readouterr().out
