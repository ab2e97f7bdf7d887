"""Shim for tools that still call setup.py; the metadata lives in setup.cfg.

One thing setup.cfg cannot say: the demos live in ``demos/`` at the top of the checkout (where a
class runs them, ``python demos/xor.py``) and are installed inside the package as
``neurosim/demos/``, so that ``neurosim demo`` finds them after a plain ``pip install .``
too. The build copies them there; MANIFEST.in puts them in the source distribution.
"""
import os

from setuptools import setup
from setuptools.command.build_py import build_py


class build_py_with_demos(build_py):
    """build_py, then ``demos/`` copied into the built package as ``neurosim/demos/``."""

    def run(self):
        super().run()
        here = os.path.dirname(os.path.abspath(__file__))
        source = os.path.join(here, "demos")
        for folder, subfolders, files in os.walk(source):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith((".", "__")))
            target = os.path.join(self.build_lib, "neurosim", "demos",
                                  os.path.relpath(folder, source))
            for name in sorted(files):
                if not name.endswith((".pyc", ".pyo")) and not name.startswith("."):
                    self.mkpath(target)
                    self.copy_file(os.path.join(folder, name), os.path.join(target, name))


setup(cmdclass={"build_py": build_py_with_demos})
