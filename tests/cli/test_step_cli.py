"""``neurosim step``: main([...]) with scripted input, the subprocess a classroom would run
(piped standard input, --commands FILE), and readline history in a pseudo-terminal.

Expected numbers are Mazur's published figures (Mazur 2015, "A Step by Step Backpropagation
Example"; the project's table of published figures, section A), within half a unit of the last
printed digit.
"""

import io
import os
import re
import subprocess
import sys
import time

import pytest

from neurosim.cli import main

SCRIPT = """\
# Mazur's first update: where does dE/dw1 come from?
break w1
continue
print dE/dw1
print w5
continue
continue
print w5 w5+
quit
"""


def check_session(output):
    assert re.search(r"^dE/dw1 = 0\.00043856\d*$", output, re.M)
    dE_dw1 = float(re.search(r"^dE/dw1 = (\S+)$", output, re.M).group(1))
    assert abs(dE_dw1 - 0.000438568) <= 5e-10                   # Mazur: dE_total/dw1
    w5 = re.findall(r"^w5 = (\S+)$", output, re.M)
    # w5 is the value before the update, before and after the update is reached (one name,
    # one meaning); w5+ is the new value.
    assert [float(v) for v in w5] == [0.4, 0.4]
    new = float(re.search(r"^w5\+ = (\S+)$", output, re.M).group(1))
    assert abs(new - 0.35891648) <= 5e-9                          # Mazur: w5+
    assert "Traceback" not in output


def run_cli(args, stdin_text="", cwd=None):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "neurosim", "step", *args], input=stdin_text,
                          capture_output=True, text=True, timeout=60, env=env, cwd=cwd)


def test_main_with_piped_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(SCRIPT))
    assert main(["step"]) == 0
    output = capsys.readouterr().out
    check_session(output)
    assert output.startswith("stepping through one update of NeuralNetwork([2, 2, 2]")


def test_subprocess_with_a_piped_classroom_script():
    done = run_cli([], SCRIPT)
    assert done.returncode == 0, done.stderr
    check_session(done.stdout)
    assert done.stderr == ""


def test_subprocess_with_commands_file(tmp_path):
    script = tmp_path / "lesson.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    done = run_cli(["--commands", str(script)])
    assert done.returncode == 0, done.stderr
    check_session(done.stdout)
    assert "(neurosim) # Mazur" not in done.stdout             # comments are not run


def test_commands_file_without_quit_goes_on_reading_stdin(tmp_path, monkeypatch, capsys):
    script = tmp_path / "lesson.txt"
    script.write_text("break w1\ncontinue\n", encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO("print dE/dw1\nprint w5\ncontinue\ncontinue\n"
                                                  "print w5 w5+\nquit\n"))
    assert main(["step", "--commands", str(script)]) == 0
    check_session(capsys.readouterr().out)


def test_input_and_target_options(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("next 4\nprint i1 out_h1\nquit\n"))
    assert main(["step", "--input", "1,0", "--target", "0", "1"]) == 0
    output = capsys.readouterr().out
    assert "i1 = 1\n" in output
    # out_h1 = sigmoid(w1*1 + w2*0 + b1) = 1/(1 + e^-(0.15 + 0.35)) = 0.622459331
    assert "out_h1 = 0.622459331" in output


def test_another_example(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("where\nquit\n"))
    assert main(["step", "--example", "seed002"]) == 0
    assert "NeuralNetwork([2, 3, 2, 1]" in capsys.readouterr().out


