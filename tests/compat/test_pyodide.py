"""neurosim under Python 3.14 in Pyodide (CPython compiled to WebAssembly), run by node.

The README promises a core that runs anywhere, "a browser Python included". These tests copy
this working tree into Pyodide's in-memory file system (a zip, unpacked by run_pyodide.mjs)
and run there:

* ``api_script.py``: the whole public API, answered by Mazur's published figures. It needs
  only node and the npm package ``pyodide``;
* the whole pytest suite (``pyodide_suite.py``), given pure-Python wheels of pytest, Hypothesis
  and docutils for Python 3.14 in ``.ci/pyodide/wheels``: Pyodide cannot fetch packages here
  (no network beyond the package registries), so ``.ci/run`` downloads them with pip.

``.ci/run`` installs the pinned npm package into ``.ci/pyodide`` (git-ignored); the
environment variable ``NEUROSIM_PYODIDE`` can name another folder holding it (the folder with
``pyodide.mjs``). Without node, the package or the wheels, a test skips and says what to
install. Each run's output is kept in ``.ci/pyodide/*.log`` for ``.ci/run`` to summarise.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

import api_script

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CI_FOLDER = os.path.join(ROOT, ".ci", "pyodide")
PYODIDE = os.environ.get("NEUROSIM_PYODIDE") or os.path.join(CI_FOLDER, "node_modules",
                                                             "pyodide")
WHEELS = os.path.join(CI_FOLDER, "wheels")
RUNNER = os.path.join(HERE, "run_pyodide.mjs")
PYTHON = "3.14"                    # the npm package pyodide 314.0.x is CPython 3.14
INSTALL = "npm install --prefix .ci/pyodide pyodide@314.0.8 (as .ci/run does)"

# Folders of the working tree that are not the project: never copied into Pyodide.
_NOT_COPIED = {"__pycache__", "node_modules", "build", "dist"}


def _missing(wheels=False):
    """Why Pyodide (with the wheels, if asked) cannot run here, or None."""
    if sys.platform == "emscripten":
        return "already inside Pyodide (which cannot start node)"
    if shutil.which("node") is None:
        return "node is not installed (Pyodide runs under node)"
    if not os.path.isfile(os.path.join(PYODIDE, "pyodide.mjs")):
        return f"the npm package pyodide is not in {PYODIDE}: {INSTALL}"
    if wheels and not (os.path.isdir(WHEELS)
                       and any(name.startswith("pytest-") for name in os.listdir(WHEELS))):
        return ("no pytest wheel in .ci/pyodide/wheels: .ci/run downloads pytest, hypothesis "
                "and docutils there for Pyodide with pip download")
    return None


needs_pyodide = pytest.mark.skipif(_missing() is not None, reason=str(_missing()))
needs_pyodide_and_wheels = pytest.mark.skipif(_missing(wheels=True) is not None,
                                              reason=str(_missing(wheels=True)))


def tree_zip(path):
    """The working tree's project files as a zip: no dot files or folders (.git, .venv, .ci),
    virtual environments, caches or build output."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for folder, subfolders, files in os.walk(ROOT):
            subfolders[:] = sorted(
                d for d in subfolders
                if not d.startswith(".") and d not in _NOT_COPIED and not d.endswith(".egg-info")
                and not os.path.exists(os.path.join(folder, d, "pyvenv.cfg")))
            for name in sorted(files):
                if not name.startswith(".") and not name.endswith(".pyc"):
                    full = os.path.join(folder, name)
                    archive.write(full, os.path.relpath(full, ROOT))
    return path


def run_in_pyodide(tmp_path, wheels, script, *args, timeout):
    """Run ``script`` (a path in the tree) under Pyodide; keep its output in .ci/pyodide."""
    done = subprocess.run(
        ["node", RUNNER, PYODIDE, tree_zip(tmp_path / "tree.zip"), wheels, script, *args],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if os.path.isdir(CI_FOLDER):
        log = os.path.join(CI_FOLDER, os.path.splitext(os.path.basename(script))[0] + ".log")
        with open(log, "w", encoding="utf-8") as f:
            f.write(done.stdout + done.stderr)
    return done


def test_the_tree_zip_holds_the_package_and_not_the_caches(tmp_path):
    with zipfile.ZipFile(tree_zip(tmp_path / "tree.zip")) as archive:
        names = set(archive.namelist())
    assert {"neurosim/__init__.py", "neurosim/data/iris.csv", "tests/published.py",
            "tests/compat/api_script.py", "README.rst", "setup.cfg"} <= names
    folders = {part for name in names for part in name.split("/")[:-1]}
    assert not folders & {".git", ".venv", ".ci", ".hypothesis", "__pycache__", "node_modules"}
    assert not any(name.endswith(".pyc") for name in names)


def test_the_api_script_passes_under_this_python():
    """The script that checks Pyodide, run here: its checks are sound where the suite passes."""
    done = subprocess.run([sys.executable, os.path.join(HERE, "api_script.py")],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    summary = json.loads(done.stdout.splitlines()[-1])
    assert done.returncode == 0 and summary["failed"] == [], done.stdout[-5000:] + done.stderr
    assert summary["python"] == ".".join(map(str, sys.version_info[:3]))


@needs_pyodide
def test_the_public_api_in_pyodide(tmp_path):
    done = run_in_pyodide(tmp_path, "-", "tests/compat/api_script.py", timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-8000:]
    summary = json.loads(done.stdout.splitlines()[-1])
    assert summary["python"].startswith(PYTHON + "."), summary["sys.version"]
    assert summary["sys.version"].startswith(summary["python"])
    assert (summary["implementation"], summary["platform"]) == ("CPython", "emscripten")
    assert summary["neurosim"] == "/home/pyodide/tree/neurosim/__init__.py"   # this tree's
    assert summary["failed"] == []
    assert summary["passed"] == [f.__name__[len("check_"):] for f in api_script.CHECKS]


# Why a test may skip inside Pyodide; any other reason fails test_the_suite_in_pyodide.
_PYODIDE_SKIPS = ("cannot start processes", "needs torch", "'torch'", "needs matplotlib", "tqdm",
                  "Chromium", "readline", "not root", "already inside Pyodide",
                  # Pyodide has no FIFOs, hard links, sockets, device nodes or /dev/fd
                  "FIFOs are POSIX", "of POSIX", "are POSIX (Pyodide", "os.mknod", "/dev/fd",
                  "CPython 3.10+ on this machine",
                  "needs Sphinx",   # the doc build (tests/test_docs.py): no Sphinx in Pyodide
                  "'numpy'")        # numpy arrays as inputs: numpy is not among its wheels


@needs_pyodide_and_wheels
def test_the_suite_in_pyodide(tmp_path):
    done = run_in_pyodide(tmp_path, WHEELS, "tests/compat/pyodide_suite.py", "-q", "-rs",
                          timeout=1800)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-8000:]
    summary = done.stdout.strip().splitlines()[-1]
    assert re.match(r"^\d+ passed\b", summary), summary
    reasons = re.findall(r"^SKIPPED \[\d+\] [^:]+:\d+: (.*)$", done.stdout, re.M)
    unexpected = [r for r in reasons if not any(known in r for known in _PYODIDE_SKIPS)]
    assert unexpected == [], unexpected
