"""neurosim's pytest suite, run inside Pyodide by ``test_pyodide.py`` (through run_pyodide.mjs).

Pyodide cannot start processes (``subprocess`` raises ``OSError: emscripten does not support
processes``), and about thirty tests run ``python -m neurosim ...`` or a demo as a subprocess,
as a user would. Under Pyodide such a test is skipped, saying why, at the moment it tries: the
:class:`NoProcesses` plugin replaces ``subprocess.Popen`` by one that calls ``pytest.skip``.
Everything else runs as on any Python::

    python tests/compat/pyodide_suite.py [PYTEST ARGS]     # default: -q -rs

(Under CPython this is the ordinary suite: the plugin only acts under Emscripten.)
"""

import subprocess
import sys

import pytest


class NoProcesses:
    """Under Emscripten, a test that starts a process is skipped, with the reason."""

    def pytest_configure(self, config):
        if sys.platform == "emscripten":
            subprocess.Popen.__init__ = _refuse


def _refuse(self, *args, **kwargs):
    pytest.skip(f"Pyodide ({sys.platform}) cannot start processes; this test runs one")


def main(args):
    return pytest.main(args or ["-q", "-rs"], plugins=[NoProcesses()])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
