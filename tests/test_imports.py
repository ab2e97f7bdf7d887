"""Every module of neurosim imports on its own, first, in a fresh interpreter: no import cycle
hides behind the order the test suite happens to import them in (``interop/torch_check.py``
once failed this way, imported before ``interop/torch.py``)."""

import os
import pkgutil
import subprocess
import sys

import neurosim

MODULES = sorted(m.name for m in pkgutil.walk_packages(neurosim.__path__, "neurosim.")
                 if not m.name.endswith(".__main__"))  # __main__ runs the command line


def test_the_package_has_its_modules():
    assert {"neurosim.network", "neurosim.hand_check.checking",
            "neurosim.interop.torch_check"} <= set(MODULES)


def test_each_module_imports_first_in_a_fresh_interpreter():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    script = ("import importlib, sys, traceback\n"
              "failed = []\n"
              "for name in sys.argv[1:]:\n"
              "    for m in [k for k in sys.modules if k == 'neurosim' or k.startswith('neurosim.')]:\n"
              "        del sys.modules[m]\n"
              "    try:\n"
              "        importlib.import_module(name)\n"
              "    except ImportError as e:\n"
              "        if getattr(e, 'name', None) not in ('torch', 'matplotlib', 'hypothesis'):\n"
              "            failed.append(f'{name}: {e!r}')\n"
              "print('\\n'.join(failed))\n")
    env = dict(os.environ, PYTHONPATH=root)
    done = subprocess.run([sys.executable, "-c", script, *MODULES], capture_output=True,
                          text=True, timeout=120, env=env, cwd=root)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == ""
