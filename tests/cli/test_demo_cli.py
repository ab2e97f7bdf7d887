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
                       "  trap   Would leave a file behind if it ran.",
                       "",
                       "and files (the --help examples name them demos/NAME): notes.txt"]
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
    assert "neurosim/demos/ by pip install ." in err and "--dir" in err


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


def test_a_bad_demo_argument_is_one_line_and_exit_2(capfd, monkeypatch):
    # the issue: `neurosim demo xor abc` ended in a ValueError traceback
    monkeypatch.setenv("PYTHONPATH", os.path.dirname(REPO_DEMOS))
    assert main(["demo", "xor", "abc"]) == 2
    captured = capfd.readouterr()
    assert captured.err == ("xor.py: error: SEEDS (how many seeds to try) must be a whole number "
                            "of at least 1, got 'abc'\n")
    assert captured.out == ""


def test_under_pyodide_running_a_demo_says_why_it_cannot(folder, capsys, monkeypatch):
    # Pyodide has no processes: subprocess raised a bare OSError traceback there
    def no_processes(*args, **kwargs):       # what Pyodide's subprocess does
        raise OSError(138, "emscripten does not support processes")
    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.setattr(subprocess, "call", no_processes)
    assert main(["demo", "--dir", str(folder)]) == 0           # the list still works
    capsys.readouterr()
    assert main(["demo", "--dir", str(folder), "hello"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Pyodide cannot start one" in err
    assert f"runpy.run_path({str(folder / 'hello.py')!r}, run_name='__main__')" in err


def test_a_python_that_cannot_be_started_is_one_line(folder, capsys, monkeypatch):
    if sys.platform == "emscripten":
        pytest.skip("Pyodide cannot start processes: the demo command says so before trying")
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(subprocess, "call", refuse)
    assert main(["demo", "--dir", str(folder), "hello"]) == 2
    err = capsys.readouterr().err
    assert err.endswith("to run the demo: Permission denied\n") and err.count("\n") == 1


def _built_wheel(tmp_path):
    """neurosim built as a wheel from this checkout (as pip install . builds it), unpacked."""
    try:  # setuptools >= 70.1 builds wheels itself; else pip fetches a build environment
        import setuptools.command.bdist_wheel  # noqa: F401
        isolation = ["--no-build-isolation"]
    except ImportError:
        isolation = []
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import shutil
    source = tmp_path / "source"          # a copy: the build writes build/ and *.egg-info
    shutil.copytree(root, source, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", ".hypothesis", ".venv*", "out",
        ".ci"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "-w",
                            str(tmp_path / "wheel"), "--no-deps", *isolation, "-q"],
                           capture_output=True, text=True, timeout=600)
    if built.returncode != 0 and "No module named pip" in built.stderr:
        pytest.skip("pip is not installed")
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = (tmp_path / "wheel").glob("*.whl")
    import zipfile
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "site")
    return names, tmp_path / "site"


def test_a_built_wheel_carries_the_demos_and_neurosim_demo_finds_them(tmp_path):
    names, site = _built_wheel(tmp_path)
    for name in ("xor.py", "mazur_step_by_step.py", "claims/mazur_seed001_zh.txt"):
        assert f"neurosim/demos/{name}" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    # installed, away from the checkout: the package's own copy of the demos
    away = tmp_path / "elsewhere"
    away.mkdir()
    env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONPATH=str(site))
    listing = subprocess.run([sys.executable, "-m", "neurosim", "demo"], capture_output=True,
                             text=True, timeout=60, env=env, cwd=away)
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.startswith(f"demos in {site / 'neurosim' / 'demos'} ")
    assert "  xor " in listing.stdout
    # the list of files is wrapped to 80 columns (issue 16), so compared word by word
    assert " ".join(listing.stdout.split()).endswith(
        "answers.txt, claims/, lesson.txt, net.json, tutorial.ipynb")
    ran = subprocess.run([sys.executable, "-m", "neurosim", "demo", "mazur_step_by_step"],
                         capture_output=True, text=True, timeout=120, env=env, cwd=away)
    assert ran.returncode == 0, ran.stderr
    assert "w5+ = w5 - eta*dE_total/dw5 = 0.4 - 0.5*0.0821670406 = 0.35891648" in ran.stdout
    assert os.listdir(away) == []
