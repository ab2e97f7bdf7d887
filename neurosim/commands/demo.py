"""``neurosim demo``: list the classroom demos, or run one.

The demos are scripts in the ``demos/`` folder of the source checkout, each runnable on its
own (``python demos/xor.py``). An installed copy of neurosim carries them too, as the folder
``neurosim/demos/`` inside the package (the build copies them there, see ``setup.py``). This
command finds them in the checkout beside the package's source (an editable install or a run
from the checkout), else in the installed package, or in the folder ``--dir`` names; it reads
each one's docstring for the list (without running it) and runs one with the current Python in
a separate process. Under Pyodide there are no processes to start: the list works, running a
demo says so in one line.
"""

import ast
import difflib
import os
import pathlib
import subprocess
import sys
import textwrap

from ..errors import ConfigurationError

HELP = "list the classroom demos, or run one by name (extra arguments go to the demo)"
EXAMPLE = """\
examples:
  neurosim demo                          # the list, with a line about each
  neurosim demo xor                      # run demos/xor.py
  neurosim demo playground_spiral spiral.png
  neurosim demo --dir path/to/demos iris
"""


def add_arguments(parser):
    parser.add_argument("name", nargs="?", metavar="NAME", help="the demo to run")
    parser.add_argument("demo_args", nargs="*", metavar="ARG",
                        help="arguments passed to the demo")
    parser.add_argument("--dir", metavar="FOLDER",
                        help="the demos folder (default: demos/ of the source checkout)")


def default_folder():
    """``demos/`` beside the ``neurosim`` package folder when the source checkout has one (a run
    from the checkout, an editable install), else ``neurosim/demos/`` of the installed package."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    checkout = os.path.join(os.path.dirname(package), "demos")
    installed = os.path.join(package, "demos")
    return installed if os.path.isdir(installed) and not os.path.isdir(checkout) else checkout


def find_demos(folder):
    """name -> (path, first line of its docstring), sorted by name."""
    if not os.path.isdir(folder):
        raise ConfigurationError(
            f"no demos folder at {folder!r}: the demos are scripts in the demos/ folder of "
            "neurosim's source checkout (installed as neurosim/demos/ by pip install .); "
            "run them from a checkout (python demos/xor.py) or give the folder with --dir")
    return {entry[:-3]: (os.path.join(folder, entry), _first_line(os.path.join(folder, entry)))
            for entry in sorted(os.listdir(folder))
            if entry.endswith(".py") and not entry.startswith("_")}


#: The listing's lines fit an 80-column terminal, with room for wide (CJK) characters.
LINE_WIDTH = 76


def _wrapped(text, first, rest):
    """``text`` after ``first``, its further lines after ``rest``, wrapped to LINE_WIDTH."""
    return textwrap.fill(text, LINE_WIDTH, initial_indent=first, subsequent_indent=rest,
                         break_on_hyphens=False)


def _first_line(path):
    try:
        doc = ast.get_docstring(ast.parse(pathlib.Path(path).read_text(encoding="utf-8")))
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return "(cannot read its docstring)"
    return ((doc or "").strip().splitlines() or [""])[0]


def run(args):
    folder = args.dir or default_folder()
    demos = find_demos(folder)
    if not demos:
        raise ConfigurationError(f"no demos in {folder!r}: a demo is a .py file there whose "
                                 f"name does not start with _")
    if args.name is None:
        width = max(map(len, demos))
        print(f"demos in {folder} (run one with: neurosim demo NAME):")
        for name, (_, line) in demos.items():
            print(_wrapped(line, f"  {name:{width}}  ", " " * (width + 4)))
        # the other files and folders (net.json, claims/, ...), the ones the --help examples
        # name as demos/...: an installed copy keeps them there
        others = [entry + "/" * os.path.isdir(os.path.join(folder, entry))
                  for entry in sorted(os.listdir(folder))
                  if not entry.startswith((".", "_")) and not entry.endswith(".py")]
        if others:
            print("\n" + _wrapped(f"and files (the --help examples name them demos/NAME): "
                           f"{', '.join(others)}", "", "  "))
        return 0
    name = args.name.removesuffix(".py")
    if name not in demos:
        close = difflib.get_close_matches(name, list(demos), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ConfigurationError(f"no demo is named {args.name!r}{hint}; "
                                 f"the demos: {', '.join(demos)}")
    sys.stdout.flush()
    path = demos[name][0]
    try:
        status = subprocess.call([sys.executable, "-c", _RUNNER, path, *args.demo_args])
    except OSError as error:
        if sys.platform == "emscripten":  # Pyodide: "emscripten does not support processes"
            raise ConfigurationError(
                f"a demo runs as a separate Python process, and Pyodide cannot start one; run "
                f"it in this interpreter instead: import runpy; runpy.run_path({path!r}, "
                f"run_name='__main__')") from None
        # no Python to start (a frozen or sandboxed interpreter)
        raise ConfigurationError(f"cannot start {sys.executable!r} to run the demo: "
                                 f"{error.strerror or error}") from None
    # Killed by a signal (SIGPIPE when the reader of a pipe left): 128 + its number, as a shell
    # reports it (141 for SIGPIPE, the status of cli.main after a BrokenPipeError).
    return 128 - status if status < 0 else status


#: Runs a demo as ``python DEMO.py ARGS`` does (``sys.argv``, ``sys.path[0]``, ``__main__``),
#: except that a closed pipe ends it quietly: Python ignores SIGPIPE and raises BrokenPipeError
#: with a traceback instead, so ``neurosim demo xor | head -1`` would end in one. With SIGPIPE's
#: default action the demo stops as ``cat`` or ``head`` would (the advice of the Python docs,
#: "Note on SIGPIPE"); where there is no SIGPIPE (Windows) the error is caught instead.
_RUNNER = """\
import os, runpy, signal, sys
if hasattr(signal, "SIGPIPE"):
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
sys.argv = sys.argv[1:]
sys.path[0] = os.path.dirname(os.path.abspath(sys.argv[0]))
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
except BrokenPipeError:
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(141)
"""