@pytest.mark.parametrize("args,message", [
    (["--input", "0.05", "abc"], "neurosim step: error: --input takes numbers, got 'abc'"),
    (["--input", "1", "2", "3"], "neurosim step: error: inputs must have 2 values"),
    (["--commands", "no-such-file.txt"],
     "neurosim step: error: cannot read commands file 'no-such-file.txt': No such file"),
    (["--digits", "0"], "neurosim step: error: --digits must be between 1 and 17"),
])
def test_bad_arguments_give_one_line_and_status_2(args, message, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("quit\n"))
    assert main(["step", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1, err


def test_a_saved_network(tmp_path, monkeypatch, capsys):
    pytest.importorskip("neurosim.serialize",
                        reason="neurosim.serialize (NeuralNetwork.save/load) is not written yet")
    from neurosim.worked_examples import mazur
    path = tmp_path / "mazur.json"
    mazur().save(str(path))
    monkeypatch.setattr(sys, "stdin", io.StringIO(SCRIPT))
    assert main(["step", str(path), "--input", "0.05", "0.1", "--target", "0.01", "0.99"]) == 0
    check_session(capsys.readouterr().out)
    assert main(["step", str(path)]) == 2
    assert "give --input and --target" in capsys.readouterr().err


# -- readline, in a pseudo-terminal ----------------------------------------------------------------

def read_until(fd, needle, timeout=20.0):
    import select
    data = b""
    deadline = time.monotonic() + timeout
    while needle not in data:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"timed out waiting for {needle!r}; got {data!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
    return data


def terminal_session(home, keystrokes):
    """Run ``neurosim step`` in a pseudo-terminal; send each (bytes, wait_for) pair in turn;
    return what the terminal showed after each."""
    pty = pytest.importorskip("pty", reason="no pseudo-terminals on this platform")
    master, slave = pty.openpty()
    env = dict(os.environ, HOME=str(home), TERM="xterm", PYTHONIOENCODING="utf-8")
    env.pop("INPUTRC", None)
    proc = subprocess.Popen([sys.executable, "-m", "neurosim", "step"], stdin=slave,
                            stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    shown = []
    try:
        read_until(master, b"(neurosim) ")
        for keys, wait_for in keystrokes:
            os.write(master, keys)
            shown.append(read_until(master, wait_for))
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return shown


def test_readline_history_in_a_terminal(tmp_path):
    """Ctrl-P (readline's previous-history) recalls the last command; the commands are saved
    to ~/.neurosim_history and recalled in the next session."""
    pytest.importorskip("readline", reason="the readline module is not available here")
    shown = terminal_session(tmp_path, [
        (b"next\r", b"(i1 -> h1)"),
        (b"\x10\r", b"(i2 -> h1)"),                 # Ctrl-P, Enter: next again
        (b"quit\r", b""),
    ])
    assert b"w2*i2 = 0.2*0.1 = 0.02" in shown[1]
    history = (tmp_path / ".neurosim_history").read_text()
    assert history.split() == ["next", "quit"]      # readline skips a repeated line
    shown = terminal_session(tmp_path, [
        (b"\x10\x10\r", b"(i1 -> h1)"),            # Ctrl-P twice: 'next' from last time
        (b"quit\r", b""),
    ])
    assert b"w1*i1 = 0.15*0.05 = 0.0075" in shown[0]


def test_a_commands_file_that_is_not_utf8_is_one_line_and_status_2(tmp_path, capsys,
                                                                    monkeypatch):
    script = tmp_path / "b.txt"
    script.write_bytes(b"\xff\xfe")
    monkeypatch.setattr(sys, "stdin", io.StringIO("quit\n"))
    assert main(["step", "--commands", str(script)]) == 2
    err = capsys.readouterr().err
    assert err == (f"neurosim step: error: commands file {str(script)!r} is not UTF-8 text "
                   f"(byte 0: b'\\xff')\nsave it as UTF-8 text\n")


def test_a_byte_order_mark_is_not_part_of_the_first_command(tmp_path, monkeypatch, capsys):
    script = tmp_path / "lesson.txt"
    script.write_text(SCRIPT, encoding="utf-8-sig")           # as Notepad saves UTF-8
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["step", "--commands", str(script)]) == 0
    output = capsys.readouterr().out
    check_session(output)
    assert "unknown command" not in output and "\ufeff" not in output


class _InterruptedStdin(io.StringIO):
    """Standard input at which the user presses Ctrl-C after the given lines."""

    def readline(self, *args):
        line = super().readline(*args)
        if not line:
            import signal
            signal.raise_signal(signal.SIGINT)  # what Ctrl-C sends; the handler raises here
        return line


def test_ctrl_c_at_the_prompt_exits_130(monkeypatch, capsys):
    """The README: Ctrl-C gives 130. The stepper's prompt ends quietly on Ctrl-C, and
    neurosim step used to exit 0, as after quit."""
    monkeypatch.setattr(sys, "stdin", _InterruptedStdin("next\n"))
    assert main(["step"]) == 130
    out, err = capsys.readouterr()
    assert "w1*i1 = 0.15*0.05 = 0.0075" in out and "Traceback" not in out + err
    import signal
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_quit_and_the_end_of_the_input_still_exit_0(monkeypatch):
    for text in ("next\nquit\n", "next\n"):
        monkeypatch.setattr(sys, "stdin", io.StringIO(text))
        assert main(["step"]) == 0


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT is POSIX's")
def test_subprocess_ctrl_c_exits_130():
    import signal
    env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONUNBUFFERED="1")
    process = subprocess.Popen([sys.executable, "-m", "neurosim", "step"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    try:
        intro = process.stdout.readline()          # the prompt is waiting for a command now
        assert intro.startswith("stepping through one update"), intro
        time.sleep(0.2)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert "Traceback" not in err


def test_commands_from_standard_input_with_dash(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SCRIPT.encode()), "utf-8"))
    assert main(["step", "--commands", "-"]) == 0
    check_session(capsys.readouterr().out)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_commands_fifo_nobody_writes_to_is_refused_not_waited_on(tmp_path, monkeypatch,
                                                                    capsys):
    from neurosim import files
    monkeypatch.setattr(files, "WRITER_WAIT", 0.1)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    fifo = tmp_path / "lesson"
    os.mkfifo(fifo)
    assert main(["step", "--commands", str(fifo)]) == 2
    assert capsys.readouterr().err == (f"neurosim step: error: cannot read commands file "
                                       f"{str(fifo)!r}: it is a FIFO (named pipe) and nothing "
                                       f"was written to it within 0.1 s\n")


def test_the_introduction_fits_80_columns_and_gdb_s_run_continues(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("break delta_o1\nrun\nquit\n"))
    assert main(["step", "--example", "seed002"]) == 0
    output = capsys.readouterr().out
    intro = output.split("(neurosim)")[0].splitlines()
    assert max(map(len, intro)) <= 80, intro
    assert " ".join(intro).replace("     ", " ").startswith(
        "stepping through one update of NeuralNetwork([2, 3, 2, 1], activation='sigmoid',")
    assert "stopped at breakpoint delta_o1" in output and "unknown command" not in output
