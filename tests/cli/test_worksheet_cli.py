"""``neurosim worksheet``: formats, files written atomically, options, errors, and the
subprocess a classroom would run.

Expected numbers are Mazur's published figures (Mazur 2015, "A Step by Step Backpropagation
Example"; the project's table of published figures, section A).
"""

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from neurosim.cli import main


def result(text, lhs):
    """The number the line for ``lhs`` ends with."""
    line = next(l for l in text.splitlines() if l.strip().startswith(lhs + " = "))
    return float(line.split(" = ")[-1].split("    (")[0])


def test_text_to_stdout(capsys):
    assert main(["worksheet"]) == 0
    out = capsys.readouterr().out
    assert abs(result(out, "dE_total/dw5") - 0.082167041) <= 5e-10      # Mazur
    assert abs(result(out, "w1+") - 0.149780716) <= 5e-10               # Mazur


def test_markdown_and_html_to_stdout(capsys):
    assert main(["worksheet", "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert re.search(r"^\$\$ .* = 0\.593269992 \$\$$", markdown, re.M)
    assert main(["worksheet", "--format", "html"]) == 0
    ET.fromstring(capsys.readouterr().out)


def test_output_file_is_written_and_replaced_atomically(tmp_path, capsys):
    path = tmp_path / "mazur.html"
    path.write_text("old contents", encoding="utf-8")
    assert main(["worksheet", "--format", "html", "-o", str(path)]) == 0
    assert capsys.readouterr().out == (f"neurosim worksheet: wrote {path} (html, "
                                       f"{len(path.read_text(encoding='utf-8').splitlines())} "
                                       "lines)\n")
    ET.fromstring(path.read_text(encoding="utf-8"))
    assert os.listdir(tmp_path) == ["mazur.html"]                   # no temporary file left
    mask = os.umask(0)
    os.umask(mask)
    if sys.platform == "emscripten":    # Emscripten's file system (Pyodide) ignores the umask
        mask = 0
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~mask


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch,
                                                                    capsys):
    path = tmp_path / "sheet.md"
    path.write_text("old contents", encoding="utf-8")

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")

    import neurosim.files
    monkeypatch.setattr(neurosim.files.os, "replace", failing_replace)
    assert main(["worksheet", "--format", "markdown", "-o", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == (f"neurosim worksheet: error: cannot write {str(path)!r}: "
                   "No space left on device\n")
    assert path.read_text(encoding="utf-8") == "old contents"
    assert os.listdir(tmp_path) == ["sheet.md"]


def test_writing_over_a_file_keeps_its_permissions_and_a_link_stays_a_link(tmp_path, capsys):
    private = tmp_path / "private.md"
    private.write_text("old", encoding="utf-8")
    private.chmod(0o600)
    assert main(["worksheet", "--format", "markdown", "-o", str(private)]) == 0
    assert private.stat().st_mode & 0o777 == 0o600
    assert private.read_text(encoding="utf-8").startswith("#")
    real = tmp_path / "real.md"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert main(["worksheet", "--format", "markdown", "-o", str(link)]) == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("#")


def test_options(capsys):
    assert main(["worksheet", "--lang", "zh", "--digits", "4", "--neurons", "h1,o1"]) == 0
    out = capsys.readouterr().out
    assert "Step 1 前向传播" in out and "只写出神经元 h1, o1 的计算。" in out
    assert "  out_h1 = 1 / (1 + e^(-net_h1)) = 1 / (1 + e^(-0.3775)) = 0.5933" in out
    assert "net_h2 = " not in out


def test_another_example_with_chosen_neurons(capsys):
    assert main(["worksheet", "--example", "seed002", "--neurons", "h4"]) == 0
    out = capsys.readouterr().out
    # seed 002 prints z4 = 5.993092958762325 (its figure is consistent with the network)
    assert abs(result(out, "net_h4") - 5.993092958762325) <= 5e-9


@pytest.mark.parametrize("args,message", [
    (["--neurons", "h7"], "neurosim worksheet: error: neurons: no neuron is named 'h7'"),
    (["--digits", "40"], "neurosim worksheet: error: --digits must be between 1 and 17"),
    (["--target", "0.5"], "neurosim worksheet: error: targets must have 2 values"),
    (["-o", os.path.join("no-such-folder", "x.html")],
     "neurosim worksheet: error: cannot write"),
])
def test_errors_are_one_line(args, message, capsys):
    assert main(["worksheet", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1, err


def test_a_saved_network(tmp_path, capsys):
    pytest.importorskip("neurosim.serialize",
                        reason="neurosim.serialize (NeuralNetwork.save/load) is not written yet")
    from neurosim.worked_examples import mazur
    path = tmp_path / "mazur.json"
    mazur().save(str(path))
    assert main(["worksheet", str(path), "--input", "0.05", "0.1", "--target", "0.01",
                 "0.99"]) == 0
    assert abs(result(capsys.readouterr().out, "w5+") - 0.35891648) <= 5e-9   # Mazur


def test_subprocess_writes_the_html_file(tmp_path):
    path = tmp_path / "mazur.html"
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    done = subprocess.run([sys.executable, "-m", "neurosim", "worksheet", "--format", "html",
                           "--lang", "zh", "-o", str(path)], capture_output=True, text=True,
                          timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"neurosim worksheet: wrote {path} (html, ")
    root = ET.fromstring(path.read_text(encoding="utf-8"))
    assert root.get("lang") == "zh-CN"


def test_help_has_an_example(capsys):
    with pytest.raises(SystemExit):
        main(["worksheet", "--help"])
    # the example no longer needs --format html: the format follows the suffix (issue 16)
    assert "neurosim worksheet -o mazur.html" in capsys.readouterr().out


# -- where -o writes: regular files atomically, standard output and pipes as streams -------------

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def worksheet_process(args, **options):
    env = dict(os.environ, PYTHONIOENCODING="utf-8",
               PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, "-m", "neurosim", "worksheet", *args], timeout=60,
                          env=env, **options)


@pytest.mark.skipif(not os.path.exists("/dev/stdout"), reason="needs /dev/stdout")
def test_o_dev_stdout_appends_where_the_shell_appends(tmp_path):
    # The bug: `neurosim worksheet -o /dev/stdout >> f` replaced f, wiping what it held.
    path = tmp_path / "notes.txt"
    path.write_text("my notes\n", encoding="utf-8")
    for output in ("/dev/stdout", "-"):
        with open(path, "ab") as stdout:
            done = worksheet_process(["-o", output], stdout=stdout, stderr=subprocess.PIPE)
        assert done.returncode == 0, done.stderr
    text = path.read_text(encoding="utf-8")
    assert text.startswith("my notes\nBackpropagation, one step by hand\n")
    assert text.count("Backpropagation, one step by hand") == 2
    assert "neurosim worksheet: wrote" not in text and os.listdir(tmp_path) == ["notes.txt"]


def test_o_dash_is_standard_output(capsys):
    assert main(["worksheet", "-o", "-"]) == 0
    assert capsys.readouterr().out.startswith("Backpropagation, one step by hand\n")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_o_a_fifo_with_a_reader_is_written_through(tmp_path, capsys):
    import threading
    fifo = tmp_path / "sheet"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    assert main(["worksheet", "-o", str(fifo)]) == 0
    reader.join()
    assert got[0].decode("utf-8").startswith("Backpropagation, one step by hand\n")
    assert os.listdir(tmp_path) == ["sheet"] and os.path.exists(fifo)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="making a device node (os.mknod) needs root")
def test_o_a_device_is_refused(tmp_path, capsys):
    import stat
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    assert main(["worksheet", "-o", str(null), "--force"]) == 2
    assert capsys.readouterr().err == (f"neurosim worksheet: error: {str(null)!r} is a character "
                                       f"device, not a regular file; neurosim writes only "
                                       f"regular files (a new one, or one it replaces)\n")
    assert stat.S_ISCHR(os.stat(null).st_mode)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_o_a_read_only_file_needs_force(tmp_path, capsys):
    path = tmp_path / "sheet.txt"
    path.write_text("old", encoding="utf-8")
    os.chmod(path, 0o444)
    assert main(["worksheet", "-o", str(path)]) == 2
    assert capsys.readouterr().err.endswith("give --force to replace it anyway, or make it "
                                            "writable first (chmod u+w)\n")
    assert path.read_text(encoding="utf-8") == "old"
    assert main(["worksheet", "-o", str(path), "--force"]) == 0
    assert path.read_text(encoding="utf-8").startswith("Backpropagation")


@pytest.mark.parametrize("name,kind", [("guess.html", "html"), ("guess.HTM", "html"),
                                       ("guess.md", "markdown"), ("guess.txt", "text"),
                                       ("guess", "text")])
def test_the_format_follows_the_suffix(tmp_path, capsys, name, kind):
    """Issue 16 item 2: `-o guess.html` wrote plain text."""
    path = tmp_path / name
    assert main(["worksheet", "-o", str(path)]) == 0
    assert f"({kind}, " in capsys.readouterr().out
    text = path.read_text(encoding="utf-8")
    assert text.startswith({"html": "<!DOCTYPE html>", "markdown": "# Backpropagation",
                            "text": "Backpropagation, one step by hand\n===="}[kind])


def test_format_overrides_the_suffix(tmp_path, capsys):
    path = tmp_path / "sheet.html"
    assert main(["worksheet", "--format", "markdown", "-o", str(path)]) == 0
    assert path.read_text(encoding="utf-8").startswith("# Backpropagation")
