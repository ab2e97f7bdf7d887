"""``neurosim demo``: the list (read from docstrings, never by running the demos), running one
with its arguments and exit status, and the clear errors when a demo or the folder is missing."""

import os
import subprocess
import sys

import pytest

from neurosim.cli import main
from neurosim.commands import demo

REPO_DEMOS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "demos")


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "hello.py").write_text(
        '"""Say hello, and show the arguments.\n\nMore text.\n"""\n'
        "import sys\nprint('hello', sys.argv[1:])\nsys.exit(int(sys.argv[1]) if sys.argv[1:] "
        "and sys.argv[1].isdigit() else 0)\n", encoding="utf-8")
    (tmp_path / "trap.py").write_text(
        '"""Would leave a file behind if it ran."""\n'
        "open('ran.txt', 'w').write('ran')\n", encoding="utf-8")
    (tmp_path / "_helper.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a demo\n", encoding="utf-8")
    return tmp_path


def test_the_list_reads_each_demos_first_docstring_line(folder, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    assert main(["demo", "--dir", str(folder)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"demos in {folder} (run one with: neurosim demo NAME):"
    assert out[1:] == ["  hello  Say hello, and show the arguments.",
                       "  trap   Would leave a file behind if it ran."]
    assert not (folder / "ran.txt").exists()


def test_running_a_demo_passes_arguments_and_its_exit_status(folder, capfd):
    assert main(["demo", "--dir", str(folder), "hello", "a", "b"]) == 0
    assert "hello ['a', 'b']" in capfd.readouterr().out
    assert main(["demo", "--dir", str(folder), "hello.py", "3"]) == 3


def test_an_unknown_demo_names_the_close_ones(folder, capsys):
    assert main(["demo", "--dir", str(folder), "helo"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("neurosim demo: error: no demo is named 'helo'; did you mean hello?")
    assert "demos: hello, trap" in err


def test_a_missing_folder_says_where_the_demos_live(tmp_path, capsys):
    assert main(["demo", "--dir", str(tmp_path / "absent")]) == 2
    err = capsys.readouterr().err
    assert "not installed with the package" in err and "--dir" in err


def test_the_default_folder_is_the_checkouts_demos():
    assert os.path.samefile(demo.default_folder(), REPO_DEMOS)
    names = demo.find_demos(demo.default_folder())
    for name in ("xor", "iris", "encoder_8_3_8", "playground_spiral",
                 "seed002_two_hidden_layers"):
        assert name in names and names[name][1]


def test_help_has_an_example(capsys):
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    assert "examples:" in capsys.readouterr().out


def test_python_m_neurosim_demo(folder):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    listing = subprocess.run([sys.executable, "-m", "neurosim", "demo"], capture_output=True,
                             text=True, timeout=60, env=env)
    assert listing.returncode == 0 and "xor" in listing.stdout
    ran = subprocess.run([sys.executable, "-m", "neurosim", "demo", "--dir", str(folder),
                          "hello", "x"], capture_output=True, text=True, timeout=60, env=env)
    assert ran.returncode == 0 and "hello ['x']" in ran.stdout


def test_an_empty_folder_is_an_error(tmp_path, capsys):
    (tmp_path / "_helper.py").write_text("x = 1\n", encoding="utf-8")   # not a demo
    assert main(["demo", "--dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (f"neurosim demo: error: no demos in {str(tmp_path)!r}: "
                                       f"a demo is a .py file there whose name does not start "
                                       f"with _\n")
    assert main(["demo", "--dir", str(tmp_path), "xor"]) == 2


def test_a_demo_runs_as_python_runs_a_script(tmp_path, capfd):
    (tmp_path / "where.py").write_text(
        "import sys\nprint(sys.argv, sys.path[0] == __import__('os').path.dirname(__file__), "
        "__name__)\n", encoding="utf-8")
    assert main(["demo", "--dir", str(tmp_path), "where", "a"]) == 0
    path = os.path.join(str(tmp_path), "where.py")
    assert capfd.readouterr().out == f"[{path!r}, 'a'] True __main__\n"


@pytest.mark.skipif(not hasattr(__import__("signal"), "SIGPIPE"), reason="POSIX pipes")
def test_a_reader_that_leaves_the_pipe_ends_the_demo_quietly(tmp_path):
    # neurosim demo NAME | head -1: the demo writes on after head has left.
    (tmp_path / "chatty.py").write_text(
        '"""Many lines."""\nfor k in range(10**6):\n    print("line", k)\n', encoding="utf-8")
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "neurosim", "demo", "--dir", str(tmp_path),
                                "chatty"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=env)
    assert process.stdout.readline() == b"line 0\n"
    process.stdout.close()                                   # head -1 leaves
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141                   # 128 + SIGPIPE, as a shell says
    assert err == ""                                         # no BrokenPipeError traceback


@pytest.mark.skipif(not hasattr(__import__("signal"), "SIGPIPE"), reason="POSIX pipes")
@pytest.mark.parametrize("how", ["pipe", "no SIGPIPE"])
def test_a_demo_run_directly_ends_quietly_when_its_reader_leaves(tmp_path, how):
    # python demos/NAME.py | head -1: run_script (every demo's __main__ block) stops quietly,
    # with SIGPIPE's default action, or (where there is none) by catching BrokenPipeError.
    ignore = "import signal; signal.signal = lambda *a: None\n" if how == "no SIGPIPE" else ""
    (tmp_path / "chatty.py").write_text(
        f"{ignore}from neurosim.cli import run_script\n"
        "def main(n):\n    for k in range(n):\n        print('line', k)\n"
        "run_script(main, 10**6)\n", encoding="utf-8")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONPATH=root)
    process = subprocess.Popen([sys.executable, str(tmp_path / "chatty.py")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert process.stdout.readline() == b"line 0\n"
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) in (141, -13)            # -13: killed by SIGPIPE
    assert err == ""
