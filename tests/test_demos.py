"""Smoke-run every demo in demos/ as a class would: ``python demos/NAME.py`` in a fresh folder.

Each demo found is run as a subprocess with no arguments, a time limit, the Agg backend (no
display) and a temporary working directory; it must exit 0 without a traceback. For the demos
this file knows, a line of what the class should see is checked too.
"""

import glob
import os
import subprocess
import sys

import pytest

DEMOS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "demos")
TIME_LIMIT = 300  # seconds per demo; the slowest (playground_spiral) takes about 10

#: name -> text its output must contain
EXPECTED = {
    "mazur_step_by_step": "w5+ = w5 - eta*dE_total/dw5 = 0.4 - 0.5*0.0821670406 = 0.35891648",
    "seed002_two_hidden_layers": "wrong: w_(2,5) read as 3",
    "xor": "of 10 seeds reach E < 0.01 within 3000 epochs.",
    "encoder_8_3_8": "8 of 8 patterns reproduced",
    "iris": "test accuracy",
    "playground_spiral": "training accuracy 0.99",
    # published-figures.md A: the post's E after 10,000 updates is the text rule's after 9,999
    "check_seed001": "after 9999 updates",
    # published-figures.md B: the author's y_hat needs w_(2,5) = 3 in the forward pass
    "check_seed002": "w11 (h2 -> h5) read as 3 instead of 2",
}

#: name -> the line before the path of the picture the demo writes (when matplotlib is there)
#: into a temporary folder of its own, never into the working directory
WRITES = {"playground_spiral": "decision boundary written to "}


def demo_paths():
    return sorted(glob.glob(os.path.join(DEMOS, "*.py")))


def test_the_demos_folder_has_the_issues_demos():
    names = {os.path.basename(p)[:-3] for p in demo_paths()}
    assert {"seed002_two_hidden_layers", "xor", "encoder_8_3_8", "playground_spiral",
            "iris", "check_seed001", "check_seed002"} <= names


@pytest.mark.parametrize("path", demo_paths(), ids=lambda p: os.path.basename(p)[:-3])
def test_demo_runs(path, tmp_path):
    name = os.path.basename(path)[:-3]
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONIOENCODING="utf-8")
    root = os.path.dirname(DEMOS)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    done = subprocess.run([sys.executable, path], capture_output=True, text=True,
                          timeout=TIME_LIMIT, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert done.stdout.strip(), "a demo should print what the class sees"
    if name in EXPECTED:
        assert EXPECTED[name] in done.stdout, done.stdout[-3000:]
    if name in WRITES:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            return
        written = done.stdout.split(WRITES[name])[1].splitlines()[0]
        assert os.path.isabs(written) and not written.startswith(str(tmp_path))
        with open(written, "rb") as picture:
            assert picture.read(8).startswith(b"\x89PNG")
        os.remove(written)
        os.rmdir(os.path.dirname(written))
    # run with no arguments, a demo leaves the folder it ran in as it found it
    assert os.listdir(tmp_path) == []


def run_demo(name, *args, cwd):
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONIOENCODING="utf-8")
    root = os.path.dirname(DEMOS)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return subprocess.run([sys.executable, os.path.join(DEMOS, name + ".py"), *args],
                          capture_output=True, text=True, timeout=TIME_LIMIT, env=env, cwd=cwd)


@pytest.mark.parametrize("name, args, message", [
    ("xor", ["abc"], "xor.py: error: SEEDS (how many seeds to try) must be a whole number of "
                     "at least 1, got 'abc'"),
    ("xor", ["0"], "xor.py: error: SEEDS (how many seeds to try) must be a whole number of "
                   "at least 1, got '0'"),
    ("xor", ["-3"], "xor.py: error: SEEDS (how many seeds to try) must be a whole number of "
                    "at least 1, got '-3'"),
    ("xor", ["2", "3"], "xor.py: error: at most 1 argument expected, got 2: '2' '3'; "
                        "usage: python demos/xor.py [SEEDS]"),
    ("iris", ["x"], "iris.py: error: SEED must be a whole number of at least 0, got 'x'"),
    ("mazur_step_by_step", ["x"], "mazur_step_by_step.py: error: no arguments expected, got 1: "
                                  "'x'; usage: python mazur_step_by_step.py"),
    ("playground_spiral", ["a.png", "b.png"], "playground_spiral.py: error: at most 1 argument"),
])
def test_a_bad_argument_is_one_line_and_exit_2(name, args, message, tmp_path):
    done = run_demo(name, *args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(message) and done.stderr.count("\n") == 1, done.stderr
    assert done.stdout == "" and os.listdir(tmp_path) == []
